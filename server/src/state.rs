//! What every request handler can reach, and what pages and server functions find in their
//! Leptos context.

use std::sync::Arc;

use axum::extract::FromRef;
use leptos::{config::LeptosOptions, prelude::provide_context};
use metrics_exporter_prometheus::PrometheusHandle;

use app::services::Services;

use crate::{auth::setup::SetupToken, config::Config, dispatcher::Dispatcher, store::Store};

#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub config: Arc<Config>,
    pub store: Arc<dyn Store>,
    pub setup: Arc<SetupToken>,
    pub metrics: PrometheusHandle,
    /// The service layer: what server functions and the REST API call.
    pub services: Services,
    /// The delivery engine (its background workers run beside the server).
    pub dispatcher: Dispatcher,
}

/// What server functions and pages find in their Leptos context: the services.
pub fn provide_server_context(state: &AppState) {
    provide_context(state.services.clone());
}
