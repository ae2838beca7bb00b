//! The form's state as signals: what the controls start with (the stored webhook, or what was
//! posted without JavaScript) and what the live parts of the form follow. What is sent is read
//! from the form itself (`WebhookInput::from_form`), never from these.

use leptos::prelude::*;

use crate::domain::{
    channels::{AppType, Capability, EntityFacts, EntityKind},
    form::FormFields,
    views::{WebhookFormOptions, WebhookView},
    webhook::form::{entity_value, field, parse_notification},
};

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
    pub algorithm: RwSignal<String>,
    pub authorization: RwSignal<String>,
    pub forward: RwSignal<bool>,
    pub esme_bind: RwSignal<String>,
    pub enabled: RwSignal<bool>,
    /// The delivery settings as typed (empty = the fair share).
    pub max_in_flight: RwSignal<String>,
    pub rate_per_second: RwSignal<String>,
}

impl FormState {
    /// The controls as the browser posted them (a form rendered again without JavaScript).
    pub fn from_form(f: &FormFields) -> Self {
        FormState {
            name: RwSignal::new(f.text(field::NAME)),
            entity: RwSignal::new(f.text(field::ENTITY)),
            url: RwSignal::new(f.text(field::URL)),
            ticked: RwSignal::new(
                f.all(field::NOTIFICATION)
                    .filter_map(parse_notification)
                    .map(|(c, e)| (c.to_owned(), e.to_owned()))
                    .collect(),
            ),
            hub_enabled: RwSignal::new(f.ticked(field::HUB_ENABLED)),
            algorithm: RwSignal::new(
                f.optional(field::HUB_ALGORITHM)
                    .unwrap_or_else(|| "sha256".into()),
            ),
            authorization: RwSignal::new(f.text(field::AUTHORIZATION_ID)),
            forward: RwSignal::new(f.ticked(field::FORWARD_TO_SMPP)),
            esme_bind: RwSignal::new(f.text(field::ESME_BIND_ID)),
            enabled: RwSignal::new(f.ticked(field::ENABLED)),
            max_in_flight: RwSignal::new(f.text(field::MAX_IN_FLIGHT)),
            rate_per_second: RwSignal::new(f.text(field::RATE_PER_SECOND)),
        }
    }

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
}
