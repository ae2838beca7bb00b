//! Command line: subcommands and the flags of CONTRACT §1, each with its env var and default.
//!
//! Only the env vars named here are read. Bad flags end the process with one line on stderr and
//! exit code 2 (see [`parse`]); `--help` keeps clap's full text.

use std::{ffi::OsString, net::SocketAddr, path::PathBuf, time::Duration};

use clap::{error::ErrorKind, Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "webhooks-console",
    version,
    about = "Admin console and delivery engine for outbound webhooks.",
    long_about = "Admin console and delivery engine for outbound webhooks: one binary serving \
                  the console, the REST API and the dispatcher.\n\nWith no subcommand, `serve` runs."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Flags accepted before or after the subcommand.
#[derive(Debug, Clone, Args)]
pub struct GlobalArgs {
    /// Address (IP:port) the console, the APIs and /metrics are served on.
    #[arg(
        long,
        env = "LISTEN_ADDR",
        default_value = "127.0.0.1:3000",
        global = true
    )]
    pub listen: SocketAddr,

    /// Database: `sqlite://PATH` (the file and its folder are created).
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://data/webhooks.db",
        global = true,
        hide_env_values = true
    )]
    pub database_url: String,

    /// Email of the administrator to create at start when the database has no user.
    #[arg(long, env = "ADMIN_EMAIL", global = true, requires = "admin_password")]
    pub admin_email: Option<String>,

    /// Password of that administrator (at least 10 characters).
    #[arg(
        long,
        env = "ADMIN_PASSWORD",
        global = true,
        requires = "admin_email",
        hide_env_values = true
    )]
    pub admin_password: Option<String>,

    /// Key file that encrypts stored secrets (hub secrets, passwords, tokens); created with
    /// mode 0600 on first run. Keep it: without it, stored secrets cannot be read.
    #[arg(
        long,
        env = "SECRET_KEY_FILE",
        default_value = "data/secret.key",
        global = true
    )]
    pub secret_key_file: PathBuf,

    /// PEM file of certificates to trust for webhook endpoints, besides the system roots.
    #[arg(long, env = "EXTRA_CA_FILE", global = true)]
    pub extra_ca_file: Option<PathBuf>,

    /// Allow webhook URLs that resolve to loopback, private, link-local and other
    /// non-public addresses (turns the SSRF guard off).
    #[arg(long, env = "ALLOW_PRIVATE_DESTINATIONS", global = true, default_value_t = false,
          action = clap::ArgAction::Set, num_args = 0..=1, require_equals = true,
          default_missing_value = "true", value_parser = clap::builder::BoolishValueParser::new())]
    pub allow_private_destinations: bool,

    /// On an empty database, add a realistic set of demo assets.
    #[arg(long, env = "DEMO_DATA", global = true, default_value_t = false,
          action = clap::ArgAction::Set, num_args = 0..=1, require_equals = true,
          default_missing_value = "true", value_parser = clap::builder::BoolishValueParser::new())]
    pub demo_data: bool,

    /// Time limit of each outbound request (test calls included), e.g. `10s`, `500ms`.
    #[arg(long, env = "REQUEST_TIMEOUT", default_value = "10s", value_parser = parse_duration, global = true)]
    pub request_timeout: Duration,

    /// Base URL the browser reaches this console at, for generated links such as the OAuth 2.0
    /// Call Back URL (`<public-url>/oauth/callback`). Default: `http://<listen>`.
    #[arg(long, env = "PUBLIC_URL", value_parser = parse_public_url, global = true)]
    pub public_url: Option<String>,
    /// Delays before each retry of a failed delivery, e.g. `30s,60s,120s`: their count is the
    /// number of retries; `""` means no retries.
    #[arg(long, env = "RETRY_SCHEDULE", default_value = crate::dispatcher::retry::DEFAULT_RETRY_SCHEDULE,
          value_parser = parse_retry_schedule, global = true)]
    pub retry_schedule: crate::dispatcher::RetrySchedule,

    /// Outbound requests in flight at most, all webhooks together; the webhooks with work share
    /// them fairly (a lone webhook may use them all).
    #[arg(long, env = "MAX_IN_FLIGHT", default_value_t = 128, value_parser = clap::value_parser!(u32).range(1..=10_000), global = true)]
    pub max_in_flight: u32,

    /// How long deliveries, their attempts and events are kept before they are pruned, e.g.
    /// `30d`, `12h` (the dashboard's aggregates are kept 400 days).
    #[arg(long, env = "RETAIN_DELIVERIES", default_value = "30d", value_parser = parse_duration, global = true)]
    pub retain_deliveries: Duration,

    /// Address (IP:port) of the SMPP 3.4 listener where ESMEs bind (as receiver or transceiver,
    /// with an ESME bind's system ID and password) to receive forwarded incoming SMS. Off when
    /// not given.
    #[arg(long, env = "SMPP_LISTEN", global = true)]
    pub smpp_listen: Option<SocketAddr>,

    /// An SMPP session silent this long is sent an enquire_link; one silent twice as long is
    /// dropped (also the time a new connection has to bind).
    #[arg(long, default_value = "30s", value_parser = parse_duration, global = true)]
    pub smpp_enquire_link: Duration,

    /// Log filter for stderr, e.g. `info`, `debug`, `webhooks_console=debug,info`.
    #[arg(long, default_value = "info", global = true)]
    pub log: String,
}

