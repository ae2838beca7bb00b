//! The receiver: an HTTPS keep-alive server on 127.0.0.1, run in its own process (the bench
//! binary re-executed with `receiver DIR`) so that it never shares a runtime or an allocator with
//! the load generator, and so its CPU is not the server's.
//!
//! Paths: `/hook` answers 200 at once; a POST to `/slow` after 3 s and to `/hang` never (the
//! server's request timeout ends it) — the `HEAD` test call that saving a webhook makes is
//! answered at once everywhere; `/bare` is the bare client's target (no signature).
//! Every POST with an `x-hub-signature` is verified (HMAC-SHA256 of the exact body with
//! [`SECRET`]); a good one counts the event id (`x-wx-gtrid`) and its arrival time.
//!
//! A plain-HTTP control port answers `GET /stats` (JSON counts per path), `GET /arrivals?path=P`
//! (`event_id unix_nanos` lines) and `POST /reset`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use hmac::{Hmac, Mac};
use http_body_util::{BodyExt as _, Full};
use hyper::{body::Incoming, service::service_fn, Request, Response};
use hyper_util::rt::TokioIo;
use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
use serde::{Deserialize, Serialize};
use tokio_rustls::TlsAcceptor;

/// The hub secret of every benchmark webhook.
pub const SECRET: &str = "bench hub secret";
/// How long a POST to `/slow` takes.
pub const SLOW: Duration = Duration::from_secs(3);

/// What one path has seen.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct PathStats {
    /// Requests with a valid signature.
    pub signed_ok: u64,
    /// Requests whose signature did not verify (must stay 0).
    pub bad_signature: u64,
    /// Requests with no signature (the bare client's).
    pub unsigned: u64,
    /// Distinct event ids among the signed ones.
    pub distinct: u64,
    /// Unix nanos of the first and the last request.
    pub first_ns: u64,
    pub last_ns: u64,
}

#[derive(Default)]
struct PathState {
    stats: PathStats,
    /// Event id → arrival (first one kept).
    arrivals: HashMap<String, u64>,
}

#[derive(Default)]
struct State {
    paths: Mutex<HashMap<String, PathState>>,
}

pub fn unix_nanos() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
}

/// Writes a CA and a `localhost`/`127.0.0.1` leaf into `dir`; returns the CA PEM file.
pub fn write_certificates(dir: &Path) -> PathBuf {
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca = ca_params.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca_params, ca_key);
    let leaf_key = KeyPair::generate().unwrap();
    let leaf = CertificateParams::new(vec!["localhost".to_owned(), "127.0.0.1".to_owned()])
        .unwrap()
        .signed_by(&leaf_key, &issuer)
        .unwrap();
    std::fs::write(dir.join("leaf.der"), leaf.der()).unwrap();
    std::fs::write(dir.join("leaf.key"), leaf_key.serialize_der()).unwrap();
    let pem = dir.join("ca.pem");
    std::fs::write(&pem, ca.pem()).unwrap();
    pem
}

/// The receiver child process and how to talk to it.
pub struct Receiver {
    child: std::process::Child,
    pub port: u16,
    control: String,
    http: reqwest::Client,
}

