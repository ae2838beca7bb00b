//! The test call made when a webhook is saved (SPEC §3): `HEAD <url>` with its authorization,
//! through the shared client (so: request timeout, no redirects, SSRF guard).
//!
//! Guarantees: only an exact `200` is [`TestCallResult::Ok`]; every other outcome, including other
//! 2xx codes and redirects, is `Refused` with a sentence the form can show as is.

use reqwest::{Method, StatusCode};

use super::{Authorizer, ErrorCode, OutboundClient, OutboundError, OutboundRequest};

/// What the test call found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TestCallResult {
    /// The URL answered exactly 200: the webhook may be saved.
    Ok,
    /// Anything else. `status` is set when the URL answered (then `error_code` is `HttpStatus`);
    /// otherwise `error_code` says what failed (timeout, dns, connect, tls, blocked_target, auth…).
    Refused {
        status: Option<u16>,
        error_code: Option<ErrorCode>,
        detail: String,
    },
}

impl TestCallResult {
    pub fn is_ok(&self) -> bool {
        matches!(self, Self::Ok)
    }
}

/// Sends `HEAD url` with `auth` applied and judges the answer.
pub async fn test_call(client: &OutboundClient, url: &str, auth: &dyn Authorizer) -> TestCallResult {
    let response = async {
        let url = reqwest::Url::parse(url)
            .map_err(|e| OutboundError::new(ErrorCode::Other, format!("not a valid URL: {e}")))?;
        auth.send(client, OutboundRequest::new(Method::HEAD, url)).await
    }
    .await;
    match response {
        Ok(response) if response.status() == StatusCode::OK => TestCallResult::Ok,
        Ok(response) => TestCallResult::Refused {
            status: Some(response.status().as_u16()),
            error_code: Some(ErrorCode::HttpStatus),
            detail: status_detail(response.status()),
        },
        Err(e) => refused(&e),
    }
}

fn refused(e: &OutboundError) -> TestCallResult {
    TestCallResult::Refused {
        status: None,
        error_code: Some(e.code()),
        detail: sentence(e.message()),
    }
}

/// "404 Not Found", or just "599" for a code without a standard reason.
pub(crate) fn status_words(status: StatusCode) -> String {
    match status.canonical_reason() {
        Some(reason) => format!("{} {reason}", status.as_u16()),
        None => status.as_u16().to_string(),
    }
}

fn status_detail(status: StatusCode) -> String {
    let words = status_words(status);
    if status.is_redirection() {
        format!("The URL answered {words} (redirects are not followed); saving needs 200 OK.")
    } else if status.is_success() {
        format!("The URL answered {words}; saving needs exactly 200 OK.")
    } else {
        format!("The URL answered {words}; saving needs 200 OK.")
    }
}

/// Capitalised and closed with a full stop, so it reads as a sentence in the form.
fn sentence(message: &str) -> String {
    let mut chars = message.chars();
    let mut out: String = match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => "The test call failed".to_owned(),
    };
    if !out.ends_with(['.', '!', '?']) {
        out.push('.');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_details_say_what_came_back_and_what_is_needed() {
        assert_eq!(
            status_detail(StatusCode::NOT_FOUND),
            "The URL answered 404 Not Found; saving needs 200 OK."
        );
        assert_eq!(
            status_detail(StatusCode::MOVED_PERMANENTLY),
            "The URL answered 301 Moved Permanently (redirects are not followed); saving needs 200 OK."
        );
        assert_eq!(
            status_detail(StatusCode::NO_CONTENT),
            "The URL answered 204 No Content; saving needs exactly 200 OK."
        );
        assert_eq!(
            status_detail(StatusCode::from_u16(599).unwrap()),
            "The URL answered 599; saving needs 200 OK."
        );
    }

    #[test]
    fn error_messages_become_sentences() {
        assert_eq!(sentence("connection refused"), "Connection refused.");
        assert_eq!(sentence("no answer within 10s"), "No answer within 10s.");
        assert_eq!(sentence("Already done."), "Already done.");
    }
}
