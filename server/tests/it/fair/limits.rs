//! A webhook's own delivery settings (CONTRACT §4): `max_in_flight` bounds its requests at once,
//! counted over every instance's live leases; `rate_per_second` bounds how many a claim takes
//! per second of the (injected) clock, with at most one second's burst after a quiet spell.

use std::time::Duration;

use serde_json::json;
use webhooks_console::store::{now_millis, ClaimWhat, Lease, ResendClaim};

use super::{count, ingest_n};
use crate::dispatcher::Harness;
use crate::receiver::Answers;

const SLOW_ANSWER: Duration = Duration::from_millis(500);

#[tokio::test]
async fn a_webhook_capped_at_max_in_flight_never_has_more_requests_at_once() {
    let answers = Answers::default().posts_after("/a", &[200], "", SLOW_ANSWER);
    let h = Harness::start(answers, &["--max-in-flight", "8"]).await;
    let svc = h.service("A").await;
    let a = h
        .webhook("A", &svc, "/a", json!({"delivery": {"max_in_flight": 3}}))
        .await;
    ingest_n(&h, &svc, 12).await;

    assert_eq!(h.run_once().await, 12);
    assert_eq!(h.receiver.peak("/a"), 3, "alone, yet capped at 3");
    assert_eq!(
        count(&h, &a, "delivered").await,
        12,
        "capped, never dropped"
    );
}

#[tokio::test]
async fn max_in_flight_counts_what_another_instance_holds() {
    let answers = Answers::default().posts_after("/a", &[200], "", SLOW_ANSWER);
    let h = Harness::start(answers, &["--max-in-flight", "8"]).await;
    let svc = h.service("A").await;
    let a = h
        .webhook("A", &svc, "/a", json!({"delivery": {"max_in_flight": 3}}))
        .await;
    ingest_n(&h, &svc, 6).await;
    // Another instance on the same database is sending two of them (live leases).
    let store = h.api.app.store.clone();
    let held: Vec<i64> = h.deliveries("").await[..2]
        .iter()
        .map(|d| d["id"].as_str().unwrap().parse().unwrap())
        .collect();
    let now = now_millis();
    for (i, id) in held.iter().enumerate() {
        let lease = Lease {
            token: 4242 + i as i64,
            until: now + 60_000,
        };
        let what = ClaimWhat::Delivery { id: *id, now };
        let claimed = store.claim(what, lease).await.unwrap();
        assert!(matches!(claimed, ResendClaim::Claimed(_)));
    }

    assert_eq!(
        h.run_once().await,
        4,
        "the other instance's two are its own"
    );
    assert_eq!(h.receiver.peak("/a"), 1, "3 allowed, 2 held elsewhere");
    assert_eq!(count(&h, &a, "delivered").await, 4);
}

#[tokio::test]
async fn a_rate_limited_webhook_gets_its_rate_per_second_of_the_clock() {
    let answers = Answers::default().posts("/a", &[200], "");
    let h = Harness::start(answers, &[]).await;
    let svc = h.service("A").await;
    let a = h
        .webhook(
            "A",
            &svc,
            "/a",
            json!({"delivery": {"rate_per_second": 2.0}}),
        )
        .await;
    ingest_n(&h, &svc, 10).await;
    let dispatcher = &h.api.app.dispatcher;
    let t = now_millis();

    assert_eq!(
        dispatcher.run_once_at(t).await.unwrap(),
        2,
        "one second's worth"
    );
    assert_eq!(
        dispatcher.run_once_at(t).await.unwrap(),
        0,
        "no token left now"
    );
    assert_eq!(
        dispatcher.run_once_at(t + 500).await.unwrap(),
        1,
        "half a second: one"
    );
    assert_eq!(dispatcher.run_once_at(t + 1_500).await.unwrap(), 2);
    assert_eq!(
        dispatcher.run_once_at(t + 60_000).await.unwrap(),
        2,
        "a quiet minute still allows only one second's burst"
    );
    assert_eq!(h.posts().len(), 7);
    assert_eq!(count(&h, &a, "delivered").await, 7);
    assert_eq!(
        count(&h, &a, "pending").await,
        3,
        "the rest wait for tokens"
    );
}

#[tokio::test]
async fn delivery_settings_round_trip_through_the_api_and_bad_values_are_refused_on_their_field() {
    let h = Harness::start(Answers::default().posts("/a", &[200], ""), &[]).await;
    let svc = h.service("A").await;
    let id = h
        .webhook(
            "A",
            &svc,
            "/a",
            json!({"delivery": {"max_in_flight": 4, "rate_per_second": 2.5}}),
        )
        .await;
    let got = h.api.get(&format!("/api/v1/integrations/{id}")).await;
    assert_eq!(
        got.body["delivery"],
        json!({"max_in_flight": 4, "rate_per_second": 2.5}),
        "{}",
        got.text
    );

    let body = |delivery: serde_json::Value| {
        json!({"name": "A", "entity": {"kind": "service", "id": svc}, "url": h.receiver.url("/a"),
               "notifications": [{"channel": "SMS", "event": "Delivered"}], "delivery": delivery})
    };
    let path = format!("/api/v1/integrations/{id}");
    let cleared = h
        .api
        .put(
            &path,
            body(json!({"max_in_flight": null, "rate_per_second": null})),
        )
        .await;
    assert_eq!(cleared.status, 200, "{}", cleared.text);
    assert_eq!(
        cleared.body["delivery"],
        json!({"max_in_flight": null, "rate_per_second": null}),
        "null: the fair share"
    );
    for (bad, field) in [
        (json!({"max_in_flight": 0}), "delivery/max_in_flight"),
        (json!({"max_in_flight": 10_001}), "delivery/max_in_flight"),
        (json!({"rate_per_second": 0}), "delivery/rate_per_second"),
        (json!({"rate_per_second": -2.5}), "delivery/rate_per_second"),
    ] {
        h.api
            .put(&path, body(bad.clone()))
            .await
            .refused(422, Some(field));
    }
    let kept = h.api.get(&path).await;
    assert_eq!(
        kept.body["delivery"]["max_in_flight"],
        json!(null),
        "nothing refused was saved"
    );
}
