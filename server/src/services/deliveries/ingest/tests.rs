use super::*;

fn refused(body: &str) -> (String, Option<String>) {
    match parse_request(body.as_bytes()) {
        Err(IngestError::Invalid { message, field }) => (message, field),
        other => panic!("{body} should be refused, got {other:?}"),
    }
}

#[test]
fn compaction_drops_only_the_whitespace_between_tokens() {
    let raw = "{ \"b\" : [1, 2.50, -0e3],\n\t\"a\": \"x  y \\\" }\\\\\", \"é\": {} }";
    assert_eq!(
        String::from_utf8(compact(raw)).unwrap(),
        "{\"b\":[1,2.50,-0e3],\"a\":\"x  y \\\" }\\\\\",\"é\":{}}"
    );
}

#[test]
fn a_payload_keeps_its_key_order_and_spelling() {
    let body = r#"{"channel":"SMS","event":"Delivered","service_id":"1",
                  "payload":{ "z":1, "a":"\u00e9", "m":1.0 }}"#;
    let events = parse_request(body.as_bytes()).unwrap();
    assert_eq!(&events[0].payload[..], br#"{"z":1,"a":"\u00e9","m":1.0}"#);
    assert_eq!(events[0].kind, EntityKind::Service);
    assert_eq!(events[0].entity_id, 1);
}

#[test]
fn a_bad_event_in_a_batch_is_named_by_its_index() {
    let ok = r#"{"channel":"SMS","event":"Delivered","service_id":"1","payload":{}}"#;
    let bad = r#"{"channel":"Fax","event":"Delivered","service_id":"1","payload":{}}"#;
    let (_, field) = refused(&format!("[{ok},{ok},{ok},{bad}]"));
    assert_eq!(field.as_deref(), Some("/3/channel"));
    let (_, field) = refused(bad);
    assert_eq!(field.as_deref(), Some("channel"));
}

#[test]
fn each_problem_points_at_its_field() {
    let cases = [
        (
            r#"{"channel":"SMS","event":"Opened","service_id":"1","payload":{}}"#,
            "event",
        ),
        (
            r#"{"channel":"SMS","event":"Delivered","payload":{}}"#,
            "service_id",
        ),
        (
            r#"{"channel":"SMS","event":"Incoming Message","payload":{}}"#,
            "number_id",
        ),
        (
            r#"{"channel":"SMS","event":"Delivered","service_id":"1","app_id":"2","payload":{}}"#,
            "app_id",
        ),
        (
            r#"{"channel":"SMS","event":"Delivered","number_id":"1","payload":{}}"#,
            "event",
        ),
        (
            r#"{"channel":"SMS","event":"Delivered","service_id":"x","payload":{}}"#,
            "service_id",
        ),
        (
            r#"{"channel":"SMS","event":"Delivered","service_id":"1","payload":[1]}"#,
            "payload",
        ),
        (
            r#"{"channel":"SMS","event":"Delivered","service_id":"1"}"#,
            "payload",
        ),
        (
            r#"{"channel":"SMS","event":"Delivered","service_id":"1","event_id":"","payload":{}}"#,
            "event_id",
        ),
        (
            r#"{"channel":1,"event":"Delivered","service_id":"1","payload":{}}"#,
            "channel",
        ),
    ];
    for (body, field) in cases {
        assert_eq!(refused(body).1.as_deref(), Some(field), "{body}");
    }
    let long = "x".repeat(MAX_EVENT_ID_CHARS + 1);
    let body = format!(
        r#"{{"channel":"SMS","event":"Delivered","service_id":"1","event_id":"{long}","payload":{{}}}}"#
    );
    assert_eq!(refused(&body).1.as_deref(), Some("event_id"));
}

#[test]
fn malformed_or_empty_bodies_are_refused_as_a_whole() {
    for body in ["{", "", "42", "[]", "\"x\""] {
        assert_eq!(refused(body).1, None, "{body:?}");
    }
    assert_eq!(refused("[1]").1.as_deref(), Some("/0"));
}

#[test]
fn missing_event_ids_are_generated_and_unique() {
    let body = r#"[{"channel":"SMS","event":"Delivered","service_id":"1","payload":{}},
                   {"channel":"SMS","event":"Delivered","service_id":1,"event_id":"mine","payload":{}}]"#;
    let events = to_new_events(parse_request(body.as_bytes()).unwrap());
    assert_eq!(events[1].event_id, "mine");
    assert_eq!(events[0].event_id.len(), 36);
    assert_ne!(
        events[0].event_id,
        to_new_events(parse_request(body.as_bytes()).unwrap())[0].event_id
    );
}

#[test]
fn an_event_id_that_cannot_travel_as_a_header_is_refused() {
    for bad in [
        "café-1",
        "a b",
        "tab\tin",
        "line\nbreak",
        "\u{a0}nbsp",
        "emoji\u{1F600}",
    ] {
        let body = serde_json::json!([{"channel": "SMS", "event": "Delivered", "service_id": "1",
            "event_id": bad, "payload": {}}])
        .to_string();
        assert_eq!(refused(&body).1.as_deref(), Some("/0/event_id"), "{bad:?}");
    }
    let ok = r#"{"channel":"SMS","event":"Delivered","service_id":"1","event_id":"ABC-123_x.y:z~!","payload":{}}"#;
    assert!(parse_request(ok.as_bytes()).is_ok());
}
