//! `POST /api/v1/events` (CONTRACT §2): ingest one event or an array of them.

use app::services::Services;
use axum::{
    body::Bytes,
    extract::{rejection::BytesRejection, DefaultBodyLimit},
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::post,
    Router,
};

use super::{
    error::{accepted, ApiError},
    schemas::{ErrorBody, EventsBody},
    Svc,
};

/// Bodies over this size are refused with 413 before they are read whole.
pub const MAX_INGEST_BODY: usize = 1024 * 1024;

#[utoipa::path(post, path = "/api/v1/events", tag = "events", request_body(content = EventsBody, content_type = "application/json"),
    responses(
        (status = 202, description = "accepted: {accepted, event_ids, deliveries[, duplicates]}"),
        (status = 400, description = "malformed, or an event refused (field names it)", body = ErrorBody),
        (status = 413, description = "larger than 1 MiB", body = ErrorBody),
    ))]
pub(crate) async fn ingest(s: Svc, body: Result<Bytes, BytesRejection>) -> Response {
    match body {
        Ok(body) => accepted(s.deliveries.ingest(&body).await),
        Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "The request is larger than 1 MiB; send the events in smaller batches.",
        )
        .into_response(),
        Err(rejection) => ApiError::new(rejection.status(), rejection.body_text()).into_response(),
    }
}

pub fn router() -> Router<Services> {
    Router::new()
        .route("/", post(ingest))
        .layer(DefaultBodyLimit::max(MAX_INGEST_BODY))
}
