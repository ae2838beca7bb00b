//! An authorization profile as the form and the API send it ([`AuthorizationInput`]), and the
//! stored, non-secret part of a profile ([`AuthorizationSettings`]) that the view shows back.
//!
//! Guarantees: every CONTRACT §2 field name is accepted; numbers (`nonce_count`, `validity`) are
//! taken as JSON numbers or as the text a form field sends; `access_token_url_headers` is taken as
//! a JSON object or as a list of `{key, value}` rows (the form's list) and always written back as an
//! object, keeping its order. Secrets never appear in `Debug`.

use serde::{
    de::{self, Deserializer},
    ser::{SerializeMap, Serializer},
    Deserialize, Serialize,
};

use super::{
    ApiKeyPlacement, ClientAuthentication, DigestAlgorithm, DigestQop, GrantType,
    TokenParameterType, TokenUrlMethod,
};

/// The Authorization form or the JSON body of `POST/PUT /api/v1/authorizations`, before any
/// check. Missing fields read as empty, so they are reported as validation errors, not bad JSON.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AuthorizationInput {
    pub name: String,
    #[serde(rename = "type")]
    pub auth_type: String,
    pub username: Option<String>,
    pub password: Option<String>,
    pub realm: Option<String>,
    pub nonce: Option<String>,
    pub algorithm: Option<String>,
    pub qop: Option<String>,
    #[serde(deserialize_with = "number_or_text")]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<String>))]
    pub nonce_count: Option<String>,
    pub client_nonce: Option<String>,
    pub opaque: Option<String>,
    pub access_key: Option<String>,
    pub secret_key: Option<String>,
    pub region: Option<String>,
    pub service_name: Option<String>,
    pub key: Option<String>,
    pub key_value: Option<String>,
    pub add_to: Option<String>,
    pub grant_type: Option<String>,
    pub client_id: Option<String>,
    pub client_secret: Option<String>,
    pub consumer_id: Option<String>,
    pub consumer_secret: Option<String>,
    pub authorization_url: Option<String>,
    pub scope: Option<String>,
    pub access_token_url: Option<String>,
    pub limited_validity: Option<bool>,
    #[serde(deserialize_with = "number_or_text")]
    #[cfg_attr(feature = "ssr", schema(value_type = Option<String>))]
    pub validity: Option<String>,
    pub refresh_token_url: Option<String>,
    pub access_token_url_method: Option<String>,
    pub access_token_url_parameter_type: Option<String>,
    #[cfg_attr(feature = "ssr", schema(value_type = Object))]
    pub access_token_url_headers: Headers,
    pub client_authentication: Option<String>,
}

impl std::fmt::Debug for AuthorizationInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Only what identifies the input: every other field may be a credential.
        f.debug_struct("AuthorizationInput")
            .field("name", &self.name)
            .field("type", &self.auth_type)
            .finish_non_exhaustive()
    }
}

/// One row of Access Token URL Headers.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct KeyValue {
    pub key: String,
    pub value: String,
}

impl KeyValue {
    pub fn new(key: impl Into<String>, value: impl Into<String>) -> Self {
        KeyValue {
            key: key.into(),
            value: value.into(),
        }
    }
}

/// Access Token URL Headers in their order: an object on the wire, a list in the form.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Headers(pub Vec<KeyValue>);

impl Headers {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl Serialize for Headers {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for kv in &self.0 {
            map.serialize_entry(&kv.key, &kv.value)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for Headers {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> de::Visitor<'de> for Visitor {
            type Value = Headers;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object of header names to values, or a list of {key, value}")
            }
            fn visit_unit<E: de::Error>(self) -> Result<Headers, E> {
                Ok(Headers::default())
            }
            fn visit_map<A: de::MapAccess<'de>>(self, mut m: A) -> Result<Headers, A::Error> {
                let mut rows = Vec::new();
                while let Some((key, value)) = m.next_entry::<String, String>()? {
                    rows.push(KeyValue { key, value });
                }
                Ok(Headers(rows))
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, mut s: A) -> Result<Headers, A::Error> {
                let mut rows = Vec::new();
                while let Some(row) = s.next_element::<KeyValue>()? {
                    rows.push(row);
                }
                Ok(Headers(rows))
            }
        }
        d.deserialize_any(Visitor)
    }
}

/// Takes a JSON number, a string, or null, as the text a form field would hold.
fn number_or_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Raw {
        Int(u64),
        Float(f64),
        Text(String),
    }
    Ok(match Option::<Raw>::deserialize(d)? {
        None => None,
        Some(Raw::Int(n)) => Some(n.to_string()),
        Some(Raw::Float(n)) => Some(n.to_string()),
        Some(Raw::Text(s)) => Some(s),
    })
}

/// The non-secret settings of a profile, only the fields its type (and grant) has: what is
/// stored in clear, and what the view shows. Field names are CONTRACT §2's.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AuthorizationSettings {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub realm: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nonce: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub algorithm: Option<DigestAlgorithm>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub qop: Option<DigestQop>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nonce_count: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_nonce: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub opaque: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access_key: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub add_to: Option<ApiKeyPlacement>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grant_type: Option<GrantType>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub consumer_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authorization_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access_token_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limited_validity: Option<bool>,
    /// Seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub validity: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token_url: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access_token_url_method: Option<TokenUrlMethod>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access_token_url_parameter_type: Option<TokenParameterType>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access_token_url_headers: Option<Headers>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_authentication: Option<ClientAuthentication>,
}

/// The write-only fields of a profile. Each is stored sealed under its own name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SecretField {
    Password,
    SecretKey,
    KeyValue,
    ClientSecret,
    ConsumerSecret,
}

impl SecretField {
    pub const ALL: [SecretField; 5] = [
        SecretField::Password,
        SecretField::SecretKey,
        SecretField::KeyValue,
        SecretField::ClientSecret,
        SecretField::ConsumerSecret,
    ];

    /// The CONTRACT field name, also the error path.
    pub fn as_str(self) -> &'static str {
        match self {
            SecretField::Password => "password",
            SecretField::SecretKey => "secret_key",
            SecretField::KeyValue => "key_value",
            SecretField::ClientSecret => "client_secret",
            SecretField::ConsumerSecret => "consumer_secret",
        }
    }

    /// What the input holds for this secret.
    pub fn of(self, input: &AuthorizationInput) -> &Option<String> {
        match self {
            SecretField::Password => &input.password,
            SecretField::SecretKey => &input.secret_key,
            SecretField::KeyValue => &input.key_value,
            SecretField::ClientSecret => &input.client_secret,
            SecretField::ConsumerSecret => &input.consumer_secret,
        }
    }
}
