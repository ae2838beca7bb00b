//! The send slots (`--max-in-flight`) shared among the webhooks with due deliveries: with k of
//! them none holds more than ⌈slots / k⌉, a lone one may use every slot, and a webhook whose
//! endpoint hangs holds only its share while a fast one is served. Every receiver path answers
//! after a delay, so the requests of one claim overlap there and its `peak` is what the
//! dispatcher had in flight to that webhook.

use std::time::{Duration, Instant};

use serde_json::json;

use super::{count, ingest_n};
use crate::dispatcher::Harness;
use crate::receiver::Answers;

/// Long enough that the requests of one claim are all being answered at once.
const SLOW_ANSWER: Duration = Duration::from_millis(500);

#[tokio::test]
async fn two_webhooks_with_work_get_half_of_the_slots_each() {
    let answers = Answers::default()
        .posts_after("/a", &[200], "", SLOW_ANSWER)
        .posts_after("/b", &[200], "", SLOW_ANSWER);
    let h = Harness::start(answers, &["--max-in-flight", "8"]).await;
    let (sa, sb) = (h.service("A").await, h.service("B").await);
    let a = h.webhook("A", &sa, "/a", json!({})).await;
    let b = h.webhook("B", &sb, "/b", json!({})).await;
    // A's deliveries are all older: oldest-first alone would give A every slot.
    ingest_n(&h, &sa, 16).await;
    ingest_n(&h, &sb, 16).await;

    assert_eq!(h.run_once().await, 32);
    assert_eq!(h.receiver.peak("/a"), 4, "A held ⌈8 / 2⌉ slots at most");
    assert_eq!(h.receiver.peak("/b"), 4, "B got its half beside A");
    assert_eq!(count(&h, &a, "delivered").await, 16);
    assert_eq!(count(&h, &b, "delivered").await, 16);
}

#[tokio::test]
async fn ten_webhooks_with_work_get_a_tenth_of_the_slots_each() {
    let mut answers = Answers::default();
    for i in 0..10 {
        answers = answers.posts_after(&format!("/w{i}"), &[200], "", SLOW_ANSWER);
    }
    let h = Harness::start(answers, &["--max-in-flight", "20"]).await;
    let mut hooks = Vec::new();
    for i in 0..10 {
        let svc = h.service(&format!("S{i}")).await;
        let hook = h
            .webhook(&format!("W{i}"), &svc, &format!("/w{i}"), json!({}))
            .await;
        hooks.push((svc, hook));
    }
    for (svc, _) in &hooks {
        ingest_n(&h, svc, 4).await;
    }

    assert_eq!(h.run_once().await, 40);
    for (i, (_, hook)) in hooks.iter().enumerate() {
        assert_eq!(h.receiver.peak(&format!("/w{i}")), 2, "W{i}: ⌈20 / 10⌉");
        assert_eq!(count(&h, hook, "delivered").await, 4, "W{i}");
    }
}

#[tokio::test]
async fn a_lone_webhook_uses_every_slot() {
    let answers = Answers::default().posts_after("/a", &[200], "", SLOW_ANSWER);
    let h = Harness::start(answers, &["--max-in-flight", "8"]).await;
    let svc = h.service("A").await;
    let a = h.webhook("A", &svc, "/a", json!({})).await;
    ingest_n(&h, &svc, 16).await;

    assert_eq!(h.run_once().await, 16);
    assert_eq!(
        h.receiver.peak("/a"),
        8,
        "no other webhook waits: all 8 slots"
    );
    assert_eq!(count(&h, &a, "delivered").await, 16);
}

