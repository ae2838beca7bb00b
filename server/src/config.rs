//! The validated runtime configuration, built once from the command line.

use std::{net::SocketAddr, path::PathBuf, time::Duration};

use crate::{cli::GlobalArgs, store::DatabaseUrl};

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConfigError {
    #[error("--database-url: {0}")]
    Database(String),
    #[error("--admin-password: use at least {min} characters", min = crate::auth::password::MIN_LEN)]
    AdminPasswordTooShort,
    #[error("--admin-email: {0}")]
    AdminEmail(String),
    #[error("--extra-ca-file: cannot read {path}: {reason}")]
    ExtraCa { path: String, reason: String },
}

/// The first administrator, created at start when there is no user.
#[derive(Clone)]
pub struct AdminSeed {
    pub email: app::domain::user::Email,
    pub password: String,
}

impl std::fmt::Debug for AdminSeed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AdminSeed")
            .field("email", &self.email)
            .field("password", &"<redacted>")
            .finish()
    }
}

#[derive(Debug, Clone)]
pub struct Config {
    pub listen: SocketAddr,
    pub database: DatabaseUrl,
    pub admin: Option<AdminSeed>,
    pub secret_key_file: PathBuf,
    /// The PEM text of `--extra-ca-file`, read at start.
    pub extra_ca_pem: Option<Vec<u8>>,
    pub allow_private_destinations: bool,
    pub demo_data: bool,
    pub request_timeout: Duration,
    /// `--public-url`, validated; `None`: `http://<bound address>`.
    pub public_url: Option<String>,
    pub retry_schedule: crate::dispatcher::RetrySchedule,
    /// `--max-in-flight`.
    pub max_in_flight: usize,
    /// `--retain-deliveries`.
    pub retain_deliveries: Duration,
    /// `--smpp-listen`: where the SMPP listener binds; `None`: no listener.
    pub smpp_listen: Option<SocketAddr>,
    pub smpp: crate::smpp::SmppConfig,
    /// Whether `serve` runs the background workers (the dispatcher, bulk resends, retention).
    /// Always true from the command line; tests turn it off and drive their `run_once` instead.
    pub run_dispatcher: bool,
}

impl Config {
    pub fn from_args(args: &GlobalArgs) -> Result<Self, ConfigError> {
        let admin = match (&args.admin_email, &args.admin_password) {
            (Some(email), Some(password)) => {
                let email = app::domain::user::Email::parse(email)
                    .map_err(|e| ConfigError::AdminEmail(e.to_string()))?;
                if password.chars().count() < crate::auth::password::MIN_LEN {
                    return Err(ConfigError::AdminPasswordTooShort);
                }
                Some(AdminSeed {
                    email,
                    password: password.clone(),
                })
            }
            _ => None,
        };
        let extra_ca_pem = match &args.extra_ca_file {
            Some(path) => Some(std::fs::read(path).map_err(|e| ConfigError::ExtraCa {
                path: path.display().to_string(),
                reason: e.to_string(),
            })?),
            None => None,
        };
        Ok(Config {
            listen: args.listen,
            database: args.database_url.parse().map_err(ConfigError::Database)?,
            admin,
            secret_key_file: args.secret_key_file.clone(),
            extra_ca_pem,
            allow_private_destinations: args.allow_private_destinations,
            demo_data: args.demo_data,
            request_timeout: args.request_timeout,
            public_url: args.public_url.clone(),
            retry_schedule: args.retry_schedule.clone(),
            retain_deliveries: args.retain_deliveries,
            max_in_flight: args.max_in_flight as usize,
            smpp_listen: args.smpp_listen,
            smpp: crate::smpp::SmppConfig {
                enquire_link: args.smpp_enquire_link,
            },
            run_dispatcher: true,
        })
    }
}
