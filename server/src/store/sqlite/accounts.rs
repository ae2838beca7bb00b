//! Accounts: users, sessions, API keys.

use app::domain::{CurrentUser, Email};
use async_trait::async_trait;
use sqlx::Row as _;

use super::{db, parse_id, unique, user_from, SqliteStore};
use crate::store::{
    now_millis, AccountStore, ApiKey, Millis, NewUser, SessionRecord, StoreError, UserCredentials,
};

#[async_trait]
impl AccountStore for SqliteStore {
    async fn count_users(&self) -> Result<i64, StoreError> {
        sqlx::query_scalar("SELECT COUNT(*) FROM users")
            .fetch_one(&self.pool)
            .await
            .map_err(db)
    }

    async fn insert_first_user(&self, new: NewUser) -> Result<Option<CurrentUser>, StoreError> {
        let row = sqlx::query(
            "INSERT INTO users (email, password_hash, role, created_at)
             SELECT ?1, ?2, ?3, ?4 WHERE NOT EXISTS (SELECT 1 FROM users)
             RETURNING id",
        )
        .bind(new.email.as_str())
        .bind(&new.password_hash)
        .bind(new.role.as_str())
        .bind(now_millis())
        .fetch_optional(&self.pool)
        .await
        .map_err(unique("users_email"))?;
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
            "INSERT INTO users (email, password_hash, role, created_at) VALUES (?1, ?2, ?3, ?4)
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
        let row = sqlx::query("SELECT id, email, role, password_hash FROM users WHERE email = ?1")
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
             VALUES (?1, ?2, ?3, ?3, ?4)",
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
             WHERE s.token_hash = ?1 AND s.expires_at > ?2 AND s.last_seen_at > ?3",
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
        sqlx::query("UPDATE sessions SET last_seen_at = ?2 WHERE token_hash = ?1")
            .bind(token_hash)
            .bind(at)
            .execute(&self.pool)
            .await
            .map(|_| ())
            .map_err(db)
    }

    async fn delete_session(&self, token_hash: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = ?1")
            .bind(token_hash)
            .execute(&self.pool)
            .await
            .map(|_| ())
            .map_err(db)
    }

