//! Validation errors and the small value types every form shares.
//!
//! A [`ValidationError`] names the field it belongs to with a path into the request (`url`,
//! `notifications/2`, `hub_signature/secret`, see [`field`]) and carries a plain sentence the
//! user can act on. Parsers report *every* bad field at once in a [`ValidationErrors`], so a form
//! can show each message next to its field. Guarantees: a [`Name`] is trimmed, 1–100 characters,
//! without control characters; a [`SecretChange`] never prints its secret in `Debug`.

use serde::{Deserialize, Serialize};

use super::AppError;

/// The field paths parsers report, in one place so forms and the API agree on them.
pub mod field {
    pub const NAME: &str = "name";
    pub const URL: &str = "url";
    pub const ENTITY: &str = "entity";
    pub const NOTIFICATIONS: &str = "notifications";
    pub const HUB_SECRET: &str = "hub_signature/secret";
    pub const HUB_ALGORITHM: &str = "hub_signature/algorithm";
    pub const FORWARD_TO_SMPP: &str = "forward_to_smpp";
    pub const ESME_BIND_ID: &str = "forward_to_smpp/esme_bind_id";
    pub const AUTHORIZATION_ID: &str = "authorization_id";
    pub const NUMBER: &str = "number";
    pub const CAPABILITIES: &str = "capabilities";
    pub const APP_TYPE: &str = "app_type";
    pub const SYSTEM_ID: &str = "system_id";
    pub const PASSWORD: &str = "password";
    pub const DESCRIPTION: &str = "description";

    /// The path of one entry of the `notifications` list, e.g. `notifications/2`.
    pub fn notification(index: usize) -> String {
        format!("{NOTIFICATIONS}/{index}")
    }
}

/// One refused value: which field, and what the user should do about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[error("{message}")]
pub struct ValidationError {
    pub field: String,
    pub message: String,
}

impl ValidationError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        ValidationError {
            field: field.into(),
            message: message.into(),
        }
    }
}

impl From<ValidationError> for AppError {
    fn from(e: ValidationError) -> Self {
        AppError::validation(e.field, e.message)
    }
}

/// Every refused value of one request, in the order the fields were checked.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ValidationErrors(pub Vec<ValidationError>);

impl ValidationErrors {
    pub fn new() -> Self {
        Self::default()
    }

    /// Records that `field` was refused with `message`.
    pub fn push(&mut self, field: impl Into<String>, message: impl Into<String>) {
        self.0.push(ValidationError::new(field, message));
    }

    pub fn push_error(&mut self, error: ValidationError) {
        self.0.push(error);
    }

    /// Keeps the value of a successful check, records the error of a failed one.
    pub fn check<T>(&mut self, result: Result<T, ValidationError>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(e) => {
                self.0.push(e);
                None
            }
        }
    }

    /// Like [`ValidationErrors::check`], for a check that can refuse several fields.
    pub fn check_all<T>(&mut self, result: Result<T, ValidationErrors>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(errors) => {
                self.extend(errors);
                None
            }
        }
    }

    pub fn extend(&mut self, other: ValidationErrors) {
        self.0.extend(other.0);
    }

    /// `Ok(value())` when nothing was refused, else all the errors. `value` runs only on success,
    /// so it may unwrap what the checks produced.
    pub fn finish<T>(self, value: impl FnOnce() -> T) -> Result<T, ValidationErrors> {
        if self.0.is_empty() {
            Ok(value())
        } else {
            Err(self)
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// The first error: what an API answers with when it reports one field.
    pub fn first(&self) -> Option<&ValidationError> {
        self.0.first()
    }

    /// The message for `field` (exact path), if it was refused.
    pub fn for_field(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.message.as_str())
    }

    pub fn iter(&self) -> std::slice::Iter<'_, ValidationError> {
        self.0.iter()
    }
}

impl std::fmt::Display for ValidationErrors {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let messages: Vec<&str> = self.0.iter().map(|e| e.message.as_str()).collect();
        f.write_str(&messages.join(" "))
    }
}

impl std::error::Error for ValidationErrors {}

impl From<ValidationError> for ValidationErrors {
    fn from(e: ValidationError) -> Self {
        ValidationErrors(vec![e])
    }
}

impl<'a> IntoIterator for &'a ValidationErrors {
    type Item = &'a ValidationError;
    type IntoIter = std::slice::Iter<'a, ValidationError>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

/// A server function reports one field: the first that was refused.
impl From<ValidationErrors> for AppError {
    fn from(errors: ValidationErrors) -> Self {
        match errors.0.into_iter().next() {
            Some(e) => e.into(),
            None => AppError::validation("", "The request was refused."),
        }
    }
}

/// The display name of a webhook, service or app: trimmed, 1–100 characters, one line.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Name(String);

impl Name {
    pub const MAX_CHARS: usize = 100;

