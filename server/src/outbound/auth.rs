//! How an authorization is put on an outbound request: the [`ApplyAuth`] seam.
//!
//! Guarantees: the outbound code never knows which kind of authorization it carries; every kind
//! (Basic, bearer, OAuth 2.0, API key… from the authorization profiles) implements this one trait,
//! and a failure to apply it is an [`ErrorCode::Auth`](super::ErrorCode::Auth) error, so it is
//! reported and classified like any other outbound failure.

use async_trait::async_trait;
use reqwest::RequestBuilder;

use super::OutboundError;

/// Puts credentials on a request before it is sent.
///
/// `apply` may do I/O first (e.g. fetch an OAuth token through the same `OutboundClient`); it
/// returns the request with its headers (or query) set, or an error built with
/// [`OutboundError::auth`] saying in plain words what is missing ("get an access token first").
/// Implementations must never log the credentials they add.
#[async_trait]
pub trait ApplyAuth: Send + Sync {
    async fn apply(&self, req: RequestBuilder) -> Result<RequestBuilder, OutboundError>;
}

/// No authorization: the request goes out unchanged.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoAuth;

#[async_trait]
impl ApplyAuth for NoAuth {
    async fn apply(&self, req: RequestBuilder) -> Result<RequestBuilder, OutboundError> {
        Ok(req)
    }
}
