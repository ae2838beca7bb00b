//! The service layer server functions call (server side only). The server implements it
//! over the store; the REST API calls the very same implementation, so the two never differ
//! in what they accept. Server functions cannot be generic: they reach it as
//! `Arc<dyn ConsoleService>` from the Leptos context.

use std::sync::Arc;

use async_trait::async_trait;

use crate::domain::{
    assets::{AppInput, EsmeBindInput, NumberInput, ServiceInput},
    views::{
        AppView, AssetKind, EsmeBindView, NumberView, ServiceView, TestEventView,
        WebhookFormOptions, WebhookView,
    },
    webhook::WebhookInput,
    AppError,
};
use crate::domain::{
    authorization::AuthorizationInput,
    views::{AuthorizationView, OAuthCallbackOutcome},
};

/// Assets and webhooks. `id: None` creates; `Some(id)` replaces the whole object.
#[async_trait]
pub trait ConsoleService: Send + Sync + 'static {
    async fn list_services(&self) -> Result<Vec<ServiceView>, AppError>;
    async fn get_service(&self, id: &str) -> Result<ServiceView, AppError>;
    async fn save_service(
        &self,
        id: Option<&str>,
        input: ServiceInput,
    ) -> Result<ServiceView, AppError>;

    async fn list_numbers(&self) -> Result<Vec<NumberView>, AppError>;
    async fn get_number(&self, id: &str) -> Result<NumberView, AppError>;
    async fn save_number(
        &self,
        id: Option<&str>,
        input: NumberInput,
    ) -> Result<NumberView, AppError>;

    async fn list_apps(&self) -> Result<Vec<AppView>, AppError>;
    async fn get_app(&self, id: &str) -> Result<AppView, AppError>;
    async fn save_app(&self, id: Option<&str>, input: AppInput) -> Result<AppView, AppError>;

    async fn list_esme_binds(&self) -> Result<Vec<EsmeBindView>, AppError>;
    async fn get_esme_bind(&self, id: &str) -> Result<EsmeBindView, AppError>;
    async fn save_esme_bind(
        &self,
        id: Option<&str>,
        input: EsmeBindInput,
    ) -> Result<EsmeBindView, AppError>;

    /// Refused with a conflict naming the webhooks while any uses the asset.
    async fn delete_asset(&self, kind: AssetKind, id: &str) -> Result<(), AppError>;

    async fn list_webhooks(&self) -> Result<Vec<WebhookView>, AppError>;
    async fn get_webhook(&self, id: &str) -> Result<WebhookView, AppError>;
    /// Validates, runs the test call when the URL or authorization is new, then stores.
    async fn save_webhook(
        &self,
        id: Option<&str>,
        input: WebhookInput,
    ) -> Result<WebhookView, AppError>;
    async fn delete_webhook(&self, id: &str) -> Result<(), AppError>;
    async fn webhook_form_options(&self) -> Result<WebhookFormOptions, AppError>;

    /// The Call Back URL of the authorization code grant (`<public-url>/oauth/callback`).
    fn call_back_url(&self) -> String;
    async fn list_authorizations(&self) -> Result<Vec<AuthorizationView>, AppError>;
    async fn get_authorization(&self, id: &str) -> Result<AuthorizationView, AppError>;
    /// Validates and stores; absent secrets keep their stored values.
    async fn save_authorization(
        &self,
        id: Option<&str>,
        input: AuthorizationInput,
    ) -> Result<AuthorizationView, AppError>;
    /// Refused with a conflict naming the webhooks while any uses the profile.
    async fn delete_authorization(&self, id: &str) -> Result<(), AppError>;
    /// Get Access Token for the client credentials grant: fetches now and stores the tokens.
    async fn get_access_token(&self, id: &str) -> Result<AuthorizationView, AppError>;
    /// Get Access Token for the authorization code grant: the URL to send the browser to.
    async fn start_authorization(&self, id: &str) -> Result<String, AppError>;
    /// The Call Back URL: `code` (or the provider's `error`) for the flow with this `state`.
    async fn complete_authorization(
        &self,
        state: &str,
        code: Option<&str>,
        provider_error: Option<&str>,
    ) -> OAuthCallbackOutcome;
    /// Sends a sample event of the webhook's first notification to that webhook only, and
    /// reports the first attempt's outcome.
    async fn send_test_event(&self, webhook_id: &str) -> Result<TestEventView, AppError>;
}

/// The service from the Leptos context (provided by the server for every request).
pub fn console() -> Result<Arc<dyn ConsoleService>, AppError> {
    leptos::prelude::use_context::<Arc<dyn ConsoleService>>().ok_or_else(|| AppError::Internal {
        reference: "no-console-service".into(),
    })
}
