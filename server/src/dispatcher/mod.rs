//! The embedded dispatcher: a durable queue in the database, drained by a bounded pool of
//! concurrent sends (SPEC §4).
//!
//! Phases (one file each): the deliveries service stores events with their deliveries in one
//! transaction and wakes the dispatcher; `queue` claims due deliveries with a lease, prepares each
//! webhook once per batch and works on each delivery with no transaction open (`send`, `signing`);
//! `outcome` and `retry` decide what comes next; the results are recorded in batches, fenced on
//! the lease.
//!
//! Guarantees: at-least-once. A delivery is written with its event; a claimed delivery whose
//! worker dies is due again when its lease expires; a result is recorded only by the lease holder,
//! so the worst case is a duplicate request, never a lost delivery. Tests drive
//! [`Dispatcher::run_once`] and never sleep.

pub mod metrics;
pub mod outcome;
mod queue;
pub mod retry;
pub mod send;
pub mod signing;
mod worker;

use std::{sync::Arc, time::Duration};

use futures::StreamExt as _;
use rand::Rng as _;
use tokio::sync::{watch, Notify};

pub use retry::RetrySchedule;

use crate::outbound::{AuthorizerSource, OutboundClient};
use crate::secrets::SecretBox;
use crate::store::{
    now_millis, AttemptResult, ClaimWhat, ClaimedBatch, Lease, Millis, Store, StoreError, Trigger,
};

/// How the dispatcher works.
#[derive(Debug, Clone)]
pub struct DispatcherConfig {
    pub schedule: RetrySchedule,
    /// The per-attempt timeout of the outbound client (sizes the lease).
    pub request_timeout: Duration,
    /// Deliveries claimed per batch.
    pub batch_size: usize,
    /// Requests in flight at most.
    pub concurrency: usize,
}

impl DispatcherConfig {
    pub fn new(schedule: RetrySchedule, request_timeout: Duration) -> Self {
        DispatcherConfig {
            schedule,
            request_timeout,
            batch_size: 256,
            concurrency: 128,
        }
    }

    /// How long a claim holds its deliveries. Why three timeouts: one attempt may make up to
    /// three exchanges (an OAuth token fetch, the request, its retry after a 401); the margin
    /// covers recording. Too short would only cause a duplicate, never a loss.
    fn lease_duration(&self) -> Duration {
        self.request_timeout * 3 + Duration::from_secs(5)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DispatchError {
    #[error("the delivery queue cannot be read or written")]
    Store(#[from] StoreError),
}

pub(crate) struct Inner {
    pub(crate) store: Arc<dyn Store>,
    pub(crate) client: Arc<OutboundClient>,
    pub(crate) secrets: Arc<SecretBox>,
    pub(crate) authorizers: Arc<dyn AuthorizerSource>,
    pub(crate) config: DispatcherConfig,
    wake: Notify,
    stop: watch::Sender<bool>,
}

/// The dispatcher handle (cheap to clone).
#[derive(Clone)]
pub struct Dispatcher {
    inner: Arc<Inner>,
}

impl Dispatcher {
    pub fn new(
        store: Arc<dyn Store>,
        client: Arc<OutboundClient>,
        secrets: Arc<SecretBox>,
        authorizers: Arc<dyn AuthorizerSource>,
        config: DispatcherConfig,
    ) -> Self {
        let (stop, _) = watch::channel(false);
        Dispatcher {
            inner: Arc::new(Inner {
                store,
                client,
                secrets,
                authorizers,
                config,
                wake: Notify::new(),
                stop,
            }),
        }
    }

    pub fn store(&self) -> &Arc<dyn Store> {
        &self.inner.store
    }

    pub fn config(&self) -> &DispatcherConfig {
        &self.inner.config
    }

    /// Tells the workers that deliveries are due now (after an ingest).
    pub fn wake(&self) {
        self.inner.wake.notify_one();
    }

    /// Starts the background workers; they run until [`Dispatcher::shutdown`].
    pub fn spawn(&self) -> tokio::task::JoinHandle<()> {
        tokio::spawn(worker::run(self.inner.clone()))
    }

    /// Asks the background workers to stop after the requests in flight.
    pub fn shutdown(&self) {
        let _ = self.inner.stop.send(true);
        self.inner.wake.notify_one();
    }

    /// Makes every attempt due now, batch after batch, until none is due; returns how many
    /// attempts (and endings) were recorded. For tests and tools: no background task needed.
    pub async fn run_once(&self) -> Result<usize, DispatchError> {
        self.run_once_at(now_millis()).await
    }

    /// [`Self::run_once`] as if the clock read `now` (tests step through a retry schedule with
    /// it instead of sleeping).
    pub async fn run_once_at(&self, now: Millis) -> Result<usize, DispatchError> {
        let mut total = 0;
        loop {
            let what = ClaimWhat::Due {
                now,
                limit: self.inner.config.batch_size,
            };
            let batch = self.inner.store.claim(what, self.lease_from(now)).await?;
            if batch.deliveries.is_empty() {
                return Ok(total);
            }
            let results = self.work_batch(batch, Trigger::Scheduled, now).await;
            total += self.inner.store.record(&results).await?;
            metrics::count(&results);
        }
    }

    /// One manual attempt of this delivery now, whatever its state (resend). `false` when no
    /// such delivery exists.
    pub async fn attempt_now(&self, delivery_id: i64) -> Result<bool, DispatchError> {
        let now = now_millis();
        let what = ClaimWhat::Delivery(delivery_id);
        let batch = self.inner.store.claim(what, self.lease_from(now)).await?;
        if batch.deliveries.is_empty() {
            return Ok(false);
        }
        let results = self.work_batch(batch, Trigger::Manual, now).await;
        self.inner.store.record(&results).await?;
        metrics::count(&results);
        Ok(true)
    }

    /// The first attempt of deliveries created already leased with `lease` (see
    /// [`crate::store::IngestOptions::lease`]), made at once.
    pub async fn attempt_leased(&self, lease: Lease) -> Result<(), DispatchError> {
        let batch = self.inner.store.claim(ClaimWhat::Leased, lease).await?;
        let results = self
            .work_batch(batch, Trigger::Scheduled, now_millis())
            .await;
        self.inner.store.record(&results).await?;
        metrics::count(&results);
        Ok(())
    }

    /// A fresh lease starting at `now`.
    pub fn lease_from(&self, now: Millis) -> Lease {
        let length = self.inner.config.lease_duration().as_millis() as Millis;
        Lease {
            token: rand::thread_rng().gen_range(1..i64::MAX),
            until: now + length,
        }
    }

    /// Sends a whole claimed batch, at most `concurrency` at a time.
    async fn work_batch(
        &self,
        batch: ClaimedBatch,
        trigger: Trigger,
        now: Millis,
    ) -> Vec<AttemptResult> {
        let Some(lease) = batch.lease else {
            return Vec::new();
        };
        let targets = queue::prepare(&self.inner, &batch).await;
        let inner = &self.inner;
        futures::stream::iter(batch.deliveries)
            .map(|d| {
                let target = targets[&d.webhook_id].clone();
                async move { queue::work(inner, lease.token, d, &target, trigger, now).await }
            })
            .buffer_unordered(self.inner.config.concurrency.max(1))
            .collect()
            .await
    }
}
