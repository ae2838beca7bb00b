//! The worker of bulk resend jobs (SPEC §7): each running job is worked through in steps of
//! [`STEP`] deliveries, newest first; a step queues its deliveries for a manual attempt and moves
//! the job's cursor in one transaction (`MonitorStore::bulk_step`), then wakes the dispatcher.
//!
//! Guarantees: a job survives a restart (its state and cursor are stored; the loop picks running
//! jobs up at start); a cancelled job stops before its next step; a delivery already pending is
//! never queued again (the step checks each row's status in its transaction).

use std::{sync::Arc, time::Duration};

use app::domain::deliveries::DeliveryQuery;
use tokio::sync::{watch, Notify};

use crate::{
    dispatcher::Dispatcher,
    store::{now_millis, DeliveryFilter, LockKey, Store, StoreError},
};

/// Deliveries queued per step (one short transaction each).
pub const STEP: i64 = 200;
/// How long the loop waits between steps, so a large job leaves the database to the dispatcher.
const PAUSE: Duration = Duration::from_millis(20);
/// How long an idle loop sleeps when not woken (another instance may have started a job).
const IDLE: Duration = Duration::from_secs(5);

struct Inner {
    store: Arc<dyn Store>,
    dispatcher: Dispatcher,
    wake: Notify,
    stop: watch::Sender<bool>,
}

/// The bulk resend worker (cheap to clone).
#[derive(Clone)]
pub struct BulkResender {
    inner: Arc<Inner>,
}

/// The store's filter of a job's query, one step long.
pub fn step_filter(query: &DeliveryQuery) -> DeliveryFilter {
    DeliveryFilter {
        webhook_id: query.webhook_id,
        status: query.status,
        channel: query.channel.clone(),
        code: query.code.clone(),
        from: query.from,
        to: query.to,
        before: None,
        limit: STEP,
    }
}

impl BulkResender {
    pub fn new(store: Arc<dyn Store>, dispatcher: Dispatcher) -> Self {
        let (stop, _) = watch::channel(false);
        BulkResender {
            inner: Arc::new(Inner {
                store,
                dispatcher,
                wake: Notify::new(),
                stop,
            }),
        }
    }

    /// A job was started: work on it now.
    pub fn wake(&self) {
        self.inner.wake.notify_one();
    }

    /// One step of every running job; returns how many steps were made (none while another
    /// instance on the same database is stepping them: one at a time, SPEC §9).
    pub async fn step_all(&self) -> Result<usize, StoreError> {
        let Some(lock) = self.inner.store.try_lock(LockKey::BULK_RESEND).await? else {
            return Ok(0);
        };
        let steps = self.step_each().await;
        lock.release().await;
        steps
    }

    async fn step_each(&self) -> Result<usize, StoreError> {
        let mut steps = 0;
        for job in self.inner.store.running_bulk_jobs().await? {
            let Ok(query) = serde_json::from_str::<DeliveryQuery>(&job.filters) else {
                tracing::error!(job = job.id, "a bulk resend job's filters cannot be read");
                self.inner.store.cancel_bulk_job(job.id).await?;
                continue;
            };
            let filter = step_filter(&query);
            self.inner
                .store
                .bulk_step(job.id, &filter, now_millis())
                .await?;
            steps += 1;
        }
        if steps > 0 {
            self.inner.dispatcher.wake();
        }
        Ok(steps)
    }

    /// Works every running job to its end (tests and tools).
    pub async fn run_once(&self) -> Result<usize, StoreError> {
        let mut total = 0;
        loop {
            let steps = self.step_all().await?;
            if steps == 0 {
                return Ok(total);
            }
            total += steps;
        }
    }

    /// The loop `serve` runs until [`Self::shutdown`].
    pub fn spawn(&self) -> tokio::task::JoinHandle<()> {
        let this = self.clone();
        tokio::spawn(async move {
            let mut stop = this.inner.stop.subscribe();
            while !*stop.borrow() {
                let wait = match this.step_all().await {
                    Ok(0) => IDLE,
                    Ok(_) => PAUSE,
                    Err(e) => {
                        tracing::error!(error = ?e, "a bulk resend step failed; retrying");
                        IDLE
                    }
                };
                tokio::select! {
                    () = this.inner.wake.notified() => {},
                    () = tokio::time::sleep(wait) => {},
                    _ = stop.changed() => {},
                }
            }
        })
    }

    pub fn shutdown(&self) {
        let _ = self.inner.stop.send(true);
    }
}
