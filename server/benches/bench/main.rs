//! `scripts/bench.sh SCENARIO... [options]`: the benchmark of the real binary.
//!
//! Each scenario starts `target/release/webhooks-console` on a fresh SQLite database (server.rs)
//! beside an HTTPS keep-alive receiver in its own process (receiver.rs: this binary run again as
//! `bench receiver DIR`), drives it only through its HTTP API (load.rs), and prints a table of
//! medians over `--runs` runs (report.rs), also as Markdown with `--markdown FILE`. Every run
//! keeps a ledger — events accepted = deliveries received + failed — and a run that does not
//! balance is reported VOID, never as a result.
//!
//! Scenarios (scenarios.rs, console.rs, instances.rs): `dispatch`, `latency`, `isolation`,
//! `footprint`, `console`, or `all`; and `instances` (1 vs 3 instances on PostgreSQL).

mod console;
mod instances;
mod load;
mod receiver;
mod report;
mod scenarios;
mod server;

use std::path::PathBuf;

const USAGE: &str = "\
usage: scripts/bench.sh SCENARIO... [options]
scenarios: dispatch latency isolation footprint console all, and instances (PostgreSQL)
options:
  --runs N            runs per scenario; figures are medians of the balanced ones (3)
  --events N          events per run: dispatch (50000), footprint (20000), instances (20000)
  --max-in-flight N   the server's --max-in-flight, and the bare client's concurrency (128)
  --batch N           events per ingest request (500)
  --seconds S         length of each paced phase: latency, isolation (5)
  --rates A,B,C       latency's offered rates, events/s (500,2000,5000)
  --isolation-rate R  the fast endpoint's offered rate in isolation (1000)
  --backlog N         deliveries queued to each of the slow and hanging endpoints (10000)
  --webhooks N        console: webhooks seeded (10000)
  --deliveries N      console: deliveries seeded (1000000)
  --samples N         console: requests per page per run (100)
  --perf FILE         dispatch: perf record the server during the first run into FILE
  --markdown FILE     also write the tables as Markdown";

#[derive(Debug, Clone)]
pub struct Opts {
    pub scenarios: Vec<String>,
    pub runs: usize,
    pub events: Option<usize>,
    pub max_in_flight: usize,
    pub batch: usize,
    pub seconds: f64,
    pub rates: Vec<f64>,
    pub isolation_rate: f64,
    pub backlog: usize,
    pub webhooks: i64,
    pub deliveries: i64,
    pub samples: usize,
    pub perf: Option<PathBuf>,
    pub markdown: Option<PathBuf>,
}

fn fail(msg: &str) -> ! {
    eprintln!("bench: {msg}\n{USAGE}");
    std::process::exit(2)
}

fn parse(args: &[String]) -> Opts {
    let mut o = Opts {
        scenarios: vec![],
        runs: 3,
        events: None,
        max_in_flight: 128,
        batch: 500,
        seconds: 5.0,
        rates: vec![500.0, 2000.0, 5000.0],
        isolation_rate: 1000.0,
        backlog: 10_000,
        webhooks: 10_000,
        deliveries: 1_000_000,
        samples: 100,
        perf: None,
        markdown: None,
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let mut value = |name: &str| -> String {
            it.next()
                .cloned()
                .unwrap_or_else(|| fail(&format!("{name} needs a value")))
        };
        fn num<T: std::str::FromStr>(name: &str, v: String) -> T {
            v.parse()
                .unwrap_or_else(|_| fail(&format!("{name}: not a number: {v}")))
        }
        match a.as_str() {
            // cargo bench adds this to every harness = false target.
            "--bench" => {}
            "-h" | "--help" => {
                println!("{USAGE}");
                std::process::exit(0)
            }
            "--runs" => o.runs = num(a, value(a)),
            "--events" => o.events = Some(num(a, value(a))),
            "--max-in-flight" => o.max_in_flight = num(a, value(a)),
            "--batch" => o.batch = num(a, value(a)),
            "--seconds" => o.seconds = num(a, value(a)),
            "--rates" => o.rates = value(a).split(',').map(|r| num(a, r.to_owned())).collect(),
            "--isolation-rate" => o.isolation_rate = num(a, value(a)),
            "--backlog" => o.backlog = num(a, value(a)),
            "--webhooks" => o.webhooks = num(a, value(a)),
            "--deliveries" => o.deliveries = num(a, value(a)),
            "--samples" => o.samples = num(a, value(a)),
            "--perf" => o.perf = Some(PathBuf::from(value(a))),
            "--markdown" => o.markdown = Some(PathBuf::from(value(a))),
            "all" => o.scenarios.extend(
                ["dispatch", "latency", "isolation", "footprint", "console"].map(String::from),
            ),
            s @ ("dispatch" | "latency" | "isolation" | "footprint" | "console" | "instances") => {
                o.scenarios.push(s.to_owned())
            }
            other => fail(&format!("unknown argument {other}")),
        }
    }
    if o.scenarios.is_empty() {
        fail("name at least one scenario");
    }
    if o.runs == 0 || o.batch == 0 || o.samples == 0 {
        fail("--runs, --batch and --samples must be at least 1");
    }
    o
}

fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .unwrap_or_default()
        .lines()
        .find_map(|l| {
            l.strip_prefix("model name")?
                .split_once(':')
                .map(|x| x.1.trim().to_owned())
        })
        .unwrap_or_default();
    let mem = std::fs::read_to_string("/proc/meminfo")
        .unwrap_or_default()
        .lines()
        .find_map(|l| {
            l.strip_prefix("MemTotal:")?
                .split_whitespace()
                .next()?
                .parse::<u64>()
                .ok()
        })
        .unwrap_or(0);
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    format!(
        "{cores} cores ({cpu}), {:.1} GiB memory",
        mem as f64 / 1_048_576.0
    )
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("receiver") {
        receiver::run(PathBuf::from(&args[1]));
        return;
    }
    let opts = parse(&args);
    let bin = server::binary();
    if !bin.exists() {
        fail(&format!(
            "{} is missing: build it with scripts/build.sh",
            bin.display()
        ));
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let root = tempfile::Builder::new()
        .prefix("webhooks-bench-")
        .tempdir()
        .unwrap();
    let machine = machine();
    println!("machine: {machine}");
    println!("binary: {}", bin.display());
    let reports = runtime.block_on(async {
        let mut ctx = scenarios::Ctx::new(root.path().to_owned(), opts.clone());
        let mut reports = Vec::new();
        for s in &opts.scenarios {
            let report = match s.as_str() {
                "dispatch" => scenarios::dispatch(&mut ctx).await,
                "latency" => scenarios::latency(&mut ctx).await,
                "isolation" => scenarios::isolation(&mut ctx).await,
                "footprint" => scenarios::footprint(&mut ctx).await,
                "console" => scenarios::console(&mut ctx).await,
                "instances" => instances::instances(&mut ctx).await,
                _ => unreachable!(),
            };
            print!("{}", report::text(&report));
            reports.push(report);
        }
        reports
    });
    if let Some(file) = &opts.markdown {
        let mut md = format!(
            "Machine: {machine}. Command: `scripts/bench.sh {}`.\n\n",
            args.iter()
                .filter(|a| *a != "--bench")
                .cloned()
                .collect::<Vec<_>>()
                .join(" ")
        );
        for r in &reports {
            md.push_str(&report::markdown(r));
        }
        std::fs::write(file, md).unwrap();
        println!("\nMarkdown written to {}", file.display());
    }
    let void = reports.iter().any(|r| r.runs.iter().all(|run| run.void()));
    if void {
        std::process::exit(1);
    }
}
