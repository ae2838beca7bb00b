//! The delivery log: filtered pages of deliveries, and one delivery with its attempts.
//!
//! Guarantees every implementation keeps: a page is newest first; every filter combination is
//! served by an index, with any filter the index cannot check applied over a bounded scan of at
//! most [`SCAN_BOUND`] index entries — when that bound stops a page short, the page says where
//! the next one resumes ([`DeliveryPage::resume_before`]), so no page costs more than the bound.

use async_trait::async_trait;
use bytes::Bytes;

pub use app::domain::deliveries::LastCode;

use super::{DeliveryStatus, Millis, StoreError};

/// The most index entries one page of the log looks at when a filter is left to check row by row.
pub const SCAN_BOUND: i64 = 4096;

/// Filters of the delivery list (all optional; at most `limit` rows are returned).
#[derive(Debug, Clone, Default)]
pub struct DeliveryFilter {
    pub webhook_id: Option<i64>,
    pub status: Option<DeliveryStatus>,
    pub channel: Option<String>,
    /// The last status code or error code.
    pub code: Option<LastCode>,
    pub from: Option<Millis>,
    pub to: Option<Millis>,
    /// Only deliveries with a smaller id (the next page).
    pub before: Option<i64>,
    pub limit: i64,
}

/// A delivery as the log shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryRecord {
    pub id: i64,
    pub event_id: String,
    pub channel: String,
    pub event: String,
    pub webhook_id: i64,
    pub webhook_name: String,
    pub status: DeliveryStatus,
    pub attempt_count: i64,
    pub next_attempt_at: Option<Millis>,
    pub last_status_code: Option<i64>,
    pub last_error_code: Option<String>,
    pub created_at: Millis,
    pub updated_at: Millis,
    /// The webhook's URL now; `None` once it is deleted.
    pub webhook_url: Option<String>,
    pub transport: super::Transport,
}

/// One stored attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttemptRecord {
    pub at: Millis,
    pub duration_ms: i64,
    pub status_code: Option<i64>,
    pub error_code: Option<String>,
    pub error_message: Option<String>,
    /// JSON objects, as text; credentials in the request headers are masked.
    pub request_headers: String,
    pub response_headers: String,
    pub response_body: String,
    pub trigger: String,
    /// An SMPP attempt's `deliver_sm_resp` command_status.
    pub smpp_status: Option<i64>,
}

/// A delivery with what its page shows: its attempts and the exact body sent.
#[derive(Debug, Clone)]
pub struct DeliveryDetail {
    pub record: DeliveryRecord,
    pub attempts: Vec<AttemptRecord>,
    pub body: Bytes,
}

/// One page of the log.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeliveryPage {
    pub rows: Vec<DeliveryRecord>,
    /// Set when the scan bound stopped the page before `limit` rows were found: the `before` of
    /// the page that goes on from there.
    pub resume_before: Option<i64>,
}

#[async_trait]
pub trait DeliveryLogStore: Send + Sync {
    /// One page, newest first (see the module's guarantees).
    async fn list_deliveries(&self, filter: &DeliveryFilter) -> Result<DeliveryPage, StoreError>;

    /// A delivery and its attempts, oldest first.
    async fn get_delivery(&self, id: i64) -> Result<Option<DeliveryDetail>, StoreError>;

    /// How many deliveries the filter selects (`limit` and `before` ignored), and how many of
    /// those are pending — an exact count, for a bulk action's preview.
    async fn count_deliveries(&self, filter: &DeliveryFilter) -> Result<(u64, u64), StoreError>;
}
