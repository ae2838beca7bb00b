//! The questions asked of the matrix: spellings, the form's sections per entity, what an
//! entity may subscribe to, and notification lookup.

use super::*;

fn labels(events: &[EventDef]) -> Vec<&'static str> {
    events.iter().map(|e| e.label).collect()
}

#[test]
fn kinds_capabilities_and_app_types_use_their_api_spelling() {
    for kind in EntityKind::ALL {
        let json = serde_json::to_string(&kind).unwrap();
        assert_eq!(json, format!("\"{}\"", kind.as_str()));
        assert_eq!(EntityKind::parse(kind.as_str()), Some(kind));
    }
    assert_eq!(
        EntityKind::ALL.map(EntityKind::as_str),
        ["service", "number", "app"]
    );
    for c in Capability::ALL {
        assert_eq!(
            serde_json::to_string(&c).unwrap(),
            format!("\"{}\"", c.label())
        );
        assert_eq!(Capability::parse(c.label()), Some(c));
    }
    assert_eq!(
        Capability::ALL.map(Capability::label),
        ["SMS", "MMS", "Voice"]
    );
    for t in AppType::ALL {
        assert_eq!(
            serde_json::to_string(&t).unwrap(),
            format!("\"{}\"", t.label())
        );
        assert_eq!(
            serde_json::from_str::<AppType>(&format!("\"{}\"", t.label())).unwrap(),
            t
        );
        assert_eq!(AppType::parse(t.label()), Some(t));
    }
    assert_eq!(EntityKind::parse("Service"), None);
    assert_eq!(Capability::parse("sms"), None);
    assert_eq!(AppType::parse("Instagram"), None);
}

fn section_labels(facts: &EntityFacts) -> Vec<&'static str> {
    sections_for(facts).iter().map(Section::label).collect()
}

#[test]
fn a_service_sees_every_channels_receipts() {
    let sections = sections_for(&EntityFacts::service());
    assert_eq!(sections.len(), 12);
    for (section, c) in sections.iter().zip(CHANNELS) {
        assert_eq!((section.label(), section.events), (c.label, c.receipts));
        assert_eq!(section.deprecated(), c.deprecated);
        assert_eq!(section.has_asterisks(), c.label == "Email");
    }
}

#[test]
fn a_number_sees_only_the_channels_of_its_capabilities() {
    use Capability::*;
    let table: [(&[Capability], &[&str]); 6] = [
        (&[], &[]),
        (&[Sms], &["SMS"]),
        (&[Voice], &["Voice"]),
        (&[Voice, Sms], &["SMS", "Voice"]),
        (&[Mms, Sms], &["SMS", "MMS"]),
        (&[Voice, Mms, Sms], &["SMS", "MMS", "Voice"]),
    ];
    for (capabilities, expected) in table {
        let facts = EntityFacts::number(capabilities.to_vec());
        assert_eq!(section_labels(&facts), expected, "{capabilities:?}");
    }
    let voice = sections_for(&EntityFacts::number([Voice]));
    assert_eq!(labels(voice[0].events), ["Incoming Call Events"]);
}

#[test]
fn an_app_sees_only_its_own_channel_with_app_events() {
    for t in AppType::ALL {
        let sections = sections_for(&EntityFacts::app(t));
        assert_eq!(sections.len(), 1);
        assert_eq!(sections[0].label(), t.label());
        assert_eq!(sections[0].events, t.channel().app_events);
        assert!(!sections[0].deprecated());
    }
    let untyped = EntityFacts {
        app_type: None,
        ..EntityFacts::app(AppType::Push)
    };
    assert!(sections_for(&untyped).is_empty());
}

#[test]
fn allows_answers_yes_deprecated_or_no_for_each_entity() {
    use Capability::*;
    let service = EntityFacts::service();
    let sms_number = EntityFacts::number([Sms]);
    let whatsapp = EntityFacts::app(AppType::WhatsApp);
    let table = [
        (&service, "SMS", "Delivered", Allowed::Yes),
        (&service, "Email", "Bounced", Allowed::Yes),
        (
            &service,
            "Google Business Messages",
            "Submitted",
            Allowed::Deprecated,
        ),
        (&service, "Instagram", "Read", Allowed::Deprecated),
        (&service, "SMS", "Incoming Message", Allowed::No),
        (&service, "SMS", "delivered", Allowed::No),
        (&service, "Fax", "Delivered", Allowed::No),
        (&sms_number, "SMS", "Incoming Message", Allowed::Yes),
        (&sms_number, "MMS", "Incoming Message", Allowed::No),
        (&sms_number, "Voice", "Incoming Call Events", Allowed::No),
        (&sms_number, "SMS", "Delivered", Allowed::No),
        (&whatsapp, "WhatsApp", "Incoming Message", Allowed::Yes),
        (&whatsapp, "WhatsApp", "Delivered", Allowed::No),
        (&whatsapp, "Email", "Incoming Message", Allowed::No),
        (&whatsapp, "WhatsApp", "Postback", Allowed::No),
    ];
    for (facts, channel, event, expected) in table {
        assert_eq!(
            allows(facts, channel, event),
            expected,
            "{:?} {channel} {event}",
            facts.kind
        );
    }
    let in_app = EntityFacts::app(AppType::InApp);
    assert_eq!(
        allows(&in_app, "In-App Messaging / Live Chat", "Typing Indicator"),
        Allowed::Yes
    );
}

#[test]
fn allows_agrees_with_the_sections_for_every_pair_of_the_matrix() {
    let mut entities = vec![EntityFacts::service(), EntityFacts::number(Capability::ALL)];
    entities.extend(AppType::ALL.map(EntityFacts::app));
    for facts in &entities {
        let sections = sections_for(facts);
        for c in CHANNELS {
            for kind in EntityKind::ALL {
                for e in c.events_for(kind) {
                    let shown = sections
                        .iter()
                        .any(|s| s.label() == c.label && s.events.contains(e));
                    let allowed = allows(facts, c.label, e.label) != Allowed::No;
                    assert_eq!(shown, allowed, "{:?} {} {}", facts.kind, c.label, e.label);
                }
            }
        }
    }
}

#[test]
fn a_notification_exists_only_for_pairs_of_the_matrix() {
    let n = Notification::lookup("Voice", "Trombone Connect").unwrap();
    assert_eq!(n.labels(), ("Voice", "Trombone Connect"));
    assert_eq!(n.event().payload_value, "TROMBONE_CONNECTED");
    assert_eq!(n.to_string(), "Voice Trombone Connect");
    assert!(Notification::lookup("SMS", "Incoming Message").is_some());
    assert!(Notification::lookup("SMS", "Postback").is_none());
    assert!(Notification::lookup("Fax", "Submitted").is_none());
    assert_eq!(
        serde_json::to_string(&n).unwrap(),
        r#"{"channel":"Voice","event":"Trombone Connect"}"#
    );
}
