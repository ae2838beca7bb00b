//! Digest Auth (placeholder until the implementation lands in the next commit).

use async_trait::async_trait;
use reqwest::Response;

use super::{Authorizer, DigestConfig, OutboundRequest};
use crate::outbound::{OutboundClient, OutboundError};

#[derive(Debug)]
pub(crate) struct DigestAuthorizer {
    _config: DigestConfig,
}

impl DigestAuthorizer {
    pub(crate) fn new(config: DigestConfig) -> Self {
        Self { _config: config }
    }
}

#[async_trait]
impl Authorizer for DigestAuthorizer {
    async fn send(
        &self,
        _: &OutboundClient,
        _: OutboundRequest,
    ) -> Result<Response, OutboundError> {
        Err(OutboundError::auth("Digest Auth is not available yet"))
    }
}
