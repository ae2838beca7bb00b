//! What every request handler can reach.

use std::sync::Arc;

use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use metrics_exporter_prometheus::PrometheusHandle;

use app::services::ConsoleService;

use crate::{
    auth::setup::SetupToken,
    config::Config,
    dispatcher::Dispatcher,
    outbound::{AuthorizerSource, OutboundClient},
    secrets::SecretBox,
    store::Store,
};

#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub config: Arc<Config>,
    pub store: Arc<dyn Store>,
    pub setup: Arc<SetupToken>,
    pub metrics: PrometheusHandle,
    pub secrets: Arc<SecretBox>,
    pub outbound: Arc<OutboundClient>,
    pub console: Arc<dyn ConsoleService>,
    /// The live authorizer of each stored authorization profile (test calls and deliveries).
    pub authorizers: Arc<dyn AuthorizerSource>,
    pub dispatcher: Dispatcher,
}
