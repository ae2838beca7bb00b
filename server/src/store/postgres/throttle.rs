//! Failed sign-ins in PostgreSQL (`sign_in_failures`). Each count is one upsert, so two instances
//! counting the same subject at once never lose a failure.

use async_trait::async_trait;

use super::{db, PgStore};
use crate::store::{Millis, StoreError, ThrottleStore};

#[async_trait]
impl ThrottleStore for PgStore {
    async fn blocked_until(
        &self,
        subjects: [&str; 2],
        now: Millis,
    ) -> Result<Option<Millis>, StoreError> {
        sqlx::query_scalar(
            "SELECT MAX(blocked_until) FROM sign_in_failures
             WHERE subject IN ($1, $2) AND blocked_until > $3",
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
             WHERE last_failure_at < $1 AND blocked_until < $2 AND subject <> $3",
        )
        .bind(forget_before)
        .bind(now)
        .bind(subject)
        .execute(&self.pool)
        .await
        .map_err(db)?;
        sqlx::query_scalar(
            "INSERT INTO sign_in_failures (subject, failures, last_failure_at, blocked_until)
             VALUES ($1, 1, $2, 0)
             ON CONFLICT (subject) DO UPDATE SET
                failures = CASE WHEN sign_in_failures.last_failure_at < $3 THEN 1
                    ELSE sign_in_failures.failures + 1 END,
                last_failure_at = $2
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
            "UPDATE sign_in_failures SET blocked_until = GREATEST(blocked_until, $2) WHERE subject = $1",
        )
        .bind(subject)
        .bind(until)
        .execute(&self.pool)
        .await
        .map(|_| ())
        .map_err(db)
    }

    async fn clear_failures(&self, subjects: [&str; 2]) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM sign_in_failures WHERE subject IN ($1, $2)")
            .bind(subjects[0])
            .bind(subjects[1])
            .execute(&self.pool)
            .await
            .map(|_| ())
            .map_err(db)
    }
}
