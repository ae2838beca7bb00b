//! The asset forms' fields and how a posted form becomes the API's input: one function per kind
//! for the hydrated form (its `FormData`) and for a post without JavaScript. The field names
//! are the API's; a number's capabilities are one `capabilities` field per ticked box.
//!
//! Guarantees: an empty ESME bind password is absent ("keep the stored one"); nothing else is
//! trimmed or rewritten here (the parsers do that, and name the field they refuse).

use super::{AppInput, EsmeBindInput, NumberInput, ServiceInput};
use crate::domain::form::FormFields;

/// The hidden field of an edit form: the asset's id.
pub const ID: &str = "id";

impl ServiceInput {
    pub fn from_form(f: &FormFields) -> Self {
        ServiceInput {
            name: f.text("name"),
        }
    }
}

impl NumberInput {
    pub fn from_form(f: &FormFields) -> Self {
        NumberInput {
            number: f.text("number"),
            capabilities: f.all("capabilities").map(str::to_owned).collect(),
        }
    }
}

impl AppInput {
    pub fn from_form(f: &FormFields) -> Self {
        AppInput {
            name: f.text("name"),
            app_type: f.text("app_type"),
        }
    }
}

impl EsmeBindInput {
    pub fn from_form(f: &FormFields) -> Self {
        EsmeBindInput {
            system_id: f.text("system_id"),
            password: f.optional("password"),
            description: f.text("description"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::form::form;

    #[test]
    fn each_ticked_capability_is_one_field_of_the_same_name() {
        let f = form(&[
            ("number", "+14155550100"),
            ("capabilities", "SMS"),
            ("capabilities", "Voice"),
        ]);
        let input = NumberInput::from_form(&f);
        assert_eq!(input.number, "+14155550100");
        assert_eq!(input.capabilities, ["SMS", "Voice"]);
    }

    #[test]
    fn an_empty_esme_password_keeps_the_stored_one() {
        let f = form(&[
            ("system_id", "acme"),
            ("password", ""),
            ("description", "d"),
        ]);
        let input = EsmeBindInput::from_form(&f);
        assert_eq!(input.password, None);
        assert_eq!(input.description, "d");
        let typed = EsmeBindInput::from_form(&form(&[("password", "pw")]));
        assert_eq!(typed.password.as_deref(), Some("pw"));
    }

    #[test]
    fn services_and_apps_take_their_named_fields() {
        let f = form(&[("name", "Orders"), ("app_type", "WhatsApp")]);
        assert_eq!(ServiceInput::from_form(&f).name, "Orders");
        assert_eq!(AppInput::from_form(&f).app_type, "WhatsApp");
    }
}
