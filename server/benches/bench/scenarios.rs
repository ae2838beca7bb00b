//! The scenarios. Each run starts the real binary on a fresh database (server.rs), drives it only
//! through its HTTP API (load.rs), waits for the receiver to see every accepted event, and keeps
//! the ledger: accepted = received + failed, else the run is VOID (report.rs).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::load::{self, Api};
use crate::receiver::{unix_nanos, Receiver};
use crate::report::{fig, Goal, Ledger, Run, ScenarioReport};
use crate::server::{self, Options, Server};
use crate::Opts;

/// What every scenario shares: a scratch root, the receiver's CA, the receiver process.
pub struct Ctx {
    pub root: PathBuf,
    pub ca_file: PathBuf,
    pub ca_pem: Vec<u8>,
    pub rx: Receiver,
    pub opts: Opts,
    runs_made: usize,
}

impl Ctx {
    pub fn new(root: PathBuf, opts: Opts) -> Ctx {
        let ca_file = crate::receiver::write_certificates(&root);
        let ca_pem = std::fs::read(&ca_file).unwrap();
        let rx = Receiver::spawn(&root);
        Ctx {
            root,
            ca_file,
            ca_pem,
            rx,
            opts,
            runs_made: 0,
        }
    }

    /// A fresh directory for one server (its database, key and log).
    pub fn run_dir(&mut self, name: &str) -> PathBuf {
        self.runs_made += 1;
        let dir = self.root.join(format!("{name}-{}", self.runs_made));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn start(&mut self, name: &str, opts: &Options) -> (Server, PathBuf) {
        let dir = self.run_dir(name);
        let server = Server::start(&dir, &self.ca_file, opts);
        (server, dir)
    }
}

/// Receiver counts for one path before a phase, so a phase's ledger counts only its own events.
#[derive(Clone, Copy, Default)]
pub struct Mark {
    distinct: u64,
    signed: u64,
    bad: u64,
    failed: usize,
}

pub async fn mark(ctx: &Ctx, api: &Api, path: &str, hook: &str) -> Mark {
    let s = ctx.rx.path_stats(path).await;
    Mark {
        distinct: s.distinct,
        signed: s.signed_ok,
        bad: s.bad_signature,
        failed: api.count(hook, "failed").await,
    }
}

/// Waits until the receiver has seen `accepted` new distinct events on `path` (or nothing new
/// arrived for [`STALL`], or `limit` passed), then reads the server's failed and pending counts.
/// Returns the ledger, the server's CPU when the wait ended, and the last arrival (unix nanos).
#[allow(clippy::too_many_arguments)] // the scenario's context, then what this phase varies
pub async fn settle(
    ctx: &Ctx,
    api: &Api,
    server: &Server,
    path: &str,
    hook: &str,
    before: Mark,
    accepted: usize,
    limit: Duration,
) -> (Ledger, u64, u64) {
    let started = Instant::now();
    let mut last_seen = (0u64, Instant::now());
    let stats = loop {
        let s = ctx.rx.path_stats(path).await;
        let got = (s.distinct - before.distinct) as usize;
        if got >= accepted || started.elapsed() > limit {
            break s;
        }
        if s.distinct != last_seen.0 {
            last_seen = (s.distinct, Instant::now());
        } else if last_seen.1.elapsed() > STALL {
            break s;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    };
    let cpu = server.cpu_micros();
    let received = (stats.distinct - before.distinct) as usize;
    let (failed, pending) = if received >= accepted {
        (api.count(hook, "failed").await - before.failed, 0)
    } else {
        (
            api.count(hook, "failed").await - before.failed,
            api.count(hook, "pending").await,
        )
    };
    let ledger = Ledger {
        accepted,
        received,
        failed,
        pending,
        duplicates: (stats.signed_ok - before.signed) - (stats.distinct - before.distinct),
        bad_signatures: stats.bad_signature - before.bad,
    };
    (ledger, cpu, stats.last_ns)
}

/// How long nothing may arrive before a run stops waiting: longer than the 10 s request timeout,
/// so an endpoint stuck behind timed-out attempts is still measured, not given up on.
const STALL: Duration = Duration::from_secs(15);

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// Latencies in ms from each event's scheduled send time to its first arrival.
fn latencies(scheduled: &[(String, u64)], arrivals: &HashMap<String, u64>) -> Vec<f64> {
    let mut v: Vec<f64> = scheduled
        .iter()
        .filter_map(|(id, at)| arrivals.get(id).map(|a| (*a as f64 - *at as f64) / 1e6))
        .collect();
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v
}

pub fn add(total: &mut Ledger, l: &Ledger) {
    total.accepted += l.accepted;
    total.received += l.received;
    total.failed += l.failed;
    total.pending += l.pending;
    total.duplicates += l.duplicates;
    total.bad_signatures += l.bad_signatures;
}

/// `perf record` on the server while a phase runs, when `--perf FILE` is given.
struct Perf(Option<std::process::Child>);

impl Perf {
    fn start(file: &Option<PathBuf>, pid: u32) -> Perf {
        let Some(file) = file else { return Perf(None) };
        let child = std::process::Command::new("perf")
            .args(["record", "-F", "997", "--call-graph", "dwarf,16384", "-p"])
            .arg(pid.to_string())
            .arg("-o")
            .arg(file)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .ok();
        std::thread::sleep(Duration::from_millis(300));
        Perf(child)
    }

    fn stop(mut self) {
        if let Some(mut c) = self.0.take() {
            // SAFETY: signalling our own child.
            #[allow(unsafe_code)]
            unsafe {
                libc::kill(c.id() as i32, libc::SIGINT)
            };
            let _ = c.wait();
        }
    }
}

// ------------------------------------------------------------------------------------------

/// Throughput from batched HTTP ingest to receipt, and the bare client's ceiling, same run.
pub async fn dispatch(ctx: &mut Ctx) -> ScenarioReport {
    let n = ctx.opts.events.unwrap_or(50_000);
    let c = ctx.opts.max_in_flight;
    let batch = ctx.opts.batch;
    let mut runs = Vec::new();
    for r in 0..ctx.opts.runs {
        let opts = Options {
            max_in_flight: c,
            ..Options::default()
        };
        let (server, _dir) = ctx.start("dispatch", &opts);
        let api = Api::new(&server.base, &server.key);
        let (svc, hook) = api.signed_webhook("Dispatch", &ctx.rx.url("/hook")).await;
        let before = mark(ctx, &api, "/hook", &hook).await;
        let bodies = load::batches(&svc, &format!("d{r}"), n, batch);
        let perf = if r == 0 {
            Perf::start(&ctx.opts.perf, server.pid())
        } else {
            Perf(None)
        };
        let cpu0 = server.cpu_micros();
        let t0 = unix_nanos();
        let ingested = load::ingest(&api, bodies, 2).await;
        let (ledger, cpu1, last) = settle(
            ctx,
            &api,
            &server,
            "/hook",
            &hook,
            before,
            ingested.deliveries,
            Duration::from_secs(300),
        )
        .await;
        perf.stop();
        let secs = (last.saturating_sub(t0)) as f64 / 1e9;
        let rate = ledger.received as f64 / secs;
        drop(server);

        let (bare_ok, bare_el) = load::bare(&ctx.ca_pem, &ctx.rx.url("/bare"), n, c).await;
        let bare_rate = bare_ok as f64 / bare_el.as_secs_f64();
        let mut run = Run {
            figures: vec![
                fig(
                    "deliveries/s, HTTP ingest → receipt",
                    "1/s",
                    rate,
                    Some(Goal::AtLeast(25_000.0)),
                ),
                fig("bare client POST/s, same receiver", "1/s", bare_rate, None),
                fig(
                    "ratio to the bare ceiling",
                    "",
                    rate / bare_rate,
                    Some(Goal::AtLeast(0.45)),
                ),
                fig(
                    "server CPU per delivery (ingest included)",
                    "µs",
                    (cpu1 - cpu0) as f64 / ledger.received.max(1) as f64,
                    Some(Goal::AtMost(40.0)),
                ),
                fig(
                    "ingest wall time per event (beside dispatch)",
                    "µs",
                    ingested.elapsed.as_secs_f64() * 1e6 / ingested.accepted.max(1) as f64,
                    None,
                ),
            ],
            ledger: Some(ledger),
            notes: vec![],
        };
        if bare_ok != n {
            run.notes
                .push(format!("bare client: {bare_ok} of {n} answered 200"));
        }
        println!(
            "dispatch run {}: {:.0}/s vs bare {:.0}/s",
            r + 1,
            rate,
            bare_rate
        );
        runs.push(run);
    }
    ScenarioReport {
        name: "dispatch".into(),
        setup: format!(
            "{n} events, fan-out 1, 1 KiB payloads, HMAC-SHA256, batches of {batch} (2 in parallel), \
             --max-in-flight {c}, bare client with {c} in flight"
        ),
        runs,
    }
}

/// One paced phase: `rate` events/s for `seconds` to `svc`; figures p50/p99/max (ms) and its
/// ledger.
#[allow(clippy::too_many_arguments)] // the scenario's context, then what this phase varies
async fn paced_phase(
    ctx: &Ctx,
    api: &Api,
    server: &Server,
    svc: &str,
    hook: &str,
    prefix: &str,
    rate: f64,
    seconds: f64,
) -> (Vec<f64>, Ledger) {
    let before = mark(ctx, api, "/hook", hook).await;
    let window = Duration::from_millis(2);
    let (ingested, scheduled) = load::paced(api, svc, prefix, rate, seconds, window).await;
    let (ledger, _, _) = settle(
        ctx,
        api,
        server,
        "/hook",
        hook,
        before,
        ingested.deliveries,
        Duration::from_secs(120),
    )
    .await;
    let arrivals = ctx.rx.arrivals("/hook").await;
    (latencies(&scheduled, &arrivals), ledger)
}

/// Ingest → receipt latency at fixed offered rates, from each event's scheduled send time.
pub async fn latency(ctx: &mut Ctx) -> ScenarioReport {
    let seconds = ctx.opts.seconds;
    let rates = ctx.opts.rates.clone();
    let mut runs = Vec::new();
    for r in 0..ctx.opts.runs {
        let opts = Options {
            max_in_flight: ctx.opts.max_in_flight,
            ..Options::default()
        };
        let (server, _dir) = ctx.start("latency", &opts);
        let api = Api::new(&server.base, &server.key);
        let (svc, hook) = api.signed_webhook("Latency", &ctx.rx.url("/hook")).await;
        let mut run = Run::default();
        let mut total = Ledger::default();
        for rate in &rates {
            let prefix = format!("l{r}-{rate}");
            let (lat, ledger) =
                paced_phase(ctx, &api, &server, &svc, &hook, &prefix, *rate, seconds).await;
            add(&mut total, &ledger);
            let goal = (*rate >= 5000.0).then_some(Goal::AtMost(20.0));
            let r0 = crate::report::num(*rate);
            run.figures.push(fig(
                format!("{r0}/s p50"),
                "ms",
                percentile(&lat, 50.0),
                None,
            ));
            run.figures.push(fig(
                format!("{r0}/s p99"),
                "ms",
                percentile(&lat, 99.0),
                goal,
            ));
            run.figures.push(fig(
                format!("{r0}/s max"),
                "ms",
                percentile(&lat, 100.0),
                None,
            ));
            println!(
                "latency run {} at {r0}/s: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
                r + 1,
                percentile(&lat, 50.0),
                percentile(&lat, 99.0),
                percentile(&lat, 100.0)
            );
        }
        run.ledger = Some(total);
        runs.push(run);
    }
    ScenarioReport {
        name: "latency".into(),
        setup: format!(
            "offered rates {:?} events/s for {seconds} s each, open loop, a batch every 2 ms, \
             1 KiB signed, --max-in-flight {}",
            rates, ctx.opts.max_in_flight
        ),
        runs,
    }
}

/// A fast endpoint's latency alone, and beside a slow (3 s) and a hanging endpoint with
/// 10,000 deliveries queued each.
pub async fn isolation(ctx: &mut Ctx) -> ScenarioReport {
    let seconds = ctx.opts.seconds;
    let rate = ctx.opts.isolation_rate;
    let backlog = ctx.opts.backlog;
    let mut runs = Vec::new();
    for r in 0..ctx.opts.runs {
        let (server, _dir) = ctx.start("isolation", &Options::default());
        let api = Api::new(&server.base, &server.key);
        ctx.rx.reset().await;
        let (fast_svc, fast) = api.signed_webhook("Fast", &ctx.rx.url("/hook")).await;
        let (slow_svc, slow) = api.signed_webhook("Slow", &ctx.rx.url("/slow")).await;
        let (hang_svc, _hang) = api.signed_webhook("Hang", &ctx.rx.url("/hang")).await;
        let mut total = Ledger::default();

        let (alone, l1) = paced_phase(
            ctx,
            &api,
            &server,
            &fast_svc,
            &fast,
            &format!("ia{r}"),
            rate,
            seconds,
        )
        .await;
        add(&mut total, &l1);

        let slow_before = ctx.rx.path_stats("/slow").await.signed_ok;
        let mut queued = 0;
        for (svc, p) in [(&slow_svc, "s"), (&hang_svc, "h")] {
            let bodies = load::batches(svc, &format!("i{p}{r}"), backlog, 500);
            queued += load::ingest(&api, bodies, 2).await.deliveries;
        }
        // Let the slow and hanging deliveries take the slots they can get.
        tokio::time::sleep(Duration::from_secs(2)).await;
        let (beside, l2) = paced_phase(
            ctx,
            &api,
            &server,
            &fast_svc,
            &fast,
            &format!("ib{r}"),
            rate,
            seconds,
        )
        .await;
        add(&mut total, &l2);
        let slow_done = ctx.rx.path_stats("/slow").await.signed_ok - slow_before;
        let slow_pending = api.count(&slow, "pending").await;

        let (a99, b99) = (percentile(&alone, 99.0), percentile(&beside, 99.0));
        let run = Run {
            figures: vec![
                fig("fast alone p50", "ms", percentile(&alone, 50.0), None),
                fig("fast alone p99", "ms", a99, None),
                fig(
                    "fast beside the backlog p50",
                    "ms",
                    percentile(&beside, 50.0),
                    None,
                ),
                fig("fast beside the backlog p99", "ms", b99, None),
                fig(
                    "fast beside the backlog max",
                    "ms",
                    percentile(&beside, 100.0),
                    None,
                ),
                fig(
                    "p99 beside ÷ p99 alone",
                    "",
                    b99 / a99,
                    Some(Goal::AtMost(2.0)),
                ),
            ],
            ledger: Some(total),
            notes: vec![format!(
                "backlog: {queued} queued (slow + hanging); slow answered {slow_done} during the \
                 phase, {slow_pending} slow still pending at the end"
            )],
        };
        println!(
            "isolation run {}: p99 alone {a99:.1} ms, beside {b99:.1} ms",
            r + 1
        );
        runs.push(run);
        ctx.rx.reset().await;
    }
    ScenarioReport {
        name: "isolation".into(),
        setup: format!(
            "fast endpoint at {rate} events/s for {seconds} s, alone and then beside {backlog} \
             queued to a 3 s endpoint and {backlog} to one that never answers (--request-timeout \
             10s), --max-in-flight 128; ledger counts the fast endpoint"
        ),
        runs,
    }
}

fn file_size(p: &Path) -> u64 {
    std::fs::metadata(p).map(|m| m.len()).unwrap_or(0)
}

/// Ingest-only rate, peak RSS at --max-in-flight 256, start-up, binary and WASM sizes.
pub async fn footprint(ctx: &mut Ctx) -> ScenarioReport {
    let n = ctx.opts.events.unwrap_or(20_000);
    let mut runs = Vec::new();
    for r in 0..ctx.opts.runs {
        // Start-up on a database that does not exist yet (migrations included).
        let first = {
            let opts = Options {
                api_key: false,
                ..Options::default()
            };
            let (s, _) = ctx.start("footprint-first", &opts);
            s.startup
        };
        let opts = Options {
            max_in_flight: 256,
            request_timeout: "60s",
            ..Options::default()
        };
        let (server, _dir) = ctx.start("footprint", &opts);
        let api = Api::new(&server.base, &server.key);
        ctx.rx.reset().await;
        let (svc, hook) = api.signed_webhook("Footprint", &ctx.rx.url("/hook")).await;
        let (park_svc, _) = api.signed_webhook("Parked", &ctx.rx.url("/hang")).await;
        let before = mark(ctx, &api, "/hook", &hook).await;
        let ingested = load::ingest(&api, load::batches(&svc, &format!("f{r}"), n, 500), 2).await;
        let (ledger, _, _) = settle(
            ctx,
            &api,
            &server,
            "/hook",
            &hook,
            before,
            ingested.deliveries,
            Duration::from_secs(120),
        )
        .await;
        // Ingest only: the dispatcher holds its slots on an endpoint that never answers.
        let parked =
            load::ingest(&api, load::batches(&park_svc, &format!("p{r}"), n, 500), 2).await;
        let ingest_rate = parked.accepted as f64 / parked.elapsed.as_secs_f64();
        let hwm = server.status_kib("VmHWM") as f64 / 1024.0;
        let startup = server.startup.as_secs_f64() * 1e3;
        drop(server);
        ctx.rx.reset().await;

        let bin = server::binary();
        let stripped = ctx.root.join("stripped");
        std::fs::copy(&bin, &stripped).unwrap();
        let _ = std::process::Command::new("strip").arg(&stripped).status();
        let pkg = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/site/pkg");
        let mut wasm = 0;
        let mut wasm_br = 0;
        for e in std::fs::read_dir(&pkg).into_iter().flatten().flatten() {
            let name = e.file_name().to_string_lossy().to_string();
            if name.ends_with(".wasm") {
                wasm += file_size(&e.path());
            } else if name.ends_with(".wasm.br") {
                wasm_br += file_size(&e.path());
            }
        }
        let mb = |b: u64| b as f64 / 1_048_576.0;
        let mut figures = vec![
            fig(
                "ingest-only events/s (batches of 500)",
                "1/s",
                ingest_rate,
                None,
            ),
            fig(
                "peak RSS (VmHWM), --max-in-flight 256",
                "MiB",
                hwm,
                Some(Goal::AtMost(60.0)),
            ),
            fig(
                "start-up, spawn → /healthz 200",
                "ms",
                startup,
                Some(Goal::AtMost(300.0)),
            ),
            fig(
                "start-up on a new database (migrations)",
                "ms",
                first.as_secs_f64() * 1e3,
                None,
            ),
            fig("binary, stripped", "MiB", mb(file_size(&stripped)), None),
            fig("binary, as built", "MiB", mb(file_size(&bin)), None),
        ];
        if wasm > 0 {
            figures.push(fig(
                "WASM (target/site/pkg)",
                "KiB",
                wasm as f64 / 1024.0,
                None,
            ));
        }
        if wasm_br > 0 {
            figures.push(fig("WASM, brotli", "KiB", wasm_br as f64 / 1024.0, None));
        }
        println!(
            "footprint run {}: RSS {hwm:.1} MiB, ingest {ingest_rate:.0}/s",
            r + 1
        );
        runs.push(Run {
            figures,
            ledger: Some(ledger),
            notes: vec![],
        });
    }
    ScenarioReport {
        name: "footprint".into(),
        setup: format!(
            "{n} deliveries at --max-in-flight 256 (the ledger), then {n} events ingested while \
             the dispatcher is parked on an endpoint that never answers"
        ),
        runs,
    }
}

pub use crate::console::console;
