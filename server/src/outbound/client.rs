//! The one outbound HTTP client: test calls, token fetches and webhook deliveries all use it.
//!
//! Guarantees, for every request sent through [`OutboundClient::send`]:
//! - redirects are never followed, and no proxy from the environment is used;
//! - the whole attempt (connect, TLS, response, body) ends within `request_timeout`;
//! - TLS is rustls, trusting the bundled webpki roots, the system roots and the extra CA file;
//! - unless `allow_private_destinations` is set, it connects only to addresses the SSRF policy
//!   ([`super::ssrf`]) allows: host names are resolved by [`GuardedResolver`], which drops
//!   forbidden addresses, and reqwest connects to exactly the addresses it returned (no second
//!   lookup, so a DNS answer cannot change between the check and the connection); IP literals,
//!   which reqwest never hands to a resolver, are checked by [`OutboundClient::check_target`];
//! - every failure carries a stable [`ErrorCode`] and a message in plain words (see `errors.rs`).

use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use reqwest::{redirect, Method, RequestBuilder, Response, Url};
use rustls_pki_types::{pem::PemObject, CertificateDer};

use super::auth::OutboundRequest;
use super::errors::{classify, ErrorCode, OutboundError, ResolveError};
use super::redact::{self, SentHeaders};
use super::ssrf;

/// A connection that has not opened within this long is dead in practice, even when the overall
/// request timeout is longer; the request timeout still bounds it when shorter.
const CONNECT_TIMEOUT_CAP: Duration = Duration::from_secs(5);
/// Idle keep-alive connections are reused for this long (deliveries often hit the same host).
const POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(90);
/// How many bytes of a response body the delivery log keeps (SPEC §4: "the first 4 KiB").
pub const LOG_BODY_LIMIT: usize = 4096;

/// What the outbound client is built from (the `--request-timeout`, `--extra-ca-file` and
/// `--allow-private-destinations` flags).
#[derive(Clone)]
pub struct OutboundConfig {
    /// Bound on one whole attempt: connect, TLS, response headers and body.
    pub request_timeout: Duration,
    /// PEM certificates trusted besides the system roots (contents of `--extra-ca-file`).
    pub extra_ca_pem: Option<Vec<u8>>,
    /// Turns the whole SSRF guard off (for tests and closed networks).
    pub allow_private_destinations: bool,
    /// Sent on every request; names the product so receivers can recognise us.
    pub user_agent: String,
}

impl OutboundConfig {
    /// The product's user agent, `webhooks-console/<version>`.
    pub fn default_user_agent() -> String {
        format!("webhooks-console/{}", env!("CARGO_PKG_VERSION"))
    }
}

impl Default for OutboundConfig {
    fn default() -> Self {
        Self {
            request_timeout: Duration::from_secs(10),
            extra_ca_pem: None,
            allow_private_destinations: false,
            user_agent: Self::default_user_agent(),
        }
    }
}

impl std::fmt::Debug for OutboundConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OutboundConfig")
            .field("request_timeout", &self.request_timeout)
            .field("extra_ca_pem", &self.extra_ca_pem.as_ref().map(|p| p.len()))
            .field(
                "allow_private_destinations",
                &self.allow_private_destinations,
            )
            .field("user_agent", &self.user_agent)
            .finish()
    }
}

/// Why the client could not be built (at start-up: a one-line error, exit code 2).
#[derive(Debug, thiserror::Error)]
pub enum ClientBuildError {
    #[error("the extra CA file is not valid PEM: {0}")]
    BadPem(String),
    #[error("the extra CA file holds no PEM certificate (expected -----BEGIN CERTIFICATE-----)")]
    NoCertificates,
    #[error("certificate #{index} in the extra CA file cannot be trusted: {reason}")]
    BadCertificate { index: usize, reason: String },
    #[error("the outbound HTTP client could not be built: {0}")]
    Build(String),
}

/// The shared outbound client. Cheap to clone (connection pool shared).
#[derive(Clone)]
pub struct OutboundClient {
    inner: reqwest::Client,
    allow_private: bool,
    timeout: Duration,
    /// Set on every request by reqwest (so absent from a request's own headers); the delivery
    /// log shows it with the rest.
    user_agent: String,
    /// The certificates of `--extra-ca-file`, for the test call's own TLS handshake.
    extra_cas: Arc<Vec<CertificateDer<'static>>>,
    /// That handshake's configuration, built on the first test call (loading the system roots
    /// costs start-up time nobody needs until then).
    probe_tls: Arc<OnceLock<Result<Arc<rustls::ClientConfig>, String>>>,
    /// Set on a [`Self::traced`] copy: every request it sends is recorded there.
    trace: Option<Trace>,
}

