//! Outbound webhooks: validate with the shared rules, check what only the server knows (the
//! entity, the ESME bind and the authorization exist), make the test call when the URL or the
//! authorization is new, seal the hub secret, store.

use app::domain::{
    channels::EntityFacts,
    validation::{field, SecretChange},
    views::{
        Choice, EntityRefView, ForwardToSmppView, HubSignatureView, NotificationView,
        WebhookFormOptions, WebhookView,
    },
    webhook::{Existing, HttpsUrl, HubAlgorithm, NewWebhook, ParseContext, TestCall, WebhookInput},
    AppError,
};

use std::sync::Arc;

use app::{
    domain::{
        authorization::{AuthorizationStatus, GrantType},
        paging::{ListQuery, Page},
        views::WebhookHealthView,
        webhook::DeliverySettings,
    },
    services::WebhookService,
};
use async_trait::async_trait;

use super::{
    assets::{app_view, capabilities, number_view, service_view},
    internal, not_found, parse_id, rfc3339, unexpected,
};
use crate::{
    authorizers::{settings_of, AuthorizerRegistry},
    outbound::{test_call, Authorizer, NoAuth, OutboundClient},
    secrets::{aad, Sealing, Secret, SecretBox},
    store::{
        latency, now_millis, AuthorizationRecord, EntityId, SealedValue, Store, StoreError,
        WebhookRecord, WebhookWrite,
    },
};

/// The [`WebhookService`] of this server.
pub struct Webhooks {
    store: Arc<dyn Store>,
    secrets: Arc<SecretBox>,
    outbound: Arc<OutboundClient>,
    /// The live authorizers the test call applies (shared with the dispatcher).
    authorizers: Arc<AuthorizerRegistry>,
}

/// A webhook's view; `latency` is its attempt histogram over the last day.
fn view(r: WebhookRecord, latency: &[(i64, u64)]) -> WebhookView {
    WebhookView {
        id: r.id.to_string(),
        name: r.name,
        entity: EntityRefView {
            kind: r.entity.kind().into(),
            id: r.entity.id().to_string(),
            name: r.entity_name,
        },
        url: r.url,
        notifications: r
            .notifications
            .into_iter()
            .map(|(channel, event)| NotificationView { channel, event })
            .collect(),
        hub_signature: r.hub_algorithm.map(|algorithm| HubSignatureView {
            algorithm,
            secret_set: r.hub_secret_enc.is_some(),
        }),
        authorization_id: r.authorization_id.map(|id| id.to_string()),
        forward_to_smpp: r.esme_bind_id.map(|id| ForwardToSmppView {
            esme_bind_id: id.to_string(),
        }),
        status: if r.enabled { "Active" } else { "Disabled" }.into(),
        enabled: r.enabled,
        updated_at: rfc3339(r.updated_at),
        delivery: DeliverySettings {
            max_in_flight: r.max_in_flight,
            rate_per_second: r.rate_per_second,
        },
        health: WebhookHealthView {
            consecutive_failures: r.consecutive_failures.max(0) as u64,
            last_success_at: r.last_success_at.map(rfc3339),
            p50_ms: latency::percentile(latency, 0.50),
            p99_ms: latency::percentile(latency, 0.99),
        },
    }
}

/// The health window (SPEC §8: latency over the last 24 hours).
const HEALTH_WINDOW_MS: i64 = 24 * 3_600_000;

impl Webhooks {
    /// Views of `rows`, with their health (one latency read for all of them).
    async fn views(&self, rows: Vec<WebhookRecord>) -> Result<Vec<WebhookView>, AppError> {
        let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
        let latency = self
            .store
            .latency_of(&ids, now_millis() - HEALTH_WINDOW_MS)
            .await
            .map_err(unexpected)?;
        Ok(rows
            .into_iter()
            .map(|r| {
                let h = latency.get(&r.id).map(Vec::as_slice).unwrap_or_default();
                view(r, h)
            })
            .collect())
    }

