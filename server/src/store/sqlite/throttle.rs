//! Failed sign-ins in SQLite (`sign_in_failures`). Each count is one upsert, so two instances
//! counting the same subject at once never lose a failure.

use async_trait::async_trait;

use super::{db, SqliteStore};
use crate::store::{Millis, StoreError, ThrottleStore};

#[async_trait]
impl ThrottleStore for SqliteStore {
    async fn blocked_until(
        &self,
        subjects: [&str; 2],
        now: Millis,
    ) -> Result<Option<Millis>, StoreError> {
        sqlx::query_scalar(
            "SELECT MAX(blocked_until) FROM sign_in_failures
             WHERE subject IN (?1, ?2) AND blocked_until > ?3",
        )
        .bind(subjects[0])
        .bind(subjects[1])
        .bind(now)
        .fetch_one(&self.pool)
        .await
        .map_err(db)
    }

    async fn count_failure(
        &self,
        subject: &str,
        now: Millis,
        forget_before: Millis,
    ) -> Result<i64, StoreError> {
        sqlx::query(
            "DELETE FROM sign_in_failures
             WHERE last_failure_at < ?1 AND blocked_until < ?2 AND subject <> ?3",
        )
        .bind(forget_before)
        .bind(now)
        .bind(subject)
        .execute(&self.pool)
        .await
        .map_err(db)?;
        sqlx::query_scalar(
            "INSERT INTO sign_in_failures (subject, failures, last_failure_at, blocked_until)
             VALUES (?1, 1, ?2, 0)
             ON CONFLICT (subject) DO UPDATE SET
                failures = CASE WHEN last_failure_at < ?3 THEN 1 ELSE failures + 1 END,
                last_failure_at = ?2
             RETURNING failures",
        )
        .bind(subject)
        .bind(now)
        .bind(forget_before)
        .fetch_one(&self.pool)
        .await
        .map_err(db)
    }

    async fn block_subject(&self, subject: &str, until: Millis) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE sign_in_failures SET blocked_until = MAX(blocked_until, ?2) WHERE subject = ?1",
        )
        .bind(subject)
        .bind(until)
        .execute(&self.pool)
        .await
        .map(|_| ())
        .map_err(db)
    }

    async fn clear_failures(&self, subjects: [&str; 2]) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sign_in_failures WHERE subject IN (?1, ?2)")
            .bind(subjects[0])
            .bind(subjects[1])
            .execute(&self.pool)
            .await
            .map(|_| ())
            .map_err(db)
    }
}

#[cfg(test)]
mod tests {
    use crate::store::sqlite::test_store as store;

    #[tokio::test]
    async fn failures_count_in_a_row_and_start_again_once_forgotten() {
        let (s, _d) = store().await;
        assert_eq!(s.count_failure("account:a", 10, 0).await.unwrap(), 1);
        assert_eq!(s.count_failure("account:a", 20, 0).await.unwrap(), 2);
        assert_eq!(s.count_failure("address:x", 20, 0).await.unwrap(), 1);
        // The last failure (20) is older than the window's start (21): counting starts over.
        assert_eq!(s.count_failure("account:a", 30, 21).await.unwrap(), 1);
    }

    #[tokio::test]
    async fn a_block_is_seen_on_either_subject_until_it_ends_and_a_success_clears_both() {
        let (s, _d) = store().await;
        let both = ["address:x", "account:a"];
        s.count_failure("account:a", 10, 0).await.unwrap();
        s.block_subject("account:a", 1_000).await.unwrap();
        s.block_subject("account:a", 500).await.unwrap();
        assert_eq!(s.blocked_until(both, 999).await.unwrap(), Some(1_000));
        assert_eq!(s.blocked_until(both, 1_000).await.unwrap(), None);
        assert_eq!(
            s.blocked_until(["address:x", "account:b"], 10)
                .await
                .unwrap(),
            None
        );
        s.clear_failures(both).await.unwrap();
        assert_eq!(s.blocked_until(both, 10).await.unwrap(), None);
        assert_eq!(s.count_failure("account:a", 20, 0).await.unwrap(), 1);
    }
}
