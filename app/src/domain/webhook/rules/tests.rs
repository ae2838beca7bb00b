//! The hub signature and Forward to SMPP rules, accepted and refused.

use crate::domain::channels::{Capability, EntityFacts, EntityKind};
use crate::domain::validation::{SecretChange, ValidationError};
use crate::domain::webhook::tests::{hub, input, n, service, sms_number};
use crate::domain::webhook::*;

#[test]
fn hub_signature_needs_a_secret_and_defaults_to_sha256() {
    let mut w = input("service", vec![n("SMS", "Delivered")]);
    w.hub_signature = hub(Some("s3cret"), None);
    let change = NewWebhook::parse(&w, &service()).unwrap().hub.unwrap();
    assert_eq!(change.algorithm, HubAlgorithm::Sha256);
    assert!(matches!(&change.secret, SecretChange::Set(s) if s.expose() == "s3cret"));
    w.hub_signature = hub(Some(&"é".repeat(256)), Some("sha512"));
    assert_eq!(
        NewWebhook::parse(&w, &service())
            .unwrap()
            .hub
            .unwrap()
            .algorithm,
        HubAlgorithm::Sha512
    );
}

#[test]
fn hub_secret_is_required_unless_a_stored_one_is_kept() {
    let with_secret = Existing {
        hub_algorithm: Some(HubAlgorithm::Sha256),
        hub_secret_set: true,
        url: "https://example.com/old".into(),
        ..Existing::default()
    };
    let keep = ParseContext::update(Some(EntityFacts::service()), with_secret);
    let no_secret = ParseContext::update(Some(EntityFacts::service()), Existing::default());
    let table = [
        (service(), None, Err("Enter a hub secret.")),
        (service(), Some(""), Err("Enter a hub secret.")),
        (no_secret, None, Err("Enter a hub secret.")),
        (
            service(),
            Some(&*"x".repeat(257)),
            Err("Keep the hub secret to 256 characters or fewer."),
        ),
        (keep.clone(), None, Ok(SecretChange::Keep)),
        (keep.clone(), Some(""), Ok(SecretChange::Keep)),
        (
            keep,
            Some("new"),
            Ok(SecretChange::Set(HubSecret("new".into()))),
        ),
    ];
    for (ctx, secret, expected) in table {
        let mut w = input("service", vec![n("SMS", "Delivered")]);
        w.hub_signature = hub(secret, None);
        let got = NewWebhook::parse(&w, &ctx)
            .map(|w| w.hub.unwrap().secret)
            .map_err(|e| e.for_field("hub_signature/secret").unwrap().to_owned());
        assert_eq!(got, expected.map_err(str::to_owned), "{secret:?}");
    }
}

#[test]
fn a_stored_hub_secret_is_kept_only_while_the_url_keeps_its_host() {
    // The input's URL is https://example.com/hook.
    let table = [
        ("https://example.com/old?x=1", true),
        ("https://EXAMPLE.com/hook", true),
        ("https://example.com:8443/hook", true),
        ("https://evil.example/hook", false),
        ("https://example.com.evil.example/hook", false),
        ("https://[::1]/hook", false),
        ("https://127.0.0.1/hook", false),
        ("", false),
        ("not a url", false),
    ];
    for (stored, kept) in table {
        let existing = Existing {
            hub_algorithm: Some(HubAlgorithm::Sha256),
            hub_secret_set: true,
            url: stored.into(),
            ..Existing::default()
        };
        let ctx = ParseContext::update(Some(EntityFacts::service()), existing);
        let mut w = input("service", vec![n("SMS", "Delivered")]);
        w.hub_signature = hub(None, None);
        let got = NewWebhook::parse(&w, &ctx);
        match kept {
            true => assert_eq!(
                got.unwrap().hub.unwrap().secret,
                SecretChange::Keep,
                "{stored}"
            ),
            false => assert_eq!(
                got.unwrap_err().for_field("hub_signature/secret"),
                Some(super::HUB_SECRET_AGAIN),
                "{stored}"
            ),
        }
        // A new secret is always accepted.
        w.hub_signature = hub(Some("new"), None);
        assert!(NewWebhook::parse(&w, &ctx).is_ok(), "{stored}");
    }
}

#[test]
fn sha1_is_kept_by_legacy_webhooks_only() {
    let legacy = Existing {
        hub_algorithm: Some(HubAlgorithm::Sha1),
        hub_secret_set: true,
        url: "https://example.com/hook".into(),
        ..Existing::default()
    };
    let modern = Existing {
        hub_algorithm: Some(HubAlgorithm::Sha256),
        hub_secret_set: true,
        url: "https://example.com/hook".into(),
        ..Existing::default()
    };
    let refused = "SHA1 is no longer offered: choose SHA256 or SHA512.";
    let table = [
        (service(), "sha1", Err(refused.to_owned())),
        (
            ParseContext::update(Some(EntityFacts::service()), modern),
            "sha1",
            Err(refused.to_owned()),
        ),
        (
            ParseContext::update(Some(EntityFacts::service()), legacy.clone()),
            "sha1",
            Ok(HubAlgorithm::Sha1),
        ),
        (
            ParseContext::update(Some(EntityFacts::service()), legacy),
            "sha512",
            Ok(HubAlgorithm::Sha512),
        ),
        (service(), "SHA256", Ok(HubAlgorithm::Sha256)),
        (
            service(),
            "md5",
            Err("\"md5\" is not an algorithm: choose SHA256 or SHA512.".to_owned()),
        ),
    ];
    for (ctx, algorithm, expected) in table {
        let mut w = input("service", vec![n("SMS", "Delivered")]);
        w.hub_signature = hub(Some("k"), Some(algorithm));
        let got = NewWebhook::parse(&w, &ctx)
            .map(|w| w.hub.unwrap().algorithm)
            .map_err(|e| e.for_field("hub_signature/algorithm").unwrap().to_owned());
        assert_eq!(got, expected, "{algorithm}");
    }
}

