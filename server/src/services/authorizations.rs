//! Authorization profiles: validate with the shared rules, seal the write-only fields, store; Get
//! Access Token for both OAuth 2.0 grants and the Call Back URL's side of the code grant.
//!
//! Guarantees: no secret or token ever leaves here in a view (only which ones are set); an edit
//! that changes what tokens were issued for (type, grant, client, token URL, secrets) drops the
//! stored tokens; a failed token fetch sets Authorization Pending with the reason in plain words;
//! a Call Back URL `state` is used once and expires after ten minutes.

use std::collections::BTreeMap;

use app::domain::{
    authorization::{
        AuthType, AuthorizationInput, AuthorizationSettings, AuthorizationStatus,
        ExistingAuthorization, GrantType, NewAuthorization, SecretField,
    },
    validation::{field, SecretChange},
    views::{AuthorizationView, OAuthCallbackOutcome},
    AppError,
};

use std::sync::Arc;

use app::{
    domain::paging::{ListQuery, Page},
    services::AuthorizationService,
};
use async_trait::async_trait;

use super::{internal, not_found, parse_id, rfc3339, unexpected};
use crate::{
    authorizers::{oauth2_config, open_secrets, seal_tokens, settings_of, AuthorizerRegistry},
    outbound::{auth::oauth2, OutboundClient},
    secrets::{aad, Sealing, Secret, SecretBox},
    store::{
        now_millis, AuthorizationRecord, AuthorizationWrite, PendingFlow, SealedValue, Store,
        StoreError,
    },
};

/// How long a Get Access Token click waits for the browser to come back.
const FLOW_TTL_MS: i64 = 10 * 60 * 1000;

fn view(r: &AuthorizationRecord, call_back_url: &str) -> Result<AuthorizationView, AppError> {
    let settings = settings_of(r).map_err(internal)?;
    let secrets_set = serde_json_keys(r);
    let auth_type = AuthType::parse(&r.auth_type).ok_or_else(|| internal(&r.auth_type))?;
    let code_grant = settings.grant_type == Some(GrantType::AuthorizationCode);
    Ok(AuthorizationView {
        id: r.id.to_string(),
        name: r.name.clone(),
        auth_type,
        call_back_url: (auth_type == AuthType::OAuth2 && code_grant)
            .then(|| call_back_url.to_owned()),
        settings,
        secrets_set,
        access_token_set: r.access_token_enc.is_some(),
        refresh_token_set: r.refresh_token_enc.is_some(),
        token_expires_at: r.token_expires_at.map(rfc3339),
        status: AuthorizationStatus::parse(&r.status).unwrap_or(AuthorizationStatus::Pending),
        status_reason: r.status_reason.clone(),
        updated_at: rfc3339(r.updated_at),
    })
}

/// Which write-only fields are stored. Their names are kept in clear in the settings' sibling
/// list so a view needs no decryption.
fn serde_json_keys(r: &AuthorizationRecord) -> Vec<String> {
    #[derive(serde::Deserialize)]
    struct Names {
        #[serde(default)]
        secrets_set: Vec<String>,
    }
    serde_json::from_str::<Names>(&r.settings)
        .map(|n| n.secrets_set)
        .unwrap_or_default()
}

/// The settings JSON with the names of the stored secrets beside them.
fn settings_json(
    settings: &AuthorizationSettings,
    secrets: &BTreeMap<SecretField, String>,
) -> String {
    let mut value = serde_json::to_value(settings).expect("settings serialize");
    let names: Vec<&str> = secrets.keys().map(|k| k.as_str()).collect();
    value["secrets_set"] = serde_json::json!(names);
    value.to_string()
}

/// What makes stored tokens belong to other credentials than the new settings.
fn token_identity(t: &str, s: &AuthorizationSettings) -> impl PartialEq {
    (
        t.to_owned(),
        s.grant_type,
        s.client_id.clone(),
        s.consumer_id.clone(),
        s.access_token_url.clone(),
        s.scope.clone(),
    )
}

/// The [`AuthorizationService`] of this server.
pub struct Authorizations {
    store: Arc<dyn Store>,
    secrets: Arc<SecretBox>,
    outbound: Arc<OutboundClient>,
    authorizers: Arc<AuthorizerRegistry>,
}

impl Authorizations {
    pub fn new(
        store: Arc<dyn Store>,
        secrets: Arc<SecretBox>,
        outbound: Arc<OutboundClient>,
        authorizers: Arc<AuthorizerRegistry>,
    ) -> Self {
        Authorizations {
            store,
            secrets,
            outbound,
            authorizers,
        }
    }

    async fn authorization_record(&self, id: &str) -> Result<AuthorizationRecord, AppError> {
        self.store
            .get_authorization(parse_id(id, "authorization")?)
            .await
            .map_err(unexpected)?
            .ok_or_else(|| not_found("authorization", id))
    }

