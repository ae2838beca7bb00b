//! For the store's tests: a fresh, migrated database per test, on the backend `TEST_DATABASE`
//! names (`sqlite`, the default, or `postgres`), so the same tests run on both databases.
//!
//! A PostgreSQL test database is created on the server of `TEST_POSTGRES_URL` (default
//! `postgres://postgres@127.0.0.1:5432/postgres`) as `wc_test_<random>`, and dropped when the
//! [`TestDb`] drops.

use std::sync::Arc;

use super::{postgres::PgStore, sqlite::SqliteStore, Database as _, Store};

/// The server the PostgreSQL test databases are made on, when `TEST_POSTGRES_URL` is not set.
pub const DEFAULT_POSTGRES_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// Which database the tests run on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// From `TEST_DATABASE`; anything but `postgres`/`postgresql` is SQLite.
    pub fn from_env() -> Self {
        match std::env::var("TEST_DATABASE").as_deref() {
            Ok("postgres") | Ok("postgresql") | Ok("pg") => Backend::Postgres,
            _ => Backend::Sqlite,
        }
    }
}

/// Raw access to the test's database, for tests that seed rows with SQL of their own.
#[derive(Clone)]
pub enum RawPool {
    Sqlite(sqlx::SqlitePool),
    Postgres(sqlx::PgPool),
}

/// Keeps the test's database alive; dropping it removes the database.
pub struct TestDb {
    pub raw: RawPool,
    _dir: Option<tempfile::TempDir>,
    pg: Option<PgTestDatabase>,
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some(pg) = self.pg.take() {
            pg.drop_now();
        }
    }
}

/// A fresh, migrated store on the backend of `TEST_DATABASE`.
pub async fn test_store() -> (Arc<dyn Store>, TestDb) {
    match Backend::from_env() {
        Backend::Sqlite => {
            let (store, dir) = sqlite_store().await;
            let raw = RawPool::Sqlite(store.pool.clone());
            (
                Arc::new(store),
                TestDb {
                    raw,
                    _dir: Some(dir),
                    pg: None,
                },
            )
        }
        Backend::Postgres => {
            let (store, pg) = postgres_store().await;
            let raw = RawPool::Postgres(store.pool.clone());
            (
                Arc::new(store),
                TestDb {
                    raw,
                    _dir: None,
                    pg: Some(pg),
                },
            )
        }
    }
}

/// A fresh, migrated SQLite file in a folder that does not exist yet (kept until the `TempDir`
/// drops).
pub async fn sqlite_store() -> (SqliteStore, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(&dir.path().join("nested/test.db"))
        .await
        .unwrap();
    store.migrate().await.unwrap();
    (store, dir)
}

/// A fresh, migrated PostgreSQL database.
pub async fn postgres_store() -> (PgStore, PgTestDatabase) {
    let db = PgTestDatabase::create().await;
    let store = PgStore::open(&db.url).await.unwrap();
    store.migrate().await.unwrap();
    (store, db)
}

/// A database `wc_test_<random>` on the test server, dropped by [`PgTestDatabase::drop_now`].
pub struct PgTestDatabase {
    pub url: String,
    server: String,
    name: String,
}

impl PgTestDatabase {
    pub async fn create() -> Self {
        use sqlx::Connection as _;
        let server =
            std::env::var("TEST_POSTGRES_URL").unwrap_or_else(|_| DEFAULT_POSTGRES_URL.into());
        let name = format!("wc_test_{:016x}", rand::random::<u64>());
        let mut conn = sqlx::PgConnection::connect(&server)
            .await
            .unwrap_or_else(|e| panic!("TEST_DATABASE=postgres needs a server at {server}: {e}"));
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut conn)
            .await
            .unwrap();
        let _ = conn.close().await;
        let url = with_database(&server, &name);
        PgTestDatabase { url, server, name }
    }

    /// Drops the database, ending the connections still open on it. Runs on a thread of its
    /// own with its own runtime: it is called from `Drop`, inside the test's runtime.
    pub fn drop_now(self) {
        let PgTestDatabase { server, name, .. } = self;
        let dropped = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                use sqlx::Connection as _;
                let mut conn = sqlx::PgConnection::connect(&server).await?;
                sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(&mut conn)
                    .await?;
                conn.close().await
            })
        })
        .join();
        if let Ok(Err(e)) = dropped {
            eprintln!("could not drop a test database: {e}");
        }
    }
}

/// `server` (a URL naming some database) with its database replaced by `name`.
pub fn with_database(server: &str, name: &str) -> String {
    let (base, query) = match server.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (server, None),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let base = match base[scheme_end..].find('/') {
        Some(slash) => &base[..scheme_end + slash],
        None => base,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

/// For store tests: claims every due delivery (up to `limit`), oldest due first, no fairness.
pub async fn claim_all_due(
    store: &dyn Store,
    now: i64,
    limit: usize,
    lease: super::Lease,
) -> super::ClaimedBatch {
    let scan = super::DueScan {
        now,
        slots: limit,
        free: limit,
        busy: Vec::new(),
        skip: Vec::new(),
        smpp: super::SmppRoute::default(),
    };
    let mut all = |c: &[super::Candidate]| c.iter().map(|c| c.id).collect();
    store.claim_due(&scan, lease, &mut all).await.unwrap().0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_test_database_replaces_the_servers_database_in_the_url() {
        assert_eq!(
            with_database("postgres://postgres@127.0.0.1:5432/postgres", "wc_test_1"),
            "postgres://postgres@127.0.0.1:5432/wc_test_1"
        );
        assert_eq!(
            with_database("postgres://h?sslmode=disable", "x"),
            "postgres://h/x?sslmode=disable"
        );
    }
}
