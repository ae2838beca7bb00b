//! Loading a configuration document into an empty store: everything is checked first (the
//! document, its references, every sealed secret against the key), then written row by row
//! through the store, each secret sealed again for the row it lands in.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::sync::Arc;

use app::domain::authorization::{AuthType, AuthorizationStatus};
use app::domain::channels::Notification;

use super::{Configuration, TransferError, FORMAT, VERSION};
use crate::secrets::{aad, Column, Sealing, SecretBox};
use crate::store::{
    AuthorizationWrite, EntityId, EsmeBindWrite, ListQuery, NumberWrite, SealedValue, Store,
    StoreError, TokensWrite, WebhookWrite,
};

/// What an import wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportSummary {
    pub services: usize,
    pub numbers: usize,
    pub apps: usize,
    pub esme_binds: usize,
    pub authorizations: usize,
    pub webhooks: usize,
    /// Rows whose id in the target differs from the document's (references follow them).
    pub renumbered: usize,
}

impl fmt::Display for ImportSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "imported {} services, {} numbers, {} apps, {} ESME binds, {} authorizations, {} \
             webhooks",
            self.services,
            self.numbers,
            self.apps,
            self.esme_binds,
            self.authorizations,
            self.webhooks
        )?;
        match self.renumbered {
            0 => f.write_str(" (every id kept)"),
            n => write!(f, " ({n} rows got new ids; references follow them)"),
        }
    }
}

/// The document in `text`, if it is one this version reads.
pub fn parse(text: &str) -> Result<Configuration, TransferError> {
    // Read the header first, so that another kind of file or a later version gets a message
    // that says so instead of a complaint about its first unknown field.
    #[derive(serde::Deserialize)]
    struct Header {
        format: Option<String>,
        version: Option<u32>,
    }
    let header: Header = serde_json::from_str(text)
        .map_err(|e| TransferError::Invalid(format!("the file is not a JSON object: {e}")))?;
    if header.format.as_deref() != Some(FORMAT) {
        return Err(TransferError::Invalid(format!(
            "the file is not a webhooks-console configuration (`format` must be \"{FORMAT}\"; \
             make one with `webhooks-console export`)"
        )));
    }
    if header.version != Some(VERSION) {
        return Err(TransferError::Invalid(format!(
            "this build reads configuration version {VERSION}; the file has version {}",
            header.version.map_or("none".into(), |v| v.to_string())
        )));
    }
    serde_json::from_str(text).map_err(|e| TransferError::Invalid(format!("{e}")))
}

/// Writes `doc` into `store`, which must hold no configuration. `secrets` must be made from the
/// key file the document's secrets were sealed with.
pub async fn import(
    store: &dyn Store,
    secrets: &Arc<SecretBox>,
    doc: &Configuration,
) -> Result<ImportSummary, TransferError> {
    let plan = Plan::check(doc, secrets)?;
    ensure_empty(store).await?;
    plan.write(store, secrets).await
}

async fn ensure_empty(store: &dyn Store) -> Result<(), TransferError> {
    let one = ListQuery {
        q: None,
        limit: 1,
        before: None,
    };
    if !store.has_no_assets().await? {
        return Err(TransferError::NotEmpty("assets"));
    }
    if !store.list_authorizations(&one).await?.is_empty() {
        return Err(TransferError::NotEmpty("authorizations"));
    }
    if !store.list_webhooks(&one).await?.is_empty() {
        return Err(TransferError::NotEmpty("webhooks"));
    }
    Ok(())
}

/// The document, checked: ids parsed, references resolved, secrets opened.
struct Plan<'a> {
    doc: &'a Configuration,
    esme_passwords: Vec<crate::secrets::Secret>,
    authorizations: Vec<CheckedAuthorization>,
    webhooks: Vec<CheckedWebhook>,
    total: usize,
}

struct CheckedAuthorization {
    settings: String,
    secrets: Option<crate::secrets::Secret>,
    access_token: Option<crate::secrets::Secret>,
    refresh_token: Option<crate::secrets::Secret>,
    expires_at: Option<i64>,
}

struct CheckedWebhook {
    /// The entity as the document names it (old id).
    entity: EntityId,
    hub: Option<(String, crate::secrets::Secret)>,
    authorization: Option<i64>,
    esme_bind: Option<i64>,
}

