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
//! - one token request at a time per profile, shared by every request waiting for it (a burst of
//!   deliveries fetches one token, not one each); the token cache's lock is never held across a
//!   token request, so a hanging token endpoint delays only the requests that need its token;
//! - after a failed token request, [`COOLDOWN`] passes before the next one: meanwhile requests
//!   fail at once with [`ErrorCode::TokenCooldown`] (retried per the schedule) instead of each
//!   trying again in turn;
//! - with several instances on one database, the token request is made by one instance at a
//!   time ([`TokenSink::exclusive`]); one that waited uses the token the other stored, if it is
//!   fresh and not the one just refused;
//! - every change or failure is told to the [`TokenSink`].

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use app::domain::authorization::GrantType;
use async_trait::async_trait;
use reqwest::header::{HeaderValue, AUTHORIZATION};
use reqwest::{Response, StatusCode};

use super::{fetch_client_credentials, now_millis, refresh};
use crate::outbound::auth::{Authorizer, OAuth2Config, OutboundRequest, TokenSet, TokenSink};
use crate::outbound::{ErrorCode, OutboundClient, OutboundError};
use crate::secrets::Secret;

/// A token this close to its expiry is renewed before use, so it does not expire in flight.
pub(crate) const EXPIRY_MARGIN: Duration = Duration::from_secs(30);
/// How long after a failed token request no new one is made.
pub const COOLDOWN: Duration = Duration::from_secs(5);

/// The token cache, and the last failure while its cool-down runs.
#[derive(Default)]
struct Cache {
    tokens: Option<TokenSet>,
    failed: Option<(Instant, String)>,
}

impl Cache {
    fn fresh_token(&self) -> Option<Secret> {
        self.tokens
            .as_ref()
            .filter(|t| fresh(t))
            .map(|t| t.access_token.clone())
    }

    /// The cool-down error, while one runs.
    fn cooling(&self) -> Option<OutboundError> {
        let (at, reason) = self.failed.as_ref()?;
        (at.elapsed() < COOLDOWN).then(|| {
            OutboundError::new(
                ErrorCode::TokenCooldown,
                format!(
                    "the token endpoint failed less than {}s ago ({reason}); no new token is \
                     requested until then",
                    COOLDOWN.as_secs()
                ),
            )
        })
    }
}

pub(crate) struct OAuth2Authorizer {
    id: i64,
    config: OAuth2Config,
    /// Never held across a network call.
    cache: Mutex<Cache>,
    /// Held by the one token request in flight; waiters queue on it, then read the cache.
    fetching: tokio::sync::Mutex<()>,
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
            cache: Mutex::new(Cache {
                tokens,
                failed: None,
            }),
            fetching: tokio::sync::Mutex::new(()),
            sink,
        }
    }

    fn cache(&self) -> std::sync::MutexGuard<'_, Cache> {
        self.cache
            .lock()
            .expect("the token cache is never poisoned")
    }

    /// An access token fit to use now, fetching or refreshing it if needed.
    async fn usable_token(&self, client: &OutboundClient) -> Result<Secret, OutboundError> {
        self.token_unless(client, None).await
    }

    /// A token other than `rejected` (refused with a 401): the one another request already
    /// renewed, or a new one.
    async fn renew_after_401(
        &self,
        client: &OutboundClient,
        rejected: &Secret,
    ) -> Result<Secret, OutboundError> {
        self.token_unless(client, Some(rejected)).await
    }

    /// A usable token that is not `rejected`: from the cache, or from the one token request in
    /// flight (this caller's or another's), or the cool-down's error.
    async fn token_unless(
        &self,
        client: &OutboundClient,
        rejected: Option<&Secret>,
    ) -> Result<Secret, OutboundError> {
        let usable = |cache: &Cache| -> Option<Result<Secret, OutboundError>> {
            if let Some(token) = cache.fresh_token() {
                if rejected.is_none_or(|r| r.expose() != token.expose()) {
                    return Some(Ok(token));
                }
            }
            cache.cooling().map(Err)
        };
        if let Some(answer) = usable(&self.cache()) {
            return answer;
        }
        let _one_at_a_time = self.fetching.lock().await;
        // The request this caller waited behind may have settled it.
        if let Some(answer) = usable(&self.cache()) {
            return answer;
        }
        // Then the other instances on the database: one requests while the rest wait, and a
        // waiter takes what the requester stored instead of asking again.
        let _across_instances = self.sink.exclusive(self.id).await;
        let stored = self.sink.stored(self.id).await;
        if let Some(tokens) = stored
            .as_ref()
            .filter(|t| fresh(t) && rejected.is_none_or(|r| r.expose() != t.access_token.expose()))
        {
            let access = tokens.access_token.clone();
            let mut cache = self.cache();
            cache.tokens = Some(tokens.clone());
            cache.failed = None;
            return Ok(access);
        }
        // The stored set may hold a newer refresh token than this cache (a rotation elsewhere).
        let current = stored.or_else(|| self.cache().tokens.clone());
        let outcome = self.request_tokens(client, current.as_ref()).await;
        let mut cache = self.cache();
        match outcome {
            Ok(tokens) => {
                let access = tokens.access_token.clone();
                cache.tokens = Some(tokens);
                cache.failed = None;
                Ok(access)
            }
            Err(e) => {
                cache.failed = Some((Instant::now(), e.message().to_owned()));
                Err(e)
            }
        }
    }

    /// One token request (refresh, or a new fetch), told to the sink.
    async fn request_tokens(
        &self,
        client: &OutboundClient,
        current: Option<&TokenSet>,
    ) -> Result<TokenSet, OutboundError> {
        let refresh_token = current.and_then(|t| t.refresh_token.clone());
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
            (GrantType::AuthorizationCode, None) if current.is_none() => {
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
                Ok(tokens)
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
    fn describe(&self) -> Option<String> {
        Some(format!("OAuth 2.0 ({})", self.config.grant))
    }

    /// Ready when a fresh token is cached (or a cool-down makes requests fail at once) and no
    /// token request is in flight.
    fn ready(&self) -> bool {
        let cache = self.cache();
        (cache.fresh_token().is_some() || cache.cooling().is_some())
            && self.fetching.try_lock().is_ok()
    }

    async fn prepare(&self, client: &OutboundClient) -> Result<(), OutboundError> {
        self.usable_token(client).await.map(|_| ())
    }

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
