//! Property tests of every input parser the console and the REST API share (issue 10, hostile
//! input): whatever JSON arrives — wrong types, odd Unicode, control characters, huge or
//! nested values — deserializing and parsing never panic, and a refusal always names a field
//! and says why in a sentence. Bounded: [`CASES`] cases a property, well under a second each.

use proptest::prelude::*;
use serde_json::{Map, Value};

use super::assets::{
    AppInput, EsmeBindInput, NewApp, NewEsmeBind, NewNumber, NewService, NumberInput, SaveMode,
    ServiceInput,
};
use super::authorization::{
    AuthorizationInput, ExistingAuthorization, NewAuthorization, SecretField,
};
use super::channels::{AppType, Capability, EntityFacts};
use super::deliveries::{DeliveryQuery, DeliveryQueryInput};
use super::paging::{ListQuery, ListQueryInput};
use super::validation::ValidationErrors;
use super::webhook::{Existing, HttpsUrl, HubAlgorithm, NewWebhook, ParseContext, WebhookInput};

/// Cases per property: enough to find the edge the generators aim at, small enough that the
/// whole module runs in about a second in the normal `cargo test`.
const CASES: u32 = 256;

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: CASES,
        // No regression files in the source tree: a failure prints its minimal case.
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Text that parsers get wrong: the labels they look for (so generated inputs reach the deep
/// rules), URLs near the rules, Unicode (combining marks, RTL, emoji, a BOM), control and
/// NUL characters, very long strings, and anything at all.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => prop::sample::select(vec![
            "", " ", "SMS", "Voice", "WhatsApp", "Delivered", "Incoming Message", "service",
            "number", "app", "sha256", "sha1", "SHA512", "Basic Auth", "Digest Auth", "OAuth 2.0",
            "API Key", "AWS Signature", "No Auth", "Client Credentials", "Authorization Code",
            "Header", "Query Params", "MD5", "SHA-256-sess", "auth-int", "1", "0", "-1",
            "9223372036854775808", "1e999", "https://example.com/hook", "https://[::1]:0/",
            "https://a@b.example/", "https://ex%61mple.com/", "https://exämple.com/ü?q=ü#f",
            "https://example.com:99999/", "HTTPS://EXAMPLE.COM", "http://example.com", "https://",
            "https://x/\u{0}", "\u{feff}https://example.com", "+14155550100", "١٢٣",
            "e\u{301}\u{301}\u{301}", "\u{202e}evil", "🦀🦀", "a\r\nb", "\u{7f}", "%00",
        ])
        .prop_map(str::to_owned),
        2 => any::<String>(),
        1 => "[\\PC]{0,300}",
        1 => (1usize..5000).prop_map(|n| "x".repeat(n)),
    ]
}

/// Any JSON value, nested up to 6 deep with up to 32 elements a level.
fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_filter_map("finite", |f| serde_json::Number::from_f64(f)
            .map(Value::Number)),
        text().prop_map(Value::String),
    ];
    leaf.prop_recursive(6, 256, 32, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..32).prop_map(Value::Array),
            prop::collection::btree_map(text(), inner, 0..8)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// An object with some of `fields`, each a string from [`text`] or any JSON, plus a few
/// unknown keys: the shape of a request body, with hostile values.
fn object(fields: &'static [&'static str]) -> impl Strategy<Value = Value> {
    let value = prop_oneof![3 => text().prop_map(Value::String), 1 => json()];
    (
        prop::collection::vec((prop::sample::select(fields), value), 0..fields.len() + 1),
        prop::collection::btree_map(text(), json(), 0..2),
    )
        .prop_map(|(known, unknown)| {
            let mut map: Map<String, Value> = unknown.into_iter().collect();
            for (k, v) in known {
                map.insert(k.to_owned(), v);
            }
            Value::Object(map)
        })
}

/// Every refusal names a field path (or none, for the body as a whole) and a sentence.
fn explained(errors: &ValidationErrors) -> Result<(), TestCaseError> {
    prop_assert!(errors.iter().next().is_some(), "a refusal with no error");
    for e in errors.iter() {
        prop_assert!(!e.message.trim().is_empty(), "no message on {}", e.field);
        prop_assert!(
            !e.field.contains(char::is_control),
            "odd field {:?}",
            e.field
        );
    }
    Ok(())
}

fn contexts() -> impl Strategy<Value = ParseContext> {
    let facts = prop_oneof![
        Just(None),
        Just(Some(EntityFacts::service())),
        Just(Some(EntityFacts::number([
            Capability::Sms,
            Capability::Voice
        ]))),
        prop::sample::select(AppType::ALL.to_vec()).prop_map(|t| Some(EntityFacts::app(t))),
    ];
    let existing = prop::option::of((text(), any::<bool>(), any::<bool>()).prop_map(
        |(url, sha1, set)| Existing {
            notifications: vec![("Instagram".into(), "Read".into())],
            hub_algorithm: Some(if sha1 {
                HubAlgorithm::Sha1
            } else {
                HubAlgorithm::Sha256
            }),
            hub_secret_set: set,
            url,
        },
    ));
    (facts, existing).prop_map(|(entity, existing)| ParseContext { entity, existing })
}

