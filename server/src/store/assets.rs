//! Assets: services, numbers, apps and ESME binds (rows as stored; views are built above).

use async_trait::async_trait;

use super::{ListQuery, Millis, SealedValue, StoreError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceRecord {
    pub id: i64,
    pub name: String,
    pub updated_at: Millis,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberRecord {
    pub id: i64,
    pub number: String,
    pub sms: bool,
    pub mms: bool,
    pub voice: bool,
    pub updated_at: Millis,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberWrite {
    pub number: String,
    pub sms: bool,
    pub mms: bool,
    pub voice: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppRecord {
    pub id: i64,
    pub name: String,
    /// The channel label, e.g. "WhatsApp".
    pub app_type: String,
    pub updated_at: Millis,
}

#[derive(Clone, PartialEq, Eq)]
pub struct EsmeBindRecord {
    pub id: i64,
    pub system_id: String,
    /// Sealed (see `secrets`), never the password itself.
    pub password_enc: String,
    pub description: String,
    pub updated_at: Millis,
}

impl std::fmt::Debug for EsmeBindRecord {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EsmeBindRecord")
            .field("id", &self.id)
            .field("system_id", &self.system_id)
            .finish_non_exhaustive()
    }
}

#[derive(Clone)]
pub struct EsmeBindWrite {
    pub system_id: String,
    /// `None` keeps the stored password (updates only).
    pub password_enc: Option<SealedValue>,
    pub description: String,
}

/// An asset a webhook can point at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AssetRef {
    Service(i64),
    Number(i64),
    App(i64),
    EsmeBind(i64),
}

/// Lists are pages (see [`ListQuery`]): services and apps are searched by name, numbers by
/// number, ESME binds by system ID and description. `update_*`/`delete_*` answer `None`/`false` for an unknown id;
/// a name already used is `StoreError::Conflict("<table>_<column>")`, and deleting an asset a
/// webhook still uses is `StoreError::Conflict("in_use")`.
#[async_trait]
pub trait AssetStore: Send + Sync {
    async fn list_services(&self, page: &ListQuery) -> Result<Vec<ServiceRecord>, StoreError>;
    async fn get_service(&self, id: i64) -> Result<Option<ServiceRecord>, StoreError>;
    async fn insert_service(&self, name: &str) -> Result<ServiceRecord, StoreError>;
    async fn update_service(
        &self,
        id: i64,
        name: &str,
    ) -> Result<Option<ServiceRecord>, StoreError>;

    async fn list_numbers(&self, page: &ListQuery) -> Result<Vec<NumberRecord>, StoreError>;
    async fn get_number(&self, id: i64) -> Result<Option<NumberRecord>, StoreError>;
    async fn insert_number(&self, new: &NumberWrite) -> Result<NumberRecord, StoreError>;
    async fn update_number(
        &self,
        id: i64,
        new: &NumberWrite,
    ) -> Result<Option<NumberRecord>, StoreError>;

    async fn list_apps(&self, page: &ListQuery) -> Result<Vec<AppRecord>, StoreError>;
    async fn get_app(&self, id: i64) -> Result<Option<AppRecord>, StoreError>;
    async fn insert_app(&self, name: &str, app_type: &str) -> Result<AppRecord, StoreError>;
    async fn update_app(
        &self,
        id: i64,
        name: &str,
        app_type: &str,
    ) -> Result<Option<AppRecord>, StoreError>;

    async fn list_esme_binds(&self, page: &ListQuery) -> Result<Vec<EsmeBindRecord>, StoreError>;
    async fn get_esme_bind(&self, id: i64) -> Result<Option<EsmeBindRecord>, StoreError>;
    /// The ESME bind an ESME names in its bind PDU (system IDs are unique; exact match).
    async fn find_esme_bind(&self, system_id: &str) -> Result<Option<EsmeBindRecord>, StoreError>;
    /// `new.password_enc` must be `Some` here.
    async fn insert_esme_bind(&self, new: &EsmeBindWrite) -> Result<EsmeBindRecord, StoreError>;
    async fn update_esme_bind(
        &self,
        id: i64,
        new: &EsmeBindWrite,
    ) -> Result<Option<EsmeBindRecord>, StoreError>;

    /// The services, numbers and apps with these ids (unknown ids are left out): what an ingest
    /// request's routing keys name, read in one statement per kind.
    async fn services_in(&self, ids: &[i64]) -> Result<Vec<ServiceRecord>, StoreError>;
    async fn numbers_in(&self, ids: &[i64]) -> Result<Vec<NumberRecord>, StoreError>;
    async fn apps_in(&self, ids: &[i64]) -> Result<Vec<AppRecord>, StoreError>;

    /// Deletes an asset unless a webhook uses it.
    async fn delete_asset(&self, asset: AssetRef) -> Result<bool, StoreError>;
    /// Names of the webhooks using `asset` (as entity, or as the SMPP bind).
    async fn webhooks_using(&self, asset: AssetRef) -> Result<Vec<String>, StoreError>;
    /// True when the database holds no asset of any kind (for `--demo-data`).
    async fn has_no_assets(&self) -> Result<bool, StoreError>;
}
