//! Accounts in PostgreSQL: users, sessions, API keys.

use app::domain::{CurrentUser, Email};
use async_trait::async_trait;
use sqlx::Row as _;

use super::{db, parse_id, unique, user_from, PgStore};
use crate::store::{
    now_millis, AccountStore, ApiKey, Millis, NewUser, SessionRecord, StoreError, UserCredentials,
};

/// The advisory lock key of the first user's creation (any constant, unique in this program).
const FIRST_USER_LOCK: i64 = 0x7765_6268_6f6f_6b01;

#[async_trait]
impl AccountStore for PgStore {
    async fn count_users(&self) -> Result<i64, StoreError> {
        sqlx::query_scalar("SELECT COUNT(*) FROM users")
            .fetch_one(&self.pool)
            .await
            .map_err(db)
    }

    async fn insert_first_user(&self, new: NewUser) -> Result<Option<CurrentUser>, StoreError> {
        // Why the lock: under READ COMMITTED two instances starting at once would both see no
        // user and both insert. The transaction-scoped advisory lock makes them take turns; it
        // is released at commit.
        let mut tx = self.pool.begin().await.map_err(db)?;
        sqlx::query("SELECT pg_advisory_xact_lock($1)")
            .bind(FIRST_USER_LOCK)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        let row = sqlx::query(
            "INSERT INTO users (email, password_hash, role, created_at)
             SELECT $1, $2, $3, $4 WHERE NOT EXISTS (SELECT 1 FROM users)
             RETURNING id",
        )
        .bind(new.email.as_str())
        .bind(&new.password_hash)
        .bind(new.role.as_str())
        .bind(now_millis())
        .fetch_optional(&mut *tx)
        .await
        .map_err(unique("users_email"))?;
        tx.commit().await.map_err(db)?;
        row.map(|r| {
            user_from(
                r.get("id"),
                new.email.as_str().to_owned(),
                new.role.as_str(),
            )
        })
        .transpose()
    }

    async fn insert_user(&self, new: NewUser) -> Result<CurrentUser, StoreError> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO users (email, password_hash, role, created_at) VALUES ($1, $2, $3, $4)
             RETURNING id",
        )
        .bind(new.email.as_str())
        .bind(&new.password_hash)
        .bind(new.role.as_str())
        .bind(now_millis())
        .fetch_one(&self.pool)
        .await
        .map_err(unique("users_email"))?;
        user_from(id, new.email.as_str().to_owned(), new.role.as_str())
    }

    async fn find_user_credentials(
        &self,
        email: &Email,
    ) -> Result<Option<UserCredentials>, StoreError> {
        let row = sqlx::query("SELECT id, email, role, password_hash FROM users WHERE email = $1")
            .bind(email.as_str())
            .fetch_optional(&self.pool)
            .await
            .map_err(db)?;
        row.map(|r| {
            Ok(UserCredentials {
                user: user_from(r.get("id"), r.get("email"), r.get("role"))?,
                password_hash: r.get("password_hash"),
            })
        })
        .transpose()
    }

    async fn insert_session(
        &self,
        token_hash: &str,
        user_id: &str,
        now: Millis,
        expires_at: Millis,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at)
             VALUES ($1, $2, $3, $3, $4)",
        )
        .bind(token_hash)
        .bind(parse_id(user_id))
        .bind(now)
        .bind(expires_at)
        .execute(&self.pool)
        .await
        .map(|_| ())
        .map_err(db)
    }

    async fn find_session(
        &self,
        token_hash: &str,
        now: Millis,
        idle_since: Millis,
    ) -> Result<Option<SessionRecord>, StoreError> {
        let row = sqlx::query(
            "SELECT u.id, u.email, u.role, s.last_seen_at
             FROM sessions s JOIN users u ON u.id = s.user_id
             WHERE s.token_hash = $1 AND s.expires_at > $2 AND s.last_seen_at > $3",
        )
        .bind(token_hash)
        .bind(now)
        .bind(idle_since)
        .fetch_optional(&self.pool)
        .await
        .map_err(db)?;
        row.map(|r| {
            Ok(SessionRecord {
                user: user_from(r.get("id"), r.get("email"), r.get("role"))?,
                last_seen_at: r.get("last_seen_at"),
            })
        })
        .transpose()
    }

    async fn touch_session(&self, token_hash: &str, at: Millis) -> Result<(), StoreError> {
        sqlx::query("UPDATE sessions SET last_seen_at = $2 WHERE token_hash = $1")
            .bind(token_hash)
            .bind(at)
            .execute(&self.pool)
            .await
            .map(|_| ())
            .map_err(db)
    }

    async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash)
            .execute(&self.pool)
            .await
            .map(|_| ())
            .map_err(db)
    }

    async fn delete_user_sessions(&self, user_id: &str) -> Result<u64, StoreError> {
        sqlx::query("DELETE FROM sessions WHERE user_id = $1")
            .bind(parse_id(user_id))
            .execute(&self.pool)
            .await
            .map(|r| r.rows_affected())
            .map_err(db)
    }

    async fn delete_expired_sessions(
        &self,
        now: Millis,
        idle_since: Millis,
    ) -> Result<u64, StoreError> {
        sqlx::query("DELETE FROM sessions WHERE expires_at <= $1 OR last_seen_at <= $2")
            .bind(now)
            .bind(idle_since)
            .execute(&self.pool)
            .await
            .map(|r| r.rows_affected())
            .map_err(db)
    }

    async fn insert_api_key(
        &self,
        name: &str,
        key_hash: &str,
        prefix: &str,
    ) -> Result<ApiKey, StoreError> {
        let created_at = now_millis();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO api_keys (name, key_hash, prefix, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(name)
        .bind(key_hash)
        .bind(prefix)
        .bind(created_at)
        .fetch_one(&self.pool)
        .await
        .map_err(unique("api_keys_key_hash"))?;
        Ok(ApiKey {
            id: id.to_string(),
            name: name.to_owned(),
            prefix: prefix.to_owned(),
            created_at,
        })
    }

    async fn find_api_key(&self, key_hash: &str) -> Result<Option<ApiKey>, StoreError> {
        let row = sqlx::query(
            "SELECT id, name, prefix, created_at FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL",
        )
        .bind(key_hash)
        .fetch_optional(&self.pool)
        .await
        .map_err(db)?;
        Ok(row.map(|r| ApiKey {
            id: r.get::<i64, _>("id").to_string(),
            name: r.get("name"),
            prefix: r.get("prefix"),
            created_at: r.get("created_at"),
        }))
    }
}
