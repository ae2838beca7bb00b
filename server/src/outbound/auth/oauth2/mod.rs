//! OAuth 2.0 through the `oauth2` crate: the flows behind the console's Get Access Token button
//! and Call Back URL, and (in `live.rs`) the authorizer that keeps a token fresh for deliveries.
//!
//! Guarantees: every token request goes through our [`OutboundClient`] (see `http.rs`), with
//! the profile's Client Authentication (in the body, or as a Basic header) and Advance Settings;
//! the code grant always uses `state` and PKCE S256; a failure is an [`ErrorCode::Auth`] error
//! that says in plain words what the token endpoint did ("answered 401 Unauthorized:
//! invalid_client (client authentication failed)", "did not answer within 10s").

mod adapter;
mod errors;
mod live;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use app::domain::authorization::ClientAuthentication;
use oauth2::basic::{BasicClient, BasicTokenResponse};
use oauth2::{
    AuthType, AuthUrl, AuthorizationCode, ClientId, ClientSecret, CsrfToken, PkceCodeChallenge,
    PkceCodeVerifier, RedirectUrl, RefreshToken, Scope, TokenResponse, TokenUrl,
};

use super::{OAuth2Config, TokenSet};
use crate::outbound::{OutboundClient, OutboundError};
use crate::secrets::Secret;
use adapter::TokenHttp;

pub(crate) use live::OAuth2Authorizer;

/// Where to send the browser for the authorization-code grant, and what to keep until the
/// Call Back URL is reached.
#[derive(Debug, Clone)]
pub struct AuthorizationRequest {
    pub url: String,
    pub state: String,
    pub pkce_verifier: Secret,
}

/// The client with id, secret and Client Authentication set (endpoints not yet).
fn base_client(cfg: &OAuth2Config) -> BasicClient {
    let mut client = BasicClient::new(ClientId::new(cfg.client_id.clone()));
    if !cfg.client_secret.is_empty() {
        client = client.set_client_secret(ClientSecret::new(cfg.client_secret.expose().to_owned()));
    }
    client.set_auth_type(match cfg.client_authentication {
        ClientAuthentication::InBody => AuthType::RequestBody,
        ClientAuthentication::BasicHeader => AuthType::BasicAuth,
    })
}

fn token_url(url: &str, what: &str) -> Result<TokenUrl, OutboundError> {
    TokenUrl::new(url.trim().to_owned())
        .map_err(|e| OutboundError::auth(format!("the {what} is not a valid URL: {e}")))
}

fn scopes(cfg: &OAuth2Config) -> Vec<Scope> {
    cfg.scope
        .as_deref()
        .unwrap_or_default()
        .split_whitespace()
        .map(|s| Scope::new(s.to_owned()))
        .collect()
}

/// Unix milliseconds now.
pub(crate) fn now_millis() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or_default()
}

/// Our token set from the crate's answer. Expiry: the configured validity when "limited
/// validity" is ticked, else the answer's `expires_in`, else none.
fn token_set(cfg: &OAuth2Config, answer: &BasicTokenResponse) -> TokenSet {
    let lifetime: Option<Duration> = cfg.validity.or_else(|| answer.expires_in());
    TokenSet {
        access_token: Secret::new(answer.access_token().secret().clone()),
        refresh_token: answer
            .refresh_token()
            .map(|r| Secret::new(r.secret().clone())),
        // Saturating: a provider's huge `expires_in` must not wrap into the past.
        expires_at: lifetime
            .map(|d| now_millis().saturating_add(i64::try_from(d.as_millis()).unwrap_or(i64::MAX))),
    }
}

/// Client credentials grant, honouring Advance Settings and Client Authentication.
pub async fn fetch_client_credentials(
    client: &OutboundClient,
    cfg: &OAuth2Config,
) -> Result<TokenSet, OutboundError> {
    let oauth =
        base_client(cfg).set_token_uri(token_url(&cfg.access_token_url, "Access Token URL")?);
    let http = TokenHttp::new(client, cfg);
    let answer = oauth
        .exchange_client_credentials()
        .add_scopes(scopes(cfg))
        .request_async(&http)
        .await
        .map_err(|e| errors::token_error(e, &http))?;
    Ok(token_set(cfg, &answer))
}

