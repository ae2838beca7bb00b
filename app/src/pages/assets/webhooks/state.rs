//! The form's state as signals, and how it becomes a [`WebhookInput`]. Pure enough to reason
//! about: the view only reads and writes these signals.

use leptos::prelude::*;

use crate::domain::{
    channels::{AppType, Capability, EntityFacts, EntityKind},
    views::{WebhookFormOptions, WebhookView},
    webhook::{
        DeliverySettingsInput, EntityInput, ForwardToSmppInput, HubSignatureInput,
        NotificationInput, WebhookInput,
    },
};

/// An entity as the Entity select encodes it: `service:3`, `number:7`, `app:2`.
pub fn entity_value(kind: &str, id: &str) -> String {
    format!("{kind}:{id}")
}

/// What decides the notification section for the selected entity.
pub fn facts_for(options: &WebhookFormOptions, value: &str) -> Option<EntityFacts> {
    let (kind, id) = value.split_once(':')?;
    match EntityKind::parse(kind)? {
        EntityKind::Service => options
            .services
            .iter()
            .any(|s| s.id == id)
            .then(EntityFacts::service),
        EntityKind::Number => options.numbers.iter().find(|n| n.id == id).map(|n| {
            EntityFacts::number(
                n.capabilities
                    .iter()
                    .filter_map(|c| Capability::parse(c))
                    .collect::<Vec<_>>(),
            )
        }),
        EntityKind::App => options
            .apps
            .iter()
            .find(|a| a.id == id)
            .and_then(|a| AppType::parse(&a.app_type))
            .map(EntityFacts::app),
    }
}

#[derive(Clone, Copy)]
pub struct FormState {
    pub name: RwSignal<String>,
    pub entity: RwSignal<String>,
    pub url: RwSignal<String>,
    pub ticked: RwSignal<Vec<(String, String)>>,
    pub hub_enabled: RwSignal<bool>,
    pub hub_secret: RwSignal<String>,
    pub algorithm: RwSignal<String>,
    pub authorization: RwSignal<String>,
    pub forward: RwSignal<bool>,
    pub esme_bind: RwSignal<String>,
    pub enabled: RwSignal<bool>,
    /// The delivery settings as typed (empty = the fair share).
    pub max_in_flight: RwSignal<String>,
    pub rate_per_second: RwSignal<String>,
}

/// A number field as typed: empty is none; what does not read as a number is sent as one the
/// server refuses (0), so the refusal appears next to the field.
fn typed<T: std::str::FromStr>(text: &str, refused: T) -> Option<T> {
    let text = text.trim();
    (!text.is_empty()).then(|| text.parse().unwrap_or(refused))
}

impl FormState {
    pub fn new(existing: Option<&WebhookView>) -> Self {
        let e = existing;
        FormState {
            name: RwSignal::new(e.map(|w| w.name.clone()).unwrap_or_default()),
            entity: RwSignal::new(
                e.map(|w| entity_value(&w.entity.kind, &w.entity.id))
                    .unwrap_or_default(),
            ),
            url: RwSignal::new(e.map(|w| w.url.clone()).unwrap_or_default()),
            ticked: RwSignal::new(
                e.map(|w| {
                    w.notifications
                        .iter()
                        .map(|n| (n.channel.clone(), n.event.clone()))
                        .collect()
                })
                .unwrap_or_default(),
            ),
            hub_enabled: RwSignal::new(e.is_some_and(|w| w.hub_signature.is_some())),
            hub_secret: RwSignal::new(String::new()),
            algorithm: RwSignal::new(
                e.and_then(|w| w.hub_signature.as_ref().map(|h| h.algorithm.clone()))
                    .unwrap_or_else(|| "sha256".into()),
            ),
            authorization: RwSignal::new(
                e.and_then(|w| w.authorization_id.clone())
                    .unwrap_or_default(),
            ),
            forward: RwSignal::new(e.is_some_and(|w| w.forward_to_smpp.is_some())),
            esme_bind: RwSignal::new(
                e.and_then(|w| w.forward_to_smpp.as_ref().map(|f| f.esme_bind_id.clone()))
                    .unwrap_or_default(),
            ),
            enabled: RwSignal::new(e.is_none_or(|w| w.enabled)),
            max_in_flight: RwSignal::new(
                e.and_then(|w| w.delivery.max_in_flight)
                    .map(|n| n.to_string())
                    .unwrap_or_default(),
            ),
            rate_per_second: RwSignal::new(
                e.and_then(|w| w.delivery.rate_per_second)
                    .map(|r| r.to_string())
                    .unwrap_or_default(),
            ),
        }
    }

    /// The JSON body the API takes, from what is on the form now.
    pub fn input(&self) -> WebhookInput {
        let entity = self.entity.get_untracked();
        WebhookInput {
            name: self.name.get_untracked(),
            entity: entity.split_once(':').map(|(kind, id)| EntityInput {
                kind: kind.into(),
                id: id.into(),
            }),
            url: self.url.get_untracked(),
            notifications: self
                .ticked
                .get_untracked()
                .into_iter()
                .map(|(c, e)| NotificationInput::new(c, e))
                .collect(),
            hub_signature: self.hub_enabled.get_untracked().then(|| HubSignatureInput {
                secret: Some(self.hub_secret.get_untracked()).filter(|s| !s.is_empty()),
                algorithm: Some(self.algorithm.get_untracked()),
            }),
            authorization_id: Some(self.authorization.get_untracked()).filter(|s| !s.is_empty()),
            forward_to_smpp: self.forward.get_untracked().then(|| ForwardToSmppInput {
                esme_bind_id: self.esme_bind.get_untracked(),
            }),
            enabled: Some(self.enabled.get_untracked()),
            delivery: Some(DeliverySettingsInput {
                max_in_flight: typed(&self.max_in_flight.get_untracked(), 0),
                rate_per_second: typed(&self.rate_per_second.get_untracked(), 0.0),
            }),
        }
    }
}
