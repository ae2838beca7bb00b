//! The Authorization form's state: one signal per field, kept for every type at once so that
//! switching Type or Grant Type back and forth loses nothing typed. The controls start from the
//! stored profile or from what was posted without JavaScript; what is sent is read from the
//! form itself (`AuthorizationInput::from_form`), never from these.

use leptos::prelude::*;

use crate::domain::{
    authorization::{
        form::{field, header_rows},
        ApiKeyPlacement, AuthType, ClientAuthentication, DigestAlgorithm, DigestQop, GrantType,
        KeyValue, TokenParameterType, TokenUrlMethod,
    },
    form::FormFields,
    views::AuthorizationView,
};

/// One row of Access Token URL Headers; `id` keeps the row's inputs stable while others change.
#[derive(Clone, Copy)]
pub struct HeaderRow {
    pub id: usize,
    pub key: RwSignal<String>,
    pub value: RwSignal<String>,
}

#[derive(Clone, Copy)]
pub struct AuthForm {
    pub name: RwSignal<String>,
    pub auth_type: RwSignal<String>,
    pub username: RwSignal<String>,
    pub password: RwSignal<String>,
    pub realm: RwSignal<String>,
    pub nonce: RwSignal<String>,
    pub algorithm: RwSignal<String>,
    pub qop: RwSignal<String>,
    pub nonce_count: RwSignal<String>,
    pub client_nonce: RwSignal<String>,
    pub opaque: RwSignal<String>,
    pub access_key: RwSignal<String>,
    pub secret_key: RwSignal<String>,
    pub region: RwSignal<String>,
    pub service_name: RwSignal<String>,
    pub key: RwSignal<String>,
    pub key_value: RwSignal<String>,
    pub add_to: RwSignal<String>,
    pub grant_type: RwSignal<String>,
    pub client_id: RwSignal<String>,
    pub client_secret: RwSignal<String>,
    pub consumer_id: RwSignal<String>,
    pub consumer_secret: RwSignal<String>,
    pub authorization_url: RwSignal<String>,
    pub scope: RwSignal<String>,
    pub access_token_url: RwSignal<String>,
    pub limited_validity: RwSignal<bool>,
    pub validity: RwSignal<String>,
    pub refresh_token_url: RwSignal<String>,
    pub method: RwSignal<String>,
    pub parameter_type: RwSignal<String>,
    pub headers: RwSignal<Vec<HeaderRow>>,
    pub next_row: RwSignal<usize>,
    pub client_authentication: RwSignal<String>,
}

fn text(v: &Option<String>) -> RwSignal<String> {
    RwSignal::new(v.clone().unwrap_or_default())
}

fn label<T: std::fmt::Display>(v: Option<T>, default: T) -> RwSignal<String> {
    RwSignal::new(v.unwrap_or(default).to_string())
}

/// A choice as posted, or its default when the form had none.
fn choice<T: std::fmt::Display + Default>(f: &FormFields, name: &str) -> RwSignal<String> {
    RwSignal::new(f.optional(name).unwrap_or_else(|| T::default().to_string()))
}

fn rows(headers: Vec<KeyValue>) -> (RwSignal<Vec<HeaderRow>>, RwSignal<usize>) {
    let rows: Vec<HeaderRow> = headers
        .into_iter()
        .enumerate()
        .map(|(id, kv)| HeaderRow {
            id,
            key: RwSignal::new(kv.key),
            value: RwSignal::new(kv.value),
        })
        .collect();
    let next = rows.len();
    (RwSignal::new(rows), RwSignal::new(next))
}

