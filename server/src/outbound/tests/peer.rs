//! An in-process HTTPS peer on 127.0.0.1 for the outbound tests: a throwaway CA (rcgen), a leaf
//! certificate for `localhost`, `127.0.0.1` and `::1`, and a tiny hyper server that counts the
//! connections it accepts and records the requests it sees. Loopback only, by construction.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use hyper::{body::Incoming, service::service_fn, Request, Response};
use hyper_util::rt::TokioIo;
use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_rustls::TlsAcceptor;

/// A CA and the server configuration of a leaf it signed.
pub(super) struct Pki {
    pub ca_pem: String,
    server: Arc<rustls::ServerConfig>,
}

pub(super) fn pki() -> Pki {
    let ca_key = KeyPair::generate().expect("CA key");
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "webhooks-console test CA");
    let ca_cert = ca_params.self_signed(&ca_key).expect("CA certificate");
    let issuer = Issuer::new(ca_params, ca_key);

    let leaf_key = KeyPair::generate().expect("leaf key");
    let names = vec!["localhost".into(), "127.0.0.1".into(), "::1".into()];
    let leaf_cert = CertificateParams::new(names)
        .expect("leaf params")
        .signed_by(&leaf_key, &issuer)
        .expect("leaf certificate");

    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let server = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("protocol versions")
        .with_no_client_auth()
        .with_single_cert(
            vec![CertificateDer::from(leaf_cert.der().to_vec())],
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der())),
        )
        .expect("server config");
    Pki {
        ca_pem: ca_cert.pem(),
        server: Arc::new(server),
    }
}

/// How the peer behaves once a client connects.
#[derive(Clone, Copy)]
pub(super) enum Behaviour {
    /// Answers by path: `/ok` 200, `/moved` 301 to `/ok`, `/no-content` 204, `/big` 200 with a
    /// 10 000-byte body, anything else 404.
    Routes,
    /// Completes the TLS handshake, then never answers.
    Silent,
}

/// One request the peer saw: method, path and user agent.
#[derive(Debug, Clone)]
pub(super) struct Seen {
    pub method: String,
    pub path: String,
    pub user_agent: Option<String>,
}

pub(super) struct Peer {
    pub addr: SocketAddr,
    connections: Arc<AtomicUsize>,
    seen: Arc<Mutex<Vec<Seen>>>,
    task: JoinHandle<()>,
}

impl Peer {
    pub fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().expect("seen lock").clone()
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }
}

impl Drop for Peer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

pub(super) async fn spawn(pki: &Pki, behaviour: Behaviour) -> Peer {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let addr = listener.local_addr().expect("local addr");
    let acceptor = TlsAcceptor::from(pki.server.clone());
    let connections = Arc::new(AtomicUsize::new(0));
    let seen = Arc::new(Mutex::new(Vec::new()));
    let (count, log) = (connections.clone(), seen.clone());
    let task = tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            count.fetch_add(1, Ordering::SeqCst);
            let (acceptor, log) = (acceptor.clone(), log.clone());
            tokio::spawn(async move {
                let Ok(tls) = acceptor.accept(tcp).await else {
                    return; // e.g. the client refused our certificate
                };
                if let Behaviour::Silent = behaviour {
                    // Keep the connection open and say nothing until the test ends.
                    let _held_open = tls;
                    return std::future::pending::<()>().await;
                }
                let service = service_fn(move |req| {
                    let log = log.clone();
                    async move { Ok::<_, std::convert::Infallible>(answer(&req, &log)) }
                });
                let _ = hyper::server::conn::http1::Builder::new()
                    .serve_connection(TokioIo::new(tls), service)
                    .await;
            });
        }
    });
    Peer {
        addr,
        connections,
        seen,
        task,
    }
}

fn answer(req: &Request<Incoming>, log: &Mutex<Vec<Seen>>) -> Response<String> {
    let path = req.uri().path().to_owned();
    log.lock().expect("seen lock").push(Seen {
        method: req.method().to_string(),
        path: path.clone(),
        user_agent: req
            .headers()
            .get(hyper::header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
    });
    let builder = Response::builder();
    let response = match path.as_str() {
        "/ok" => builder.status(200).body(String::new()),
        "/moved" => builder
            .status(301)
            .header(hyper::header::LOCATION, "/ok")
            .body(String::new()),
        "/no-content" => builder.status(204).body(String::new()),
        "/big" => builder.status(200).body("x".repeat(10_000)),
        _ => builder.status(404).body("not here".to_owned()),
    };
    response.expect("valid response")
}