/// One request a traced client sent, and how it ended.
#[derive(Debug, Clone)]
pub struct Exchange {
    pub method: Method,
    /// Scheme, host, port and path only: a query may carry a credential (API key in the URL).
    pub target: String,
    pub outcome: Result<u16, ErrorCode>,
    pub elapsed: Duration,
}

/// The requests a [`OutboundClient::traced`] copy sent, in order.
#[derive(Debug, Clone, Default)]
pub struct Trace(Arc<Mutex<Vec<Exchange>>>);

impl Trace {
    pub fn exchanges(&self) -> Vec<Exchange> {
        self.0.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    fn record(&self, exchange: Exchange) {
        self.0
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(exchange);
    }
}

/// `https://host:port/path` of `url`, without user info, query or fragment.
pub(crate) fn target_of(url: &Url) -> String {
    let mut shown = url.clone();
    shown.set_query(None);
    shown.set_fragment(None);
    let _ = shown.set_username("");
    let _ = shown.set_password(None);
    shown.to_string()
}

impl std::fmt::Debug for OutboundClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OutboundClient")
            .field("allow_private", &self.allow_private)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

impl OutboundClient {
    /// Builds the client; a bad extra CA file is a clear error, not a silent distrust.
    pub fn new(cfg: OutboundConfig) -> Result<Self, ClientBuildError> {
        let mut builder = reqwest::Client::builder()
            // Why: a redirect would reach a URL the user never saw and the guard never judged on
            // its own terms; SPEC asks that the test call and deliveries report 3xx as is.
            .redirect(redirect::Policy::none())
            // Why: an HTTP(S)_PROXY from the environment would make the resolver judge the proxy's
            // address instead of the target's; only the flags in the contract configure us.
            .no_proxy()
            .timeout(cfg.request_timeout)
            .connect_timeout(cfg.request_timeout.min(CONNECT_TIMEOUT_CAP))
            .pool_idle_timeout(POOL_IDLE_TIMEOUT)
            .tcp_keepalive(Duration::from_secs(60))
            .user_agent(cfg.user_agent.clone())
            .tls_built_in_webpki_certs(true)
            .tls_built_in_native_certs(true)
            // Always our resolver, so DNS failures look the same with or without the guard.
            .dns_resolver(Arc::new(GuardedResolver {
                allow_private: cfg.allow_private_destinations,
            }));
        let extra_cas = match &cfg.extra_ca_pem {
            Some(pem) => parse_extra_cas(pem)?,
            None => Vec::new(),
        };
        for der in &extra_cas {
            let cert = reqwest::Certificate::from_der(der)
                .map_err(|e| ClientBuildError::Build(e.to_string()))?;
            builder = builder.add_root_certificate(cert);
        }
        let inner = builder
            .build()
            .map_err(|e| ClientBuildError::Build(classify(&e).1))?;
        Ok(Self {
            inner,
            allow_private: cfg.allow_private_destinations,
            timeout: cfg.request_timeout,
            user_agent: cfg.user_agent,
            extra_cas: Arc::new(extra_cas),
            probe_tls: Arc::default(),
            trace: None,
        })
    }

    /// A copy sharing the connection pool whose every request is recorded in the returned
    /// [`Trace`] (the test call uses it to see what an authorizer did: a token fetched, a
    /// challenge answered).
    pub fn traced(&self) -> (Self, Trace) {
        let trace = Trace::default();
        let mut copy = self.clone();
        copy.trace = Some(trace.clone());
        (copy, trace)
    }

    /// Whether the SSRF guard is off (`--allow-private-destinations`).
    pub fn allows_private(&self) -> bool {
        self.allow_private
    }

    /// How long one connection attempt may take.
    pub fn connect_timeout(&self) -> Duration {
        self.timeout.min(CONNECT_TIMEOUT_CAP)
    }

