//! Persistence behind one interface. Everything the server keeps goes through [`Store`]; each
//! database has one implementation (`sqlite`, `postgres`) with its own migrations folder under
//! `migrations/`. Each SQL statement has one home: the implementation's method.

mod accounts;
mod assets;
mod authorizations;
mod deliveries;
mod delivery_log;
pub mod latency;
mod locks;
mod monitor;
pub mod postgres;
mod sealed;
pub mod sqlite;
#[cfg(test)]
pub(crate) mod testing;
mod throttle;
mod url;
mod webhooks;

pub use accounts::*;
pub use assets::*;
pub use authorizations::*;
pub use deliveries::*;
pub use delivery_log::*;
pub use locks::*;
pub use monitor::*;
pub use sealed::*;
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

/// A sealed secret written into a row. Sealed values are bound to their row (`secrets::aad`),
/// and an inserted row has no id until the insert: then the store seals, inside the insert's
/// transaction, with the id the row got.
#[derive(Clone)]
pub enum SealedValue {
    /// The value this very row holds already, kept as it is.
    Kept(String),
    /// A new secret, sealed by the store for the row it is written to.
    New(crate::secrets::Sealing),
}

impl SealedValue {
    /// The stored text for row `id`.
    pub fn for_row(&self, id: i64) -> String {
        match self {
            SealedValue::Kept(sealed) => sealed.clone(),
            SealedValue::New(sealing) => sealing.for_row(id),
        }
    }
}

impl std::fmt::Debug for SealedValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SealedValue::Kept(_) => f.write_str("Kept(<sealed>)"),
            SealedValue::New(s) => write!(f, "New({s:?})"),
        }
    }
}

/// What stands in a sealed column between an insert and the sealing of its value, in the
/// same transaction (never committed): not empty, so NOT NULL and CHECK rules hold.
pub(crate) const SEALING_PLACEHOLDER: &str = "sealing";

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
    + SealedStore
    + LockStore
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
        + SealedStore
        + LockStore
        + 'static
{
}

/// Opens the database named by `url` (creating a SQLite file and its folder; a PostgreSQL
/// database must exist) and migrates it.
pub async fn open(url: &DatabaseUrl) -> Result<Arc<dyn Store>, OpenError> {
    let store: Arc<dyn Store> = match url {
        DatabaseUrl::Sqlite { path, .. } => Arc::new(sqlite::SqliteStore::open(path).await?),
        DatabaseUrl::Postgres { url } => Arc::new(postgres::PgStore::open(url).await?),
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