#[tokio::test]
async fn a_hanging_webhook_holds_only_its_share_while_a_fast_one_is_served() {
    // The background worker, as in production: slots are taken again as they free up.
    let hang = Duration::from_secs(2);
    let answers = Answers::default()
        .posts_after("/slow", &[200], "", hang)
        .posts("/fast", &[200], "");
    let h = Harness::start(
        answers,
        &["--max-in-flight", "8", "--request-timeout", "5s"],
    )
    .await;
    let (ss, sf) = (h.service("Slow").await, h.service("Fast").await);
    h.webhook("Slow", &ss, "/slow", json!({})).await;
    let fast = h.webhook("Fast", &sf, "/fast", json!({})).await;
    ingest_n(&h, &ss, 24).await;
    ingest_n(&h, &sf, 8).await;

    let started = Instant::now();
    h.api.app.dispatcher.spawn();
    while count(&h, &fast, "delivered").await < 8 {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the fast webhook's deliveries never all arrived"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    h.api.app.dispatcher.shutdown();

    let posts = h.posts();
    let last_fast = posts
        .iter()
        .rposition(|p| p.path == "/fast")
        .expect("fast POSTs");
    let slow_before = posts[..last_fast]
        .iter()
        .filter(|p| p.path == "/slow")
        .count();
    assert!(
        slow_before <= 4,
        "the slow webhook took {slow_before} slots while the fast one waited"
    );
    let first = posts.first().expect("POSTs").at;
    assert!(
        posts[last_fast].at - first < hang,
        "the fast webhook waited for the slow one's answers: {:?}",
        posts[last_fast].at - first
    );
}

#[tokio::test]
async fn a_fast_webhook_queued_behind_another_ones_backlog_of_thousands_is_served_at_once() {
    // A partner's outage left 1,500 deliveries queued before the fast partner's 8: a claim that
    // read the oldest due rows overall would see only the backlog, and the fast webhook would
    // wait for it to drain (1,500 / 8 slots × 1 s ≈ 3 minutes).
    let slow = Duration::from_secs(1);
    let answers = Answers::default()
        .posts_after("/slow", &[200], "", slow)
        .posts("/fast", &[200], "");
    let h = Harness::start(answers, &["--max-in-flight", "8"]).await;
    let (ss, sf) = (h.service("Slow").await, h.service("Fast").await);
    h.webhook("Slow", &ss, "/slow", json!({})).await;
    let fast = h.webhook("Fast", &sf, "/fast", json!({})).await;
    ingest_n(&h, &ss, 1_500).await;
    ingest_n(&h, &sf, 8).await;

    let started = Instant::now();
    h.api.app.dispatcher.spawn();
    while count(&h, &fast, "delivered").await < 8 {
        assert!(
            started.elapsed() < Duration::from_secs(15),
            "the fast webhook's deliveries waited behind the backlog"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    h.api.app.dispatcher.shutdown();

    let posts = h.posts();
    let first = posts.first().expect("POSTs").at;
    let last_fast = posts
        .iter()
        .rev()
        .find(|p| p.path == "/fast")
        .expect("fast POSTs");
    assert!(
        last_fast.at - first < 2 * slow,
        "the fast webhook waited {:?} for the slow one's answers",
        last_fast.at - first
    );
    let slow_sent = posts.iter().filter(|p| p.path == "/slow").count();
    assert!(
        slow_sent <= 8,
        "the slow webhook kept to its share meanwhile: {slow_sent} sent"
    );
}

#[tokio::test]
async fn slow_webhooks_leave_a_reserve_of_slots_for_a_quick_one() {
    // Two partners whose requests take 1.5 s fill their shares of 16 slots; the last 2 stay
    // free, so a quick partner's delivery queued later goes at once instead of waiting for a
    // slow answer to free a slot.
    let slow = Duration::from_millis(1_500);
    let answers = Answers::default()
        .posts_after("/a", &[200], "", slow)
        .posts_after("/b", &[200], "", slow)
        .posts("/fast", &[200], "");
    let h = Harness::start(answers, &["--max-in-flight", "16"]).await;
    let (sa, sb, sf) = (
        h.service("A").await,
        h.service("B").await,
        h.service("Fast").await,
    );
    h.webhook("A", &sa, "/a", json!({})).await;
    h.webhook("B", &sb, "/b", json!({})).await;
    let fast = h.webhook("Fast", &sf, "/fast", json!({})).await;
    ingest_n(&h, &sa, 100).await;
    ingest_n(&h, &sb, 100).await;

    h.api.app.dispatcher.spawn();
    // Both slow partners are now answering their first claims (8 + 6 of the 16 slots).
    while h.receiver.peak("/a") + h.receiver.peak("/b") < 14 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    let queued = Instant::now();
    ingest_n(&h, &sf, 2).await;
    while count(&h, &fast, "delivered").await < 2 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let waited = queued.elapsed();
    h.api.app.dispatcher.shutdown();
    assert!(
        h.receiver.peak("/a") + h.receiver.peak("/b") <= 14,
        "the slow partners took the reserved slots"
    );
    assert!(
        waited < slow / 2,
        "the quick partner waited {waited:?}, as if for a slow answer"
    );
}

#[tokio::test]
async fn a_lone_slow_webhook_leaves_the_reserve_for_a_quick_one_that_comes_later() {
    // A partner's backlog is queued while nobody else has work; its requests take 1.5 s. A
    // request in flight cannot be taken back, so if the lone partner took every slot, a quick
    // partner's delivery queued a moment later would wait for one of those answers.
    let slow = Duration::from_millis(1_500);
    let answers = Answers::default()
        .posts_after("/a", &[200], "", slow)
        .posts("/fast", &[200], "");
    let h = Harness::start(answers, &["--max-in-flight", "16"]).await;
    let (sa, sf) = (h.service("A").await, h.service("Fast").await);
    h.webhook("A", &sa, "/a", json!({})).await;
    let fast = h.webhook("Fast", &sf, "/fast", json!({})).await;
    ingest_n(&h, &sa, 100).await;

    h.api.app.dispatcher.spawn();
    while h.receiver.peak("/a") < 14 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    let queued = Instant::now();
    ingest_n(&h, &sf, 2).await;
    while count(&h, &fast, "delivered").await < 2 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let waited = queued.elapsed();
    h.api.app.dispatcher.shutdown();
    assert_eq!(
        h.receiver.peak("/a"),
        14,
        "the last 2 of 16 slots stayed free"
    );
    assert!(
        waited < slow / 2,
        "the quick partner waited {waited:?}, as if for a slow answer"
    );
}
