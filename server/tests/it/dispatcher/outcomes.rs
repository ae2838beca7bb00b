//! Each outcome class of SPEC §4 over real connections: 2xx delivered; every no-retry status
//! failed after one attempt; 401/403/429/5xx retried; timeout, refused connection, TLS error
//! retried; a refused (SSRF) destination failed at once; each attempt logged with its code.

use serde_json::{json, Value};
use webhooks_console::store::{EntityId, WebhookWrite};

use super::{receipt, Harness};
use crate::receiver::{refused_port, Answers, Receiver, TestCa};
use crate::rest_assets::Api;

const NO_RETRY: [u16; 21] = [
    300, 301, 302, 303, 304, 305, 306, 307, 308, 400, 402, 404, 405, 406, 407, 408, 409, 410, 411,
    414, 505,
];
const MORE_NO_RETRY: [u16; 3] = [415, 416, 418];
const RETRIED: [u16; 6] = [401, 403, 429, 500, 502, 503];

/// A webhook stored directly (no test call): for URLs whose failure is the point of the test.
async fn stored_webhook(api: &Api, name: &str, service: &str, url: &str) -> i64 {
    let write = WebhookWrite {
        name: name.into(),
        entity: EntityId::Service(service.parse().unwrap()),
        url: url.into(),
        hub_algorithm: None,
        hub_secret_enc: None,
        authorization_id: None,
        esme_bind_id: None,
        max_in_flight: None,
        rate_per_second: None,
        enabled: true,
        notifications: vec![("SMS".into(), "Delivered".into())],
    };
    api.app.store.insert_webhook(&write).await.unwrap().id
}

fn by_name<'a>(log: &'a [Value], name: &str) -> &'a Value {
    log.iter()
        .find(|d| d["integration_name"] == name)
        .unwrap_or_else(|| panic!("no delivery for {name}"))
}

#[tokio::test]
async fn each_status_class_gets_its_outcome_after_one_attempt() {
    let mut answers = Answers::default()
        .posts("/200", &[200], "fine")
        .posts("/204", &[204], "");
    let all: Vec<u16> = NO_RETRY
        .iter()
        .chain(&MORE_NO_RETRY)
        .chain(&RETRIED)
        .copied()
        .collect();
    for code in &all {
        answers = answers.posts(&format!("/{code}"), &[*code], "nope");
    }
    let h = Harness::start(answers, &["--retry-schedule", "1h"]).await;
    let svc = h.service("Billing").await;
    for code in all.iter().chain(&[200, 204]) {
        h.webhook(
            &format!("hook {code}"),
            &svc,
            &format!("/{code}"),
            json!({}),
        )
        .await;
    }
    let res = h.ingest(receipt(&svc, json!({"x": 1}))).await;
    assert_eq!(res.body["deliveries"], all.len() + 2, "{}", res.text);
    assert_eq!(h.run_once().await, all.len() + 2);
    let log = h.deliveries("?limit=1000").await;
    for code in [200, 204] {
        let d = by_name(&log, &format!("hook {code}"));
        assert_eq!(d["status"], "delivered", "{code}: {d}");
        assert_eq!(d["last_status_code"], code);
    }
    for code in NO_RETRY.iter().chain(&MORE_NO_RETRY) {
        let d = by_name(&log, &format!("hook {code}"));
        assert_eq!(d["status"], "failed", "{code} is not retried: {d}");
        assert_eq!(d["last_status_code"], *code);
    }
    for code in RETRIED {
        let d = by_name(&log, &format!("hook {code}"));
        assert_eq!(d["status"], "pending", "{code} is retried: {d}");
        assert!(d["next_attempt_at"].is_string(), "{d}");
    }
    // The attempt keeps the answer: status, headers, body.
    let id = by_name(&log, "hook 503")["id"].as_str().unwrap().to_owned();
    let one = h.delivery(&id).await;
    let attempt = &one["attempts"][0];
    assert_eq!(attempt["status_code"], 503);
    assert_eq!(attempt["response_body"], "nope");
    assert_eq!(attempt["trigger"], "scheduled");
    assert!(
        attempt["response_headers"]["content-length"].is_string(),
        "{attempt}"
    );
    assert!(attempt.get("error_code").is_none(), "{attempt}");
}