    async fn one_view(&self, r: WebhookRecord) -> Result<WebhookView, AppError> {
        Ok(self.views(vec![r]).await?.remove(0))
    }

    pub fn new(
        store: Arc<dyn Store>,
        secrets: Arc<SecretBox>,
        outbound: Arc<OutboundClient>,
        authorizers: Arc<AuthorizerRegistry>,
    ) -> Self {
        Webhooks {
            store,
            secrets,
            outbound,
            authorizers,
        }
    }

    /// The entity named by the input, with what decides its notifications; `None` if unknown.
    async fn entity(
        &self,
        kind: &str,
        id: &str,
    ) -> Result<Option<(EntityId, EntityFacts)>, AppError> {
        let Ok(n) = id.trim().parse::<i64>() else {
            return Ok(None);
        };
        Ok(match kind {
            "service" => self
                .store
                .get_service(n)
                .await
                .map_err(unexpected)?
                .map(|_| (EntityId::Service(n), EntityFacts::service())),
            "number" => self
                .store
                .get_number(n)
                .await
                .map_err(unexpected)?
                .map(|r| (EntityId::Number(n), EntityFacts::number(capabilities(&r)))),
            "app" => match self.store.get_app(n).await.map_err(unexpected)? {
                Some(r) => app::domain::channels::AppType::parse(&r.app_type)
                    .map(|t| (EntityId::App(n), EntityFacts::app(t))),
                None => None,
            },
            _ => None,
        })
    }

    async fn esme_bind_id(&self, raw: &str) -> Result<i64, AppError> {
        let missing = || {
            AppError::validation(
                field::ESME_BIND_ID,
                format!("No ESME bind has the id \"{raw}\"."),
            )
        };
        let n = raw.trim().parse::<i64>().map_err(|_| missing())?;
        match self.store.get_esme_bind(n).await.map_err(unexpected)? {
            Some(_) => Ok(n),
            None => Err(missing()),
        }
    }

    /// The stored profile an `authorization_id` names, usable for a test call.
    async fn authorization_for_webhook(&self, raw: &str) -> Result<AuthorizationRecord, AppError> {
        let missing = || {
            AppError::validation(
                field::AUTHORIZATION_ID,
                format!("No authorization has the id \"{raw}\"."),
            )
        };
        let n = raw.trim().parse::<i64>().map_err(|_| missing())?;
        let record = self
            .store
            .get_authorization(n)
            .await
            .map_err(unexpected)?
            .ok_or_else(missing)?;
        if record.status == AuthorizationStatus::Pending.label() {
            let code_grant = settings_of(&record)
                .map(|s| s.grant_type == Some(GrantType::AuthorizationCode))
                .unwrap_or(false);
            if code_grant && record.access_token_enc.is_none() {
                return Err(AppError::validation(
                    field::AUTHORIZATION_ID,
                    format!(
                        "The authorization \"{}\" has no access token yet: get an access token first.",
                        record.name
                    ),
                ));
            }
        }
        Ok(record)
    }

    /// Why a write was refused for a reference whose row is gone: it was deleted after the
    /// checks above (typically while the test call ran). The same 422 the checks would give
    /// now, on the reference's own field.
    async fn reference_gone(&self, input: &WebhookInput, new: &NewWebhook) -> AppError {
        if let Some(e) = &input.entity {
            match self.entity(&e.kind, &e.id).await {
                Ok(Some(_)) => {}
                Ok(None) => {
                    return AppError::validation(
                        field::ENTITY,
                        "The entity was deleted while the webhook was being saved.",
                    )
                }
                Err(e) => return e,
            }
        }
        if let Some(bind) = &new.forward_to_smpp_esme_bind_id {
            if let Err(e) = self.esme_bind_id(bind).await {
                return e;
            }
        }
        if let Some(a) = &new.authorization_id {
            if let Err(e) = self.authorization_for_webhook(a).await {
                return e;
            }
        }
        AppError::conflict(
            None,
            "Something this webhook refers to changed while it was being saved; save it again.",
        )
    }

