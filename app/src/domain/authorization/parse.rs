//! The rules between an [`AuthorizationInput`] and a [`NewAuthorization`] (SPEC §5).
//!
//! Guarantees of a [`NewAuthorization`]: a valid [`Name`]; a known Type; exactly the fields of that
//! type (and grant) in `settings`, each required one present and trimmed, each choice a known label
//! (its default when absent); token and authorization URLs absolute `https://` URLs (the same rule
//! as a webhook URL: they carry client secrets and codes, so never in clear); a Validity of at
//! least one second exactly when limited validity is ticked; header rows with a valid name and a
//! one-line value; every secret of the type either new (`Set`) or kept from the stored profile
//! (`Keep`, only when one is stored). Every refused field is reported at once, by its CONTRACT path.

use std::collections::BTreeMap;

use super::{
    input::{AuthorizationInput, AuthorizationSettings, Headers, KeyValue, SecretField},
    AuthType, GrantType,
};
use crate::domain::{
    validation::{field, Name, SecretChange, ValidationError, ValidationErrors},
    webhook::HttpsUrl,
};

/// A profile ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAuthorization {
    pub name: Name,
    pub auth_type: AuthType,
    pub settings: AuthorizationSettings,
    /// The secrets this type has, each new or kept.
    pub secrets: BTreeMap<SecretField, SecretChange<String>>,
}

/// What an update may keep from the stored profile.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExistingAuthorization {
    /// The secrets stored for the profile.
    pub secrets_set: Vec<SecretField>,
    /// The stored OAuth 2.0 token URLs: the client (or consumer) secret is sent to them, so it
    /// may be kept only while the new ones stay on their hosts (CONTRACT §2).
    pub access_token_url: Option<String>,
    pub refresh_token_url: Option<String>,
}

impl ExistingAuthorization {
    /// The hosts an OAuth 2.0 secret is sent to: the access token URL's, and the refresh token
    /// URL's (the access token URL when there is none).
    fn token_hosts(access: Option<&str>, refresh: Option<&str>) -> Vec<String> {
        [access, refresh.or(access)]
            .into_iter()
            .flatten()
            .filter_map(|u| HttpsUrl::parse(u).ok())
            .map(|u| u.host().to_ascii_lowercase())
            .collect()
    }

    /// Whether the new token URLs send the secret to a host the stored ones did not.
    fn token_hosts_moved(&self, access: Option<&str>, refresh: Option<&str>) -> bool {
        let before = Self::token_hosts(
            self.access_token_url.as_deref(),
            self.refresh_token_url.as_deref(),
        );
        Self::token_hosts(access, refresh)
            .iter()
            .any(|host| !before.contains(host))
    }
}

/// Why a stored OAuth 2.0 secret is not kept (CONTRACT §2); `missing` is the field's
/// "Enter the client secret." message.
fn secret_again(missing: &str) -> String {
    let what = missing.trim_start_matches("Enter ").trim_end_matches('.');
    format!("The token URL now points to another host: enter {what} again.")
}

const MAX_TEXT: usize = 1024;

impl NewAuthorization {
    pub fn parse(
        input: &AuthorizationInput,
        existing: Option<&ExistingAuthorization>,
    ) -> Result<NewAuthorization, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let name = errors.check(Name::parse(field::NAME, &input.name));
        let auth_type = match AuthType::parse(input.auth_type.trim()) {
            Some(t) => Some(t),
            None => {
                errors.push(
                    "type",
                    format!("Choose the type: one of {}.", AuthType::labels()),
                );
                None
            }
        };
        let mut p = Parser {
            input,
            errors,
            settings: AuthorizationSettings::default(),
            secrets: BTreeMap::new(),
            existing,
            destination_moved: false,
        };
        if let Some(t) = auth_type {
            p.fields_of(t);
        }
        let Parser {
            errors,
            settings,
            secrets,
            ..
        } = p;
        errors.finish(|| NewAuthorization {
            name: name.expect("checked"),
            auth_type: auth_type.expect("checked"),
            settings,
            secrets,
        })
    }
}

struct Parser<'a> {
    input: &'a AuthorizationInput,
    errors: ValidationErrors,
    settings: AuthorizationSettings,
    secrets: BTreeMap<SecretField, SecretChange<String>>,
    existing: Option<&'a ExistingAuthorization>,
    /// Set when the secret about to be parsed would go to another host than before.
    destination_moved: bool,
}

