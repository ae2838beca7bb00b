//! Server functions for the Assets pages: list (paged, searched), read, save (create or replace)
//! and delete services, numbers, apps and ESME binds. Each is a thin adapter over the asset
//! service: the signed-in user, the input parsed with `domain` types, one service call.

use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::domain::assets::{AppInput, EsmeBindInput, NumberInput, ServiceInput};
use crate::domain::{
    paging::{ListQueryInput, Page},
    views::{AppView, AssetKind, EsmeBindView, NumberView, ServiceView},
    AppError,
};

#[cfg(feature = "ssr")]
async fn assets() -> Result<std::sync::Arc<dyn crate::services::AssetService>, AppError> {
    super::context::require_user().await?;
    Ok(crate::services::services()?.assets)
}

#[cfg(feature = "ssr")]
fn page(query: &ListQueryInput) -> Result<crate::domain::paging::ListQuery, AppError> {
    crate::domain::paging::ListQuery::parse(query)
}

#[server]
pub async fn list_services(
    #[server(default)] query: ListQueryInput,
) -> Result<Page<ServiceView>, AppError> {
    assets().await?.list_services(&page(&query)?).await
}

#[server]
pub async fn get_service(id: String) -> Result<ServiceView, AppError> {
    assets().await?.get_service(&id).await
}

/// `id` empty or absent creates; otherwise replaces that service.
#[server]
pub async fn save_service(id: Option<String>, name: String) -> Result<ServiceView, AppError> {
    let id = id.filter(|s| !s.is_empty());
    assets()
        .await?
        .save_service(id.as_deref(), ServiceInput { name })
        .await
}

#[server]
pub async fn list_numbers(
    #[server(default)] query: ListQueryInput,
) -> Result<Page<NumberView>, AppError> {
    assets().await?.list_numbers(&page(&query)?).await
}

#[server]
pub async fn get_number(id: String) -> Result<NumberView, AppError> {
    assets().await?.get_number(&id).await
}

/// `capabilities` holds the ticked labels ("SMS", "MMS", "Voice").
#[server]
pub async fn save_number(
    id: Option<String>,
    number: String,
    #[server(default)] capabilities: Vec<String>,
) -> Result<NumberView, AppError> {
    let id = id.filter(|s| !s.is_empty());
    let input = NumberInput {
        number,
        capabilities,
    };
    assets().await?.save_number(id.as_deref(), input).await
}

#[server]
pub async fn list_apps(
    #[server(default)] query: ListQueryInput,
) -> Result<Page<AppView>, AppError> {
    assets().await?.list_apps(&page(&query)?).await
}

#[server]
pub async fn get_app(id: String) -> Result<AppView, AppError> {
    assets().await?.get_app(&id).await
}

#[server]
pub async fn save_app(
    id: Option<String>,
    name: String,
    app_type: String,
) -> Result<AppView, AppError> {
    let id = id.filter(|s| !s.is_empty());
    assets()
        .await?
        .save_app(id.as_deref(), AppInput { name, app_type })
        .await
}

#[server]
pub async fn list_esme_binds(
    #[server(default)] query: ListQueryInput,
) -> Result<Page<EsmeBindView>, AppError> {
    assets().await?.list_esme_binds(&page(&query)?).await
}

#[server]
pub async fn get_esme_bind(id: String) -> Result<EsmeBindView, AppError> {
    assets().await?.get_esme_bind(&id).await
}

/// An empty `password` on an existing bind keeps the stored one.
#[server]
pub async fn save_esme_bind(
    id: Option<String>,
    system_id: String,
    #[server(default)] password: Option<String>,
    #[server(default)] description: String,
) -> Result<EsmeBindView, AppError> {
    let id = id.filter(|s| !s.is_empty());
    let input = EsmeBindInput {
        system_id,
        password,
        description,
    };
    assets().await?.save_esme_bind(id.as_deref(), input).await
}

/// Refused (with the webhooks' names) while a webhook uses the asset.
#[server]
pub async fn delete_asset(kind: AssetKind, id: String) -> Result<(), AppError> {
    assets().await?.delete_asset(kind, &id).await
}
