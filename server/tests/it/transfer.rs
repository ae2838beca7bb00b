//! `webhooks-console export` / `import` with the real binary: a configuration made through the
//! API on SQLite moves, secrets and all, into an empty database — PostgreSQL when the suite runs
//! with `TEST_DATABASE=postgres`, another SQLite file otherwise — and deliveries work there.

use std::path::Path;
use std::process::{Command, Output};

use hmac::{Hmac, Mac};
use serde_json::{json, Value};

use crate::dispatcher::{receipt, Harness};
use crate::helpers::{make_legacy_sha1, on_postgres, PgTestDatabase};
use crate::receiver::Answers;
use crate::rest_assets::Api;

const BIN: &str = env!("CARGO_BIN_EXE_webhooks-console");
const HUB_SECRET: &str = "hub-s\u{e9}cret-512";
const LEGACY_SECRET: &str = "legacy-sha1-secret";
const BASIC_PASSWORD: &str = "p\u{e4}ss:word";
const ESME_PASSWORD: &str = "esme-pw7";

fn cli(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .env_clear()
        .output()
        .expect("binary runs")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// An empty target database: a fresh PostgreSQL database on the PostgreSQL run, else a new
/// SQLite file in `dir`.
async fn target(dir: &Path) -> (String, Option<PgTestDatabase>) {
    if on_postgres() {
        let pg = PgTestDatabase::create().await;
        (pg.url.clone(), Some(pg))
    } else {
        let url = format!("sqlite://{}", dir.join("target.db").display());
        (url, None)
    }
}

/// A source on SQLite with one of everything that carries a secret: a signed webhook, one
/// with a Basic profile, a legacy SHA1 one, and a number forwarding to an ESME bind.
async fn source() -> (Harness, String) {
    let dir = tempfile::tempdir().unwrap();
    let db = format!("sqlite://{}", dir.path().join("source.db").display());
    let answers = Answers::default()
        .posts("/signed", &[200], "ok")
        .posts("/basic", &[200], "ok")
        .posts("/legacy", &[200], "ok")
        .posts("/inbound", &[200], "ok");
    let h = Harness::start_in(dir, answers, &["--database-url", &db]).await;
    let billing = h.service("Billing").await;
    h.api
        .create(
            "/api/v1/apps",
            json!({"name": "Shop chat", "app_type": "WhatsApp"}),
        )
        .await;
    let number = h
        .api
        .create(
            "/api/v1/numbers",
            json!({"number": "+14155550100", "capabilities": ["SMS"]}),
        )
        .await;
    let bind = h
        .api
        .create(
            "/api/v1/esme-binds",
            json!({"system_id": "client", "password": ESME_PASSWORD, "description": "Main"}),
        )
        .await;
    let basic = h
        .api
        .create(
            "/api/v1/authorizations",
            json!({"name": "Partner", "type": "Basic Auth", "username": "ops", "password": BASIC_PASSWORD}),
        )
        .await;
    h.webhook(
        "Signed",
        &billing,
        "/signed",
        json!({"hub_signature": {"secret": HUB_SECRET, "algorithm": "sha512"}}),
    )
    .await;
    h.webhook(
        "Authorized",
        &billing,
        "/basic",
        json!({"authorization_id": basic}),
    )
    .await;
    let legacy = h
        .webhook(
            "Legacy",
            &billing,
            "/legacy",
            json!({"hub_signature": {"secret": LEGACY_SECRET}}),
        )
        .await;
    // What legacy data looks like: SHA1, which the API no longer gives new webhooks.
    make_legacy_sha1(h.api.app.store.as_ref(), &legacy, |w| {
        w.max_in_flight = Some(4);
        w.rate_per_second = Some(2.5);
    })
    .await;
    let res = h
        .api
        .post(
            "/api/v1/integrations",
            json!({"name": "Inbound", "entity": {"kind": "number", "id": number},
                   "url": h.receiver.url("/inbound"),
                   "notifications": [{"channel": "SMS", "event": "Incoming Message"}],
                   "forward_to_smpp": {"esme_bind_id": bind}}),
        )
        .await;
    assert_eq!(res.status, 201, "{}", res.text);
    (h, db)
}

fn key_file(h: &Harness) -> String {
    h.api.dir().join("secret.key").display().to_string()
}

fn export(db: &str, key: &str) -> String {
    let out = cli(&["export", "--database-url", db, "--secret-key-file", key]);
    assert!(out.status.success(), "{}", stderr(&out));
    String::from_utf8(out.stdout).expect("UTF-8 JSON")
}

fn hmac_hex<M: Mac + hmac::digest::KeyInit>(secret: &str, body: &[u8]) -> String {
    let mut mac = <M as hmac::digest::KeyInit>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

/// Each integration's view without its id and times (they belong to the database).
fn integrations_by_name(list: &Value) -> Vec<Value> {
    let mut views: Vec<Value> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            json!({
                "name": i["name"], "entity_kind": i["entity"]["kind"], "url": i["url"],
                "hub_signature": i["hub_signature"], "notifications": i["notifications"],
                "has_authorization": !i["authorization_id"].is_null(),
                "forwards": !i["forward_to_smpp"].is_null(), "enabled": i["enabled"],
                "delivery": i["delivery"],
            })
        })
        .collect();
    views.sort_by_key(|v| v["name"].as_str().unwrap_or_default().to_owned());
    views
}

