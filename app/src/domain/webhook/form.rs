//! The Outbound Webhook form's fields ([`field`]) and how a posted form becomes a
//! [`WebhookInput`]: the same function for the hydrated form (its `FormData`) and for a post
//! without JavaScript, so both send the server the very same input.
//!
//! Guarantees: the dependent fields count only when what they depend on is on (Hub Secret and
//! Algorithm with Enable Hub Signature, Select ESME Bind ID with Forward to SMPP), so fields a
//! form without JavaScript always shows never turn a setting on; a number field that does not
//! read as a number becomes one the server refuses (0), so the refusal shows next to it.

use super::{
    DeliverySettingsInput, EntityInput, ForwardToSmppInput, HubSignatureInput, NotificationInput,
    WebhookInput,
};
use crate::domain::form::FormFields;

/// The form's field names.
pub mod field {
    pub const NAME: &str = "name";
    /// `service:3`, `number:7`, `app:2`.
    pub const ENTITY: &str = "entity";
    pub const URL: &str = "url";
    /// One per ticked box: `<channel label>|<event label>`.
    pub const NOTIFICATION: &str = "notification";
    pub const HUB_ENABLED: &str = "hub_enabled";
    pub const HUB_SECRET: &str = "hub_secret";
    pub const HUB_ALGORITHM: &str = "hub_algorithm";
    pub const AUTHORIZATION_ID: &str = "authorization_id";
    pub const FORWARD_TO_SMPP: &str = "forward_to_smpp";
    pub const ESME_BIND_ID: &str = "esme_bind_id";
    pub const ENABLED: &str = "enabled";
    pub const MAX_IN_FLIGHT: &str = "max_in_flight";
    pub const RATE_PER_SECOND: &str = "rate_per_second";
}

/// The value of a notification checkbox.
pub fn notification_value(channel: &str, event: &str) -> String {
    format!("{channel}|{event}")
}

/// The (channel, event) a notification checkbox's value names.
pub fn parse_notification(value: &str) -> Option<(&str, &str)> {
    value.split_once('|')
}

/// An entity as the Entity select encodes it.
pub fn entity_value(kind: &str, id: &str) -> String {
    format!("{kind}:{id}")
}

/// A number field as typed: empty is none; what does not read as a number is sent as one the
/// server refuses.
fn typed<T: std::str::FromStr>(text: Option<&str>, refused: T) -> Option<T> {
    let text = text.unwrap_or_default().trim();
    (!text.is_empty()).then(|| text.parse().unwrap_or(refused))
}

impl WebhookInput {
    /// The input a posted form stands for.
    pub fn from_form(f: &FormFields) -> WebhookInput {
        let hub = f.ticked(field::HUB_ENABLED);
        WebhookInput {
            name: f.text(field::NAME),
            entity: f
                .get(field::ENTITY)
                .and_then(|v| v.split_once(':'))
                .map(|(kind, id)| EntityInput {
                    kind: kind.into(),
                    id: id.into(),
                }),
            url: f.text(field::URL),
            notifications: f
                .all(field::NOTIFICATION)
                .filter_map(parse_notification)
                .map(|(c, e)| NotificationInput::new(c, e))
                .collect(),
            hub_signature: hub.then(|| HubSignatureInput {
                secret: f.optional(field::HUB_SECRET),
                algorithm: f.optional(field::HUB_ALGORITHM),
            }),
            authorization_id: f.optional(field::AUTHORIZATION_ID),
            forward_to_smpp: f
                .ticked(field::FORWARD_TO_SMPP)
                .then(|| ForwardToSmppInput {
                    esme_bind_id: f.text(field::ESME_BIND_ID),
                }),
            enabled: Some(f.ticked(field::ENABLED)),
            delivery: Some(DeliverySettingsInput {
                max_in_flight: typed(f.get(field::MAX_IN_FLIGHT), 0),
                rate_per_second: typed(f.get(field::RATE_PER_SECOND), 0.0),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::form::form;

    #[test]
    fn a_filled_form_becomes_the_input_the_api_takes() {
        let f = form(&[
            ("name", "Orders"),
            ("entity", "number:7"),
            ("url", "https://example.com/hook"),
            ("notification", "SMS|Incoming Message"),
            ("notification", "SMS|Delivered"),
            ("authorization_id", "a1"),
            ("forward_to_smpp", "on"),
            ("esme_bind_id", "b1"),
            ("enabled", "on"),
            ("max_in_flight", " 4 "),
            ("rate_per_second", ""),
        ]);
        let input = WebhookInput::from_form(&f);
        assert_eq!(input.name, "Orders");
        assert_eq!(
            input.entity,
            Some(EntityInput {
                kind: "number".into(),
                id: "7".into()
            })
        );
        assert_eq!(
            input.ticked(),
            [("SMS", "Incoming Message"), ("SMS", "Delivered")]
        );
        assert_eq!(input.hub_signature, None);
        assert_eq!(input.authorization_id.as_deref(), Some("a1"));
        assert_eq!(
            input.forward_to_smpp.map(|f| f.esme_bind_id).as_deref(),
            Some("b1")
        );
        assert_eq!(input.enabled, Some(true));
        let delivery = input.delivery.expect("always sent");
        assert_eq!(delivery.max_in_flight, Some(4));
        assert_eq!(delivery.rate_per_second, None);
    }

    #[test]
    fn dependent_fields_count_only_when_what_they_depend_on_is_on() {
        // A form without JavaScript shows Hub Secret and Select ESME Bind ID all the time.
        let f = form(&[
            ("hub_secret", "s3cret-value"),
            ("hub_algorithm", "sha512"),
            ("esme_bind_id", "b1"),
        ]);
        let input = WebhookInput::from_form(&f);
        assert_eq!(input.hub_signature, None);
        assert_eq!(input.forward_to_smpp, None);
        let on = form(&[
            ("hub_enabled", "on"),
            ("hub_secret", "s3cret-value"),
            ("hub_algorithm", "sha512"),
        ]);
        let hub = WebhookInput::from_form(&on).hub_signature.expect("on");
        assert_eq!(hub.secret.as_deref(), Some("s3cret-value"));
        assert_eq!(hub.algorithm.as_deref(), Some("sha512"));
    }

    #[test]
    fn an_empty_secret_keeps_the_stored_one_and_an_unticked_enabled_box_disables() {
        let input = WebhookInput::from_form(&form(&[("hub_enabled", "on"), ("hub_secret", "")]));
        assert_eq!(input.hub_signature.expect("on").secret, None);
        assert_eq!(input.enabled, Some(false));
    }

    #[test]
    fn numbers_that_do_not_read_as_numbers_are_sent_as_ones_the_server_refuses() {
        let f = form(&[("max_in_flight", "many"), ("rate_per_second", "fast")]);
        let delivery = WebhookInput::from_form(&f).delivery.expect("always sent");
        assert_eq!(delivery.max_in_flight, Some(0));
        assert_eq!(delivery.rate_per_second, Some(0.0));
    }

    #[test]
    fn a_notification_value_names_its_channel_and_event() {
        let v = notification_value("In-App Messaging / Live Chat", "Incoming Message");
        assert_eq!(
            parse_notification(&v),
            Some(("In-App Messaging / Live Chat", "Incoming Message"))
        );
        assert_eq!(parse_notification("no separator"), None);
    }
}