    /// Parses `raw` for the field `field` (usually [`field::NAME`]).
    pub fn parse(field: &str, raw: &str) -> Result<Name, ValidationError> {
        let name = raw.trim();
        if name.is_empty() {
            return Err(ValidationError::new(field, "Enter a name."));
        }
        if name.chars().count() > Self::MAX_CHARS {
            return Err(ValidationError::new(
                field,
                "Keep the name to 100 characters or fewer.",
            ));
        }
        if name.chars().any(char::is_control) {
            return Err(ValidationError::new(
                field,
                "Keep the name on one line, without control characters.",
            ));
        }
        Ok(Name(name.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }
}

impl std::fmt::Display for Name {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// How an update treats a write-only secret: the browser never sees the stored value, so an
/// empty field means "keep it".
#[derive(Clone, PartialEq, Eq)]
pub enum SecretChange<T> {
    Keep,
    Set(T),
}

impl<T> std::fmt::Debug for SecretChange<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SecretChange::Keep => f.write_str("Keep"),
            SecretChange::Set(_) => f.write_str("Set(<redacted>)"),
        }
    }
}

/// Treats `None` and `Some("")` alike: the form sends an empty field for "not typed".
pub(crate) fn non_empty(raw: &Option<String>) -> Option<&str> {
    raw.as_deref().filter(|s| !s.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_is_kept_and_the_first_is_reported_first() {
        let mut errors = ValidationErrors::new();
        errors.push(field::NAME, "Enter a name.");
        errors.push(field::URL, "Use an https:// URL.");
        assert_eq!(errors.len(), 2);
        assert_eq!(errors.first().unwrap().field, "name");
        assert_eq!(errors.for_field("url"), Some("Use an https:// URL."));
        assert_eq!(errors.for_field("entity"), None);
    }

    #[test]
    fn an_error_displays_as_its_message() {
        let e = ValidationError::new("url", "Use an https:// URL.");
        assert_eq!(e.to_string(), "Use an https:// URL.");
    }

    #[test]
    fn check_keeps_values_and_collects_errors() {
        let mut errors = ValidationErrors::new();
        assert_eq!(errors.check::<u8>(Ok(1)), Some(1));
        assert_eq!(
            errors.check::<u8>(Err(ValidationError::new("name", "x"))),
            None
        );
        assert_eq!(errors.len(), 1);
        assert!(errors.finish(|| ()).is_err());
        assert_eq!(ValidationErrors::new().finish(|| 7), Ok(7));
    }

    #[test]
    fn errors_become_an_app_error_about_the_first_field() {
        let mut errors = ValidationErrors::new();
        errors.push(field::notification(2), "No.");
        errors.push(field::NAME, "Enter a name.");
        let app: AppError = errors.into();
        assert_eq!(app.message_for("notifications/2").as_deref(), Some("No."));
    }

    #[test]
    fn errors_survive_a_json_round_trip() {
        let errors = ValidationErrors::from(ValidationError::new(field::HUB_SECRET, "x"));
        let json = serde_json::to_string(&errors).unwrap();
        assert_eq!(json, r#"[{"field":"hub_signature/secret","message":"x"}]"#);
        assert_eq!(
            serde_json::from_str::<ValidationErrors>(&json).unwrap(),
            errors
        );
    }

    #[test]
    fn names_are_trimmed() {
        assert_eq!(
            Name::parse("name", "  Orders  ").unwrap().as_str(),
            "Orders"
        );
    }

    #[test]
    fn names_of_one_to_a_hundred_characters_are_accepted() {
        for raw in ["a", &"é".repeat(100)] {
            assert!(Name::parse("name", raw).is_ok(), "{raw:?} refused");
        }
    }

    #[test]
    fn empty_long_or_multi_line_names_are_refused() {
        let cases = [
            ("", "Enter a name."),
            ("   ", "Enter a name."),
            (
                &"a".repeat(101),
                "Keep the name to 100 characters or fewer.",
            ),
            (
                "two\nlines",
                "Keep the name on one line, without control characters.",
            ),
        ];
        for (raw, message) in cases {
            let e = Name::parse("name", raw).unwrap_err();
            assert_eq!((e.field.as_str(), e.message.as_str()), ("name", message));
        }
    }

    #[test]
    fn a_secret_change_never_prints_its_secret() {
        let change = SecretChange::Set("hunter2".to_owned());
        assert!(!format!("{change:?}").contains("hunter2"));
        assert_eq!(format!("{:?}", SecretChange::<String>::Keep), "Keep");
    }

    #[test]
    fn an_empty_optional_field_counts_as_absent() {
        assert_eq!(non_empty(&None), None);
        assert_eq!(non_empty(&Some(String::new())), None);
        assert_eq!(non_empty(&Some("x".into())), Some("x"));
    }
}
