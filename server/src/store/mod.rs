//! Persistence behind one interface. Everything the server keeps goes through [`Store`]; each
//! database has one implementation (`sqlite` today, `postgres` to come) with its own migrations
//! folder under `migrations/`. Each SQL statement has one home: the implementation's method.

pub mod sqlite;

use std::sync::Arc;

use app::domain::{CurrentUser, Email, Role};
use async_trait::async_trait;

use crate::config::DatabaseUrl;

/// Milliseconds since the Unix epoch: how every time is stored.
pub type Millis = i64;

pub fn now_millis() -> Millis {
    chrono::Utc::now().timestamp_millis()
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A uniqueness rule was broken; names the rule (e.g. `users_email`).
    #[error("conflict on {0}")]
    Conflict(&'static str),
    #[error("database error")]
    Database(#[source] sqlx::Error),
    #[error("migration failed")]
    Migrate(#[source] sqlx::migrate::MigrateError),
}

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

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiKey {
    pub id: String,
    pub name: String,
    pub prefix: String,
    pub created_at: Millis,
}

#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// Brings the schema up to date (idempotent).
    async fn migrate(&self) -> Result<(), StoreError>;
    /// Cheap check that the database answers (used by `/healthz`).
    async fn ping(&self) -> Result<(), StoreError>;

    async fn count_users(&self) -> Result<i64, StoreError>;
    /// Creates the user only if no user exists yet (atomic, so two instances starting at once
    /// make one administrator). `None` when there already was a user.
    async fn insert_first_user(&self, new: NewUser) -> Result<Option<CurrentUser>, StoreError>;
    async fn insert_user(&self, new: NewUser) -> Result<CurrentUser, StoreError>;
    async fn find_user_credentials(
        &self,
        email: &Email,
    ) -> Result<Option<UserCredentials>, StoreError>;

    async fn insert_session(
        &self,
        token_hash: &str,
        user_id: &str,
        expires_at: Millis,
    ) -> Result<(), StoreError>;
    /// The user of an unexpired session.
    async fn find_session_user(
        &self,
        token_hash: &str,
        now: Millis,
    ) -> Result<Option<CurrentUser>, StoreError>;
    async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError>;
    async fn delete_expired_sessions(&self, now: Millis) -> Result<u64, StoreError>;

    async fn insert_api_key(
        &self,
        name: &str,
        key_hash: &str,
        prefix: &str,
    ) -> Result<ApiKey, StoreError>;
    /// The unrevoked key with this hash.
    async fn find_api_key(&self, key_hash: &str) -> Result<Option<ApiKey>, StoreError>;
}

/// Opens the database named by `url` (creating a SQLite file and its folder) and migrates it.
pub async fn open(url: &DatabaseUrl) -> Result<Arc<dyn Store>, OpenError> {
    let store: Arc<dyn Store> = match url {
        DatabaseUrl::Sqlite { path, .. } => Arc::new(sqlite::SqliteStore::open(path).await?),
    };
    store.migrate().await.map_err(OpenError::Store)?;
    Ok(store)
}

#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("cannot create the database folder {path}: {source}")]
    Folder {
        path: String,
        source: std::io::Error,
    },
    #[error("cannot open the database: {0}")]
    Connect(#[source] sqlx::Error),
    #[error("cannot prepare the database: {0}")]
    Store(#[source] StoreError),
}
