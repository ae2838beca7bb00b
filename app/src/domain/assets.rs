//! The assets a webhook hangs on (CONTRACT §2): raw inputs as the form and the API send them,
//! and the validated values the store accepts.
//!
//! Guarantees: a [`PhoneNumber`] is `+` and 8–15 digits (E.164) or a 3–8 digit short code, with
//! spaces and dashes removed; a [`NewNumber`] has at least one capability, each once, in the order
//! SMS, MMS, Voice; an ESME bind's system ID and password fit SMPP 3.4's fields and are printable
//! ASCII; an SMPP password never prints in `Debug`. Every parser reports every bad field.

pub mod form;

use serde::{Deserialize, Serialize};

use super::channels::{AppType, Capability};
use super::validation::{field, non_empty, Name, SecretChange, ValidationError, ValidationErrors};

/// Whether a write creates an asset or replaces a stored one (which may keep its secrets).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SaveMode {
    Create,
    Update,
}

// ---------------------------------------------------------------------------------------------
// Services

#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ServiceInput {
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewService {
    pub name: Name,
}

impl NewService {
    pub fn parse(input: &ServiceInput) -> Result<NewService, ValidationErrors> {
        let name = Name::parse(field::NAME, &input.name)?;
        Ok(NewService { name })
    }
}

// ---------------------------------------------------------------------------------------------
// Numbers

#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct NumberInput {
    pub number: String,
    /// Capability labels: `SMS`, `MMS`, `Voice`.
    pub capabilities: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewNumber {
    pub number: PhoneNumber,
    pub capabilities: Vec<Capability>,
}

impl NewNumber {
    pub fn parse(input: &NumberInput) -> Result<NewNumber, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let number = errors.check(PhoneNumber::parse(&input.number));
        let capabilities = errors.check(parse_capabilities(&input.capabilities));
        errors.finish(|| NewNumber {
            number: number.expect("checked"),
            capabilities: capabilities.expect("checked"),
        })
    }
}

/// A long code in E.164 form or a short code, as the platform routes it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct PhoneNumber(String);

impl PhoneNumber {
    pub fn parse(raw: &str) -> Result<PhoneNumber, ValidationError> {
        // People paste numbers as they read them: "+1 415-555-0100".
        let compact: String = raw
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .collect();
        if compact.is_empty() {
            return Err(ValidationError::new(field::NUMBER, "Enter the number."));
        }
        let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        let valid = match compact.strip_prefix('+') {
            // E.164: at most 15 digits, and no country code starts with 0.
            Some(digits) => {
                all_digits(digits) && (8..=15).contains(&digits.len()) && !digits.starts_with('0')
            }
            None => all_digits(&compact) && (3..=8).contains(&compact.len()),
        };
        if valid {
            Ok(PhoneNumber(compact))
        } else {
            Err(ValidationError::new(
                field::NUMBER,
                "Enter the number in E.164 form, like +14155550100, or a short code of 3 to 8 digits.",
            ))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn is_short_code(&self) -> bool {
        !self.0.starts_with('+')
    }
}

impl std::fmt::Display for PhoneNumber {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

fn parse_capabilities(raw: &[String]) -> Result<Vec<Capability>, ValidationError> {
    let refuse = |message: String| Err(ValidationError::new(field::CAPABILITIES, message));
    let mut capabilities = Vec::new();
    for label in raw {
        let Some(capability) = Capability::parse(label.trim()) else {
            return refuse(format!(
                "\"{label}\" is not a capability: choose SMS, MMS or Voice."
            ));
        };
        if capabilities.contains(&capability) {
            return refuse(format!("{} is listed more than once.", capability.label()));
        }
        capabilities.push(capability);
    }
    if capabilities.is_empty() {
        return refuse("Choose at least one capability.".to_owned());
    }
    capabilities.sort();
    Ok(capabilities)
}

// ---------------------------------------------------------------------------------------------
// Apps

#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AppInput {
    pub name: String,
    /// The channel label, e.g. `WhatsApp`.
    pub app_type: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewApp {
    pub name: Name,
    pub app_type: AppType,
}

impl NewApp {
    pub fn parse(input: &AppInput) -> Result<NewApp, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let name = errors.check(Name::parse(field::NAME, &input.name));
        let app_type = errors.check(parse_app_type(&input.app_type));
        errors.finish(|| NewApp {
            name: name.expect("checked"),
            app_type: app_type.expect("checked"),
        })
    }
}

fn parse_app_type(raw: &str) -> Result<AppType, ValidationError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(ValidationError::new(field::APP_TYPE, "Choose an app type."));
    }
    AppType::parse(raw).ok_or_else(|| {
        let choices: Vec<&str> = AppType::ALL.iter().map(|t| t.label()).collect();
        let (last, rest) = choices.split_last().expect("seven app types");
        ValidationError::new(
            field::APP_TYPE,
            format!(
                "\"{raw}\" is not an app type: choose {} or {last}.",
                rest.join(", ")
            ),
        )
    })
}

