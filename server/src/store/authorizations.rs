//! Authorization profiles, their tokens, and the pending OAuth 2.0 authorization-code flows.
//! The store only ever sees sealed secrets and tokens (`*_enc`); `Debug` prints none of them.

use async_trait::async_trait;

use super::{ListQuery, Millis, SealedValue, StoreError};

#[derive(Clone, PartialEq, Eq)]
pub struct AuthorizationRecord {
    pub id: i64,
    pub name: String,
    /// The Type label, e.g. `Basic Auth`.
    pub auth_type: String,
    /// The non-secret settings as JSON (CONTRACT field names).
    pub settings: String,
    /// Sealed JSON object of the write-only fields, `None` when the type has none.
    pub secrets_enc: Option<String>,
    pub access_token_enc: Option<String>,
    pub refresh_token_enc: Option<String>,
    pub token_expires_at: Option<Millis>,
    /// `Authorized` or `Authorization Pending`.
    pub status: String,
    pub status_reason: Option<String>,
    pub updated_at: Millis,
}

impl std::fmt::Debug for AuthorizationRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthorizationRecord")
            .field("id", &self.id)
            .field("name", &self.name)
            .field("auth_type", &self.auth_type)
            .field("status", &self.status)
            .field("updated_at", &self.updated_at)
            .finish_non_exhaustive()
    }
}

/// What is written for a profile (create or full replace).
#[derive(Clone)]
pub struct AuthorizationWrite {
    pub name: String,
    pub auth_type: String,
    pub settings: String,
    pub secrets_enc: Option<SealedValue>,
    pub status: String,
    pub status_reason: Option<String>,
    /// On an update: drop the stored tokens (the credentials they were issued for changed).
    pub clear_tokens: bool,
}

impl std::fmt::Debug for AuthorizationWrite {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthorizationWrite")
            .field("name", &self.name)
            .field("auth_type", &self.auth_type)
            .field("clear_tokens", &self.clear_tokens)
            .finish_non_exhaustive()
    }
}

/// Sealed tokens just fetched or refreshed.
#[derive(Clone, PartialEq, Eq)]
pub struct TokensWrite {
    pub access_token_enc: String,
    /// `None` keeps the stored refresh token (a refresh answer need not carry a new one).
    pub refresh_token_enc: Option<String>,
    pub expires_at: Option<Millis>,
}

/// A Get Access Token click waiting for the browser to come back to the Call Back URL.
#[derive(Clone, PartialEq, Eq)]
pub struct PendingFlow {
    pub state: String,
    /// The session that pressed Get Access Token (the hash of its token): only that session
    /// may bring the `state` back.
    pub session: String,
    pub authorization_id: i64,
    pub pkce_verifier_enc: String,
    pub expires_at: Millis,
}

impl std::fmt::Debug for PendingFlow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PendingFlow")
            .field("authorization_id", &self.authorization_id)
            .field("expires_at", &self.expires_at)
            .finish_non_exhaustive()
    }
}

/// Lists are newest first. A name already used is `StoreError::Conflict("authorizations_name")`.
#[async_trait]
pub trait AuthorizationStore: Send + Sync {
    /// Searched by name.
    async fn list_authorizations(
        &self,
        page: &ListQuery,
    ) -> Result<Vec<AuthorizationRecord>, StoreError>;
    async fn get_authorization(&self, id: i64) -> Result<Option<AuthorizationRecord>, StoreError>;
    async fn insert_authorization(
        &self,
        new: &AuthorizationWrite,
    ) -> Result<AuthorizationRecord, StoreError>;
    async fn update_authorization(
        &self,
        id: i64,
        new: &AuthorizationWrite,
    ) -> Result<Option<AuthorizationRecord>, StoreError>;
    /// Refused with `Conflict("webhooks_authorization")` while a webhook uses it.
    async fn delete_authorization(&self, id: i64) -> Result<bool, StoreError>;
    /// The names of the webhooks that use the profile.
    async fn webhooks_using_authorization(&self, id: i64) -> Result<Vec<String>, StoreError>;
    /// Stores tokens and sets the status Authorized. Does not touch `updated_at`, which tracks
    /// the settings.
    async fn save_tokens(&self, id: i64, tokens: &TokensWrite) -> Result<(), StoreError>;
    async fn set_authorization_status(
        &self,
        id: i64,
        status: &str,
        reason: Option<&str>,
    ) -> Result<(), StoreError>;
    async fn insert_pending_flow(&self, flow: &PendingFlow) -> Result<(), StoreError>;
    /// Removes and returns the flow with this state if `session` started it and it has not
    /// expired at `now` (a flow of another session is left alone); expired flows are purged on
    /// the way.
    async fn take_pending_flow(
        &self,
        state: &str,
        session: &str,
        now: Millis,
    ) -> Result<Option<PendingFlow>, StoreError>;
}
