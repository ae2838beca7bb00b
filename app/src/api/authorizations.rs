//! Server functions for Assets › Integrations › Authorizations.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::domain::{authorization::AuthorizationInput, views::AuthorizationView, AppError};

#[server]
pub async fn list_authorizations() -> Result<Vec<AuthorizationView>, AppError> {
    super::context::require_user().await?;
    crate::services::console()?.list_authorizations().await
}

#[server]
pub async fn get_authorization(id: String) -> Result<AuthorizationView, AppError> {
    super::context::require_user().await?;
    crate::services::console()?.get_authorization(&id).await
}

/// The Call Back URL this server gives the authorization code grant.
#[server]
pub async fn authorization_call_back_url() -> Result<String, AppError> {
    super::context::require_user().await?;
    Ok(crate::services::console()?.call_back_url())
}

/// Creates (`id` = None) or replaces a profile; the body is the API's JSON shape.
#[server(input = Json)]
pub async fn save_authorization(
    id: Option<String>,
    input: AuthorizationInput,
) -> Result<AuthorizationView, AppError> {
    super::context::require_user().await?;
    crate::services::console()?
        .save_authorization(id.as_deref(), input)
        .await
}

#[server]
pub async fn delete_authorization(id: String) -> Result<(), AppError> {
    super::context::require_user().await?;
    crate::services::console()?.delete_authorization(&id).await
}
