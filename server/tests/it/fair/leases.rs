//! Leases and resends around a slow attempt. A lease is renewed while its attempt runs, so
//! another instance on the same database never takes over a delivery that is still being
//! sent (that would send it twice and drop the first result); a resend runs after a live
//! attempt of the same delivery, never beside it, and both results are kept; a resend that
//! waited too long for one that never ends is refused with 409.

use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::json;
use webhooks_console::authorizers::AuthorizerRegistry;
use webhooks_console::dispatcher::{Dispatcher, DispatcherConfig, RetrySchedule};
use webhooks_console::outbound::{OutboundClient, OutboundConfig};
use webhooks_console::secrets::{SecretBox, SecretKey};
use webhooks_console::store::{now_millis, ClaimWhat, Lease, ResendClaim};

use crate::dispatcher::Harness;
use crate::receiver::Answers;

/// Polls `check` every 20 ms until it holds, failing after `limit`.
async fn until<F, Fut>(limit: Duration, what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let started = Instant::now();
    while !check().await {
        assert!(started.elapsed() < limit, "{what}: not within {limit:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// A second instance on the harness's database with its own workers, whose lease is 5 s
/// (`request_timeout` only sizes the lease here; its client waits 10 s for an answer).
fn other_instance(h: &Harness) -> Dispatcher {
    let store = h.api.app.store.clone();
    let client = OutboundClient::new(OutboundConfig {
        request_timeout: Duration::from_secs(10),
        extra_ca_pem: Some(h.ca.ca_pem.clone().into_bytes()),
        allow_private_destinations: true,
        user_agent: OutboundConfig::default_user_agent(),
    })
    .expect("client");
    let secrets = Arc::new(SecretBox::new(&SecretKey::generate()));
    let authorizers = Arc::new(AuthorizerRegistry::new(
        store.clone(),
        secrets.clone(),
        "http://other.example/oauth/callback".into(),
    ));
    let config = DispatcherConfig {
        concurrency: 8,
        batch_size: 8,
        ..DispatcherConfig::new(RetrySchedule::new(vec![]), Duration::ZERO)
    };
    assert_eq!(config.lease_duration(), Duration::from_secs(5));
    // Another instance, with no SMPP listener of its own: no session is ever bound there.
    let sessions = Arc::new(webhooks_console::smpp::Sessions::new());
    Dispatcher::new(
        store,
        Arc::new(client),
        secrets,
        authorizers,
        sessions,
        config,
    )
}

#[tokio::test]
async fn a_slow_attempt_keeps_its_lease_past_its_first_length() {
    let answer = Duration::from_secs(3);
    let answers = Answers::default().posts_after("/slow", &[200], "", answer);
    let h = Harness::start(answers, &["--request-timeout", "10s"]).await;
    let svc = h.service("Billing").await;
    h.webhook("Slow", &svc, "/slow", json!({})).await;
    h.ingest(crate::dispatcher::receipt(&svc, json!({}))).await;

    let other = other_instance(&h);
    other.spawn();
    until(Duration::from_secs(5), "the POST", || async {
        h.posts().len() == 1
    })
    .await;
    let sent_at = now_millis();
    let id = h.deliveries("").await[0]["id"].as_str().unwrap().to_owned();
    // Past the first renewal (every third of 5 s), the attempt still running: by a clock past
    // the lease's first end, this instance finds nothing due.
    tokio::time::sleep(Duration::from_millis(2_200)).await;
    let later = sent_at + 5_000 + 200;
    assert_eq!(
        h.api.app.dispatcher.run_once_at(later).await.unwrap(),
        0,
        "the running attempt's lease was renewed, so it was not taken over"
    );

    until(
        Duration::from_secs(10),
        "the slow attempt's record",
        || async { h.delivery(&id).await["status"] == "delivered" },
    )
    .await;
    other.shutdown();
    let d = h.delivery(&id).await;
    assert_eq!(d["attempts"].as_array().unwrap().len(), 1, "{d}");
    assert_eq!(d["attempts"][0]["status_code"], 200);
    assert!(
        d["attempts"][0]["duration_ms"].as_i64().unwrap() >= 3_000,
        "{d}"
    );
    assert_eq!(h.posts().len(), 1, "sent once");
}

#[tokio::test]
async fn a_resend_during_a_live_attempt_runs_after_it_and_both_results_are_kept() {
    let answer = Duration::from_millis(1_500);
    let answers = Answers::default().posts_after("/slow", &[200], "ok", answer);
    let h = Harness::start(answers, &["--request-timeout", "5s"]).await;
    let svc = h.service("Billing").await;
    h.webhook("Slow", &svc, "/slow", json!({})).await;
    h.ingest(crate::dispatcher::receipt(&svc, json!({}))).await;
    let id = h.deliveries("").await[0]["id"].as_str().unwrap().to_owned();

    let dispatcher = h.api.app.dispatcher.clone();
    let scheduled = tokio::spawn(async move { dispatcher.run_once().await });
    until(Duration::from_secs(5), "the scheduled POST", || async {
        h.posts().len() == 1
    })
    .await;
    let res = h
        .api
        .post(&format!("/api/v1/deliveries/{id}/resend"), json!({}))
        .await;
    assert_eq!(res.status, 202, "{}", res.text);
    assert_eq!(
        scheduled.await.unwrap().unwrap(),
        1,
        "the scheduled attempt was recorded"
    );

    let attempts = res.body["attempts"].as_array().unwrap();
    assert_eq!(attempts.len(), 2, "both results kept: {}", res.text);
    assert_eq!(attempts[0]["trigger"], "scheduled");
    assert_eq!(attempts[0]["status_code"], 200);
    assert_eq!(attempts[1]["trigger"], "manual");
    assert_eq!(attempts[1]["status_code"], 200);
    assert_eq!(res.body["status"], "delivered");
    let posts = h.posts();
    assert_eq!(posts.len(), 2);
    assert!(
        posts[1].at - posts[0].at >= answer,
        "the resend was sent beside the live attempt ({:?} apart)",
        posts[1].at - posts[0].at
    );
}

#[tokio::test]
async fn a_resend_is_refused_with_409_when_the_live_attempt_never_ends() {
    // 1 s timeouts: a 7 s lease, and a resend waits three of them (21 s).
    let answers = Answers::default().posts("/a", &[200], "ok");
    let h = Harness::start(answers, &["--request-timeout", "1s"]).await;
    let svc = h.service("Billing").await;
    h.webhook("A", &svc, "/a", json!({})).await;
    h.ingest(crate::dispatcher::receipt(&svc, json!({}))).await;
    let id = h.deliveries("").await[0]["id"].as_str().unwrap().to_owned();
    // Another instance holds it and keeps renewing its lease (an attempt that never ends).
    let now = now_millis();
    let held = Lease {
        token: 777,
        until: now + 3_600_000,
    };
    let what = ClaimWhat::Delivery {
        id: id.parse().unwrap(),
        now,
    };
    let claimed = h.api.app.store.claim(what, held).await.unwrap();
    assert!(matches!(claimed, ResendClaim::Claimed(_)));

    let started = Instant::now();
    let res = h
        .api
        .post(&format!("/api/v1/deliveries/{id}/resend"), json!({}))
        .await;
    res.refused(409, None);
    assert!(
        started.elapsed() >= Duration::from_secs(20),
        "it waited for the live attempt first"
    );
    assert!(h.posts().is_empty(), "never sent beside the live attempt");
    let d = h.delivery(&id).await;
    assert_eq!(d["status"], "pending");
    assert!(d["attempts"].as_array().unwrap().is_empty(), "{d}");
}
