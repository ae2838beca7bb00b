//! `/api/v1/deliveries` (CONTRACT §2): the delivery log with filters and keyset paging, one
//! delivery with its attempts, resend, and the export. The filters are parsed by the domain's
//! `DeliveryQuery`, the same parser as the Monitor pages'.

use app::{
    domain::deliveries::{DeliveryQuery, DeliveryQueryInput},
    services::Services,
};
use axum::{
    extract::{OriginalUri, Path},
    response::{IntoResponse, Response},
    routing::{get, post},
    Router,
};

use super::{
    error::{accepted, ok, ApiError},
    list::{page, ApiQuery},
    Svc,
};

async fn list(
    s: Svc,
    OriginalUri(uri): OriginalUri,
    ApiQuery(input): ApiQuery<DeliveryQueryInput>,
) -> Response {
    match DeliveryQuery::parse(&input) {
        Ok(query) => page(&uri, s.deliveries.list(&query).await),
        Err(e) => ApiError::from(e).into_response(),
    }
}

/// `GET /api/v1/deliveries/export`: the log's filters, `format=csv|ndjson`, streamed.
async fn export(
    s: Svc,
    ApiQuery(input): ApiQuery<DeliveryQueryInput>,
    ApiQuery(format): ApiQuery<super::export::FormatParam>,
) -> Response {
    super::export::response(&s, &input, &format)
}

async fn read(s: Svc, Path(id): Path<String>) -> Response {
    ok(s.deliveries.get(&id).await)
}

/// One manual attempt now, in any state; answers 202 with the delivery and its attempts.
async fn resend(s: Svc, Path(id): Path<String>) -> Response {
    accepted(s.deliveries.resend(&id).await)
}

pub fn router() -> Router<Services> {
    Router::new()
        .route("/", get(list))
        .route("/export", get(export))
        .route("/{id}", get(read))
        .route("/{id}/resend", post(resend))
}
