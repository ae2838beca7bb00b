//! What the Monitor keeps beside the log: the aggregates the dashboard reads, bulk resend jobs,
//! and retention.
//!
//! Guarantees every implementation keeps: the aggregates are updated in the same transaction as
//! the deliveries' new states ([`super::DeliveryStore::record`], the webhook delete that ends its
//! pending deliveries), so they never drift from the log; reading them never touches the
//! deliveries table; a bulk resend step queues its deliveries and moves the job's cursor in one
//! transaction (a restart resumes, nothing is queued twice, pending deliveries are skipped);
//! pruning works in small transactions.

use async_trait::async_trait;

use super::{DeliveryFilter, Millis, StoreError};

/// Counts of one window of time.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StatsTotals {
    pub delivered: u64,
    pub failed: u64,
    pub attempts: u64,
}

/// The dashboard's figures for `[from, to)`, read from the aggregates.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DashboardStats {
    pub totals: StatsTotals,
    /// The window of the same length just before.
    pub previous: StatsTotals,
    /// `(bucket start, delivered, failed)`, every bucket of the window, oldest first.
    pub trend: Vec<(Millis, u64, u64)>,
    /// `(webhook id, its name, failures)`, most first.
    pub by_webhook: Vec<(i64, String, u64)>,
    /// `(code, failures)`, most first.
    pub by_code: Vec<(String, u64)>,
}

/// Which aggregates a dashboard reads: minutes for short windows, hours for long ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grain {
    Minute,
    Hour,
}

/// A dashboard window: `[from, to)` in milliseconds, cut into buckets of `bucket_ms`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StatsWindow {
    pub from: Millis,
    pub to: Millis,
    pub bucket_ms: Millis,
    pub grain: Grain,
    /// How many rows each breakdown keeps.
    pub top: usize,
}

/// Where a bulk resend job stands, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BulkJobRecord {
    pub id: i64,
    /// The log query's parameters, JSON.
    pub filters: String,
    /// `running`, `done` or `cancelled`.
    pub state: String,
    pub total: u64,
    pub done: u64,
    pub skipped: u64,
    /// The smallest delivery id gone through; the next step looks below it.
    pub cursor: Option<i64>,
    pub created_at: Millis,
    pub updated_at: Millis,
}

#[async_trait]
pub trait MonitorStore: Send + Sync {
    async fn dashboard_stats(&self, window: StatsWindow) -> Result<DashboardStats, StoreError>;

    /// Stores a new running job over `filters` (JSON) selecting `total` deliveries.
    async fn insert_bulk_job(&self, filters: &str, total: u64)
        -> Result<BulkJobRecord, StoreError>;
    async fn get_bulk_job(&self, id: i64) -> Result<Option<BulkJobRecord>, StoreError>;
    /// The newest jobs first.
    async fn list_bulk_jobs(&self, limit: i64) -> Result<Vec<BulkJobRecord>, StoreError>;
    async fn running_bulk_jobs(&self) -> Result<Vec<BulkJobRecord>, StoreError>;
    /// Cancels a running job (a finished one stays as it is); `None` for an unknown id.
    async fn cancel_bulk_job(&self, id: i64) -> Result<Option<BulkJobRecord>, StoreError>;
    /// One step of a running job: up to `filter.limit` deliveries the filter selects below the
    /// job's cursor are queued for a manual attempt due `now` (pending ones skipped), and the
    /// cursor and counts move, in one transaction. A job with nothing left ends `done`. Returns
    /// the job after the step; a job that is no longer running is returned unchanged.
    async fn bulk_step(
        &self,
        id: i64,
        filter: &DeliveryFilter,
        now: Millis,
    ) -> Result<Option<BulkJobRecord>, StoreError>;

    /// Deletes up to `batch` events created before `before` whose deliveries have all ended,
    /// with their payloads, deliveries and attempts; returns how many events went.
    async fn prune_deliveries(&self, before: Millis, batch: i64) -> Result<u64, StoreError>;
    /// Deletes per-minute aggregates before `minutes_before` and per-hour ones before
    /// `hours_before` (both in milliseconds).
    async fn prune_stats(
        &self,
        minutes_before: Millis,
        hours_before: Millis,
    ) -> Result<u64, StoreError>;
}