    /// SPEC §3: only an exact 200 to `HEAD url`, with the webhook's authorization applied, lets
    /// the webhook be saved; a refusal carries the steps (CONTRACT §4) and, as `detail`, what
    /// the failed step saw.
    async fn test_call(
        &self,
        url: &str,
        authorization: Option<&AuthorizationRecord>,
    ) -> Result<(), AppError> {
        let call = self.run_test_call(url, authorization).await?;
        match call.failure() {
            None if call.ok => Ok(()),
            failed => Err(AppError::Validation {
                field: field::URL.into(),
                message:
                    "The test call to this URL did not get 200 OK, so the webhook was not saved."
                        .into(),
                detail: failed.map(|step| step.detail.clone()),
                test_call: Some(Box::new(call)),
            }),
        }
    }

    /// One test call with `authorization` applied (none: no `auth` step).
    async fn run_test_call(
        &self,
        url: &str,
        authorization: Option<&AuthorizationRecord>,
    ) -> Result<TestCall, AppError> {
        let authorizer: Arc<dyn Authorizer> = match authorization {
            Some(r) => self.authorizers.authorizer_for(r).map_err(internal)?,
            None => Arc::new(NoAuth),
        };
        Ok(test_call(&self.outbound, url, authorizer.as_ref()).await)
    }
}

#[async_trait]
impl WebhookService for Webhooks {
    async fn list(&self, query: &ListQuery) -> Result<Page<WebhookView>, AppError> {
        let rows = self.store.list_webhooks(query).await.map_err(unexpected)?;
        self.views(rows)
            .await
            .map(|views| Page::from_probe(views, query.limit, |v| v.id.clone()))
    }

    async fn get(&self, id: &str) -> Result<WebhookView, AppError> {
        let found = self
            .store
            .get_webhook(parse_id(id, "webhook")?)
            .await
            .map_err(unexpected)?;
        let found = found.ok_or_else(|| not_found("webhook", id))?;
        self.one_view(found).await
    }

