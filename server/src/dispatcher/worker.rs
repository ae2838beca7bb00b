//! The background workers: a claimer that keeps up to `concurrency` requests in flight, and a
//! recorder that writes finished attempts in batches.
//!
//! Guarantees: a claim takes only as many deliveries as there are free send slots, chosen fairly
//! (`fairness`), so a claimed delivery starts at once; its lease is renewed while it runs; a
//! delivery waiting for an OAuth 2.0 token holds no send slot meanwhile; results are committed in batches
//! (never one commit per delivery; a batch waits a moment to fill); a failed write is logged and
//! its deliveries come back when their lease expires (a duplicate at worst, never a loss).

use std::{sync::Arc, time::Duration};

use tokio::sync::{mpsc, Semaphore};

use super::{queue, Dispatcher, Inner};
use crate::store::{now_millis, AttemptResult, Transport, Trigger};

/// How long an idle worker waits before looking again, even without a wake-up (another process
/// on the same database, a clock jump).
const IDLE_POLL: Duration = Duration::from_secs(5);
/// Most results one record transaction takes.
const RECORD_BATCH: usize = 1024;
/// A record transaction waits up to [`RECORD_GATHER`] for this many results before it commits.
const RECORD_ENOUGH: usize = 64;
/// Why wait at all: under load results arrive one by one, and committing each trickle costs a
/// transaction (round trips to the connection thread, a WAL commit, a cold page cache) per few
/// deliveries. The wait only delays the bookkeeping: send slots are freed before it, and a
/// lease lasts far longer.
const RECORD_GATHER: Duration = Duration::from_millis(2);

/// How long a claim waits for a quarter of the slots before it takes what is free.
const GATHER: std::time::Duration = std::time::Duration::from_millis(5);

pub(super) async fn run(inner: Arc<Inner>) {
    let dispatcher = Dispatcher {
        inner: inner.clone(),
    };
    let slots = Arc::new(Semaphore::new(inner.config.concurrency.max(1)));
    let (done, results) = mpsc::unbounded_channel();
    let recorder = tokio::spawn(record_loop(inner.clone(), results));
    let keeper = tokio::spawn(keep_leases(inner.clone()));
    let mut stop = inner.stop.subscribe();
    // Why gather a quarter of the slots: claiming one delivery per freed slot would turn the
    // queue into one transaction per delivery. Why only for a moment: while slow requests hold
    // the rest, the few free slots are what a quick webhook needs (fairness's reserve), and
    // they must not wait for a quarter to free — a hanging request holds its slot for the
    // whole timeout.
    let low_water = (inner.config.concurrency / 4).max(1) as u32;
    while !*stop.borrow() {
        let free = match tokio::time::timeout(GATHER, slots.acquire_many(low_water)).await {
            Ok(Ok(_gathered)) => slots.available_permits() + low_water as usize,
            Ok(Err(_closed)) => break,
            Err(_waited) => {
                let Ok(_one) = slots.acquire().await else {
                    break;
                };
                slots.available_permits() + 1
            }
        };
        let now = now_millis();
        let lease = dispatcher.lease_from(now);
        let claimed = inner
            .claimer
            .claim(
                inner.store.as_ref(),
                now,
                free.min(inner.config.batch_size),
                lease,
                inner.sessions.route(),
            )
            .await;
        let (batch, seen) = match claimed {
            Ok(claimed) => claimed,
            Err(e) => {
                tracing::error!(error = ?e, "claiming deliveries failed");
                idle(&inner, &mut stop, Some(now + 1_000)).await;
                continue;
            }
        };
        if batch.deliveries.is_empty() {
            let next = if seen > 0 {
                // Due work was passed over (webhooks at their share or out of rate tokens): look
                // again when a slot frees or a token comes.
                let token = inner.claimer.next_token_at(now).unwrap_or(now + 1_000);
                tokio::select! {
                    () = inner.freed.notified() => continue,
                    () = idle(&inner, &mut stop, Some(token)) => continue,
                }
            } else {
                inner.store.next_due().await.ok().flatten()
            };
            idle(&inner, &mut stop, next).await;
            continue;
        }
        let targets = queue::prepare(&inner, &batch).await;
        for d in batch.deliveries {
            let Ok(slot) = slots.clone().acquire_owned().await else {
                break;
            };
            let (inner, done, target) =
                (inner.clone(), done.clone(), targets[&d.webhook_id].clone());
            let esme_bind_id = batch
                .webhooks
                .get(&d.webhook_id)
                .and_then(|w| w.esme_bind_id);
            let slots = slots.clone();
            tokio::spawn(async move {
                let mut slot = Some(slot);
                // A delivery whose authorization waits for a token gives its slot back while
                // it waits (one token request serves every waiter), and takes one again after.
                // An SMPP delivery applies no authorization: it never waits for one.
                let prepared = if d.transport == Transport::Http && target_waits(&target) {
                    drop(slot.take());
                    let prepared = queue::await_authorization(&inner, &target).await;
                    slot = slots.acquire_owned().await.ok();
                    prepared
                } else {
                    None
                };
                let (webhook_id, token) = (d.webhook_id, lease.token);
                let route = queue::Route {
                    target: &target,
                    esme_bind_id,
                };
                let result = queue::work(
                    &inner,
                    token,
                    d,
                    route,
                    prepared,
                    Trigger::Scheduled,
                    now_millis(),
                )
                .await;
                let request_ms = result.attempt.as_ref().map(|a| a.duration_ms);
                let _ = done.send(result);
                inner.claimer.finished(webhook_id, token, request_ms);
                drop(slot);
                inner.freed.notify_one();
            });
        }
    }
    // Let the requests in flight finish and be recorded.
    let _ = slots
        .acquire_many(inner.config.concurrency.max(1) as u32)
        .await;
    drop(done);
    let _ = recorder.await;
    keeper.abort();
}