#[derive(Debug, Clone, Subcommand)]
pub enum Command {
    /// Serve the console, the APIs and the dispatcher (the default).
    Serve,
    /// Apply the database migrations and exit.
    Migrate,
    /// Manage API keys for `/api/v1`.
    #[command(subcommand)]
    ApiKey(ApiKeyCommand),
    /// Write the whole configuration (assets, authorizations, webhooks; secrets sealed) as JSON
    /// on stdout: a backup, or the way to move to another database with `import`.
    Export,
    /// Load a configuration made by `export` into an empty database (the same
    /// --secret-key-file opens its secrets).
    Import {
        /// The file `export` wrote, or `-` for stdin.
        file: PathBuf,
    },
}

#[derive(Debug, Clone, Subcommand)]
pub enum ApiKeyCommand {
    /// Create a key and print it (only its hash is stored: it cannot be shown again).
    Create {
        /// What the key is for, e.g. the system that will use it.
        #[arg(long)]
        name: String,
    },
}

/// A humantime duration (`100ms`, `10s`, `2m`), more than zero.
fn parse_duration(s: &str) -> Result<Duration, String> {
    let d = humantime::parse_duration(s).map_err(|e| format!("{e} (use e.g. 500ms, 10s, 2m)"))?;
    if d.is_zero() {
        return Err("must be more than zero".into());
    }
    Ok(d)
}

/// An absolute `http://` or `https://` URL with a host and no query or fragment; kept without
/// its trailing `/` so paths can be appended.
fn parse_public_url(s: &str) -> Result<String, String> {
    let url = reqwest::Url::parse(s.trim())
        .map_err(|e| format!("{e} (e.g. https://console.example.com)"))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err("use an absolute http:// or https:// URL".into());
    }
    if url.query().is_some() || url.fragment().is_some() || !url.username().is_empty() {
        return Err("give only scheme, host, port and path (no query, fragment or user)".into());
    }
    Ok(url.as_str().trim_end_matches('/').to_owned())
}

/// A comma-separated list of humantime delays (`""`: no retries).
fn parse_retry_schedule(s: &str) -> Result<crate::dispatcher::RetrySchedule, String> {
    s.parse()
        .map_err(|e: crate::dispatcher::retry::RetryScheduleError| e.to_string())
}

/// How parsing ended when it did not produce a [`Cli`].
#[derive(Debug, PartialEq, Eq)]
pub enum ParseOutcome {
    /// `--help` or `--version`: print this on stdout and exit 0.
    Info(String),
    /// A usage error, as one line for stderr (exit 2).
    Usage(String),
}

