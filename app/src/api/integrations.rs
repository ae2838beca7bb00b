//! Server functions for Assets › Integrations: outbound webhooks.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::domain::{
    paging::{ListQueryInput, Page},
    views::{TestEventView, WebhookFormOptions, WebhookView},
    webhook::{TestCall, WebhookInput},
    AppError,
};

#[cfg(feature = "ssr")]
async fn webhooks() -> Result<std::sync::Arc<dyn crate::services::WebhookService>, AppError> {
    super::context::require_user().await?;
    Ok(crate::services::services()?.webhooks)
}

#[server]
pub async fn list_webhooks(
    #[server(default)] query: ListQueryInput,
) -> Result<Page<WebhookView>, AppError> {
    let query = crate::domain::paging::ListQuery::parse(&query)?;
    webhooks().await?.list(&query).await
}

#[server]
pub async fn get_webhook(id: String) -> Result<WebhookView, AppError> {
    webhooks().await?.get(&id).await
}

/// What the webhook form offers: entities, ESME binds, authorizations.
#[server]
pub async fn load_webhook_form_options() -> Result<WebhookFormOptions, AppError> {
    webhooks().await?.form_options().await
}

/// Creates (`id` = None) or replaces a webhook; the body is the API's JSON shape.
#[server(input = Json)]
pub async fn save_webhook(
    id: Option<String>,
    input: WebhookInput,
) -> Result<WebhookView, AppError> {
    webhooks().await?.save(id.as_deref(), input).await
}

/// "Run test call" in the webhook form: one test call with the URL and the authorization as
/// typed; saves nothing.
#[server]
pub async fn run_test_call(
    url: String,
    #[server(default)] authorization_id: Option<String>,
) -> Result<TestCall, AppError> {
    webhooks()
        .await?
        .test_call(&url, authorization_id.as_deref())
        .await
}

#[server]
pub async fn delete_webhook(id: String) -> Result<(), AppError> {
    webhooks().await?.delete(&id).await
}

/// "Send test event" on a saved webhook.
#[server]
pub async fn send_test_event(id: String) -> Result<TestEventView, AppError> {
    super::context::require_user().await?;
    crate::services::services()?
        .deliveries
        .send_test_event(&id)
        .await
}