impl Receiver {
    /// Starts `current_exe receiver DIR` (certificates already written into DIR).
    pub fn spawn(dir: &Path) -> Receiver {
        let _ = std::fs::remove_file(dir.join("port"));
        let child = std::process::Command::new(std::env::current_exe().unwrap())
            .arg("receiver")
            .arg(dir)
            .spawn()
            .expect("the receiver process starts");
        let deadline = Instant::now() + Duration::from_secs(10);
        let (port, control) = loop {
            if let Ok(text) = std::fs::read_to_string(dir.join("port")) {
                let mut it = text.split_whitespace().map(|p| p.parse::<u16>().unwrap());
                break (it.next().unwrap(), it.next().unwrap());
            }
            assert!(Instant::now() < deadline, "the receiver did not start");
            std::thread::sleep(Duration::from_millis(10));
        };
        Receiver {
            child,
            port,
            control: format!("http://127.0.0.1:{control}"),
            http: reqwest::Client::new(),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("https://localhost:{}{path}", self.port)
    }

    pub async fn stats(&self) -> HashMap<String, PathStats> {
        let r = self.http.get(format!("{}/stats", self.control)).send();
        r.await.unwrap().json().await.unwrap()
    }

    pub async fn path_stats(&self, path: &str) -> PathStats {
        self.stats().await.remove(path).unwrap_or_default()
    }

    /// Event id → arrival unix nanos.
    pub async fn arrivals(&self, path: &str) -> HashMap<String, u64> {
        let url = format!("{}/arrivals?path={path}", self.control);
        let text = self
            .http
            .get(url)
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap();
        text.lines()
            .filter_map(|l| {
                let (id, ns) = l.rsplit_once(' ')?;
                Some((id.to_owned(), ns.parse().ok()?))
            })
            .collect()
    }

    pub async fn reset(&self) {
        let r = self.http.post(format!("{}/reset", self.control)).send();
        r.await.unwrap();
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn verify(signature: &str, body: &[u8]) -> bool {
    let Some(hex_sig) = signature.strip_prefix("sha256=") else {
        return false;
    };
    let Ok(expected) = hex::decode(hex_sig) else {
        return false;
    };
    let mut mac = <Hmac<sha2::Sha256> as hmac::digest::KeyInit>::new_from_slice(SECRET.as_bytes())
        .expect("any key length");
    mac.update(body);
    mac.verify_slice(&expected).is_ok()
}

async fn answer(state: Arc<State>, req: Request<Incoming>) -> Response<Full<Bytes>> {
    let path = req.uri().path().to_owned();
    let post = req.method() == hyper::Method::POST;
    let signature = req
        .headers()
        .get("x-hub-signature")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let gtrid = req
        .headers()
        .get("x-wx-gtrid")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body = req.into_body().collect().await.map(|b| b.to_bytes());
    let Ok(body) = body else {
        return Response::builder()
            .status(400)
            .body(Full::default())
            .unwrap();
    };
    let now = unix_nanos();
    {
        let mut paths = state.paths.lock().unwrap();
        let p = paths.entry(path.clone()).or_default();
        if p.stats.first_ns == 0 {
            p.stats.first_ns = now;
        }
        p.stats.last_ns = now;
        match signature {
            Some(sig) if verify(&sig, &body) => {
                p.stats.signed_ok += 1;
                if let Some(id) = gtrid {
                    if let std::collections::hash_map::Entry::Vacant(e) = p.arrivals.entry(id) {
                        e.insert(now);
                        p.stats.distinct += 1;
                    }
                }
            }
            Some(_) => p.stats.bad_signature += 1,
            None => p.stats.unsigned += 1,
        }
    }
    match path.as_str() {
        "/slow" if post => tokio::time::sleep(SLOW).await,
        "/hang" if post => tokio::time::sleep(Duration::from_secs(3600)).await,
        _ => {}
    }
    Response::new(Full::new(Bytes::from_static(b"ok")))
}

async fn control(state: Arc<State>, req: Request<Incoming>) -> Response<Full<Bytes>> {
    let query = req.uri().query().unwrap_or("").to_owned();
    let body = match (req.method().as_str(), req.uri().path()) {
        ("GET", "/stats") => {
            let paths = state.paths.lock().unwrap();
            let stats: HashMap<&String, &PathStats> =
                paths.iter().map(|(k, v)| (k, &v.stats)).collect();
            serde_json::to_string(&stats).unwrap()
        }
        ("GET", "/arrivals") => {
            let path = query.strip_prefix("path=").unwrap_or("/hook");
            let paths = state.paths.lock().unwrap();
            let mut out = String::new();
            if let Some(p) = paths.get(path) {
                for (id, ns) in &p.arrivals {
                    out.push_str(id);
                    out.push(' ');
                    out.push_str(&ns.to_string());
                    out.push('\n');
                }
            }
            out
        }
        ("POST", "/reset") => {
            state.paths.lock().unwrap().clear();
            String::new()
        }
        _ => {
            return Response::builder()
                .status(404)
                .body(Full::default())
                .unwrap()
        }
    };
    Response::new(Full::new(Bytes::from(body)))
}

/// The receiver process's main: serves until killed.
pub fn run(dir: PathBuf) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async move {
        use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
        let cert = CertificateDer::from(std::fs::read(dir.join("leaf.der")).unwrap());
        let key = PrivatePkcs8KeyDer::from(std::fs::read(dir.join("leaf.key")).unwrap());
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_no_client_auth()
            .with_single_cert(vec![cert], PrivateKeyDer::Pkcs8(key))
            .unwrap();
        let acceptor = TlsAcceptor::from(Arc::new(config));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let control_listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let control_port = control_listener.local_addr().unwrap().port();
        std::fs::write(dir.join("port.tmp"), format!("{port} {control_port}")).unwrap();
        std::fs::rename(dir.join("port.tmp"), dir.join("port")).unwrap();
        let state = Arc::new(State::default());

        let st = state.clone();
        tokio::spawn(async move {
            while let Ok((tcp, _)) = control_listener.accept().await {
                let st = st.clone();
                tokio::spawn(async move {
                    let service = service_fn(move |req| {
                        let st = st.clone();
                        async move { Ok::<_, std::convert::Infallible>(control(st, req).await) }
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(tcp), service)
                        .await;
                });
            }
        });

        while let Ok((tcp, _)) = listener.accept().await {
            let _ = tcp.set_nodelay(true);
            let acceptor = acceptor.clone();
            let st = state.clone();
            tokio::spawn(async move {
                let Ok(tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let service = service_fn(move |req| {
                    let st = st.clone();
                    async move { Ok::<_, std::convert::Infallible>(answer(st, req).await) }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(tls), service)
                    .await;
            });
        }
    });
}
