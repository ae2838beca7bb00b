//! The live authorizers of the stored profiles ([`AuthorizerRegistry`], the server's
//! [`AuthorizerSource`]) and where their OAuth 2.0 tokens go ([`StoreTokenSink`]).
//!
//! Guarantees: one live `Authorizer` per profile, so a token is fetched once and shared by every
//! test call and delivery; it is rebuilt from the store when the profile's `updated_at` changed
//! (an edit) or when the console dropped it (tokens obtained through Get Access Token), and never
//! otherwise, so its token cache and Digest nonce count survive between requests. Secrets and tokens
//! are opened only here, into [`Secret`]s, and sealed back with AAD naming their column.

use std::{
    collections::{BTreeMap, HashMap},
    sync::{Arc, Mutex},
    time::Duration,
};

use app::domain::authorization::{AuthType, AuthorizationSettings, GrantType, SecretField};
use async_trait::async_trait;

use crate::{
    outbound::{
        auth::{
            authorizer, ApiKeyConfig, AuthProfile, AwsConfig, BasicConfig, DigestConfig,
            OAuth2Config, TokenSet, TokenSink,
        },
        Authorizer, AuthorizerSource, OutboundError,
    },
    secrets::{Secret, SecretBox},
    store::{AuthorizationRecord, Millis, Store, TokensWrite},
};

/// AAD of the sealed JSON object of a profile's write-only fields.
pub(crate) const SECRETS_AAD: &[u8] = b"authorizations.secrets";
pub(crate) const ACCESS_TOKEN_AAD: &[u8] = b"authorizations.access_token";
pub(crate) const REFRESH_TOKEN_AAD: &[u8] = b"authorizations.refresh_token";
pub(crate) const PKCE_AAD: &[u8] = b"oauth_pending_flows.pkce_verifier";

/// Why a stored profile cannot be turned into an [`AuthProfile`] (a damaged row or a lost key).
#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    #[error("the stored settings cannot be read")]
    Settings(#[source] serde_json::Error),
    #[error("the stored secrets cannot be opened (was the secret key file replaced?)")]
    Secrets,
    #[error("the stored type {0:?} is unknown")]
    Type(String),
}

/// Opens the sealed write-only fields of a record.
pub(crate) fn open_secrets(
    secrets: &SecretBox,
    record: &AuthorizationRecord,
) -> Result<BTreeMap<SecretField, String>, ProfileError> {
    let Some(sealed) = &record.secrets_enc else {
        return Ok(BTreeMap::new());
    };
    let json = secrets
        .open(sealed, SECRETS_AAD)
        .map_err(|_| ProfileError::Secrets)?;
    serde_json::from_str(json.expose()).map_err(|_| ProfileError::Secrets)
}

pub(crate) fn settings_of(
    record: &AuthorizationRecord,
) -> Result<AuthorizationSettings, ProfileError> {
    serde_json::from_str(&record.settings).map_err(ProfileError::Settings)
}

/// The stored tokens of a record, opened.
fn tokens_of(
    secrets: &SecretBox,
    r: &AuthorizationRecord,
) -> Result<Option<TokenSet>, ProfileError> {
    let Some(access) = &r.access_token_enc else {
        return Ok(None);
    };
    let open = |sealed: &str, aad| secrets.open(sealed, aad).map_err(|_| ProfileError::Secrets);
    Ok(Some(TokenSet {
        access_token: open(access, ACCESS_TOKEN_AAD)?,
        refresh_token: r
            .refresh_token_enc
            .as_deref()
            .map(|s| open(s, REFRESH_TOKEN_AAD))
            .transpose()?,
        expires_at: r.token_expires_at,
    }))
}

/// The OAuth 2.0 part of a profile, as the outbound flows take it.
pub(crate) fn oauth2_config(
    s: &AuthorizationSettings,
    secret: &BTreeMap<SecretField, String>,
    call_back_url: &str,
) -> OAuth2Config {
    let grant = s.grant_type.unwrap_or_default();
    let code = grant == GrantType::AuthorizationCode;
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let secret_of = |f| Secret::new(secret.get(&f).cloned().unwrap_or_default());
    OAuth2Config {
        grant,
        client_id: if code {
            text(&s.consumer_id)
        } else {
            text(&s.client_id)
        },
        client_secret: secret_of(if code {
            SecretField::ConsumerSecret
        } else {
            SecretField::ClientSecret
        }),
        authorization_url: s.authorization_url.clone(),
        redirect_url: code.then(|| call_back_url.to_owned()),
        scope: s.scope.clone(),
        access_token_url: text(&s.access_token_url),
        refresh_token_url: s.refresh_token_url.clone(),
        validity: s
            .limited_validity
            .unwrap_or(false)
            .then_some(s.validity)
            .flatten()
            .map(Duration::from_secs),
        token_method: s.access_token_url_method.unwrap_or_default(),
        parameter_type: s.access_token_url_parameter_type.unwrap_or_default(),
        extra_headers: s
            .access_token_url_headers
            .iter()
            .flat_map(|h| h.0.iter().map(|kv| (kv.key.clone(), kv.value.clone())))
            .collect(),
        client_authentication: s.client_authentication.unwrap_or_default(),
    }
}