const WEBHOOK_FIELDS: &[&str] = &[
    "name",
    "entity",
    "url",
    "notifications",
    "hub_signature",
    "authorization_id",
    "forward_to_smpp",
    "enabled",
    "delivery",
];

fn webhook_body() -> impl Strategy<Value = Value> {
    (
        object(WEBHOOK_FIELDS),
        text(),
        text(),
        prop::collection::vec((text(), text()), 0..40),
    )
        .prop_map(|(mut v, kind, url, ticks)| {
            // Often well-formed where it matters, so the rules behind the shape are reached.
            let notifications: Vec<Value> = ticks
                .into_iter()
                .map(|(c, e)| serde_json::json!({"channel": c, "event": e}))
                .collect();
            if let Some(m) = v.as_object_mut() {
                m.entry("entity")
                    .or_insert(serde_json::json!({"kind": kind, "id": "1"}));
                m.entry("url").or_insert(Value::String(url));
                m.entry("notifications")
                    .or_insert(Value::Array(notifications));
            }
            v
        })
}

const AUTHORIZATION_FIELDS: &[&str] = &[
    "name",
    "type",
    "username",
    "password",
    "realm",
    "nonce",
    "algorithm",
    "qop",
    "nonce_count",
    "client_nonce",
    "opaque",
    "access_key",
    "secret_key",
    "region",
    "service_name",
    "key",
    "key_value",
    "add_to",
    "grant_type",
    "client_id",
    "client_secret",
    "consumer_id",
    "consumer_secret",
    "authorization_url",
    "scope",
    "access_token_url",
    "limited_validity",
    "validity",
    "refresh_token_url",
    "access_token_url_method",
    "access_token_url_parameter_type",
    "access_token_url_headers",
    "client_authentication",
];

proptest! {
    #![proptest_config(config())]

    #[test]
    fn a_url_parses_or_is_refused_on_url_and_a_parsed_one_has_a_host(raw in text()) {
        match HttpsUrl::parse(&raw) {
            Ok(url) => {
                prop_assert!(url.as_str().starts_with("https://"));
                prop_assert!(!url.host().is_empty());
                prop_assert!(url.port() >= 1);
                prop_assert!(url.as_str().len() <= HttpsUrl::MAX_LEN);
            }
            Err(e) => {
                prop_assert_eq!(e.field.as_str(), "url");
                prop_assert!(!e.message.is_empty());
            }
        }
    }

    #[test]
    fn any_webhook_body_parses_or_is_refused_with_reasons(body in webhook_body(), ctx in contexts()) {
        if let Ok(input) = serde_json::from_value::<WebhookInput>(body) {
            match NewWebhook::parse(&input, &ctx) {
                Ok(w) => prop_assert!(w.url.as_str().starts_with("https://")),
                Err(e) => explained(&e)?,
            }
        }
    }

    #[test]
    fn any_authorization_body_parses_or_is_refused_with_reasons(
        body in object(AUTHORIZATION_FIELDS),
        stored in prop::option::of((any::<bool>(), text(), text())),
    ) {
        let existing = stored.map(|(set, access, refresh)| ExistingAuthorization {
            secrets_set: if set { SecretField::ALL.to_vec() } else { Vec::new() },
            access_token_url: Some(access),
            refresh_token_url: Some(refresh),
        });
        if let Ok(input) = serde_json::from_value::<AuthorizationInput>(body) {
            if let Err(e) = NewAuthorization::parse(&input, existing.as_ref()) {
                explained(&e)?;
            }
        }
    }

    #[test]
    fn any_asset_body_parses_or_is_refused_with_reasons(
        body in object(&["name", "number", "capabilities", "app_type", "system_id", "password",
                         "description"]),
        update in any::<bool>(),
    ) {
        let mode = if update { SaveMode::Update } else { SaveMode::Create };
        if let Ok(i) = serde_json::from_value::<ServiceInput>(body.clone()) {
            if let Err(e) = NewService::parse(&i) { explained(&e)?; }
        }
        if let Ok(i) = serde_json::from_value::<NumberInput>(body.clone()) {
            if let Err(e) = NewNumber::parse(&i) { explained(&e)?; }
        }
        if let Ok(i) = serde_json::from_value::<AppInput>(body.clone()) {
            if let Err(e) = NewApp::parse(&i) { explained(&e)?; }
        }
        if let Ok(i) = serde_json::from_value::<EsmeBindInput>(body) {
            if let Err(e) = NewEsmeBind::parse(&i, mode) { explained(&e)?; }
        }
    }

    #[test]
    fn any_list_or_log_query_parses_or_is_refused_with_a_message(
        q in object(&["q", "limit", "before", "integration_id", "status", "channel", "code",
                      "from", "to"]),
    ) {
        if let Ok(i) = serde_json::from_value::<ListQueryInput>(q.clone()) {
            if let Ok(page) = ListQuery::parse(&i) {
                prop_assert!((1..=1000).contains(&page.limit));
            }
        }
        if let Ok(i) = serde_json::from_value::<DeliveryQueryInput>(q) {
            if let Err(e) = DeliveryQuery::parse(&i) {
                prop_assert!(!e.to_string().is_empty());
            }
        }
    }
}
