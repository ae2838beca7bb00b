//! Server functions for Assets › Integrations: outbound webhooks.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::domain::{
    views::{TestEventView, WebhookFormOptions, WebhookView},
    webhook::WebhookInput,
    AppError,
};

#[server]
pub async fn list_webhooks() -> Result<Vec<WebhookView>, AppError> {
    super::context::require_user().await?;
    crate::services::console()?.list_webhooks().await
}

#[server]
pub async fn get_webhook(id: String) -> Result<WebhookView, AppError> {
    super::context::require_user().await?;
    crate::services::console()?.get_webhook(&id).await
}

/// What the webhook form offers: entities, ESME binds, authorizations.
#[server]
pub async fn load_webhook_form_options() -> Result<WebhookFormOptions, AppError> {
    super::context::require_user().await?;
    crate::services::console()?.webhook_form_options().await
}

/// Creates (`id` = None) or replaces a webhook; the body is the API's JSON shape.
#[server(input = Json)]
pub async fn save_webhook(
    id: Option<String>,
    input: WebhookInput,
) -> Result<WebhookView, AppError> {
    super::context::require_user().await?;
    crate::services::console()?
        .save_webhook(id.as_deref(), input)
        .await
}

#[server]
pub async fn delete_webhook(id: String) -> Result<(), AppError> {
    super::context::require_user().await?;
    crate::services::console()?.delete_webhook(&id).await
}

/// "Send test event" on a saved webhook.
#[server]
pub async fn send_test_event(id: String) -> Result<TestEventView, AppError> {
    super::context::require_user().await?;
    crate::services::console()?.send_test_event(&id).await
}
