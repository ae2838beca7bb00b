//! The REST API under `/api/v1` (CONTRACT §2): JSON in and out, an API key on every request,
//! the same service layer as the console's server functions.

pub mod assets;
pub mod authorizations;
pub mod deliveries;
pub mod error;
pub mod events;
pub mod integrations;

use axum::{middleware, Router};

use crate::{auth::api_key::require_api_key, state::AppState};

pub fn router(state: AppState) -> Router<AppState> {
    let resources = Router::new()
        .merge(assets::router())
        .nest("/integrations", integrations::router())
        .nest("/authorizations", authorizations::router())
        .with_state(state.console.clone());
    let delivery = Router::new()
        .nest("/events", events::router())
        .nest("/deliveries", deliveries::router())
        .with_state(state.dispatcher.clone());
    Router::new()
        .merge(resources)
        .merge(delivery)
        .fallback(|| async { error::ApiError::not_found("No such endpoint.") })
        .layer(middleware::from_fn_with_state(
            state.store.clone(),
            require_api_key,
        ))
}