/// Parses `args` (including the program name).
pub fn parse<I, T>(args: I) -> Result<Cli, ParseOutcome>
where
    I: IntoIterator<Item = T>,
    T: Into<OsString> + Clone,
{
    Cli::try_parse_from(args).map_err(|e| match e.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            ParseOutcome::Info(e.render().to_string())
        }
        _ => {
            // clap renders "error: …", a blank line, tips and usage; keep the first line only.
            let rendered = e.render().to_string();
            let line = rendered
                .lines()
                .find(|l| !l.trim().is_empty())
                .unwrap_or("error: invalid arguments");
            ParseOutcome::Usage(line.trim().to_owned())
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(args: &[&str]) -> Cli {
        parse(std::iter::once("webhooks-console").chain(args.iter().copied()))
            .unwrap_or_else(|e| panic!("{args:?} should parse: {e:?}"))
    }

    fn err(args: &[&str]) -> ParseOutcome {
        parse(std::iter::once("webhooks-console").chain(args.iter().copied())).unwrap_err()
    }

    #[test]
    fn no_arguments_means_serve_with_the_contract_defaults() {
        // The env vars of the contract must not leak in from the test environment.
        for var in [
            "LISTEN_ADDR",
            "DATABASE_URL",
            "ADMIN_EMAIL",
            "ADMIN_PASSWORD",
            "--secret-key-file",
            "SECRET_KEY_FILE",
            "data/secret.key",
            "--extra-ca-file",
            "EXTRA_CA_FILE",
            "--allow-private-destinations",
            "ALLOW_PRIVATE_DESTINATIONS",
            "--demo-data",
            "DEMO_DATA",
            "--request-timeout",
            "REQUEST_TIMEOUT",
            "10s",
        ] {
            assert!(
                std::env::var_os(var).is_none(),
                "{var} is set in the test environment"
            );
        }
        let cli = ok(&[]);
        assert!(cli.command.is_none());
        assert_eq!(cli.global.listen.to_string(), "127.0.0.1:3000");
        assert_eq!(cli.global.database_url, "sqlite://data/webhooks.db");
        assert_eq!(cli.global.admin_email, None);
        assert_eq!(cli.global.secret_key_file, PathBuf::from("data/secret.key"));
        assert_eq!(cli.global.extra_ca_file, None);
        assert!(!cli.global.allow_private_destinations);
        assert!(!cli.global.demo_data);
        assert_eq!(cli.global.request_timeout, Duration::from_secs(10));
    }

    #[test]
    fn durations_are_humantime() {
        assert_eq!(
            ok(&["--request-timeout", "250ms"]).global.request_timeout,
            Duration::from_millis(250)
        );
        assert_eq!(
            ok(&["--request-timeout", "2m"]).global.request_timeout,
            Duration::from_secs(120)
        );
        assert!(matches!(
            err(&["--request-timeout", "soon"]),
            ParseOutcome::Usage(_)
        ));
        assert!(matches!(
            err(&["--request-timeout", "0s"]),
            ParseOutcome::Usage(_)
        ));
    }

    #[test]
    fn boolean_flags_work_bare_or_with_a_value() {
        assert!(ok(&["--demo-data"]).global.demo_data);
        assert!(
            ok(&["--allow-private-destinations=true"])
                .global
                .allow_private_destinations
        );
        assert!(
            ok(&["--demo-data", "serve"]).global.demo_data,
            "a bare flag before the subcommand"
        );
        assert!(!ok(&["--demo-data=false"]).global.demo_data);
        assert!(matches!(
            err(&["--demo-data=maybe"]),
            ParseOutcome::Usage(_)
        ));
    }

    #[test]
    fn global_flags_work_before_and_after_the_subcommand() {
        let before = ok(&["--listen", "127.0.0.1:4000", "migrate"]);
        let after = ok(&["migrate", "--listen", "127.0.0.1:4000"]);
        assert_eq!(before.global.listen, after.global.listen);
        assert!(matches!(after.command, Some(Command::Migrate)));
    }

    #[test]
    fn api_key_create_takes_a_name() {
        let cli = ok(&["api-key", "create", "--name", "billing"]);
        match cli.command {
            Some(Command::ApiKey(ApiKeyCommand::Create { name })) => assert_eq!(name, "billing"),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn an_unknown_flag_is_one_line() {
        match err(&["--no-such-flag"]) {
            ParseOutcome::Usage(line) => {
                assert!(line.contains("--no-such-flag"), "{line}");
                assert!(!line.contains('\n'));
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn the_public_url_must_be_an_absolute_http_url_and_loses_its_trailing_slash() {
        assert_eq!(ok(&[]).global.public_url, None);
        assert_eq!(
            ok(&["--public-url", "https://console.example.com/"])
                .global
                .public_url
                .as_deref(),
            Some("https://console.example.com")
        );
        for bad in [
            "console.example.com",
            "ftp://x",
            "https://x/?a=1",
            "/relative",
        ] {
            match err(&["--public-url", bad]) {
                ParseOutcome::Usage(line) => assert!(line.contains("--public-url"), "{line}"),
                other => panic!("{bad}: unexpected {other:?}"),
            }
        }
    }

    #[test]
    fn a_bad_listen_address_is_refused() {
        assert!(matches!(
            err(&["--listen", "nowhere"]),
            ParseOutcome::Usage(_)
        ));
    }

    #[test]
    fn admin_email_without_password_is_refused() {
        assert!(matches!(
            err(&["--admin-email", "a@example.com"]),
            ParseOutcome::Usage(_)
        ));
    }

    #[test]
    fn help_lists_every_flag_with_its_env_var_and_default() {
        let ParseOutcome::Info(help) = err(&["--help"]) else {
            panic!("help expected")
        };
        for needle in [
            "--listen",
            "LISTEN_ADDR",
            "127.0.0.1:3000",
            "--database-url",
            "DATABASE_URL",
            "sqlite://data/webhooks.db",
            "--admin-email",
            "ADMIN_EMAIL",
            "--admin-password",
            "ADMIN_PASSWORD",
            "--secret-key-file",
            "SECRET_KEY_FILE",
            "data/secret.key",
            "--extra-ca-file",
            "EXTRA_CA_FILE",
            "--allow-private-destinations",
            "ALLOW_PRIVATE_DESTINATIONS",
            "--demo-data",
            "DEMO_DATA",
            "--request-timeout",
            "REQUEST_TIMEOUT",
            "10s",
            "--retry-schedule",
            "RETRY_SCHEDULE",
            "60s,60s,60s",
            "--smpp-listen",
            "SMPP_LISTEN",
            "--smpp-enquire-link",
        ] {
            assert!(help.contains(needle), "--help lacks {needle}:\n{help}");
        }
    }

    #[test]
    fn the_smpp_listener_is_off_unless_an_address_is_given() {
        assert_eq!(ok(&[]).global.smpp_listen, None);
        let cli = ok(&[
            "--smpp-listen",
            "127.0.0.1:2775",
            "--smpp-enquire-link",
            "5s",
        ]);
        assert_eq!(
            cli.global.smpp_listen.map(|a| a.to_string()).as_deref(),
            Some("127.0.0.1:2775")
        );
        assert_eq!(cli.global.smpp_enquire_link, Duration::from_secs(5));
        assert!(matches!(
            err(&["--smpp-listen", "not an address"]),
            ParseOutcome::Usage(_)
        ));
    }

    #[test]
    fn the_retry_schedule_defaults_to_three_retries_and_may_be_empty() {
        assert_eq!(
            ok(&[]).global.retry_schedule,
            crate::dispatcher::RetrySchedule::default()
        );
        let none = ok(&["--retry-schedule", ""]).global.retry_schedule;
        assert_eq!(none.retries(), 0);
        let custom = ok(&["serve", "--retry-schedule", "30s,1m,2m"]);
        assert_eq!(custom.global.retry_schedule.retries(), 3);
    }

    #[test]
    fn a_bad_retry_schedule_is_a_one_line_usage_error() {
        let ParseOutcome::Usage(line) = err(&["--retry-schedule", "30s,soon"]) else {
            panic!("a usage error expected");
        };
        assert!(
            line.contains("--retry-schedule") && line.contains("retry 2"),
            "{line}"
        );
        assert!(!line.contains('\n'));
    }
}
