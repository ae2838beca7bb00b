//! Fair delivery (SPEC §8, issue #11) end to end, against real HTTPS receivers on loopback: the
//! send slots shared among the webhooks with work (`shares`), a webhook's own `max_in_flight`
//! and `rate_per_second` (`limits`), one OAuth 2.0 token request for every waiter and the
//! cool-down after a failed one (`tokens`), leases renewed under a slow attempt and a resend
//! beside a live attempt (`leases`), and each webhook's health (`health`).
//!
//! The dispatcher is driven by `run_once_at` with an injected clock, as in
//! `dispatcher/retries.rs`; where the property is about time passing while requests are in
//! flight (a slow endpoint beside a fast one, a lease outliving its first length), the real
//! background worker runs and the receivers tell what they saw (arrival order, requests answered
//! at once at their peak).

mod health;
mod leases;
mod limits;
mod shares;
mod tokens;

use serde_json::{json, Value};

use crate::dispatcher::{receipt, Harness};

/// `n` SMS Delivered receipts for `service`, numbered from 0 (one ingest call).
pub fn receipts(service: &str, n: usize) -> Value {
    Value::Array((0..n).map(|i| receipt(service, json!({"n": i}))).collect())
}

/// Ingests `n` receipts for `service`, asserting they were accepted.
pub async fn ingest_n(h: &Harness, service: &str, n: usize) {
    let res = h.ingest(receipts(service, n)).await;
    assert_eq!(res.status, 202, "{}", res.text);
    assert_eq!(res.body["accepted"], n, "{}", res.text);
}

/// The deliveries of one webhook with this status.
pub async fn count(h: &Harness, webhook: &str, status: &str) -> usize {
    h.deliveries(&format!(
        "?integration_id={webhook}&status={status}&limit=1000"
    ))
    .await
    .len()
}
