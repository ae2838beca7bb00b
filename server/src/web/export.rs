//! `GET /monitor/deliveries/export`: the console's Export CSV / Export NDJSON buttons — the
//! session-authenticated twin of `GET /api/v1/deliveries/export`, with the same parameters and
//! the same streamed answer (the session layer has already checked the sign-in).

use app::domain::deliveries::DeliveryQueryInput;
use axum::{extract::State, response::Response};

use crate::{
    rest::{export, list::ApiQuery},
    state::AppState,
};

pub async fn export(
    State(state): State<AppState>,
    ApiQuery(input): ApiQuery<DeliveryQueryInput>,
    ApiQuery(format): ApiQuery<export::FormatParam>,
) -> Response {
    export::response(&state.services, &input, &format)
}
