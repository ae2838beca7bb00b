//! Test peers for the webhook test call, all on 127.0.0.1 (never any other address):
//! - [`Receiver`]: an in-process HTTPS server whose certificate (for `localhost` and `127.0.0.1`)
//!   is signed by a throwaway test CA ([`TestCa`]); answers are configured per path (for POSTs:
//!   a sequence of statuses, a body, a delay), and every request is recorded (method, path,
//!   headers, body bytes), as is every accepted connection;
//! - [`HangServer`]: accepts connections and never says a word (not even TLS);
//! - [`refused_port`]: a port nothing listens on (bound, then released).

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use http_body_util::BodyExt as _;

use hyper::{body::Incoming, service::service_fn, Request, Response};
use hyper_util::rt::TokioIo;
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_rustls::TlsAcceptor;

/// A test CA and the TLS configuration of a server certificate it signed.
pub struct TestCa {
    pub ca_pem: String,
    server: Arc<rustls::ServerConfig>,
}

impl TestCa {
    /// A fresh CA, and a leaf for `localhost` and `127.0.0.1` signed by it.
    pub fn new() -> TestCa {
        let ca_key = KeyPair::generate().expect("CA key");
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        // A name of its own: two CAs with one name make a stranger's certificate look like a bad
        // signature from the trusted CA rather than an unknown issuer.
        static CAS: AtomicUsize = AtomicUsize::new(0);
        let n = CAS.fetch_add(1, Ordering::Relaxed);
        ca_params.distinguished_name.push(
            DnType::CommonName,
            format!("webhooks-console test CA {} #{n}", std::process::id()),
        );
        let ca_cert = ca_params.self_signed(&ca_key).expect("CA certificate");
        let issuer = Issuer::new(ca_params, ca_key);

        let leaf_key = KeyPair::generate().expect("leaf key");
        let names = vec!["localhost".to_owned(), "127.0.0.1".to_owned()];
        let leaf = CertificateParams::new(names)
            .expect("leaf params")
            .signed_by(&leaf_key, &issuer)
            .expect("leaf certificate");

        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let server = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("protocol versions")
            .with_no_client_auth()
            .with_single_cert(
                vec![CertificateDer::from(leaf.der().to_vec())],
                PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der())),
            )
            .expect("server config");
        TestCa {
            ca_pem: ca_cert.pem(),
            server: Arc::new(server),
        }
    }

    /// Writes the CA certificate as PEM into `dir`, for `--extra-ca-file`.
    pub fn write_pem(&self, dir: &Path) -> PathBuf {
        let path = dir.join("test-ca.pem");
        std::fs::write(&path, &self.ca_pem).expect("write the CA PEM");
        path
    }
}

/// One request the receiver saw.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    pub path: String,
    /// Header names in lower case.
    pub headers: Vec<(String, String)>,
    /// The exact body bytes received.
    pub body: Vec<u8>,
    /// When it arrived.
    pub at: std::time::Instant,
}

impl Seen {
    /// The first value of a header (name in lower case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// What the receiver answers on one path: a status and, for redirects, a `Location`; POSTs
/// may get their own statuses (the n-th POST the n-th, the last one repeated), body and delay,
/// while HEAD (the test call on save) keeps `status`.
#[derive(Debug, Clone)]
struct Answer {
    status: u16,
    location: Option<String>,
    post: Option<PostAnswer>,
    /// How long other methods than POST (the HEAD of a test call) wait for their answer.
    delay: Duration,
}

#[derive(Debug, Clone)]
struct PostAnswer {
    statuses: Vec<u16>,
    body: String,
    delay: Duration,
    count: Arc<AtomicUsize>,
    /// POSTs being answered now, and the most ever at once.
    busy: Arc<AtomicUsize>,
    peak: Arc<AtomicUsize>,
}

/// An HTTPS server on 127.0.0.1 that answers by path (404 where nothing is configured).
pub struct Receiver {
    pub addr: SocketAddr,
    answers: Arc<HashMap<String, Answer>>,
    connections: Arc<AtomicUsize>,
    seen: Arc<Mutex<Vec<Seen>>>,
    task: JoinHandle<()>,
}

/// Builds the answers of a [`Receiver`].
#[derive(Default)]
pub struct Answers(HashMap<String, Answer>);

impl Answers {
    pub fn status(mut self, path: &str, status: u16) -> Self {
        let answer = Answer {
            status,
            location: None,
            post: None,
            delay: Duration::ZERO,
        };
        self.0.insert(path.to_owned(), answer);
        self
    }

    /// Like [`Answers::status`], each answer only after `delay` (a slow test call).
    pub fn status_after(mut self, path: &str, status: u16, delay: Duration) -> Self {
        let answer = Answer {
            status,
            location: None,
            post: None,
            delay,
        };
        self.0.insert(path.to_owned(), answer);
        self
    }

    pub fn redirect(mut self, path: &str, status: u16, location: &str) -> Self {
        let answer = Answer {
            status,
            location: Some(location.to_owned()),
            post: None,
            delay: Duration::ZERO,
        };
        self.0.insert(path.to_owned(), answer);
        self
    }

    /// HEAD answers 200 (so a webhook on this path saves); the n-th POST gets `statuses[n]`
    /// (the last one repeated) with `body`.
    pub fn posts(self, path: &str, statuses: &[u16], body: &str) -> Self {
        self.posts_after(path, statuses, body, Duration::ZERO)
    }

