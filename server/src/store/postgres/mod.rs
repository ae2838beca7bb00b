//! The PostgreSQL implementation of [`Store`]: several instances may share one database
//! (SPEC §9). Claims lock their candidates with `FOR UPDATE SKIP LOCKED`, so two instances never
//! lease the same delivery, and leases expire as in SQLite (a killed instance's work is taken back
//! by the ordinary claim). One file per area, mirroring `sqlite/` file by file: `accounts`,
//! `assets`, `authorizations`, `webhooks`, `deliveries` (the queue), `claim`, `delivery_log`,
//! `stats`, `monitor`, `sealed` and `throttle`. What a user sees (ids, order, errors) is the same
//! as on SQLite.

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

use app::domain::{CurrentUser, Role};
use sqlx::{migrate::Migrator, postgres::PgPoolOptions, PgPool};

use async_trait::async_trait;

use super::{Database, ListQuery, OpenError, StoreError};

static MIGRATOR: Migrator = sqlx::migrate!("../migrations/postgres");

#[derive(Clone)]
pub struct PgStore {
    pub(super) pool: PgPool,
}

impl PgStore {
    /// Connects to the database named by `url` (it must exist; the schema is made by `migrate`).
    pub async fn open(url: &str) -> Result<Self, OpenError> {
        let pool = PgPoolOptions::new()
            .max_connections(16)
            .acquire_timeout(std::time::Duration::from_secs(10))
            .connect(url)
            .await
            .map_err(OpenError::Connect)?;
        Ok(PgStore { pool })
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
/// `q` as a case-insensitive substring of any of `search` (ILIKE, as SQLite's LIKE),
/// `id < before`, newest first, and `limit + 1` rows — the extra row tells the caller that there
/// is a next page.
pub(super) fn push_page<'a>(
    qb: &mut sqlx::QueryBuilder<'a, sqlx::Postgres>,
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
            qb.push(format_args!("{column} ILIKE "))
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
impl Database for PgStore {
    /// Runs the migrations, each in its own transaction. sqlx takes an advisory lock for the
    /// run, so instances starting at once migrate one after the other.
    async fn migrate(&self) -> Result<(), StoreError> {
        MIGRATOR.run(&self.pool).await.map_err(StoreError::Migrate)
    }

    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map(|_| ())
            .map_err(db)
    }
}
