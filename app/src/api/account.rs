//! The signed-in account.

use leptos::prelude::*;

use crate::domain::{AppError, CurrentUser};

/// The user the console is being used by (shown in the header).
#[server]
pub async fn signed_in_user() -> Result<CurrentUser, AppError> {
    super::context::require_user().await
}
