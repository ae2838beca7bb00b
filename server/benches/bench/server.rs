//! The server under test: the real release binary, `target/release/webhooks-console`, on a fresh
//! SQLite database in a temp dir, trusting the receiver's CA, with the SSRF guard off (every peer
//! is on loopback), and an API key made by its own `api-key create` subcommand.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The binary under test (`BENCH_BINARY` overrides).
pub fn binary() -> PathBuf {
    if let Ok(p) = std::env::var("BENCH_BINARY") {
        return PathBuf::from(p);
    }
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/release/webhooks-console");
    p.canonicalize().unwrap_or(p)
}

pub const ADMIN_EMAIL: &str = "bench@example.com";
pub const ADMIN_PASSWORD: &str = "bench password 1234";

#[derive(Debug, Clone)]
pub struct Options {
    pub max_in_flight: usize,
    pub request_timeout: &'static str,
    pub retry_schedule: &'static str,
    /// Create the admin (`--admin-email/--admin-password`).
    pub admin: bool,
    /// Run `api-key create` first (it also applies the migrations).
    pub api_key: bool,
    /// Another database than the run folder's SQLite file (instances: one PostgreSQL database).
    pub database_url: Option<String>,
    /// Which instance of the run folder this is: 0 logs to `server.log`, n to `server-n.log`.
    pub instance: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            max_in_flight: 128,
            request_timeout: "10s",
            retry_schedule: "60s,60s,60s",
            admin: false,
            api_key: true,
            database_url: None,
            instance: 0,
        }
    }
}

pub struct Server {
    child: Child,
    pub base: String,
    pub key: String,
    /// Spawn → first `/healthz` 200.
    pub startup: Duration,
}

fn common(dir: &Path, ca_file: &Path, database_url: Option<&str>) -> Vec<String> {
    vec![
        "--database-url".into(),
        database_url.map_or_else(|| db_url(dir), str::to_owned),
        "--secret-key-file".into(),
        dir.join("secret.key").display().to_string(),
        "--extra-ca-file".into(),
        ca_file.display().to_string(),
        "--allow-private-destinations".into(),
        "--log".into(),
        "warn".into(),
    ]
}

pub fn db_path(dir: &Path) -> PathBuf {
    dir.join("data/bench.db")
}

pub fn db_url(dir: &Path) -> String {
    format!("sqlite://{}", db_path(dir).display())
}

/// Runs a subcommand of the binary to completion; its stdout.
pub fn run_subcommand(dir: &Path, ca_file: &Path, args: &[&str]) -> String {
    run_subcommand_on(dir, ca_file, None, args)
}

/// Like [`run_subcommand`], on `database_url` when given.
pub fn run_subcommand_on(
    dir: &Path,
    ca_file: &Path,
    database_url: Option<&str>,
    args: &[&str],
) -> String {
    let out = Command::new(binary())
        .args(args)
        .args(common(dir, ca_file, database_url))
        .env_clear()
        .output()
        .expect("the binary runs");
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// One blocking `GET /healthz`; true on a 200.
fn healthy(port: u16) -> bool {
    use std::io::{Read, Write};
    let Ok(mut s) = std::net::TcpStream::connect(("127.0.0.1", port)) else {
        return false;
    };
    let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
    if s.write_all(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        .is_err()
    {
        return false;
    }
    let mut buf = [0u8; 16];
    matches!(s.read(&mut buf), Ok(n) if n >= 12 && &buf[9..12] == b"200")
}

impl Server {
    pub fn start(dir: &Path, ca_file: &Path, opts: &Options) -> Server {
        std::fs::create_dir_all(dir.join("data")).unwrap();
        let db = opts.database_url.as_deref();
        let key = if opts.api_key {
            run_subcommand_on(dir, ca_file, db, &["api-key", "create", "--name", "bench"])
        } else {
            String::new()
        };
        let port = free_port();
        let log_name = match opts.instance {
            0 => "server.log".to_owned(),
            n => format!("server-{n}.log"),
        };
        let log = std::fs::File::create(dir.join(&log_name)).unwrap();
        let mut cmd = Command::new(binary());
        cmd.arg("serve")
            .args(common(dir, ca_file, db))
            .args(["--listen", &format!("127.0.0.1:{port}")])
            .args(["--max-in-flight", &opts.max_in_flight.to_string()])
            .args(["--request-timeout", opts.request_timeout])
            .args(["--retry-schedule", opts.retry_schedule]);
        if opts.admin {
            cmd.args([
                "--admin-email",
                ADMIN_EMAIL,
                "--admin-password",
                ADMIN_PASSWORD,
            ]);
        }
        let started = Instant::now();
        let mut child = cmd
            .env_clear()
            // glibc's allocator tunables (`MALLOC_ARENA_MAX=2`, …) reach the server, so their
            // effect on the footprint can be measured (BENCHMARKS.md §footprint).
            .envs(std::env::vars().filter(|(k, _)| k.starts_with("MALLOC_")))
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("the server starts");
        let deadline = started + Duration::from_secs(30);
        while !healthy(port) {
            if let Ok(Some(status)) = child.try_wait() {
                let log = std::fs::read_to_string(dir.join(&log_name)).unwrap_or_default();
                panic!("the server exited ({status}): {log}");
            }
            assert!(Instant::now() < deadline, "the server did not come up");
            std::thread::sleep(Duration::from_millis(1));
        }
        let startup = started.elapsed();
        Server {
            child,
            base: format!("http://127.0.0.1:{port}"),
            key,
            startup,
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// utime + stime of the server process so far, in microseconds.
    pub fn cpu_micros(&self) -> u64 {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.pid())).unwrap();
        // Fields after the `(comm)`: state is field 3, utime 14, stime 15.
        let rest = &stat[stat.rfind(')').unwrap() + 2..];
        let f: Vec<&str> = rest.split_whitespace().collect();
        let ticks: u64 = f[11].parse::<u64>().unwrap() + f[12].parse::<u64>().unwrap();
        // SAFETY: sysconf has no preconditions.
        #[allow(unsafe_code)]
        let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as u64;
        ticks * 1_000_000 / hz
    }

    /// A `/proc/PID/status` figure in KiB (`VmHWM`, `VmRSS`).
    pub fn status_kib(&self, field: &str) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid())).unwrap();
        status
            .lines()
            .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
            .and_then(|v| v.split_whitespace().next()?.parse().ok())
            .unwrap_or(0)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // SAFETY: signalling our own child by its pid.
        #[allow(unsafe_code)]
        unsafe {
            libc::kill(self.child.id() as i32, libc::SIGTERM)
        };
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
