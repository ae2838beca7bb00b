//! Builds the application from a [`Config`]: opens and migrates the store, makes sure there is
//! a way to sign in, binds the listener, and assembles the router.

use std::{net::SocketAddr, sync::Arc};

use app::{shell, App, OUTPUT_NAME};
use axum::{
    middleware,
    routing::{get, post},
    Router,
};
use leptos::config::LeptosOptions;
use leptos_axum::{generate_route_list, LeptosRoutes};
use tokio::net::TcpListener;

use crate::{
    auth::{password, session, setup::SetupToken, token},
    authorizers::AuthorizerRegistry,
    config::Config,
    dispatcher::{Dispatcher, DispatcherConfig},
    jobs::{BulkResender, Retention, RetentionConfig},
    outbound::{ClientBuildError, OutboundClient, OutboundConfig},
    rest,
    secrets::{Column, SecretBox, SecretError, SecretKey},
    services::{self, demo},
    smpp,
    state::{provide_server_context, AppState},
    store::{self, NewUser, OpenError, Store},
    telemetry,
    web::{auth_forms, body_limit, csrf, export, fallback, form_pages, headers, oauth, ops},
};

#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The database cannot be used (exit code 2).
    #[error(transparent)]
    Database(#[from] OpenError),
    /// The listen address cannot be used (exit code 2).
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("cannot create the administrator: {0}")]
    Admin(String),
    /// The secret key file cannot be used (exit code 2).
    #[error("--secret-key-file: {0}")]
    SecretKey(#[from] SecretError),
    /// The outbound client cannot be built, e.g. a bad `--extra-ca-file` (exit code 2).
    #[error("--extra-ca-file: {0}")]
    Outbound(#[from] ClientBuildError),
    #[error("cannot add the demo data: {0}")]
    Demo(String),
    /// The `--smpp-listen` address cannot be used (exit code 2).
    #[error("--smpp-listen: cannot listen on {addr}: {source}")]
    SmppListen {
        addr: SocketAddr,
        source: std::io::Error,
    },
}

pub struct Application {
    listener: TcpListener,
    router: Router,
    state: AppState,
    jobs: Jobs,
    /// The SMPP listener (`--smpp-listen`), bound, accepting once served.
    smpp: Option<smpp::Listener>,
    smpp_addr: Option<SocketAddr>,
}

/// The background jobs beside the dispatcher (tests drive them with `run_once`).
#[derive(Clone)]
pub struct Jobs {
    pub bulk: BulkResender,
    pub retention: Retention,
}

impl Application {
    pub async fn build(config: Config) -> Result<Self, StartError> {
        let store = store::open(&config.database).await?;
        let listener =
            TcpListener::bind(config.listen)
                .await
                .map_err(|source| StartError::Listen {
                    addr: config.listen,
                    source,
                })?;
        let addr = listener.local_addr().map_err(|source| StartError::Listen {
            addr: config.listen,
            source,
        })?;
        let setup = Arc::new(SetupToken::new(
            ensure_first_user(&config, store.as_ref(), addr).await?,
        ));
        let secrets = Arc::new(SecretBox::new(&SecretKey::load_or_create(
            &config.secret_key_file,
        )?));
        upgrade_sealed(store.as_ref(), &secrets).await?;
        let outbound = Arc::new(OutboundClient::new(OutboundConfig {
            request_timeout: config.request_timeout,
            extra_ca_pem: config.extra_ca_pem.clone(),
            allow_private_destinations: config.allow_private_destinations,
            user_agent: OutboundConfig::default_user_agent(),
        })?);
        let public_url = config
            .public_url
            .clone()
            .unwrap_or_else(|| format!("http://{addr}"));
        // Built in the order of their dependencies; nothing is patched in afterwards. One registry
        // of live authorizers serves the test calls and the deliveries, so an OAuth 2.0 token
        // fetched by either is shared by both.
        let authorizers = Arc::new(AuthorizerRegistry::new(
            store.clone(),
            secrets.clone(),
            format!("{}/oauth/callback", public_url.trim_end_matches('/')),
        ));
        // The sessions bound to this process's SMPP listener: the dispatcher sends SMPP
        // deliveries through them (none without `--smpp-listen`: those deliveries wait, retried).
        let sessions = Arc::new(smpp::Sessions::new());
        let smpp = match config.smpp_listen {
            None => None,
            Some(addr) => Some(
                smpp::Listener::bind(
                    addr,
                    store.clone(),
                    secrets.clone(),
                    sessions.clone(),
                    config.smpp.clone(),
                )
                .await
                .map_err(|source| StartError::SmppListen { addr, source })?,
            ),
        };
        let smpp_addr = match (&smpp, config.smpp_listen) {
            (Some(l), Some(addr)) => Some(
                l.local_addr()
                    .map_err(|source| StartError::SmppListen { addr, source })?,
            ),
            _ => None,
        };
        let dispatcher = Dispatcher::new(
            store.clone(),
            outbound.clone(),
            secrets.clone(),
            authorizers.clone(),
            sessions.clone(),
            DispatcherConfig {
                concurrency: config.max_in_flight,
                ..DispatcherConfig::new(config.retry_schedule.clone(), config.request_timeout)
            },
        );
        let bulk = BulkResender::new(store.clone(), dispatcher.clone());
        let retention = Retention::new(
            store.clone(),
            RetentionConfig {
                keep: config.retain_deliveries,
            },
        );
        let services = services::build(services::Parts {
            store: store.clone(),
            secrets,
            outbound,
            authorizers,
            dispatcher: dispatcher.clone(),
            bulk: bulk.clone(),
            sessions,
        });
        if config.demo_data
            && demo::seed(store.as_ref(), services.assets.as_ref())
                .await
                .map_err(|e| StartError::Demo(e.to_string()))?
        {
            tracing::info!("demo assets added");
        }
        let state = AppState {
            leptos_options: leptos_options(addr),
            config: Arc::new(config),
            store,
            setup,
            metrics: telemetry::metrics_handle(),
            services,
            dispatcher,
        };
        let jobs = Jobs { bulk, retention };
        let router = router(state.clone());
        Ok(Application {
            listener,
            router,
            state,
            jobs,
            smpp,
            smpp_addr,
        })
    }

    /// The address actually bound (useful with port 0).
    pub fn addr(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .expect("a bound listener has an address")
    }

    pub fn store(&self) -> Arc<dyn Store> {
        self.state.store.clone()
    }

    /// The service layer (tests call it as the console and the REST API do).
    pub fn services(&self) -> app::services::Services {
        self.state.services.clone()
    }

    /// The delivery engine (tests drive it with `run_once` when `run_dispatcher` is off).
    pub fn dispatcher(&self) -> Dispatcher {
        self.state.dispatcher.clone()
    }

    /// The background jobs.
    pub fn jobs(&self) -> Jobs {
        self.jobs.clone()
    }

    /// The address the SMPP listener is bound to (`--smpp-listen`; useful with port 0).
    pub fn smpp_addr(&self) -> Option<SocketAddr> {
        self.smpp_addr
    }

    /// Serves (and, unless turned off, runs the background workers) until Ctrl-C / SIGTERM, then
    /// finishes the requests and the deliveries in flight.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        tracing::info!(addr = %self.addr(), "serving the console on http://{}", self.addr());
        // The SMPP listener runs whether or not the workers do: tests that drive the dispatcher
        // themselves still need ESMEs to bind.
        let smpp = self.smpp.map(|listener| {
            if let Some(addr) = self.smpp_addr {
                tracing::info!(%addr, "SMPP listener: ESMEs bind on {addr}");
            }
            listener.spawn()
        });
        let dispatcher = self.state.dispatcher.clone();
        let jobs = self.jobs.clone();
        let workers = self.state.config.run_dispatcher.then(|| {
            (
                dispatcher.spawn(),
                jobs.bulk.spawn(),
                jobs.retention.spawn(),
            )
        });
        let served = axum::serve(
            self.listener,
            self.router
                .into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown_signal())
        .await;
        if let Some((delivering, bulk, retention)) = workers {
            jobs.bulk.shutdown();
            jobs.retention.shutdown();
            dispatcher.shutdown();
            let _ = tokio::join!(delivering, bulk, retention);
        }
        if let Some(accepting) = smpp {
            accepting.abort();
        }
        served
    }
}

