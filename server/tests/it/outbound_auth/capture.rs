//! An in-process HTTPS receiver on 127.0.0.1 that records every request whole (method, target,
//! headers, body bytes) and answers from a script: the first answers as queued, then 200.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use http_body_util::BodyExt;
use hyper::{service::service_fn, Request, Response};
use hyper_util::rt::TokioIo;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tokio_rustls::TlsAcceptor;

use super::pki::Pki;

#[derive(Debug, Clone)]
pub struct Captured {
    pub method: String,
    /// Path and query, as on the request line.
    pub target: String,
    /// Names in lower case, in order.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Captured {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

pub struct Capture {
    pub port: u16,
    seen: Arc<Mutex<Vec<Captured>>>,
    task: JoinHandle<()>,
}

impl Capture {
    /// Answers `queued` statuses first, in order, then 200 for ever.
    pub async fn start(pki: &Pki, queued: &[u16]) -> Capture {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let acceptor = TlsAcceptor::from(pki.server.clone());
        let seen = Arc::new(Mutex::new(Vec::new()));
        let script = Arc::new(Mutex::new(
            queued.iter().copied().collect::<VecDeque<u16>>(),
        ));
        let log = seen.clone();
        let task = tokio::spawn(async move {
            while let Ok((tcp, _)) = listener.accept().await {
                let (acceptor, log, script) = (acceptor.clone(), log.clone(), script.clone());
                tokio::spawn(async move {
                    let Ok(tls) = acceptor.accept(tcp).await else {
                        return;
                    };
                    let service = service_fn(move |req: Request<hyper::body::Incoming>| {
                        let (log, script) = (log.clone(), script.clone());
                        async move {
                            let (parts, body) = req.into_parts();
                            let body = body
                                .collect()
                                .await
                                .map(|b| b.to_bytes().to_vec())
                                .unwrap_or_default();
                            let headers = parts
                                .headers
                                .iter()
                                .map(|(k, v)| {
                                    (
                                        k.as_str().to_owned(),
                                        String::from_utf8_lossy(v.as_bytes()).into_owned(),
                                    )
                                })
                                .collect();
                            log.lock().unwrap().push(Captured {
                                method: parts.method.to_string(),
                                target: parts
                                    .uri
                                    .path_and_query()
                                    .map(|p| p.to_string())
                                    .unwrap_or_default(),
                                headers,
                                body,
                            });
                            let status = script.lock().unwrap().pop_front().unwrap_or(200);
                            let response = Response::builder()
                                .status(status)
                                .body(String::new())
                                .unwrap();
                            Ok::<_, std::convert::Infallible>(response)
                        }
                    });
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(tls), service)
                        .await;
                });
            }
        });
        Capture { port, seen, task }
    }

    pub fn url(&self, path_and_query: &str) -> String {
        format!("https://localhost:{}{path_and_query}", self.port)
    }

    pub fn seen(&self) -> Vec<Captured> {
        self.seen.lock().unwrap().clone()
    }
}

impl Drop for Capture {
    fn drop(&mut self) {
        self.task.abort();
    }
}
