//! AWS Signature Version 4 (placeholder until the signer lands in the next commit).

use async_trait::async_trait;
use reqwest::Response;

use super::{Authorizer, AwsConfig, OutboundRequest};
use crate::outbound::{OutboundClient, OutboundError};

#[derive(Debug)]
pub(crate) struct AwsAuthorizer {
    _config: AwsConfig,
}

impl AwsAuthorizer {
    pub(crate) fn new(config: AwsConfig) -> Self {
        Self { _config: config }
    }
}

#[async_trait]
impl Authorizer for AwsAuthorizer {
    async fn send(
        &self,
        _: &OutboundClient,
        _: OutboundRequest,
    ) -> Result<Response, OutboundError> {
        Err(OutboundError::auth("AWS Signature is not available yet"))
    }
}
