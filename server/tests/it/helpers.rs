//! `spawn_app()`: the application on 127.0.0.1:0 with its own database, and a client for it.
//! The database is a SQLite file, or with `TEST_DATABASE=postgres` a fresh PostgreSQL database
//! (`wc_test_<random>` on the server of `TEST_POSTGRES_URL`, default
//! `postgres://postgres@127.0.0.1:5432/postgres`), dropped with the app.

use std::sync::Arc;

use reqwest::redirect::Policy;
use webhooks_console::{
    cli, config::Config, dispatcher::Dispatcher, startup::Application, store::Store,
};

pub const ADMIN_EMAIL: &str = "admin@example.com";
pub const ADMIN_PASSWORD: &str = "correct horse battery";

pub struct TestApp {
    pub base: String,
    pub store: Arc<dyn Store>,
    /// The service layer, as the console and the REST API call it.
    pub services: app::services::Services,
    /// The delivery engine; tests started with [`spawn_app_manual`] drive it with `run_once`.
    pub dispatcher: Dispatcher,
    /// Bulk resends and retention; tests drive them with `run_once`.
    pub jobs: webhooks_console::startup::Jobs,
    /// Where ESMEs bind, when the app was started with `--smpp-listen`.
    pub smpp_addr: Option<std::net::SocketAddr>,
    /// Keeps cookies, never follows redirects (tests look at them).
    pub client: reqwest::Client,
    _pg: Option<PgTestDatabase>,
    _dir: tempfile::TempDir,
    _watchdog: Watchdog,
}

/// Ends the whole test run, naming the test, if an app is still alive after [`Watchdog::LIMIT`]:
/// a test that hangs (the app on the test's own thread blocked, where no request timeout can
/// fire) then fails the suite at once instead of holding CI until its own limit.
struct Watchdog(Option<std::sync::mpsc::Sender<()>>);

impl Watchdog {
    /// The slowest test takes well under a minute; ten is a hang.
    const LIMIT: std::time::Duration = std::time::Duration::from_secs(600);

    fn start() -> Watchdog {
        let test = std::thread::current().name().unwrap_or("a test").to_owned();
        let (done, wait) = std::sync::mpsc::channel::<()>();
        std::thread::spawn(move || {
            if let Err(std::sync::mpsc::RecvTimeoutError::Timeout) = wait.recv_timeout(Self::LIMIT)
            {
                eprintln!(
                    "{test} still runs its app after {} s: it hangs; ending the test run",
                    Self::LIMIT.as_secs()
                );
                std::process::exit(101);
            }
        });
        Watchdog(Some(done))
    }
}

impl Drop for Watchdog {
    fn drop(&mut self) {
        if let Some(done) = self.0.take() {
            let _ = done.send(());
        }
    }
}

/// Starts the app with an administrator already created.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(&[
        "--admin-email",
        ADMIN_EMAIL,
        "--admin-password",
        ADMIN_PASSWORD,
    ])
    .await
}

/// Starts the app with these extra flags (database and listen address are set here).
pub async fn spawn_app_with(flags: &[&str]) -> TestApp {
    spawn(flags, true).await
}

/// Like [`spawn_app_with`], without the background delivery workers: the test drives
/// `app.dispatcher.run_once()` itself and never sleeps.
pub async fn spawn_app_manual(flags: &[&str]) -> TestApp {
    spawn(flags, false).await
}

async fn spawn(flags: &[&str], run_dispatcher: bool) -> TestApp {
    let dir = tempfile::tempdir().expect("temp dir");
    let brings_database = flags.contains(&"--database-url");
    let pg = match brings_database {
        false if on_postgres() => Some(PgTestDatabase::create().await),
        _ => None,
    };
    let db_url = match &pg {
        Some(pg) => pg.url.clone(),
        None => format!("sqlite://{}", dir.path().join("data/test.db").display()),
    };
    let mut args = vec!["webhooks-console", "--listen", "127.0.0.1:0"];
    // A fresh database per app, unless the test brings one (e.g. made by an older schema).
    if !brings_database {
        args.extend_from_slice(&["--database-url", &db_url]);
    }
    // Each app gets its own key file (unless the test brings one): no sharing, no race.
    let key_file = dir.path().join("data/secret.key").display().to_string();
    if !flags.contains(&"--secret-key-file") {
        args.extend_from_slice(&["--secret-key-file", &key_file]);
    }
    args.extend_from_slice(flags);
    let cli = cli::parse(args).expect("test flags parse");
    let mut config = Config::from_args(&cli.global).expect("test config is valid");
    config.run_dispatcher = run_dispatcher;
    let app = Application::build(config).await.expect("app starts");
    let base = format!("http://{}", app.addr());
    let store = app.store();
    let services = app.services();
    let dispatcher = app.dispatcher();
    let jobs = app.jobs();
    let smpp_addr = app.smpp_addr();
    tokio::spawn(app.run_until_stopped());
    // A request the app never answers fails its test within a minute, naming the request,
    // instead of holding the whole suite (and CI) until its own limit.
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .timeout(std::time::Duration::from_secs(60))
        .build()
        .unwrap();
    TestApp {
        base,
        store,
        services,
        dispatcher,
        jobs,
        smpp_addr,
        client,
        _pg: pg,
        _dir: dir,
        _watchdog: Watchdog::start(),
    }
}

