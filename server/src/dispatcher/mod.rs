//! The embedded dispatcher: a durable queue in the database, drained by a bounded pool of
//! concurrent sends (SPEC §4).
//!
//! Phases (one file each): the deliveries service stores events with their deliveries in one
//! transaction and wakes the dispatcher; `claimer` leases due deliveries fairly (`fairness`: the
//! send slots shared among the webhooks with work); `queue` prepares each webhook once per batch
//! and works on each delivery with no transaction open (`send`, `signing`); `outcome` and
//! `retry` decide what comes next (`smpp`: an SMPP delivery's attempt, a `deliver_sm` instead of
//! the POST); the results are recorded in batches, fenced on the lease;
//! `worker` runs it all in the background and renews the leases of attempts still running.
//!
//! Guarantees: at-least-once. A delivery is written with its event; a claimed delivery whose
//! worker dies is due again when its lease expires; a lease is renewed while its attempt runs, so
//! a slow attempt is never taken over; a result is recorded only by the lease holder, so the worst
//! case is a duplicate request, never a lost delivery; a resend never runs beside a live attempt.
//! Tests drive [`Dispatcher::run_once`] and never sleep.

mod claimer;
pub mod fairness;
pub mod metrics;
pub mod outcome;
mod queue;
pub mod retry;
pub mod send;
pub mod signing;
mod smpp;
mod worker;

use std::{sync::Arc, time::Duration};

use futures::StreamExt as _;
use rand::Rng as _;
use tokio::sync::{watch, Notify};

pub use retry::RetrySchedule;

use crate::outbound::{AuthorizerSource, OutboundClient};
use crate::secrets::SecretBox;
use crate::store::{
    now_millis, AttemptResult, ClaimWhat, ClaimedBatch, Lease, Millis, ResendClaim, Store,
    StoreError, Transport, Trigger,
};

/// How the dispatcher works.
#[derive(Debug, Clone)]
pub struct DispatcherConfig {
    pub schedule: RetrySchedule,
    /// The per-attempt timeout of the outbound client (sizes the lease).
    pub request_timeout: Duration,
    /// Deliveries claimed per batch.
    pub batch_size: usize,
    /// Requests in flight at most, all webhooks together (`--max-in-flight`): the slots the
    /// fair share divides.
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