impl AuthForm {
    /// The controls as the browser posted them (a form rendered again without JavaScript).
    /// Secrets start empty: they are never sent back.
    pub fn from_form(f: &FormFields) -> Self {
        let text = |name: &str| RwSignal::new(f.text(name));
        let secret = || RwSignal::new(String::new());
        let (headers, next_row) = rows(header_rows(f).0);
        AuthForm {
            name: text("name"),
            auth_type: choice::<AuthType>(f, field::TYPE),
            username: text("username"),
            password: secret(),
            realm: text("realm"),
            nonce: text("nonce"),
            algorithm: choice::<DigestAlgorithm>(f, "algorithm"),
            qop: choice::<DigestQop>(f, "qop"),
            nonce_count: text("nonce_count"),
            client_nonce: text("client_nonce"),
            opaque: text("opaque"),
            access_key: text("access_key"),
            secret_key: secret(),
            region: text("region"),
            service_name: text("service_name"),
            key: text("key"),
            key_value: secret(),
            add_to: choice::<ApiKeyPlacement>(f, "add_to"),
            grant_type: choice::<GrantType>(f, "grant_type"),
            client_id: text("client_id"),
            client_secret: secret(),
            consumer_id: text("consumer_id"),
            consumer_secret: secret(),
            authorization_url: text("authorization_url"),
            scope: text("scope"),
            access_token_url: text("access_token_url"),
            limited_validity: RwSignal::new(f.ticked(field::LIMITED_VALIDITY)),
            validity: text(field::VALIDITY),
            refresh_token_url: text("refresh_token_url"),
            method: choice::<TokenUrlMethod>(f, "access_token_url_method"),
            parameter_type: choice::<TokenParameterType>(f, "access_token_url_parameter_type"),
            headers,
            next_row,
            client_authentication: choice::<ClientAuthentication>(f, "client_authentication"),
        }
    }

    pub fn new(existing: Option<&AuthorizationView>) -> Self {
        let s = existing.map(|v| v.settings.clone()).unwrap_or_default();
        let (headers, next_row) = rows(s.access_token_url_headers.clone().unwrap_or_default().0);
        AuthForm {
            name: RwSignal::new(existing.map(|v| v.name.clone()).unwrap_or_default()),
            auth_type: label(existing.map(|v| v.auth_type), AuthType::default()),
            username: text(&s.username),
            password: RwSignal::new(String::new()),
            realm: text(&s.realm),
            nonce: text(&s.nonce),
            algorithm: label(s.algorithm, Default::default()),
            qop: label(s.qop, Default::default()),
            nonce_count: RwSignal::new(s.nonce_count.map(|n| n.to_string()).unwrap_or_default()),
            client_nonce: text(&s.client_nonce),
            opaque: text(&s.opaque),
            access_key: text(&s.access_key),
            secret_key: RwSignal::new(String::new()),
            region: text(&s.region),
            service_name: text(&s.service_name),
            key: text(&s.key),
            key_value: RwSignal::new(String::new()),
            add_to: label(s.add_to, Default::default()),
            grant_type: label(s.grant_type, Default::default()),
            client_id: text(&s.client_id),
            client_secret: RwSignal::new(String::new()),
            consumer_id: text(&s.consumer_id),
            consumer_secret: RwSignal::new(String::new()),
            authorization_url: text(&s.authorization_url),
            scope: text(&s.scope),
            access_token_url: text(&s.access_token_url),
            limited_validity: RwSignal::new(s.limited_validity.unwrap_or(false)),
            validity: RwSignal::new(s.validity.map(|n| n.to_string()).unwrap_or_default()),
            refresh_token_url: text(&s.refresh_token_url),
            method: label(s.access_token_url_method, Default::default()),
            parameter_type: label(s.access_token_url_parameter_type, Default::default()),
            headers,
            next_row,
            client_authentication: label(s.client_authentication, Default::default()),
        }
    }

    pub fn auth_type(&self) -> AuthType {
        AuthType::parse(&self.auth_type.get()).unwrap_or_default()
    }

    pub fn grant(&self) -> GrantType {
        GrantType::parse(&self.grant_type.get()).unwrap_or_default()
    }

    pub fn add_header(&self) {
        let id = self.next_row.get_untracked();
        self.next_row.set(id + 1);
        self.headers.update(|rows| {
            rows.push(HeaderRow {
                id,
                key: RwSignal::new(String::new()),
                value: RwSignal::new(String::new()),
            })
        });
    }

    pub fn remove_header(&self, id: usize) {
        self.headers.update(|rows| rows.retain(|r| r.id != id));
    }
}
