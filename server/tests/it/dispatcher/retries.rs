//! The retry schedule kept to the millisecond (stepped with `run_once_at`, never slept), the
//! last attempt failing the delivery, resend as a manual attempt in any state, and the test
//! event sent to one webhook only.

use serde_json::json;
use webhooks_console::store::now_millis;

use super::{receipt, Harness};
use crate::receiver::Answers;

fn millis(rfc3339: &serde_json::Value) -> i64 {
    chrono::DateTime::parse_from_rfc3339(rfc3339.as_str().unwrap())
        .unwrap()
        .timestamp_millis()
}

#[tokio::test]
async fn retries_follow_the_schedule_and_the_last_one_fails_the_delivery() {
    let h = Harness::start(
        Answers::default().posts("/down", &[503], "busy"),
        &["--retry-schedule", "10m,30m"],
    )
    .await;
    let svc = h.service("Billing").await;
    h.webhook("Down", &svc, "/down", json!({})).await;
    h.ingest(receipt(&svc, json!({"n": 1}))).await;
    let dispatcher = &h.api.app.dispatcher;

    assert_eq!(h.run_once().await, 1);
    let d = &h.deliveries("").await[0];
    let id = d["id"].as_str().unwrap().to_owned();
    let first = millis(&h.delivery(&id).await["attempts"][0]["at"]);
    let due = millis(&d["next_attempt_at"]);
    assert!(
        (due - first - 600_000).abs() < 1_000,
        "10 minutes later: {d}"
    );

    assert_eq!(h.run_once().await, 0, "not due yet");
    let later = now_millis() + 600_000 + 1_000;
    assert_eq!(dispatcher.run_once_at(later).await.unwrap(), 1);
    let d = h.delivery(&id).await;
    assert_eq!(d["status"], "pending");
    let due = millis(&d["next_attempt_at"]);
    assert!(
        (due - later - 1_800_000).abs() < 1_000,
        "30 minutes after that: {d}"
    );

    assert_eq!(dispatcher.run_once_at(later + 1_800_000).await.unwrap(), 1);
    let d = h.delivery(&id).await;
    assert_eq!(d["status"], "failed", "{d}");
    assert_eq!(d["attempt_count"], 3);
    assert_eq!(d["attempts"].as_array().unwrap().len(), 3);
    assert!(d.get("next_attempt_at").is_none());
    assert_eq!(
        dispatcher.run_once_at(later + 100_000_000).await.unwrap(),
        0
    );
    assert_eq!(h.posts().len(), 3);
}

#[tokio::test]
async fn an_empty_schedule_means_a_single_attempt() {
    let h = Harness::start(
        Answers::default().posts("/down", &[500], ""),
        &["--retry-schedule", ""],
    )
    .await;
    let svc = h.service("Billing").await;
    h.webhook("Down", &svc, "/down", json!({})).await;
    h.ingest(receipt(&svc, json!({}))).await;
    assert_eq!(h.run_once().await, 1);
    assert_eq!(h.deliveries("").await[0]["status"], "failed");
}

#[tokio::test]
async fn resend_makes_one_manual_attempt_now_in_any_state() {
    let h = Harness::start(
        Answers::default().posts("/flaky", &[404, 200, 500], "x"),
        &["--retry-schedule", "1h"],
    )
    .await;
    let svc = h.service("Billing").await;
    h.webhook("Flaky", &svc, "/flaky", json!({})).await;
    h.ingest(receipt(&svc, json!({}))).await;
    h.run_once().await;
    let id = h.deliveries("").await[0]["id"].as_str().unwrap().to_owned();
    assert_eq!(h.delivery(&id).await["status"], "failed", "404 is final");

    let res = h
        .api
        .post(&format!("/api/v1/deliveries/{id}/resend"), json!({}))
        .await;
    assert_eq!(res.status, 202, "{}", res.text);
    assert_eq!(res.body["status"], "delivered");
    let attempts = res.body["attempts"].as_array().unwrap();
    assert_eq!(attempts.len(), 2);
    assert_eq!(attempts[1]["trigger"], "manual");
    assert_eq!(attempts[1]["status_code"], 200);

    // A delivered one may be resent too; a failing resend does not undo the delivery.
    let res = h
        .api
        .post(&format!("/api/v1/deliveries/{id}/resend"), json!({}))
        .await;
    assert_eq!(res.status, 202);
    assert_eq!(res.body["status"], "delivered");
    assert_eq!(res.body["attempts"][2]["status_code"], 500);
    assert_eq!(h.posts().len(), 3);

    let missing = h
        .api
        .post("/api/v1/deliveries/999999/resend", json!({}))
        .await;
    missing.refused(404, None);
}

#[tokio::test]
async fn a_test_event_goes_to_that_webhook_only_with_a_realistic_sample() {
    let h = Harness::start(
        Answers::default()
            .posts("/one", &[200], "ok")
            .posts("/two", &[200], "ok"),
        &[],
    )
    .await;
    let svc = h.service("Billing").await;
    let one = h
        .webhook(
            "One",
            &svc,
            "/one",
            json!({"notifications": [
        {"channel": "SMS", "event": "Undelivered"}, {"channel": "SMS", "event": "Delivered"}]}),
        )
        .await;
    h.webhook(
        "Two",
        &svc,
        "/two",
        json!({"notifications": [{"channel": "SMS", "event": "Undelivered"}]}),
    )
    .await;
    let sent = h
        .api
        .app
        .services
        .deliveries
        .send_test_event(&one)
        .await
        .unwrap();
    assert_eq!(sent.status, "delivered", "{sent:?}");
    assert_eq!(sent.status_code, Some(200));
    let delivery = h.delivery(sent.delivery_id.as_deref().unwrap()).await;
    assert_eq!(delivery["attempts"].as_array().unwrap().len(), 1);
    let posts = h.posts();
    assert_eq!(posts.len(), 1, "only the chosen webhook");
    assert_eq!(posts[0].path, "/one");
    let body: serde_json::Value = serde_json::from_slice(&posts[0].body).unwrap();
    let info = &body["deliveryInfoNotification"]["deliveryInfo"];
    assert_eq!(info["deliveryStatus"], "Un-Delivered");
    assert_eq!(info["deliveryChannel"], "SMS");
    assert_eq!(h.run_once().await, 0, "the test delivery is not sent twice");
}
