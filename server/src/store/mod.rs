//! Persistence behind one interface. Everything the server keeps goes through [`Store`]; each
//! database has one implementation (`sqlite` today, `postgres` to come) with its own migrations
//! folder under `migrations/`. Each SQL statement has one home: the implementation's method.

mod accounts;
mod assets;
mod authorizations;
mod deliveries;
mod delivery_log;
pub mod latency;
mod monitor;
pub mod sqlite;
mod throttle;
mod url;
mod webhooks;

pub use accounts::*;
pub use assets::*;
pub use authorizations::*;
pub use deliveries::*;
pub use delivery_log::*;
pub use monitor::*;
pub use throttle::*;
pub use url::DatabaseUrl;
pub use webhooks::*;

use std::sync::Arc;

use async_trait::async_trait;

/// One page of a list: stores return up to `limit + 1` rows, newest first (the extra row only
/// tells the caller there is a next page).
pub use app::domain::paging::ListQuery;

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

/// The schema and the connection itself.
#[async_trait]
pub trait Database: Send + Sync {
    /// Brings the schema up to date (idempotent).
    async fn migrate(&self) -> Result<(), StoreError>;
    /// Cheap check that the database answers (used by `/healthz`).
    async fn ping(&self) -> Result<(), StoreError>;
}

/// Everything the server keeps, one sub-trait per area.
pub trait Store:
    Database
    + AccountStore
    + AssetStore
    + WebhookStore
    + AuthorizationStore
    + DeliveryStore
    + DeliveryLogStore
    + MonitorStore
    + ThrottleStore
    + 'static
{
}

impl<T> Store for T where
    T: Database
        + AccountStore
        + AssetStore
        + WebhookStore
        + AuthorizationStore
        + DeliveryStore
        + DeliveryLogStore
        + MonitorStore
        + ThrottleStore
        + 'static
{
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
