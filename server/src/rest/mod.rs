//! The REST API under `/api/v1` (CONTRACT §2): JSON in and out, an API key on every request,
//! thin adapters over the same service layer as the console's server functions: each handler
//! extracts its input, calls one service method, and maps the result onto a status code.

pub mod assets;
pub mod authorizations;
pub mod deliveries;
pub mod error;
pub mod events;
pub mod export;
pub mod integrations;
pub(crate) mod list;
pub mod openapi;
pub mod schemas;

use app::services::Services;
use axum::{middleware, routing::get, Router};

use crate::{auth::api_key::require_api_key, state::AppState};

pub fn router(state: AppState) -> Router<AppState> {
    let api = Router::new()
        .merge(assets::router())
        .nest("/integrations", integrations::router())
        .nest("/authorizations", authorizations::router())
        .nest("/events", events::router())
        .nest("/deliveries", deliveries::router())
        .with_state(state.services.clone());
    Router::new()
        .merge(api)
        .fallback(|| async { error::ApiError::not_found("No such endpoint.") })
        .layer(middleware::from_fn_with_state(
            state.store.clone(),
            require_api_key,
        ))
        // Added after the key check: the document is public (CONTRACT §4).
        .route("/openapi.json", get(openapi::document))
}

/// What every handler extracts: the services.
type Svc = axum::extract::State<Services>;
