//! The console's service layer: what the server functions and the REST API both call.
//! It parses inputs with the shared `domain` rules, checks what only the server can (that ids
//! exist, the test call), seals secrets, and talks to the store. Errors come out as
//! [`AppError`]s: validation and conflicts with their field, unexpected failures logged once
//! here with a reference the user sees.

mod assets;
mod authorizations;
pub mod authorizers;
pub mod demo;
mod test_event;
pub mod webhooks;

use std::sync::Arc;

use app::{
    domain::{
        views::{
            AppView, AssetKind, AuthorizationView, EsmeBindView, NumberView, OAuthCallbackOutcome,
            ServiceView, TestEventView, WebhookFormOptions, WebhookView,
        },
        AppError,
    },
    services::ConsoleService,
};
use async_trait::async_trait;

use crate::{
    outbound::OutboundClient,
    secrets::SecretBox,
    store::{Millis, Store, StoreError},
};

/// The [`ConsoleService`] of this server.
pub struct Console {
    pub(crate) store: Arc<dyn Store>,
    pub(crate) secrets: Arc<SecretBox>,
    pub(crate) outbound: Arc<OutboundClient>,
    /// The live authorizers of the stored profiles (shared with the dispatcher through
    /// `AppState::authorizers`).
    pub(crate) authorizers: Arc<authorizers::AuthorizerRegistry>,
    /// Sends test events; absent in tools that have no delivery engine.
    pub(crate) dispatcher: Option<crate::dispatcher::Dispatcher>,
}

impl Console {
    pub fn new(
        store: Arc<dyn Store>,
        secrets: Arc<SecretBox>,
        outbound: Arc<OutboundClient>,
        call_back_url: String,
    ) -> Self {
        let authorizers = Arc::new(authorizers::AuthorizerRegistry::new(
            store.clone(),
            secrets.clone(),
            call_back_url,
        ));
        Console {
            store,
            secrets,
            outbound,
            authorizers,
            dispatcher: None,
        }
    }

    /// The registry of live authorizers, for `AppState::authorizers` and the dispatcher.
    pub fn authorizers(&self) -> Arc<authorizers::AuthorizerRegistry> {
        self.authorizers.clone()
    }

    /// The dispatcher "Send test event" uses.
    pub fn with_dispatcher(mut self, dispatcher: crate::dispatcher::Dispatcher) -> Self {
        self.dispatcher = Some(dispatcher);
        self
    }
}

/// Logs an unexpected failure with a short reference, and gives the user only that reference.
pub(crate) fn internal(error: impl std::fmt::Debug) -> AppError {
    let reference = crate::auth::token::random_token()[..10].to_owned();
    tracing::error!(%reference, ?error, "request failed");
    AppError::Internal { reference }
}

/// Store errors that are not an expected conflict.
pub(crate) fn unexpected(e: StoreError) -> AppError {
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
pub(crate) fn rfc3339(ms: Millis) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .unwrap_or_default()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

#[async_trait]
impl ConsoleService for Console {
    async fn list_services(&self) -> Result<Vec<ServiceView>, AppError> {
        self.services().await
    }
    async fn get_service(&self, id: &str) -> Result<ServiceView, AppError> {
        self.service(id).await
    }
    async fn save_service(
        &self,
        id: Option<&str>,
        input: app::domain::assets::ServiceInput,
    ) -> Result<ServiceView, AppError> {
        self.put_service(id, input).await
    }
    async fn list_numbers(&self) -> Result<Vec<NumberView>, AppError> {
        self.numbers().await
    }
    async fn get_number(&self, id: &str) -> Result<NumberView, AppError> {
        self.number(id).await
    }
    async fn save_number(
        &self,
        id: Option<&str>,
        input: app::domain::assets::NumberInput,
    ) -> Result<NumberView, AppError> {
        self.put_number(id, input).await
    }
    async fn list_apps(&self) -> Result<Vec<AppView>, AppError> {
        self.apps().await
    }
    async fn get_app(&self, id: &str) -> Result<AppView, AppError> {
        self.app(id).await
    }
    async fn save_app(
        &self,
        id: Option<&str>,
        input: app::domain::assets::AppInput,
    ) -> Result<AppView, AppError> {
        self.put_app(id, input).await
    }
    async fn list_esme_binds(&self) -> Result<Vec<EsmeBindView>, AppError> {
        self.esme_binds().await
    }
    async fn get_esme_bind(&self, id: &str) -> Result<EsmeBindView, AppError> {
        self.esme_bind(id).await
    }
    async fn save_esme_bind(
        &self,
        id: Option<&str>,
        input: app::domain::assets::EsmeBindInput,
    ) -> Result<EsmeBindView, AppError> {
        self.put_esme_bind(id, input).await
    }
    async fn delete_asset(&self, kind: AssetKind, id: &str) -> Result<(), AppError> {
        self.remove_asset(kind, id).await
    }
    async fn list_webhooks(&self) -> Result<Vec<WebhookView>, AppError> {
        self.webhooks().await
    }
    async fn get_webhook(&self, id: &str) -> Result<WebhookView, AppError> {
        self.webhook(id).await
    }
    async fn save_webhook(
        &self,
        id: Option<&str>,
        input: app::domain::webhook::WebhookInput,
    ) -> Result<WebhookView, AppError> {
        self.put_webhook(id, input).await
    }
    async fn delete_webhook(&self, id: &str) -> Result<(), AppError> {
        self.remove_webhook(id).await
    }
    async fn webhook_form_options(&self) -> Result<WebhookFormOptions, AppError> {
        self.form_options().await
    }
    fn call_back_url(&self) -> String {
        self.authorizers.call_back_url().to_owned()
    }
    async fn list_authorizations(&self) -> Result<Vec<AuthorizationView>, AppError> {
        self.authorizations().await
    }
    async fn get_authorization(&self, id: &str) -> Result<AuthorizationView, AppError> {
        self.authorization(id).await
    }
    async fn save_authorization(
        &self,
        id: Option<&str>,
        input: app::domain::authorization::AuthorizationInput,
    ) -> Result<AuthorizationView, AppError> {
        self.put_authorization(id, input).await
    }
    async fn delete_authorization(&self, id: &str) -> Result<(), AppError> {
        self.remove_authorization(id).await
    }
    async fn get_access_token(&self, id: &str) -> Result<AuthorizationView, AppError> {
        self.fetch_access_token(id).await
    }
    async fn start_authorization(&self, id: &str) -> Result<String, AppError> {
        self.begin_authorization(id).await
    }
    async fn complete_authorization(
        &self,
        state: &str,
        code: Option<&str>,
        provider_error: Option<&str>,
    ) -> OAuthCallbackOutcome {
        self.finish_authorization(state, code, provider_error).await
    }
    async fn send_test_event(&self, webhook_id: &str) -> Result<TestEventView, AppError> {
        self.test_event(webhook_id).await
    }
}
