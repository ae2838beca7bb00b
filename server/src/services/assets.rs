//! Services, numbers, apps and ESME binds.

use app::domain::{
    assets::{
        AppInput, EsmeBindInput, NewApp, NewEsmeBind, NewNumber, NewService, NumberInput, SaveMode,
        ServiceInput,
    },
    channels::Capability,
    validation::SecretChange,
    views::{AppView, AssetKind, EsmeBindView, NumberView, ServiceView, SmppSessionView},
    AppError,
};

use std::sync::Arc;

use app::{
    domain::paging::{ListQuery, Page},
    services::AssetService,
};
use async_trait::async_trait;

use super::{not_found, parse_id, rfc3339, unexpected};
use crate::{
    secrets::{aad, Sealing, Secret, SecretBox},
    smpp::Sessions,
    store::{
        AppRecord, AssetRef, EsmeBindRecord, EsmeBindWrite, NumberRecord, NumberWrite, SealedValue,
        ServiceRecord, Store, StoreError,
    },
};

/// The [`AssetService`] of this server.
pub struct Assets {
    store: Arc<dyn Store>,
    secrets: Arc<SecretBox>,
    /// The SMPP sessions bound here: an ESME bind's view lists its own.
    sessions: Arc<Sessions>,
}

impl Assets {
    pub fn new(store: Arc<dyn Store>, secrets: Arc<SecretBox>, sessions: Arc<Sessions>) -> Self {
        Assets {
            store,
            secrets,
            sessions,
        }
    }

    fn esme_bind_view(&self, r: EsmeBindRecord) -> EsmeBindView {
        let sessions = self
            .sessions
            .of(r.id)
            .into_iter()
            .map(|s| SmppSessionView {
                bound_at: rfc3339(s.bound_at),
                peer: s.peer.to_string(),
                bind_type: s.bind_type.as_str().to_owned(),
            })
            .collect();
        EsmeBindView {
            id: r.id.to_string(),
            system_id: r.system_id,
            description: r.description,
            password_set: !r.password_enc.is_empty(),
            updated_at: rfc3339(r.updated_at),
            sessions,
        }
    }

    /// An app's type decides which events its webhooks may tick: it cannot change under them.
    async fn refuse_type_change_in_use(&self, id: i64, app_type: &str) -> Result<(), AppError> {
        let Some(stored) = self.store.get_app(id).await.map_err(unexpected)? else {
            return Ok(());
        };
        if stored.app_type == app_type {
            return Ok(());
        }
        let users = self
            .store
            .webhooks_using(AssetRef::App(id))
            .await
            .map_err(unexpected)?;
        if users.is_empty() {
            return Ok(());
        }
        Err(AppError::conflict(
            Some("app_type"),
            format!(
                "The app type cannot change while webhooks use this app: {}.",
                users.join(", ")
            ),
        ))
    }
}

/// A page of `items` read with one extra (see [`ListQuery`]), each turned into its view.
pub(super) fn page<R, V>(
    items: Vec<R>,
    query: &ListQuery,
    view: impl Fn(R) -> V,
    id: fn(&V) -> &str,
) -> Page<V> {
    Page::from_probe(items.into_iter().map(view).collect(), query.limit, |v| {
        id(v).to_owned()
    })
}

pub(super) fn service_view(r: ServiceRecord) -> ServiceView {
    ServiceView {
        id: r.id.to_string(),
        name: r.name,
        updated_at: rfc3339(r.updated_at),
    }
}

pub(super) fn capabilities(r: &NumberRecord) -> Vec<Capability> {
    [
        (r.sms, Capability::Sms),
        (r.mms, Capability::Mms),
        (r.voice, Capability::Voice),
    ]
    .into_iter()
    .filter_map(|(has, c)| has.then_some(c))
    .collect()
}

pub(super) fn number_view(r: NumberRecord) -> NumberView {
    NumberView {
        id: r.id.to_string(),
        capabilities: capabilities(&r)
            .iter()
            .map(|c| c.label().to_owned())
            .collect(),
        number: r.number,
        updated_at: rfc3339(r.updated_at),
    }
}

