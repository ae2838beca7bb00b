//! Bulk resend, the service's side: the preview's count, starting a job (the worker in
//! `jobs::bulk_resend` does the rest), reading and cancelling jobs.

use app::domain::{
    deliveries::DeliveryQuery,
    monitor::{BulkJobState, BulkJobView, BulkResendPreview},
    AppError,
};

use super::{not_found, parse_id, rfc3339, unexpected, Deliveries};
use crate::{jobs::bulk_resend::step_filter, store::BulkJobRecord};

/// How many jobs the log page lists.
const JOBS_SHOWN: i64 = 10;

fn view(r: BulkJobRecord) -> BulkJobView {
    let filters = serde_json::from_str::<DeliveryQuery>(&r.filters)
        .map(|q| {
            q.filters_only()
                .to_query()
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v))
                .collect()
        })
        .unwrap_or_default();
    BulkJobView {
        id: r.id.to_string(),
        state: match r.state.as_str() {
            "running" => BulkJobState::Running,
            "cancelled" => BulkJobState::Cancelled,
            _ => BulkJobState::Done,
        },
        filters,
        total: r.total,
        done: r.done,
        skipped: r.skipped,
        created_at: rfc3339(r.created_at),
        updated_at: rfc3339(r.updated_at),
    }
}

impl Deliveries {
    pub(super) async fn preview(
        &self,
        query: &DeliveryQuery,
    ) -> Result<BulkResendPreview, AppError> {
        let (matching, pending) = self
            .store
            .count_deliveries(&step_filter(query))
            .await
            .map_err(unexpected)?;
        Ok(BulkResendPreview {
            matching,
            to_resend: matching - pending.min(matching),
        })
    }

    pub(super) async fn start_bulk(&self, query: &DeliveryQuery) -> Result<BulkJobView, AppError> {
        let filters = query.filters_only();
        let preview = self.preview(&filters).await?;
        if preview.matching == 0 {
            return Err(AppError::validation(
                "filters",
                "No delivery matches these filters: there is nothing to resend.",
            ));
        }
        let json = serde_json::to_string(&filters).map_err(super::internal)?;
        let job = self
            .store
            .insert_bulk_job(&json, preview.matching)
            .await
            .map_err(unexpected)?;
        self.bulk.wake();
        Ok(view(job))
    }

    pub(super) async fn bulk_job(&self, id: &str) -> Result<BulkJobView, AppError> {
        let n = parse_id(id, "bulk resend")?;
        match self.store.get_bulk_job(n).await.map_err(unexpected)? {
            Some(job) => Ok(view(job)),
            None => Err(not_found("bulk resend", id)),
        }
    }

    pub(super) async fn bulk_jobs(&self) -> Result<Vec<BulkJobView>, AppError> {
        let jobs = self
            .store
            .list_bulk_jobs(JOBS_SHOWN)
            .await
            .map_err(unexpected)?;
        Ok(jobs.into_iter().map(view).collect())
    }

    pub(super) async fn cancel_bulk(&self, id: &str) -> Result<BulkJobView, AppError> {
        let n = parse_id(id, "bulk resend")?;
        match self.store.cancel_bulk_job(n).await.map_err(unexpected)? {
            Some(job) => Ok(view(job)),
            None => Err(not_found("bulk resend", id)),
        }
    }
}