#[tokio::test]
async fn timeouts_refused_connections_and_tls_errors_are_retried_with_their_codes() {
    let answers =
        Answers::default().posts_after("/slow", &[200], "late", std::time::Duration::from_secs(5));
    let h = Harness::start(
        answers,
        &["--retry-schedule", "1h", "--request-timeout", "300ms"],
    )
    .await;
    let svc = h.service("Billing").await;
    stored_webhook(&h.api, "slow", &svc, &h.receiver.url("/slow")).await;
    let refused = format!("https://localhost:{}/hook", refused_port().await);
    stored_webhook(&h.api, "refused", &svc, &refused).await;
    // A receiver whose certificate comes from a CA the app does not trust.
    let stranger =
        Receiver::start(&TestCa::new(), Answers::default().posts("/x", &[200], "")).await;
    stored_webhook(&h.api, "untrusted", &svc, &stranger.url("/x")).await;
    assert_eq!(
        h.ingest(receipt(&svc, json!({}))).await.body["deliveries"],
        3
    );
    assert_eq!(h.run_once().await, 3);
    let log = h.deliveries("").await;
    for (name, code) in [
        ("slow", "timeout"),
        ("refused", "connect"),
        ("untrusted", "tls"),
    ] {
        let d = by_name(&log, name);
        assert_eq!(d["status"], "pending", "{name}: {d}");
        assert_eq!(d["last_error_code"], code, "{name}: {d}");
        let one = h.delivery(d["id"].as_str().unwrap()).await;
        assert_eq!(one["attempts"][0]["error_code"], code);
        assert!(one["attempts"][0].get("status_code").is_none());
    }
}

#[tokio::test]
async fn a_destination_the_ssrf_guard_refuses_fails_at_once_without_retries() {
    // The guard on: the app refuses loopback and private addresses.
    let api = Api::spawn_manual_in(tempfile::tempdir().unwrap(), &["--retry-schedule", "1h"]).await;
    let svc = api
        .create("/api/v1/services", json!({"name": "Billing"}))
        .await;
    stored_webhook(&api, "private", &svc, "https://10.0.0.7/hook").await;
    let res = api.post("/api/v1/events", receipt(&svc, json!({}))).await;
    assert_eq!(res.body["deliveries"], 1, "{}", res.text);
    assert_eq!(api.app.dispatcher.run_once().await.unwrap(), 1);
    let log = api.get("/api/v1/deliveries").await.body;
    assert_eq!(log[0]["status"], "failed", "{log}");
    assert_eq!(log[0]["last_error_code"], "blocked_target");
}

#[tokio::test]
async fn a_disabled_webhook_ends_its_pending_deliveries_without_a_request() {
    let h = Harness::start(Answers::default().posts("/a", &[200], "ok"), &[]).await;
    let svc = h.service("Billing").await;
    let id = h.webhook("A", &svc, "/a", json!({})).await;
    assert_eq!(
        h.ingest(receipt(&svc, json!({}))).await.body["deliveries"],
        1
    );
    let mut hook = h.api.get(&format!("/api/v1/integrations/{id}")).await.body;
    hook["enabled"] = json!(false);
    let res = h.api.put(&format!("/api/v1/integrations/{id}"), hook).await;
    assert_eq!(res.status, 200, "{}", res.text);
    assert_eq!(h.run_once().await, 1);
    assert!(h.posts().is_empty());
    let log = h.deliveries("").await;
    assert_eq!(log[0]["status"], "failed");
    assert_eq!(log[0]["last_error_code"], "webhook_disabled");
}
