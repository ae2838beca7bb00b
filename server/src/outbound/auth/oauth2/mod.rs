//! OAuth 2.0 (placeholder signatures; the flows land in the next commit).

use std::sync::Arc;

use async_trait::async_trait;
use reqwest::Response;

use super::{Authorizer, OAuth2Config, OutboundRequest, TokenSet, TokenSink};
use crate::outbound::{OutboundClient, OutboundError};
use crate::secrets::Secret;

/// Where to send the browser for the authorization-code grant, and what to keep until the
/// Call Back URL is reached.
#[derive(Debug, Clone)]
pub struct AuthorizationRequest {
    pub url: String,
    pub state: String,
    pub pkce_verifier: Secret,
}

/// Client credentials grant, honouring Advance Settings and Client Authentication.
pub async fn fetch_client_credentials(
    _client: &OutboundClient,
    _cfg: &OAuth2Config,
) -> Result<TokenSet, OutboundError> {
    Err(OutboundError::auth("OAuth 2.0 is not available yet"))
}

/// Authorization code grant, step 1.
pub fn authorization_request(_cfg: &OAuth2Config) -> Result<AuthorizationRequest, OutboundError> {
    Err(OutboundError::auth("OAuth 2.0 is not available yet"))
}

/// Authorization code grant, step 2.
pub async fn exchange_code(
    _client: &OutboundClient,
    _cfg: &OAuth2Config,
    _code: &str,
    _pkce_verifier: &Secret,
) -> Result<TokenSet, OutboundError> {
    Err(OutboundError::auth("OAuth 2.0 is not available yet"))
}

pub(crate) struct OAuth2Authorizer {
    _id: i64,
    _config: OAuth2Config,
    _tokens: Option<TokenSet>,
    _sink: Arc<dyn TokenSink>,
}

impl std::fmt::Debug for OAuth2Authorizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OAuth2Authorizer")
            .field("id", &self._id)
            .finish_non_exhaustive()
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
            _id: id,
            _config: config,
            _tokens: tokens,
            _sink: sink,
        }
    }
}

#[async_trait]
impl Authorizer for OAuth2Authorizer {
    async fn send(
        &self,
        _: &OutboundClient,
        _: OutboundRequest,
    ) -> Result<Response, OutboundError> {
        Err(OutboundError::auth("OAuth 2.0 is not available yet"))
    }
}
