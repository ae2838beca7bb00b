//! Server functions for the Assets pages: list, save (create or replace) and delete services,
//! numbers, apps and ESME binds. Each is a thin adapter over the console service.

use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::domain::assets::{AppInput, EsmeBindInput, NumberInput, ServiceInput};
use crate::domain::{
    views::{AppView, AssetKind, EsmeBindView, NumberView, ServiceView},
    AppError,
};

#[server]
pub async fn list_services() -> Result<Vec<ServiceView>, AppError> {
    super::context::require_user().await?;
    crate::services::console()?.list_services().await
}

/// `id` empty or absent creates; otherwise replaces that service.
#[server]
pub async fn save_service(id: Option<String>, name: String) -> Result<ServiceView, AppError> {
    super::context::require_user().await?;
    let id = id.filter(|s| !s.is_empty());
    crate::services::console()?
        .save_service(id.as_deref(), ServiceInput { name })
        .await
}

#[server]
pub async fn list_numbers() -> Result<Vec<NumberView>, AppError> {
    super::context::require_user().await?;
    crate::services::console()?.list_numbers().await
}

/// `capabilities` holds the ticked labels ("SMS", "MMS", "Voice").
#[server]
pub async fn save_number(
    id: Option<String>,
    number: String,
    #[server(default)] capabilities: Vec<String>,
) -> Result<NumberView, AppError> {
    super::context::require_user().await?;
    let id = id.filter(|s| !s.is_empty());
    crate::services::console()?
        .save_number(
            id.as_deref(),
            NumberInput {
                number,
                capabilities,
            },
        )
        .await
}

#[server]
pub async fn list_apps() -> Result<Vec<AppView>, AppError> {
    super::context::require_user().await?;
    crate::services::console()?.list_apps().await
}

#[server]
pub async fn save_app(
    id: Option<String>,
    name: String,
    app_type: String,
) -> Result<AppView, AppError> {
    super::context::require_user().await?;
    let id = id.filter(|s| !s.is_empty());
    crate::services::console()?
        .save_app(id.as_deref(), AppInput { name, app_type })
        .await
}

#[server]
pub async fn list_esme_binds() -> Result<Vec<EsmeBindView>, AppError> {
    super::context::require_user().await?;
    crate::services::console()?.list_esme_binds().await
}

/// An empty `password` on an existing bind keeps the stored one.
#[server]
pub async fn save_esme_bind(
    id: Option<String>,
    system_id: String,
    #[server(default)] password: Option<String>,
    #[server(default)] description: String,
) -> Result<EsmeBindView, AppError> {
    super::context::require_user().await?;
    let id = id.filter(|s| !s.is_empty());
    let input = EsmeBindInput {
        system_id,
        password,
        description,
    };
    crate::services::console()?
        .save_esme_bind(id.as_deref(), input)
        .await
}

/// Refused (with the webhooks' names) while a webhook uses the asset.
#[server]
pub async fn delete_asset(kind: AssetKind, id: String) -> Result<(), AppError> {
    super::context::require_user().await?;
    crate::services::console()?.delete_asset(kind, &id).await
}