    /// Like [`Answers::posts`], each POST answered only after `delay`.
    pub fn posts_after(
        mut self,
        path: &str,
        statuses: &[u16],
        body: &str,
        delay: Duration,
    ) -> Self {
        let post = PostAnswer {
            statuses: statuses.to_vec(),
            body: body.to_owned(),
            delay,
            count: Arc::new(AtomicUsize::new(0)),
            busy: Arc::new(AtomicUsize::new(0)),
            peak: Arc::new(AtomicUsize::new(0)),
        };
        let answer = Answer {
            status: 200,
            location: None,
            post: Some(post),
            delay: Duration::ZERO,
        };
        self.0.insert(path.to_owned(), answer);
        self
    }
}

impl Receiver {
    /// `/ok` and `/other` → 200, `/missing` → 404, `/moved` → 301 to `/elsewhere` (itself 200).
    pub async fn standard(ca: &TestCa) -> Receiver {
        let answers = Answers::default()
            .status("/ok", 200)
            .status("/other", 200)
            .status("/elsewhere", 200)
            .status("/missing", 404)
            .redirect("/moved", 301, "/elsewhere");
        Receiver::start(ca, answers).await
    }

    pub async fn start(ca: &TestCa, answers: Answers) -> Receiver {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let addr = listener.local_addr().expect("local addr");
        let acceptor = TlsAcceptor::from(ca.server.clone());
        let answers = Arc::new(answers.0);
        let connections = Arc::new(AtomicUsize::new(0));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let (count, log) = (connections.clone(), seen.clone());
        let kept = answers.clone();
        let task = tokio::spawn(async move {
            while let Ok((tcp, _)) = listener.accept().await {
                count.fetch_add(1, Ordering::SeqCst);
                let (acceptor, log, answers) = (acceptor.clone(), log.clone(), answers.clone());
                tokio::spawn(async move {
                    let Ok(tls) = acceptor.accept(tcp).await else {
                        return; // e.g. the client did not trust our certificate
                    };
                    let service = service_fn(move |req| {
                        let (log, answers) = (log.clone(), answers.clone());
                        async move {
                            let response = answer(req, &log, &answers).await;
                            Ok::<_, std::convert::Infallible>(response)
                        }
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(tls), service)
                        .await;
                });
            }
        });
        Receiver {
            addr,
            answers: kept,
            connections,
            seen,
            task,
        }
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// `https://localhost:PORT{path}`.
    pub fn url(&self, path: &str) -> String {
        format!("https://localhost:{}{path}", self.port())
    }

    /// Every request seen so far, in order.
    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().expect("seen lock").clone()
    }

    /// The most POSTs to `path` (configured with [`Answers::posts`]) answered at the same time
    /// so far: what a sender had in flight there at its peak.
    pub fn peak(&self, path: &str) -> usize {
        self.answers
            .get(path)
            .and_then(|a| a.post.as_ref())
            .map_or(0, |p| p.peak.load(Ordering::SeqCst))
    }

    /// TCP connections accepted so far (including those whose TLS handshake failed).
    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn answer(
    req: Request<Incoming>,
    log: &Mutex<Vec<Seen>>,
    answers: &HashMap<String, Answer>,
) -> Response<String> {
    let path = req.uri().path().to_owned();
    let headers = req
        .headers()
        .iter()
        .map(|(k, v)| {
            let value = String::from_utf8_lossy(v.as_bytes()).into_owned();
            (k.as_str().to_owned(), value)
        })
        .collect();
    let method = req.method().to_string();
    let body = match req.into_body().collect().await {
        Ok(collected) => collected.to_bytes().to_vec(),
        Err(_) => Vec::new(),
    };
    let configured = answers.get(&path).cloned().unwrap_or(Answer {
        status: 404,
        location: None,
        post: None,
        delay: Duration::ZERO,
    });
    log.lock().expect("seen lock").push(Seen {
        method: method.clone(),
        path: path.clone(),
        headers,
        body,
        at: std::time::Instant::now(),
    });
    // Recorded on arrival, answered after the delay: like a receiver that acts on a request
    // and is slow to answer (a sender that gives up may then send it again).
    if let Some(post) = configured.post.as_ref().filter(|_| method == "POST") {
        let now = post.busy.fetch_add(1, Ordering::SeqCst) + 1;
        post.peak.fetch_max(now, Ordering::SeqCst);
        if !post.delay.is_zero() {
            tokio::time::sleep(post.delay).await;
        }
        post.busy.fetch_sub(1, Ordering::SeqCst);
    } else if !configured.delay.is_zero() {
        tokio::time::sleep(configured.delay).await;
    }
    let (status, text) = match configured.post.as_ref().filter(|_| method == "POST") {
        Some(post) => {
            let n = post.count.fetch_add(1, Ordering::SeqCst);
            let status = post.statuses[n.min(post.statuses.len() - 1)];
            (status, post.body.clone())
        }
        None => (configured.status, String::new()),
    };
    let mut builder = Response::builder().status(status);
    if let Some(location) = configured.location {
        builder = builder.header(hyper::header::LOCATION, location);
    }
    builder.body(text).expect("valid response")
}

/// Accepts TCP connections on 127.0.0.1 and holds them open without a byte of answer.
pub struct HangServer {
    pub addr: SocketAddr,
    task: JoinHandle<()>,
}

impl HangServer {
    pub async fn start() -> HangServer {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let addr = listener.local_addr().expect("local addr");
        let task = tokio::spawn(async move {
            let mut held = Vec::new();
            while let Ok((tcp, _)) = listener.accept().await {
                held.push(tcp);
            }
        });
        HangServer { addr, task }
    }

    pub fn url(&self, path: &str) -> String {
        format!("https://localhost:{}{path}", self.addr.port())
    }
}

impl Drop for HangServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// A loopback port nothing listens on: bound to find a free one, then released.
pub async fn refused_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let port = listener.local_addr().expect("local addr").port();
    drop(listener);
    port
}
