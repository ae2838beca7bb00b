//! The `oauth2` crate's HTTP client, over our [`OutboundClient`]: token requests get the same
//! SSRF guard, timeouts and no-redirect rule as deliveries.
//!
//! Guarantees: the Advance Settings are applied here, to the request the crate built: the
//! method (POST or GET), the parameters in the body or moved into the URL query (appended after
//! any query the URL has), and the Access Token URL Headers (added last, so they win). The
//! response body read is capped, and the last status seen is kept for plain-words errors.

use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;

use app::domain::authorization::{TokenParameterType, TokenUrlMethod};
use oauth2::{AsyncHttpClient, HttpRequest, HttpResponse};
use reqwest::header::{HeaderName, HeaderValue, CONTENT_LENGTH, CONTENT_TYPE};
use reqwest::{Method, StatusCode, Url};

use crate::outbound::auth::{OAuth2Config, OutboundRequest};
use crate::outbound::{ErrorCode, OutboundClient, OutboundError};

/// A token answer larger than this is not a token answer.
const TOKEN_BODY_LIMIT: usize = 64 * 1024;

pub(crate) struct TokenHttp<'a> {
    client: &'a OutboundClient,
    cfg: &'a OAuth2Config,
    last_status: Mutex<Option<StatusCode>>,
}

impl<'a> TokenHttp<'a> {
    pub(crate) fn new(client: &'a OutboundClient, cfg: &'a OAuth2Config) -> Self {
        Self {
            client,
            cfg,
            last_status: Mutex::new(None),
        }
    }

    /// The status of the last token answer, if one came.
    pub(crate) fn last_status(&self) -> Option<StatusCode> {
        *self.last_status.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn timeout(&self) -> std::time::Duration {
        self.client.request_timeout()
    }

    /// Turns the crate's request into ours, with the Advance Settings applied.
    pub(crate) fn prepare(&self, request: HttpRequest) -> Result<OutboundRequest, OutboundError> {
        let (parts, body) = request.into_parts();
        let mut url = Url::parse(&parts.uri.to_string())
            .map_err(|e| OutboundError::auth(format!("the token URL is not valid: {e}")))?;
        let mut headers = parts.headers;
        let mut body = bytes::Bytes::from(body);
        if self.cfg.parameter_type == TokenParameterType::Url && !body.is_empty() {
            url.query_pairs_mut()
                .extend_pairs(url::form_urlencoded::parse(&body));
            body = bytes::Bytes::new();
            headers.remove(CONTENT_TYPE);
            headers.remove(CONTENT_LENGTH);
        }
        for (name, value) in &self.cfg.extra_headers {
            let name = HeaderName::from_bytes(name.trim().as_bytes()).map_err(|_| {
                OutboundError::auth(format!(
                    "the Access Token URL header {name:?} is not a valid header name"
                ))
            })?;
            let value = HeaderValue::from_str(value).map_err(|_| {
                OutboundError::auth(format!(
                    "the value of the Access Token URL header {name} is not valid"
                ))
            })?;
            headers.insert(name, value);
        }
        let method = match self.cfg.token_method {
            TokenUrlMethod::Post => Method::POST,
            TokenUrlMethod::Get => Method::GET,
        };
        Ok(OutboundRequest {
            method,
            url,
            headers,
            body,
        })
    }

    async fn call_outbound(&self, request: HttpRequest) -> Result<HttpResponse, OutboundError> {
        let request = self.prepare(request)?;
        let response = self.client.execute(request).await?;
        let status = response.status();
        *self.last_status.lock().unwrap_or_else(|e| e.into_inner()) = Some(status);
        let headers = response.headers().clone();
        let body = self
            .client
            .read_body_capped(response, TOKEN_BODY_LIMIT)
            .await?;
        if body.truncated {
            return Err(OutboundError::new(
                ErrorCode::Body,
                "the token endpoint's answer is larger than 64 KiB",
            ));
        }
        let mut out = HttpResponse::new(body.bytes);
        *out.status_mut() = status;
        *out.headers_mut() = headers;
        Ok(out)
    }
}

impl<'c> AsyncHttpClient<'c> for TokenHttp<'_> {
    type Error = OutboundError;
    type Future = Pin<Box<dyn Future<Output = Result<HttpResponse, OutboundError>> + Send + 'c>>;

    fn call(&'c self, request: HttpRequest) -> Self::Future {
        Box::pin(self.call_outbound(request))
    }
}
