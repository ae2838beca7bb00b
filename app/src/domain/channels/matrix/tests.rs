//! The matrix checked against SPEC §2, table by table.

use crate::domain::channels::*;

fn labels(events: &[EventDef]) -> Vec<&'static str> {
    events.iter().map(|e| e.label).collect()
}

fn ch(label: &str) -> &'static ChannelDef {
    channel(label).unwrap_or_else(|| panic!("no channel {label:?}"))
}

#[test]
fn the_twelve_channels_come_in_spec_order() {
    let got: Vec<_> = CHANNELS.iter().map(|c| c.label).collect();
    assert_eq!(
        got,
        [
            "SMS",
            "Voice",
            "MMS",
            "Messenger",
            "In-App Messaging / Live Chat",
            "WhatsApp",
            "Push",
            "Email",
            "Apple Messages for Business",
            "RCS",
            "Google Business Messages",
            "Instagram",
        ]
    );
}

#[test]
fn every_channels_receipts_are_the_spec_checkboxes_in_order() {
    let table: [(&str, &[&str]); 12] = [
        (
            "SMS",
            &["Submitted", "Delivered", "Undelivered", "Failed", "Clicked"],
        ),
        (
            "Voice",
            &[
                "Offered",
                "Accepted",
                "Answered",
                "Dropped",
                "Rejected",
                "Released",
                "Disconnected",
                "Trombone Connect",
                "Trombone Release",
                "Failed",
            ],
        ),
        ("MMS", &["Submitted", "Delivered", "Failed"]),
        ("Messenger", &["Submitted", "Delivered", "Failed", "Read"]),
        (
            "In-App Messaging / Live Chat",
            &["Submitted", "Delivered", "Read", "Failed", "Clicked"],
        ),
        ("WhatsApp", &["Submitted", "Delivered", "Read", "Failed"]),
        ("Push", &["Submitted", "Delivered", "Read", "Failed"]),
        (
            "Email",
            &[
                "Submitted",
                "Failed",
                "Delivered",
                "Not verified",
                "Invalid",
                "Bounced",
                "Complaint",
                "Read",
                "Clicked",
            ],
        ),
        ("Apple Messages for Business", &["Submitted"]),
        (
            "RCS",
            &[
                "Submitted",
                "Delivered",
                "Read",
                "Failed",
                "Subscribe",
                "Unsubscribe",
            ],
        ),
        ("Google Business Messages", &["Submitted"]),
        ("Instagram", &["Read", "Submitted", "Failed"]),
    ];
    for (channel, receipts) in table {
        assert_eq!(labels(ch(channel).receipts), receipts, "{channel}");
    }
    let total: usize = CHANNELS.iter().map(|c| c.receipts.len()).sum();
    assert_eq!(total, 5 + 10 + 3 + 4 + 5 + 4 + 4 + 9 + 1 + 6 + 1 + 3);
}

#[test]
fn payload_values_follow_the_spec_mapping_and_equal_the_label_elsewhere() {
    let mapped = [
        ("SMS", "Undelivered", "Un-Delivered"),
        ("Voice", "Offered", "OFFERED"),
        ("Voice", "Accepted", "ACCEPTED"),
        ("Voice", "Answered", "ANSWERED"),
        ("Voice", "Dropped", "DROPPED"),
        ("Voice", "Rejected", "REJECTED"),
        ("Voice", "Disconnected", "DISCONNECTED"),
        ("Voice", "Trombone Connect", "TROMBONE_CONNECTED"),
        ("Voice", "Trombone Release", "TROMBONE_RELEASED"),
        ("Messenger", "Submitted", "Submited"),
        ("Email", "Bounced", "Bounce"),
        ("Email", "Not verified", "Not Verified"),
        ("RCS", "Subscribe", "SUBSCRIBE"),
        ("RCS", "Unsubscribe", "UNSUBSCRIBE"),
    ];
    for c in CHANNELS {
        for kind in EntityKind::ALL {
            for e in c.events_for(kind) {
                let expected = mapped
                    .iter()
                    .find(|(mc, me, _)| *mc == c.label && *me == e.label)
                    .map_or(e.label, |m| m.2);
                assert_eq!(e.payload_value, expected, "{} {}", c.label, e.label);
            }
        }
    }
    assert_eq!(
        ch("Voice").event("Released").unwrap().payload_value,
        "Released"
    );
}

