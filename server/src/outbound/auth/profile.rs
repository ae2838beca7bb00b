//! The authorization profiles as the outbound code receives them (already parsed and opened),
//! and [`authorizer`], which turns one into the live [`Authorizer`] that applies it.
//!
//! Guarantees: every secret is a [`Secret`] (prints as `<redacted>`), so deriving `Debug` here
//! never prints a password, key, client secret or token; one profile gives one live authorizer,
//! which keeps whatever state the scheme needs between requests (Digest nonce and nc, OAuth
//! tokens) and reports OAuth token changes through the [`TokenSink`].

use std::sync::Arc;
use std::time::Duration;

use app::domain::authorization::{
    ApiKeyPlacement, ClientAuthentication, DigestAlgorithm, DigestQop, GrantType,
    TokenParameterType, TokenUrlMethod,
};
use async_trait::async_trait;

use super::{api_key, aws, basic, digest, oauth2, Authorizer, NoAuth};
use crate::secrets::Secret;

/// Basic Auth (RFC 7617).
#[derive(Debug, Clone)]
pub struct BasicConfig {
    pub username: String,
    pub password: Secret,
}

/// Digest Auth (RFC 7616). The optional fields pre-set what a server challenge would say.
#[derive(Debug, Clone)]
pub struct DigestConfig {
    pub username: String,
    pub password: Secret,
    pub realm: Option<String>,
    pub nonce: Option<String>,
    pub opaque: Option<String>,
    pub algorithm: DigestAlgorithm,
    pub qop: DigestQop,
    /// First nc to use (default 1).
    pub nonce_count: Option<u32>,
    /// A fixed cnonce (default: random per request).
    pub client_nonce: Option<String>,
}

/// AWS Signature Version 4.
#[derive(Debug, Clone)]
pub struct AwsConfig {
    pub access_key: String,
    pub secret_key: Secret,
    pub region: String,
    pub service_name: String,
}

/// API Key in a header or in the query string.
#[derive(Debug, Clone)]
pub struct ApiKeyConfig {
    pub key: String,
    pub value: Secret,
    pub add_to: ApiKeyPlacement,
}

/// OAuth 2.0, both grants (SPEC §5). `Debug` shows the Access Token URL Headers' names only:
/// their values often carry a key of their own.
#[derive(Clone)]
pub struct OAuth2Config {
    pub grant: GrantType,
    /// Client ID (Consumer ID for the code grant).
    pub client_id: String,
    /// Client Secret (Consumer Secret for the code grant).
    pub client_secret: Secret,
    /// Code grant: where the browser is sent.
    pub authorization_url: Option<String>,
    /// Code grant: the Call Back URL.
    pub redirect_url: Option<String>,
    /// Space-separated scopes.
    pub scope: Option<String>,
    pub access_token_url: String,
    /// Default: `access_token_url`.
    pub refresh_token_url: Option<String>,
    /// Some when "limited validity" is ticked: overrides/assumes the token lifetime.
    pub validity: Option<Duration>,
    pub token_method: TokenUrlMethod,
    pub parameter_type: TokenParameterType,
    /// Access Token URL Headers.
    pub extra_headers: Vec<(String, String)>,
    pub client_authentication: ClientAuthentication,
}

impl std::fmt::Debug for OAuth2Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let header_names: Vec<&str> = self.extra_headers.iter().map(|(n, _)| n.as_str()).collect();
        f.debug_struct("OAuth2Config")
            .field("grant", &self.grant)
            .field("client_id", &self.client_id)
            .field("client_secret", &self.client_secret)
            .field("authorization_url", &self.authorization_url)
            .field("redirect_url", &self.redirect_url)
            .field("scope", &self.scope)
            .field("access_token_url", &self.access_token_url)
            .field("refresh_token_url", &self.refresh_token_url)
            .field("validity", &self.validity)
            .field("token_method", &self.token_method)
            .field("parameter_type", &self.parameter_type)
            .field("extra_headers", &header_names)
            .field("client_authentication", &self.client_authentication)
            .finish()
    }
}

