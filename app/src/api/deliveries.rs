//! Server functions for the Monitor: the log (the same query parameters as the REST API), one
//! delivery with its attempts, Resend, bulk resend jobs, and the dashboard.

use leptos::prelude::*;

use crate::domain::{
    deliveries::DeliveryQueryInput,
    monitor::{BulkJobView, BulkResendPreview, DashboardView, DeliveryDetailView, DeliveryView},
    paging::Page,
    AppError,
};

#[cfg(feature = "ssr")]
async fn deliveries() -> Result<std::sync::Arc<dyn crate::services::DeliveryService>, AppError> {
    super::context::require_user().await?;
    Ok(crate::services::services()?.deliveries)
}

/// One page of the log, newest first.
#[server]
pub async fn list_deliveries(
    #[server(default)] query: DeliveryQueryInput,
) -> Result<Page<DeliveryView>, AppError> {
    let query = crate::domain::deliveries::DeliveryQuery::parse(&query)?;
    deliveries().await?.list(&query).await
}

#[server]
pub async fn get_delivery(id: String) -> Result<DeliveryDetailView, AppError> {
    deliveries().await?.get(&id).await
}

/// One manual attempt now; answers with the delivery after it.
#[server]
pub async fn resend_delivery(id: String) -> Result<DeliveryDetailView, AppError> {
    deliveries().await?.resend(&id).await
}

/// What a bulk resend of these filters would do (the preview before starting it).
#[server]
pub async fn preview_bulk_resend(
    #[server(default)] query: DeliveryQueryInput,
) -> Result<BulkResendPreview, AppError> {
    let query = crate::domain::deliveries::DeliveryQuery::parse(&query)?;
    deliveries().await?.preview_bulk_resend(&query).await
}

/// Starts a bulk resend of what the filters select (a background job). The filters are flat
/// parameters, as the log page's form posts them (hidden fields of the preview).
#[server]
pub async fn start_bulk_resend(
    #[server(default)] integration_id: Option<String>,
    #[server(default)] status: Option<String>,
    #[server(default)] channel: Option<String>,
    #[server(default)] code: Option<String>,
    #[server(default)] from: Option<String>,
    #[server(default)] to: Option<String>,
) -> Result<BulkJobView, AppError> {
    let input = DeliveryQueryInput {
        integration_id,
        status,
        channel,
        code,
        from,
        to,
        limit: None,
        before: None,
    };
    let query = crate::domain::deliveries::DeliveryQuery::parse(&input)?;
    deliveries().await?.start_bulk_resend(&query).await
}

#[server]
pub async fn get_bulk_resend(id: String) -> Result<BulkJobView, AppError> {
    deliveries().await?.bulk_resend(&id).await
}

/// The newest bulk resend jobs.
#[server]
pub async fn list_bulk_resends() -> Result<Vec<BulkJobView>, AppError> {
    deliveries().await?.bulk_resends().await
}

#[server]
pub async fn cancel_bulk_resend(id: String) -> Result<BulkJobView, AppError> {
    deliveries().await?.cancel_bulk_resend(&id).await
}

/// Monitor › Dashboard for `period` (`1h`, `24h` — the default —, `7d`, `30d`).
#[server]
pub async fn load_dashboard(period: Option<String>) -> Result<DashboardView, AppError> {
    let period = match period.as_deref().filter(|p| !p.is_empty()) {
        None => crate::domain::deliveries::Period::default(),
        Some(p) => {
            crate::domain::deliveries::Period::parse(p).ok_or_else(|| AppError::Malformed {
                field: Some("period".into()),
                message: "`period` is one of 1h, 24h, 7d, 30d.".into(),
            })?
        }
    };
    deliveries().await?.dashboard(period).await
}
