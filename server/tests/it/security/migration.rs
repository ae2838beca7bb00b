//! Migration `20261202000005` (ids never reused) on a database made by the migrations before
//! it, holding a row in every table: every row comes through, the sequences start above every
//! id a row still names (the delivery log and the event log included), and the references
//! that must hold are enforced.

use std::path::Path;

use sqlx::{
    migrate::Migrator, sqlite::SqliteConnectOptions, ConnectOptions as _, Connection as _,
    SqliteConnection,
};
use webhooks_console::store::{
    sqlite::SqliteStore, AssetRef, AssetStore as _, AuthorizationStore as _, Database as _,
    EntityId, StoreError, WebhookStore as _, WebhookWrite,
};

const MIGRATION: &str = "20261202000005";

/// A row in every table, as the old schema let them be: webhook 11 names a deleted profile
/// (99), the delivery log names webhook 500 and the event log service 40, both long gone.
const ROWS: &str = "
INSERT INTO users (id, email, password_hash, role, created_at) VALUES (1, 'a@example.com', '$argon2id$x', 'admin', 1);
INSERT INTO sessions (token_hash, user_id, created_at, expires_at) VALUES ('t', 1, 1, 9999999999999);
INSERT INTO api_keys (id, name, key_hash, prefix, created_at) VALUES (4, 'ci', 'h', 'whk_', 1);
INSERT INTO services (id, name, created_at, updated_at) VALUES (1, 'Billing', 1, 1), (2, 'Alerts', 1, 1);
INSERT INTO numbers (id, number, sms, mms, voice, created_at, updated_at) VALUES (3, '+14155550100', 1, 0, 1, 1, 1);
INSERT INTO apps (id, name, app_type, created_at, updated_at) VALUES (5, 'Shop', 'WhatsApp', 1, 1);
INSERT INTO esme_binds (id, system_id, password_enc, description, created_at, updated_at) VALUES (6, 'smpp1', 'v1:x', '', 1, 1);
INSERT INTO authorizations (id, name, auth_type, settings, secrets_enc, status, created_at, updated_at)
    VALUES (7, 'Partner', 'Basic Auth', '{\"username\":\"u\"}', 'v1:s', 'Authorized', 1, 1);
INSERT INTO webhooks (id, name, entity_kind, service_id, number_id, app_id, url, hub_algorithm, hub_secret_enc,
        authorization_id, esme_bind_id, enabled, created_at, updated_at) VALUES
    (10, 'Receipts', 'service', 1, NULL, NULL, 'https://a.example/h', 'sha256', 'v1:h', 7, 6, 1, 1, 2),
    (11, 'Orphan', 'number', NULL, 3, NULL, 'https://b.example/h', NULL, NULL, 99, NULL, 1, 1, 2);
INSERT INTO webhook_notifications (webhook_id, channel, event, position) VALUES
    (10, 'SMS', 'Delivered', 0), (10, 'SMS', 'Failed', 1), (11, 'SMS', 'Incoming Message', 0);
INSERT INTO oauth_pending_flows (state, authorization_id, pkce_verifier_enc, expires_at) VALUES ('s', 7, 'v1:p', 9);
INSERT INTO events (id, event_id, channel, event, entity_kind, entity_id, created_at) VALUES
    (20, 'e1', 'SMS', 'Delivered', 'service', 40, 1), (21, 'e2', 'SMS', 'Delivered', 'service', 1, 1);
INSERT INTO event_payloads (event_row, body) VALUES (20, X'7B2261223A317D'), (21, X'7B7D');
INSERT INTO deliveries (id, event_row, webhook_id, webhook_name, status, attempt_count, scheduled_count,
        next_attempt_at, last_status_code, created_at, updated_at) VALUES
    (30, 20, 500, 'Partner A', 'failed', 1, 1, 5, 500, 1, 2),
    (31, 21, 10, 'Receipts', 'delivered', 1, 1, 5, 200, 1, 2);
INSERT INTO delivery_attempts (id, delivery_id, at, duration_ms, status_code, response_headers, response_body, trigger)
    VALUES (50, 30, 3, 12, 500, '{\"x\":\"y\"}', 'oops', 'scheduled'), (51, 31, 4, 9, 200, '{}', '', 'manual');
";

const TABLES: [&str; 15] = [
    "users",
    "sessions",
    "api_keys",
    "services",
    "numbers",
    "apps",
    "esme_binds",
    "authorizations",
    "webhooks",
    "webhook_notifications",
    "oauth_pending_flows",
    "events",
    "event_payloads",
    "deliveries",
    "delivery_attempts",
];

