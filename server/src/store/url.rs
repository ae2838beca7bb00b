//! Which database a `--database-url` names. Owned by the store (it opens it), read by the
//! configuration.

use std::{path::PathBuf, str::FromStr};

/// Where the data lives.
#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    Sqlite {
        url: String,
        path: PathBuf,
    },
    /// A PostgreSQL server; the URL is handed to sqlx as it is (it may carry a password).
    Postgres {
        url: String,
    },
}

impl std::fmt::Debug for DatabaseUrl {
    // Never print a URL: a PostgreSQL one may carry a password.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DatabaseUrl::Sqlite { path, .. } => write!(f, "Sqlite({})", path.display()),
            DatabaseUrl::Postgres { .. } => f.write_str("Postgres(<url>)"),
        }
    }
}

impl FromStr for DatabaseUrl {
    type Err = String;

    fn from_str(url: &str) -> Result<Self, Self::Err> {
        if let Some(rest) = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
        {
            let path = rest.split('?').next().unwrap_or_default();
            if path.is_empty() || path == ":memory:" {
                return Err("give a file path, e.g. sqlite://data/webhooks.db".into());
            }
            return Ok(DatabaseUrl::Sqlite {
                url: url.to_owned(),
                path: PathBuf::from(path),
            });
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            if url.len() <= "postgres://".len() + 1 {
                return Err("give a server, e.g. postgres://user@host/database".into());
            }
            return Ok(DatabaseUrl::Postgres {
                url: url.to_owned(),
            });
        }
        Err("expected sqlite://PATH or postgres://USER@HOST/DATABASE".into())
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
        let DatabaseUrl::Sqlite { path, .. } = abs else {
            panic!("a sqlite URL")
        };
        assert_eq!(path, PathBuf::from("/tmp/x.db"));
    }

    #[test]
    fn other_databases_are_refused_with_a_reason() {
        for url in [
            "mysql://x",
            "",
            "sqlite://",
            "sqlite::memory:",
            "postgres://",
        ] {
            let e = url.parse::<DatabaseUrl>().unwrap_err();
            assert!(!e.is_empty(), "{url}: {e}");
        }
    }

    #[test]
    fn postgres_urls_are_kept_whole() {
        for url in [
            "postgres://u:pw@h:5432/db",
            "postgresql://h/db?sslmode=disable",
        ] {
            let db: DatabaseUrl = url.parse().unwrap();
            assert_eq!(db, DatabaseUrl::Postgres { url: url.into() });
        }
    }

    #[test]
    fn database_urls_are_not_printed_in_debug_output() {
        let db: DatabaseUrl = "sqlite://data/webhooks.db?secret=1".parse().unwrap();
        assert!(!format!("{db:?}").contains("secret"));
        let pg: DatabaseUrl = "postgres://u:hunter2@h/db".parse().unwrap();
        assert!(!format!("{pg:?}").contains("hunter2"));
    }
}