#[tokio::test]
async fn an_export_imported_into_an_empty_database_delivers_there_with_every_secret_intact() {
    let (source, db) = source().await;
    let key = key_file(&source);
    let document = export(&db, &key);
    let doc: Value = serde_json::from_str(&document).expect("stdout is the JSON and nothing else");
    assert_eq!(doc["format"], "webhooks-console configuration");
    assert_eq!(doc["version"], 1);
    assert_eq!(doc["webhooks"].as_array().unwrap().len(), 4, "{doc:#}");
    for secret in [HUB_SECRET, LEGACY_SECRET, BASIC_PASSWORD, ESME_PASSWORD] {
        assert!(
            !document.contains(secret),
            "a secret in clear in the export"
        );
    }

    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(&key, dir.path().join("secret.key")).unwrap();
    let file = dir.path().join("config.json");
    std::fs::write(&file, &document).unwrap();
    let (target_db, _pg) = target(dir.path()).await;
    let target_key = dir.path().join("secret.key").display().to_string();
    let file_arg = file.display().to_string();
    let import = |db: &str| {
        cli(&[
            "import",
            &file_arg,
            "--database-url",
            db,
            "--secret-key-file",
            &target_key,
        ])
    };
    let out = import(&target_db);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "imported 1 services, 1 numbers, 1 apps, 1 ESME binds, 1 authorizations, 4 webhooks \
         (every id kept)"
    );
    // A second import finds the configuration there and writes nothing.
    let again = import(&target_db);
    assert_eq!(again.status.code(), Some(2), "{}", stderr(&again));
    assert!(stderr(&again).contains("not empty"), "{}", stderr(&again));

    let ca_file = source.ca.write_pem(dir.path()).display().to_string();
    let target = Api::spawn_manual_in(
        dir,
        &[
            "--database-url",
            &target_db,
            "--extra-ca-file",
            &ca_file,
            "--allow-private-destinations",
        ],
    )
    .await;
    assert_eq!(
        integrations_by_name(&target.get("/api/v1/integrations").await.body),
        integrations_by_name(&source.api.get("/api/v1/integrations").await.body)
    );
    let profile = &target.get("/api/v1/authorizations").await.body[0];
    assert_eq!(profile["name"], "Partner");
    assert_eq!(profile["username"], "ops", "{profile}");

    // Deliveries on the target: each secret opens and signs as it did at the source.
    let billing = target.get("/api/v1/services").await.body[0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let res = target
        .post("/api/v1/events", receipt(&billing, json!({"moved": true})))
        .await;
    assert_eq!(res.status, 202, "{}", res.text);
    assert_eq!(target.app.dispatcher.run_once().await.unwrap(), 3);
    let posts = source.posts();
    let post = |path: &str| {
        posts
            .iter()
            .find(|p| p.path == path)
            .unwrap_or_else(|| panic!("no POST to {path}: {posts:?}"))
    };
    let signed = post("/signed");
    assert_eq!(
        signed.header("x-hub-signature"),
        Some(
            format!(
                "sha512={}",
                hmac_hex::<Hmac<sha2::Sha512>>(HUB_SECRET, &signed.body)
            )
            .as_str()
        )
    );
    let legacy = post("/legacy");
    assert_eq!(
        legacy.header("x-hub-signature"),
        Some(
            format!(
                "sha1={}",
                hmac_hex::<Hmac<sha1::Sha1>>(LEGACY_SECRET, &legacy.body)
            )
            .as_str()
        )
    );
    use base64::Engine as _;
    let basic = format!(
        "Basic {}",
        base64::engine::general_purpose::STANDARD.encode(format!("ops:{BASIC_PASSWORD}"))
    );
    assert_eq!(post("/basic").header("authorization"), Some(basic.as_str()));
}

