//! How an authorization profile goes on an outbound request: the [`Authorizer`] seam.
//!
//! Guarantees: the test call and every delivery hand a finished [`OutboundRequest`] (method, URL,
//! headers, exact body bytes) to an `Authorizer`, which sends it through the one
//! [`OutboundClient`]. So a scheme that must see the exact bytes (AWS SigV4, Digest `auth-int`) signs
//! what is sent, and a scheme that needs a round trip (a Digest 401 challenge, an OAuth 2.0 refresh
//! after a 401) does it inside the same attempt. A failure to authorize is an
//! [`ErrorCode::Auth`](super::ErrorCode::Auth) error, reported and classified like any other.

mod api_key;
mod aws;
mod basic;
mod digest;
pub mod oauth2;
mod profile;

use std::sync::Arc;

use async_trait::async_trait;
use reqwest::{header::HeaderMap, Method, Response, Url};

pub use profile::{
    authorizer, ApiKeyConfig, AuthProfile, AwsConfig, BasicConfig, DigestConfig, OAuth2Config,
    TokenLock, TokenSet, TokenSink,
};

use super::{OutboundClient, OutboundError};

/// A request as it will go on the wire, before authorization. `body` is sent byte for byte.
#[derive(Debug, Clone)]
pub struct OutboundRequest {
    pub method: Method,
    pub url: Url,
    pub headers: HeaderMap,
    pub body: bytes::Bytes,
}

impl OutboundRequest {
    /// A bodiless request (the test call's `HEAD`).
    pub fn new(method: Method, url: Url) -> Self {
        Self {
            method,
            url,
            headers: HeaderMap::new(),
            body: bytes::Bytes::new(),
        }
    }
}

/// Sends a request with an authorization profile applied.
///
/// Implementations may send more than one HTTP request for one call (answer a Digest challenge,
/// refresh an OAuth token and retry once): that is still one attempt for the caller. They must
/// never log the credentials they add, and say in plain words what is missing when they cannot
/// authorize ("get an access token first"), through [`OutboundError::auth`].
#[async_trait]
pub trait Authorizer: Send + Sync + std::fmt::Debug {
    async fn send(
        &self,
        client: &OutboundClient,
        request: OutboundRequest,
    ) -> Result<Response, OutboundError>;

    /// Whether a request can go at once. `false` when it would first wait for something shared,
    /// such as an OAuth 2.0 token being fetched: the dispatcher then waits in [`Self::prepare`]
    /// without holding a send slot.
    fn ready(&self) -> bool {
        true
    }

    /// Gets what the next request needs (an OAuth 2.0 token), once for every waiter.
    async fn prepare(&self, _client: &OutboundClient) -> Result<(), OutboundError> {
        Ok(())
    }

    /// What this authorizer puts on a request, in words without any secret ("Basic Auth as
    /// alice"); `None` when it adds nothing (the test call then has no `auth` step).
    fn describe(&self) -> Option<String> {
        None
    }
}

/// No authorization: the request goes out unchanged.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoAuth;

#[async_trait]
impl Authorizer for NoAuth {
    async fn send(
        &self,
        client: &OutboundClient,
        request: OutboundRequest,
    ) -> Result<Response, OutboundError> {
        client.execute(request).await
    }
}

/// Where the test call and the dispatcher find the [`Authorizer`] of a stored authorization
/// profile (by its id). The server's implementation keeps one live authorizer per profile, so an
/// OAuth 2.0 token is fetched once and shared by every delivery that uses it.
#[async_trait]
pub trait AuthorizerSource: Send + Sync {
    /// `Err` with [`ErrorCode::Auth`](super::ErrorCode::Auth) when the profile no longer exists or
    /// cannot be used.
    async fn authorizer(&self, authorization_id: i64)
        -> Result<Arc<dyn Authorizer>, OutboundError>;
}
