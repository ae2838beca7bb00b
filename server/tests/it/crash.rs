//! Crash safety, with the real binary: thousands of events accepted over the API, the process
//! killed with SIGKILL while deliveries are in flight, restarted on the same database; every
//! accepted event must reach the receiver at least once. Prints the figures (events, lost,
//! duplicates) for the record.

use std::collections::HashMap;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use crate::receiver::{Answers, Receiver, TestCa};

const BIN: &str = env!("CARGO_BIN_EXE_webhooks-console");
const EVENTS: usize = 3_000;
const BATCH: usize = 250;

pub(crate) struct Server {
    pub child: Child,
    pub base: String,
}

async fn free_port() -> u16 {
    crate::receiver::refused_port().await
}

/// Prepares the database the servers of folder `dir` use: a SQLite file in it, or with
/// `TEST_DATABASE=postgres` a fresh PostgreSQL database (its URL kept in the folder, so every
/// start and command of the test finds it; dropped with the returned guard).
pub(crate) async fn prepare_database(dir: &Path) -> Option<crate::helpers::PgTestDatabase> {
    if !crate::helpers::on_postgres() {
        return None;
    }
    let pg = crate::helpers::PgTestDatabase::create().await;
    std::fs::write(dir.join("database-url"), &pg.url).unwrap();
    Some(pg)
}

