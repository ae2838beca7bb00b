//! Outbound webhooks and their ticked (channel, event) notifications.

use async_trait::async_trait;

use super::{ListQuery, Millis, SealedValue, StoreError};

/// The asset a webhook hangs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntityId {
    Service(i64),
    Number(i64),
    App(i64),
}

impl EntityId {
    pub fn kind(self) -> &'static str {
        match self {
            EntityId::Service(_) => "service",
            EntityId::Number(_) => "number",
            EntityId::App(_) => "app",
        }
    }

    pub fn id(self) -> i64 {
        match self {
            EntityId::Service(id) | EntityId::Number(id) | EntityId::App(id) => id,
        }
    }
}

#[derive(Clone, PartialEq)]
pub struct WebhookRecord {
    pub id: i64,
    pub name: String,
    pub entity: EntityId,
    /// The entity's name (or number), for display.
    pub entity_name: String,
    pub url: String,
    /// "sha1", "sha256" or "sha512"; `None` = no hub signature.
    pub hub_algorithm: Option<String>,
    /// Sealed hub secret; set exactly when `hub_algorithm` is.
    pub hub_secret_enc: Option<String>,
    pub authorization_id: Option<i64>,
    pub esme_bind_id: Option<i64>,
    pub enabled: bool,
    pub updated_at: Millis,
    pub max_in_flight: Option<u32>,
    pub rate_per_second: Option<f64>,
    /// Failed attempts in a row (0 after a delivered one).
    pub consecutive_failures: i64,
    pub last_success_at: Option<Millis>,
    /// (channel, event) labels, in the order they were given.
    pub notifications: Vec<(String, String)>,
}

impl std::fmt::Debug for WebhookRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebhookRecord")
            .field("id", &self.id)
            .field("name", &self.name)
            .field("entity", &self.entity)
            .field("hub_algorithm", &self.hub_algorithm)
            .finish_non_exhaustive()
    }
}

/// What is written for a webhook (create or full replace).
#[derive(Clone)]
pub struct WebhookWrite {
    pub name: String,
    pub entity: EntityId,
    pub url: String,
    pub hub_algorithm: Option<String>,
    /// Set exactly when `hub_algorithm` is.
    pub hub_secret_enc: Option<SealedValue>,
    pub authorization_id: Option<i64>,
    pub esme_bind_id: Option<i64>,
    pub enabled: bool,
    pub max_in_flight: Option<u32>,
    pub rate_per_second: Option<f64>,
    pub notifications: Vec<(String, String)>,
}

/// Lists are pages (see [`ListQuery`]). A name already used on the same entity is
/// `StoreError::Conflict("webhooks_name_per_entity")`; an entity, authorization or ESME bind
/// that no longer exists (deleted after it was checked) is
/// `StoreError::Conflict("webhooks_reference")`, and nothing is written.
#[async_trait]
pub trait WebhookStore: Send + Sync {
    /// Searched by name and URL.
    async fn list_webhooks(&self, page: &ListQuery) -> Result<Vec<WebhookRecord>, StoreError>;
    async fn get_webhook(&self, id: i64) -> Result<Option<WebhookRecord>, StoreError>;
    async fn insert_webhook(&self, new: &WebhookWrite) -> Result<WebhookRecord, StoreError>;
    /// Replaces the whole webhook, notifications included, in one transaction.
    async fn update_webhook(
        &self,
        id: i64,
        new: &WebhookWrite,
    ) -> Result<Option<WebhookRecord>, StoreError>;
    async fn delete_webhook(&self, id: i64) -> Result<bool, StoreError>;
    /// The attempt latency histograms (`(bucket, count)`, see `store::latency`) of these
    /// webhooks since `since`.
    async fn latency_of(
        &self,
        ids: &[i64],
        since: Millis,
    ) -> Result<std::collections::HashMap<i64, Vec<(i64, u64)>>, StoreError>;
}
