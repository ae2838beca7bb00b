//! Digest Auth (RFC 7616): MD5, MD5-sess, SHA-256, SHA-256-sess; qop `auth` and `auth-int`.
//!
//! Guarantees:
//! - only the configured algorithm is ever used: a challenge offering only others is an
//!   authorization error naming them, never answered in a weaker one (no downgrade to MD5);
//! - with a configured realm and nonce the first request already carries `Authorization`;
//!   otherwise it goes without, and a `401` with a `WWW-Authenticate: Digest` challenge we can
//!   answer is answered at once, inside the same attempt, exactly once (no loops);
//! - the server's nonce (and opaque, algorithm, qop) is remembered, so later requests are
//!   authorized up front; a new nonce (including `stale=true`) restarts nc at 1;
//! - nc is sent as 8 hex digits and grows by one per request on the same nonce, starting at the
//!   configured Nonce Count (or 1); cnonce is random per request unless one is configured;
//! - `auth-int` hashes the exact body bytes that are sent.

mod challenge;
mod response;

use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Mutex;

use app::domain::authorization::{DigestAlgorithm, DigestQop};
use async_trait::async_trait;
use rand::RngCore;
use reqwest::header::{HeaderValue, AUTHORIZATION, WWW_AUTHENTICATE};
use reqwest::{Response, StatusCode};

use super::{Authorizer, DigestConfig, OutboundRequest};
use crate::outbound::{OutboundClient, OutboundError};
use challenge::{DigestChallenge, Pick};
use response::Answer;

/// What the server told us (or the profile pre-set): enough to authorize up front.
#[derive(Debug, Clone)]
struct ServerState {
    realm: String,
    nonce: String,
    opaque: Option<String>,
    algorithm: DigestAlgorithm,
    qop: Option<DigestQop>,
}

#[derive(Debug)]
pub(crate) struct DigestAuthorizer {
    config: DigestConfig,
    state: Mutex<Option<ServerState>>,
    /// The next nc to send on the current nonce.
    nc: AtomicU32,
}

impl DigestAuthorizer {
    pub(crate) fn new(config: DigestConfig) -> Self {
        let state = match (&config.realm, &config.nonce) {
            (Some(realm), Some(nonce)) if !nonce.is_empty() => Some(ServerState {
                realm: realm.clone(),
                nonce: nonce.clone(),
                opaque: config.opaque.clone(),
                algorithm: config.algorithm,
                qop: Some(config.qop),
            }),
            _ => None,
        };
        let first_nc = config.nonce_count.unwrap_or(1).max(1);
        Self {
            config,
            state: Mutex::new(state),
            nc: AtomicU32::new(first_nc),
        }
    }

    fn current(&self) -> Option<ServerState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// Remembers a challenge's nonce for the next requests; nc restarts on a new nonce.
    fn adopt(&self, c: &DigestChallenge) -> ServerState {
        let state = ServerState {
            realm: c.realm.clone(),
            nonce: c.nonce.clone(),
            opaque: c.opaque.clone().or_else(|| self.config.opaque.clone()),
            algorithm: c.algorithm,
            qop: c.qop,
        };
        let mut slot = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if slot.as_ref().map(|s| &s.nonce) != Some(&state.nonce) {
            self.nc.store(1, Ordering::SeqCst);
        }
        *slot = Some(state.clone());
        state
    }

    fn cnonce(&self) -> String {
        match &self.config.client_nonce {
            Some(fixed) if !fixed.is_empty() => fixed.clone(),
            _ => {
                let mut bytes = [0u8; 16];
                rand::thread_rng().fill_bytes(&mut bytes);
                hex::encode(bytes)
            }
        }
    }

    /// The request with `Authorization` computed for `state` and the next nc.
    fn authorized(
        &self,
        state: &ServerState,
        request: &OutboundRequest,
    ) -> Result<OutboundRequest, OutboundError> {
        let nc = self.nc.fetch_add(1, Ordering::SeqCst);
        let cnonce = self.cnonce();
        let uri = request_target(&request.url);
        let answer = Answer {
            username: &self.config.username,
            password: self.config.password.expose(),
            realm: &state.realm,
            nonce: &state.nonce,
            opaque: state.opaque.as_deref(),
            algorithm: state.algorithm,
            qop: state.qop,
            nc,
            cnonce: &cnonce,
            method: request.method.as_str(),
            uri: &uri,
            body: &request.body,
        };
        let mut value = HeaderValue::from_bytes(answer.header().as_bytes()).map_err(|_| {
            OutboundError::auth(
                "the Digest Auth header could not be built (a line break in a field?)",
            )
        })?;
        value.set_sensitive(true);
        let mut out = request.clone();
        out.headers.insert(AUTHORIZATION, value);
        Ok(out)
    }

    /// The challenge in a 401 we can answer, if any; an error when the server asks for
    /// another algorithm than the configured one (never answered in it: no downgrade).
    fn challenge_in(&self, response: &Response) -> Result<Option<DigestChallenge>, OutboundError> {
        if response.status() != StatusCode::UNAUTHORIZED {
            return Ok(None);
        }
        let values = response
            .headers()
            .get_all(WWW_AUTHENTICATE)
            .iter()
            .filter_map(|v| v.to_str().ok());
        match challenge::pick(values, self.config.algorithm, self.config.qop) {
            Pick::Answer(c) => Ok(Some(c)),
            Pick::Nothing => Ok(None),
            Pick::OtherAlgorithm(offered) => Err(OutboundError::auth(format!(
                "the server asks for Digest Auth with {}, but the profile's Algorithm is {}: \
                 it is not answered in another algorithm",
                offered.join(" or "),
                self.config.algorithm.label()
            ))),
        }
    }
}

/// Path and query as they go on the request line (what `uri=` must repeat).
fn request_target(url: &reqwest::Url) -> String {
    url[url::Position::BeforePath..url::Position::AfterQuery].to_owned()
}

#[async_trait]
impl Authorizer for DigestAuthorizer {
    fn describe(&self) -> Option<String> {
        Some(format!(
            "Digest Auth ({}, qop {}) as {}",
            self.config.algorithm, self.config.qop, self.config.username
        ))
    }

    async fn send(
        &self,
        client: &OutboundClient,
        request: OutboundRequest,
    ) -> Result<Response, OutboundError> {
        let first = match self.current() {
            Some(state) => self.authorized(&state, &request)?,
            None => request.clone(),
        };
        let response = client.execute(first).await?;
        let Some(challenge) = self.challenge_in(&response)? else {
            return Ok(response);
        };
        // Answered once: a second 401 goes back to the caller as it is.
        let state = self.adopt(&challenge);
        tracing::debug!(stale = challenge.stale, "answering a Digest challenge");
        client.execute(self.authorized(&state, &request)?).await
    }
}
