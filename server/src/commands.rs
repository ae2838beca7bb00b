//! What each subcommand does, and the exit code it ends with.

use std::io::{Read as _, Write as _};
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use crate::{
    auth::api_key,
    cli::{ApiKeyCommand, Cli, Command},
    config::Config,
    secrets::{SecretBox, SecretKey},
    startup::{Application, StartError},
    store::{self, Store},
    transfer,
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
        Command::Export => export(&config).await,
        Command::Import { file } => import(&config, &file).await,
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

/// `export`: the configuration as JSON on stdout, and nothing else there.
async fn export(config: &Config) -> ExitCode {
    let (store, secrets) = match open_with_key(config).await {
        Ok(opened) => opened,
        Err(code) => return code,
    };
    // Values of the first sealed format name no row: seal them for theirs first, as a start
    // would, so the document carries only values an import can open.
    if let Err(e) = crate::startup::upgrade_sealed(store.as_ref(), &secrets).await {
        return fail(1, &e);
    }
    let doc = match transfer::export(store.as_ref()).await {
        Ok(doc) => doc,
        Err(e) => return fail(1, &e),
    };
    let mut out = std::io::stdout().lock();
    let written = serde_json::to_writer_pretty(&mut out, &doc)
        .map_err(std::io::Error::from)
        .and_then(|()| writeln!(out))
        .and_then(|()| out.flush());
    match written {
        Ok(()) => {
            tracing::info!(
                services = doc.services.len(),
                webhooks = doc.webhooks.len(),
                authorizations = doc.authorizations.len(),
                "configuration exported"
            );
            ExitCode::SUCCESS
        }
        Err(e) => fail(1, &format!("cannot write the configuration to stdout: {e}")),
    }
}

/// `import FILE`: checks the whole file, then writes it into the (empty) database.
async fn import(config: &Config, file: &Path) -> ExitCode {
    let text = if file == Path::new("-") {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text).map(|_| text)
    } else {
        std::fs::read_to_string(file)
    };
    let text = match text {
        Ok(text) => text,
        Err(e) => return fail(USAGE, &format!("cannot read {}: {e}", file.display())),
    };
    let doc = match transfer::import::parse(&text) {
        Ok(doc) => doc,
        Err(e) => return fail(USAGE, &format!("{}: {e}", file.display())),
    };
    let (store, secrets) = match open_with_key(config).await {
        Ok(opened) => opened,
        Err(code) => return code,
    };
    match transfer::import(store.as_ref(), &secrets, &doc).await {
        Ok(summary) => {
            println!("{summary}");
            ExitCode::SUCCESS
        }
        Err(e) if e.is_usage() => fail(USAGE, &format!("{}: {e}", file.display())),
        Err(e) => fail(1, &e),
    }
}

/// The database and the key file, for the commands that move sealed secrets. The key file must
/// exist: a new key would open none of them.
async fn open_with_key(config: &Config) -> Result<(Arc<dyn Store>, Arc<SecretBox>), ExitCode> {
    let path = &config.secret_key_file;
    if !path.exists() {
        return Err(fail(
            USAGE,
            &format!(
                "the secret key file {} does not exist; give the --secret-key-file the \
                 configuration's secrets were sealed with",
                path.display()
            ),
        ));
    }
    let key = SecretKey::load_or_create(path).map_err(|e| fail(USAGE, &e))?;
    let store = store::open(&config.database)
        .await
        .map_err(|e| fail(USAGE, &e))?;
    Ok((store, Arc::new(SecretBox::new(&key))))
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
