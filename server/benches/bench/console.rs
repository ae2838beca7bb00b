//! The console at scale (#9): 10,000 webhooks and 1,000,000 deliveries (with one attempt each
//! and the dashboard's aggregates) written straight into the SQLite file with SQL, then the
//! pages timed as a signed-in browser would fetch them (no compression asked for, so the size
//! is the HTML's own).

use std::time::{Duration, Instant};

use crate::report::{fig, Goal, Run, ScenarioReport};
use crate::scenarios::Ctx;
use crate::server::{self, Options, Server, ADMIN_EMAIL, ADMIN_PASSWORD};

/// The seed, in SQL. `:now` (Unix ms) and the counts are substituted; ids grow with time, as
/// they do in the product. Every 13th delivery failed (half with 500, half timed out); the rest
/// were delivered with a 200. The aggregate tables get exactly what the deliveries imply.
fn seed_sql(now: i64, webhooks: i64, deliveries: i64) -> String {
    let span: i64 = 30 * 24 * 3_600_000 - 60_000;
    let start = now - span;
    let step = span / deliveries.max(1);
    let services = (webhooks / 100).max(1);
    format!(
        r#"
PRAGMA synchronous = OFF;
BEGIN;
WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < {services})
INSERT INTO services (id, name, created_at, updated_at)
    SELECT i, printf('Bench service %04d', i), {start}, {start} FROM s;
WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < {webhooks})
INSERT INTO webhooks (id, name, entity_kind, service_id, url, enabled, created_at, updated_at)
    SELECT i, printf('Webhook %05d', i), 'service', (i % {services}) + 1,
           printf('https://hooks%d.example.com/partner/%d', i % 97, i), 1,
           {start} + i * 1000, {start} + i * 1000 FROM s;
INSERT INTO webhook_notifications (webhook_id, channel, event, position)
    SELECT id, 'SMS', 'Delivered', 0 FROM webhooks;
WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < {deliveries})
INSERT INTO events (id, event_id, channel, event, entity_kind, entity_id, created_at)
    SELECT i, printf('seed-%d', i), 'SMS', 'Delivered', 'service',
           (((i % {webhooks}) + 1) % {services}) + 1, {start} + i * {step} FROM s;
INSERT INTO event_payloads (event_row, body)
    SELECT id, CAST('{{"seed":' || id || ',"text":"hello from the benchmark"}}' AS BLOB) FROM events;
INSERT INTO deliveries (id, event_row, webhook_id, webhook_name, status, attempt_count,
        scheduled_count, next_attempt_at, last_status_code, last_error_code, created_at,
        updated_at, channel, event)
    SELECT id, id, (id % {webhooks}) + 1, printf('Webhook %05d', (id % {webhooks}) + 1),
           CASE WHEN id % 13 = 0 THEN 'failed' ELSE 'delivered' END, 1, 1, created_at,
           CASE WHEN id % 13 <> 0 THEN 200 WHEN id % 2 = 0 THEN 500 END,
           CASE WHEN id % 13 = 0 AND id % 2 = 1 THEN 'timeout' END,
           created_at, created_at + 40, 'SMS', 'Delivered'
    FROM events;
INSERT INTO delivery_attempts (id, delivery_id, at, duration_ms, status_code, error_code,
        error_message, response_headers, response_body, trigger)
    SELECT id, id, created_at + 5, 35, last_status_code, last_error_code,
           CASE WHEN last_error_code IS NOT NULL THEN 'no answer within 10s' END,
           '{{"content-type":"text/plain"}}', CASE WHEN last_status_code = 500 THEN 'oops' ELSE 'ok' END,
           'scheduled'
    FROM deliveries;
INSERT INTO delivery_stats_hour (hour, outcome, code, count)
    SELECT created_at / 3600000, status, COALESCE(CAST(last_status_code AS TEXT), last_error_code), COUNT(*)
    FROM deliveries GROUP BY 1, 2, 3;
INSERT INTO delivery_stats_hour (hour, outcome, code, count)
    SELECT at / 3600000, 'attempt', COALESCE(CAST(status_code AS TEXT), error_code), COUNT(*)
    FROM delivery_attempts GROUP BY 1, 3;
INSERT INTO delivery_stats_minute (minute, outcome, code, count)
    SELECT created_at / 60000, status, COALESCE(CAST(last_status_code AS TEXT), last_error_code), COUNT(*)
    FROM deliveries WHERE created_at >= {now} - 2 * 86400000 GROUP BY 1, 2, 3;
INSERT INTO delivery_stats_minute (minute, outcome, code, count)
    SELECT at / 60000, 'attempt', COALESCE(CAST(status_code AS TEXT), error_code), COUNT(*)
    FROM delivery_attempts WHERE at >= {now} - 2 * 86400000 GROUP BY 1, 3;
INSERT INTO failure_stats_hour (hour, webhook_id, code, count)
    SELECT created_at / 3600000, webhook_id, COALESCE(CAST(last_status_code AS TEXT), last_error_code), COUNT(*)
    FROM deliveries WHERE status = 'failed' GROUP BY 1, 2, 3;
