//! Locks held across every instance that shares the database (SPEC §9): a periodic job runs on
//! one instance at a time, and an OAuth 2.0 token is requested by one instance while the others
//! wait for it and then read what it stored.
//!
//! On PostgreSQL a lock is a transaction-scoped advisory lock, held by an open transaction on
//! one pooled connection and released when the [`DbLock`] is dropped (the transaction rolls
//! back; nothing else is written in it), or when the instance dies with its connection. On
//! SQLite one process serves the database (SPEC §9), so every lock is granted at once; within
//! the process the callers already run one at a time.

use std::time::Duration;

use async_trait::async_trait;

use super::StoreError;

/// What is locked. Each kind has its own number space, so a job never waits for a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LockKey {
    /// A periodic job, e.g. [`LockKey::RETENTION`].
    Job(JobName),
    /// The token requests of the OAuth 2.0 profile with this id.
    Tokens(i64),
}

/// The periodic jobs that run on one instance at a time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobName {
    Retention,
    BulkResend,
}

impl LockKey {
    pub const RETENTION: LockKey = LockKey::Job(JobName::Retention);
    pub const BULK_RESEND: LockKey = LockKey::Job(JobName::BulkResend);

    /// The two 32-bit keys of `pg_advisory_xact_lock(int, int)`: (kind, id). The kinds are
    /// fixed numbers, never reordered: instances of different versions must agree on them.
    pub fn pair(self) -> (i32, i32) {
        match self {
            LockKey::Job(JobName::Retention) => (0x7763_0001, 1),
            LockKey::Job(JobName::BulkResend) => (0x7763_0001, 2),
            // Ids beyond 32 bits fold onto others: two profiles may then share a lock, which
            // costs a wait, never a wrong token (each reads its own after the lock).
            LockKey::Tokens(id) => (0x7763_0002, (id ^ (id >> 32)) as i32),
        }
    }
}

/// What keeps a lock held (the open transaction of an advisory lock): released by
/// [`DbLock::release`], or soon after it is dropped.
#[async_trait]
pub trait Held: Send {
    async fn release(self: Box<Self>);
}

/// A lock this instance holds until [`DbLock::release`] (or until the value is dropped, which
/// releases it a moment later, from a task of its own).
#[must_use = "the lock is released when this is dropped"]
pub struct DbLock {
    held: Option<Box<dyn Held>>,
}

impl DbLock {
    /// Held by `guard` (e.g. the open transaction of an advisory lock).
    pub fn held_by(guard: Box<dyn Held>) -> Self {
        DbLock { held: Some(guard) }
    }

    /// Nothing to hold: the database has only this instance (SQLite).
    pub fn sole_instance() -> Self {
        DbLock { held: None }
    }

    /// Releases the lock now; when this returns, another holder can take it.
    pub async fn release(mut self) {
        if let Some(held) = self.held.take() {
            held.release().await;
        }
    }
}

impl std::fmt::Debug for DbLock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DbLock")
    }
}

#[async_trait]
pub trait LockStore: Send + Sync {
    /// The lock if no other holder has it now (`None` when one has: skip the work).
    async fn try_lock(&self, key: LockKey) -> Result<Option<DbLock>, StoreError>;
    /// The lock, waiting up to `wait` for its holder to release it (`None` if it did not).
    async fn lock(&self, key: LockKey, wait: Duration) -> Result<Option<DbLock>, StoreError>;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::testing::{test_store, Backend};

    #[test]
    fn every_key_has_its_own_pair_and_kinds_never_share_numbers() {
        let keys = [
            LockKey::RETENTION,
            LockKey::BULK_RESEND,
            LockKey::Tokens(1),
            LockKey::Tokens(2),
        ];
        let pairs: std::collections::HashSet<_> = keys.iter().map(|k| k.pair()).collect();
        assert_eq!(pairs.len(), keys.len());
        assert_ne!(LockKey::Tokens(1).pair().0, LockKey::RETENTION.pair().0);
    }

    #[tokio::test]
    async fn a_held_lock_keeps_other_holders_out_until_it_is_dropped() {
        let (store, _db) = test_store().await;
        let held = store.try_lock(LockKey::RETENTION).await.unwrap();
        assert!(held.is_some());
        let other = store.try_lock(LockKey::Tokens(7)).await.unwrap();
        assert!(other.is_some(), "another key is free");
        let second = store.try_lock(LockKey::RETENTION).await.unwrap();
        let waited = store
            .lock(LockKey::RETENTION, Duration::from_millis(100))
            .await
            .unwrap();
        match Backend::from_env() {
            // Advisory locks are per session: another pooled connection of this very process
            // is kept out as another instance would be.
            Backend::Postgres => {
                assert!(second.is_none(), "held elsewhere");
                assert!(waited.is_none(), "the wait ends at its limit");
            }
            // One process per SQLite database: nothing to keep out.
            Backend::Sqlite => assert!(second.is_some() && waited.is_some()),
        }
        for lock in [held, second, waited].into_iter().flatten() {
            lock.release().await;
        }
        let again = store
            .lock(LockKey::RETENTION, Duration::from_secs(5))
            .await
            .unwrap();
        assert!(again.is_some(), "free once the holder released it");
        drop(again);
        // A dropped lock is released too, a moment later.
        let deadline = std::time::Instant::now() + Duration::from_secs(5);
        while store.try_lock(LockKey::RETENTION).await.unwrap().is_none() {
            assert!(
                std::time::Instant::now() < deadline,
                "a dropped lock stayed held"
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}