/// Authorization code grant, step 1: where to send the browser (state + PKCE S256,
/// `redirect_uri` = the Call Back URL).
pub fn authorization_request(cfg: &OAuth2Config) -> Result<AuthorizationRequest, OutboundError> {
    let auth_url = cfg
        .authorization_url
        .as_deref()
        .filter(|u| !u.trim().is_empty())
        .ok_or_else(|| OutboundError::auth("the Authorization URL is missing"))?;
    let auth_url = AuthUrl::new(auth_url.trim().to_owned()).map_err(|e| {
        OutboundError::auth(format!("the Authorization URL is not a valid URL: {e}"))
    })?;
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (url, state) = base_client(cfg)
        .set_auth_uri(auth_url)
        .set_redirect_uri(redirect_url(cfg)?)
        .authorize_url(CsrfToken::new_random)
        .add_scopes(scopes(cfg))
        .set_pkce_challenge(challenge)
        .url();
    Ok(AuthorizationRequest {
        url: url.to_string(),
        state: state.secret().clone(),
        pkce_verifier: Secret::new(verifier.secret().clone()),
    })
}

fn redirect_url(cfg: &OAuth2Config) -> Result<RedirectUrl, OutboundError> {
    let url = cfg
        .redirect_url
        .as_deref()
        .filter(|u| !u.trim().is_empty())
        .ok_or_else(|| OutboundError::auth("the Call Back URL is missing"))?;
    RedirectUrl::new(url.trim().to_owned())
        .map_err(|e| OutboundError::auth(format!("the Call Back URL is not a valid URL: {e}")))
}

/// Step 2, at the Call Back URL: exchange the code (with the PKCE verifier) for tokens.
pub async fn exchange_code(
    client: &OutboundClient,
    cfg: &OAuth2Config,
    code: &str,
    pkce_verifier: &Secret,
) -> Result<TokenSet, OutboundError> {
    let oauth = base_client(cfg)
        .set_token_uri(token_url(&cfg.access_token_url, "Access Token URL")?)
        .set_redirect_uri(redirect_url(cfg)?);
    let http = TokenHttp::new(client, cfg);
    let answer = oauth
        .exchange_code(AuthorizationCode::new(code.to_owned()))
        .set_pkce_verifier(PkceCodeVerifier::new(pkce_verifier.expose().to_owned()))
        .request_async(&http)
        .await
        .map_err(|e| errors::token_error(e, &http))?;
    Ok(token_set(cfg, &answer))
}

/// The refresh_token grant, at the Refresh Token URL (default: the Access Token URL). A server
/// that sends no new refresh token lets us keep the old one (RFC 6749 §6).
pub(crate) async fn refresh(
    client: &OutboundClient,
    cfg: &OAuth2Config,
    refresh_token: &Secret,
) -> Result<TokenSet, OutboundError> {
    let (url, what) = match cfg
        .refresh_token_url
        .as_deref()
        .filter(|u| !u.trim().is_empty())
    {
        Some(url) => (url, "Refresh Token URL"),
        None => (cfg.access_token_url.as_str(), "Access Token URL"),
    };
    let oauth = base_client(cfg).set_token_uri(token_url(url, what)?);
    let http = TokenHttp::new(client, cfg);
    let answer = oauth
        .exchange_refresh_token(&RefreshToken::new(refresh_token.expose().to_owned()))
        .request_async(&http)
        .await
        .map_err(|e| errors::token_error(e, &http))?;
    let mut tokens = token_set(cfg, &answer);
    if tokens.refresh_token.is_none() {
        tokens.refresh_token = Some(refresh_token.clone());
    }
    Ok(tokens)
}

#[cfg(test)]
mod tests;
