//! The service layer (server side only): one trait per area, implemented by the server over the
//! store and the dispatcher. Server functions and the REST API are thin adapters over these very
//! calls, with the same parsing, so the two never differ in what they accept.
//!
//! Server functions cannot be generic: they reach the services as `Arc<dyn …>` through the
//! [`Services`] bundle the server puts in every request's Leptos context.

mod assets;
mod authorizations;
mod deliveries;
mod webhooks;

use std::sync::Arc;

pub use assets::AssetService;
pub use authorizations::AuthorizationService;
pub use deliveries::{DeliveryService, ExportStream};
pub use webhooks::WebhookService;

use crate::domain::AppError;

/// Every service of the server, as the console and the REST API reach them.
#[derive(Clone)]
pub struct Services {
    pub assets: Arc<dyn AssetService>,
    pub webhooks: Arc<dyn WebhookService>,
    pub authorizations: Arc<dyn AuthorizationService>,
    pub deliveries: Arc<dyn DeliveryService>,
}

/// The services from the Leptos context (provided by the server for every request).
pub fn services() -> Result<Services, AppError> {
    leptos::prelude::use_context::<Services>().ok_or_else(|| AppError::Internal {
        reference: "no-services".into(),
    })
}
