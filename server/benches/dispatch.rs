//! Dispatch throughput: N signed deliveries drained from a temp SQLite file to a keep-alive HTTPS
//! receiver on loopback. Prints deliveries/s and the dispatcher's CPU time per delivery.
//!
//! The receiver runs in a child process (this same binary with `--receiver DIR`), so that
//! `getrusage(RUSAGE_SELF)` counts the dispatcher side only. Run it with `scripts/bench.sh`
//! (`--events N`, default 20,000; fan-out 1; 1 KiB payloads).

use std::{
    path::{Path, PathBuf},
    sync::Arc,
    time::{Duration, Instant},
};

use async_trait::async_trait;
use bytes::Bytes;
use webhooks_console::{
    dispatcher::{Dispatcher, DispatcherConfig, RetrySchedule},
    outbound::{Authorizer, AuthorizerSource, OutboundClient, OutboundConfig, OutboundError},
    secrets::{aad, SecretBox, SecretKey},
    store::{
        sqlite::SqliteStore, Database as _, DeliveryFilter, DeliveryStatus, EntityId,
        IngestOptions, NewEvent, Store, WebhookWrite,
    },
};

struct NoProfiles;

#[async_trait]
impl AuthorizerSource for NoProfiles {
    async fn authorizer(&self, _id: i64) -> Result<Arc<dyn Authorizer>, OutboundError> {
        Err(OutboundError::auth(
            "no authorization profiles in the benchmark",
        ))
    }
}

fn arg(name: &str) -> Option<String> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

fn main() {
    if let Some(dir) = arg("--receiver") {
        receiver::run(PathBuf::from(dir));
        return;
    }
    let events: usize = arg("--events").map_or(20_000, |n| n.parse().expect("--events N"));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(bench(events));
}

fn cpu_micros() -> i64 {
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: getrusage writes into the struct we own.
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) };
    let t = |v: libc::timeval| v.tv_sec * 1_000_000 + v.tv_usec;
    t(usage.ru_utime) + t(usage.ru_stime)
}

