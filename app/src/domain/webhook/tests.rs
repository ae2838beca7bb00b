//! Every webhook rule of SPEC §2–3, accepted and refused.

use super::*;
use crate::domain::channels::{AppType, Capability};

pub(super) fn n(channel: &str, event: &str) -> NotificationInput {
    NotificationInput::new(channel, event)
}

pub(super) fn input(kind: &str, notifications: Vec<NotificationInput>) -> WebhookInput {
    WebhookInput {
        name: " Orders hook ".into(),
        entity: Some(EntityInput {
            kind: kind.into(),
            id: " 42 ".into(),
        }),
        url: "https://example.com/hook".into(),
        notifications,
        ..WebhookInput::default()
    }
}

pub(super) fn service() -> ParseContext {
    ParseContext::create(Some(EntityFacts::service()))
}

pub(super) fn sms_number() -> ParseContext {
    ParseContext::create(Some(EntityFacts::number([Capability::Sms])))
}

pub(super) fn hub(secret: Option<&str>, algorithm: Option<&str>) -> Option<HubSignatureInput> {
    Some(HubSignatureInput {
        secret: secret.map(Into::into),
        algorithm: algorithm.map(Into::into),
    })
}

pub(super) fn errors(input: &WebhookInput, ctx: &ParseContext) -> ValidationErrors {
    NewWebhook::parse(input, ctx).expect_err("accepted")
}

#[test]
fn a_valid_service_webhook_is_accepted_with_defaults() {
    let w = NewWebhook::parse(&input("service", vec![n("SMS", "Delivered")]), &service()).unwrap();
    assert_eq!(w.name.as_str(), "Orders hook");
    assert_eq!(
        w.entity,
        EntityRef {
            kind: EntityKind::Service,
            id: "42".into()
        }
    );
    assert_eq!(w.url.as_str(), "https://example.com/hook");
    assert_eq!(w.notifications[0].labels(), ("SMS", "Delivered"));
    assert_eq!(
        (
            w.hub,
            w.authorization_id,
            w.forward_to_smpp_esme_bind_id,
            w.enabled
        ),
        (None, None, None, true)
    );
}

#[test]
fn the_contract_json_body_parses() {
    let body = r#"{"name":"Hook","entity":{"kind":"number","id":"7"},"url":"https://example.com/in",
        "notifications":[{"channel":"SMS","event":"Incoming Message"}],"hub_signature":null,
        "authorization_id":"a1","forward_to_smpp":{"esme_bind_id":"b1"},"enabled":false}"#;
    let input: WebhookInput = serde_json::from_str(body).unwrap();
    let w = NewWebhook::parse(&input, &sms_number()).unwrap();
    assert_eq!(w.authorization_id.as_deref(), Some("a1"));
    assert_eq!(w.forward_to_smpp_esme_bind_id.as_deref(), Some("b1"));
    assert!(!w.enabled);
}

#[test]
fn an_empty_body_reports_every_required_field() {
    let input: WebhookInput = serde_json::from_str("{}").unwrap();
    let fields: Vec<_> = errors(&input, &ParseContext::default())
        .iter()
        .map(|e| e.field.clone())
        .collect();
    assert_eq!(fields, ["name", "entity", "url", "notifications"]);
}

#[test]
fn name_and_url_are_checked_on_their_fields() {
    let mut bad = input("service", vec![n("SMS", "Delivered")]);
    bad.name = "x".repeat(101);
    bad.url = "http://example.com/hook".into();
    let e = errors(&bad, &service());
    assert_eq!(
        e.for_field("name"),
        Some("Keep the name to 100 characters or fewer.")
    );
    assert_eq!(e.for_field("url"), Some("Use an https:// URL."));
}

#[test]
fn a_missing_unknown_or_vanished_entity_is_refused_on_entity() {
    let table = [
        (None, service(), "Choose an entity."),
        (Some(("bucket", "42")), service(), "Choose an entity."),
        (Some(("service", " ")), service(), "Choose an entity."),
        (
            Some(("service", "42")),
            ParseContext::create(None),
            "This entity does not exist: choose another one.",
        ),
        (
            Some(("app", "42")),
            service(),
            "This entity does not exist: choose another one.",
        ),
    ];
    for (entity, ctx, message) in table {
        let mut w = input("service", vec![n("SMS", "Delivered")]);
        w.entity = entity.map(|(kind, id)| EntityInput {
            kind: kind.into(),
            id: id.into(),
        });
        assert_eq!(
            errors(&w, &ctx).for_field("entity"),
            Some(message),
            "{entity:?}"
        );
    }
}

