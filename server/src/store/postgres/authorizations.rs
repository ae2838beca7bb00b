//! Authorization profiles in PostgreSQL. A profile a webhook uses cannot be deleted: the delete
//! checks "no webhook uses it" in its own statement, and `webhooks.authorization_id`'s foreign
//! key (migration `20261202000005`) refuses it too should a webhook take the profile meanwhile.

use async_trait::async_trait;
use sqlx::{postgres::PgRow, Row as _};

use super::{db, in_use, push_page, unique, PgStore};
use crate::store::{
    now_millis, AuthorizationRecord, AuthorizationStore, AuthorizationWrite, ListQuery, Millis,
    PendingFlow, StoreError, TokensWrite, SEALING_PLACEHOLDER,
};

const SELECT: &str = "SELECT id, name, auth_type, settings, secrets_enc, access_token_enc,
        refresh_token_enc, token_expires_at, status, status_reason, updated_at
    FROM authorizations";

fn record(r: &PgRow) -> AuthorizationRecord {
    AuthorizationRecord {
        id: r.get("id"),
        name: r.get("name"),
        auth_type: r.get("auth_type"),
        settings: r.get("settings"),
        secrets_enc: r.get("secrets_enc"),
        access_token_enc: r.get("access_token_enc"),
        refresh_token_enc: r.get("refresh_token_enc"),
        token_expires_at: r.get("token_expires_at"),
        status: r.get("status"),
        status_reason: r.get("status_reason"),
        updated_at: r.get("updated_at"),
    }
}

#[async_trait]
impl AuthorizationStore for PgStore {
    async fn list_authorizations(
        &self,
        page: &ListQuery,
    ) -> Result<Vec<AuthorizationRecord>, StoreError> {
        let mut qb = sqlx::QueryBuilder::new(format!("{SELECT} WHERE 1 = 1"));
        push_page(&mut qb, "id", &["name"], page);
        let rows = qb.build().fetch_all(&self.pool).await.map_err(db)?;
        Ok(rows.iter().map(record).collect())
    }