    /// The OAuth 2.0 settings of a stored profile, or a validation error on `type`/`grant_type`.
    fn oauth2_of(
        &self,
        r: &AuthorizationRecord,
        grant: GrantType,
    ) -> Result<crate::outbound::auth::OAuth2Config, AppError> {
        let settings = settings_of(r).map_err(internal)?;
        if r.auth_type != AuthType::OAuth2.label() {
            return Err(AppError::validation(
                "type",
                "Only an OAuth 2.0 authorization gets an access token.",
            ));
        }
        if settings.grant_type.unwrap_or_default() != grant {
            return Err(AppError::validation(
                "grant_type",
                format!(
                    "This authorization uses the {} grant.",
                    settings.grant_type.unwrap_or_default()
                ),
            ));
        }
        let secrets = open_secrets(&self.secrets, r).map_err(internal)?;
        Ok(oauth2_config(
            &settings,
            &secrets,
            self.authorizers.call_back_url(),
        ))
    }

    async fn exchange(&self, id: i64, code: &str, flow: &PendingFlow) -> Result<(), String> {
        let record = match self.store.get_authorization(id).await {
            Ok(Some(r)) => r,
            Ok(None) => return Err("The authorization was deleted meanwhile.".into()),
            Err(e) => return Err(unexpected(e).to_string()),
        };
        let cfg = self
            .oauth2_of(&record, GrantType::AuthorizationCode)
            .map_err(|e| e.to_string())?;
        let verifier = self
            .secrets
            .open(&flow.pkce_verifier_enc, aad::PKCE_VERIFIER, &flow.state)
            .map_err(|e| internal(e).to_string())?;
        let tokens = oauth2::exchange_code(&self.outbound, &cfg, code, &verifier)
            .await
            .map_err(|e| format!("Could not get an access token: {}", e.message()))?;
        let write = seal_tokens(&self.secrets, id, &tokens);
        self.store
            .save_tokens(id, &write)
            .await
            .map_err(|e| unexpected(e).to_string())?;
        self.authorizers.forget(id);
        Ok(())
    }
}

#[async_trait]
impl AuthorizationService for Authorizations {
    fn call_back_url(&self) -> String {
        self.authorizers.call_back_url().to_owned()
    }

