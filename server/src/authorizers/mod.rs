//! The live authorizers of the stored profiles ([`AuthorizerRegistry`], the server's
//! [`AuthorizerSource`]) and where their OAuth 2.0 tokens go ([`StoreTokenSink`]). Built first at
//! start-up: the dispatcher and the services (test calls, Get Access Token) share this one
//! registry, so an OAuth 2.0 token fetched by either serves both.
//!
//! Guarantees: one live `Authorizer` per profile, so a token is fetched once and shared by every
//! test call and delivery; it is rebuilt from the store when the profile's `updated_at` changed
//! (an edit) or when the services dropped it (tokens obtained through Get Access Token), and never
//! otherwise, so its token cache and Digest nonce count survive between requests.

mod stored;

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

use async_trait::async_trait;

pub use stored::{
    oauth2_config, open_secrets, profile_of, seal_tokens, settings_of, stored_tokens, ProfileError,
};

use crate::{
    outbound::{
        auth::{authorizer, TokenLock, TokenSet, TokenSink},
        Authorizer, AuthorizerSource, OutboundError,
    },
    secrets::SecretBox,
    store::{AuthorizationRecord, LockKey, Millis, Store},
};

/// How long an instance waits for another's token request: its refresh and its fallback fetch,
/// each within the request timeout, and some.
const TOKEN_LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(25);

/// Keeps what live OAuth 2.0 authorizers fetch: sealed tokens, and the status they imply.
pub struct StoreTokenSink {
    store: Arc<dyn Store>,
    secrets: Arc<SecretBox>,
}

#[async_trait]
impl TokenSink for StoreTokenSink {
    async fn tokens_refreshed(&self, authorization_id: i64, tokens: &TokenSet) {
        let write = seal_tokens(&self.secrets, authorization_id, tokens);
        if let Err(error) = self.store.save_tokens(authorization_id, &write).await {
            tracing::error!(authorization_id, ?error, "could not store refreshed tokens");
        }
    }

    async fn exclusive(&self, authorization_id: i64) -> TokenLock {
        match self
            .store
            .lock(LockKey::Tokens(authorization_id), TOKEN_LOCK_WAIT)
            .await
        {
            // Dropped when the token request ends: released a moment later.
            Ok(Some(lock)) => Some(Box::new(lock)),
            // Why go on without it: a second token request costs less than a delivery that
            // never goes out because another instance hangs.
            Ok(None) => {
                tracing::warn!(
                    authorization_id,
                    "another instance held the token lock too long"
                );
                None
            }
            Err(error) => {
                tracing::error!(authorization_id, ?error, "could not take the token lock");
                None
            }
        }
    }

    async fn stored(&self, authorization_id: i64) -> Option<TokenSet> {
        let record = match self.store.get_authorization(authorization_id).await {
            Ok(record) => record?,
            Err(error) => {
                tracing::error!(authorization_id, ?error, "could not read the stored tokens");
                return None;
            }
        };
        stored_tokens(&self.secrets, &record).ok().flatten()
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
    use crate::outbound::auth::AuthProfile;
    use crate::{
        secrets::SecretKey,
        store::{sqlite::test_store, AuthorizationWrite},
    };

    fn basic(secrets: &SecretBox, password: &str) -> AuthorizationWrite {
        AuthorizationWrite {
            name: "partner".into(),
            auth_type: "Basic Auth".into(),
            settings: r#"{"username":"ana","secrets_set":["password"]}"#.into(),
            secrets_enc: Some(crate::store::SealedValue::New(
                crate::secrets::Sealing::new(
                    Arc::new(secrets.clone()),
                    crate::secrets::aad::AUTHORIZATION_SECRETS,
                    crate::secrets::Secret::new(format!(r#"{{"password":"{password}"}}"#)),
                ),
            )),
            status: "Authorized".into(),
            status_reason: None,
            clear_tokens: false,
        }
    }

    #[tokio::test]
    async fn a_live_authorizer_is_kept_until_its_profile_changes_or_is_forgotten() {
        let (store, _dir) = test_store().await;
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