#[test]
fn only_the_seven_ses_email_events_carry_an_asterisk() {
    let starred: Vec<_> = CHANNELS
        .iter()
        .flat_map(|c| EntityKind::ALL.map(|k| c.events_for(k)).concat())
        .filter(|e| e.asterisk)
        .map(|e| e.label)
        .collect();
    assert_eq!(
        starred,
        [
            "Delivered",
            "Not verified",
            "Invalid",
            "Bounced",
            "Complaint",
            "Read",
            "Clicked"
        ]
    );
    assert!(labels(ch("Email").receipts)
        .iter()
        .zip(ch("Email").receipts)
        .all(|(l, e)| e.asterisk == (*l != "Submitted" && *l != "Failed")));
    assert_eq!(
        EMAIL_ASTERISK_NOTE,
        "For Email Channel, the events marked with Asterisk are applicable only if 'Email via AWS SES' is the selected route."
    );
}

#[test]
fn google_business_messages_and_instagram_are_the_deprecated_channels() {
    let deprecated: Vec<_> = CHANNELS
        .iter()
        .filter(|c| c.deprecated)
        .map(|c| c.label)
        .collect();
    assert_eq!(deprecated, ["Google Business Messages", "Instagram"]);
}

#[test]
fn labels_carry_no_decoration() {
    for c in CHANNELS {
        assert!(!c.label.contains("deprecated") && !c.label.contains('*'));
        for kind in EntityKind::ALL {
            for e in c.events_for(kind) {
                assert!(!e.label.contains('*'), "{} {}", c.label, e.label);
            }
        }
    }
}

#[test]
fn delivery_channel_values_are_the_platforms_spelling() {
    let table = [
        ("SMS", Some("SMS")),
        ("MMS", Some("mms")),
        ("WhatsApp", Some("whatsapp")),
        ("Email", Some("email")),
        ("Voice", Some("voice")),
        ("RCS", Some("rcs")),
        ("Push", Some("push")),
        ("In-App Messaging / Live Chat", Some("rt")),
        ("Messenger", Some("fb")),
        ("Apple Messages for Business", Some("applebusinesschat")),
        ("Google Business Messages", None),
        ("Instagram", None),
    ];
    for (channel, value) in table {
        assert_eq!(ch(channel).delivery_channel, value, "{channel}");
    }
}

#[test]
fn numbers_get_incoming_events_on_sms_mms_and_voice_by_capability() {
    let table = [
        (Capability::Sms, "SMS", "Incoming Message"),
        (Capability::Mms, "MMS", "Incoming Message"),
        (Capability::Voice, "Voice", "Incoming Call Events"),
    ];
    for (capability, channel, event) in table {
        assert_eq!(capability.channel().label, channel);
        assert_eq!(labels(ch(channel).number_events), [event]);
    }
    let with_number_events = CHANNELS.iter().filter(|c| !c.number_events.is_empty());
    assert_eq!(with_number_events.count(), 3);
}

#[test]
fn every_app_type_has_its_channel_and_app_events() {
    let table: [(AppType, &[&str]); 7] = [
        (
            AppType::InApp,
            &[
                "Incoming Message",
                "Postback",
                "Thread Closed",
                "Typing Indicator",
                "Custom Events",
            ],
        ),
        (AppType::WhatsApp, &["Incoming Message"]),
        (AppType::Messenger, &["Incoming Message"]),
        (AppType::Rcs, &["Incoming Message"]),
        (
            AppType::AppleMessagesForBusiness,
            &["Incoming Message", "Invitation Response"],
        ),
        (AppType::Email, &["Incoming Message"]),
        (AppType::Push, &["Incoming Message"]),
    ];
    for (app_type, events) in table {
        assert_eq!(app_type.channel().label, app_type.label());
        assert_eq!(
            labels(app_type.channel().app_events),
            events,
            "{app_type:?}"
        );
    }
    let with_app_events = CHANNELS.iter().filter(|c| !c.app_events.is_empty());
    assert_eq!(with_app_events.count(), 7);
}

#[test]
fn an_event_label_names_one_event_within_its_channel() {
    for c in CHANNELS {
        let mut all: Vec<_> = EntityKind::ALL
            .into_iter()
            .flat_map(|k| labels(c.events_for(k)))
            .collect();
        let n = all.len();
        all.sort_unstable();
        all.dedup();
        assert_eq!(all.len(), n, "{}", c.label);
    }
}