    async fn list(&self, query: &ListQuery) -> Result<Page<AuthorizationView>, AppError> {
        let rows = self
            .store
            .list_authorizations(query)
            .await
            .map_err(unexpected)?;
        let call_back_url = self.authorizers.call_back_url();
        let views = rows
            .iter()
            .map(|r| view(r, call_back_url))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Page::from_probe(views, query.limit, |v| v.id.clone()))
    }

    async fn get(&self, id: &str) -> Result<AuthorizationView, AppError> {
        view(
            &self.authorization_record(id).await?,
            self.authorizers.call_back_url(),
        )
    }

    async fn save(
        &self,
        id: Option<&str>,
        input: AuthorizationInput,
    ) -> Result<AuthorizationView, AppError> {
        let stored = match id {
            Some(id) => Some(self.authorization_record(id).await?),
            None => None,
        };
        let stored_secrets = match &stored {
            Some(r) => open_secrets(&self.secrets, r).map_err(internal)?,
            None => BTreeMap::new(),
        };
        let existing = match &stored {
            Some(r) => {
                let before = settings_of(r).map_err(internal)?;
                Some(ExistingAuthorization {
                    secrets_set: stored_secrets.keys().copied().collect(),
                    access_token_url: before.access_token_url,
                    refresh_token_url: before.refresh_token_url,
                })
            }
            None => None,
        };
        let new = NewAuthorization::parse(&input, existing.as_ref()).map_err(|e| {
            AppError::from(e.first().cloned().expect("a refused input has an error"))
        })?;
        let mut secrets = BTreeMap::new();
        let mut secrets_changed = false;
        for (which, change) in &new.secrets {
            let value = match change {
                SecretChange::Set(v) => {
                    secrets_changed |= stored_secrets.get(which) != Some(v);
                    v.clone()
                }
                SecretChange::Keep => stored_secrets[which].clone(),
            };
            secrets.insert(*which, value);
        }
        let auth_type = new.auth_type.label();
        let clear_tokens = match &stored {
            Some(r) => {
                let before = settings_of(r).map_err(internal)?;
                secrets_changed
                    || token_identity(&r.auth_type, &before)
                        != token_identity(auth_type, &new.settings)
            }
            None => false,
        };
        let has_token = stored
            .as_ref()
            .is_some_and(|r| r.access_token_enc.is_some() && !clear_tokens);
        let (status, reason) = if new.auth_type == AuthType::OAuth2 && !has_token {
            (
                AuthorizationStatus::Pending,
                Some("Get an access token first."),
            )
        } else {
            (AuthorizationStatus::Authorized, None)
        };
        let write = AuthorizationWrite {
            name: new.name.as_str().to_owned(),
            auth_type: auth_type.to_owned(),
            settings: settings_json(&new.settings, &secrets),
            secrets_enc: (!secrets.is_empty()).then(|| {
                let json = serde_json::to_string(&secrets).expect("secrets serialize");
                SealedValue::New(Sealing::new(
                    self.secrets.clone(),
                    aad::AUTHORIZATION_SECRETS,
                    Secret::new(json),
                ))
            }),
            status: status.label().to_owned(),
            status_reason: reason.map(str::to_owned),
            clear_tokens,
        };
        let taken = |e: StoreError| match e {
            StoreError::Conflict(_) => AppError::conflict(
                Some(field::NAME),
                format!("An authorization named \"{}\" exists already.", write.name),
            ),
            e => unexpected(e),
        };
        let saved = match stored {
            None => self
                .store
                .insert_authorization(&write)
                .await
                .map_err(taken)?,
            Some(r) => self
                .store
                .update_authorization(r.id, &write)
                .await
                .map_err(taken)?
                .ok_or_else(|| not_found("authorization", &r.id.to_string()))?,
        };
        self.authorizers.forget(saved.id);
        view(&saved, self.authorizers.call_back_url())
    }

    async fn delete(&self, id: &str) -> Result<(), AppError> {
        let n = parse_id(id, "authorization")?;
        let in_use = |users: Vec<String>| {
            AppError::conflict(
                None,
                format!(
                    "This authorization is used by webhooks: {}. Change or delete them first.",
                    users.join(", ")
                ),
            )
        };
        match self.store.delete_authorization(n).await {
            Ok(true) => {
                self.authorizers.forget(n);
                Ok(())
            }
            Ok(false) => Err(not_found("authorization", id)),
            Err(StoreError::Conflict(_)) => Err(in_use(
                self.store
                    .webhooks_using_authorization(n)
                    .await
                    .map_err(unexpected)?,
            )),
            Err(e) => Err(unexpected(e)),
        }
    }

    async fn get_access_token(&self, id: &str) -> Result<AuthorizationView, AppError> {
        let r = self.authorization_record(id).await?;
        let cfg = self.oauth2_of(&r, GrantType::ClientCredentials)?;
        match oauth2::fetch_client_credentials(&self.outbound, &cfg).await {
            Ok(tokens) => {
                let write = seal_tokens(&self.secrets, r.id, &tokens);
                self.store
                    .save_tokens(r.id, &write)
                    .await
                    .map_err(unexpected)?;
                self.authorizers.forget(r.id);
                self.get(id).await
            }
            Err(e) => {
                self.authorizers
                    .sink()
                    .token_failed(r.id, e.message())
                    .await;
                Err(AppError::Validation {
                    field: "access_token_url".into(),
                    message: "Could not get an access token.".into(),
                    detail: Some(e.message().to_owned()),
                    test_call: None,
                })
            }
        }
    }

    async fn start_authorization(&self, id: &str, session: &str) -> Result<String, AppError> {
        let r = self.authorization_record(id).await?;
        let cfg = self.oauth2_of(&r, GrantType::AuthorizationCode)?;
        let request = oauth2::authorization_request(&cfg)
            .map_err(|e| AppError::validation("authorization_url", e.message().to_owned()))?;
        let flow = PendingFlow {
            state: request.state.clone(),
            session: session.to_owned(),
            authorization_id: r.id,
            pkce_verifier_enc: self.secrets.seal(
                request.pkce_verifier.expose(),
                aad::PKCE_VERIFIER,
                &request.state,
            ),
            expires_at: now_millis() + FLOW_TTL_MS,
        };
        self.store
            .insert_pending_flow(&flow)
            .await
            .map_err(unexpected)?;
        Ok(request.url)
    }

    async fn complete_authorization(
        &self,
        state: &str,
        session: &str,
        code: Option<&str>,
        provider_error: Option<&str>,
    ) -> OAuthCallbackOutcome {
        let fail = |id: Option<i64>, message: String| OAuthCallbackOutcome {
            authorization_id: id.map(|i| i.to_string()),
            ok: false,
            message,
        };
        let flow = match self
            .store
            .take_pending_flow(state, session, now_millis())
            .await
        {
            Ok(Some(flow)) => flow,
            Ok(None) => return fail(
                None,
                "This sign-in link is unknown, older than 10 minutes, or was started in another \
                     session: press Get Access Token again."
                    .into(),
            ),
            Err(e) => return fail(None, unexpected(e).to_string()),
        };
        let id = flow.authorization_id;
        if let Some(error) = provider_error {
            let reason = format!("The authorization server refused: {error}.");
            self.authorizers.sink().token_failed(id, &reason).await;
            return fail(Some(id), reason);
        }
        let Some(code) = code.filter(|c| !c.is_empty()) else {
            return fail(
                Some(id),
                "The authorization server sent no code back.".into(),
            );
        };
        match self.exchange(id, code, &flow).await {
            Ok(()) => OAuthCallbackOutcome {
                authorization_id: Some(id.to_string()),
                ok: true,
                message: "Access token received: the authorization is ready.".into(),
            },
            Err(message) => {
                self.authorizers.sink().token_failed(id, &message).await;
                fail(Some(id), message)
            }
        }
    }
}
