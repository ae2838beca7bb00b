//! Fan-out and the request itself: every matching webhook gets one POST with the exact stored
//! bytes, `Content-Type: application/json`, `x-wx-gtrid`, and a signature that verifies.

use hmac::{Hmac, Mac};
use serde_json::json;

use super::{receipt, Harness};
use crate::receiver::Answers;

fn hmac_hex<M: Mac + hmac::digest::KeyInit>(secret: &str, body: &[u8]) -> String {
    let mut mac = <M as hmac::digest::KeyInit>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

#[tokio::test]
async fn an_event_fans_out_to_every_matching_webhook_signed_with_each_ones_secret() {
    let answers = Answers::default()
        .posts("/a", &[200], "ok")
        .posts("/b", &[204], "")
        .posts("/c", &[200], "ok")
        .posts("/other", &[200], "ok");
    let h = Harness::start(answers, &[]).await;
    let billing = h.service("Billing").await;
    let alerts = h.service("Alerts").await;
    let secret_a = "s\u{e9}cret-\u{43a}\u{43b}\u{44e}\u{447}";
    h.webhook(
        "A",
        &billing,
        "/a",
        json!({"hub_signature": {"secret": secret_a}}),
    )
    .await;
    h.webhook(
        "B",
        &billing,
        "/b",
        json!({"hub_signature": {"secret": "k2", "algorithm": "sha512"}}),
    )
    .await;
    h.webhook("C unsigned", &billing, "/c", json!({})).await;
    // Not matching: another entity, another event, a disabled webhook.
    h.webhook("Other entity", &alerts, "/other", json!({}))
        .await;
    h.webhook(
        "Other event",
        &billing,
        "/other",
        json!({"notifications": [{"channel": "SMS", "event": "Failed"}]}),
    )
    .await;
    h.webhook("Disabled", &billing, "/other", json!({"enabled": false}))
        .await;

    let body = r#"{"channel":"SMS","event":"Delivered","service_id":"BILLING","event_id":"evt-42",
        "payload": { "z": 1, "a": "h\u00e9llo \u4e16\u754c", "n": [1.50, true] }}"#
        .replace("BILLING", &billing);
    let res = h.api.send("POST", "/api/v1/events", Some(&body)).await;
    assert_eq!(res.status, 202, "{}", res.text);
    assert_eq!(
        res.body,
        json!({"accepted": 1, "event_ids": ["evt-42"], "deliveries": 3})
    );

    assert_eq!(h.run_once().await, 3);
    let posts = h.posts();
    assert_eq!(posts.len(), 3, "{posts:?}");
    let exact = br#"{"z":1,"a":"h\u00e9llo \u4e16\u754c","n":[1.50,true]}"#;
    for p in &posts {
        assert_eq!(
            p.body, exact,
            "{}: the stored bytes, compact, keys in order",
            p.path
        );
        assert_eq!(p.header("content-type"), Some("application/json"));
        assert_eq!(p.header("x-wx-gtrid"), Some("evt-42"));
        assert!(p
            .header("user-agent")
            .unwrap()
            .starts_with("webhooks-console/"));
    }
    let by_path = |path: &str| posts.iter().find(|p| p.path == path).unwrap();
    assert_eq!(
        by_path("/a").header("x-hub-signature").unwrap(),
        format!("sha256={}", hmac_hex::<Hmac<sha2::Sha256>>(secret_a, exact))
    );
    assert_eq!(
        by_path("/b").header("x-hub-signature").unwrap(),
        format!("sha512={}", hmac_hex::<Hmac<sha2::Sha512>>("k2", exact))
    );
    assert_eq!(by_path("/c").header("x-hub-signature"), None);

    let log = h.deliveries("").await;
    assert_eq!(log.len(), 3);
    for d in &log {
        assert_eq!(d["status"], "delivered", "{d}");
        assert_eq!(d["event_id"], "evt-42");
        assert_eq!(d["attempt_count"], 1);
    }
}

#[tokio::test]
async fn an_event_no_webhook_matches_is_recorded_without_deliveries() {
    let h = Harness::start(Answers::default(), &[]).await;
    let billing = h.service("Billing").await;
    let res = h.ingest(receipt(&billing, json!({"k": "v"}))).await;
    assert_eq!(res.status, 202, "{}", res.text);
    assert_eq!(res.body["accepted"], 1);
    assert_eq!(res.body["deliveries"], 0);
    assert_eq!(h.run_once().await, 0);
    assert!(h.posts().is_empty());
}

#[tokio::test]
async fn one_connection_is_kept_alive_across_deliveries() {
    let h = Harness::start(Answers::default().posts("/a", &[200], "ok"), &[]).await;
    let billing = h.service("Billing").await;
    h.webhook("A", &billing, "/a", json!({})).await;
    let before = h.receiver.connections();
    // One delivery at a time, so that reuse (not concurrency) decides the connection count.
    for i in 0..10 {
        assert_eq!(
            h.ingest(receipt(&billing, json!({"i": i}))).await.status,
            202
        );
        assert_eq!(h.run_once().await, 1);
    }
    assert_eq!(h.posts().len(), 10);
    let opened = h.receiver.connections() - before;
    assert!(opened <= 1, "{opened} new connections for 10 deliveries");
}
