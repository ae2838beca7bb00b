//! The REST API under `/api/v1` (CONTRACT §2): JSON in and out, an API key on every request.
//! Resources arrive with the console, authorizations and dispatcher work; until then every
//! path answers a JSON 404 once the key is accepted.

pub mod error;

use axum::{middleware, Router};

use crate::{auth::api_key::require_api_key, state::AppState};

pub fn router(state: AppState) -> Router<AppState> {
    Router::new()
        .fallback(|| async { error::ApiError::not_found("No such endpoint.") })
        .layer(middleware::from_fn_with_state(
            state.store.clone(),
            require_api_key,
        ))
}