/// Whether `TEST_DATABASE` asks for PostgreSQL (else the tests run on SQLite).
pub fn on_postgres() -> bool {
    matches!(
        std::env::var("TEST_DATABASE").as_deref(),
        Ok("postgres") | Ok("postgresql") | Ok("pg")
    )
}

/// A database `wc_test_<random>` on the test server, dropped (with its connections) on drop.
pub struct PgTestDatabase {
    pub url: String,
    server: String,
    name: String,
}

impl PgTestDatabase {
    pub async fn create() -> Self {
        use sqlx::Connection as _;
        let server = std::env::var("TEST_POSTGRES_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
        let name = format!("wc_test_{:016x}", rand::random::<u64>());
        let mut conn = sqlx::PgConnection::connect(&server)
            .await
            .unwrap_or_else(|e| panic!("TEST_DATABASE=postgres needs a server at {server}: {e}"));
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut conn)
            .await
            .unwrap();
        let _ = conn.close().await;
        let base = server.split('?').next().unwrap_or_default();
        let scheme_end = base.find("://").map_or(0, |i| i + 3);
        let base = match base[scheme_end..].find('/') {
            Some(slash) => &base[..scheme_end + slash],
            None => base,
        };
        let url = format!("{base}/{name}");
        PgTestDatabase { url, server, name }
    }
}

impl Drop for PgTestDatabase {
    // On a thread with its own runtime: a drop runs inside the test's runtime, which cannot
    // be blocked on.
    fn drop(&mut self) {
        let (server, name) = (self.server.clone(), self.name.clone());
        let dropped = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                use sqlx::Connection as _;
                let mut conn = sqlx::PgConnection::connect(&server).await?;
                sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(&mut conn)
                    .await?;
                conn.close().await
            })
        })
        .join();
        if let Ok(Err(e)) = dropped {
            eprintln!("could not drop the test database {}: {e}", self.name);
        }
    }
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Posts the login form; returns the response (a 303).
    pub async fn login(&self, email: &str, password: &str) -> reqwest::Response {
        self.client
            .post(self.url("/auth/login"))
            .form(&[("email", email), ("password", password), ("next", "")])
            .send()
            .await
            .unwrap()
    }
}

pub fn location(res: &reqwest::Response) -> String {
    res.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// Rewrites the stored webhook `id` as legacy data looks — what old databases and imports hold
/// and the API no longer makes: signed with SHA1 (its secret kept), no authorization, no
/// forwarding — with `change` applied to the rest. The store is written directly: no API
/// accepts it.
pub async fn make_legacy_sha1(
    store: &dyn Store,
    id: &str,
    change: impl FnOnce(&mut webhooks_console::store::WebhookWrite),
) {
    use webhooks_console::store::{SealedValue, WebhookWrite};
    let n: i64 = id.parse().expect("a webhook id");
    let stored = store.get_webhook(n).await.unwrap().expect("the webhook");
    let mut legacy = WebhookWrite {
        name: stored.name,
        entity: stored.entity,
        url: stored.url,
        hub_algorithm: Some("sha1".into()),
        hub_secret_enc: stored.hub_secret_enc.map(SealedValue::Kept),
        authorization_id: None,
        esme_bind_id: None,
        max_in_flight: None,
        rate_per_second: None,
        enabled: true,
        notifications: stored.notifications,
    };
    change(&mut legacy);
    store.update_webhook(n, &legacy).await.unwrap().unwrap();
}
