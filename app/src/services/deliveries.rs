//! Events and their deliveries: ingest, the delivery log, resend and bulk resend, the export,
//! the dashboard, and the test event.

use std::pin::Pin;

use async_trait::async_trait;
use futures::Stream;

use crate::domain::{
    deliveries::{DeliveryQuery, Period},
    monitor::{
        BulkJobView, BulkResendPreview, DashboardView, DeliveryDetailView, DeliveryView, ExportRow,
        IngestReceipt,
    },
    paging::Page,
    views::TestEventView,
    AppError,
};

/// The rows of an export, produced as they are read.
pub type ExportStream = Pin<Box<dyn Stream<Item = Result<ExportRow, AppError>> + Send>>;

#[async_trait]
pub trait DeliveryService: Send + Sync + 'static {
    /// Parses a whole ingest request (one event or an array, CONTRACT §2) and stores its events
    /// with their deliveries in one transaction; nothing is stored unless all of it is valid
    /// ([`AppError::Malformed`] names the bad field, e.g. `/3/channel`).
    async fn ingest(&self, body: &[u8]) -> Result<IngestReceipt, AppError>;
    /// One page of the log, newest first. A page may hold fewer rows than asked and still have
    /// a next one, when a filter is checked over a bounded scan (see the store).
    async fn list(&self, query: &DeliveryQuery) -> Result<Page<DeliveryView>, AppError>;
    /// A delivery with its attempts.
    async fn get(&self, id: &str) -> Result<DeliveryDetailView, AppError>;
    /// One manual attempt now, in any state; answers after it was made. A delivery whose
    /// webhook was deleted is a conflict.
    async fn resend(&self, id: &str) -> Result<DeliveryDetailView, AppError>;

    /// How many deliveries the filters select, and how many of them a bulk resend would queue.
    async fn preview_bulk_resend(
        &self,
        query: &DeliveryQuery,
    ) -> Result<BulkResendPreview, AppError>;
    /// Starts a background job resending what the filters select (pending ones skipped).
    async fn start_bulk_resend(&self, query: &DeliveryQuery) -> Result<BulkJobView, AppError>;
    async fn bulk_resend(&self, id: &str) -> Result<BulkJobView, AppError>;
    /// The newest jobs first.
    async fn bulk_resends(&self) -> Result<Vec<BulkJobView>, AppError>;
    async fn cancel_bulk_resend(&self, id: &str) -> Result<BulkJobView, AppError>;

    /// Every delivery the filters select (paging ignored), newest first, read page by page.
    fn export(&self, query: &DeliveryQuery) -> ExportStream;

    /// Monitor › Dashboard for the period ending now.
    async fn dashboard(&self, period: Period) -> Result<DashboardView, AppError>;

    /// Sends a sample event of the webhook's first notification to that webhook only, and
    /// reports the first attempt's outcome.
    async fn send_test_event(&self, webhook_id: &str) -> Result<TestEventView, AppError>;
}
