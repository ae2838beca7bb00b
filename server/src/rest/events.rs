//! `POST /api/v1/events` (CONTRACT §2): ingest one event or an array of them.

use axum::{
    body::Bytes,
    extract::{rejection::BytesRejection, DefaultBodyLimit, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::post,
    Json, Router,
};
use serde::Serialize;

use super::error::ApiError;
use crate::dispatcher::{ingest::IngestError, Dispatcher};

/// Bodies over this size are refused with 413 before they are read whole.
pub const MAX_INGEST_BODY: usize = 1024 * 1024;

#[derive(Serialize)]
struct Accepted {
    accepted: usize,
    event_ids: Vec<String>,
    deliveries: usize,
    #[serde(skip_serializing_if = "is_zero")]
    duplicates: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

async fn ingest(State(d): State<Dispatcher>, body: Result<Bytes, BytesRejection>) -> Response {
    let body = match body {
        Ok(body) => body,
        Err(rejection) if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            return ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "The request is larger than 1 MiB; send the events in smaller batches.",
            )
            .into_response()
        }
        Err(rejection) => {
            return ApiError::new(rejection.status(), rejection.body_text()).into_response()
        }
    };
    match d.ingest(&body).await {
        Ok(receipt) => (
            StatusCode::ACCEPTED,
            Json(Accepted {
                accepted: receipt.accepted,
                event_ids: receipt.event_ids,
                deliveries: receipt.deliveries,
                duplicates: receipt.duplicates,
            }),
        )
            .into_response(),
        Err(IngestError::Invalid { message, field }) => ApiError {
            field,
            ..ApiError::new(StatusCode::BAD_REQUEST, message)
        }
        .into_response(),
        Err(e @ IngestError::Store(_)) => {
            ApiError::from(crate::console::internal(e)).into_response()
        }
    }
}

pub fn router() -> Router<Dispatcher> {
    Router::new()
        .route("/", post(ingest))
        .layer(DefaultBodyLimit::max(MAX_INGEST_BODY))
}