    /// The TLS configuration of the test call's own handshake: the same roots reqwest trusts
    /// (bundled webpki roots, system roots, `--extra-ca-file`). Why a second configuration:
    /// reqwest does not say which TLS version or certificate a connection got, and the test
    /// call must show them.
    pub(crate) fn probe_tls(&self) -> Result<Arc<rustls::ClientConfig>, String> {
        self.probe_tls
            .get_or_init(|| {
                let mut roots = rustls::RootCertStore::empty();
                roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
                let native = rustls_native_certs::load_native_certs();
                roots.add_parsable_certificates(native.certs);
                for der in self.extra_cas.iter() {
                    roots.add(der.clone()).map_err(|e| e.to_string())?;
                }
                let config = rustls::ClientConfig::builder_with_provider(Arc::new(
                    rustls::crypto::ring::default_provider(),
                ))
                .with_safe_default_protocol_versions()
                .map_err(|e| e.to_string())?
                .with_root_certificates(roots)
                .with_no_client_auth();
                Ok(Arc::new(config))
            })
            .clone()
    }

    /// The per-attempt timeout this client enforces.
    pub fn request_timeout(&self) -> Duration {
        self.timeout
    }

    /// Refuses a URL whose host is an IP literal the SSRF policy forbids. Host names are judged
    /// later, by the resolver, on the addresses actually connected to.
    pub fn check_target(&self, url: &Url) -> Result<(), OutboundError> {
        if self.allow_private {
            return Ok(());
        }
        let host = url
            .host_str()
            .ok_or_else(|| OutboundError::new(ErrorCode::Other, "the URL has no host"))?;
        // Why this parse: hyper treats a host as a literal exactly when it parses as an IP
        // address (brackets removed), and then skips the resolver; judge the same set here.
        let literal = host.trim_start_matches('[').trim_end_matches(']');
        if let Ok(ip) = literal.parse::<IpAddr>() {
            if let Some(reason) = ssrf::forbidden_reason(ip) {
                return Err(OutboundError::blocked(ip, &reason));
            }
        }
        Ok(())
    }

    /// Starts a request to `url` after checking its target. Send it with [`Self::send`].
    pub fn request(&self, method: Method, url: &str) -> Result<RequestBuilder, OutboundError> {
        let url = Url::parse(url)
            .map_err(|e| OutboundError::new(ErrorCode::Other, format!("not a valid URL: {e}")))?;
        self.check_target(&url)?;
        Ok(self.inner.request(method, url))
    }

    /// Sends a request made by [`Self::request`] (and possibly given authorization), checking its
    /// final URL again, and classifies any failure. The response carries the request's headers,
    /// masked, as [`SentHeaders`] in its extensions (what the delivery log shows was sent).
    pub async fn send(&self, builder: RequestBuilder) -> Result<Response, OutboundError> {
        let request = builder.build().map_err(|e| self.error_from(&e))?;
        self.check_target(request.url())?;
        let mut sent = redact::masked(request.headers());
        if !request.headers().contains_key(reqwest::header::USER_AGENT) {
            sent.push(("user-agent".into(), self.user_agent.clone()));
        }
        let (method, target) = (request.method().clone(), target_of(request.url()));
        let started = Instant::now();
        let result = self
            .inner
            .execute(request)
            .await
            .map_err(|e| self.error_from(&e));
        if let Some(trace) = &self.trace {
            trace.record(Exchange {
                method,
                target,
                outcome: match &result {
                    Ok(r) => Ok(r.status().as_u16()),
                    Err(e) => Err(e.code()),
                },
                elapsed: started.elapsed(),
            });
        }
        let mut response = result?;
        response.extensions_mut().insert(SentHeaders(sent));
        Ok(response)
    }

    /// Sends an [`OutboundRequest`] exactly as given (method, URL, headers, body bytes), checking
    /// its target first. Authorizers call this, once or more per attempt.
    pub async fn execute(&self, request: OutboundRequest) -> Result<Response, OutboundError> {
        self.check_target(&request.url)?;
        let builder = self
            .inner
            .request(request.method, request.url)
            .headers(request.headers)
            .body(request.body);
        self.send(builder).await
    }

