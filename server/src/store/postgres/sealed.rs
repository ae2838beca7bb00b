//! The upgrade of sealed secrets to the row-bound format, in PostgreSQL: every sealed column,
//! read and rewritten in one transaction.

use async_trait::async_trait;
use sqlx::Row as _;

use super::{db, PgStore};
use crate::secrets::{aad, Column};
use crate::store::{Reseal, SealedStore, SealedUpgrade, StoreError, SECRETS_BOUND_TO_ROWS};

/// Where each sealed column lives: its table, its SQL column and the row's key (every key is
/// the integer `id` but that of the pending OAuth flows, their `state`).
const COLUMNS: [(Column, &str, &str, &str); 6] = [
    (aad::HUB_SECRET, "webhooks", "hub_secret_enc", "id"),
    (aad::ESME_PASSWORD, "esme_binds", "password_enc", "id"),
    (
        aad::AUTHORIZATION_SECRETS,
        "authorizations",
        "secrets_enc",
        "id",
    ),
    (
        aad::ACCESS_TOKEN,
        "authorizations",
        "access_token_enc",
        "id",
    ),
    (
        aad::REFRESH_TOKEN,
        "authorizations",
        "refresh_token_enc",
        "id",
    ),
    (
        aad::PKCE_VERIFIER,
        "oauth_pending_flows",
        "pkce_verifier_enc",
        "state",
    ),
];

#[async_trait]
impl SealedStore for PgStore {
    async fn upgrade_sealed(&self, reseal: &Reseal<'_>) -> Result<SealedUpgrade, StoreError> {
        // The `pending_upgrades` row is locked first (FOR UPDATE in `upgrade`): a second
        // instance starting at the same moment waits there, then finds the upgrade done.
        let mut tx = self.pool.begin().await.map_err(db)?;
        let report = upgrade(&mut tx, reseal).await?;
        tx.commit().await.map_err(db)?;
        Ok(report)
    }
}

async fn upgrade(
    conn: &mut sqlx::PgConnection,
    reseal: &Reseal<'_>,
) -> Result<SealedUpgrade, StoreError> {
    let pending = sqlx::query("SELECT 1 FROM pending_upgrades WHERE name = $1 FOR UPDATE")
        .bind(SECRETS_BOUND_TO_ROWS)
        .fetch_optional(&mut *conn)
        .await
        .map_err(db)?;
    if pending.is_none() {
        return Ok(SealedUpgrade::default());
    }
    let mut report = SealedUpgrade {
        ran: true,
        ..SealedUpgrade::default()
    };
    for (column, table, sql_column, key) in COLUMNS {
        let rows = sqlx::query(&format!(
            "SELECT CAST({key} AS TEXT) AS row_key, {sql_column} AS stored FROM {table}
             WHERE {sql_column} IS NOT NULL"
        ))
        .fetch_all(&mut *conn)
        .await
        .map_err(db)?;
        for r in rows {
            let (row, stored): (String, String) = (r.get("row_key"), r.get("stored"));
            match reseal(column, &row, &stored) {
                Ok(None) => {}
                Err(()) => report.unreadable += 1,
                // One statement a value: this runs once in a database's life, on the few rows
                // that hold secrets, and each write checks the value it replaces.
                Ok(Some(new)) => {
                    let done = sqlx::query(&format!(
                        "UPDATE {table} SET {sql_column} = $1
                         WHERE CAST({key} AS TEXT) = $2 AND {sql_column} = $3"
                    ))
                    .bind(new)
                    .bind(&row)
                    .bind(&stored)
                    .execute(&mut *conn)
                    .await
                    .map_err(db)?;
                    report.upgraded += done.rows_affected();
                }
            }
        }
    }
    if report.unreadable == 0 {
        sqlx::query("DELETE FROM pending_upgrades WHERE name = $1")
            .bind(SECRETS_BOUND_TO_ROWS)
            .execute(&mut *conn)
            .await
            .map_err(db)?;
    }
    Ok(report)
}
