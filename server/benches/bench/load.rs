//! Load, driven only through the server's HTTP API (CONTRACT §2): set-up (services and signed
//! webhooks), batched ingest through `POST /api/v1/events` (as fast as it goes, or paced at a
//! fixed offered rate, open loop), the ledger's counts, and the bare client that measures what
//! the receiver can take at all.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use bytes::Bytes;
use serde_json::{json, Value};

use crate::receiver::{unix_nanos, SECRET};

/// The API, with the server's key.
#[derive(Clone)]
pub struct Api {
    pub base: String,
    key: String,
    http: reqwest::Client,
}

impl Api {
    pub fn new(base: &str, key: &str) -> Api {
        let http = reqwest::Client::builder()
            .pool_max_idle_per_host(64)
            .timeout(Duration::from_secs(120))
            .build()
            .unwrap();
        Api {
            base: base.to_owned(),
            key: key.to_owned(),
            http,
        }
    }

    pub async fn post(&self, path: &str, body: Value) -> Value {
        let res = self
            .http
            .post(format!("{}{path}", self.base))
            .bearer_auth(&self.key)
            .json(&body)
            .send()
            .await
            .expect("the API answers");
        let status = res.status();
        let text = res.text().await.unwrap();
        assert!(status.is_success(), "POST {path}: {status}: {text}");
        serde_json::from_str(&text).unwrap()
    }

    pub async fn get(&self, path: &str) -> Value {
        let res = self
            .http
            .get(format!("{}{path}", self.base))
            .bearer_auth(&self.key)
            .send()
            .await
            .expect("the API answers");
        let status = res.status();
        let text = res.text().await.unwrap();
        assert!(status.is_success(), "GET {path}: {status}: {text}");
        serde_json::from_str(&text).unwrap()
    }

    /// A service and a webhook on it for SMS/Delivered, signed with [`SECRET`]; (service id,
    /// integration id). Creating it runs the test call against `url`.
    pub async fn signed_webhook(&self, name: &str, url: &str) -> (String, String) {
        let svc = self.post("/api/v1/services", json!({"name": name})).await;
        let hook = self
            .post(
                "/api/v1/integrations",
                json!({
                    "name": name,
                    "entity": {"kind": "service", "id": svc["id"]},
                    "url": url,
                    "notifications": [{"channel": "SMS", "event": "Delivered"}],
                    "hub_signature": {"secret": SECRET, "algorithm": "sha256"},
                }),
            )
            .await;
        (
            svc["id"].as_str().unwrap().to_owned(),
            hook["id"].as_str().unwrap().to_owned(),
        )
    }

    /// How many deliveries of an integration are in `status`, paging through the log.
    pub async fn count(&self, integration: &str, status: &str) -> usize {
        let mut n = 0;
        let mut before = String::new();
        loop {
            let page = self
                .get(&format!(
                    "/api/v1/deliveries?integration_id={integration}&status={status}&limit=1000{before}"
                ))
                .await;
            let rows = page.as_array().cloned().unwrap_or_default();
            n += rows.len();
            match rows.last() {
                Some(last) if rows.len() == 1000 => {
                    before = format!("&before={}", last["id"].as_str().unwrap())
                }
                _ => return n,
            }
        }
    }
}

/// A 1 KiB payload (1,024 bytes once serialised compactly).
pub fn payload() -> Value {
    json!({"pad": "x".repeat(1024 - 10)})
}

/// Batches of events for one service, ids `{prefix}-{i}`, serialised up front so the client's
/// own JSON work stays out of the timing.
pub fn batches(service: &str, prefix: &str, n: usize, batch: usize) -> Vec<Bytes> {
    let payload = payload();
    (0..n)
        .collect::<Vec<_>>()
        .chunks(batch)
        .map(|chunk| {
            let events: Vec<Value> = chunk
                .iter()
                .map(|i| {
                    json!({"channel": "SMS", "event": "Delivered", "service_id": service,
                           "event_id": format!("{prefix}-{i}"), "payload": payload})
                })
                .collect();
            Bytes::from(serde_json::to_vec(&events).unwrap())
        })
        .collect()
}

/// What an ingest answered in all.
#[derive(Debug, Default, Clone, Copy)]
pub struct Ingested {
    pub accepted: usize,
    pub deliveries: usize,
    pub elapsed: Duration,
}

async fn post_batch(api: &Api, body: Bytes) -> (usize, usize) {
    let res = api
        .http
        .post(format!("{}/api/v1/events", api.base))
        .bearer_auth(&api.key)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .expect("ingest answers");
    let status = res.status();
    let text = res.text().await.unwrap();
    assert_eq!(status.as_u16(), 202, "ingest: {text}");
    let v: Value = serde_json::from_str(&text).unwrap();
    (
        v["accepted"].as_u64().unwrap() as usize,
        v["deliveries"].as_u64().unwrap() as usize,
    )
}