/// Creates the `--admin-email` administrator if there is no user yet, or, with no user and no
/// such flag, returns the one-time setup token (and logs its link).
async fn ensure_first_user(
    config: &Config,
    store: &dyn Store,
    addr: SocketAddr,
) -> Result<Option<String>, StartError> {
    if let Some(admin) = &config.admin {
        let hash = password::hash(admin.password.clone())
            .await
            .map_err(|e| StartError::Admin(e.to_string()))?;
        let new = NewUser {
            email: admin.email.clone(),
            password_hash: hash,
            role: app::domain::Role::Admin,
        };
        match store
            .insert_first_user(new)
            .await
            .map_err(|e| StartError::Admin(e.to_string()))?
        {
            Some(user) => tracing::info!(email = %user.email, "administrator created"),
            None => tracing::info!("users exist already: --admin-email is ignored"),
        }
        return Ok(None);
    }
    let users = store
        .count_users()
        .await
        .map_err(|e| StartError::Admin(e.to_string()))?;
    if users > 0 {
        return Ok(None);
    }
    let token = token::random_token();
    tracing::warn!(
        "no user exists yet: create the administrator at http://{addr}/setup?token={token}"
    );
    Ok(Some(token))
}

/// Leptos settings, built here rather than read from `LEPTOS_*` env vars: the binary reads only
/// the env vars of its own flags.
fn leptos_options(addr: SocketAddr) -> LeptosOptions {
    LeptosOptions::builder()
        .output_name(OUTPUT_NAME)
        .site_root("target/site")
        .site_pkg_dir("pkg")
        .site_addr(addr)
        .build()
}