    async fn get_authorization(&self, id: i64) -> Result<Option<AuthorizationRecord>, StoreError> {
        let row = sqlx::query(&format!("{SELECT} WHERE id = $1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(db)?;
        Ok(row.as_ref().map(record))
    }

    async fn insert_authorization(
        &self,
        new: &AuthorizationWrite,
    ) -> Result<AuthorizationRecord, StoreError> {
        // The secrets are sealed for the row's id, known once the row is in (same transaction).
        let mut tx = self.pool.begin().await.map_err(db)?;
        let id: i64 = sqlx::query(
            "INSERT INTO authorizations (name, auth_type, settings, secrets_enc, status,
                status_reason, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $7)
             RETURNING id",
        )
        .bind(&new.name)
        .bind(&new.auth_type)
        .bind(&new.settings)
        .bind(new.secrets_enc.as_ref().map(|_| SEALING_PLACEHOLDER))
        .bind(&new.status)
        .bind(&new.status_reason)
        .bind(now_millis())
        .fetch_one(&mut *tx)
        .await
        .map_err(unique("authorizations_name"))?
        .get("id");
        let row = sqlx::query(&format!(
            "UPDATE authorizations SET secrets_enc = $2 WHERE id = $1 RETURNING {}",
            &SELECT["SELECT ".len()..SELECT.find("\n    FROM").unwrap()]
        ))
        .bind(id)
        .bind(new.secrets_enc.as_ref().map(|s| s.for_row(id)))
        .fetch_one(&mut *tx)
        .await
        .map_err(db)?;
        tx.commit().await.map_err(db)?;
        Ok(record(&row))
    }

    async fn update_authorization(
        &self,
        id: i64,
        new: &AuthorizationWrite,
    ) -> Result<Option<AuthorizationRecord>, StoreError> {
        let done = sqlx::query(
            "UPDATE authorizations SET name = $1, auth_type = $2, settings = $3, secrets_enc = $4,
                status = $5, status_reason = $6, updated_at = GREATEST($7, updated_at + 1),
                access_token_enc = CASE WHEN $8 THEN NULL ELSE access_token_enc END,
                refresh_token_enc = CASE WHEN $8 THEN NULL ELSE refresh_token_enc END,
                token_expires_at = CASE WHEN $8 THEN NULL ELSE token_expires_at END
             WHERE id = $9",
        )
        .bind(&new.name)
        .bind(&new.auth_type)
        .bind(&new.settings)
        .bind(new.secrets_enc.as_ref().map(|s| s.for_row(id)))
        .bind(&new.status)
        .bind(&new.status_reason)
        // Strictly increasing, so a live authorizer built from the old settings is always
        // noticed as stale even when two saves fall in the same millisecond.
        .bind(now_millis())
        .bind(new.clear_tokens)
        .bind(id)
        .execute(&self.pool)
        .await
        .map_err(unique("authorizations_name"))?;
        if done.rows_affected() == 0 {
            return Ok(None);
        }
        self.get_authorization(id).await
    }

    async fn delete_authorization(&self, id: i64) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "DELETE FROM authorizations WHERE id = $1
               AND NOT EXISTS (SELECT 1 FROM webhooks WHERE authorization_id = $1)",
        )
        .bind(id)
        .execute(&self.pool)
        .await
        .map_err(in_use("webhooks_authorization"))?;
        if done.rows_affected() > 0 {
            return Ok(true);
        }
        match self.get_authorization(id).await? {
            Some(_) => Err(StoreError::Conflict("webhooks_authorization")),
            None => Ok(false),
        }
    }

    async fn webhooks_using_authorization(&self, id: i64) -> Result<Vec<String>, StoreError> {
        let rows = sqlx::query(
            "SELECT name FROM webhooks WHERE authorization_id = $1 ORDER BY name COLLATE \"C\"",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        Ok(rows.iter().map(|r| r.get("name")).collect())
    }

    async fn save_tokens(&self, id: i64, t: &TokensWrite) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE authorizations SET access_token_enc = $1,
                refresh_token_enc = COALESCE($2, refresh_token_enc), token_expires_at = $3,
                status = 'Authorized', status_reason = NULL
             WHERE id = $4",
        )
        .bind(&t.access_token_enc)
        .bind(&t.refresh_token_enc)
        .bind(t.expires_at)
        .bind(id)
        .execute(&self.pool)
        .await
        .map_err(db)?;
        Ok(())
    }

    async fn set_authorization_status(
        &self,
        id: i64,
        status: &str,
        reason: Option<&str>,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE authorizations SET status = $1, status_reason = $2 WHERE id = $3")
            .bind(status)
            .bind(reason)
            .bind(id)
            .execute(&self.pool)
            .await
            .map_err(db)?;
        Ok(())
    }

    async fn insert_pending_flow(&self, flow: &PendingFlow) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO oauth_pending_flows (state, authorization_id, pkce_verifier_enc, expires_at,
                session_hash)
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(&flow.state)
        .bind(flow.authorization_id)
        .bind(&flow.pkce_verifier_enc)
        .bind(flow.expires_at)
        .bind(&flow.session)
        .execute(&self.pool)
        .await
        .map_err(db)?;
        Ok(())
    }

    async fn take_pending_flow(
        &self,
        state: &str,
        session: &str,
        now: Millis,
    ) -> Result<Option<PendingFlow>, StoreError> {
        sqlx::query("DELETE FROM oauth_pending_flows WHERE expires_at <= $1")
            .bind(now)
            .execute(&self.pool)
            .await
            .map_err(db)?;
        // DELETE … RETURNING: a state is used once, even by two callbacks racing; and only by
        // the session that started it, so another session cannot use it up either.
        let row = sqlx::query(
            "DELETE FROM oauth_pending_flows WHERE state = $1 AND session_hash = $2
             RETURNING state, session_hash, authorization_id, pkce_verifier_enc, expires_at",
        )
        .bind(state)
        .bind(session)
        .fetch_optional(&self.pool)
        .await
        .map_err(db)?;
        Ok(row.map(|r| PendingFlow {
            state: r.get("state"),
            session: r.get("session_hash"),
            authorization_id: r.get("authorization_id"),
            pkce_verifier_enc: r.get("pkce_verifier_enc"),
            expires_at: r.get("expires_at"),
        }))
    }
}