/// Posts every batch, `parallel` requests at a time, as fast as the server takes them.
pub async fn ingest(api: &Api, bodies: Vec<Bytes>, parallel: usize) -> Ingested {
    let started = Instant::now();
    let queue = Arc::new(std::sync::Mutex::new(bodies.into_iter()));
    let mut tasks = Vec::new();
    for _ in 0..parallel {
        let api = api.clone();
        let queue = queue.clone();
        tasks.push(tokio::spawn(async move {
            let mut sum = (0, 0);
            loop {
                let next = queue.lock().unwrap().next();
                let Some(body) = next else { break };
                let (a, d) = post_batch(&api, body).await;
                sum.0 += a;
                sum.1 += d;
            }
            sum
        }));
    }
    let mut out = Ingested::default();
    for t in tasks {
        let (a, d) = t.await.unwrap();
        out.accepted += a;
        out.deliveries += d;
    }
    out.elapsed = started.elapsed();
    out
}

/// A paced ingest: `rate` events/s for `seconds`, event i scheduled at `start + i / rate`.
/// Every `window` the events scheduled in it go out as one batch, each batch its own task (open
/// loop: a slow answer never delays the next send). Returns the ingest totals and each event
/// id's *scheduled* send time (unix nanos), which latency is measured from.
pub async fn paced(
    api: &Api,
    service: &str,
    prefix: &str,
    rate: f64,
    seconds: f64,
    window: Duration,
) -> (Ingested, Vec<(String, u64)>) {
    let n = (rate * seconds) as usize;
    let payload = payload();
    let per_event_ns = 1e9 / rate;
    let windows = (seconds / window.as_secs_f64()).ceil() as usize;
    // Pre-build every batch: (send offset, body, [(id, scheduled offset ns)]).
    let mut plan = Vec::with_capacity(windows);
    let mut i = 0usize;
    for k in 1..=windows {
        let end_ns = (k as f64 * window.as_nanos() as f64).min(seconds * 1e9);
        let mut ids = Vec::new();
        let mut events = Vec::new();
        while i < n && (i as f64 * per_event_ns) <= end_ns {
            let id = format!("{prefix}-{i}");
            events.push(
                json!({"channel": "SMS", "event": "Delivered", "service_id": service,
                               "event_id": id, "payload": payload}),
            );
            ids.push((id, (i as f64 * per_event_ns) as u64));
            i += 1;
        }
        if !events.is_empty() {
            plan.push((
                Duration::from_nanos(end_ns as u64),
                Bytes::from(serde_json::to_vec(&events).unwrap()),
                ids,
            ));
        }
    }
    let start_instant = Instant::now() + Duration::from_millis(20);
    let start_unix = unix_nanos() + 20_000_000;
    let mut scheduled = Vec::with_capacity(n);
    let mut tasks = Vec::with_capacity(plan.len());
    let started = Instant::now();
    for (at, body, ids) in plan {
        tokio::time::sleep_until((start_instant + at).into()).await;
        let api = api.clone();
        tasks.push(tokio::spawn(async move { post_batch(&api, body).await }));
        scheduled.extend(ids.into_iter().map(|(id, off)| (id, start_unix + off)));
    }
    let mut out = Ingested::default();
    for t in tasks {
        let (a, d) = t.await.unwrap();
        out.accepted += a;
        out.deliveries += d;
    }
    out.elapsed = started.elapsed();
    (out, scheduled)
}

/// The bare ceiling: `n` signed-size POSTs to `url` from a keep-alive rustls/hyper client
/// (reqwest) with `concurrency` requests in flight. Returns (requests that got a 200, elapsed).
pub async fn bare(ca_pem: &[u8], url: &str, n: usize, concurrency: usize) -> (usize, Duration) {
    let client = reqwest::Client::builder()
        .use_rustls_tls()
        .add_root_certificate(reqwest::Certificate::from_pem(ca_pem).unwrap())
        .pool_max_idle_per_host(concurrency)
        .build()
        .unwrap();
    let body = Bytes::from(serde_json::to_vec(&payload()).unwrap());
    let next = Arc::new(AtomicUsize::new(0));
    let ok = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..concurrency {
        let (client, body, next, ok, url) = (
            client.clone(),
            body.clone(),
            next.clone(),
            ok.clone(),
            url.to_owned(),
        );
        tasks.push(tokio::spawn(async move {
            while next.fetch_add(1, Ordering::Relaxed) < n {
                let res = client
                    .post(&url)
                    .header("content-type", "application/json")
                    .body(body.clone())
                    .send()
                    .await;
                if let Ok(res) = res {
                    if res.status().is_success() && res.bytes().await.is_ok() {
                        ok.fetch_add(1, Ordering::Relaxed);
                    }
                }
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    (ok.load(Ordering::Relaxed), started.elapsed())
}