/// The add and edit pages of each asset kind, posted without JavaScript (GET is Leptos's).
fn asset_form_routes() -> Router<AppState> {
    use axum::extract::{Path, Request, State};
    use form_pages::AssetForm;
    let mut routes = Router::new();
    for (base, kind) in [
        ("/assets/services", AssetForm::Service),
        ("/assets/numbers", AssetForm::Number),
        ("/assets/apps", AssetForm::App),
        ("/assets/esme-binds", AssetForm::EsmeBind),
    ] {
        routes = routes
            .route(
                &format!("{base}/new"),
                post(move |State(state): State<AppState>, req: Request| {
                    form_pages::asset(state, kind, None, req)
                }),
            )
            .route(
                &format!("{base}/{{id}}"),
                post(
                    move |State(state): State<AppState>, Path(id): Path<String>, req: Request| {
                        form_pages::asset(state, kind, Some(id), req)
                    },
                ),
            );
    }
    routes
}

pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let options = state.leptos_options.clone();
    let context_state = state.clone();
    Router::new()
        .route("/healthz", get(ops::healthz))
        .route("/metrics", get(ops::metrics))
        .route("/auth/login", post(auth_forms::login))
        .route("/auth/logout", post(auth_forms::logout))
        .route(
            "/auth/logout-everywhere",
            post(auth_forms::logout_everywhere),
        )
        .route("/auth/setup", post(auth_forms::setup))
        .route("/oauth/callback", get(oauth::callback))
        .route("/oauth/token/{id}", post(oauth::get_access_token))
        .route("/monitor/deliveries/export", get(export::export))
        // The forms posted without JavaScript; GET of the same pages is Leptos's.
        .route(
            "/assets/integrations/outbound-webhooks/new",
            post(form_pages::new_webhook),
        )
        .route(
            "/assets/integrations/outbound-webhooks/{id}",
            post(form_pages::edit_webhook),
        )
        .route(
            "/assets/integrations/authorizations/new",
            post(form_pages::new_authorization),
        )
        .route(
            "/assets/integrations/authorizations/{id}",
            post(form_pages::edit_authorization),
        )
        .merge(asset_form_routes())
        .nest("/api/v1", rest::router(state.clone()))
        .leptos_routes_with_context(
            &state,
            routes,
            move || provide_server_context(&context_state),
            move || shell(options.clone()),
        )
        .fallback(fallback::fallback)
        .layer(middleware::from_fn(body_limit::limit_console_bodies))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            session::require_session,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            csrf::refuse_cross_site,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            headers::security_headers,
        ))
        .layer(middleware::from_fn(telemetry::track_http))
        .with_state(state)
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
        {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}

/// Carries secrets sealed in the first format (bound to their column only) forward: each is
/// sealed again, in place, bound to the row it is in. Once every one is done, the upgrade is
/// never run again, so a first-format value planted later is refused like any foreign value.
pub(crate) async fn upgrade_sealed(
    store: &dyn Store,
    secrets: &SecretBox,
) -> Result<(), StartError> {
    let reseal = |column: Column, row: &str, stored: &str| -> Result<Option<String>, ()> {
        secrets.upgrade_v1(stored, column, row).map_err(|_| ())
    };
    let report = store
        .upgrade_sealed(&reseal)
        .await
        .map_err(|e| StartError::Database(OpenError::Store(e)))?;
    if report.upgraded > 0 {
        tracing::info!(
            upgraded = report.upgraded,
            "stored secrets sealed again, bound to their rows"
        );
    }
    if report.unreadable > 0 {
        // Why not fatal: those values could not be used before either (another key file?);
        // the upgrade stays scheduled, so restoring the right key file still carries them.
        tracing::warn!(
            unreadable = report.unreadable,
            "stored secrets of the first format cannot be opened with this secret key file; \
             they are kept as they are and the upgrade is tried again at the next start"
        );
    }
    Ok(())
}
