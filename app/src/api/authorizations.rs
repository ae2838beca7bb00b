//! Server functions for Assets › Integrations › Authorizations.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;

use crate::domain::{
    authorization::AuthorizationInput,
    paging::{ListQueryInput, Page},
    views::AuthorizationView,
    AppError,
};

#[cfg(feature = "ssr")]
async fn authorizations(
) -> Result<std::sync::Arc<dyn crate::services::AuthorizationService>, AppError> {
    super::context::require_user().await?;
    Ok(crate::services::services()?.authorizations)
}

#[server]
pub async fn list_authorizations(
    #[server(default)] query: ListQueryInput,
) -> Result<Page<AuthorizationView>, AppError> {
    let query = crate::domain::paging::ListQuery::parse(&query)?;
    authorizations().await?.list(&query).await
}

#[server]
pub async fn get_authorization(id: String) -> Result<AuthorizationView, AppError> {
    authorizations().await?.get(&id).await
}

/// The Call Back URL this server gives the authorization code grant.
#[server]
pub async fn authorization_call_back_url() -> Result<String, AppError> {
    Ok(authorizations().await?.call_back_url())
}

/// Creates (`id` = None) or replaces a profile; the body is the API's JSON shape.
#[server(input = Json)]
pub async fn save_authorization(
    id: Option<String>,
    input: AuthorizationInput,
) -> Result<AuthorizationView, AppError> {
    authorizations().await?.save(id.as_deref(), input).await
}

#[server]
pub async fn delete_authorization(id: String) -> Result<(), AppError> {
    authorizations().await?.delete(&id).await
}
