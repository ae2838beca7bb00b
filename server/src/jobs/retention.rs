//! Retention (`--retain-deliveries`, SPEC §7): deliveries, their attempts and events older than
//! the retention are deleted in small batches, with a pause between batches so the dispatcher's
//! transactions are never kept waiting long; per-minute aggregates are kept two days and
//! per-hour ones 400 days.

use std::{sync::Arc, time::Duration};

use tokio::sync::watch;

use crate::store::{now_millis, LockKey, Millis, Store, StoreError};

/// Events (with their deliveries) deleted per transaction.
pub const BATCH: i64 = 200;
const PAUSE: Duration = Duration::from_millis(25);
/// How often the loop looks for something to prune.
const EVERY: Duration = Duration::from_secs(60);
const MINUTE_STATS_KEPT: Millis = 2 * 24 * 3_600_000;
const HOUR_STATS_KEPT: Millis = 400 * 24 * 3_600_000;

#[derive(Debug, Clone, Copy)]
pub struct RetentionConfig {
    /// How long deliveries are kept.
    pub keep: Duration,
}

/// The retention job (cheap to clone).
#[derive(Clone)]
pub struct Retention {
    store: Arc<dyn Store>,
    config: RetentionConfig,
    stop: Arc<watch::Sender<bool>>,
}

/// What one pass deleted.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pruned {
    pub events: u64,
    pub stats: u64,
}

impl Retention {
    pub fn new(store: Arc<dyn Store>, config: RetentionConfig) -> Self {
        let (stop, _) = watch::channel(false);
        Retention {
            store,
            config,
            stop: Arc::new(stop),
        }
    }

    /// One pass as if the clock read `now`: batches until nothing old is left.
    pub async fn run_once_at(&self, now: Millis) -> Result<Pruned, StoreError> {
        let keep = Millis::try_from(self.config.keep.as_millis()).unwrap_or(Millis::MAX / 2);
        let mut pruned = Pruned::default();
        loop {
            let n = self.store.prune_deliveries(now - keep, BATCH).await?;
            pruned.events += n;
            if n < BATCH as u64 {
                break;
            }
            tokio::time::sleep(PAUSE).await;
        }
        pruned.stats = self
            .store
            .prune_stats(now - MINUTE_STATS_KEPT, now - HOUR_STATS_KEPT)
            .await?;
        if pruned.events > 0 {
            metrics::counter!("webhook_events_pruned_total").increment(pruned.events);
        }
        Ok(pruned)
    }

    /// One pass, unless another instance on the same database is running one (SPEC §9: the
    /// job runs on one instance at a time): then `None`, and nothing is read.
    pub async fn run_if_free(&self, now: Millis) -> Result<Option<Pruned>, StoreError> {
        let Some(lock) = self.store.try_lock(LockKey::RETENTION).await? else {
            tracing::debug!("retention is running on another instance");
            return Ok(None);
        };
        let pass = self.run_once_at(now).await;
        lock.release().await;
        pass.map(Some)
    }

    pub fn spawn(&self) -> tokio::task::JoinHandle<()> {
        let this = self.clone();
        tokio::spawn(async move {
            let mut stop = this.stop.subscribe();
            while !*stop.borrow() {
                if let Err(e) = this.run_if_free(now_millis()).await {
                    tracing::error!(error = ?e, "pruning old deliveries failed");
                }
                tokio::select! {
                    () = tokio::time::sleep(EVERY) => {},
                    _ = stop.changed() => {},
                }
            }
        })
    }

    pub fn shutdown(&self) {
        let _ = self.stop.send(true);
    }
}
