//! What each subcommand does, and the exit code it ends with.

use std::process::ExitCode;

use crate::{
    auth::api_key,
    cli::{ApiKeyCommand, Cli, Command},
    config::Config,
    startup::{Application, StartError},
    store,
};

/// Exit code for bad flags, an unusable database or an unusable address (CONTRACT §1).
pub const USAGE: u8 = 2;

pub async fn run(cli: Cli) -> ExitCode {
    let config = match Config::from_args(&cli.global) {
        Ok(c) => c,
        Err(e) => return fail(USAGE, &e),
    };
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(config).await,
        Command::Migrate => match store::open(&config.database).await {
            Ok(_) => {
                tracing::info!("migrations applied");
                ExitCode::SUCCESS
            }
            Err(e) => fail(USAGE, &e),
        },
        Command::ApiKey(ApiKeyCommand::Create { name }) => {
            let name = name.trim();
            if name.is_empty() || name.chars().count() > 100 {
                return fail(USAGE, &"--name: give 1 to 100 characters");
            }
            let store = match store::open(&config.database).await {
                Ok(s) => s,
                Err(e) => return fail(USAGE, &e),
            };
            match api_key::create(store.as_ref(), name).await {
                Ok((key, record)) => {
                    tracing::info!(id = %record.id, name = %record.name, "API key created");
                    // stdout carries the key and nothing else.
                    println!("{key}");
                    ExitCode::SUCCESS
                }
                Err(e) => fail(1, &e),
            }
        }
    }
}

async fn serve(config: Config) -> ExitCode {
    let app = match Application::build(config).await {
        Ok(app) => app,
        Err(
            e @ (StartError::Database(_)
            | StartError::Listen { .. }
            | StartError::SecretKey(_)
            | StartError::Outbound(_)
            | StartError::SmppListen { .. }),
        ) => return fail(USAGE, &e),
        Err(e) => return fail(1, &e),
    };
    match app.run_until_stopped().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => fail(1, &e),
    }
}

/// One line on stderr, then the exit code.
pub fn fail(code: u8, error: &dyn std::fmt::Display) -> ExitCode {
    eprintln!("webhooks-console: {}", one_line(&error.to_string()));
    ExitCode::from(code)
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}