async fn bench(n: usize) {
    let dir = tempfile::tempdir().unwrap();
    let ca_pem = receiver::write_certificates(dir.path());
    let mut child = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--receiver", &dir.path().display().to_string()])
        .spawn()
        .expect("receiver process");
    let port = receiver::wait_for_port(dir.path());

    let store = SqliteStore::open(&dir.path().join("bench.db"))
        .await
        .unwrap();
    store.migrate().await.unwrap();
    let store: Arc<dyn Store> = Arc::new(store);
    let secrets = Arc::new(SecretBox::new(&SecretKey::generate()));
    let service = store.insert_service("Bench").await.unwrap();
    store
        .insert_webhook(&WebhookWrite {
            name: "Bench".into(),
            entity: EntityId::Service(service.id),
            url: format!("https://localhost:{port}/hook"),
            hub_algorithm: Some("sha256".into()),
            hub_secret_enc: Some(secrets.seal("bench secret", aad::HUB_SECRET)),
            authorization_id: None,
            esme_bind_id: None,
            enabled: true,
            max_in_flight: None,
            rate_per_second: None,
            notifications: vec![("SMS".into(), "Delivered".into())],
        })
        .await
        .unwrap();

    let payload = Bytes::from(format!("{{\"pad\":\"{}\"}}", "x".repeat(1000)));
    let started = Instant::now();
    for chunk in (0..n).collect::<Vec<_>>().chunks(1000) {
        let events: Vec<NewEvent> = chunk
            .iter()
            .map(|i| NewEvent {
                event_id: format!("bench-{i}"),
                channel: "SMS".into(),
                event: "Delivered".into(),
                entity: EntityId::Service(service.id),
                payload: payload.clone(),
            })
            .collect();
        store
            .ingest(&events, IngestOptions::default())
            .await
            .unwrap();
    }
    let ingest = started.elapsed();

    let client = OutboundClient::new(OutboundConfig {
        extra_ca_pem: Some(ca_pem.into_bytes()),
        allow_private_destinations: true,
        ..OutboundConfig::default()
    })
    .unwrap();
    let schedule: RetrySchedule = "60s,60s,60s".parse().unwrap();
    let dispatcher = Dispatcher::new(
        store.clone(),
        Arc::new(client),
        secrets,
        Arc::new(NoProfiles),
        DispatcherConfig::new(schedule, Duration::from_secs(10)),
    );
    let cpu_before = cpu_micros();
    let started = Instant::now();
    let workers = dispatcher.spawn();
    let pending = DeliveryFilter {
        status: Some(DeliveryStatus::Pending),
        limit: 1,
        ..DeliveryFilter::default()
    };
    while !store
        .list_deliveries(&pending)
        .await
        .unwrap()
        .rows
        .is_empty()
    {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let drain = started.elapsed();
    let cpu = cpu_micros() - cpu_before;
    dispatcher.shutdown();
    let _ = workers.await;
    let delivered = DeliveryFilter {
        status: Some(DeliveryStatus::Delivered),
        limit: (n + 1) as i64,
        ..DeliveryFilter::default()
    };
    let done = store.list_deliveries(&delivered).await.unwrap().rows.len();
    let _ = child.kill();
    let _ = child.wait();
    println!("events: {n} (fan-out 1, 1 KiB payloads, HMAC-SHA256, HTTPS keep-alive, loopback)");
    println!(
        "ingest: {:.0} events/s ({:.2} s)",
        n as f64 / ingest.as_secs_f64(),
        ingest.as_secs_f64()
    );
    println!(
        "drain: {:.0} deliveries/s ({} delivered in {:.2} s)",
        done as f64 / drain.as_secs_f64(),
        done,
        drain.as_secs_f64()
    );
    println!(
        "dispatcher CPU: {:.1} µs per delivery",
        cpu as f64 / done.max(1) as f64
    );
    assert_eq!(done, n, "every delivery delivered");
}

/// The receiver process: HTTPS on 127.0.0.1, keep-alive, 200 to every request.
mod receiver {
    use super::*;
    use hyper::{body::Incoming, service::service_fn, Request, Response};
    use hyper_util::rt::TokioIo;
    use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
    use tokio_rustls::TlsAcceptor;

    /// Writes a CA and a localhost leaf into `dir`; returns the CA PEM.
    pub fn write_certificates(dir: &Path) -> String {
        let ca_key = KeyPair::generate().unwrap();
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let ca = ca_params.self_signed(&ca_key).unwrap();
        let issuer = Issuer::new(ca_params, ca_key);
        let leaf_key = KeyPair::generate().unwrap();
        let leaf = CertificateParams::new(vec!["localhost".to_owned()])
            .unwrap()
            .signed_by(&leaf_key, &issuer)
            .unwrap();
        std::fs::write(dir.join("leaf.der"), leaf.der()).unwrap();
        std::fs::write(dir.join("leaf.key"), leaf_key.serialize_der()).unwrap();
        ca.pem()
    }

    pub fn wait_for_port(dir: &Path) -> u16 {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Ok(text) = std::fs::read_to_string(dir.join("port")) {
                if let Ok(port) = text.trim().parse() {
                    return port;
                }
            }
            assert!(Instant::now() < deadline, "the receiver did not start");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

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
            let port = listener.local_addr().unwrap().port();
            std::fs::write(dir.join("port.tmp"), port.to_string()).unwrap();
            std::fs::rename(dir.join("port.tmp"), dir.join("port")).unwrap();
            while let Ok((tcp, _)) = listener.accept().await {
                let _ = tcp.set_nodelay(true);
                let acceptor = acceptor.clone();
                tokio::spawn(async move {
                    let Ok(tls) = acceptor.accept(tcp).await else {
                        return;
                    };
                    let service = service_fn(|req: Request<Incoming>| async move {
                        use http_body_util::BodyExt as _;
                        let _ = req.into_body().collect().await;
                        Ok::<_, std::convert::Infallible>(Response::new(String::new()))
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(tls), service)
                        .await;
                });
            }
        });
    }
}
