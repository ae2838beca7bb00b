//! Property tests of event ingest parsing (issue 10, hostile input): any body is either parsed
//! or refused with a 400 sentence — never a panic, never a stack overflow on deep nesting —
//! and an accepted payload is exactly the JSON that was sent. Bounded: [`CASES`] cases each.

use proptest::prelude::*;
use serde_json::{json, Value};

use super::*;

const CASES: u32 = 256;

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: CASES,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Every channel and event label of the matrix, and some that are not.
fn label() -> impl Strategy<Value = String> {
    let mut known: Vec<String> = channels::CHANNELS
        .iter()
        .flat_map(|c| {
            let events = c.receipts.iter().chain(c.number_events).chain(c.app_events);
            std::iter::once(c.label.to_owned()).chain(events.map(|e| e.label.to_owned()))
        })
        .collect();
    known.extend(["", "sms", "SMS ", "Delivered\u{0}", "🦀"].map(str::to_owned));
    prop_oneof![3 => prop::sample::select(known), 1 => any::<String>()]
}

fn json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_filter_map("finite", |f| serde_json::Number::from_f64(f)
            .map(Value::Number)),
        any::<String>().prop_map(Value::String),
    ];
    leaf.prop_recursive(6, 256, 16, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..16).prop_map(Value::Array),
            prop::collection::btree_map(any::<String>(), inner, 0..8)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// A routing key value: an id as a number or a string, or something that is not one.
fn key_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        (1i64..1000).prop_map(Value::from),
        (1i64..1000).prop_map(|n| Value::String(format!(" {n} "))),
        Just(json!(0)),
        Just(json!(-5)),
        Just(json!(1.5)),
        Just(json!("9223372036854775808")),
        json(),
    ]
}

/// One event: mostly the right shape with hostile values, sometimes any JSON at all.
fn event() -> impl Strategy<Value = Value> {
    let shaped = (
        label(),
        label(),
        prop::option::of(key_value()),
        prop::option::of(key_value()),
        prop::option::of(key_value()),
        prop::option::of(prop_oneof![any::<String>().prop_map(Value::String), json()]),
        prop_oneof![
            4 => prop::collection::btree_map(any::<String>(), json(), 0..8)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
            1 => json(),
        ],
    )
        .prop_map(
            |(channel, event, service, number, app, event_id, payload)| {
                let mut m = serde_json::Map::new();
                m.insert("channel".into(), Value::String(channel));
                m.insert("event".into(), Value::String(event));
                for (k, v) in [
                    ("service_id", service),
                    ("number_id", number),
                    ("app_id", app),
                ] {
                    if let Some(v) = v {
                        m.insert(k.into(), v);
                    }
                }
                if let Some(id) = event_id {
                    m.insert("event_id".into(), id);
                }
                m.insert("payload".into(), payload);
                Value::Object(m)
            },
        );
    prop_oneof![4 => shaped, 1 => json()]
}

/// The outcome every body must have: parsed, or refused with a sentence.
fn parsed_or_explained(body: &[u8]) -> Result<Vec<ParsedEvent>, TestCaseError> {
    match parse_request(body) {
        Ok(events) => Ok(events),
        Err(IngestError::Invalid { message, .. }) => {
            prop_assert!(!message.trim().is_empty());
            Ok(Vec::new())
        }
        Err(IngestError::Store(e)) => Err(TestCaseError::fail(format!("a store error: {e}"))),
    }
}

/// `depth` arrays nested in the payload.
fn nested(depth: usize) -> String {
    format!(
        r#"{{"channel":"SMS","event":"Delivered","service_id":1,"payload":{{"a":{}1{}}}}}"#,
        "[".repeat(depth),
        "]".repeat(depth)
    )
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn any_bytes_are_parsed_or_refused(body in prop::collection::vec(any::<u8>(), 0..2048)) {
        parsed_or_explained(&body)?;
    }

    #[test]
    fn any_json_body_is_parsed_or_refused(body in json()) {
        parsed_or_explained(body.to_string().as_bytes())?;
    }

    #[test]
    fn an_accepted_payload_is_exactly_the_json_that_was_sent(
        events in prop::collection::vec(event(), 1..8),
        batch in any::<bool>(),
        pretty in any::<bool>(),
    ) {
        let body = match (batch, pretty) {
            (true, true) => serde_json::to_string_pretty(&events).unwrap(),
            (true, false) => serde_json::to_string(&events).unwrap(),
            (false, true) => serde_json::to_string_pretty(&events[0]).unwrap(),
            (false, false) => events[0].to_string(),
        };
        let parsed = parsed_or_explained(body.as_bytes())?;
        let sent = if batch { &events[..] } else { &events[..1] };
        if !parsed.is_empty() {
            prop_assert_eq!(parsed.len(), sent.len());
            for (p, e) in parsed.iter().zip(sent) {
                // Compared as bytes: the stored payload is the sent text, compacted, and serde_json
                // (without float_roundtrip) may read a float back one ULP off, so a comparison
                // of parsed values can fail on bytes that are exact.
                let compact = serde_json::to_vec(&e["payload"]).unwrap();
                prop_assert_eq!(
                    String::from_utf8_lossy(&p.payload),
                    String::from_utf8_lossy(&compact)
                );
                prop_assert!(p.entity_id > 0);
                if let Some(id) = &p.event_id {
                    prop_assert!(is_event_id(id), "{:?}", id);
                }
            }
        }
    }

    #[test]
    fn an_event_id_is_accepted_exactly_when_it_is_1_to_200_visible_ascii(id in prop_oneof![
        any::<String>(),
        "[!-~]{1,200}",
        "[!-~]{201,210}",
        Just(String::new()),
        Just("evt 1".to_owned()),
    ]) {
        let body = json!({"channel": "SMS", "event": "Delivered", "service_id": 1,
                          "event_id": id, "payload": {}});
        let visible = (1..=200).contains(&id.len()) && id.bytes().all(|b| b.is_ascii_graphic());
        match parse_request(body.to_string().as_bytes()) {
            Ok(events) => {
                prop_assert!(visible, "{:?} was accepted", id);
                prop_assert_eq!(events[0].event_id.as_deref(), Some(id.as_str()));
            }
            Err(IngestError::Invalid { field, .. }) => {
                prop_assert!(!visible, "{:?} was refused", id);
                prop_assert_eq!(field.as_deref(), Some("event_id"));
            }
            Err(e) => return Err(TestCaseError::fail(e.to_string())),
        }
    }

    #[test]
    fn deep_nesting_is_parsed_or_refused_without_overflowing_the_stack(depth in 0usize..5000) {
        parsed_or_explained(nested(depth).as_bytes())?;
    }
}
