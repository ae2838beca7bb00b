//! Basic Auth (RFC 7617): `Authorization: Basic base64(user ":" password)`.
//!
//! Guarantees: the credentials are encoded as UTF-8 (the RFC's `charset="UTF-8"`, the only
//! encoding servers agree on today), the header is marked sensitive (hyper never logs it), and a
//! user name containing `:` is refused: the server would split it at the first colon.

use async_trait::async_trait;
use base64::{engine::general_purpose::STANDARD as BASE64, Engine};
use reqwest::header::{HeaderValue, AUTHORIZATION};
use reqwest::Response;

use super::{Authorizer, BasicConfig, OutboundRequest};
use crate::outbound::{OutboundClient, OutboundError};

#[derive(Debug)]
pub(crate) struct BasicAuthorizer {
    config: BasicConfig,
}

impl BasicAuthorizer {
    pub(crate) fn new(config: BasicConfig) -> Self {
        Self { config }
    }
}

/// The `Authorization` value for these credentials.
pub(crate) fn basic_header(username: &str, password: &str) -> Result<HeaderValue, OutboundError> {
    if username.contains(':') {
        return Err(OutboundError::auth(
            "the Basic Auth user name contains ':', which the server would read as the end of it",
        ));
    }
    let encoded = BASE64.encode(format!("{username}:{password}"));
    let mut value = HeaderValue::from_str(&format!("Basic {encoded}"))
        .map_err(|_| OutboundError::auth("the Basic Auth header could not be built"))?;
    value.set_sensitive(true);
    Ok(value)
}

#[async_trait]
impl Authorizer for BasicAuthorizer {
    fn describe(&self) -> Option<String> {
        Some(format!("Basic Auth as {}", self.config.username))
    }

    async fn send(
        &self,
        client: &OutboundClient,
        mut request: OutboundRequest,
    ) -> Result<Response, OutboundError> {
        let header = basic_header(&self.config.username, self.config.password.expose())?;
        request.headers.insert(AUTHORIZATION, header);
        client.execute(request).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rfc_7617_example_encodes_as_given() {
        // RFC 7617 §2: Aladdin / open sesame.
        let value = basic_header("Aladdin", "open sesame").unwrap();
        assert_eq!(
            value.to_str().unwrap(),
            "Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ=="
        );
        assert!(value.is_sensitive());
    }

    #[test]
    fn non_ascii_credentials_are_encoded_as_utf8() {
        // RFC 7617 §2.1: "test" / "123£" in UTF-8.
        let value = basic_header("test", "123\u{A3}").unwrap();
        assert_eq!(value.to_str().unwrap(), "Basic dGVzdDoxMjPCow==");
    }

    #[test]
    fn a_user_name_with_a_colon_is_refused_in_plain_words() {
        let err = basic_header("a:b", "p").unwrap_err();
        assert_eq!(err.code(), crate::outbound::ErrorCode::Auth);
        assert!(err.message().contains("contains ':'"));
    }
}