impl<'a> Plan<'a> {
    fn check(doc: &'a Configuration, secrets: &SecretBox) -> Result<Plan<'a>, TransferError> {
        let services = ids("services", doc.services.iter().map(|s| &s.id))?;
        let numbers = ids("numbers", doc.numbers.iter().map(|n| &n.id))?;
        let apps = ids("apps", doc.apps.iter().map(|a| &a.id))?;
        let binds = ids("esme_binds", doc.esme_binds.iter().map(|e| &e.id))?;
        let profiles = ids("authorizations", doc.authorizations.iter().map(|a| &a.id))?;
        let hooks = ids("webhooks", doc.webhooks.iter().map(|w| &w.id))?;
        let set = |ids: &[i64]| ids.iter().copied().collect::<HashSet<i64>>();
        let (service_set, number_set, app_set) = (set(&services), set(&numbers), set(&apps));
        let (bind_set, profile_set) = (set(&binds), set(&profiles));

        let open = |stored: &str, column: Column, row: i64, at: String| {
            secrets.open(stored, column, row).map_err(|e| {
                TransferError::Invalid(format!(
                    "{at}: {e}; export and import need the same --secret-key-file"
                ))
            })
        };

        let esme_passwords = doc
            .esme_binds
            .iter()
            .zip(&binds)
            .enumerate()
            .map(|(i, (e, &id))| {
                open(
                    &e.password_sealed,
                    aad::ESME_PASSWORD,
                    id,
                    format!("esme_binds/{i}/password_sealed"),
                )
            })
            .collect::<Result<_, _>>()?;

        let mut authorizations = Vec::new();
        for (i, (a, &id)) in doc.authorizations.iter().zip(&profiles).enumerate() {
            let at = |field: &str| format!("authorizations/{i}/{field}");
            if AuthType::parse(&a.auth_type).is_none() {
                return Err(invalid(
                    at("type"),
                    format!("must be one of {}", AuthType::labels()),
                ));
            }
            if AuthorizationStatus::parse(&a.status).is_none() {
                return Err(invalid(
                    at("status"),
                    format!("must be one of {}", AuthorizationStatus::labels()),
                ));
            }
            if !a.settings.is_object() {
                return Err(invalid(at("settings"), "must be a JSON object".into()));
            }
            let sealed = |value: &Option<String>, column, field: &str| {
                value
                    .as_deref()
                    .map(|v| open(v, column, id, at(field)))
                    .transpose()
            };
            let expires_at = a
                .token_expires_at
                .as_deref()
                .map(|t| {
                    chrono::DateTime::parse_from_rfc3339(t)
                        .map(|t| t.timestamp_millis())
                        .map_err(|_| {
                            invalid(at("token_expires_at"), "must be an RFC 3339 time".into())
                        })
                })
                .transpose()?;
            authorizations.push(CheckedAuthorization {
                settings: a.settings.to_string(),
                secrets: sealed(
                    &a.secrets_sealed,
                    aad::AUTHORIZATION_SECRETS,
                    "secrets_sealed",
                )?,
                access_token: sealed(
                    &a.access_token_sealed,
                    aad::ACCESS_TOKEN,
                    "access_token_sealed",
                )?,
                refresh_token: sealed(
                    &a.refresh_token_sealed,
                    aad::REFRESH_TOKEN,
                    "refresh_token_sealed",
                )?,
                expires_at,
            });
        }

        let mut webhooks = Vec::new();
        for (i, (w, &id)) in doc.webhooks.iter().zip(&hooks).enumerate() {
            let at = |field: &str| format!("webhooks/{i}/{field}");
            let reference = |raw: &str, known: &HashSet<i64>, field: &str, what: &str| {
                raw.parse::<i64>()
                    .ok()
                    .filter(|id| known.contains(id))
                    .ok_or_else(|| invalid(at(field), format!("names no {what} of this file")))
            };
            let entity = match w.entity.kind.as_str() {
                "service" => EntityId::Service(reference(
                    &w.entity.id,
                    &service_set,
                    "entity/id",
                    "service",
                )?),
                "number" => {
                    EntityId::Number(reference(&w.entity.id, &number_set, "entity/id", "number")?)
                }
                "app" => EntityId::App(reference(&w.entity.id, &app_set, "entity/id", "app")?),
                _ => {
                    return Err(invalid(
                        at("entity/kind"),
                        "must be \"service\", \"number\" or \"app\"".into(),
                    ))
                }
            };
            let hub = match &w.hub_signature {
                None => None,
                Some(h) => {
                    // SHA1 only survives on legacy webhooks: the API refuses it for new ones,
                    // but a webhook that has it must keep signing the way its receiver checks.
                    if !matches!(h.algorithm.as_str(), "sha1" | "sha256" | "sha512") {
                        return Err(invalid(
                            at("hub_signature/algorithm"),
                            "must be \"sha1\", \"sha256\" or \"sha512\"".into(),
                        ));
                    }
                    let secret = open(
                        &h.secret_sealed,
                        aad::HUB_SECRET,
                        id,
                        at("hub_signature/secret_sealed"),
                    )?;
                    Some((h.algorithm.clone(), secret))
                }
            };
            for (n, pair) in w.notifications.iter().enumerate() {
                if Notification::lookup(&pair.channel, &pair.event).is_none() {
                    return Err(invalid(
                        at(&format!("notifications/{n}")),
                        format!(
                            "\"{}\" › \"{}\" is no known notification",
                            pair.channel, pair.event
                        ),
                    ));
                }
            }
            webhooks.push(CheckedWebhook {
                entity,
                hub,
                authorization: w
                    .authorization_id
                    .as_deref()
                    .map(|raw| reference(raw, &profile_set, "authorization_id", "authorization"))
                    .transpose()?,
                esme_bind: w
                    .esme_bind_id
                    .as_deref()
                    .map(|raw| reference(raw, &bind_set, "esme_bind_id", "ESME bind"))
                    .transpose()?,
            });
        }

        let total = services.len()
            + numbers.len()
            + apps.len()
            + binds.len()
            + profiles.len()
            + hooks.len();
        Ok(Plan {
            doc,
            esme_passwords,
            authorizations,
            webhooks,
            total,
        })
    }

    async fn write(
        self,
        store: &dyn Store,
        secrets: &Arc<SecretBox>,
    ) -> Result<ImportSummary, TransferError> {
        let doc = self.doc;
        let mut progress = Progress {
            written: 0,
            total: self.total,
            renumbered: 0,
        };
        let seal = |column, secret: &crate::secrets::Secret| {
            SealedValue::New(Sealing::new(secrets.clone(), column, secret.clone()))
        };
        // Old id → new id, per kind.
        let mut services = HashMap::new();
        let mut numbers = HashMap::new();
        let mut apps = HashMap::new();
        let mut binds = HashMap::new();
        let mut profiles = HashMap::new();

        for (i, s) in doc.services.iter().enumerate() {
            let row = progress.at(format!("services/{i}"), store.insert_service(&s.name).await)?;
            services.insert(progress.keep(&s.id, row.id), row.id);
        }
        for (i, n) in doc.numbers.iter().enumerate() {
            let new = NumberWrite {
                number: n.number.clone(),
                sms: n.sms,
                mms: n.mms,
                voice: n.voice,
            };
            let row = progress.at(format!("numbers/{i}"), store.insert_number(&new).await)?;
            numbers.insert(progress.keep(&n.id, row.id), row.id);
        }
        for (i, a) in doc.apps.iter().enumerate() {
            let row = progress.at(
                format!("apps/{i}"),
                store.insert_app(&a.name, &a.app_type).await,
            )?;
            apps.insert(progress.keep(&a.id, row.id), row.id);
        }
        for (i, (e, password)) in doc.esme_binds.iter().zip(&self.esme_passwords).enumerate() {
            let new = EsmeBindWrite {
                system_id: e.system_id.clone(),
                password_enc: Some(seal(aad::ESME_PASSWORD, password)),
                description: e.description.clone(),
            };
            let row = progress.at(
                format!("esme_binds/{i}"),
                store.insert_esme_bind(&new).await,
            )?;
            binds.insert(progress.keep(&e.id, row.id), row.id);
        }
        for (i, (a, checked)) in doc
            .authorizations
            .iter()
            .zip(&self.authorizations)
            .enumerate()
        {
            let at = format!("authorizations/{i}");
            let new = AuthorizationWrite {
                name: a.name.clone(),
                auth_type: a.auth_type.clone(),
                settings: checked.settings.clone(),
                secrets_enc: checked
                    .secrets
                    .as_ref()
                    .map(|s| seal(aad::AUTHORIZATION_SECRETS, s)),
                status: a.status.clone(),
                status_reason: a.status_reason.clone(),
                clear_tokens: false,
            };
            let row = progress.at(at.clone(), store.insert_authorization(&new).await)?;
            if let Some(access) = &checked.access_token {
                // Tokens are stored after the row exists: they are sealed for its id.
                let tokens = TokensWrite {
                    access_token_enc: secrets.seal(access.expose(), aad::ACCESS_TOKEN, row.id),
                    refresh_token_enc: checked
                        .refresh_token
                        .as_ref()
                        .map(|r| secrets.seal(r.expose(), aad::REFRESH_TOKEN, row.id)),
                    expires_at: checked.expires_at,
                };
                progress.at(at.clone(), store.save_tokens(row.id, &tokens).await)?;
                // Saving tokens marks the profile Authorized; keep the status it had.
                progress.at(
                    at.clone(),
                    store
                        .set_authorization_status(row.id, &a.status, a.status_reason.as_deref())
                        .await,
                )?;
            }
            profiles.insert(progress.keep(&a.id, row.id), row.id);
        }
        for (i, (w, checked)) in doc.webhooks.iter().zip(&self.webhooks).enumerate() {
            let entity = match checked.entity {
                EntityId::Service(old) => EntityId::Service(services[&old]),
                EntityId::Number(old) => EntityId::Number(numbers[&old]),
                EntityId::App(old) => EntityId::App(apps[&old]),
            };
            let new = WebhookWrite {
                name: w.name.clone(),
                entity,
                url: w.url.clone(),
                hub_algorithm: checked.hub.as_ref().map(|(algorithm, _)| algorithm.clone()),
                hub_secret_enc: checked.hub.as_ref().map(|(_, s)| seal(aad::HUB_SECRET, s)),
                authorization_id: checked.authorization.map(|old| profiles[&old]),
                esme_bind_id: checked.esme_bind.map(|old| binds[&old]),
                enabled: w.enabled,
                max_in_flight: w.max_in_flight,
                rate_per_second: w.rate_per_second,
                notifications: w
                    .notifications
                    .iter()
                    .map(|n| (n.channel.clone(), n.event.clone()))
                    .collect(),
            };
            let row = progress.at(format!("webhooks/{i}"), store.insert_webhook(&new).await)?;
            progress.keep(&w.id, row.id);
        }

        Ok(ImportSummary {
            services: doc.services.len(),
            numbers: doc.numbers.len(),
            apps: doc.apps.len(),
            esme_binds: doc.esme_binds.len(),
            authorizations: doc.authorizations.len(),
            webhooks: doc.webhooks.len(),
            renumbered: progress.renumbered,
        })
    }
}

/// How far the writes got, for the message of a failure part way.
struct Progress {
    written: usize,
    total: usize,
    renumbered: usize,
}

impl Progress {
    fn at<T>(&self, at: String, result: Result<T, StoreError>) -> Result<T, TransferError> {
        result.map_err(|source| TransferError::Partial {
            written: self.written,
            total: self.total,
            at,
            source,
        })
    }

    /// Counts a row written with `new` for the document's `old` id; returns the old id.
    fn keep(&mut self, old: &str, new: i64) -> i64 {
        self.written += 1;
        // Parsed already by `ids`.
        let old: i64 = old.parse().unwrap_or_default();
        if old != new {
            self.renumbered += 1;
        }
        old
    }
}

/// The ids of one list, each a positive integer and none twice.
fn ids<'s>(list: &str, raw: impl Iterator<Item = &'s String>) -> Result<Vec<i64>, TransferError> {
    let (mut ids, mut seen) = (Vec::new(), HashSet::new());
    for (i, id) in raw.enumerate() {
        let parsed = id.parse::<i64>().ok().filter(|id| *id > 0).ok_or_else(|| {
            invalid(
                format!("{list}/{i}/id"),
                "must be a positive integer id".into(),
            )
        })?;
        if !seen.insert(parsed) {
            return Err(invalid(
                format!("{list}/{i}/id"),
                format!("{id} is given twice"),
            ));
        }
        ids.push(parsed);
    }
    Ok(ids)
}

fn invalid(at: String, message: String) -> TransferError {
    TransferError::Invalid(format!("{at}: {message}"))
}
