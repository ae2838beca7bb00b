//! The service layer: the server's implementations of the area traits of `app::services`, which
//! the server functions and the REST API both call. Each parses its input with the shared
//! `domain` rules, checks what only the server can (that ids exist, the test call), seals
//! secrets, and talks to the store or the dispatcher. Errors come out as [`AppError`]s:
//! validation and conflicts with their field, unexpected failures logged once here with a
//! reference the user sees.
//!
//! Built last at start-up, from parts built before it (store → authorizer registry → dispatcher
//! → background jobs → services): nothing is patched in afterwards.

mod assets;
mod authorizations;
pub mod deliveries;
pub mod demo;
mod webhooks;

use std::sync::Arc;

use app::{domain::AppError, services::Services};

pub use assets::Assets;
pub use authorizations::Authorizations;
pub use deliveries::Deliveries;
pub use webhooks::Webhooks;

use crate::{
    authorizers::AuthorizerRegistry, dispatcher::Dispatcher, jobs::BulkResender,
    outbound::OutboundClient, secrets::SecretBox, store::Store,
};

/// What the services are made of.
pub struct Parts {
    pub store: Arc<dyn Store>,
    pub secrets: Arc<SecretBox>,
    pub outbound: Arc<OutboundClient>,
    pub authorizers: Arc<AuthorizerRegistry>,
    pub dispatcher: Dispatcher,
    pub bulk: BulkResender,
    /// The SMPP sessions bound here (each ESME bind's view lists its own).
    pub sessions: Arc<crate::smpp::Sessions>,
}

/// The services of this server.
pub fn build(parts: Parts) -> Services {
    let Parts {
        store,
        secrets,
        outbound,
        authorizers,
        dispatcher,
        bulk,
        sessions,
    } = parts;
    Services {
        assets: Arc::new(Assets::new(store.clone(), secrets.clone(), sessions)),
        webhooks: Arc::new(Webhooks::new(
            store.clone(),
            secrets.clone(),
            outbound.clone(),
            authorizers.clone(),
        )),
        authorizations: Arc::new(Authorizations::new(
            store.clone(),
            secrets,
            outbound,
            authorizers,
        )),
        deliveries: Arc::new(Deliveries::new(store, dispatcher, bulk)),
    }
}

/// Logs an unexpected failure with a short reference, and gives the user only that reference.
pub(crate) fn internal(error: impl std::fmt::Debug) -> AppError {
    let reference = crate::auth::token::random_token()[..10].to_owned();
    tracing::error!(%reference, ?error, "request failed");
    AppError::Internal { reference }
}

/// Store errors that are not an expected conflict.
pub(crate) fn unexpected(e: crate::store::StoreError) -> AppError {
    internal(e)
}

/// Our ids are integers on the inside, strings on the wire; an id that is not ours is unknown.
pub(crate) fn parse_id(id: &str, noun: &str) -> Result<i64, AppError> {
    id.trim()
        .parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .ok_or_else(|| not_found(noun, id))
}

pub(crate) fn not_found(noun: &str, id: &str) -> AppError {
    AppError::NotFound(format!("No {noun} has the id \"{id}\"."))
}

/// RFC 3339, UTC, to the second.
pub(crate) use app::domain::time::rfc3339;