pub(super) fn app_view(r: AppRecord) -> AppView {
    AppView {
        id: r.id.to_string(),
        name: r.name,
        app_type: r.app_type,
        updated_at: rfc3339(r.updated_at),
    }
}

/// A uniqueness conflict as the user should read it.
fn taken(e: StoreError, field: &str, what: String) -> AppError {
    match e {
        StoreError::Conflict(_) => AppError::conflict(Some(field), what),
        e => unexpected(e),
    }
}

fn first_error(e: app::domain::validation::ValidationErrors) -> AppError {
    AppError::from(e)
}

#[async_trait]
impl AssetService for Assets {
    async fn list_services(&self, query: &ListQuery) -> Result<Page<ServiceView>, AppError> {
        let rows = self.store.list_services(query).await.map_err(unexpected)?;
        Ok(page(rows, query, service_view, |v| &v.id))
    }

    async fn get_service(&self, id: &str) -> Result<ServiceView, AppError> {
        let found = self
            .store
            .get_service(parse_id(id, "service")?)
            .await
            .map_err(unexpected)?;
        found
            .map(service_view)
            .ok_or_else(|| not_found("service", id))
    }

    async fn save_service(
        &self,
        id: Option<&str>,
        input: ServiceInput,
    ) -> Result<ServiceView, AppError> {
        let new = NewService::parse(&input).map_err(first_error)?;
        let name = new.name.as_str();
        let taken_msg = || format!("A service named \"{name}\" exists already.");
        let saved = match id {
            None => self
                .store
                .insert_service(name)
                .await
                .map_err(|e| taken(e, "name", taken_msg()))?,
            Some(id) => self
                .store
                .update_service(parse_id(id, "service")?, name)
                .await
                .map_err(|e| taken(e, "name", taken_msg()))?
                .ok_or_else(|| not_found("service", id))?,
        };
        Ok(service_view(saved))
    }

    async fn list_numbers(&self, query: &ListQuery) -> Result<Page<NumberView>, AppError> {
        let rows = self.store.list_numbers(query).await.map_err(unexpected)?;
        Ok(page(rows, query, number_view, |v| &v.id))
    }

    async fn get_number(&self, id: &str) -> Result<NumberView, AppError> {
        let found = self
            .store
            .get_number(parse_id(id, "number")?)
            .await
            .map_err(unexpected)?;
        found
            .map(number_view)
            .ok_or_else(|| not_found("number", id))
    }

    async fn save_number(
        &self,
        id: Option<&str>,
        input: NumberInput,
    ) -> Result<NumberView, AppError> {
        let new = NewNumber::parse(&input).map_err(first_error)?;
        let write = NumberWrite {
            number: new.number.as_str().to_owned(),
            sms: new.capabilities.contains(&Capability::Sms),
            mms: new.capabilities.contains(&Capability::Mms),
            voice: new.capabilities.contains(&Capability::Voice),
        };
        let taken_msg = || format!("The number {} exists already.", write.number);
        let saved = match id {
            None => self
                .store
                .insert_number(&write)
                .await
                .map_err(|e| taken(e, "number", taken_msg()))?,
            Some(id) => self
                .store
                .update_number(parse_id(id, "number")?, &write)
                .await
                .map_err(|e| taken(e, "number", taken_msg()))?
                .ok_or_else(|| not_found("number", id))?,
        };
        Ok(number_view(saved))
    }

    async fn list_apps(&self, query: &ListQuery) -> Result<Page<AppView>, AppError> {
        let rows = self.store.list_apps(query).await.map_err(unexpected)?;
        Ok(page(rows, query, app_view, |v| &v.id))
    }

    async fn get_app(&self, id: &str) -> Result<AppView, AppError> {
        let found = self
            .store
            .get_app(parse_id(id, "app")?)
            .await
            .map_err(unexpected)?;
        found.map(app_view).ok_or_else(|| not_found("app", id))
    }