    async fn delete_user_sessions(&self, user_id: &str) -> Result<u64, StoreError> {
        sqlx::query("DELETE FROM sessions WHERE user_id = ?1")
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
        sqlx::query("DELETE FROM sessions WHERE expires_at <= ?1 OR last_seen_at <= ?2")
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
            "INSERT INTO api_keys (name, key_hash, prefix, created_at) VALUES (?1, ?2, ?3, ?4) RETURNING id",
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
            "SELECT id, name, prefix, created_at FROM api_keys WHERE key_hash = ?1 AND revoked_at IS NULL",
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

#[cfg(test)]
mod tests {
    use super::*;
    use app::domain::Role;

    use crate::store::{sqlite::test_store as store, Database as _};

    fn new_user(email: &str) -> NewUser {
        NewUser {
            email: Email::parse(email).unwrap(),
            password_hash: "$argon2id$fake".into(),
            role: Role::Admin,
        }
    }

    #[tokio::test]
    async fn opening_creates_the_folder_and_migrating_twice_is_harmless() {
        let (store, dir) = crate::store::testing::sqlite_store().await;
        assert!(dir.path().join("nested/test.db").exists());
        store.migrate().await.unwrap();
        assert_eq!(store.count_users().await.unwrap(), 0);
    }

    #[tokio::test]
    async fn the_first_user_is_created_only_once() {
        let (store, _dir) = store().await;
        let first = store
            .insert_first_user(new_user("a@example.com"))
            .await
            .unwrap();
        assert!(first.is_some());
        let second = store
            .insert_first_user(new_user("b@example.com"))
            .await
            .unwrap();
        assert!(second.is_none());
        assert_eq!(store.count_users().await.unwrap(), 1);
    }

    #[tokio::test]
    async fn a_second_account_with_the_same_email_is_a_conflict() {
        let (store, _dir) = store().await;
        store.insert_user(new_user("a@example.com")).await.unwrap();
        let err = store
            .insert_user(new_user("A@Example.com"))
            .await
            .unwrap_err();
        assert!(
            matches!(err, StoreError::Conflict("users_email")),
            "{err:?}"
        );
    }

    #[tokio::test]
    async fn credentials_are_found_by_normalised_email() {
        let (store, _dir) = store().await;
        let user = store
            .insert_user(new_user("ada@example.com"))
            .await
            .unwrap();
        let found = store
            .find_user_credentials(&Email::parse("ADA@example.com").unwrap())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(found.user, user);
        assert_eq!(found.password_hash, "$argon2id$fake");
        assert!(store
            .find_user_credentials(&Email::parse("bob@example.com").unwrap())
            .await
            .unwrap()
            .is_none());
    }

    #[tokio::test]
    async fn sessions_end_at_their_expiry_and_can_be_deleted() {
        let (store, _dir) = store().await;
        let user = store.insert_user(new_user("a@example.com")).await.unwrap();
        store
            .insert_session("live", &user.id, 0, 2_000)
            .await
            .unwrap();
        store
            .insert_session("old", &user.id, 0, 1_000)
            .await
            .unwrap();
        let live = store
            .find_session("live", 1_500, -1)
            .await
            .unwrap()
            .unwrap();
        assert_eq!((live.user, live.last_seen_at), (user.clone(), 0));
        assert_eq!(store.find_session("old", 1_500, -1).await.unwrap(), None);
        assert_eq!(store.delete_expired_sessions(1_500, -1).await.unwrap(), 1);
        store.delete_session("live").await.unwrap();
        assert_eq!(store.find_session("live", 1_500, -1).await.unwrap(), None);
    }

    #[tokio::test]
    async fn an_idle_session_ends_and_each_use_moves_its_idle_end() {
        let (store, _dir) = store().await;
        let user = store.insert_user(new_user("a@example.com")).await.unwrap();
        store
            .insert_session("s", &user.id, 100, 10_000)
            .await
            .unwrap();
        // Idle since 100 or later: ended.
        assert_eq!(store.find_session("s", 500, 100).await.unwrap(), None);
        assert!(store.find_session("s", 500, 99).await.unwrap().is_some());
        store.touch_session("s", 400).await.unwrap();
        let s = store.find_session("s", 500, 300).await.unwrap().unwrap();
        assert_eq!(s.last_seen_at, 400);
        // Use does not outlive the absolute end.
        assert_eq!(store.find_session("s", 10_000, 300).await.unwrap(), None);
        assert_eq!(store.delete_expired_sessions(500, 400).await.unwrap(), 1);
    }

    #[tokio::test]
    async fn signing_out_everywhere_ends_every_session_of_that_user_only() {
        let (store, _dir) = store().await;
        let a = store.insert_user(new_user("a@example.com")).await.unwrap();
        let b = store.insert_user(new_user("b@example.com")).await.unwrap();
        for (token, user) in [("a1", &a), ("a2", &a), ("b1", &b)] {
            store
                .insert_session(token, &user.id, 0, 9_000)
                .await
                .unwrap();
        }
        assert_eq!(store.delete_user_sessions(&a.id).await.unwrap(), 2);
        assert_eq!(store.find_session("a1", 1, -1).await.unwrap(), None);
        assert_eq!(store.find_session("a2", 1, -1).await.unwrap(), None);
        assert!(store.find_session("b1", 1, -1).await.unwrap().is_some());
    }

    #[tokio::test]
    async fn api_keys_are_found_by_hash_only() {
        let (store, _dir) = store().await;
        let key = store
            .insert_api_key("billing", "hash-1", "whk_abcd")
            .await
            .unwrap();
        assert_eq!(store.find_api_key("hash-1").await.unwrap(), Some(key));
        assert_eq!(store.find_api_key("hash-2").await.unwrap(), None);
    }
}
