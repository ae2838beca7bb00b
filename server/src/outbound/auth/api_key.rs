//! API Key: `Key: Value` as a header, or `Key=Value` appended to the query string.
//!
//! Guarantees: a query parameter is form-URL-encoded and appended after the existing query
//! (which is kept byte for byte); a header name that is not a valid HTTP token is refused in
//! plain words rather than dropped; the header value is marked sensitive.

use app::domain::authorization::ApiKeyPlacement;
use async_trait::async_trait;
use reqwest::header::{HeaderName, HeaderValue};
use reqwest::Response;

use super::{ApiKeyConfig, Authorizer, OutboundRequest};
use crate::outbound::{OutboundClient, OutboundError};

#[derive(Debug)]
pub(crate) struct ApiKeyAuthorizer {
    config: ApiKeyConfig,
}

impl ApiKeyAuthorizer {
    pub(crate) fn new(config: ApiKeyConfig) -> Self {
        Self { config }
    }

    /// Puts the key on the request, where the profile says.
    pub(crate) fn apply(&self, request: &mut OutboundRequest) -> Result<(), OutboundError> {
        let (key, value) = (&self.config.key, self.config.value.expose());
        match self.config.add_to {
            ApiKeyPlacement::Header => {
                let name = HeaderName::from_bytes(key.as_bytes()).map_err(|_| {
                    OutboundError::auth(format!(
                        "the API key name {key:?} is not a valid header name"
                    ))
                })?;
                let mut value = HeaderValue::from_str(value).map_err(|_| {
                    OutboundError::auth("the API key value cannot be sent in a header (control characters or line breaks)")
                })?;
                value.set_sensitive(true);
                request.headers.insert(name, value);
            }
            ApiKeyPlacement::QueryParams => {
                // Why query_pairs_mut: it appends with `&` after whatever query is there, keeps
                // that part as it was, and form-encodes our pair.
                request.url.query_pairs_mut().append_pair(key, value);
            }
        }
        Ok(())
    }
}

#[async_trait]
impl Authorizer for ApiKeyAuthorizer {
    fn describe(&self) -> Option<String> {
        let place = match self.config.add_to {
            ApiKeyPlacement::Header => "header",
            ApiKeyPlacement::QueryParams => "query parameter",
        };
        Some(format!("API Key in the {place} {}", self.config.key))
    }

    async fn send(
        &self,
        client: &OutboundClient,
        mut request: OutboundRequest,
    ) -> Result<Response, OutboundError> {
        self.apply(&mut request)?;
        client.execute(request).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secrets::Secret;
    use reqwest::{Method, Url};

    fn applied(add_to: ApiKeyPlacement, key: &str, value: &str, url: &str) -> OutboundRequest {
        let auth = ApiKeyAuthorizer::new(ApiKeyConfig {
            key: key.into(),
            value: Secret::new(value),
            add_to,
        });
        let mut request = OutboundRequest::new(Method::POST, Url::parse(url).unwrap());
        auth.apply(&mut request).unwrap();
        request
    }

    #[test]
    fn a_header_key_is_sent_as_a_sensitive_header() {
        let r = applied(
            ApiKeyPlacement::Header,
            "X-Api-Key",
            "s3cr3t",
            "https://h/p",
        );
        let v = r.headers.get("x-api-key").unwrap();
        assert_eq!(v, "s3cr3t");
        assert!(v.is_sensitive());
        assert_eq!(r.url.as_str(), "https://h/p");
    }

    #[test]
    fn a_query_key_is_encoded_and_appended_after_the_existing_query() {
        let r = applied(
            ApiKeyPlacement::QueryParams,
            "api key",
            "a&b=c é",
            "https://h/p?x=1&y=%2F",
        );
        assert_eq!(
            r.url.as_str(),
            "https://h/p?x=1&y=%2F&api+key=a%26b%3Dc+%C3%A9"
        );
    }

    #[test]
    fn a_query_key_on_a_url_without_query_starts_one() {
        let r = applied(ApiKeyPlacement::QueryParams, "k", "v", "https://h/p");
        assert_eq!(r.url.as_str(), "https://h/p?k=v");
    }

    #[test]
    fn an_invalid_header_name_is_refused_in_plain_words() {
        let auth = ApiKeyAuthorizer::new(ApiKeyConfig {
            key: "bad name".into(),
            value: Secret::new("v"),
            add_to: ApiKeyPlacement::Header,
        });
        let mut request = OutboundRequest::new(Method::GET, Url::parse("https://h/").unwrap());
        let err = auth.apply(&mut request).unwrap_err();
        assert!(err.message().contains("not a valid header name"), "{err}");
    }
}
