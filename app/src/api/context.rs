//! What server functions take from the request they run in.

use crate::domain::{AppError, CurrentUser};

/// The signed-in user. The server's session middleware has already refused requests without
/// a valid session; this only fails if a server function is reached some other way.
pub async fn require_user() -> Result<CurrentUser, AppError> {
    let axum::Extension(user) = leptos_axum::extract::<axum::Extension<CurrentUser>>()
        .await
        .map_err(|_| AppError::Unauthorized)?;
    Ok(user)
}