/// Tokens of an OAuth 2.0 profile.
#[derive(Debug, Clone)]
pub struct TokenSet {
    pub access_token: Secret,
    pub refresh_token: Option<Secret>,
    /// Unix milliseconds; `None` = no known expiry.
    pub expires_at: Option<i64>,
}

/// One stored authorization, ready to apply.
#[derive(Debug, Clone)]
pub enum AuthProfile {
    NoAuth,
    Basic(BasicConfig),
    Digest(DigestConfig),
    Aws(AwsConfig),
    ApiKey(ApiKeyConfig),
    OAuth2 {
        authorization_id: i64,
        config: OAuth2Config,
        tokens: Option<TokenSet>,
    },
}

/// Held while this instance requests a profile's tokens (see [`TokenSink::exclusive`]).
pub type TokenLock = Option<Box<dyn Send>>;

/// Told whenever a live OAuth 2.0 authorizer fetched or refreshed tokens, or failed to; and,
/// with several instances on one database, what keeps them from requesting the same tokens at
/// once.
#[async_trait]
pub trait TokenSink: Send + Sync {
    async fn tokens_refreshed(&self, authorization_id: i64, tokens: &TokenSet);
    /// The status becomes "Authorization Pending".
    async fn token_failed(&self, authorization_id: i64, reason: &str);
    /// Waits until no other instance is requesting this profile's tokens, and keeps the others
    /// waiting until the value is dropped. A sink of one instance has nothing to wait for.
    async fn exclusive(&self, _authorization_id: i64) -> TokenLock {
        None
    }
    /// The profile's tokens as stored now: another instance may have renewed them meanwhile.
    async fn stored(&self, _authorization_id: i64) -> Option<TokenSet> {
        None
    }
}

/// One live authorizer for a profile. Keep it as long as the profile is unchanged: it holds the
/// Digest nonce count and the OAuth token cache.
pub fn authorizer(profile: AuthProfile, sink: Arc<dyn TokenSink>) -> Arc<dyn Authorizer> {
    match profile {
        AuthProfile::NoAuth => Arc::new(NoAuth),
        AuthProfile::Basic(cfg) => Arc::new(basic::BasicAuthorizer::new(cfg)),
        AuthProfile::Digest(cfg) => Arc::new(digest::DigestAuthorizer::new(cfg)),
        AuthProfile::Aws(cfg) => Arc::new(aws::AwsAuthorizer::new(cfg)),
        AuthProfile::ApiKey(cfg) => Arc::new(api_key::ApiKeyAuthorizer::new(cfg)),
        AuthProfile::OAuth2 {
            authorization_id,
            config,
            tokens,
        } => Arc::new(oauth2::OAuth2Authorizer::new(
            authorization_id,
            config,
            tokens,
            sink,
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_never_shows_a_secret() {
        let profile = AuthProfile::OAuth2 {
            authorization_id: 1,
            config: OAuth2Config {
                grant: GrantType::ClientCredentials,
                client_id: "id".into(),
                client_secret: Secret::new("client-secret-value"),
                authorization_url: None,
                redirect_url: None,
                scope: None,
                access_token_url: "https://idp/token".into(),
                refresh_token_url: None,
                validity: None,
                token_method: TokenUrlMethod::Post,
                parameter_type: TokenParameterType::Body,
                extra_headers: vec![("X-Key".into(), "header-secret-value".into())],
                client_authentication: ClientAuthentication::InBody,
            },
            tokens: Some(TokenSet {
                access_token: Secret::new("access-token-value"),
                refresh_token: Some(Secret::new("refresh-token-value")),
                expires_at: None,
            }),
        };
        let basic = AuthProfile::Basic(BasicConfig {
            username: "u".into(),
            password: Secret::new("password-value"),
        });
        let printed = format!("{profile:?} {basic:?}");
        for secret in [
            "client-secret",
            "header-secret",
            "access-token",
            "refresh-token",
            "password-value",
        ] {
            assert!(!printed.contains(secret), "{secret} leaked: {printed}");
        }
        assert!(printed.contains("X-Key"));
    }
}
