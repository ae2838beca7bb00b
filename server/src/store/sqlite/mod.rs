//! The SQLite implementation of [`Store`]: one file, WAL mode (readers never block the
//! writer), a busy timeout so concurrent writers wait instead of failing, foreign keys on.
//! One file per area: `accounts`, `assets`, `authorizations`, `webhooks`, `deliveries` (the
//! queue), `delivery_log` (reading it), `stats` (the dashboard's aggregates) and `monitor` (bulk
//! resend jobs, retention).

mod accounts;
mod assets;
mod authorizations;
mod claim;
mod deliveries;
mod delivery_log;
mod locks;
mod monitor;
mod sealed;
mod stats;
mod throttle;
mod webhooks;

use std::{path::Path, str::FromStr as _, time::Duration};

use app::domain::{CurrentUser, Role};
use sqlx::{
    migrate::Migrator,
    sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous},
    SqlitePool,
};

use async_trait::async_trait;

use super::{Database, ListQuery, OpenError, StoreError};

static MIGRATOR: Migrator = sqlx::migrate!("../migrations/sqlite");

#[derive(Clone)]
pub struct SqliteStore {
    pub(super) pool: SqlitePool,
    /// Taken by the delivery queue's writing transactions (ingest, claims, records, lease
    /// renewals) for their whole length. Why: SQLite has one write lock, and a connection that
    /// finds it taken waits in the busy handler, which *sleeps* (1, 2, 5, 10, … 100 ms) instead
    /// of being woken when the lock frees — the tail of the delivery latency. Queued here, the
    /// next writer starts the moment the previous one commits, in arrival order. Other writes
    /// (the console's saves) are rare and still rely on the busy timeout.
    pub(super) queue_writes: std::sync::Arc<tokio::sync::Mutex<()>>,
}

impl SqliteStore {
    pub async fn open(path: &Path) -> Result<Self, OpenError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|source| OpenError::Folder {
                path: dir.display().to_string(),
                source,
            })?;
        }
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // With WAL, NORMAL only risks the last transactions on power loss, not corruption.
            .synchronous(SqliteSynchronous::Normal)
            .busy_timeout(Duration::from_secs(5))
            // Why memory-mapped reads: a connection drops its page cache whenever another one
            // has written, which on the delivery queue (claims and records alternate between
            // pooled connections) is almost every transaction; with mmap the re-read pages are
            // mapped, not copied in by a pread each. Writes still go through the WAL.
            .pragma("mmap_size", "268435456")
            .foreign_keys(true);
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            .connect_with(options)
            .await
            .map_err(OpenError::Connect)?;
        Ok(SqliteStore {
            pool,
            queue_writes: Default::default(),
        })
    }

    /// For tests: a store on an explicit URL (e.g. a temp file).
    pub async fn open_url(url: &str) -> Result<Self, OpenError> {
        let options = SqliteConnectOptions::from_str(url).map_err(OpenError::Connect)?;
        Self::open(options.get_filename()).await
    }
}

/// Maps a unique-constraint failure to [`StoreError::Conflict`] named `rule`.
pub(super) fn unique(rule: &'static str) -> impl FnOnce(sqlx::Error) -> StoreError {
    move |e| match &e {
        sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict(rule),
        _ => StoreError::Database(e),
    }
}

/// Appends the page of a list (CONTRACT §4) to a query that ends in its `WHERE` conditions:
/// `q` as a case-insensitive substring of any of `search` (SQLite's LIKE folds ASCII case),
/// `id < before`, newest first, and `limit + 1` rows — the extra row tells the caller that there
/// is a next page.
pub(super) fn push_page<'a>(
    qb: &mut sqlx::QueryBuilder<'a, sqlx::Sqlite>,
    id: &str,
    search: &[&str],
    page: &ListQuery,
) {
    if let Some(q) = &page.q {
        let pattern = format!("%{}%", like_escape(q));
        qb.push(" AND (");
        for (i, column) in search.iter().enumerate() {
            if i > 0 {
                qb.push(" OR ");
            }
            qb.push(format_args!("{column} LIKE "))
                .push_bind(pattern.clone())
                .push(" ESCAPE '\\'");
        }
        qb.push(")");
    }
    if let Some(before) = page.before {
        qb.push(format_args!(" AND {id} < ")).push_bind(before);
    }
    qb.push(format_args!(" ORDER BY {id} DESC LIMIT "))
        .push_bind(i64::from(page.limit) + 1);
}

/// `s` with LIKE's wildcards (and the escape character itself) escaped by a backslash.
fn like_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '\\' | '%' | '_') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

pub(super) fn db(e: sqlx::Error) -> StoreError {
    StoreError::Database(e)
}

pub(super) fn user_from(id: i64, email: String, role: &str) -> Result<CurrentUser, StoreError> {
    let role = Role::parse(role).ok_or_else(|| {
        StoreError::Database(sqlx::Error::Decode(format!("unknown role {role:?}").into()))
    })?;
    Ok(CurrentUser {
        id: id.to_string(),
        email,
        role,
    })
}

pub(super) fn parse_id(id: &str) -> i64 {
    // Ids come from our own rows; an unparsable one simply matches nothing.
    id.parse().unwrap_or(-1)
}

/// Maps a foreign-key failure (something still refers to the row) to a conflict.
pub(super) fn in_use(rule: &'static str) -> impl FnOnce(sqlx::Error) -> StoreError {
    move |e| match &e {
        sqlx::Error::Database(db) if db.is_foreign_key_violation() => StoreError::Conflict(rule),
        _ => StoreError::Database(e),
    }
}

#[async_trait]
impl Database for SqliteStore {
    /// Runs the migrations on one connection with foreign keys off, then turns them back on.
    ///
    /// Why off: rebuilding a table (SQLite's 12-step ALTER procedure, see migration
    /// `20261202000005`) drops the old table, and with foreign keys on that drop first deletes
    /// its rows and cascades into the child tables. `PRAGMA foreign_keys` cannot change inside
    /// a transaction, and sqlx runs each SQLite migration in one, so it is set here, before.
    /// A migration that rebuilds tables checks `pragma_foreign_key_check` before it commits.
    async fn migrate(&self) -> Result<(), StoreError> {
        let mut conn = self.pool.acquire().await.map_err(db)?;
        sqlx::query("PRAGMA foreign_keys = OFF")
            .execute(&mut *conn)
            .await
            .map_err(db)?;
        // `run_direct` is what `run` calls once it holds a connection; `run` itself cannot take
        // one inside an `async_trait` method ("`Acquire` is not general enough").
        let migrated = MIGRATOR
            .run_direct(&mut *conn)
            .await
            .map_err(StoreError::Migrate);
        let restored = sqlx::query("PRAGMA foreign_keys = ON")
            .execute(&mut *conn)
            .await;
        if restored.is_err() {
            // Never hand a connection without foreign keys back to the pool.
            let _ = conn.detach();
        }
        migrated?;
        restored.map(|_| ()).map_err(db)
    }

    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map(|_| ())
            .map_err(db)
    }
}

/// The store tests run on the backend `TEST_DATABASE` names (see `store::testing`).
#[cfg(test)]
pub(crate) use crate::store::testing::{claim_all_due, test_store};