    /// Reads at most `limit` bytes of a response body (the rest is dropped with the connection).
    pub async fn read_body_capped(
        &self,
        mut response: Response,
        limit: usize,
    ) -> Result<CappedBody, OutboundError> {
        let mut bytes = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| self.error_from(&e))? {
            let room = limit - bytes.len();
            if chunk.len() > room {
                bytes.extend_from_slice(&chunk[..room]);
                return Ok(CappedBody {
                    bytes,
                    truncated: true,
                });
            }
            bytes.extend_from_slice(&chunk);
        }
        Ok(CappedBody {
            bytes,
            truncated: false,
        })
    }

    /// Classifies a reqwest error, naming this client's timeout in timeout messages.
    pub fn error_from(&self, err: &reqwest::Error) -> OutboundError {
        let (code, mut message) = classify(err);
        if code == ErrorCode::Timeout {
            message = format!(
                "no answer within {}",
                humantime::format_duration(self.timeout)
            );
        }
        OutboundError::new(code, message)
    }
}

/// The first bytes of a response body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CappedBody {
    pub bytes: Vec<u8>,
    /// True when the body was longer than the limit.
    pub truncated: bool,
}

/// Parses the extra CA file into DER certificates, refusing anything rustls could not trust.
fn parse_extra_cas(pem: &[u8]) -> Result<Vec<CertificateDer<'static>>, ClientBuildError> {
    let certs = CertificateDer::pem_slice_iter(pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| ClientBuildError::BadPem(e.to_string()))?;
    if certs.is_empty() {
        return Err(ClientBuildError::NoCertificates);
    }
    // Why check here: reqwest would only say "builder error"; the operator needs to know which
    // certificate is wrong.
    let mut store = rustls::RootCertStore::empty();
    for (i, cert) in certs.iter().enumerate() {
        store
            .add(cert.clone())
            .map_err(|e| ClientBuildError::BadCertificate {
                index: i + 1,
                reason: e.to_string(),
            })?;
    }
    Ok(certs)
}

/// Resolves host names and keeps only the addresses the SSRF policy allows. reqwest connects to
/// exactly what this returns, so the checked addresses are the connected ones (pinning).
#[derive(Debug)]
pub(crate) struct GuardedResolver {
    pub(crate) allow_private: bool,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let allow_private = self.allow_private;
        let host = name.as_str().to_owned();
        Box::pin(async move {
            let addrs = resolve_allowed(&host, allow_private).await?;
            Ok(Box::new(addrs.into_iter()) as Addrs)
        })
    }
}

/// Looks `host` up and filters its addresses; an all-forbidden answer is a [`ResolveError::Blocked`].
pub(crate) async fn resolve_allowed(
    host: &str,
    allow_private: bool,
) -> Result<Vec<SocketAddr>, ResolveError> {
    let vetted = resolve_vetted(host, allow_private).await?;
    match (vetted.allowed.is_empty(), vetted.refused.first()) {
        (true, Some((ip, reason))) => Err(ResolveError::Blocked {
            ip: *ip,
            reason: reason.clone(),
        }),
        _ => {
            if !vetted.refused.is_empty() {
                tracing::debug!(
                    host,
                    refused = vetted.refused.len(),
                    "dropped forbidden addresses"
                );
            }
            Ok(vetted.allowed)
        }
    }
}

/// What a lookup found, split by the SSRF policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Vetted {
    /// In the resolver's order: the connection tries them in turn.
    pub allowed: Vec<SocketAddr>,
    /// Each with why it is refused (see [`ssrf::forbidden_reason`]).
    pub refused: Vec<(IpAddr, String)>,
}

/// Looks `host` up and sorts its addresses into allowed and refused (all allowed when
/// `allow_private`). An error only when the lookup fails or finds nothing.
pub(crate) async fn resolve_vetted(
    host: &str,
    allow_private: bool,
) -> Result<Vetted, ResolveError> {
    let found: Vec<SocketAddr> = tokio::net::lookup_host((host, 0))
        .await
        .map_err(|error| ResolveError::Lookup {
            host: host.to_owned(),
            error,
        })?
        .collect();
    if found.is_empty() {
        return Err(ResolveError::NoAddress {
            host: host.to_owned(),
        });
    }
    let mut vetted = Vetted {
        allowed: Vec::new(),
        refused: Vec::new(),
    };
    for addr in found {
        match ssrf::forbidden_reason(addr.ip()).filter(|_| !allow_private) {
            Some(reason) => vetted.refused.push((addr.ip(), reason)),
            None => vetted.allowed.push(addr),
        }
    }
    Ok(vetted)
}