impl Parser<'_> {
    fn fields_of(&mut self, t: AuthType) {
        let i = self.input;
        let s = &mut self.settings;
        match t {
            AuthType::NoAuth => {}
            AuthType::Basic => {
                s.username = required_username(&mut self.errors, &i.username);
                self.secret(SecretField::Password, "Enter the password.");
            }
            AuthType::Digest => {
                s.username = required(
                    &mut self.errors,
                    "username",
                    &i.username,
                    "Enter the username.",
                );
                self.secret(SecretField::Password, "Enter the password.");
                let s = &mut self.settings;
                s.realm = optional(&mut self.errors, "realm", &i.realm);
                s.nonce = optional(&mut self.errors, "nonce", &i.nonce);
                s.opaque = optional(&mut self.errors, "opaque", &i.opaque);
                s.client_nonce = optional(&mut self.errors, "client_nonce", &i.client_nonce);
                s.algorithm = Some(choice(&mut self.errors, "algorithm", &i.algorithm));
                s.qop = Some(choice(&mut self.errors, "qop", &i.qop));
                let nonce_count = self.nonce_count();
                self.settings.nonce_count = nonce_count;
            }
            AuthType::AwsSignature => {
                s.access_key = required(
                    &mut self.errors,
                    "access_key",
                    &i.access_key,
                    "Enter the access key.",
                );
                s.region = required(
                    &mut self.errors,
                    "region",
                    &i.region,
                    "Enter the region, e.g. us-east-1.",
                );
                s.service_name = required(
                    &mut self.errors,
                    "service_name",
                    &i.service_name,
                    "Enter the service name, e.g. execute-api.",
                );
                self.secret(SecretField::SecretKey, "Enter the secret key.");
            }
            AuthType::ApiKey => {
                s.add_to = Some(choice(&mut self.errors, "add_to", &i.add_to));
                s.key = header_name(
                    &mut self.errors,
                    "key",
                    i.key.as_deref().unwrap_or(""),
                    "Enter the key: the header or query parameter name.",
                );
                self.secret(SecretField::KeyValue, "Enter the key value.");
            }
            AuthType::OAuth2 => self.oauth2(),
        }
    }

    fn oauth2(&mut self) {
        let i = self.input;
        let e = &mut self.errors;
        let s = &mut self.settings;
        let grant: GrantType = choice(e, "grant_type", &i.grant_type);
        s.grant_type = Some(grant);
        match grant {
            GrantType::ClientCredentials => {
                s.client_id = required(e, "client_id", &i.client_id, "Enter the client ID.");
            }
            GrantType::AuthorizationCode => {
                s.consumer_id =
                    required(e, "consumer_id", &i.consumer_id, "Enter the consumer ID.");
                s.authorization_url = url(e, "authorization_url", &i.authorization_url, true);
            }
        }
        s.scope = optional(e, "scope", &i.scope);
        s.access_token_url = url(e, "access_token_url", &i.access_token_url, true);
        s.refresh_token_url = url(e, "refresh_token_url", &i.refresh_token_url, false);
        let limited = i.limited_validity.unwrap_or(false);
        s.limited_validity = Some(limited);
        s.validity = if limited {
            validity(e, &i.validity)
        } else {
            None
        };
        s.access_token_url_method = Some(choice(
            e,
            "access_token_url_method",
            &i.access_token_url_method,
        ));
        s.access_token_url_parameter_type = Some(choice(
            e,
            "access_token_url_parameter_type",
            &i.access_token_url_parameter_type,
        ));
        s.access_token_url_headers = Some(headers(e, &i.access_token_url_headers));
        s.client_authentication =
            Some(choice(e, "client_authentication", &i.client_authentication));
        self.destination_moved = self.existing.is_some_and(|x| {
            x.token_hosts_moved(
                self.settings.access_token_url.as_deref(),
                self.settings.refresh_token_url.as_deref(),
            )
        });
        match grant {
            GrantType::ClientCredentials => {
                self.secret(SecretField::ClientSecret, "Enter the client secret.")
            }
            GrantType::AuthorizationCode => {
                self.secret(SecretField::ConsumerSecret, "Enter the consumer secret.")
            }
        }
    }

    /// A new secret when typed; kept when absent and one is stored; else refused with `missing`.
    fn secret(&mut self, which: SecretField, missing: &str) {
        let typed = which.of(self.input).as_deref().filter(|s| !s.is_empty());
        let change = match typed {
            Some(v) if v.len() > MAX_TEXT => {
                self.errors
                    .push(which.as_str(), "Keep it to 1024 characters or fewer.");
                return;
            }
            Some(v) if v.contains(['\r', '\n']) => {
                self.errors.push(which.as_str(), "Keep it on one line.");
                return;
            }
            Some(v) => SecretChange::Set(v.to_owned()),
            None if self
                .existing
                .is_some_and(|x| x.secrets_set.contains(&which)) =>
            {
                if self.destination_moved {
                    self.errors.push(which.as_str(), secret_again(missing));
                    return;
                }
                SecretChange::Keep
            }
            None => {
                self.errors.push(which.as_str(), missing);
                return;
            }
        };
        self.secrets.insert(which, change);
    }

    fn nonce_count(&mut self) -> Option<u32> {
        let raw = self
            .input
            .nonce_count
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())?;
        match raw.parse::<u32>() {
            Ok(n) if n >= 1 => Some(n),
            _ => {
                self.errors.push(
                    "nonce_count",
                    "Enter the nonce count as a whole number from 1.",
                );
                None
            }
        }
    }
}

/// A trimmed one-line text, or `None` when empty.
fn optional(e: &mut ValidationErrors, path: &str, raw: &Option<String>) -> Option<String> {
    let v = raw.as_deref().map(str::trim).filter(|s| !s.is_empty())?;
    if v.chars().count() > MAX_TEXT {
        e.push(path, "Keep it to 1024 characters or fewer.");
        return None;
    }
    if v.chars().any(char::is_control) {
        e.push(path, "Keep it on one line, without control characters.");
        return None;
    }
    Some(v.to_owned())
}