#[tokio::test]
async fn an_import_with_another_key_file_is_refused_before_anything_is_written() {
    let (source, db) = source().await;
    let document = export(&db, &key_file(&source));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("config.json");
    std::fs::write(&file, &document).unwrap();
    let (target_db, _pg) = target(dir.path()).await;
    let other_key = dir.path().join("other.key").display().to_string();
    // A key file that exists, as another instance would have made it.
    {
        use std::io::Write as _;
        use std::os::unix::fs::OpenOptionsExt as _;
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&other_key)
            .unwrap();
        f.write_all(&rand::random::<[u8; 32]>()).unwrap();
    }
    let out = cli(&[
        "import",
        &file.display().to_string(),
        "--database-url",
        &target_db,
        "--secret-key-file",
        &other_key,
    ]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let message = stderr(&out);
    assert_eq!(message.trim_end().lines().count(), 1, "{message}");
    assert!(
        message.contains("esme_binds/0/password_sealed"),
        "{message}"
    );
    assert!(message.contains("--secret-key-file"), "{message}");

    let out = cli(&[
        "export",
        "--database-url",
        &target_db,
        "--secret-key-file",
        &other_key,
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let empty: Value = serde_json::from_slice(&out.stdout).unwrap();
    for list in [
        "services",
        "numbers",
        "apps",
        "esme_binds",
        "authorizations",
        "webhooks",
    ] {
        assert_eq!(empty[list], json!([]), "{list} written by a refused import");
    }
}

#[tokio::test]
async fn a_file_that_is_not_a_usable_export_gets_a_one_line_error_naming_the_place() {
    let (source, db) = source().await;
    let key = key_file(&source);
    let document: Value = serde_json::from_str(&export(&db, &key)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (target_db, _pg) = target(dir.path()).await;

    let mut dangling = document.clone();
    dangling["webhooks"][0]["entity"]["id"] = json!("999");
    let mut later = document.clone();
    later["version"] = json!(2);
    let mut unknown = document.clone();
    unknown["webhooks"][1]["notifications"][0]["event"] = json!("Teleported");
    let cases = [
        ("[1, 2]".to_owned(), "not a JSON object"),
        ("{}".to_owned(), "not a webhooks-console configuration"),
        (later.to_string(), "version 1; the file has version 2"),
        (
            dangling.to_string(),
            "webhooks/0/entity/id: names no service of this file",
        ),
        (unknown.to_string(), "webhooks/1/notifications/0"),
    ];
    for (i, (text, expected)) in cases.iter().enumerate() {
        let file = dir.path().join(format!("case{i}.json"));
        std::fs::write(&file, text).unwrap();
        let out = cli(&[
            "import",
            &file.display().to_string(),
            "--database-url",
            &target_db,
            "--secret-key-file",
            &key,
        ]);
        let message = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "case {i}: {message}");
        assert_eq!(message.trim_end().lines().count(), 1, "case {i}: {message}");
        assert!(message.contains(expected), "case {i}: {message}");
    }
    let missing = dir.path().join("no.key").display().to_string();
    let out = cli(&[
        "export",
        "--database-url",
        &db,
        "--secret-key-file",
        &missing,
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("does not exist"), "{}", stderr(&out));
    assert!(!Path::new(&missing).exists(), "export made a new key file");
}
