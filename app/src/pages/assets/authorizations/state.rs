//! The Authorization form's state: one signal per field, kept for every type at once so that
//! switching Type or Grant Type back and forth loses nothing typed; [`AuthForm::input`] sends
//! only what the server's rules read.

use leptos::prelude::*;

use crate::domain::{
    authorization::{AuthType, AuthorizationInput, GrantType, Headers, KeyValue},
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

impl AuthForm {
    pub fn new(existing: Option<&AuthorizationView>) -> Self {
        let s = existing.map(|v| v.settings.clone()).unwrap_or_default();
        let rows: Vec<HeaderRow> = s
            .access_token_url_headers
            .clone()
            .unwrap_or_default()
            .0
            .into_iter()
            .enumerate()
            .map(|(id, kv)| HeaderRow {
                id,
                key: RwSignal::new(kv.key),
                value: RwSignal::new(kv.value),
            })
            .collect();
        let next = rows.len();
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
            headers: RwSignal::new(rows),
            next_row: RwSignal::new(next),
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

    /// The API's JSON shape of what is typed. Empty secrets are sent as absent: "keep".
    pub fn input(&self) -> AuthorizationInput {
        let t = |s: RwSignal<String>| {
            let v = s.get_untracked();
            (!v.is_empty()).then_some(v)
        };
        AuthorizationInput {
            name: self.name.get_untracked(),
            auth_type: self.auth_type.get_untracked(),
            username: t(self.username),
            password: t(self.password),
            realm: t(self.realm),
            nonce: t(self.nonce),
            algorithm: t(self.algorithm),
            qop: t(self.qop),
            nonce_count: t(self.nonce_count),
            client_nonce: t(self.client_nonce),
            opaque: t(self.opaque),
            access_key: t(self.access_key),
            secret_key: t(self.secret_key),
            region: t(self.region),
            service_name: t(self.service_name),
            key: t(self.key),
            key_value: t(self.key_value),
            add_to: t(self.add_to),
            grant_type: t(self.grant_type),
            client_id: t(self.client_id),
            client_secret: t(self.client_secret),
            consumer_id: t(self.consumer_id),
            consumer_secret: t(self.consumer_secret),
            authorization_url: t(self.authorization_url),
            scope: t(self.scope),
            access_token_url: t(self.access_token_url),
            limited_validity: Some(self.limited_validity.get_untracked()),
            validity: t(self.validity),
            refresh_token_url: t(self.refresh_token_url),
            access_token_url_method: t(self.method),
            access_token_url_parameter_type: t(self.parameter_type),
            access_token_url_headers: Headers(
                self.headers
                    .get_untracked()
                    .iter()
                    .map(|r| KeyValue::new(r.key.get_untracked(), r.value.get_untracked()))
                    .collect(),
            ),
            client_authentication: t(self.client_authentication),
        }
    }
}
