//! Services, numbers, apps and ESME binds.

use async_trait::async_trait;

use crate::domain::{
    assets::{AppInput, EsmeBindInput, NumberInput, ServiceInput},
    paging::{ListQuery, Page},
    views::{AppView, AssetKind, EsmeBindView, NumberView, ServiceView},
    AppError,
};

/// `id: None` creates; `Some(id)` replaces the whole object. Lists are newest first; `q` matches
/// the name (the number, the system ID or description of an ESME bind), ignoring case.
#[async_trait]
pub trait AssetService: Send + Sync + 'static {
    async fn list_services(&self, query: &ListQuery) -> Result<Page<ServiceView>, AppError>;
    async fn get_service(&self, id: &str) -> Result<ServiceView, AppError>;
    async fn save_service(
        &self,
        id: Option<&str>,
        input: ServiceInput,
    ) -> Result<ServiceView, AppError>;

    async fn list_numbers(&self, query: &ListQuery) -> Result<Page<NumberView>, AppError>;
    async fn get_number(&self, id: &str) -> Result<NumberView, AppError>;
    async fn save_number(
        &self,
        id: Option<&str>,
        input: NumberInput,
    ) -> Result<NumberView, AppError>;

    async fn list_apps(&self, query: &ListQuery) -> Result<Page<AppView>, AppError>;
    async fn get_app(&self, id: &str) -> Result<AppView, AppError>;
    async fn save_app(&self, id: Option<&str>, input: AppInput) -> Result<AppView, AppError>;

    async fn list_esme_binds(&self, query: &ListQuery) -> Result<Page<EsmeBindView>, AppError>;
    async fn get_esme_bind(&self, id: &str) -> Result<EsmeBindView, AppError>;
    async fn save_esme_bind(
        &self,
        id: Option<&str>,
        input: EsmeBindInput,
    ) -> Result<EsmeBindView, AppError>;

    /// Refused with a conflict naming the webhooks while any uses the asset.
    async fn delete_asset(&self, kind: AssetKind, id: &str) -> Result<(), AppError>;
}
