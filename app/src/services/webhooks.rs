//! Outbound webhooks.

use async_trait::async_trait;

use crate::domain::{
    paging::{ListQuery, Page},
    views::{WebhookFormOptions, WebhookView},
    webhook::{TestCall, WebhookInput},
    AppError,
};

#[async_trait]
pub trait WebhookService: Send + Sync + 'static {
    /// Newest first; `q` matches the name or the URL, ignoring case.
    async fn list(&self, query: &ListQuery) -> Result<Page<WebhookView>, AppError>;
    async fn get(&self, id: &str) -> Result<WebhookView, AppError>;
    /// Validates, runs the test call when the URL or authorization is new, then stores.
    /// `id: None` creates; `Some(id)` replaces the whole webhook.
    async fn save(&self, id: Option<&str>, input: WebhookInput) -> Result<WebhookView, AppError>;
    /// Keeps the delivery log; pending deliveries end as failed (`webhook_deleted`).
    async fn delete(&self, id: &str) -> Result<(), AppError>;
    /// What the form offers to choose from: entities, ESME binds, authorizations.
    async fn form_options(&self) -> Result<WebhookFormOptions, AppError>;
    /// Runs one test call (`HEAD url` with the authorization applied) and saves nothing. `Ok`
    /// whatever the call found; `Err` only for a URL a webhook may not have or an unknown
    /// authorization (422 on `url` / `authorization_id`).
    async fn test_call(
        &self,
        url: &str,
        authorization_id: Option<&str>,
    ) -> Result<TestCall, AppError>;
}
