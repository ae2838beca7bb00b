//! Checks a bind's `system_id` and `password` against the ESME binds (CONTRACT §2, §4 "SMPP").
//!
//! Guarantees: the stored password is opened only here, for the comparison, and compared in
//! constant time; it is never logged; an unknown system ID and a wrong password are told apart
//! (SMPP has a status for each: ESME_RINVSYSID, ESME_RINVPASWD); a store or key failure is a
//! system error (ESME_RSYSERR), never a successful bind.

use rusmpp::CommandStatus;

use crate::auth::token::constant_time_eq;
use crate::secrets::{aad, SecretBox};
use crate::store::Store;

/// The outcome of a bind's credentials.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Checked {
    /// The ESME bind they belong to.
    Accepted(i64),
    UnknownSystemId,
    WrongPassword,
    /// The store or the secret key could not be used.
    Unavailable,
}

impl Checked {
    /// The command_status a refused bind is answered with.
    pub fn refusal(self) -> Option<CommandStatus> {
        match self {
            Checked::Accepted(_) => None,
            Checked::UnknownSystemId => Some(CommandStatus::EsmeRinvsysid),
            Checked::WrongPassword => Some(CommandStatus::EsmeRinvpaswd),
            Checked::Unavailable => Some(CommandStatus::EsmeRsyserr),
        }
    }
}

pub async fn check(
    store: &dyn Store,
    secrets: &SecretBox,
    system_id: &str,
    password: &str,
) -> Checked {
    let record = match store.find_esme_bind(system_id).await {
        Ok(Some(record)) => record,
        Ok(None) => return Checked::UnknownSystemId,
        Err(e) => {
            tracing::error!(error = ?e, "an SMPP bind could not read the ESME binds");
            return Checked::Unavailable;
        }
    };
    match secrets.open(&record.password_enc, aad::ESME_PASSWORD, record.id) {
        Ok(stored) if constant_time_eq(stored.expose().as_bytes(), password.as_bytes()) => {
            Checked::Accepted(record.id)
        }
        Ok(_) => Checked::WrongPassword,
        // Why without the cause: it is about key material.
        Err(_) => {
            tracing::warn!(
                esme_bind_id = record.id,
                "an ESME bind's password cannot be opened with this secret key file"
            );
            Checked::Unavailable
        }
    }
}
