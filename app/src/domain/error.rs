//! The one error type server functions return. It crosses the wire as JSON, so the browser
//! can put a validation message next to its field. Unexpected failures carry only a reference
//! the operator can find in the server log, never database or internal text.

use leptos::server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// A value was refused; `field` names the form field (or JSON path) it belongs to.
    #[error("{message}")]
    Validation { field: String, message: String },
    #[error("Not found.")]
    NotFound,
    #[error("Your session has ended: sign in again.")]
    Unauthorized,
    #[error("{0}")]
    Conflict(String),
    /// Details are in the server log under this reference.
    #[error("Something went wrong on the server (reference {reference}).")]
    Internal { reference: String },
    /// The request never reached our code (network, encoding).
    #[error("The server could not be reached: {0}")]
    Transport(String),
}

impl AppError {
    pub fn validation(field: impl Into<String>, message: impl Into<String>) -> Self {
        AppError::Validation {
            field: field.into(),
            message: message.into(),
        }
    }

    /// The message for `field`, if this error is about it.
    pub fn message_for(&self, field: &str) -> Option<String> {
        match self {
            AppError::Validation { field: f, message } if f == field => Some(message.clone()),
            _ => None,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        AppError::Transport(value.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_message_is_found_only_for_its_own_field() {
        let e = AppError::validation("url", "Use an https:// URL.");
        assert_eq!(
            e.message_for("url").as_deref(),
            Some("Use an https:// URL.")
        );
        assert_eq!(e.message_for("name"), None);
    }
}
