//! Token request failures in plain words.
//!
//! Guarantees: every failure becomes an [`ErrorCode::Auth`] error naming what the token
//! endpoint did (its status and OAuth error code, with the description or, when it sent none,
//! what the standard code means), or why it could not be reached. Never a token or a secret.

use oauth2::basic::BasicErrorResponse;
use oauth2::RequestTokenError;

use super::adapter::TokenHttp;
use crate::outbound::{ErrorCode, OutboundError};

/// What a standard OAuth error code (RFC 6749 §5.2) means, for when the server says nothing more.
fn meaning(code: &str) -> Option<&'static str> {
    Some(match code {
        "invalid_request" => "the token request was malformed",
        "invalid_client" => "client authentication failed",
        "invalid_grant" => "the code or refresh token is invalid, expired or revoked",
        "unauthorized_client" => "this client may not use this grant type",
        "unsupported_grant_type" => "the server does not support this grant type",
        "invalid_scope" => "the scope is invalid or not allowed",
        _ => return None,
    })
}

fn answered(http: &TokenHttp<'_>) -> String {
    match http.last_status() {
        Some(status) => format!(
            "the token endpoint answered {}",
            crate::outbound::test_call::status_words(status)
        ),
        None => "the token endpoint answered".to_owned(),
    }
}

pub(super) fn token_error(
    err: RequestTokenError<OutboundError, BasicErrorResponse>,
    http: &TokenHttp<'_>,
) -> OutboundError {
    let message = match err {
        RequestTokenError::ServerResponse(e) => {
            let code = e.error().as_ref().to_owned();
            let detail = e
                .error_description()
                .cloned()
                .or_else(|| meaning(&code).map(str::to_owned));
            match detail {
                Some(d) => format!("{}: {code} ({d})", answered(http)),
                None => format!("{}: {code}", answered(http)),
            }
        }
        RequestTokenError::Request(e) if e.code() == ErrorCode::Timeout => format!(
            "the token endpoint did not answer within {}",
            humantime::format_duration(http.timeout())
        ),
        RequestTokenError::Request(e) if e.code() == ErrorCode::Auth => e.message().to_owned(),
        RequestTokenError::Request(e) => {
            format!("the token endpoint could not be reached: {}", e.message())
        }
        RequestTokenError::Parse(e, _) => format!(
            "{} with something that is not a token response ({})",
            answered(http),
            e.inner()
        ),
        RequestTokenError::Other(why) => format!("{}, but {why}", answered(http)),
    };
    OutboundError::auth(message)
}