/// The database as the migrations before [`MIGRATION`] left it, with [`ROWS`].
async fn database_before_the_migration(db: &Path) {
    let all = Path::new(env!("CARGO_MANIFEST_DIR")).join("../migrations/sqlite");
    let earlier = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(&all).unwrap() {
        let entry = entry.unwrap();
        if entry.file_name().to_string_lossy().as_ref() < MIGRATION {
            std::fs::copy(entry.path(), earlier.path().join(entry.file_name())).unwrap();
        }
    }
    let migrator = Migrator::new(earlier.path()).await.unwrap();
    assert_eq!(
        migrator.iter().count(),
        4,
        "the migrations before {MIGRATION}"
    );
    let mut conn = connect(db).await;
    migrator.run(&mut conn).await.unwrap();
    sqlx::raw_sql(ROWS).execute(&mut conn).await.unwrap();
    conn.close().await.unwrap();
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

/// A table's columns and every row of those columns, each value quoted, in a stable order.
type Dump = Vec<(&'static str, Vec<String>, Vec<String>)>;

async fn columns_of(conn: &mut SqliteConnection, table: &str) -> Vec<String> {
    sqlx::query_scalar("SELECT name FROM pragma_table_info(?1) ORDER BY cid")
        .bind(table)
        .fetch_all(&mut *conn)
        .await
        .unwrap()
}

async fn rows_of(conn: &mut SqliteConnection, table: &str, columns: &[String]) -> Vec<String> {
    let row = columns
        .iter()
        .map(|c| format!("quote(\"{c}\")"))
        .collect::<Vec<_>>()
        .join(" || ',' || ");
    sqlx::query_scalar(&format!("SELECT {row} AS r FROM {table} ORDER BY r"))
        .fetch_all(&mut *conn)
        .await
        .unwrap()
}

/// Every table; with `like`, only the columns each table had there (later migrations may
/// add columns, with their own defaults).
async fn dump_all(db: &Path, like: Option<&Dump>) -> Dump {
    let mut conn = connect(db).await;
    let mut out = Vec::new();
    for (i, table) in TABLES.into_iter().enumerate() {
        let columns = match like {
            Some(before) => before[i].1.clone(),
            None => columns_of(&mut conn, table).await,
        };
        let rows = rows_of(&mut conn, table, &columns).await;
        out.push((table, columns, rows));
    }
    conn.close().await.unwrap();
    out
}

fn webhook(name: &str, entity: EntityId) -> WebhookWrite {
    WebhookWrite {
        name: name.into(),
        entity,
        url: "https://c.example/h".into(),
        hub_algorithm: None,
        hub_secret_enc: None,
        authorization_id: None,
        esme_bind_id: None,
        max_in_flight: None,
        rate_per_second: None,
        enabled: true,
        notifications: vec![("SMS".into(), "Delivered".into())],
    }
}

#[tokio::test]
async fn the_migration_keeps_every_row_and_disables_a_webhook_whose_profile_is_gone() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("old.db");
    database_before_the_migration(&db).await;
    let before = dump_all(&db, None).await;

    let store = SqliteStore::open(&db).await.unwrap();
    store.migrate().await.unwrap();
    let after = dump_all(&db, Some(&before)).await;

    for ((table, _, old), (_, _, new)) in before.iter().zip(&after) {
        if *table == "webhooks" {
            assert_eq!(old.len(), new.len());
            assert_eq!(old[0], new[0], "webhook 10 comes through unchanged");
            // Webhook 11's profile is gone: no profile, disabled, everything else kept.
            assert!(old[1].starts_with("11,'Orphan'"), "{}", old[1]);
            assert_eq!(new[1], old[1].replace(",99,NULL,1,", ",NULL,NULL,0,"));
        } else {
            assert_eq!(old, new, "{table} lost or changed rows");
        }
    }
    assert!(after.iter().all(|(_, _, rows)| !rows.is_empty()));
}

#[tokio::test]
async fn after_the_migration_new_ids_start_above_every_id_a_log_still_names() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("old.db");
    database_before_the_migration(&db).await;
    let store = SqliteStore::open(&db).await.unwrap();
    store.migrate().await.unwrap();

    // The delivery log names webhook 500, the event log service 40.
    let w = store
        .insert_webhook(&webhook("Partner C", EntityId::Service(2)))
        .await
        .unwrap();
    assert!(w.id > 500, "webhook id {} is not above 500", w.id);
    let s = store.insert_service("Support").await.unwrap();
    assert!(s.id > 40, "service id {} is not above 40", s.id);
    // Deleting the newest row no longer frees its id.
    assert!(store.delete_webhook(w.id).await.unwrap());
    let again = store
        .insert_webhook(&webhook("Partner D", EntityId::Service(2)))
        .await
        .unwrap();
    assert!(again.id > w.id);
    assert!(store.delete_asset(AssetRef::Service(s.id)).await.unwrap());
    assert!(store.insert_service("Support").await.unwrap().id > s.id);
    // The other tables carry on from their own largest id.
    let mut conn = connect(&db).await;
    for (table, at_least) in [
        ("users", 1),
        ("api_keys", 4),
        ("numbers", 3),
        ("apps", 5),
        ("esme_binds", 6),
        ("authorizations", 7),
        ("events", 21),
        ("deliveries", 31),
        ("delivery_attempts", 51),
    ] {
        let seq: i64 = sqlx::query_scalar("SELECT seq FROM sqlite_sequence WHERE name = ?1")
            .bind(table)
            .fetch_one(&mut conn)
            .await
            .unwrap();
        assert!(seq >= at_least, "{table}: sequence {seq} < {at_least}");
    }
}

#[tokio::test]
async fn after_the_migration_used_references_refuse_deletes_and_the_log_outlives_its_webhook() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("old.db");
    database_before_the_migration(&db).await;
    let store = SqliteStore::open(&db).await.unwrap();
    store.migrate().await.unwrap();

    // The foreign key itself refuses, not only the store's own check.
    let mut conn = connect(&db).await;
    let refused = sqlx::query("DELETE FROM authorizations WHERE id = 7")
        .execute(&mut conn)
        .await
        .unwrap_err();
    assert!(
        matches!(&refused, sqlx::Error::Database(e) if e.is_foreign_key_violation()),
        "{refused:?}"
    );
    assert!(matches!(
        store.delete_authorization(7).await,
        Err(StoreError::Conflict("webhooks_authorization"))
    ));
    // Refused by the foreign key on the store's own connection: the migration turned foreign
    // keys back on after it.
    assert!(matches!(
        store.delete_asset(AssetRef::EsmeBind(6)).await,
        Err(StoreError::Conflict("in_use"))
    ));
    // Deleting the webhook keeps its deliveries, which still name it.
    assert!(store.delete_webhook(10).await.unwrap());
    let logged: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM deliveries WHERE webhook_id = 10")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(logged, 1);
    assert!(store.delete_authorization(7).await.unwrap());
}
