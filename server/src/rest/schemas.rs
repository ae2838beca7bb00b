//! The shapes the OpenAPI document names that no handler type carries: the error answer and
//! the events body. Schemas only — answers are built by `error::ApiError`, ingest parses the raw
//! bytes. Why a module of their own: the handlers name them in their `#[utoipa::path]` and
//! `openapi.rs` names the handlers, so living in either would tie the two in a loop.

use utoipa::ToSchema;

/// Every error answer (CONTRACT §2).
#[derive(ToSchema)]
#[allow(dead_code)] // a schema only: answers are built by `error::ApiError`
pub struct ErrorBody {
    /// A sentence saying what is wrong.
    error: String,
    /// The path of the refused field in the request, e.g. `hub_signature/secret`, `/3/channel`.
    field: Option<String>,
    /// More, where there is more (the test call's status or error).
    detail: Option<String>,
    /// A refused test call's steps (a 422 on `url`).
    test_call: Option<app::domain::webhook::TestCall>,
}

/// One event of `POST /api/v1/events` (CONTRACT §2).
#[derive(ToSchema, serde::Deserialize)]
#[allow(dead_code)] // a schema only: ingest parses the raw bytes (`services::deliveries::ingest`)
pub struct EventInput {
    /// A channel label, e.g. `SMS`.
    channel: String,
    /// An event label of that channel, e.g. `Delivered`.
    event: String,
    /// Exactly one of `service_id`, `number_id`, `app_id`: an id (string or number).
    service_id: Option<String>,
    number_id: Option<String>,
    app_id: Option<String>,
    /// 1–200 visible ASCII characters; the same id again is accepted once.
    event_id: Option<String>,
    /// The JSON object to deliver, byte for byte.
    #[schema(value_type = Object)]
    payload: (),
}

/// One event or an array of them.
#[derive(ToSchema, serde::Deserialize)]
#[serde(untagged)]
#[allow(dead_code)]
pub enum EventsBody {
    One(EventInput),
    Many(Vec<EventInput>),
}
