//! Accounts: users with their password hashes, browser sessions, API keys.

use app::domain::{CurrentUser, Email, Role};
use async_trait::async_trait;

use super::{Millis, StoreError};

/// A user with the hash their password is checked against. Never leaves the server.
#[derive(Clone)]
pub struct UserCredentials {
    pub user: CurrentUser,
    pub password_hash: String,
}

#[derive(Debug, Clone)]
pub struct NewUser {
    pub email: Email,
    pub password_hash: String,
    pub role: Role,
}

/// A live session: whose it is and when it was last used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    pub user: CurrentUser,
    pub last_seen_at: Millis,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiKey {
    pub id: String,
    pub name: String,
    pub prefix: String,
    pub created_at: Millis,
}

#[async_trait]
pub trait AccountStore: Send + Sync {
    async fn count_users(&self) -> Result<i64, StoreError>;
    /// Creates the user only if no user exists yet (atomic, so two instances starting at once
    /// make one administrator). `None` when there already was a user.
    async fn insert_first_user(&self, new: NewUser) -> Result<Option<CurrentUser>, StoreError>;
    async fn insert_user(&self, new: NewUser) -> Result<CurrentUser, StoreError>;
    async fn find_user_credentials(
        &self,
        email: &Email,
    ) -> Result<Option<UserCredentials>, StoreError>;

    /// A session opened at `now` (its last use, too), ending at `expires_at` at the latest.
    async fn insert_session(
        &self,
        token_hash: &str,
        user_id: &str,
        now: Millis,
        expires_at: Millis,
    ) -> Result<(), StoreError>;
    /// The session, if it has neither expired at `now` nor been idle since `idle_since`.
    async fn find_session(
        &self,
        token_hash: &str,
        now: Millis,
        idle_since: Millis,
    ) -> Result<Option<SessionRecord>, StoreError>;
    /// Records a use of the session at `at`.
    async fn touch_session(&self, token_hash: &str, at: Millis) -> Result<(), StoreError>;
    async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError>;
    /// Ends every session of the user (sign out everywhere); returns how many there were.
    async fn delete_user_sessions(&self, user_id: &str) -> Result<u64, StoreError>;
    /// Deletes the sessions expired at `now` or idle since `idle_since`.
    async fn delete_expired_sessions(
        &self,
        now: Millis,
        idle_since: Millis,
    ) -> Result<u64, StoreError>;

    async fn insert_api_key(
        &self,
        name: &str,
        key_hash: &str,
        prefix: &str,
    ) -> Result<ApiKey, StoreError>;
    /// The unrevoked key with this hash.
    async fn find_api_key(&self, key_hash: &str) -> Result<Option<ApiKey>, StoreError>;
}
