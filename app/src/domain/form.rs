//! A form as the browser sends it: its fields in document order, a name repeated for each
//! ticked checkbox or each row of a list. The webhook and authorization forms read their input
//! from this one shape on both paths: hydrated, from the form's own `FormData` on submit;
//! without JavaScript, from the body the browser posted to the page. So the two can never
//! disagree on what a field means.
//!
//! Guarantees: a checkbox is on exactly when its name is present (browsers omit unticked boxes);
//! the first value of a name wins where one is expected; nothing here trims or rewrites a value.

use serde::{Deserialize, Serialize};

use super::{webhook::TestCall, AppError};

/// The name of the submit buttons' field: which button sent the form.
pub const INTENT: &str = "intent";

/// What the button that sent a form asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Intent {
    /// Save (the default: Enter in a field, or the Save button).
    Save,
    /// Only render the form again for what is chosen (`Show notifications`, `Show fields`):
    /// the buttons that stand in for JavaScript's live updates.
    Show,
    /// Save, then get the access token (the authorization form's `Get Access Token`).
    SaveThenToken,
    /// Run a test call with the URL and authorization as typed, saving nothing (the webhook
    /// form's `Run test call`).
    TestCall,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormFields(Vec<(String, String)>);

impl FormFields {
    pub fn new(pairs: Vec<(String, String)>) -> Self {
        FormFields(pairs)
    }

    /// The fields of an `application/x-www-form-urlencoded` body (as the browser posts a form,
    /// and as `URLSearchParams` writes a `FormData`).
    pub fn from_urlencoded(body: &[u8]) -> Self {
        FormFields(form_urlencoded::parse(body).into_owned().collect())
    }

    /// The first value of `name`, if the form has it.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The first value of `name`, or empty.
    pub fn text(&self, name: &str) -> String {
        self.get(name).unwrap_or_default().to_owned()
    }

    /// The first value of `name` unless it is missing or empty.
    pub fn optional(&self, name: &str) -> Option<String> {
        self.get(name).filter(|v| !v.is_empty()).map(str::to_owned)
    }

    /// Whether a checkbox named `name` is ticked.
    pub fn ticked(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// Every value of `name`, in order.
    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.0
            .iter()
            .filter(move |(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn intent(&self) -> Intent {
        match self.get(INTENT) {
            Some("show") => Intent::Show,
            Some("token") => Intent::SaveThenToken,
            Some("test") => Intent::TestCall,
            _ => Intent::Save,
        }
    }
}

/// A form posted without JavaScript, as the page it came from is rendered again: what was
/// typed, and why the save was refused (`None` after a `Show …` button). The server provides
/// it as context for that one render; forms start from it instead of from what is stored.
#[derive(Debug, Clone)]
pub struct PostedForm {
    pub fields: FormFields,
    pub error: Option<AppError>,
    /// The steps of the test call `Run test call` ran.
    pub test_call: Option<TestCall>,
}

impl PostedForm {
    /// Whether a secret field was typed in the post: the page asks for it again, since secrets
    /// are never sent back to the browser.
    pub fn typed_secret(&self, name: &str) -> bool {
        self.fields.optional(name).is_some()
    }
}

/// A form from literal pairs, for the tests of every form's reader.
#[cfg(test)]
pub(crate) fn form(pairs: &[(&str, &str)]) -> FormFields {
    FormFields::new(
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_value_of_a_name_is_its_value_and_a_missing_one_is_empty() {
        let f = form(&[("name", "A"), ("name", "B"), ("empty", "")]);
        assert_eq!(f.get("name"), Some("A"));
        assert_eq!(f.text("missing"), "");
        assert_eq!(f.optional("empty"), None);
        assert_eq!(f.optional("name").as_deref(), Some("A"));
    }

    #[test]
    fn a_checkbox_is_on_when_its_name_is_present_whatever_its_value() {
        let f = form(&[("enabled", "on"), ("hub_enabled", "")]);
        assert!(f.ticked("enabled"));
        assert!(f.ticked("hub_enabled"));
        assert!(!f.ticked("forward_to_smpp"));
    }

    #[test]
    fn repeated_names_keep_their_order() {
        let f = form(&[("n", "1"), ("x", "-"), ("n", "2")]);
        assert_eq!(f.all("n").collect::<Vec<_>>(), ["1", "2"]);
    }

    #[test]
    fn the_intent_is_save_unless_a_show_or_token_button_sent_the_form() {
        assert_eq!(form(&[]).intent(), Intent::Save);
        assert_eq!(form(&[("intent", "save")]).intent(), Intent::Save);
        assert_eq!(form(&[("intent", "show")]).intent(), Intent::Show);
        assert_eq!(form(&[("intent", "token")]).intent(), Intent::SaveThenToken);
        assert_eq!(form(&[("intent", "test")]).intent(), Intent::TestCall);
    }

    #[test]
    fn a_posted_body_is_decoded_in_order_with_plus_as_space() {
        let f = FormFields::from_urlencoded(
            b"name=Order+Updates&notification=SMS%7CDelivered&notification=SMS%7CRead",
        );
        assert_eq!(f.get("name"), Some("Order Updates"));
        assert_eq!(
            f.all("notification").collect::<Vec<_>>(),
            ["SMS|Delivered", "SMS|Read"]
        );
    }
}
