//! `instances`: deliveries/s of one and of three instances sharing one PostgreSQL database
//! (SPEC §9), the ingest spread round robin over the instances as a load balancer would, every
//! instance dispatching. Each count of instances gets a fresh database on the server of
//! `BENCH_POSTGRES_URL` (default `postgres://postgres@127.0.0.1:5432/postgres`), dropped after.

use std::time::Duration;

use bytes::Bytes;
use sqlx::Connection as _;

use crate::load::{self, Api};
use crate::receiver::unix_nanos;
use crate::report::{fig, Ledger, Run, ScenarioReport};
use crate::scenarios::{add, mark, settle, Ctx};
use crate::server::{Options, Server};

const DEFAULT_SERVER: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// A `wc_bench_<random>` database, dropped by [`BenchDb::drop_now`].
struct BenchDb {
    server: String,
    name: String,
    url: String,
}

impl BenchDb {
    async fn create() -> BenchDb {
        let server = std::env::var("BENCH_POSTGRES_URL").unwrap_or_else(|_| DEFAULT_SERVER.into());
        let name = format!("wc_bench_{:016x}", rand::random::<u64>());
        let mut conn = sqlx::PgConnection::connect(&server)
            .await
            .unwrap_or_else(|e| {
                eprintln!("bench: the instances scenario needs PostgreSQL at {server}: {e}");
                std::process::exit(2)
            });
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&mut conn)
            .await
            .unwrap();
        let _ = conn.close().await;
        let base = server.rsplit_once('/').map_or(server.as_str(), |(b, _)| b);
        let url = format!("{base}/{name}");
        BenchDb { server, name, url }
    }

    async fn drop_now(self) {
        if let Ok(mut conn) = sqlx::PgConnection::connect(&self.server).await {
            let _ = sqlx::query(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ))
            .execute(&mut conn)
            .await;
            let _ = conn.close().await;
        }
    }
}

/// One measurement: `k` instances, `n` signed deliveries; the ledger and deliveries/s.
async fn measure(ctx: &mut Ctx, k: usize, n: usize, prefix: &str) -> (Ledger, f64) {
    let db = BenchDb::create().await;
    let dir = ctx.run_dir(&format!("instances{k}"));
    // One folder: the instances share its key file, as they must share one in production.
    let servers: Vec<Server> = (0..k)
        .map(|i| {
            let opts = Options {
                max_in_flight: ctx.opts.max_in_flight,
                database_url: Some(db.url.clone()),
                api_key: i == 0,
                instance: i,
                ..Options::default()
            };
            Server::start(&dir, &ctx.ca_file, &opts)
        })
        .collect();
    let key = servers[0].key.clone();
    let apis: Vec<Api> = servers.iter().map(|s| Api::new(&s.base, &key)).collect();
    let (svc, hook) = apis[0]
        .signed_webhook("Instances", &ctx.rx.url("/hook"))
        .await;
    let before = mark(ctx, &apis[0], "/hook", &hook).await;
    let mut shares: Vec<Vec<Bytes>> = vec![Vec::new(); k];
    for (i, body) in load::batches(&svc, prefix, n, ctx.opts.batch)
        .into_iter()
        .enumerate()
    {
        shares[i % k].push(body);
    }
    let t0 = unix_nanos();
    let ingested = futures::future::join_all(
        apis.iter()
            .zip(shares)
            .map(|(api, b)| load::ingest(api, b, 2)),
    )
    .await;
    let deliveries = ingested.iter().map(|i| i.deliveries).sum();
    let (ledger, _, last) = settle(
        ctx,
        &apis[0],
        &servers[0],
        "/hook",
        &hook,
        before,
        deliveries,
        Duration::from_secs(300),
    )
    .await;
    let rate = ledger.received as f64 / (last.saturating_sub(t0) as f64 / 1e9);
    drop(servers);
    db.drop_now().await;
    (ledger, rate)
}

pub async fn instances(ctx: &mut Ctx) -> ScenarioReport {
    let n = ctx.opts.events.unwrap_or(20_000);
    let mut runs = Vec::new();
    for r in 0..ctx.opts.runs {
        let (one_ledger, one) = measure(ctx, 1, n, &format!("i{r}a")).await;
        let (three_ledger, three) = measure(ctx, 3, n, &format!("i{r}b")).await;
        let mut ledger = one_ledger;
        add(&mut ledger, &three_ledger);
        println!("instances run {}: 1 → {one:.0}/s, 3 → {three:.0}/s", r + 1);
        runs.push(Run {
            figures: vec![
                fig("deliveries/s, 1 instance", "1/s", one, None),
                fig("deliveries/s, 3 instances", "1/s", three, None),
                fig("3 instances ÷ 1", "", three / one, None),
            ],
            ledger: Some(ledger),
            notes: vec![],
        });
    }
    ScenarioReport {
        name: "instances".into(),
        setup: format!(
            "{n} events per count of instances, fan-out 1, 1 KiB payloads, HMAC-SHA256, batches \
             of {} spread round robin (2 in parallel per instance), --max-in-flight {} each, one \
             PostgreSQL database on this machine",
            ctx.opts.batch, ctx.opts.max_in_flight
        ),
        runs,
    }
}
