//! Each webhook's health (CONTRACT §4 `health`) after known outcomes: failed attempts in a row
//! (back to 0 after a delivered one), the last delivered attempt's time, and p50 / p99 of its
//! attempts' latency over the last 24 hours, in the integration's view and in the list.

use std::time::Duration;

use serde_json::{json, Value};

use super::ingest_n;
use crate::dispatcher::Harness;
use crate::receiver::Answers;

/// What the slow endpoint takes to answer (503) each time.
const SLOW: Duration = Duration::from_millis(600);

fn millis(rfc3339: &Value) -> i64 {
    chrono::DateTime::parse_from_rfc3339(rfc3339.as_str().unwrap())
        .unwrap()
        .timestamp_millis()
}

async fn health(h: &Harness, id: &str) -> Value {
    let res = h.api.get(&format!("/api/v1/integrations/{id}")).await;
    assert_eq!(res.status, 200, "{}", res.text);
    res.body["health"].clone()
}

/// Points the webhook at another path of the receiver (a full replace).
async fn move_to(h: &Harness, id: &str, svc: &str, path: &str) {
    let body = json!({
        "name": "Partner",
        "entity": {"kind": "service", "id": svc},
        "url": h.receiver.url(path),
        "notifications": [{"channel": "SMS", "event": "Delivered"}],
    });
    let res = h.api.put(&format!("/api/v1/integrations/{id}"), body).await;
    assert_eq!(res.status, 200, "{}", res.text);
}

#[tokio::test]
async fn health_counts_failures_in_a_row_the_last_success_and_latency_percentiles() {
    let answers =
        Answers::default()
            .posts("/fast", &[200], "ok")
            .posts_after("/slow", &[503], "busy", SLOW);
    let h = Harness::start(answers, &["--retry-schedule", "1h"]).await;
    let svc = h.service("Billing").await;
    let id = h.webhook("Partner", &svc, "/fast", json!({})).await;
    assert_eq!(
        health(&h, &id).await,
        json!({"consecutive_failures": 0, "last_success_at": null, "p50_ms": null, "p99_ms": null}),
        "no attempt yet"
    );

    // Ten fast successes…
    ingest_n(&h, &svc, 10).await;
    let before = webhooks_console::store::now_millis();
    assert_eq!(h.run_once().await, 10);
    let after = webhooks_console::store::now_millis();
    // …then three slow failures.
    move_to(&h, &id, &svc, "/slow").await;
    ingest_n(&h, &svc, 3).await;
    assert_eq!(h.run_once().await, 3);

    let got = health(&h, &id).await;
    assert_eq!(got["consecutive_failures"], 3, "{got}");
    let success = millis(&got["last_success_at"]);
    assert!(
        (before - 1_000..=after + 1_000).contains(&success),
        "the last of the fast ones: {got}"
    );
    let (p50, p99) = (
        got["p50_ms"].as_u64().unwrap(),
        got["p99_ms"].as_u64().unwrap(),
    );
    assert!(
        p50 < SLOW.as_millis() as u64 / 2,
        "most attempts were fast: {got}"
    );
    // Percentiles are read from buckets 25% wide: the slow answers' bucket bound.
    assert!(
        (SLOW.as_millis() as u64..=1_200).contains(&p99),
        "the slowest 1% took the slow endpoint's time: {got}"
    );
    let list = h.api.get("/api/v1/integrations").await;
    let listed = list
        .body
        .as_array()
        .expect("a list")
        .iter()
        .find(|w| w["id"] == id.as_str())
        .expect("listed")
        .clone();
    assert_eq!(listed["health"], got, "the list shows the same health");

    // One more success ends the run of failures.
    move_to(&h, &id, &svc, "/fast").await;
    ingest_n(&h, &svc, 1).await;
    let again = webhooks_console::store::now_millis();
    assert_eq!(
        h.run_once().await,
        1,
        "the 503s are due in an hour, not now"
    );
    let got = health(&h, &id).await;
    assert_eq!(got["consecutive_failures"], 0, "{got}");
    assert!(millis(&got["last_success_at"]) >= again - 1_000, "{got}");
}