pub(crate) fn common_args(dir: &Path, ca_file: &Path) -> Vec<String> {
    let db = std::fs::read_to_string(dir.join("database-url"))
        .unwrap_or_else(|_| format!("sqlite://{}", dir.join("data/crash.db").display()));
    [
        "--database-url",
        &db,
        "--secret-key-file",
        &dir.join("secret.key").display().to_string(),
        "--extra-ca-file",
        &ca_file.display().to_string(),
        "--allow-private-destinations",
        "--request-timeout",
        "1s",
        "--retry-schedule",
        "0s,0s,0s",
        "--log",
        "warn",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

pub(crate) async fn start(dir: &Path, ca_file: &Path, run: usize) -> Server {
    start_with(dir, ca_file, run, &[]).await
}

/// Like [`start`], with more flags; a flag of [`common_args`] given in `extra` with a value
/// replaces the common one (clap refuses a flag given twice).
pub(crate) async fn start_with(dir: &Path, ca_file: &Path, run: usize, extra: &[&str]) -> Server {
    let port = free_port().await;
    let log = std::fs::File::create(dir.join(format!("server-{run}.log"))).unwrap();
    let mut args = common_args(dir, ca_file);
    let mut rest = extra.iter();
    while let Some(flag) = rest.next() {
        match args.iter().position(|a| a == flag) {
            Some(at) if at + 1 < args.len() && !args[at + 1].starts_with("--") => {
                args[at + 1] = rest.next().expect("a value after the flag").to_string();
            }
            _ => args.push(flag.to_string()),
        }
    }
    let child = Command::new(BIN)
        .arg("serve")
        .args(args)
        .args(["--listen", &format!("127.0.0.1:{port}")])
        .args([
            "--admin-email",
            "admin@example.com",
            "--admin-password",
            "correct horse battery",
        ])
        .env_clear()
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .expect("the binary starts");
    let base = format!("http://127.0.0.1:{port}");
    let deadline = Instant::now() + Duration::from_secs(20);
    while reqwest::get(format!("{base}/healthz")).await.is_err() {
        assert!(Instant::now() < deadline, "the server did not come up");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    Server { child, base }
}

pub(crate) fn api_key(dir: &Path, ca_file: &Path) -> String {
    let out = Command::new(BIN)
        .args(["api-key", "create", "--name", "crash test"])
        .args(common_args(dir, ca_file))
        .env_clear()
        .output()
        .expect("api-key create runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

pub(crate) async fn call(
    key: &str,
    method: reqwest::Method,
    url: String,
    body: Option<Value>,
) -> Value {
    let client = reqwest::Client::new();
    let mut req = client.request(method, url).bearer_auth(key);
    if let Some(body) = body {
        req = req.json(&body);
    }
    let res = req.send().await.expect("the API answers");
    let status = res.status();
    let text = res.text().await.unwrap();
    assert!(status.is_success(), "{status}: {text}");
    serde_json::from_str(&text).unwrap_or(Value::Null)
}

/// How many times each event id reached the receiver.
pub(crate) fn received(receiver: &Receiver) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for seen in receiver.seen().into_iter().filter(|s| s.method == "POST") {
        if let Some(id) = seen.header("x-wx-gtrid") {
            *counts.entry(id.to_owned()).or_insert(0) += 1;
        }
    }
    counts
}

/// Waits until the instance at `base` lists no pending delivery, at most `within`.
pub(crate) async fn wait_until_drained(key: &str, base: &str, within: Duration) {
    let pending = format!("{base}/api/v1/deliveries?status=pending&limit=1");
    let deadline = Instant::now() + within;
    loop {
        let left = call(key, reqwest::Method::GET, pending.clone(), None).await;
        if left.as_array().is_some_and(|a| a.is_empty()) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "deliveries still pending after {within:?}"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// The ledger of a kill test: the event ids of `sent` the receiver never saw, and how many
/// arrivals were a second (or later) one.
pub(crate) fn lost_and_duplicates(sent: &[String], receiver: &Receiver) -> (Vec<String>, usize) {
    let counts = received(receiver);
    let lost = sent
        .iter()
        .filter(|id| !counts.contains_key(*id))
        .cloned()
        .collect();
    (lost, counts.values().map(|n| n - 1).sum())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_process_loses_no_accepted_event() {
    let ca = TestCa::new();
    // Slow answers keep many deliveries in flight when the kill comes.
    let answers = Answers::default().posts_after("/hook", &[200], "ok", Duration::from_millis(40));
    let receiver = Receiver::start(&ca, answers).await;
    let dir = tempfile::tempdir().unwrap();
    let _pg = prepare_database(dir.path()).await;
    let ca_file = ca.write_pem(dir.path());
    let key = api_key(dir.path(), &ca_file);

    let mut server = start(dir.path(), &ca_file, 1).await;
    let base = server.base.clone();
    let svc = call(
        &key,
        reqwest::Method::POST,
        format!("{base}/api/v1/services"),
        Some(json!({"name": "Crash"})),
    )
    .await;
    let hook = json!({"name": "Crash hook", "entity": {"kind": "service", "id": svc["id"]},
        "url": receiver.url("/hook"), "notifications": [{"channel": "SMS", "event": "Delivered"}]});
    call(
        &key,
        reqwest::Method::POST,
        format!("{base}/api/v1/integrations"),
        Some(hook),
    )
    .await;
    let mut sent = Vec::with_capacity(EVENTS);
    for chunk in (0..EVENTS).collect::<Vec<_>>().chunks(BATCH) {
        let events: Vec<Value> = chunk
            .iter()
            .map(|i| {
                json!({"channel": "SMS", "event": "Delivered", "service_id": svc["id"],
                             "event_id": format!("crash-{i}"), "payload": {"i": i}})
            })
            .collect();
        let res = call(
            &key,
            reqwest::Method::POST,
            format!("{base}/api/v1/events"),
            Some(json!(events)),
        )
        .await;
        assert_eq!(res["deliveries"], chunk.len());
        sent.extend(chunk.iter().map(|i| format!("crash-{i}")));
    }
    // Kill mid-flight: some delivered, most not.
    let deadline = Instant::now() + Duration::from_secs(30);
    while received(&receiver).len() < EVENTS / 10 {
        assert!(Instant::now() < deadline, "no delivery started");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    server.child.kill().expect("SIGKILL");
    server.child.wait().unwrap();
    let at_kill = received(&receiver).len();

    let mut server = start(dir.path(), &ca_file, 2).await;
    wait_until_drained(&key, &server.base, Duration::from_secs(60)).await;
    server.child.kill().unwrap();
    server.child.wait().unwrap();

    let (lost, duplicates) = lost_and_duplicates(&sent, &receiver);
    eprintln!(
        "crash test: events {EVENTS}, received before the kill {at_kill}, lost {}, duplicates {duplicates}",
        lost.len()
    );
    assert!(
        lost.is_empty(),
        "lost {} events, e.g. {:?}",
        lost.len(),
        &lost[..lost.len().min(5)]
    );
}
