//! Reading the whole configuration out of a store, as it is stored (secrets still sealed).

use std::future::Future;

use app::domain::time::{rfc3339, rfc3339_millis};

use super::{
    App, Authorization, Configuration, Entity, EsmeBind, HubSignature, Notification, Number,
    Service, TransferError, Webhook, FORMAT, VERSION,
};
use crate::store::{
    AppRecord, AuthorizationRecord, EsmeBindRecord, ListQuery, NumberRecord, ServiceRecord, Store,
    StoreError, WebhookRecord,
};

/// Rows per list call: the stores' largest page.
const PAGE: u32 = 1000;

/// The configuration held by `store`, every list oldest first.
pub async fn export(store: &dyn Store) -> Result<Configuration, TransferError> {
    let services = all(
        |q| async move { store.list_services(&q).await },
        |r: &ServiceRecord| r.id,
    )
    .await?;
    let numbers = all(
        |q| async move { store.list_numbers(&q).await },
        |r: &NumberRecord| r.id,
    )
    .await?;
    let apps = all(
        |q| async move { store.list_apps(&q).await },
        |r: &AppRecord| r.id,
    )
    .await?;
    let esme_binds = all(
        |q| async move { store.list_esme_binds(&q).await },
        |r: &EsmeBindRecord| r.id,
    )
    .await?;
    let authorizations = all(
        |q| async move { store.list_authorizations(&q).await },
        |r: &AuthorizationRecord| r.id,
    )
    .await?;
    let webhooks = all(
        |q| async move { store.list_webhooks(&q).await },
        |r: &WebhookRecord| r.id,
    )
    .await?;

    Ok(Configuration {
        format: FORMAT.to_owned(),
        version: VERSION,
        exported_at: rfc3339(crate::store::now_millis()),
        services: services
            .into_iter()
            .map(|s| Service {
                id: s.id.to_string(),
                name: s.name,
            })
            .collect(),
        numbers: numbers
            .into_iter()
            .map(|n| Number {
                id: n.id.to_string(),
                number: n.number,
                sms: n.sms,
                mms: n.mms,
                voice: n.voice,
            })
            .collect(),
        apps: apps
            .into_iter()
            .map(|a| App {
                id: a.id.to_string(),
                name: a.name,
                app_type: a.app_type,
            })
            .collect(),
        esme_binds: esme_binds
            .into_iter()
            .map(|e| EsmeBind {
                id: e.id.to_string(),
                system_id: e.system_id,
                description: e.description,
                password_sealed: e.password_enc,
            })
            .collect(),
        authorizations: authorizations
            .into_iter()
            .map(|a| {
                Ok(Authorization {
                    id: a.id.to_string(),
                    name: a.name,
                    auth_type: a.auth_type,
                    // Stored as JSON text by the service layer; a row that is not JSON is
                    // reported rather than exported as something import would refuse.
                    settings: serde_json::from_str(&a.settings).map_err(|e| {
                        TransferError::Invalid(format!(
                            "authorization {} has settings that are not JSON: {e}",
                            a.id
                        ))
                    })?,
                    secrets_sealed: a.secrets_enc,
                    access_token_sealed: a.access_token_enc,
                    refresh_token_sealed: a.refresh_token_enc,
                    token_expires_at: a.token_expires_at.map(rfc3339_millis),
                    status: a.status,
                    status_reason: a.status_reason,
                })
            })
            .collect::<Result<_, TransferError>>()?,
        webhooks: webhooks
            .into_iter()
            .map(|w| Webhook {
                id: w.id.to_string(),
                name: w.name,
                entity: Entity {
                    kind: w.entity.kind().to_owned(),
                    id: w.entity.id().to_string(),
                },
                url: w.url,
                hub_signature: match (w.hub_algorithm, w.hub_secret_enc) {
                    (Some(algorithm), Some(secret_sealed)) => Some(HubSignature {
                        algorithm,
                        secret_sealed,
                    }),
                    _ => None,
                },
                authorization_id: w.authorization_id.map(|id| id.to_string()),
                esme_bind_id: w.esme_bind_id.map(|id| id.to_string()),
                enabled: w.enabled,
                max_in_flight: w.max_in_flight,
                rate_per_second: w.rate_per_second,
                notifications: w
                    .notifications
                    .into_iter()
                    .map(|(channel, event)| Notification { channel, event })
                    .collect(),
            })
            .collect(),
    })
}

/// Every row of one list, walking its pages (newest first), returned oldest first.
async fn all<T, F, Fut>(mut page: F, id: impl Fn(&T) -> i64) -> Result<Vec<T>, StoreError>
where
    F: FnMut(ListQuery) -> Fut,
    Fut: Future<Output = Result<Vec<T>, StoreError>>,
{
    let mut rows = Vec::new();
    let mut before = None;
    loop {
        let mut batch = page(ListQuery {
            q: None,
            limit: PAGE,
            before,
        })
        .await?;
        // A store answers up to `limit + 1` rows; the extra one only says there is more.
        let more = batch.len() > PAGE as usize;
        batch.truncate(PAGE as usize);
        before = batch.last().map(&id);
        rows.extend(batch);
        if !more {
            break;
        }
    }
    rows.reverse();
    Ok(rows)
}
