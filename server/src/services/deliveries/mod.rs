//! The [`DeliveryService`]: ingest (parse the whole request, store it in one transaction, wake the
//! dispatcher), the delivery log, resend and the test event. The dispatcher is the engine that
//! claims, sends and records; this is what the REST API and the console ask of it.
//!
//! Guarantees: an ingest stores nothing unless the whole request is valid, and wakes the workers
//! only after the transaction committed; a resend and a test event make their attempt before
//! answering, so the caller sees its outcome; a delivery whose webhook was deleted is never
//! resent (its payload would go to whatever now has that id — CONTRACT §2: 409).

mod bulk;
pub mod dashboard;
mod export;
pub mod ingest;
pub mod samples;
mod test_event;
mod views;

use std::sync::Arc;

use app::{
    domain::{
        deliveries::{DeliveryQuery, Period},
        monitor::{
            BulkJobView, BulkResendPreview, DashboardView, DeliveryDetailView, DeliveryView,
            IngestReceipt,
        },
        paging::Page,
        views::TestEventView,
        AppError,
    },
    services::{DeliveryService, ExportStream},
};
use async_trait::async_trait;

use super::{internal, not_found, parse_id, rfc3339, unexpected};
use crate::{
    dispatcher::Dispatcher,
    jobs::BulkResender,
    store::{DeliveryFilter, IngestOptions, Store},
};

/// The [`DeliveryService`] of this server.
pub struct Deliveries {
    store: Arc<dyn Store>,
    dispatcher: Dispatcher,
    bulk: BulkResender,
}

impl Deliveries {
    pub fn new(store: Arc<dyn Store>, dispatcher: Dispatcher, bulk: BulkResender) -> Self {
        Deliveries {
            store,
            dispatcher,
            bulk,
        }
    }
}

/// The store's filter for one page of `query` (one row more than the page: see `Page`).
fn filter(query: &DeliveryQuery) -> DeliveryFilter {
    DeliveryFilter {
        webhook_id: query.webhook_id,
        status: query.status,
        channel: query.channel.clone(),
        code: query.code.clone(),
        from: query.from,
        to: query.to,
        before: query.before,
        limit: i64::from(query.limit) + 1,
    }
}

#[async_trait]
impl DeliveryService for Deliveries {
    async fn ingest(&self, body: &[u8]) -> Result<IngestReceipt, AppError> {
        let parsed = ingest::parse_request(body)?;
        ingest::check_entities(self.store.as_ref(), &parsed).await?;
        let events = ingest::to_new_events(parsed);
        let outcome = self
            .store
            .ingest(&events, IngestOptions::default())
            .await
            .map_err(unexpected)?;
        if !outcome.delivery_ids.is_empty() {
            self.dispatcher.wake();
        }
        metrics::counter!("webhook_events_ingested_total").increment(outcome.accepted as u64);
        Ok(IngestReceipt {
            accepted: outcome.accepted,
            event_ids: events.into_iter().map(|e| e.event_id).collect(),
            deliveries: outcome.delivery_ids.len(),
            duplicates: outcome.duplicates,
        })
    }

    async fn list(&self, query: &DeliveryQuery) -> Result<Page<DeliveryView>, AppError> {
        let found = self
            .store
            .list_deliveries(&filter(query))
            .await
            .map_err(unexpected)?;
        let views = found.rows.into_iter().map(views::delivery).collect();
        let mut page = Page::from_probe(views, query.limit, |d| d.id.clone());
        // A page the scan bound stopped short goes on where the scan stopped.
        if page.next_before.is_none() {
            page.next_before = found.resume_before.map(|id| id.to_string());
        }
        Ok(page)
    }

    async fn get(&self, id: &str) -> Result<DeliveryDetailView, AppError> {
        let n = parse_id(id, "delivery")?;
        match self.store.get_delivery(n).await.map_err(unexpected)? {
            Some(detail) => Ok(views::detail(detail)),
            None => Err(not_found("delivery", id)),
        }
    }

    async fn resend(&self, id: &str) -> Result<DeliveryDetailView, AppError> {
        let found = self.get(id).await?;
        if found.integration_url.is_none() {
            return Err(AppError::conflict(
                None,
                format!(
                    "The webhook \"{}\" of this delivery was deleted: it cannot be resent.",
                    found.delivery.integration_name
                ),
            ));
        }
        let n = parse_id(id, "delivery")?;
        match self.dispatcher.attempt_now(n).await {
            Ok(true) => {}
            Ok(false) => return Err(not_found("delivery", id)),
            Err(crate::dispatcher::DispatchError::Busy) => {
                return Err(AppError::conflict(
                    None,
                    "An attempt of this delivery is still running; resend it again in a moment.",
                ))
            }
            Err(e) => return Err(internal(e)),
        }
        self.get(id).await
    }

    async fn preview_bulk_resend(
        &self,
        query: &DeliveryQuery,
    ) -> Result<BulkResendPreview, AppError> {
        self.preview(query).await
    }

    async fn start_bulk_resend(&self, query: &DeliveryQuery) -> Result<BulkJobView, AppError> {
        self.start_bulk(query).await
    }

    async fn bulk_resend(&self, id: &str) -> Result<BulkJobView, AppError> {
        self.bulk_job(id).await
    }

    async fn bulk_resends(&self) -> Result<Vec<BulkJobView>, AppError> {
        self.bulk_jobs().await
    }

    async fn cancel_bulk_resend(&self, id: &str) -> Result<BulkJobView, AppError> {
        self.cancel_bulk(id).await
    }

    fn export(&self, query: &DeliveryQuery) -> ExportStream {
        export::stream(self.store.clone(), query)
    }

    async fn dashboard(&self, period: Period) -> Result<DashboardView, AppError> {
        self.dashboard_view(period).await
    }

    async fn send_test_event(&self, webhook_id: &str) -> Result<TestEventView, AppError> {
        test_event::send(&self.store, &self.dispatcher, webhook_id).await
    }
}

impl From<ingest::IngestError> for AppError {
    fn from(e: ingest::IngestError) -> Self {
        match e {
            ingest::IngestError::Invalid { message, field } => {
                AppError::Malformed { field, message }
            }
            e @ ingest::IngestError::Store(_) => internal(e),
        }
    }
}
