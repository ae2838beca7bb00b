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
    schemas::ErrorBody,
    Svc,
};

#[utoipa::path(get, path = "/api/v1/deliveries", tag = "deliveries",
    params(
        ("integration_id" = Option<String>, Query, description = "a webhook id"),
        ("status" = Option<String>, Query, description = "pending, delivered or failed"),
        ("channel" = Option<String>, Query, description = "a channel label"),
        ("code" = Option<String>, Query, description = "a status code or an error code"),
        ("from" = Option<String>, Query, description = "RFC 3339"),
        ("to" = Option<String>, Query, description = "RFC 3339"),
        ("limit" = Option<String>, Query, description = "1 to 1000, default 100"),
        ("before" = Option<String>, Query, description = "an id: the next page"),
    ),
    responses(
        (status = 200, description = "the page, newest first"),
        (status = 400, description = "a bad filter", body = ErrorBody),
    ))]
pub(crate) async fn list(
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
#[utoipa::path(get, path = "/api/v1/deliveries/export", tag = "deliveries",
    params(
        ("integration_id" = Option<String>, Query, description = "a webhook id"),
        ("status" = Option<String>, Query, description = "pending, delivered or failed"),
        ("channel" = Option<String>, Query, description = "a channel label"),
        ("code" = Option<String>, Query, description = "a status code or an error code"),
        ("from" = Option<String>, Query, description = "RFC 3339"),
        ("to" = Option<String>, Query, description = "RFC 3339"),
        ("format" = Option<String>, Query, description = "csv or ndjson"),
    ),
    responses(
        (status = 200, description = "text/csv or application/x-ndjson, streamed"),
        (status = 400, description = "a bad filter or format", body = ErrorBody),
    ))]
pub(crate) async fn export(
    s: Svc,
    ApiQuery(input): ApiQuery<DeliveryQueryInput>,
    ApiQuery(format): ApiQuery<super::export::FormatParam>,
) -> Response {
    super::export::response(&s, &input, &format)
}

#[utoipa::path(get, path = "/api/v1/deliveries/{id}", tag = "deliveries",
    params(("id" = String, Path, description = "the id")),
    responses(
        (status = 200, description = "the delivery with its attempts"),
        (status = 404, description = "no such id", body = ErrorBody),
    ))]
pub(crate) async fn read(s: Svc, Path(id): Path<String>) -> Response {
    ok(s.deliveries.get(&id).await)
}

/// One manual attempt now, in any state; answers 202 with the delivery and its attempts.
#[utoipa::path(post, path = "/api/v1/deliveries/{id}/resend", tag = "deliveries",
    params(("id" = String, Path, description = "the id")),
    responses(
        (status = 202, description = "one manual attempt is made now"),
        (status = 404, description = "no such id", body = ErrorBody),
        (status = 409, description = "its webhook was deleted", body = ErrorBody),
    ))]
pub(crate) async fn resend(s: Svc, Path(id): Path<String>) -> Response {
    accepted(s.deliveries.resend(&id).await)
}

pub fn router() -> Router<Services> {
    Router::new()
        .route("/", get(list))
        .route("/export", get(export))
        .route("/{id}", get(read))
        .route("/{id}/resend", post(resend))
}
