//! SMPP deliveries are durable like every delivery, with the real binary: messages accepted
//! over the API while an ESME receives them, the process killed with SIGKILL mid-flight,
//! restarted on the same database; every message must reach an ESME at least once.

use std::collections::HashSet;
use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::{esme_on, wait_events, PASSWORD, SHORT_CODE, SYSTEM_ID};
use crate::crash::{api_key, call, prepare_database, start_with, Server};
use crate::outbound_auth::child::Peer;
use crate::receiver::{Answers, Receiver, TestCa};

const MESSAGES: usize = 200;

/// The binary with its SMPP listener on `smpp_port`; retries every second for a while, so the
/// deliveries wait for the ESME to bind again after the restart rather than run out of tries.
async fn start(dir: &Path, ca_file: &Path, run: usize, smpp_port: u16) -> Server {
    let smpp = format!("127.0.0.1:{smpp_port}");
    let flags = [
        "--retry-schedule",
        "1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s,1s",
        "--request-timeout",
        "5s",
        "--smpp-listen",
        &smpp,
    ];
    start_with(dir, ca_file, run, &flags).await
}

/// The texts the ESMEs received (decoded from the hex the peer prints).
fn texts(peers: &[&Peer]) -> (HashSet<String>, usize) {
    let mut seen = HashSet::new();
    let mut count = 0;
    for peer in peers {
        for e in peer.events() {
            if e["event"] != "deliver_sm" {
                continue;
            }
            count += 1;
            let hexed = e["short_message"].as_str().unwrap_or_default();
            let bytes: Vec<u8> = (0..hexed.len())
                .step_by(2)
                .filter_map(|i| u8::from_str_radix(&hexed[i..i + 2], 16).ok())
                .collect();
            seen.insert(String::from_utf8_lossy(&bytes).into_owned());
        }
    }
    (seen, count)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_process_loses_no_forwarded_message() {
    let ca = TestCa::new();
    let receiver = Receiver::start(&ca, Answers::default().posts("/hook", &[200], "ok")).await;
    let dir = tempfile::tempdir().unwrap();
    let _pg = prepare_database(dir.path()).await;
    let ca_file = ca.write_pem(dir.path());
    let key = api_key(dir.path(), &ca_file);
    let smpp_port = crate::receiver::refused_port().await;

    let mut server = start(dir.path(), &ca_file, 1, smpp_port).await;
    let base = server.base.clone();
    let post = |path: &str, body: Value| {
        let url = format!("{base}{path}");
        let key = key.clone();
        async move { call(&key, reqwest::Method::POST, url, Some(body)).await }
    };
    let number = post(
        "/api/v1/numbers",
        json!({"number": SHORT_CODE, "capabilities": ["SMS"]}),
    )
    .await;
    let bind = post(
        "/api/v1/esme-binds",
        json!({"system_id": SYSTEM_ID, "password": PASSWORD, "description": "Acme"}),
    )
    .await;
    let hook = json!({"name": "Inbound", "entity": {"kind": "number", "id": number["id"]},
        "url": receiver.url("/hook"),
        "notifications": [{"channel": "SMS", "event": "Incoming Message"}],
        "forward_to_smpp": {"esme_bind_id": bind["id"]}});
    post("/api/v1/integrations", hook).await;

    // A slow ESME keeps many deliver_sm in flight when the kill comes.
    let first = esme_on(smpp_port, SYSTEM_ID, PASSWORD, &["--delay", "0.01"]);
    let bound = wait_events(&first, 1, |_| true).await;
    assert_eq!(bound.first().map(|e| &e["event"]), Some(&json!("bound")));
    let events: Vec<Value> = (0..MESSAGES)
        .map(|i| {
            json!({"channel": "SMS", "event": "Incoming Message", "number_id": number["id"],
                   "event_id": format!("mo-{i}"),
                   "payload": {"oa": "447700900321", "da": SHORT_CODE, "message": format!("mo-{i}")}})
        })
        .collect();
    let res = post("/api/v1/events", json!(events)).await;
    assert_eq!(res["deliveries"], 2 * MESSAGES);
    let deadline = Instant::now() + Duration::from_secs(30);
    while texts(&[&first]).0.len() < MESSAGES / 10 {
        assert!(Instant::now() < deadline, "no deliver_sm arrived");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    server.child.kill().expect("SIGKILL");
    server.child.wait().unwrap();
    let at_kill = texts(&[&first]).0.len();

    let mut server = start(dir.path(), &ca_file, 2, smpp_port).await;
    let second = esme_on(smpp_port, SYSTEM_ID, PASSWORD, &[]);
    let deadline = Instant::now() + Duration::from_secs(90);
    while texts(&[&first, &second]).0.len() < MESSAGES {
        if Instant::now() > deadline {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    server.child.kill().unwrap();
    server.child.wait().unwrap();

    let (seen, received) = texts(&[&first, &second]);
    let lost: Vec<String> = (0..MESSAGES)
        .map(|i| format!("mo-{i}"))
        .filter(|t| !seen.contains(t))
        .collect();
    eprintln!(
        "SMPP crash test: messages {MESSAGES}, received before the kill {at_kill}, lost {}, \
         duplicates {}",
        lost.len(),
        received - seen.len()
    );
    assert!(
        lost.is_empty(),
        "lost {}, e.g. {:?}",
        lost.len(),
        &lost[..lost.len().min(5)]
    );
}
