//! The one-time upgrade of sealed secrets to the format bound to their row (`secrets.rs`):
//! scheduled by migration `20261202000008`, run at start-up, done once.

use async_trait::async_trait;

use super::StoreError;
use crate::secrets::Column;

/// The name of the upgrade in `pending_upgrades`.
pub const SECRETS_BOUND_TO_ROWS: &str = "secrets_bound_to_rows";

/// Re-seals one stored value found in `column` of the row keyed `row`: `Ok(Some(new))` to
/// replace it, `Ok(None)` when it needs nothing, `Err(())` when it cannot be opened.
pub type Reseal<'a> = dyn Fn(Column, &str, &str) -> Result<Option<String>, ()> + Send + Sync + 'a;

/// What the upgrade did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SealedUpgrade {
    /// False when it had been done before (nothing was read).
    pub ran: bool,
    pub upgraded: u64,
    /// Values that could not be opened: left as they are, and the upgrade stays scheduled.
    pub unreadable: u64,
}

#[async_trait]
pub trait SealedStore: Send + Sync {
    /// If the upgrade is still scheduled: every value of every sealed column goes through
    /// `reseal`, the replaced ones are written (each only if its row still holds what was
    /// read), and the upgrade is marked done when no value was unreadable. One transaction.
    async fn upgrade_sealed(&self, reseal: &Reseal<'_>) -> Result<SealedUpgrade, StoreError>;
}