#[test]
fn notifications_the_entity_cannot_have_are_refused_at_their_index() {
    let voice_number = ParseContext::create(Some(EntityFacts::number([Capability::Voice])));
    let whatsapp_app = ParseContext::create(Some(EntityFacts::app(AppType::WhatsApp)));
    let table = [
        (
            "service",
            service(),
            n("Fax", "Delivered"),
            "\"Fax\" is not a channel.",
        ),
        (
            "service",
            service(),
            n("SMS", "Opened"),
            "SMS has no event \"Opened\".",
        ),
        (
            "service",
            service(),
            n("SMS", "Incoming Message"),
            "A service cannot have SMS Incoming Message: choose its delivery receipts.",
        ),
        (
            "number",
            voice_number.clone(),
            n("SMS", "Incoming Message"),
            "This number has no SMS capability, so it cannot have SMS Incoming Message.",
        ),
        (
            "number",
            voice_number,
            n("Voice", "Answered"),
            "A number cannot have Voice Answered: choose its incoming events.",
        ),
        (
            "app",
            whatsapp_app.clone(),
            n("Email", "Incoming Message"),
            "This app is a WhatsApp app, so it cannot have Email Incoming Message.",
        ),
        (
            "app",
            whatsapp_app,
            n("WhatsApp", "Delivered"),
            "An app cannot have WhatsApp Delivered: choose its app events.",
        ),
    ];
    for (kind, ctx, bad, message) in table {
        let ok = ctx
            .entity
            .as_ref()
            .map(|f| crate::domain::channels::sections_for(f)[0])
            .unwrap();
        let good = n(ok.label(), ok.events[0].label);
        let w = input(kind, vec![good.clone(), good, bad.clone()]);
        let e = errors(&w, &ctx);
        assert_eq!(e.for_field("notifications/2"), Some(message), "{bad:?}");
        assert_eq!(e.len(), 1, "{bad:?}");
    }
}

#[test]
fn every_pair_an_entity_is_offered_is_accepted() {
    let mut contexts = vec![
        service(),
        ParseContext::create(Some(EntityFacts::number(Capability::ALL))),
    ];
    contexts.extend(AppType::ALL.map(|t| ParseContext::create(Some(EntityFacts::app(t)))));
    for ctx in contexts {
        let facts = ctx.entity.clone().unwrap();
        let pairs: Vec<_> = crate::domain::channels::sections_for(&facts)
            .into_iter()
            .filter(|s| !s.deprecated())
            .flat_map(|s| s.events.iter().map(move |e| n(s.label(), e.label)))
            .collect();
        let w = NewWebhook::parse(&input(facts.kind.as_str(), pairs.clone()), &ctx).unwrap();
        assert_eq!(w.notifications.len(), pairs.len(), "{:?}", facts.kind);
    }
}

#[test]
fn repeated_notifications_are_kept_once_in_first_order() {
    let w = input(
        "service",
        vec![
            n("SMS", "Failed"),
            n(" SMS ", "Delivered"),
            n("SMS", "Failed"),
            n("SMS", "Delivered "),
        ],
    );
    let got: Vec<_> = NewWebhook::parse(&w, &service())
        .unwrap()
        .notifications
        .iter()
        .map(|n| n.labels())
        .collect();
    assert_eq!(got, [("SMS", "Failed"), ("SMS", "Delivered")]);
}

#[test]
fn deprecated_channels_stay_on_webhooks_that_have_them_and_are_added_to_none() {
    let stored = Existing {
        notifications: vec![("Instagram".into(), "Read".into())],
        ..Existing::default()
    };
    let update = ParseContext::update(Some(EntityFacts::service()), stored);
    let message = |c: &str, e: &str| format!("{c} is deprecated: {e} can no longer be chosen.");
    let table = [
        (
            service(),
            n("Instagram", "Read"),
            Some(message("Instagram", "Read")),
        ),
        (
            service(),
            n("Google Business Messages", "Submitted"),
            Some(message("Google Business Messages", "Submitted")),
        ),
        (update.clone(), n("Instagram", "Read"), None),
        (
            update.clone(),
            n("Instagram", "Failed"),
            Some(message("Instagram", "Failed")),
        ),
        (
            update,
            n("Google Business Messages", "Submitted"),
            Some(message("Google Business Messages", "Submitted")),
        ),
    ];
    for (ctx, pair, refusal) in table {
        let result = NewWebhook::parse(&input("service", vec![pair.clone()]), &ctx);
        let got = result
            .err()
            .and_then(|e| e.for_field("notifications/0").map(str::to_owned));
        assert_eq!(got, refusal, "{pair:?}");
    }
}

#[test]
fn authorization_and_enabled_are_read_as_given() {
    let table = [
        (None, None),
        (Some(""), None),
        (Some("  "), None),
        (Some(" a1 "), Some("a1")),
    ];
    for (raw, expected) in table {
        let mut w = input("service", vec![n("SMS", "Delivered")]);
        w.authorization_id = raw.map(Into::into);
        w.enabled = Some(false);
        let w = NewWebhook::parse(&w, &service()).unwrap();
        assert_eq!(
            (w.authorization_id.as_deref(), w.enabled),
            (expected, false)
        );
    }
}

#[test]
fn secrets_never_appear_in_debug_output() {
    let mut w = input("service", vec![n("SMS", "Delivered")]);
    w.hub_signature = hub(Some("hunter2"), None);
    assert!(!format!("{w:?}").contains("hunter2"));
    let parsed = NewWebhook::parse(&w, &service()).unwrap();
    assert!(!format!("{parsed:?}").contains("hunter2"));
}