// ---------------------------------------------------------------------------------------------
// ESME binds

/// An SMPP account. `password` is write-only: on an update, absent or empty keeps the stored one.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct EsmeBindInput {
    pub system_id: String,
    pub password: Option<String>,
    pub description: String,
}

impl std::fmt::Debug for EsmeBindInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EsmeBindInput")
            .field("system_id", &self.system_id)
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .field("description", &self.description)
            .finish()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEsmeBind {
    pub system_id: SystemId,
    pub password: SecretChange<SmppPassword>,
    pub description: String,
}

impl NewEsmeBind {
    pub const DESCRIPTION_MAX_CHARS: usize = 200;

    pub fn parse(input: &EsmeBindInput, mode: SaveMode) -> Result<NewEsmeBind, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let system_id = errors.check(SystemId::parse(&input.system_id));
        let password = match (non_empty(&input.password), mode) {
            (Some(raw), _) => errors.check(SmppPassword::parse(raw).map(SecretChange::Set)),
            (None, SaveMode::Update) => Some(SecretChange::Keep),
            (None, SaveMode::Create) => {
                errors.push(field::PASSWORD, "Enter a password.");
                None
            }
        };
        let description = input.description.trim();
        if description.chars().count() > Self::DESCRIPTION_MAX_CHARS {
            errors.push(
                field::DESCRIPTION,
                "Keep the description to 200 characters or fewer.",
            );
        }
        errors.finish(|| NewEsmeBind {
            system_id: system_id.expect("checked"),
            password: password.expect("checked"),
            description: description.to_owned(),
        })
    }
}

/// SMPP 3.4 sizes its strings in octets *including* the terminating NUL (§3.1, "C-Octet String"):
/// `system_id` is "Var. max 16" and `password` "Var. max 9", so 15 and 8 characters are the
/// most a bind can carry.
const SYSTEM_ID_MAX: usize = 15;
const PASSWORD_MAX: usize = 8;

fn printable_ascii(s: &str) -> bool {
    s.bytes().all(|b| (0x20..=0x7e).contains(&b))
}

/// The name an ESME binds with.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct SystemId(String);

impl SystemId {
    pub fn parse(raw: &str) -> Result<SystemId, ValidationError> {
        let id = raw.trim();
        let refuse = |m: &str| Err(ValidationError::new(field::SYSTEM_ID, m));
        if id.is_empty() {
            return refuse("Enter the system ID.");
        }
        if !printable_ascii(id) {
            return refuse("Use only printable ASCII characters in the system ID.");
        }
        if id.len() > SYSTEM_ID_MAX {
            return refuse("Keep the system ID to 15 characters or fewer (the SMPP limit).");
        }
        Ok(SystemId(id.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The password an ESME binds with. Kept exactly as typed (spaces count); never in `Debug`.
#[derive(Clone, PartialEq, Eq)]
pub struct SmppPassword(String);

impl SmppPassword {
    pub fn parse(raw: &str) -> Result<SmppPassword, ValidationError> {
        let refuse = |m: &str| Err(ValidationError::new(field::PASSWORD, m));
        if raw.is_empty() {
            return refuse("Enter a password.");
        }
        if !printable_ascii(raw) {
            return refuse("Use only printable ASCII characters in the password.");
        }
        if raw.len() > PASSWORD_MAX {
            return refuse("Keep the password to 8 characters or fewer (the SMPP limit).");
        }
        Ok(SmppPassword(raw.to_owned()))
    }

    /// The password itself, for encrypting it at rest and checking a bind.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for SmppPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SmppPassword(<redacted>)")
    }
}

#[cfg(test)]
mod tests;