/// A stored record as the outbound code applies it.
pub(crate) fn profile_of(
    secrets: &SecretBox,
    r: &AuthorizationRecord,
    call_back_url: &str,
) -> Result<AuthProfile, ProfileError> {
    let s = settings_of(r)?;
    let secret = open_secrets(secrets, r)?;
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let secret_of = |f| Secret::new(secret.get(&f).cloned().unwrap_or_default());
    let t = AuthType::parse(&r.auth_type).ok_or_else(|| ProfileError::Type(r.auth_type.clone()))?;
    Ok(match t {
        AuthType::NoAuth => AuthProfile::NoAuth,
        AuthType::Basic => AuthProfile::Basic(BasicConfig {
            username: text(&s.username),
            password: secret_of(SecretField::Password),
        }),
        AuthType::Digest => AuthProfile::Digest(DigestConfig {
            username: text(&s.username),
            password: secret_of(SecretField::Password),
            realm: s.realm.clone(),
            nonce: s.nonce.clone(),
            opaque: s.opaque.clone(),
            algorithm: s.algorithm.unwrap_or_default(),
            qop: s.qop.unwrap_or_default(),
            nonce_count: s.nonce_count,
            client_nonce: s.client_nonce.clone(),
        }),
        AuthType::AwsSignature => AuthProfile::Aws(AwsConfig {
            access_key: text(&s.access_key),
            secret_key: secret_of(SecretField::SecretKey),
            region: text(&s.region),
            service_name: text(&s.service_name),
        }),
        AuthType::ApiKey => AuthProfile::ApiKey(ApiKeyConfig {
            key: text(&s.key),
            value: secret_of(SecretField::KeyValue),
            add_to: s.add_to.unwrap_or_default(),
        }),
        AuthType::OAuth2 => AuthProfile::OAuth2 {
            authorization_id: r.id,
            config: oauth2_config(&s, &secret, call_back_url),
            tokens: tokens_of(secrets, r)?,
        },
    })
}

/// Seals tokens for the store.
pub(crate) fn seal_tokens(secrets: &SecretBox, tokens: &TokenSet) -> TokensWrite {
    TokensWrite {
        access_token_enc: secrets.seal(tokens.access_token.expose(), ACCESS_TOKEN_AAD),
        refresh_token_enc: tokens
            .refresh_token
            .as_ref()
            .map(|t| secrets.seal(t.expose(), REFRESH_TOKEN_AAD)),
        expires_at: tokens.expires_at,
    }
}

/// Keeps what live OAuth 2.0 authorizers fetch: sealed tokens, and the status they imply.
pub struct StoreTokenSink {
    store: Arc<dyn Store>,
    secrets: Arc<SecretBox>,
}

#[async_trait]
impl TokenSink for StoreTokenSink {
    async fn tokens_refreshed(&self, authorization_id: i64, tokens: &TokenSet) {
        let write = seal_tokens(&self.secrets, tokens);
        if let Err(error) = self.store.save_tokens(authorization_id, &write).await {
            tracing::error!(authorization_id, ?error, "could not store refreshed tokens");
        }
    }

    async fn token_failed(&self, authorization_id: i64, reason: &str) {
        let status = app::domain::authorization::AuthorizationStatus::Pending.label();
        if let Err(error) = self
            .store
            .set_authorization_status(authorization_id, status, Some(reason))
            .await
        {
            tracing::error!(
                authorization_id,
                ?error,
                "could not store the token failure"
            );
        }
    }
}

/// A live authorizer and the profile's `updated_at` it was built from.
type Live = (Millis, Arc<dyn Authorizer>);

/// The server's [`AuthorizerSource`]: one live authorizer per stored profile.
pub struct AuthorizerRegistry {
    store: Arc<dyn Store>,
    secrets: Arc<SecretBox>,
    sink: Arc<StoreTokenSink>,
    call_back_url: String,
    live: Mutex<HashMap<i64, Live>>,
}

impl AuthorizerRegistry {
    pub fn new(store: Arc<dyn Store>, secrets: Arc<SecretBox>, call_back_url: String) -> Self {
        let sink = Arc::new(StoreTokenSink {
            store: store.clone(),
            secrets: secrets.clone(),
        });
        AuthorizerRegistry {
            store,
            secrets,
            sink,
            call_back_url,
            live: Mutex::new(HashMap::new()),
        }
    }

    /// The Call Back URL of the authorization-code grant.
    pub fn call_back_url(&self) -> &str {
        &self.call_back_url
    }

    /// The sink live authorizers report to (also used by Get Access Token).
    pub fn sink(&self) -> Arc<dyn TokenSink> {
        self.sink.clone()
    }

