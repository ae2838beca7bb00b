//! The validated runtime configuration, built once from the command line.

use std::{net::SocketAddr, path::PathBuf, str::FromStr, time::Duration};

use crate::cli::GlobalArgs;

/// Where the data lives.
#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    Sqlite { url: String, path: PathBuf },
}

impl std::fmt::Debug for DatabaseUrl {
    // Never print a URL: a PostgreSQL one may carry a password.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DatabaseUrl::Sqlite { path, .. } => write!(f, "Sqlite({})", path.display()),
        }
    }
}

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

impl FromStr for DatabaseUrl {
    type Err = ConfigError;

    fn from_str(url: &str) -> Result<Self, Self::Err> {
        if let Some(rest) = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
        {
            let path = rest.split('?').next().unwrap_or_default();
            if path.is_empty() || path == ":memory:" {
                return Err(ConfigError::Database(
                    "give a file path, e.g. sqlite://data/webhooks.db".into(),
                ));
            }
            return Ok(DatabaseUrl::Sqlite {
                url: url.to_owned(),
                path: PathBuf::from(path),
            });
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Err(ConfigError::Database(
                "PostgreSQL is not supported by this build yet; use sqlite://PATH".into(),
            ));
        }
        Err(ConfigError::Database("expected sqlite://PATH".into()))
    }
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
    /// Whether `serve` runs the background delivery workers. Always true from the command line;
    /// tests turn it off and drive `Dispatcher::run_once` instead.
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
            database: args.database_url.parse()?,
            admin,
            secret_key_file: args.secret_key_file.clone(),
            extra_ca_pem,
            allow_private_destinations: args.allow_private_destinations,
            demo_data: args.demo_data,
            request_timeout: args.request_timeout,
            public_url: args.public_url.clone(),
            retry_schedule: args.retry_schedule.clone(),
            run_dispatcher: true,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_urls_give_their_file_path() {
        let db: DatabaseUrl = "sqlite://data/webhooks.db".parse().unwrap();
        assert_eq!(
            db,
            DatabaseUrl::Sqlite {
                url: "sqlite://data/webhooks.db".into(),
                path: "data/webhooks.db".into()
            }
        );
        let abs: DatabaseUrl = "sqlite:///tmp/x.db?mode=rwc".parse().unwrap();
        let DatabaseUrl::Sqlite { path, .. } = abs;
        assert_eq!(path, PathBuf::from("/tmp/x.db"));
    }

    #[test]
    fn other_databases_are_refused_with_a_reason() {
        for url in [
            "mysql://x",
            "",
            "sqlite://",
            "sqlite::memory:",
            "postgres://u@h/db",
        ] {
            let e = url.parse::<DatabaseUrl>().unwrap_err();
            assert!(e.to_string().starts_with("--database-url: "), "{url}: {e}");
        }
    }

    #[test]
    fn database_urls_are_not_printed_in_debug_output() {
        let db: DatabaseUrl = "sqlite://data/webhooks.db?secret=1".parse().unwrap();
        assert!(!format!("{db:?}").contains("secret"));
    }
}