fn target_waits(target: &queue::Target) -> bool {
    matches!(target, queue::Target::Ready { authorizer, .. } if !authorizer.ready())
}

/// Renews, every third of a lease, the leases whose deliveries are still in flight, so a slow
/// attempt never loses its lease (which would send it twice and drop its record).
async fn keep_leases(inner: Arc<Inner>) {
    let length = inner.config.lease_duration();
    let mut every = tokio::time::interval(length / 3);
    every.tick().await;
    loop {
        every.tick().await;
        let live = inner.claimer.live_leases();
        if live.is_empty() {
            continue;
        }
        let until = now_millis() + length.as_millis() as i64;
        if let Err(e) = inner.store.renew_leases(&live, until).await {
            tracing::error!(error = ?e, "renewing the leases of running attempts failed");
        }
    }
}

/// Waits for a wake-up, the next due time (capped at [`IDLE_POLL`]) or the stop signal.
async fn idle(inner: &Inner, stop: &mut tokio::sync::watch::Receiver<bool>, next: Option<i64>) {
    let now = now_millis();
    let wait = next
        .map(|at| Duration::from_millis(at.saturating_sub(now).max(0) as u64))
        .unwrap_or(IDLE_POLL)
        .min(IDLE_POLL);
    if wait.is_zero() {
        return;
    }
    tokio::select! {
        () = inner.wake.notified() => {},
        // An ESME bound: the SMPP deliveries that waited for it were made due.
        () = inner.sessions.bound() => {},
        () = tokio::time::sleep(wait) => {},
        _ = stop.changed() => {},
    }
}

async fn record_loop(inner: Arc<Inner>, mut results: mpsc::UnboundedReceiver<AttemptResult>) {
    let mut buffer = Vec::with_capacity(RECORD_BATCH);
    while let Some(first) = results.recv().await {
        buffer.push(first);
        gather(&mut results, &mut buffer).await;
        let retries = buffer
            .iter()
            .any(|r| matches!(r.next, crate::store::NextState::Retry(_)));
        match inner.store.record(&buffer).await {
            Ok(_) => super::metrics::count(&buffer),
            Err(e) => tracing::error!(error = ?e, count = buffer.len(), "recording attempts \
                failed; their deliveries will be retried when their lease expires"),
        }
        buffer.clear();
        if retries {
            // A retry may be due sooner than the claimer's planned wake-up.
            inner.wake.notify_one();
        }
    }
}

/// Adds to `buffer` whatever else has finished, waiting up to [`RECORD_GATHER`] while fewer
/// than [`RECORD_ENOUGH`] are there: the batch grows with the load.
async fn gather(
    results: &mut mpsc::UnboundedReceiver<AttemptResult>,
    buffer: &mut Vec<AttemptResult>,
) {
    let deadline = tokio::time::Instant::now() + RECORD_GATHER;
    while buffer.len() < RECORD_BATCH {
        match results.try_recv() {
            Ok(r) => buffer.push(r),
            Err(mpsc::error::TryRecvError::Disconnected) => return,
            Err(mpsc::error::TryRecvError::Empty) if buffer.len() >= RECORD_ENOUGH => return,
            Err(mpsc::error::TryRecvError::Empty) => {
                match tokio::time::timeout_at(deadline, results.recv()).await {
                    Ok(Some(r)) => buffer.push(r),
                    Ok(None) | Err(_) => return,
                }
            }
        }
    }
}
