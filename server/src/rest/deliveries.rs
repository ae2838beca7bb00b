//! `/api/v1/deliveries` (CONTRACT §2): the delivery log with filters, one delivery with its
//! attempts, and resend.

use axum::{
    extract::{Path, Query, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::{get, post},
    Json, Router,
};
use serde::{Deserialize, Serialize};

use super::error::ApiError;
use crate::console::{internal, rfc3339};
use crate::dispatcher::Dispatcher;
use crate::store::{AttemptRecord, DeliveryFilter, DeliveryRecord, DeliveryStatus, Millis};

pub const DEFAULT_LIMIT: i64 = 100;
pub const MAX_LIMIT: i64 = 1000;

#[derive(Serialize)]
pub struct DeliveryJson {
    id: String,
    event_id: String,
    integration_id: String,
    integration_name: String,
    channel: String,
    event: String,
    status: &'static str,
    attempt_count: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    next_attempt_at: Option<String>,
    last_status_code: Option<i64>,
    last_error_code: Option<String>,
    created_at: String,
    updated_at: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    attempts: Option<Vec<AttemptJson>>,
}

#[derive(Serialize)]
pub struct AttemptJson {
    at: String,
    duration_ms: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    status_code: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error_message: Option<String>,
    response_headers: serde_json::Value,
    response_body: String,
    trigger: String,
}

/// RFC 3339 with milliseconds: attempts of one delivery can be a few ms apart.
fn at(ms: Millis) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .unwrap_or_default()
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

pub fn delivery_json(d: DeliveryRecord, attempts: Option<Vec<AttemptRecord>>) -> DeliveryJson {
    DeliveryJson {
        id: d.id.to_string(),
        event_id: d.event_id,
        integration_id: d.webhook_id.to_string(),
        integration_name: d.webhook_name,
        channel: d.channel,
        event: d.event,
        status: d.status.as_str(),
        attempt_count: d.attempt_count,
        next_attempt_at: d.next_attempt_at.map(at),
        last_status_code: d.last_status_code,
        last_error_code: d.last_error_code,
        created_at: rfc3339(d.created_at),
        updated_at: rfc3339(d.updated_at),
        attempts: attempts.map(|list| {
            list.into_iter()
                .map(|a| AttemptJson {
                    at: at(a.at),
                    duration_ms: a.duration_ms,
                    status_code: a.status_code,
                    error_code: a.error_code,
                    error_message: a.error_message,
                    response_headers: serde_json::from_str(&a.response_headers)
                        .unwrap_or_else(|_| serde_json::json!({})),
                    response_body: a.response_body,
                    trigger: a.trigger,
                })
                .collect()
        }),
    }
}

#[derive(Deserialize, Default)]
pub struct ListParams {
    integration_id: Option<String>,
    status: Option<String>,
    channel: Option<String>,
    from: Option<String>,
    to: Option<String>,
    limit: Option<String>,
    before: Option<String>,
}

fn bad(field: &str, message: impl Into<String>) -> ApiError {
    ApiError {
        field: Some(field.to_owned()),
        ..ApiError::new(StatusCode::BAD_REQUEST, message)
    }
}

fn id_param(v: &Option<String>, field: &str) -> Result<Option<i64>, ApiError> {
    v.as_deref()
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.trim()
                .parse::<i64>()
                .map_err(|_| bad(field, format!("`{field}` must be an id.")))
        })
        .transpose()
}

fn time_param(v: &Option<String>, field: &str) -> Result<Option<Millis>, ApiError> {
    v.as_deref()
        .filter(|s| !s.is_empty())
        .map(|s| {
            chrono::DateTime::parse_from_rfc3339(s)
                .map(|t| t.timestamp_millis())
                .map_err(|_| bad(field, format!("`{field}` must be an RFC 3339 time.")))
        })
        .transpose()
}

impl ListParams {
    fn filter(&self) -> Result<DeliveryFilter, ApiError> {
        let status =
            match self.status.as_deref().filter(|s| !s.is_empty()) {
                None => None,
                Some(s) => Some(DeliveryStatus::parse(s).ok_or_else(|| {
                    bad("status", "`status` is one of pending, delivered, failed.")
                })?),
            };
        let limit = match self.limit.as_deref().filter(|s| !s.is_empty()) {
            None => DEFAULT_LIMIT,
            Some(s) => s
                .parse::<i64>()
                .ok()
                .filter(|n| (1..=MAX_LIMIT).contains(n))
                .ok_or_else(|| {
                    bad(
                        "limit",
                        format!("`limit` is a number from 1 to {MAX_LIMIT}."),
                    )
                })?,
        };
        Ok(DeliveryFilter {
            webhook_id: id_param(&self.integration_id, "integration_id")?,
            status,
            channel: self.channel.clone().filter(|s| !s.is_empty()),
            from: time_param(&self.from, "from")?,
            to: time_param(&self.to, "to")?,
            before: id_param(&self.before, "before")?,
            limit,
        })
    }
}

async fn list(State(d): State<Dispatcher>, Query(params): Query<ListParams>) -> Response {
    let filter = match params.filter() {
        Ok(f) => f,
        Err(e) => return e.into_response(),
    };
    match d.store().list_deliveries(&filter).await {
        Ok(rows) => Json(
            rows.into_iter()
                .map(|r| delivery_json(r, None))
                .collect::<Vec<_>>(),
        )
        .into_response(),
        Err(e) => ApiError::from(internal(e)).into_response(),
    }
}

fn unknown(id: &str) -> Response {
    ApiError::not_found(format!("No delivery has the id \"{id}\".")).into_response()
}

async fn one(d: &Dispatcher, id: &str, status: StatusCode) -> Response {
    let Ok(n) = id.trim().parse::<i64>() else {
        return unknown(id);
    };
    match d.store().get_delivery(n).await {
        Ok(Some((delivery, attempts))) => {
            (status, Json(delivery_json(delivery, Some(attempts)))).into_response()
        }
        Ok(None) => unknown(id),
        Err(e) => ApiError::from(internal(e)).into_response(),
    }
}

async fn read(State(d): State<Dispatcher>, Path(id): Path<String>) -> Response {
    one(&d, &id, StatusCode::OK).await
}

/// One manual attempt now, in any state; answers 202 with the delivery and its attempts.
async fn resend(State(d): State<Dispatcher>, Path(id): Path<String>) -> Response {
    let Ok(n) = id.trim().parse::<i64>() else {
        return unknown(&id);
    };
    match d.attempt_now(n).await {
        Ok(true) => one(&d, &id, StatusCode::ACCEPTED).await,
        Ok(false) => unknown(&id),
        Err(e) => ApiError::from(internal(e)).into_response(),
    }
}

pub fn router() -> Router<Dispatcher> {
    Router::new()
        .route("/", get(list))
        .route("/{id}", get(read))
        .route("/{id}/resend", post(resend))
}
