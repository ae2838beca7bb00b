//! `/metrics` after known work, read from the real binary (a process of its own, so its counters
//! hold exactly this test's work).

use std::time::{Duration, Instant};

use reqwest::Method;
use serde_json::json;

use crate::crash::{api_key, call, prepare_database, start};
use crate::receiver::{Answers, Receiver, TestCa};

/// The value of the series `name` (its labels as written, e.g. `{outcome="delivered"}`).
fn value(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find(|l| l.split_whitespace().next() == Some(series))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_count_deliveries_by_outcome_attempts_by_class_retries_and_the_queue() {
    let ca = TestCa::new();
    let answers = Answers::default()
        .posts("/ok", &[200], "")
        .posts("/down", &[500], "");
    let receiver = Receiver::start(&ca, answers).await;
    let dir = tempfile::tempdir().unwrap();
    let _pg = prepare_database(dir.path()).await;
    let ca_file = ca.write_pem(dir.path());
    let key = api_key(dir.path(), &ca_file);
    let mut server = start(dir.path(), &ca_file, 0).await;
    let base = server.base.clone();
    let svc = call(
        &key,
        Method::POST,
        format!("{base}/api/v1/services"),
        Some(json!({"name": "Billing"})),
    )
    .await;
    let svc = svc["id"].as_str().unwrap().to_owned();
    for (name, path) in [("Ok", "/ok"), ("Down", "/down")] {
        call(
            &key,
            Method::POST,
            format!("{base}/api/v1/integrations"),
            Some(
                json!({"name": name, "entity": {"kind": "service", "id": svc},
                        "url": receiver.url(path),
                        "notifications": [{"channel": "SMS", "event": "Delivered"}]}),
            ),
        )
        .await;
    }
    let events: Vec<_> = (0..5)
        .map(|i| json!({"channel": "SMS", "event": "Delivered", "service_id": svc, "payload": {"i": i}}))
        .collect();
    call(
        &key,
        Method::POST,
        format!("{base}/api/v1/events"),
        Some(json!(events)),
    )
    .await;
    // Wait for the background workers to finish (retries are immediate: `0s,0s,0s`).
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let pending = call(
            &key,
            Method::GET,
            format!("{base}/api/v1/deliveries?status=pending"),
            None,
        )
        .await;
        if pending.as_array().unwrap().is_empty() {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "deliveries still pending: {pending}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let text = reqwest::get(format!("{base}/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    server.child.kill().unwrap();
    let _ = server.child.wait();
    let expect = [
        (r#"webhook_deliveries_total{outcome="delivered"}"#, 5.0),
        (r#"webhook_deliveries_total{outcome="failed"}"#, 5.0),
        (r#"webhook_delivery_attempts_total{class="2xx"}"#, 5.0),
        (r#"webhook_delivery_attempts_total{class="5xx"}"#, 20.0),
        ("webhook_retries_scheduled_total", 15.0),
        ("webhook_attempt_duration_seconds_count", 25.0),
        ("webhook_events_ingested_total", 5.0),
        ("webhook_queue_depth", 0.0),
        ("webhook_oldest_due_seconds", 0.0),
    ];
    for (series, want) in expect {
        assert_eq!(value(&text, series), Some(want), "{series} in\n{text}");
    }
    assert!(
        text.contains("# TYPE webhook_attempt_duration_seconds histogram"),
        "{text}"
    );
}