INSERT INTO failure_stats_minute (minute, webhook_id, code, count)
    SELECT created_at / 60000, webhook_id, COALESCE(CAST(last_status_code AS TEXT), last_error_code), COUNT(*)
    FROM deliveries WHERE status = 'failed' AND created_at >= {now} - 2 * 86400000 GROUP BY 1, 2, 3;
COMMIT;
ANALYZE;
"#
    )
}

fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

async fn seed(dir: &std::path::Path, webhooks: i64, deliveries: i64) -> Duration {
    use sqlx::ConnectOptions as _;
    let started = Instant::now();
    let mut conn = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(server::db_path(dir))
        .connect()
        .await
        .expect("the seeded database opens");
    sqlx::raw_sql(&seed_sql(now_ms(), webhooks, deliveries))
        .execute(&mut conn)
        .await
        .expect("the seed applies");
    started.elapsed()
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

pub async fn console(ctx: &mut Ctx) -> ScenarioReport {
    let webhooks = ctx.opts.webhooks;
    let deliveries = ctx.opts.deliveries;
    let samples = ctx.opts.samples;
    let dir = ctx.root.join("console");
    std::fs::create_dir_all(dir.join("data")).unwrap();
    server::run_subcommand(&dir, &ctx.ca_file, &["migrate"]);
    let seeded = seed(&dir, webhooks, deliveries).await;
    println!("console: seeded {webhooks} webhooks and {deliveries} deliveries in {seeded:.1?}");
    let opts = Options {
        admin: true,
        api_key: false,
        ..Options::default()
    };
    let server = Server::start(&dir, &ctx.ca_file, &opts);

    let http = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let login = http
        .post(format!("{}/auth/login", server.base))
        .header("origin", &server.base)
        .form(&[
            ("email", ADMIN_EMAIL),
            ("password", ADMIN_PASSWORD),
            ("next", "/"),
        ])
        .send()
        .await
        .expect("sign-in answers");
    assert_eq!(
        login.status().as_u16(),
        303,
        "sign-in: {}",
        login.text().await.unwrap()
    );

    // A failed delivery (every 13th), near the newest.
    let failed_id = (deliveries / 13) * 13;
    let pages: Vec<(&str, String)> = vec![
        ("/assets/integrations", "/assets/integrations".into()),
        (
            "/assets/integrations?q= (one match)",
            "/assets/integrations?q=Webhook%2009999".into(),
        ),
        ("/monitor/deliveries", "/monitor/deliveries".into()),
        (
            "/monitor/deliveries?status=failed",
            "/monitor/deliveries?status=failed".into(),
        ),
        (
            "/monitor/deliveries?channel=Voice (no match)",
            "/monitor/deliveries?channel=Voice".into(),
        ),
        (
            "/monitor/deliveries/{id}",
            format!("/monitor/deliveries/{failed_id}"),
        ),
        (
            "/monitor/dashboard?period=30d",
            "/monitor/dashboard?period=30d".into(),
        ),
    ];
    let mut runs = Vec::new();
    for r in 0..ctx.opts.runs {
        let mut run = Run::default();
        for (label, path) in &pages {
            let url = format!("{}{path}", server.base);
            let mut times = Vec::with_capacity(samples);
            let mut size = 0usize;
            let mut status = 0u16;
            for i in 0..samples + 3 {
                let t = Instant::now();
                let res = http.get(&url).send().await.expect("the page answers");
                status = res.status().as_u16();
                let body = res.bytes().await.unwrap();
                let ms = t.elapsed().as_secs_f64() * 1e3;
                size = body.len();
                if i >= 3 {
                    times.push(ms);
                }
                if status != 200 {
                    break;
                }
            }
            if status != 200 {
                run.notes
                    .push(format!("{label}: status {status}, not measured"));
                continue;
            }
            times.sort_by(|a, b| a.partial_cmp(b).unwrap());
            run.figures.push(fig(
                format!("{label} p50"),
                "ms",
                percentile(&times, 50.0),
                None,
            ));
            run.figures.push(fig(
                format!("{label} p99"),
                "ms",
                percentile(&times, 99.0),
                Some(Goal::AtMost(30.0)),
            ));
            run.figures.push(fig(
                format!("{label} size"),
                "KB",
                size as f64 / 1000.0,
                Some(Goal::AtMost(200.0)),
            ));
        }
        println!("console run {} done", r + 1);
        runs.push(run);
    }
    drop(server);
    ScenarioReport {
        name: "console".into(),
        setup: format!(
            "{webhooks} webhooks, {deliveries} deliveries (1 attempt each, 1 in 13 failed) over \
             30 days, seeded with SQL in {seeded:.0?}; signed in; {samples} sequential GETs per \
             page after 3 warm-ups, timed at the client on loopback (server time + loopback), \
             uncompressed HTML"
        ),
        runs,
    }
}