    async fn save_app(&self, id: Option<&str>, input: AppInput) -> Result<AppView, AppError> {
        let new = NewApp::parse(&input).map_err(first_error)?;
        let (name, app_type) = (new.name.as_str(), new.app_type.label());
        let taken_msg = || format!("An app named \"{name}\" exists already.");
        let saved = match id {
            None => self
                .store
                .insert_app(name, app_type)
                .await
                .map_err(|e| taken(e, "name", taken_msg()))?,
            Some(id) => {
                let id_num = parse_id(id, "app")?;
                self.refuse_type_change_in_use(id_num, app_type).await?;
                self.store
                    .update_app(id_num, name, app_type)
                    .await
                    .map_err(|e| taken(e, "name", taken_msg()))?
                    .ok_or_else(|| not_found("app", id))?
            }
        };
        Ok(app_view(saved))
    }

    async fn list_esme_binds(&self, query: &ListQuery) -> Result<Page<EsmeBindView>, AppError> {
        let rows = self
            .store
            .list_esme_binds(query)
            .await
            .map_err(unexpected)?;
        Ok(page(rows, query, |r| self.esme_bind_view(r), |v| &v.id))
    }

    async fn get_esme_bind(&self, id: &str) -> Result<EsmeBindView, AppError> {
        let found = self
            .store
            .get_esme_bind(parse_id(id, "ESME bind")?)
            .await
            .map_err(unexpected)?;
        found
            .map(|r| self.esme_bind_view(r))
            .ok_or_else(|| not_found("ESME bind", id))
    }

    async fn save_esme_bind(
        &self,
        id: Option<&str>,
        input: EsmeBindInput,
    ) -> Result<EsmeBindView, AppError> {
        let mode = if id.is_some() {
            SaveMode::Update
        } else {
            SaveMode::Create
        };
        let new = NewEsmeBind::parse(&input, mode).map_err(first_error)?;
        let write = EsmeBindWrite {
            system_id: new.system_id.as_str().to_owned(),
            password_enc: match &new.password {
                SecretChange::Set(p) => Some(SealedValue::New(Sealing::new(
                    self.secrets.clone(),
                    aad::ESME_PASSWORD,
                    Secret::new(p.expose()),
                ))),
                SecretChange::Keep => None,
            },
            description: new.description.clone(),
        };
        let taken_msg = || {
            format!(
                "An ESME bind with system ID \"{}\" exists already.",
                write.system_id
            )
        };
        let saved = match id {
            None => self
                .store
                .insert_esme_bind(&write)
                .await
                .map_err(|e| taken(e, "system_id", taken_msg()))?,
            Some(id) => self
                .store
                .update_esme_bind(parse_id(id, "ESME bind")?, &write)
                .await
                .map_err(|e| taken(e, "system_id", taken_msg()))?
                .ok_or_else(|| not_found("ESME bind", id))?,
        };
        Ok(self.esme_bind_view(saved))
    }

    async fn delete_asset(&self, kind: AssetKind, id: &str) -> Result<(), AppError> {
        let n = parse_id(id, kind.noun())?;
        let asset = match kind {
            AssetKind::Service => AssetRef::Service(n),
            AssetKind::Number => AssetRef::Number(n),
            AssetKind::App => AssetRef::App(n),
            AssetKind::EsmeBind => AssetRef::EsmeBind(n),
        };
        let in_use = |users: Vec<String>| {
            AppError::conflict(
                None,
                format!(
                    "This {} is used by webhooks: {}. Delete or change them first.",
                    kind.noun(),
                    users.join(", ")
                ),
            )
        };
        let users = self.store.webhooks_using(asset).await.map_err(unexpected)?;
        if !users.is_empty() {
            return Err(in_use(users));
        }
        match self.store.delete_asset(asset).await {
            Ok(true) => Ok(()),
            Ok(false) => Err(not_found(kind.noun(), id)),
            // A webhook took it between the check and the delete.
            Err(StoreError::Conflict(_)) => Err(in_use(
                self.store.webhooks_using(asset).await.map_err(unexpected)?,
            )),
            Err(e) => Err(unexpected(e)),
        }
    }
}
