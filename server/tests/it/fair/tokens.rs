//! OAuth 2.0 client-credentials tokens for deliveries, from a real token endpoint on loopback
//! (the receiver's `/token`, which counts its requests): one request in flight per profile,
//! shared by every delivery waiting for it, and after a failed one a cool-down during which
//! deliveries fail at once with `token_cooldown` and are retried per the schedule.

use std::time::{Duration, Instant};

use serde_json::{json, Value};
use webhooks_console::store::now_millis;

use super::ingest_n;
use crate::dispatcher::Harness;
use crate::receiver::Answers;

/// The cool-down after a failed token request (issue #11: 5 s).
const COOLDOWN: Duration = Duration::from_secs(5);

const TOKEN: &str = r#"{"access_token":"tok-1","token_type":"Bearer","expires_in":3600}"#;

fn millis(rfc3339: &Value) -> i64 {
    chrono::DateTime::parse_from_rfc3339(rfc3339.as_str().unwrap())
        .unwrap()
        .timestamp_millis()
}

/// A client-credentials profile on the receiver's `/token` and a webhook on `/hook` using it.
/// Saving the webhook fetches a token (its test call); the profile is then saved with a new
/// secret, which drops that token, so the deliveries start without one.
async fn oauth_webhook(h: &Harness) -> (String, String) {
    let auth = h
        .api
        .create("/api/v1/authorizations", h.client_credentials("first"))
        .await;
    let svc = h.service("Billing").await;
    h.webhook("Bearer", &svc, "/hook", json!({"authorization_id": auth}))
        .await;
    assert_eq!(token_requests(h), 1, "the test call's token");
    h.drop_token(&auth).await;
    (svc, auth)
}

fn token_requests(h: &Harness) -> usize {
    h.posts().iter().filter(|p| p.path == "/token").count()
}

fn hook_posts(h: &Harness) -> Vec<crate::receiver::Seen> {
    h.posts()
        .into_iter()
        .filter(|p| p.path == "/hook")
        .collect()
}

#[tokio::test]
async fn deliveries_waiting_for_a_token_share_one_token_request() {
    let answers = Answers::default()
        // Slow enough that every delivery of the batch is waiting while it runs.
        .posts_after("/token", &[200], TOKEN, Duration::from_millis(300))
        .posts("/hook", &[200], "ok");
    let h = Harness::start(answers, &[]).await;
    let (svc, _) = oauth_webhook(&h).await;
    ingest_n(&h, &svc, 6).await;

    assert_eq!(h.run_once().await, 6);
    assert_eq!(
        token_requests(&h),
        2,
        "one token request for the six deliveries"
    );
    let hooks = hook_posts(&h);
    assert_eq!(hooks.len(), 6);
    for p in &hooks {
        assert_eq!(p.header("authorization"), Some("Bearer tok-1"));
    }
    for d in h.deliveries("").await {
        assert_eq!(d["status"], "delivered", "{d}");
    }
}

#[tokio::test]
async fn after_a_failed_token_request_deliveries_cool_down_and_are_retried_on_schedule() {
    let answers = Answers::default()
        // The test call's token, then one failure, then tokens again.
        .posts("/token", &[200, 500, 200], TOKEN)
        .posts("/hook", &[200], "ok");
    let h = Harness::start(answers, &["--retry-schedule", "1m,1m,1m"]).await;
    let (svc, _) = oauth_webhook(&h).await;
    ingest_n(&h, &svc, 3).await;
    let dispatcher = &h.api.app.dispatcher;

    let t = now_millis();
    assert_eq!(dispatcher.run_once_at(t).await.unwrap(), 3);
    let failed_at = Instant::now();
    assert_eq!(
        token_requests(&h),
        2,
        "one failed request, not one per delivery"
    );
    let log = h.deliveries("").await;
    let codes: Vec<&str> = log
        .iter()
        .map(|d| d["last_error_code"].as_str().unwrap_or("none"))
        .collect();
    assert_eq!(
        codes.iter().filter(|c| **c == "token_cooldown").count(),
        2,
        "the two that waited behind the failed request: {codes:?}"
    );
    for d in &log {
        assert_eq!(d["status"], "pending", "{d}");
        let due = millis(&d["next_attempt_at"]);
        assert!(
            (due - t - 60_000).abs() < 1_000,
            "retried a minute later: {d}"
        );
    }
    assert!(hook_posts(&h).is_empty(), "no request without a token");

    // A minute later by the schedule, but within the cool-down: no new token request.
    let t2 = t + 60_001;
    assert_eq!(dispatcher.run_once_at(t2).await.unwrap(), 3);
    assert!(
        failed_at.elapsed() < COOLDOWN,
        "the test itself was too slow"
    );
    assert_eq!(token_requests(&h), 2, "the cool-down makes no request");
    for d in h.deliveries("").await {
        assert_eq!(d["status"], "pending", "{d}");
        assert_eq!(d["last_error_code"], "token_cooldown", "{d}");
        let due = millis(&d["next_attempt_at"]);
        assert!(
            (due - t2 - 60_000).abs() < 1_000,
            "the schedule's next step: {d}"
        );
    }

    // Once the cool-down is over, one token request serves them all.
    tokio::time::sleep(COOLDOWN.saturating_sub(failed_at.elapsed()) + Duration::from_millis(100))
        .await;
    assert_eq!(dispatcher.run_once_at(t2 + 60_001).await.unwrap(), 3);
    assert_eq!(token_requests(&h), 3);
    assert_eq!(hook_posts(&h).len(), 3);
    for d in h.deliveries("").await {
        assert_eq!(d["status"], "delivered", "{d}");
    }
}
