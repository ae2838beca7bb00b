//! The one error type server functions return. It crosses the wire as JSON, so the browser
//! can put a validation message next to its field. Unexpected failures carry only a reference
//! the operator can find in the server log, never database or internal text.

use leptos::server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};
use serde::{Deserialize, Serialize};

use super::webhook::TestCall;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// A value was refused; `field` names the form field (or JSON path) it belongs to;
    /// `detail` says more where there is more (e.g. what the test call got back).
    #[error("{message}")]
    Validation {
        field: String,
        message: String,
        #[serde(default)]
        detail: Option<String>,
        /// A refused test call's steps (CONTRACT §4), shown as a checklist beside the URL.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        test_call: Option<Box<TestCall>>,
    },
    /// A request that is not well-formed (a bad query parameter, an ingest body that is not
    /// the events we take): 400, nothing done.
    #[error("{message}")]
    Malformed {
        #[serde(default)]
        field: Option<String>,
        message: String,
    },
    #[error("{0}")]
    NotFound(String),
    #[error("Your session has ended: sign in again.")]
    Unauthorized,
    /// A name already used, or something still in use.
    #[error("{message}")]
    Conflict {
        #[serde(default)]
        field: Option<String>,
        message: String,
    },
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
            detail: None,
            test_call: None,
        }
    }

    pub fn conflict(field: Option<&str>, message: impl Into<String>) -> Self {
        AppError::Conflict {
            field: field.map(str::to_owned),
            message: message.into(),
        }
    }

    /// The field this error is about, if any.
    pub fn field(&self) -> Option<&str> {
        match self {
            AppError::Validation { field, .. } => Some(field),
            AppError::Conflict { field, .. } | AppError::Malformed { field, .. } => {
                field.as_deref()
            }
            _ => None,
        }
    }

    /// The message (and detail) for `field`, if this error is about it.
    pub fn message_for(&self, field: &str) -> Option<String> {
        match self {
            AppError::Validation {
                field: f,
                message,
                detail,
                ..
            } if f == field => Some(match detail {
                Some(d) => format!("{message} {d}"),
                None => message.clone(),
            }),
            AppError::Conflict {
                field: Some(f),
                message,
            }
            | AppError::Malformed {
                field: Some(f),
                message,
            } if f == field => Some(message.clone()),
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