    /// Drops the live authorizer of a profile: the next use rebuilds it from the store. Called
    /// when tokens were obtained outside it (Get Access Token, the Call Back URL) or it was deleted.
    pub fn forget(&self, id: i64) {
        self.live.lock().expect("not poisoned").remove(&id);
    }

    /// The live authorizer of a stored record, built from it when missing or stale.
    pub fn authorizer_for(
        &self,
        r: &AuthorizationRecord,
    ) -> Result<Arc<dyn Authorizer>, ProfileError> {
        if let Some((at, live)) = self.live.lock().expect("not poisoned").get(&r.id) {
            if *at == r.updated_at {
                return Ok(live.clone());
            }
        }
        let built = authorizer(
            profile_of(&self.secrets, r, &self.call_back_url)?,
            self.sink.clone(),
        );
        self.live
            .lock()
            .expect("not poisoned")
            .insert(r.id, (r.updated_at, built.clone()));
        Ok(built)
    }
}

#[async_trait]
impl AuthorizerSource for AuthorizerRegistry {
    async fn authorizer(
        &self,
        authorization_id: i64,
    ) -> Result<Arc<dyn Authorizer>, OutboundError> {
        let record = self
            .store
            .get_authorization(authorization_id)
            .await
            .map_err(|error| {
                tracing::error!(
                    authorization_id,
                    ?error,
                    "could not read the authorization profile"
                );
                OutboundError::auth("the authorization profile could not be read")
            })?;
        let Some(record) = record else {
            self.forget(authorization_id);
            return Err(OutboundError::auth(
                "the authorization profile no longer exists",
            ));
        };
        self.authorizer_for(&record).map_err(|error| {
            tracing::error!(
                authorization_id,
                ?error,
                "cannot use the authorization profile"
            );
            OutboundError::auth(format!("the authorization profile cannot be used: {error}"))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        secrets::SecretKey,
        store::{sqlite::test_store, AuthorizationStore as _, AuthorizationWrite},
    };

    fn basic(secrets: &SecretBox, password: &str) -> AuthorizationWrite {
        AuthorizationWrite {
            name: "partner".into(),
            auth_type: "Basic Auth".into(),
            settings: r#"{"username":"ana","secrets_set":["password"]}"#.into(),
            secrets_enc: Some(
                secrets.seal(&format!(r#"{{"password":"{password}"}}"#), SECRETS_AAD),
            ),
            status: "Authorized".into(),
            status_reason: None,
            clear_tokens: false,
        }
    }

    #[tokio::test]
    async fn a_live_authorizer_is_kept_until_its_profile_changes_or_is_forgotten() {
        let (store, _dir) = test_store().await;
        let store: Arc<dyn Store> = Arc::new(store);
        let secrets = Arc::new(SecretBox::new(&SecretKey::generate()));
        let registry = AuthorizerRegistry::new(
            store.clone(),
            secrets.clone(),
            "http://x/oauth/callback".into(),
        );
        let r = store
            .insert_authorization(&basic(&secrets, "pw1"))
            .await
            .unwrap();
        let first = AuthorizerSource::authorizer(&registry, r.id).await.unwrap();
        let again = AuthorizerSource::authorizer(&registry, r.id).await.unwrap();
        assert!(
            Arc::ptr_eq(&first, &again),
            "unchanged profile: the same live authorizer"
        );
        store
            .update_authorization(r.id, &basic(&secrets, "pw2"))
            .await
            .unwrap();
        let edited = AuthorizerSource::authorizer(&registry, r.id).await.unwrap();
        assert!(!Arc::ptr_eq(&first, &edited), "an edit rebuilds it");
        registry.forget(r.id);
        let rebuilt = AuthorizerSource::authorizer(&registry, r.id).await.unwrap();
        assert!(!Arc::ptr_eq(&edited, &rebuilt));
        let missing = AuthorizerSource::authorizer(&registry, 999)
            .await
            .unwrap_err();
        assert!(missing.message().contains("no longer exists"), "{missing}");
    }

    #[tokio::test]
    async fn a_stored_profile_opens_into_its_config_without_printing_the_secret() {
        let (store, _dir) = test_store().await;
        let secrets = SecretBox::new(&SecretKey::generate());
        let r = store
            .insert_authorization(&basic(&secrets, "hunter2"))
            .await
            .unwrap();
        let profile = profile_of(&secrets, &r, "http://x/oauth/callback").unwrap();
        match &profile {
            AuthProfile::Basic(cfg) => {
                assert_eq!(cfg.username, "ana");
                assert_eq!(cfg.password.expose(), "hunter2");
            }
            other => panic!("unexpected {other:?}"),
        }
        assert!(!format!("{profile:?}{r:?}").contains("hunter2"));
        let other_key = SecretBox::new(&SecretKey::generate());
        assert!(matches!(
            profile_of(&other_key, &r, ""),
            Err(ProfileError::Secrets)
        ));
    }
}
