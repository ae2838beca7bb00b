//! Sealed secrets are bound to their row (review item 6): a sealed value copied into another
//! row does not open there, and a database whose secrets were sealed in the first format
//! (bound to their column only) is carried forward at start-up without losing one.

use std::os::unix::fs::PermissionsExt as _;
use std::path::Path;

use base64::{engine::general_purpose::STANDARD as BASE64, Engine as _};
use hmac::{Hmac, Mac};
use serde_json::json;
use sqlx::{
    migrate::Migrator, sqlite::SqliteConnectOptions, ConnectOptions as _, Connection as _,
    SqliteConnection,
};
use webhooks_console::{
    secrets::{aad, SecretBox, SecretKey},
    store::{SealedValue, WebhookWrite},
};

use crate::dispatcher::{receipt, Harness};
use crate::receiver::Answers;

fn sha256_hex(secret: &str, body: &[u8]) -> String {
    let mut mac = <Hmac<sha2::Sha256> as Mac>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(body);
    hex::encode(mac.finalize().into_bytes())
}

#[tokio::test]
async fn a_hub_secret_copied_into_another_webhook_does_not_sign_its_deliveries() {
    let answers = Answers::default()
        .posts("/a", &[200], "ok")
        .posts("/b", &[200], "ok");
    let h = Harness::start(answers, &["--retry-schedule", ""]).await;
    let billing = h.service("Billing").await;
    let a = h
        .webhook(
            "A",
            &billing,
            "/a",
            json!({"hub_signature": {"secret": "secret-a"}}),
        )
        .await;
    let b = h
        .webhook(
            "B",
            &billing,
            "/b",
            json!({"hub_signature": {"secret": "secret-b"}}),
        )
        .await;
    // Whoever can write the database copies A's sealed hub secret into B's row.
    let store = &h.api.app.store;
    let row_a = store
        .get_webhook(a.parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    let row_b = store
        .get_webhook(b.parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    let copied = WebhookWrite {
        name: row_b.name,
        entity: row_b.entity,
        url: row_b.url,
        hub_algorithm: row_b.hub_algorithm,
        hub_secret_enc: row_a.hub_secret_enc.map(SealedValue::Kept),
        authorization_id: None,
        esme_bind_id: None,
        enabled: true,
        max_in_flight: None,
        rate_per_second: None,
        notifications: row_b.notifications,
    };
    store.update_webhook(row_b.id, &copied).await.unwrap();

    let res = h.ingest(receipt(&billing, json!({"n": 1}))).await;
    assert_eq!(res.status, 202, "{}", res.text);
    h.run_once().await;
    let posts = h.posts();
    let to_a: Vec<_> = posts.iter().filter(|p| p.path == "/a").collect();
    assert_eq!(to_a.len(), 1, "{posts:?}");
    assert_eq!(
        to_a[0].header("x-hub-signature").unwrap(),
        format!("sha256={}", sha256_hex("secret-a", &to_a[0].body)),
        "A keeps its own secret"
    );
    assert!(
        posts.iter().all(|p| p.path != "/b"),
        "B's delivery was sent with a secret copied from A: {posts:?}"
    );
    let log = h.deliveries(&format!("?integration_id={b}")).await;
    assert_eq!(log.len(), 1);
    assert_ne!(log[0]["status"], "delivered", "{}", log[0]);
    let detail = h.delivery(log[0]["id"].as_str().unwrap()).await;
    let attempt = &detail["attempts"][0];
    assert!(
        attempt.to_string().contains("hub secret cannot be read"),
        "{detail}"
    );
}

const KEY: [u8; 32] = [0x5a; 32];

/// The key file every app of the upgrade test uses, in `dir` (where `Api` looks for it).
fn write_key(dir: &Path) {
    let path = dir.join("secret.key");
    std::fs::write(&path, KEY).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
}

async fn connect(db: &Path) -> SqliteConnection {
    SqliteConnectOptions::new()
        .filename(db)
        .create_if_missing(true)
        .foreign_keys(true)
        .connect()
        .await
        .unwrap()
}

/// A database with every migration but `20261202000008` (the one that schedules the upgrade),
/// holding a secret of the first format in every sealed column, as the earlier versions
/// sealed them: a webhook signed with "old hub secret" and applying a Basic Auth profile
/// (password "old password"), an OAuth 2.0 profile with tokens, an ESME bind, a pending flow.
async fn database_of_the_first_format(db: &Path, receiver_url: &str) {
    let all = Path::new(env!("CARGO_MANIFEST_DIR")).join("../migrations/sqlite");
    let earlier = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(&all).unwrap() {
        let entry = entry.unwrap();
        if !entry
            .file_name()
            .to_string_lossy()
            .starts_with("20261202000008")
        {
            std::fs::copy(entry.path(), earlier.path().join(entry.file_name())).unwrap();
        }
    }
    // Foreign keys off, as `SqliteStore::migrate` runs the migrations (the table rebuilds need it).
    let mut conn = SqliteConnectOptions::new()
        .filename(db)
        .create_if_missing(true)
        .foreign_keys(false)
        .connect()
        .await
        .unwrap();
    Migrator::new(earlier.path())
        .await
        .unwrap()
        .run(&mut conn)
        .await
        .unwrap();
    let old = SecretBox::new(&SecretKey::from_bytes(KEY));
    let v1 = |plaintext: &str, column| old.seal_v1(plaintext, column);
    let statements = [
        "INSERT INTO services (id, name, created_at, updated_at) VALUES (1, 'Billing', 1, 1)"
            .to_owned(),
        format!(
            "INSERT INTO authorizations (id, name, auth_type, settings, secrets_enc, status,
                created_at, updated_at)
             VALUES (7, 'Partner', 'Basic Auth', '{{\"username\":\"ana\"}}', '{}', 'Authorized', 1, 1)",
            v1(r#"{"password":"old password"}"#, aad::AUTHORIZATION_SECRETS)
        ),
        format!(
            "INSERT INTO authorizations (id, name, auth_type, settings, secrets_enc,
                access_token_enc, refresh_token_enc, status, created_at, updated_at)
             VALUES (8, 'OAuth', 'OAuth 2.0', '{{\"grant_type\":\"Client Credentials\"}}', '{}',
                '{}', '{}', 'Authorized', 1, 1)",
            v1(r#"{"client_secret":"cs"}"#, aad::AUTHORIZATION_SECRETS),
            v1("old access token", aad::ACCESS_TOKEN),
            v1("old refresh token", aad::REFRESH_TOKEN),
        ),
        format!(
            "INSERT INTO esme_binds (id, system_id, password_enc, description, created_at, updated_at)
             VALUES (6, 'smpp1', '{}', '', 1, 1)",
            v1("old smpp password", aad::ESME_PASSWORD)
        ),
        format!(
            "INSERT INTO webhooks (id, name, entity_kind, service_id, url, hub_algorithm,
                hub_secret_enc, authorization_id, esme_bind_id, enabled, created_at, updated_at)
             VALUES (10, 'Receipts', 'service', 1, '{receiver_url}', 'sha256', '{}', 7, 6, 1, 1, 1)",
            v1("old hub secret", aad::HUB_SECRET)
        ),
        "INSERT INTO webhook_notifications (webhook_id, channel, event, position)
         VALUES (10, 'SMS', 'Delivered', 0)"
            .to_owned(),
        format!(
            "INSERT INTO oauth_pending_flows (state, authorization_id, pkce_verifier_enc, expires_at)
             VALUES ('st4te', 8, '{}', 99999999999999)",
            v1("old verifier", aad::PKCE_VERIFIER)
        ),
    ];
    for sql in statements {
        sqlx::query(&sql).execute(&mut conn).await.unwrap();
    }
    conn.close().await.unwrap();
}

/// Every sealed value of the database, with the column and row it is in.
async fn sealed_values(db: &Path) -> Vec<(&'static str, String, String)> {
    let mut conn = connect(db).await;
    let mut out = Vec::new();
    for (name, sql) in [
        ("hub", "SELECT id, hub_secret_enc FROM webhooks"),
        ("esme", "SELECT id, password_enc FROM esme_binds"),
        ("secrets", "SELECT id, secrets_enc FROM authorizations"),
        (
            "access",
            "SELECT id, access_token_enc FROM authorizations WHERE access_token_enc IS NOT NULL",
        ),
        (
            "refresh",
            "SELECT id, refresh_token_enc FROM authorizations WHERE refresh_token_enc IS NOT NULL",
        ),
        (
            "pkce",
            "SELECT state, pkce_verifier_enc FROM oauth_pending_flows",
        ),
    ] {
        let rows: Vec<(String, String)> =
            sqlx::query_as(&sql.replacen("SELECT id,", "SELECT CAST(id AS TEXT),", 1))
                .fetch_all(&mut conn)
                .await
                .unwrap();
        out.extend(rows.into_iter().map(|(row, v)| (name, row, v)));
    }
    conn.close().await.unwrap();
    out
}

#[tokio::test]
async fn secrets_of_the_first_format_are_sealed_again_for_their_row_at_start_up() {
    let dir = tempfile::tempdir().unwrap();
    write_key(dir.path());
    let db = dir.path().join("old.db");
    let db_url = format!("sqlite://{}", db.display());
    // The receiver's port is known only once it runs: a placeholder URL, fixed below.
    database_of_the_first_format(&db, "https://localhost:1/a").await;
    let before = sealed_values(&db).await;
    assert_eq!(before.len(), 7);
    assert!(before.iter().all(|(_, _, v)| v.starts_with("v1:")));

    let h = Harness::start_in(
        dir,
        Answers::default().posts("/a", &[200], "ok"),
        &["--database-url", &db_url],
    )
    .await;
    let after = sealed_values(&db).await;
    let key = SecretBox::new(&SecretKey::from_bytes(KEY));
    let expected = [
        ("hub", aad::HUB_SECRET, "old hub secret"),
        ("esme", aad::ESME_PASSWORD, "old smpp password"),
        ("access", aad::ACCESS_TOKEN, "old access token"),
        ("refresh", aad::REFRESH_TOKEN, "old refresh token"),
        ("pkce", aad::PKCE_VERIFIER, "old verifier"),
    ];
    assert_eq!(after.len(), 7);
    for (name, row, value) in &after {
        assert!(value.starts_with("v2:"), "{name} {row}: {value}");
        if let Some((_, column, plaintext)) = expected.iter().find(|(n, ..)| n == name) {
            let opened = key.open(value, *column, row).unwrap();
            assert_eq!(opened.expose(), *plaintext, "{name} {row}");
        }
    }

    // The carried webhook still signs and authorizes its deliveries with its old secrets.
    sqlx::query("UPDATE webhooks SET url = ?1 WHERE id = 10")
        .bind(h.receiver.url("/a"))
        .execute(&mut connect(&db).await)
        .await
        .unwrap();
    let res = h.ingest(receipt("1", json!({"n": 1}))).await;
    assert_eq!(res.status, 202, "{}", res.text);
    h.run_once().await;
    let posts = h.posts();
    assert_eq!(posts.len(), 1, "{posts:?}");
    assert_eq!(
        posts[0].header("x-hub-signature").unwrap(),
        format!("sha256={}", sha256_hex("old hub secret", &posts[0].body))
    );
    assert_eq!(
        posts[0].header("authorization").unwrap(),
        format!("Basic {}", BASE64.encode("ana:old password"))
    );
    let pending: Vec<String> = sqlx::query_scalar("SELECT name FROM pending_upgrades")
        .fetch_all(&mut connect(&db).await)
        .await
        .unwrap();
    assert!(pending.is_empty(), "the upgrade is done: {pending:?}");
}

#[tokio::test]
async fn after_the_upgrade_a_value_of_the_first_format_is_never_opened_again() {
    let dir = tempfile::tempdir().unwrap();
    write_key(dir.path());
    let db = dir.path().join("old.db");
    let db_url = format!("sqlite://{}", db.display());
    database_of_the_first_format(&db, "https://localhost:1/a").await;
    let planted = SecretBox::new(&SecretKey::from_bytes(KEY)).seal_v1("planted", aad::HUB_SECRET);
    let h = Harness::start_in(
        dir,
        Answers::default().posts("/a", &[200], "ok"),
        &["--database-url", &db_url, "--retry-schedule", ""],
    )
    .await;
    // Once upgraded, a first-format value put back (from a backup, from another row) is
    // refused, also by a server started afterwards.
    sqlx::query("UPDATE webhooks SET url = ?1, hub_secret_enc = ?2 WHERE id = 10")
        .bind(h.receiver.url("/a"))
        .bind(&planted)
        .execute(&mut connect(&db).await)
        .await
        .unwrap();
    let again = tempfile::tempdir().unwrap();
    write_key(again.path());
    let restarted = Harness::start_in(
        again,
        Answers::default(),
        &["--database-url", &db_url, "--retry-schedule", ""],
    )
    .await;
    let still: Vec<String> = sqlx::query_scalar("SELECT hub_secret_enc FROM webhooks")
        .fetch_all(&mut connect(&db).await)
        .await
        .unwrap();
    assert_eq!(
        still,
        [planted],
        "the restart did not upgrade the planted value"
    );
    let res = restarted.ingest(receipt("1", json!({"n": 1}))).await;
    assert_eq!(res.status, 202, "{}", res.text);
    restarted.run_once().await;
    h.run_once().await;
    assert!(h.posts().is_empty(), "{:?}", h.posts());
}