fn required(
    e: &mut ValidationErrors,
    path: &str,
    raw: &Option<String>,
    missing: &str,
) -> Option<String> {
    let before = e.len();
    let v = optional(e, path, raw);
    if v.is_none() && e.len() == before {
        e.push(path, missing);
    }
    v
}

/// RFC 7617 §2: the user-id of Basic may not contain a colon.
fn required_username(e: &mut ValidationErrors, raw: &Option<String>) -> Option<String> {
    let v = required(e, "username", raw, "Enter the username.")?;
    if v.contains(':') {
        e.push("username", "A Basic Auth username cannot contain \":\".");
        return None;
    }
    Some(v)
}

/// The label as given, or the default when absent; refused when it is not one of the labels.
fn choice<T: Choice>(e: &mut ValidationErrors, path: &str, raw: &Option<String>) -> T {
    match raw.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => T::default(),
        Some(label) => T::from_label(label).unwrap_or_else(|| {
            e.push(path, format!("Choose one of {}.", T::all_labels()));
            T::default()
        }),
    }
}

/// The choice enums of the parent module, for [`choice`].
trait Choice: Default {
    fn from_label(label: &str) -> Option<Self>;
    fn all_labels() -> String;
}

macro_rules! impl_choice {
    ($($t:ty),*) => {$(
        impl Choice for $t {
            fn from_label(label: &str) -> Option<Self> { <$t>::parse(label) }
            fn all_labels() -> String { <$t>::labels() }
        }
    )*};
}
impl_choice!(
    super::DigestAlgorithm,
    super::DigestQop,
    super::ApiKeyPlacement,
    GrantType,
    super::TokenUrlMethod,
    super::TokenParameterType,
    super::ClientAuthentication
);

/// An https URL for `path`; required or optional.
fn url(e: &mut ValidationErrors, path: &str, raw: &Option<String>, needed: bool) -> Option<String> {
    let v = raw.as_deref().map(str::trim).filter(|s| !s.is_empty());
    match v {
        None if needed => {
            e.push(path, "Enter the URL, starting with https://.");
            None
        }
        None => None,
        Some(v) => match HttpsUrl::parse(v) {
            Ok(u) => Some(u.into_string()),
            Err(ValidationError { message, .. }) => {
                e.push(path, message);
                None
            }
        },
    }
}

/// The longest validity accepted: ten years. Why a bound at all: the token's expiry is
/// computed from it in milliseconds, and a huge number would overflow into the past (or read
/// as "never expires"); no provider issues tokens for longer.
pub const MAX_VALIDITY_SECS: u64 = 10 * 365 * 24 * 60 * 60;

fn validity(e: &mut ValidationErrors, raw: &Option<String>) -> Option<u64> {
    let text = raw.as_deref().map(str::trim).unwrap_or("");
    // All digits yet not a u64 can only mean too large: the same answer as above the bound.
    let digits = !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
    let too_long = digits && text.parse::<u64>().map_or(true, |n| n > MAX_VALIDITY_SECS);
    match text.parse::<u64>() {
        Ok(n) if (1..=MAX_VALIDITY_SECS).contains(&n) => Some(n),
        _ if text.is_empty() => {
            e.push(
                "validity",
                "Enter how many seconds the access token is valid.",
            );
            None
        }
        _ if too_long => {
            e.push(
                "validity",
                format!("Enter at most {MAX_VALIDITY_SECS} seconds (ten years)."),
            );
            None
        }
        _ => {
            e.push(
                "validity",
                "Enter the validity as a whole number of seconds, at least 1.",
            );
            None
        }
    }
}

/// RFC 9110 §5.6.2 token: what a header name may be.
fn is_token(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

fn header_name(e: &mut ValidationErrors, path: &str, raw: &str, missing: &str) -> Option<String> {
    let v = raw.trim();
    if v.is_empty() {
        e.push(path, missing);
        None
    } else if !is_token(v) || v.len() > 256 {
        e.push(
            path,
            "Use letters, digits and - _ . only (no spaces or colons).",
        );
        None
    } else {
        Some(v.to_owned())
    }
}

fn headers(e: &mut ValidationErrors, rows: &Headers) -> Headers {
    let mut out = Vec::new();
    for (n, row) in rows.0.iter().enumerate() {
        // A row left wholly empty in the form is no header.
        if row.key.trim().is_empty() && row.value.trim().is_empty() {
            continue;
        }
        let key_path = format!("access_token_url_headers/{n}/key");
        let key = header_name(e, &key_path, &row.key, "Enter the header name.");
        let value = row.value.trim();
        if value.chars().any(char::is_control) || value.len() > MAX_TEXT {
            e.push(
                format!("access_token_url_headers/{n}/value"),
                "Keep the header value on one line, 1024 characters or fewer.",
            );
            continue;
        }
        if let Some(key) = key {
            out.push(KeyValue::new(key, value));
        }
    }
    Headers(out)
}