    async fn save(&self, id: Option<&str>, input: WebhookInput) -> Result<WebhookView, AppError> {
        let stored = match id {
            Some(id) => Some(
                self.store
                    .get_webhook(parse_id(id, "webhook")?)
                    .await
                    .map_err(unexpected)?
                    .ok_or_else(|| not_found("webhook", id))?,
            ),
            None => None,
        };
        let entity = match &input.entity {
            Some(e) => self.entity(&e.kind, &e.id).await?,
            None => None,
        };
        let ctx = ParseContext {
            entity: entity.as_ref().map(|(_, facts)| facts.clone()),
            existing: stored.as_ref().map(|w| Existing {
                notifications: w.notifications.clone(),
                hub_algorithm: w.hub_algorithm.as_deref().and_then(HubAlgorithm::parse),
                hub_secret_set: w.hub_secret_enc.is_some(),
                url: w.url.clone(),
            }),
        };
        let new = NewWebhook::parse(&input, &ctx).map_err(AppError::from)?;
        let (entity_id, _) = entity.expect("parse refuses an unknown entity");
        let esme_bind_id = match &new.forward_to_smpp_esme_bind_id {
            Some(bind) => Some(self.esme_bind_id(bind).await?),
            None => None,
        };
        let authorization = match &new.authorization_id {
            Some(a) => Some(self.authorization_for_webhook(a).await?),
            None => None,
        };
        let authorization_id = authorization.as_ref().map(|r| r.id);
        let url_is_new = stored
            .as_ref()
            .is_none_or(|w| w.url != new.url.as_str() || w.authorization_id != authorization_id);
        if url_is_new {
            self.test_call(new.url.as_str(), authorization.as_ref())
                .await?;
        }
        let (hub_algorithm, hub_secret_enc) = match &new.hub {
            None => (None, None),
            Some(hub) => {
                let sealed = match &hub.secret {
                    SecretChange::Set(secret) => Some(SealedValue::New(Sealing::new(
                        self.secrets.clone(),
                        aad::HUB_SECRET,
                        Secret::new(secret.expose()),
                    ))),
                    SecretChange::Keep => stored
                        .as_ref()
                        .and_then(|w| w.hub_secret_enc.clone())
                        .map(SealedValue::Kept),
                };
                (Some(hub.algorithm.as_str().to_owned()), sealed)
            }
        };
        let write = WebhookWrite {
            name: new.name.as_str().to_owned(),
            entity: entity_id,
            url: new.url.as_str().to_owned(),
            hub_algorithm,
            hub_secret_enc,
            authorization_id,
            esme_bind_id,
            enabled: new.enabled,
            max_in_flight: new.delivery.max_in_flight,
            rate_per_second: new.delivery.rate_per_second,
            notifications: new
                .notifications
                .iter()
                .map(|n| (n.channel_label().to_owned(), n.event_label().to_owned()))
                .collect(),
        };
        let saved = match &stored {
            None => self.store.insert_webhook(&write).await.map(Some),
            Some(w) => self.store.update_webhook(w.id, &write).await,
        };
        let saved = match saved {
            Ok(Some(saved)) => saved,
            Ok(None) => return Err(not_found("webhook", id.unwrap_or_default())),
            Err(StoreError::Conflict("webhooks_reference")) => {
                return Err(self.reference_gone(&input, &new).await)
            }
            Err(StoreError::Conflict(_)) => {
                return Err(AppError::conflict(
                    Some(field::NAME),
                    format!(
                        "A webhook named \"{}\" exists already for this entity.",
                        write.name
                    ),
                ))
            }
            Err(e) => return Err(unexpected(e)),
        };
        self.one_view(saved).await
    }

    async fn delete(&self, id: &str) -> Result<(), AppError> {
        match self
            .store
            .delete_webhook(parse_id(id, "webhook")?)
            .await
            .map_err(unexpected)?
        {
            true => Ok(()),
            false => Err(not_found("webhook", id)),
        }
    }

    async fn test_call(
        &self,
        url: &str,
        authorization_id: Option<&str>,
    ) -> Result<TestCall, AppError> {
        let url = HttpsUrl::parse(url).map_err(AppError::from)?;
        let authorization = match authorization_id.map(str::trim).filter(|a| !a.is_empty()) {
            Some(a) => Some(self.authorization_for_webhook(a).await?),
            None => None,
        };
        self.run_test_call(url.as_str(), authorization.as_ref())
            .await
    }

    async fn form_options(&self) -> Result<WebhookFormOptions, AppError> {
        // Why every item (up to the list maximum): the form's selects offer them all.
        let all = ListQuery::all();
        let services = self.store.list_services(&all).await.map_err(unexpected)?;
        let numbers = self.store.list_numbers(&all).await.map_err(unexpected)?;
        let apps = self.store.list_apps(&all).await.map_err(unexpected)?;
        let binds = self.store.list_esme_binds(&all).await.map_err(unexpected)?;
        Ok(WebhookFormOptions {
            services: services.into_iter().map(service_view).collect(),
            numbers: numbers.into_iter().map(number_view).collect(),
            apps: apps.into_iter().map(app_view).collect(),
            esme_binds: binds
                .into_iter()
                .map(|b| Choice {
                    id: b.id.to_string(),
                    label: if b.description.is_empty() {
                        b.system_id
                    } else {
                        format!("{} — {}", b.system_id, b.description)
                    },
                })
                .collect(),
            authorizations: self
                .store
                .list_authorizations(&all)
                .await
                .map_err(unexpected)?
                .into_iter()
                .map(|a| Choice {
                    id: a.id.to_string(),
                    label: format!("{} ({})", a.name, a.auth_type),
                })
                .collect(),
        })
    }
}
