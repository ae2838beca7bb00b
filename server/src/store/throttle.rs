//! Failed sign-ins, counted per subject (a client address or an account), so that sign-in can
//! be throttled (CONTRACT §4). Kept in the database, not in memory: several instances on one
//! database enforce one limit.

use async_trait::async_trait;

use super::{Millis, StoreError};

#[async_trait]
pub trait ThrottleStore: Send + Sync {
    /// The latest end of a block on either subject, if one is still running at `now`.
    async fn blocked_until(
        &self,
        subjects: [&str; 2],
        now: Millis,
    ) -> Result<Option<Millis>, StoreError>;
    /// Counts one more failure for `subject` and returns its failures in a row. A count whose
    /// last failure is older than `forget_before` starts again at one (and such rows of other
    /// subjects are deleted: the table holds only recent failures).
    async fn count_failure(
        &self,
        subject: &str,
        now: Millis,
        forget_before: Millis,
    ) -> Result<i64, StoreError>;
    /// Refuses sign-ins for `subject` until `until` (never shortens a running block).
    async fn block_subject(&self, subject: &str, until: Millis) -> Result<(), StoreError>;
    /// Forgets both subjects' failures (after a successful sign-in).
    async fn clear_failures(&self, subjects: [&str; 2]) -> Result<(), StoreError>;
}
