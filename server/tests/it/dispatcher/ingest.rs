//! `POST /api/v1/events` over HTTP: idempotent event ids, all-or-nothing batches with the bad
//! event's path, routing keys checked against the stored assets, 413 over 1 MiB.

use serde_json::json;

use super::{receipt, Harness};
use crate::receiver::Answers;

#[tokio::test]
async fn the_same_event_id_is_accepted_once() {
    let h = Harness::start(Answers::default().posts("/a", &[200], ""), &[]).await;
    let svc = h.service("Billing").await;
    h.webhook("A", &svc, "/a", json!({})).await;
    let mut event = receipt(&svc, json!({"n": 1}));
    event["event_id"] = json!("order-1");
    let first = h.ingest(event.clone()).await;
    assert_eq!(
        first.body,
        json!({"accepted": 1, "event_ids": ["order-1"], "deliveries": 1})
    );
    let again = h.ingest(event.clone()).await;
    assert_eq!(again.status, 202);
    assert_eq!(
        again.body,
        json!({"accepted": 0, "event_ids": ["order-1"], "deliveries": 0, "duplicates": 1})
    );
    let twice_in_one = h.ingest(json!([event.clone(), {
        "channel": "SMS", "event": "Delivered", "service_id": svc, "event_id": "order-2", "payload": {}
    }, {
        "channel": "SMS", "event": "Delivered", "service_id": svc, "event_id": "order-2", "payload": {}
    }])).await;
    assert_eq!(twice_in_one.body["accepted"], 1);
    assert_eq!(twice_in_one.body["duplicates"], 2);
    assert_eq!(h.run_once().await, 2);
    assert_eq!(h.posts().len(), 2);
}

#[tokio::test]
async fn one_bad_event_refuses_the_whole_batch_and_stores_nothing() {
    let h = Harness::start(Answers::default().posts("/a", &[200], ""), &[]).await;
    let svc = h.service("Billing").await;
    h.webhook("A", &svc, "/a", json!({})).await;
    let good = receipt(&svc, json!({}));
    let cases = [
        (
            json!({"channel": "SMS", "event": "Delivered", "service_id": "999", "payload": {}}),
            "/2/service_id",
        ),
        (
            json!({"channel": "SMS", "event": "Delivered", "number_id": svc, "payload": {}}),
            "/2/event",
        ),
        (
            json!({"channel": "Telex", "event": "Delivered", "service_id": svc, "payload": {}}),
            "/2/channel",
        ),
        (
            json!({"channel": "SMS", "event": "Delivered", "payload": {}}),
            "/2/service_id",
        ),
    ];
    for (bad, field) in cases {
        let res = h.ingest(json!([good.clone(), good.clone(), bad])).await;
        res.refused(400, Some(field));
    }
    let single = h
        .ingest(json!({"channel": "SMS", "event": "Nope", "service_id": svc, "payload": {}}))
        .await;
    single.refused(400, Some("event"));
    let malformed = h
        .api
        .send("POST", "/api/v1/events", Some("{\"channel\": "))
        .await;
    malformed.refused(400, None);
    assert!(h.deliveries("").await.is_empty());
    assert_eq!(h.run_once().await, 0);
}

#[tokio::test]
async fn numbers_and_apps_are_checked_for_capability_and_type() {
    let h = Harness::start(Answers::default(), &[]).await;
    let number = h
        .api
        .create(
            "/api/v1/numbers",
            json!({"number": "+14155550100", "capabilities": ["SMS"]}),
        )
        .await;
    let app = h
        .api
        .create(
            "/api/v1/apps",
            json!({"name": "Shop", "app_type": "WhatsApp"}),
        )
        .await;
    let ok = [
        json!({"channel": "SMS", "event": "Incoming Message", "number_id": number, "payload": {}}),
        json!({"channel": "WhatsApp", "event": "Incoming Message", "app_id": app, "payload": {}}),
    ];
    for event in ok {
        assert_eq!(h.ingest(event.clone()).await.status, 202, "{event}");
    }
    let no_voice = json!({"channel": "Voice", "event": "Incoming Call Events", "number_id": number, "payload": {}});
    h.ingest(no_voice).await.refused(400, Some("channel"));
    let wrong_app =
        json!({"channel": "RCS", "event": "Incoming Message", "app_id": app, "payload": {}});
    h.ingest(wrong_app).await.refused(400, Some("channel"));
}

#[tokio::test]
async fn a_body_over_one_mebibyte_is_refused_with_413() {
    let h = Harness::start(Answers::default(), &[]).await;
    let svc = h.service("Billing").await;
    let big = "x".repeat(1024 * 1024);
    let res = h.ingest(receipt(&svc, json!({ "blob": big }))).await;
    res.refused(413, None);
    let near = "x".repeat(1000 * 1000);
    assert_eq!(
        h.ingest(receipt(&svc, json!({ "blob": near })))
            .await
            .status,
        202
    );
}
