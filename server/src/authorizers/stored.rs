//! Stored authorization profiles as the outbound code applies them: the settings JSON, the
//! sealed write-only fields and tokens opened into [`Secret`]s, and tokens sealed back.
//!
//! Guarantees: secrets and tokens are opened only here, each with the associated data of its
//! column and row ([`aad`]); a damaged row or a replaced key is a [`ProfileError`], never a panic.

use std::{collections::BTreeMap, time::Duration};

use app::domain::authorization::{AuthType, AuthorizationSettings, GrantType, SecretField};

use crate::{
    outbound::auth::{
        ApiKeyConfig, AuthProfile, AwsConfig, BasicConfig, DigestConfig, OAuth2Config, TokenSet,
    },
    secrets::{aad, Secret, SecretBox},
    store::{AuthorizationRecord, TokensWrite},
};

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
pub fn open_secrets(
    secrets: &SecretBox,
    record: &AuthorizationRecord,
) -> Result<BTreeMap<SecretField, String>, ProfileError> {
    let Some(sealed) = &record.secrets_enc else {
        return Ok(BTreeMap::new());
    };
    let json = secrets
        .open(sealed, aad::AUTHORIZATION_SECRETS, record.id)
        .map_err(|_| ProfileError::Secrets)?;
    serde_json::from_str(json.expose()).map_err(|_| ProfileError::Secrets)
}

pub fn settings_of(record: &AuthorizationRecord) -> Result<AuthorizationSettings, ProfileError> {
    serde_json::from_str(&record.settings).map_err(ProfileError::Settings)
}

/// The stored tokens of a record, opened.
pub fn stored_tokens(
    secrets: &SecretBox,
    r: &AuthorizationRecord,
) -> Result<Option<TokenSet>, ProfileError> {
    let Some(access) = &r.access_token_enc else {
        return Ok(None);
    };
    let open = |sealed: &str, column| {
        secrets
            .open(sealed, column, r.id)
            .map_err(|_| ProfileError::Secrets)
    };
    Ok(Some(TokenSet {
        access_token: open(access, aad::ACCESS_TOKEN)?,
        refresh_token: r
            .refresh_token_enc
            .as_deref()
            .map(|s| open(s, aad::REFRESH_TOKEN))
            .transpose()?,
        expires_at: r.token_expires_at,
    }))
}

/// The OAuth 2.0 part of a profile, as the outbound flows take it.
pub fn oauth2_config(
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
pub fn profile_of(
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
            tokens: stored_tokens(secrets, r)?,
        },
    })
}

/// Seals tokens for the store, bound to the profile `id` they belong to.
pub fn seal_tokens(secrets: &SecretBox, id: i64, tokens: &TokenSet) -> TokensWrite {
    TokensWrite {
        access_token_enc: secrets.seal(tokens.access_token.expose(), aad::ACCESS_TOKEN, id),
        refresh_token_enc: tokens
            .refresh_token
            .as_ref()
            .map(|t| secrets.seal(t.expose(), aad::REFRESH_TOKEN, id)),
        expires_at: tokens.expires_at,
    }
}
