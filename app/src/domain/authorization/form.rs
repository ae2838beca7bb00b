//! The Authorization form's fields and how a posted form becomes an [`AuthorizationInput`]: one
//! function for the hydrated form (its `FormData`) and for a post without JavaScript.
//!
//! Field names are the API's (CONTRACT §2: `type`, `username`, …), so an error's `field` names
//! the control it belongs to; Access Token URL Headers are rows of [`field::HEADER_KEY`] and
//! [`field::HEADER_VALUE`] in order.
//!
//! Guarantees: an empty field is sent as absent (for a secret: "keep the stored one");
//! Validity counts only while "Access token has a limited validity" is ticked (a form without
//! JavaScript always shows it); trailing header rows left blank are not rows (a form without
//! JavaScript always offers one more), while a blank row among filled ones is kept, so the
//! server's `access_token_url_headers/N` still names the Nth row on the page.

use super::{AuthorizationInput, Headers, KeyValue};
use crate::domain::form::FormFields;

/// The form's own field names; every other field is named as in the API.
pub mod field {
    pub const TYPE: &str = "type";
    pub const LIMITED_VALIDITY: &str = "limited_validity";
    pub const VALIDITY: &str = "validity";
    pub const HEADER_KEY: &str = "header_key";
    pub const HEADER_VALUE: &str = "header_value";
}

impl AuthorizationInput {
    /// The input a posted form stands for.
    pub fn from_form(f: &FormFields) -> AuthorizationInput {
        let t = |name: &str| f.optional(name);
        let limited = f.ticked(field::LIMITED_VALIDITY);
        AuthorizationInput {
            name: f.text("name"),
            auth_type: f.text(field::TYPE),
            username: t("username"),
            password: t("password"),
            realm: t("realm"),
            nonce: t("nonce"),
            algorithm: t("algorithm"),
            qop: t("qop"),
            nonce_count: t("nonce_count"),
            client_nonce: t("client_nonce"),
            opaque: t("opaque"),
            access_key: t("access_key"),
            secret_key: t("secret_key"),
            region: t("region"),
            service_name: t("service_name"),
            key: t("key"),
            key_value: t("key_value"),
            add_to: t("add_to"),
            grant_type: t("grant_type"),
            client_id: t("client_id"),
            client_secret: t("client_secret"),
            consumer_id: t("consumer_id"),
            consumer_secret: t("consumer_secret"),
            authorization_url: t("authorization_url"),
            scope: t("scope"),
            access_token_url: t("access_token_url"),
            limited_validity: Some(limited),
            validity: if limited { t(field::VALIDITY) } else { None },
            refresh_token_url: t("refresh_token_url"),
            access_token_url_method: t("access_token_url_method"),
            access_token_url_parameter_type: t("access_token_url_parameter_type"),
            access_token_url_headers: header_rows(f),
            client_authentication: t("client_authentication"),
        }
    }
}

/// The header rows on the page, without the blank ones at the end.
pub fn header_rows(f: &FormFields) -> Headers {
    let mut rows: Vec<KeyValue> = f
        .all(field::HEADER_KEY)
        .zip(f.all(field::HEADER_VALUE))
        .map(|(k, v)| KeyValue::new(k, v))
        .collect();
    while rows
        .last()
        .is_some_and(|r| r.key.trim().is_empty() && r.value.trim().is_empty())
    {
        rows.pop();
    }
    Headers(rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::form::form;

    #[test]
    fn fields_are_named_as_in_the_api_and_empty_ones_are_absent() {
        let f = form(&[
            ("name", "Partner"),
            ("type", "Basic"),
            ("username", "u"),
            ("password", ""),
        ]);
        let input = AuthorizationInput::from_form(&f);
        assert_eq!(input.name, "Partner");
        assert_eq!(input.auth_type, "Basic");
        assert_eq!(input.username.as_deref(), Some("u"));
        assert_eq!(input.password, None, "empty: keep the stored password");
        assert_eq!(input.limited_validity, Some(false));
    }

    #[test]
    fn validity_counts_only_while_limited_validity_is_ticked() {
        let off = AuthorizationInput::from_form(&form(&[("validity", "60")]));
        assert_eq!(off.validity, None);
        let on = form(&[("limited_validity", "on"), ("validity", "60")]);
        assert_eq!(
            AuthorizationInput::from_form(&on).validity.as_deref(),
            Some("60")
        );
    }

    #[test]
    fn blank_header_rows_at_the_end_are_dropped_and_others_keep_their_place() {
        let f = form(&[
            ("header_key", ""),
            ("header_value", ""),
            ("header_key", "X-Tenant"),
            ("header_value", "acme"),
            ("header_key", " "),
            ("header_value", ""),
        ]);
        assert_eq!(
            header_rows(&f).0,
            [KeyValue::new("", ""), KeyValue::new("X-Tenant", "acme")]
        );
    }
}
