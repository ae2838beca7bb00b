//! The live OAuth 2.0 authorizer: one per profile, holding its token cache.
//!
//! Guarantees:
//! - a request goes out with `Authorization: Bearer <access token>`;
//! - client credentials: the token is fetched on first use when there is none, and renewed when
//!   it is within [`EXPIRY_MARGIN`] of expiring; authorization code: renewed with the refresh
//!   token; without any token the request is not sent and the error says "get an access token
//!   first";
//! - renewal uses the refresh token when there is one (client credentials fall back to a new
//!   fetch if the refresh fails), and keeps the old refresh token when the server sends none;
//! - after a `401` the token is renewed once and the request retried once, in the same attempt;
//! - renewals are serialized (a burst of deliveries fetches one token, not one each), and every
//!   change or failure is told to the [`TokenSink`].

use std::sync::Arc;
use std::time::Duration;

use app::domain::authorization::GrantType;
use async_trait::async_trait;
use reqwest::header::{HeaderValue, AUTHORIZATION};
use reqwest::{Response, StatusCode};
use tokio::sync::Mutex;

use super::{fetch_client_credentials, now_millis, refresh};
use crate::outbound::auth::{Authorizer, OAuth2Config, OutboundRequest, TokenSet, TokenSink};
use crate::outbound::{OutboundClient, OutboundError};
use crate::secrets::Secret;

/// A token this close to its expiry is renewed before use, so it does not expire in flight.
pub(crate) const EXPIRY_MARGIN: Duration = Duration::from_secs(30);

pub(crate) struct OAuth2Authorizer {
    id: i64,
    config: OAuth2Config,
    tokens: Mutex<Option<TokenSet>>,
    sink: Arc<dyn TokenSink>,
}

impl std::fmt::Debug for OAuth2Authorizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OAuth2Authorizer")
            .field("authorization_id", &self.id)
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

fn fresh(tokens: &TokenSet) -> bool {
    match tokens.expires_at {
        None => true,
        Some(at) => at - now_millis() > EXPIRY_MARGIN.as_millis() as i64,
    }
}

impl OAuth2Authorizer {
    pub(crate) fn new(
        id: i64,
        config: OAuth2Config,
        tokens: Option<TokenSet>,
        sink: Arc<dyn TokenSink>,
    ) -> Self {
        Self {
            id,
            config,
            tokens: Mutex::new(tokens),
            sink,
        }
    }

    /// An access token fit to use now, fetching or refreshing it if needed.
    async fn usable_token(&self, client: &OutboundClient) -> Result<Secret, OutboundError> {
        let mut slot = self.tokens.lock().await;
        if let Some(tokens) = slot.as_ref().filter(|t| fresh(t)) {
            return Ok(tokens.access_token.clone());
        }
        self.renew_locked(client, &mut slot).await
    }

    /// Renews after `rejected` was refused with a 401, unless another request already did.
    async fn renew_after_401(
        &self,
        client: &OutboundClient,
        rejected: &Secret,
    ) -> Result<Secret, OutboundError> {
        let mut slot = self.tokens.lock().await;
        if let Some(tokens) = slot.as_ref() {
            if tokens.access_token.expose() != rejected.expose() {
                return Ok(tokens.access_token.clone());
            }
        }
        self.renew_locked(client, &mut slot).await
    }

    async fn renew_locked(
        &self,
        client: &OutboundClient,
        slot: &mut Option<TokenSet>,
    ) -> Result<Secret, OutboundError> {
        let refresh_token = slot.as_ref().and_then(|t| t.refresh_token.clone());
        let outcome = match (self.config.grant, refresh_token) {
            (GrantType::ClientCredentials, Some(rt)) => {
                match refresh(client, &self.config, &rt).await {
                    Ok(tokens) => Ok(tokens),
                    Err(e) => {
                        tracing::debug!(id = self.id, error = %e, "refresh failed; fetching a new token");
                        fetch_client_credentials(client, &self.config).await
                    }
                }
            }
            (GrantType::ClientCredentials, None) => {
                fetch_client_credentials(client, &self.config).await
            }
            (GrantType::AuthorizationCode, Some(rt)) => refresh(client, &self.config, &rt).await,
            (GrantType::AuthorizationCode, None) if slot.is_none() => {
                return Err(OutboundError::auth("get an access token first"));
            }
            (GrantType::AuthorizationCode, None) => Err(OutboundError::auth(
                "the access token was refused or has expired and there is no refresh token: \
                 get an access token again",
            )),
        };
        match outcome {
            Ok(tokens) => {
                self.sink.tokens_refreshed(self.id, &tokens).await;
                let access = tokens.access_token.clone();
                *slot = Some(tokens);
                Ok(access)
            }
            Err(e) => {
                self.sink.token_failed(self.id, e.message()).await;
                Err(e)
            }
        }
    }
}

fn with_bearer(
    request: &OutboundRequest,
    token: &Secret,
) -> Result<OutboundRequest, OutboundError> {
    let mut value = HeaderValue::from_str(&format!("Bearer {}", token.expose()))
        .map_err(|_| OutboundError::auth("the access token cannot be sent in a header"))?;
    value.set_sensitive(true);
    let mut out = request.clone();
    out.headers.insert(AUTHORIZATION, value);
    Ok(out)
}

#[async_trait]
impl Authorizer for OAuth2Authorizer {
    async fn send(
        &self,
        client: &OutboundClient,
        request: OutboundRequest,
    ) -> Result<Response, OutboundError> {
        let token = self.usable_token(client).await?;
        let response = client.execute(with_bearer(&request, &token)?).await?;
        if response.status() != StatusCode::UNAUTHORIZED {
            return Ok(response);
        }
        tracing::debug!(
            id = self.id,
            "the access token was refused; renewing it once"
        );
        let token = self.renew_after_401(client, &token).await?;
        client.execute(with_bearer(&request, &token)?).await
    }
}
