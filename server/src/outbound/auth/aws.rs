//! AWS Signature Version 4, through the `aws-sigv4` crate.
//!
//! Guarantees: the signature covers exactly what is sent: the method, the URL (path and query),
//! every header already on the request, and the body bytes (`SignableBody::Bytes`); the headers
//! the signer returns (`x-amz-date`, `authorization`, and `x-amz-content-sha256` when it adds
//! one) are put on the request unchanged, and nothing is changed after signing. For service
//! `s3` the payload hash header is added, since S3 refuses requests without it.

use std::time::SystemTime;

use async_trait::async_trait;
use aws_credential_types::Credentials;
use aws_sigv4::http_request::{
    sign, PayloadChecksumKind, SignableBody, SignableRequest, SigningSettings,
};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use reqwest::header::{HeaderName, HeaderValue};
use reqwest::Response;

use super::{Authorizer, AwsConfig, OutboundRequest};
use crate::outbound::{OutboundClient, OutboundError};

#[derive(Debug)]
pub(crate) struct AwsAuthorizer {
    config: AwsConfig,
}

impl AwsAuthorizer {
    pub(crate) fn new(config: AwsConfig) -> Self {
        Self { config }
    }

    /// Signs `request` as of `time` and adds the signature headers.
    pub(crate) fn sign(
        &self,
        request: &mut OutboundRequest,
        time: SystemTime,
    ) -> Result<(), OutboundError> {
        let cfg = &self.config;
        let identity: Identity = Credentials::new(
            cfg.access_key.clone(),
            cfg.secret_key.expose().to_owned(),
            None,
            None,
            "webhooks-console",
        )
        .into();
        let mut settings = SigningSettings::default();
        if cfg.service_name == "s3" {
            settings.payload_checksum_kind = PayloadChecksumKind::XAmzSha256;
        }
        let params = v4::SigningParams::builder()
            .identity(&identity)
            .region(&cfg.region)
            .name(&cfg.service_name)
            .time(time)
            .settings(settings)
            .build()
            .map_err(|e| {
                OutboundError::auth(format!("AWS Signature settings are incomplete: {e}"))
            })?
            .into();
        let headers = request
            .headers
            .iter()
            .map(|(name, value)| {
                let value = value.to_str().map_err(|_| {
                    OutboundError::auth(format!(
                        "the header {name} is not plain text, so it cannot be signed with AWS Signature"
                    ))
                })?;
                Ok((name.as_str(), value))
            })
            .collect::<Result<Vec<_>, OutboundError>>()?;
        let signable = SignableRequest::new(
            request.method.as_str(),
            request.url.as_str(),
            headers.into_iter(),
            SignableBody::Bytes(&request.body),
        )
        .map_err(|e| OutboundError::auth(format!("the request cannot be signed: {e}")))?;
        let (instructions, _signature) = sign(signable, &params)
            .map_err(|e| OutboundError::auth(format!("AWS Signature failed: {e}")))?
            .into_parts();
        let (new_headers, new_params) = instructions.into_parts();
        for header in new_headers {
            let name = HeaderName::from_bytes(header.name().as_bytes())
                .map_err(|_| OutboundError::auth("the signer returned an invalid header name"))?;
            let mut value = HeaderValue::from_str(header.value())
                .map_err(|_| OutboundError::auth("the signer returned an invalid header value"))?;
            // The signature is a credential too, whatever the signer says: keep it out of logs.
            value.set_sensitive(header.sensitive() || name == reqwest::header::AUTHORIZATION);
            request.headers.insert(name, value);
        }
        // Default settings sign into headers; query parameters would only come with presigning.
        debug_assert!(new_params.is_empty());
        Ok(())
    }
}

#[async_trait]
impl Authorizer for AwsAuthorizer {
    fn describe(&self) -> Option<String> {
        Some(format!(
            "AWS Signature Version 4 for {} in {}",
            self.config.service_name, self.config.region
        ))
    }

    async fn send(
        &self,
        client: &OutboundClient,
        mut request: OutboundRequest,
    ) -> Result<Response, OutboundError> {
        self.sign(&mut request, SystemTime::now())?;
        client.execute(request).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secrets::Secret;
    use reqwest::{Method, Url};
    use std::time::{Duration, UNIX_EPOCH};

    #[test]
    fn the_signature_headers_are_added_for_the_given_time() {
        let auth = AwsAuthorizer::new(AwsConfig {
            access_key: "AKIDEXAMPLE".into(),
            secret_key: Secret::new("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"),
            region: "us-east-1".into(),
            service_name: "service".into(),
        });
        let url = Url::parse("https://example.amazonaws.com/?Param2=value2&Param1=value1").unwrap();
        let mut request = OutboundRequest::new(Method::GET, url);
        // 2015-08-30T12:36:00Z, the date of the AWS SigV4 test suite.
        let time = UNIX_EPOCH + Duration::from_secs(1_440_938_160);
        auth.sign(&mut request, time).unwrap();
        assert_eq!(request.headers["x-amz-date"], "20150830T123600Z");
        let authz = request.headers["authorization"].to_str().unwrap();
        // The get-vanilla-query-order-key-case case of the AWS test suite.
        assert_eq!(
            authz,
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, \
             SignedHeaders=host;x-amz-date, \
             Signature=b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"
        );
        assert!(request.headers["authorization"].is_sensitive());
    }
}