#[test]
fn forward_to_smpp_needs_a_number_sms_incoming_message_no_hub_and_a_bind() {
    let incoming = || vec![n("SMS", "Incoming Message")];
    let only_numbers = "Forward to SMPP is only available for numbers.";
    let tick_sms = "Tick SMS Incoming Message to forward it to SMPP.";
    let no_hub = "Forward to SMPP cannot be used with Hub Signature: turn one of them off.";
    let mms_sms = ParseContext::create(Some(EntityFacts::number([
        Capability::Sms,
        Capability::Mms,
    ])));
    let table = [
        (
            "number",
            sms_number(),
            incoming(),
            None,
            "b1",
            Ok(Some("b1".to_owned())),
        ),
        (
            "number",
            sms_number(),
            incoming(),
            None,
            " b1 ",
            Ok(Some("b1".to_owned())),
        ),
        (
            "service",
            service(),
            vec![n("SMS", "Delivered")],
            None,
            "b1",
            Err(("forward_to_smpp", only_numbers)),
        ),
        (
            "number",
            mms_sms,
            vec![n("MMS", "Incoming Message")],
            None,
            "b1",
            Err(("forward_to_smpp", tick_sms)),
        ),
        (
            "number",
            sms_number(),
            incoming(),
            hub(Some("k"), None),
            "b1",
            Err(("forward_to_smpp", no_hub)),
        ),
        (
            "number",
            sms_number(),
            incoming(),
            None,
            "  ",
            Err(("forward_to_smpp/esme_bind_id", "Select an ESME Bind ID.")),
        ),
    ];
    for (kind, ctx, notifications, hub_signature, bind, expected) in table {
        let mut w = input(kind, notifications);
        w.hub_signature = hub_signature;
        w.forward_to_smpp = Some(ForwardToSmppInput {
            esme_bind_id: bind.into(),
        });
        let got = NewWebhook::parse(&w, &ctx)
            .map(|w| w.forward_to_smpp_esme_bind_id)
            .map_err(|e| {
                let first = e.first().unwrap().clone();
                assert_eq!(e.len(), 1, "{e:?}");
                first
            });
        let expected = expected.map_err(|(f, m)| ValidationError::new(f, m));
        assert_eq!(got, expected, "{kind} {bind:?}");
    }
}

#[test]
fn smpp_is_visible_only_for_a_number_with_sms_incoming_message_and_no_hub() {
    let sms_in = [("SMS", "Incoming Message")];
    type Ticked<'a> = &'a [(&'a str, &'a str)];
    let table: [(EntityKind, Ticked, bool, bool); 6] = [
        (EntityKind::Number, &sms_in, false, true),
        (
            EntityKind::Number,
            &[("MMS", "Incoming Message"), ("SMS", "Incoming Message")],
            false,
            true,
        ),
        (EntityKind::Number, &sms_in, true, false),
        (
            EntityKind::Number,
            &[("MMS", "Incoming Message")],
            false,
            false,
        ),
        (EntityKind::Service, &sms_in, false, false),
        (EntityKind::App, &sms_in, false, false),
    ];
    for (kind, ticked, hub_enabled, visible) in table {
        assert_eq!(
            smpp_visible(kind, ticked, hub_enabled),
            visible,
            "{kind:?} {ticked:?} {hub_enabled}"
        );
    }
    let owned = vec![("SMS".to_owned(), "Incoming Message".to_owned())];
    assert!(smpp_visible(EntityKind::Number, &owned, false));
}

#[test]
fn hub_algorithms_use_their_header_spelling_and_option_labels() {
    let table = [
        (HubAlgorithm::Sha1, "sha1", "SHA1"),
        (HubAlgorithm::Sha256, "sha256", "SHA256"),
        (HubAlgorithm::Sha512, "sha512", "SHA512"),
    ];
    for (algorithm, spelling, label) in table {
        assert_eq!(
            serde_json::to_string(&algorithm).unwrap(),
            format!("\"{spelling}\"")
        );
        assert_eq!((algorithm.as_str(), algorithm.label()), (spelling, label));
        assert_eq!(HubAlgorithm::parse(label), Some(algorithm));
    }
    assert_eq!(
        HubAlgorithm::OFFERED.map(HubAlgorithm::label),
        ["SHA256", "SHA512"]
    );
}
