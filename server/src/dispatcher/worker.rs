//! The background workers: a claimer that keeps up to `concurrency` requests in flight, and a
//! recorder that writes finished attempts in batches.
//!
//! Guarantees: a claim takes only as many deliveries as there are free send slots, so a claimed
//! delivery starts at once and its lease covers its request; results are committed in batches
//! (never one commit per delivery; a batch waits a moment to fill); a failed write is logged and
//! its deliveries come back when their lease expires (a duplicate at worst, never a loss).

use std::{sync::Arc, time::Duration};

use tokio::sync::{mpsc, Semaphore};

use super::{queue, Dispatcher, Inner};
use crate::store::{now_millis, AttemptResult, ClaimWhat, Trigger};

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

pub(super) async fn run(inner: Arc<Inner>) {
    let dispatcher = Dispatcher {
        inner: inner.clone(),
    };
    let slots = Arc::new(Semaphore::new(inner.config.concurrency.max(1)));
    let (done, results) = mpsc::unbounded_channel();
    let recorder = tokio::spawn(record_loop(inner.clone(), results));
    let mut stop = inner.stop.subscribe();
    // Why wait for a quarter of the slots: claiming one delivery per freed slot would turn the
    // queue into one transaction per delivery.
    let low_water = (inner.config.concurrency / 4).max(1) as u32;
    while !*stop.borrow() {
        let free = {
            let Ok(_some) = slots.acquire_many(low_water).await else {
                break;
            };
            slots.available_permits() + low_water as usize
        };
        let now = now_millis();
        let what = ClaimWhat::Due {
            now,
            limit: free.min(inner.config.batch_size),
        };
        let batch = match inner.store.claim(what, dispatcher.lease_from(now)).await {
            Ok(batch) => batch,
            Err(e) => {
                tracing::error!(error = ?e, "claiming deliveries failed");
                idle(&inner, &mut stop, Some(now + 1_000)).await;
                continue;
            }
        };
        let Some(lease) = batch.lease.filter(|_| !batch.deliveries.is_empty()) else {
            let next = inner.store.next_due().await.ok().flatten();
            idle(&inner, &mut stop, next).await;
            continue;
        };
        let targets = queue::prepare(&inner, &batch).await;
        for d in batch.deliveries {
            let Ok(slot) = slots.clone().acquire_owned().await else {
                break;
            };
            let (inner, done, target) =
                (inner.clone(), done.clone(), targets[&d.webhook_id].clone());
            tokio::spawn(async move {
                let result = queue::work(
                    &inner,
                    lease.token,
                    d,
                    &target,
                    Trigger::Scheduled,
                    now_millis(),
                )
                .await;
                let _ = done.send(result);
                drop(slot);
            });
        }
    }
    // Let the requests in flight finish and be recorded.
    let _ = slots
        .acquire_many(inner.config.concurrency.max(1) as u32)
        .await;
    drop(done);
    let _ = recorder.await;
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