    /// How long a claim holds its deliveries before it must be renewed. The worker renews the
    /// leases of attempts still running every third of it, so an attempt of any length (a token
    /// fetch, the request, a refresh after a 401 and its retry, a wait for a free slot) keeps its
    /// lease; the length only bounds how soon a crashed process's deliveries come back.
    pub fn lease_duration(&self) -> Duration {
        self.request_timeout * 2 + Duration::from_secs(5)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DispatchError {
    #[error("the delivery queue cannot be read or written")]
    Store(#[from] StoreError),
    /// A resend waited for a live attempt of the same delivery, which did not end.
    #[error("an attempt of this delivery is still running")]
    Busy,
}

pub(crate) struct Inner {
    pub(crate) store: Arc<dyn Store>,
    pub(crate) client: Arc<OutboundClient>,
    pub(crate) secrets: Arc<SecretBox>,
    pub(crate) authorizers: Arc<dyn AuthorizerSource>,
    /// The bound SMPP sessions an SMPP delivery is sent through.
    pub(crate) sessions: Arc<crate::smpp::Sessions>,
    pub(crate) config: DispatcherConfig,
    claimer: claimer::Claimer,
    wake: Notify,
    /// A send slot came free (a delivery finished): a claim that passed over webhooks at their
    /// share may take them now.
    freed: Notify,
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
        sessions: Arc<crate::smpp::Sessions>,
        config: DispatcherConfig,
    ) -> Self {
        let (stop, _) = watch::channel(false);
        Dispatcher {
            inner: Arc::new(Inner {
                store,
                client,
                secrets,
                authorizers,
                sessions,
                claimer: claimer::Claimer::new(config.concurrency),
                config,
                wake: Notify::new(),
                freed: Notify::new(),
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
    /// it instead of sleeping). Each batch is claimed fairly with every slot free and sent
    /// concurrently, as the worker would.
    pub async fn run_once_at(&self, now: Millis) -> Result<usize, DispatchError> {
        let mut total = 0;
        loop {
            let free = self
                .inner
                .config
                .batch_size
                .min(self.inner.config.concurrency);
            let lease = self.lease_from(now);
            let (batch, _) = self
                .inner
                .claimer
                .claim(
                    self.inner.store.as_ref(),
                    now,
                    free,
                    lease,
                    self.inner.sessions.route(),
                )
                .await?;
            if batch.deliveries.is_empty() {
                return Ok(total);
            }
            let results = self.work_batch(batch, Trigger::Scheduled, now).await;
            total += self.inner.store.record(&results).await?;
            metrics::count(&results);
            for r in &results {
                let request_ms = r.attempt.as_ref().map(|a| a.duration_ms);
                self.inner
                    .claimer
                    .finished(r.webhook_id, r.lease_token, request_ms);
            }
        }
    }

    /// One manual attempt of this delivery now, whatever its state (resend); while a live
    /// attempt holds it, this waits for that attempt to end first. `false` when no such
    /// delivery exists.
    pub async fn attempt_now(&self, delivery_id: i64) -> Result<bool, DispatchError> {
        // A live attempt ends within its request timeouts; one still running after a few lease
        // lengths (renewed all along) is waited for no longer. Timed on the monotonic clock:
        // a step of the wall clock must not cut the wait short.
        let give_up = tokio::time::Instant::now() + 3 * self.inner.config.lease_duration();
        loop {
            let now = now_millis();
            let what = ClaimWhat::Delivery {
                id: delivery_id,
                now,
            };
            match self.inner.store.claim(what, self.lease_from(now)).await? {
                ResendClaim::Missing => return Ok(false),
                ResendClaim::Claimed(batch) => {
                    let results = self.work_batch(batch, Trigger::Manual, now).await;
                    self.inner.store.record(&results).await?;
                    metrics::count(&results);
                    return Ok(true);
                }
                ResendClaim::Busy { until } if tokio::time::Instant::now() < give_up => {
                    let wait = (until - now).clamp(10, 100) as u64;
                    tokio::time::sleep(Duration::from_millis(wait)).await;
                }
                ResendClaim::Busy { .. } => return Err(DispatchError::Busy),
            }
        }
    }

    /// The first attempt of deliveries created already leased with `lease` (see
    /// [`crate::store::IngestOptions::lease`]), made at once.
    pub async fn attempt_leased(&self, lease: Lease) -> Result<(), DispatchError> {
        let ResendClaim::Claimed(batch) = self.inner.store.claim(ClaimWhat::Leased, lease).await?
        else {
            return Ok(());
        };
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

    /// Deliveries in flight per webhook, as the fair share counts them.
    pub fn in_flight(&self) -> std::collections::HashMap<i64, usize> {
        self.inner.claimer.in_flight()
    }

    /// Sends a whole claimed batch concurrently; a delivery whose authorization must first get
    /// a token waits for it (one token request for all of them).
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
        let webhooks = &batch.webhooks;
        futures::stream::iter(batch.deliveries)
            .map(|d| {
                let target = targets[&d.webhook_id].clone();
                let esme = webhooks.get(&d.webhook_id).and_then(|w| w.esme_bind_id);
                async move {
                    let prepared = match d.transport {
                        Transport::Http => queue::await_authorization(inner, &target).await,
                        Transport::Smpp => None,
                    };
                    let route = queue::Route {
                        target: &target,
                        esme_bind_id: esme,
                    };
                    queue::work(inner, lease.token, d, route, prepared, trigger, now).await
                }
            })
            .buffer_unordered(self.inner.config.concurrency.max(1))
            .collect()
            .await
    }
}
