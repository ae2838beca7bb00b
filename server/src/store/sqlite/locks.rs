//! [`LockStore`] on SQLite: one process serves a SQLite database (SPEC §9), so there is no
//! other instance to exclude and every lock is granted at once.

use std::time::Duration;

use async_trait::async_trait;

use super::SqliteStore;
use crate::store::{DbLock, LockKey, LockStore, StoreError};

#[async_trait]
impl LockStore for SqliteStore {
    async fn try_lock(&self, _key: LockKey) -> Result<Option<DbLock>, StoreError> {
        Ok(Some(DbLock::sole_instance()))
    }

    async fn lock(&self, _key: LockKey, _wait: Duration) -> Result<Option<DbLock>, StoreError> {
        Ok(Some(DbLock::sole_instance()))
    }
}
