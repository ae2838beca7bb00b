//! [`LockStore`] on PostgreSQL: transaction-scoped advisory locks. The transaction stays open
//! on its pooled connection while the lock is held and rolls back when the [`DbLock`] drops
//! (it writes nothing); if the instance dies, PostgreSQL ends its session and frees the lock.

use std::time::Duration;

use async_trait::async_trait;

use sqlx::{Postgres, Transaction};

use super::{db, PgStore};
use crate::store::{DbLock, Held, LockKey, LockStore, StoreError};

/// The transaction that holds an advisory lock. Why a rollback and not just a drop: sqlx only
/// queues the rollback of a dropped transaction for the next use of its pooled connection, so
/// the lock would stay held while the connection idles in the pool.
struct HeldTransaction(Option<Transaction<'static, Postgres>>);

#[async_trait]
impl Held for HeldTransaction {
    async fn release(mut self: Box<Self>) {
        if let Some(tx) = self.0.take() {
            let _ = tx.rollback().await;
        }
    }
}

impl Drop for HeldTransaction {
    fn drop(&mut self) {
        if let Some(tx) = self.0.take() {
            match tokio::runtime::Handle::try_current() {
                Ok(runtime) => {
                    runtime.spawn(async move {
                        let _ = tx.rollback().await;
                    });
                }
                // No runtime left (the process is ending): closing the session frees it.
                Err(_) => drop(tx),
            }
        }
    }
}

fn held(tx: Transaction<'static, Postgres>) -> DbLock {
    DbLock::held_by(Box::new(HeldTransaction(Some(tx))))
}

/// SQLSTATE `lock_not_available`: `lock_timeout` passed while waiting.
const LOCK_NOT_AVAILABLE: &str = "55P03";

#[async_trait]
impl LockStore for PgStore {
    async fn try_lock(&self, key: LockKey) -> Result<Option<DbLock>, StoreError> {
        let (kind, id) = key.pair();
        let mut tx = self.pool.begin().await.map_err(db)?;
        let got: bool = sqlx::query_scalar("SELECT pg_try_advisory_xact_lock($1, $2)")
            .bind(kind)
            .bind(id)
            .fetch_one(&mut *tx)
            .await
            .map_err(db)?;
        Ok(got.then(|| held(tx)))
    }

    async fn lock(&self, key: LockKey, wait: Duration) -> Result<Option<DbLock>, StoreError> {
        let (kind, id) = key.pair();
        let mut tx = self.pool.begin().await.map_err(db)?;
        // SET takes no bind parameters; the value is a number this code formats.
        let millis = wait.as_millis().clamp(1, i32::MAX as u128);
        sqlx::query(&format!("SET LOCAL lock_timeout = {millis}"))
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        match sqlx::query("SELECT pg_advisory_xact_lock($1, $2)")
            .bind(kind)
            .bind(id)
            .execute(&mut *tx)
            .await
        {
            Ok(_) => Ok(Some(held(tx))),
            Err(sqlx::Error::Database(e)) if e.code().as_deref() == Some(LOCK_NOT_AVAILABLE) => {
                Ok(None)
            }
            Err(e) => Err(db(e)),
        }
    }
}
