//! Peer processes (Python, Node) started by the tests on 127.0.0.1, killed when dropped.
//!
//! Each peer prints `READY <port>` on stdout once it listens (it binds port 0 itself, so no
//! port race), then JSON lines describing what it saw; gunicorn, which cannot print that, is
//! polled with TCP connects instead. A missing interpreter fails the test with a clear message.
//! Each peer runs in a process group of its own, and the whole group is killed on drop: gunicorn
//! forks workers that would otherwise outlive their master.

use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub fn python() -> PathBuf {
    let path = std::env::var_os("WEBHOOKS_TEST_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            let home = std::env::var_os("HOME").expect("HOME is set");
            PathBuf::from(home).join(".cache/webhooks-console/venv/bin/python")
        });
    assert!(
        path.exists(),
        "the Python test peer venv is missing at {} (set WEBHOOKS_TEST_PYTHON or run scripts/setup.sh)",
        path.display()
    );
    path
}

/// `server/tests/peers/<name>`.
pub fn peer_script(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/peers")
        .join(name)
}

pub struct Peer {
    child: Child,
    pub port: u16,
    lines: Arc<Mutex<Vec<String>>>,
}

impl Peer {
    /// Starts `command` and waits (bounded) for its `READY <port>` line.
    pub fn start(mut command: Command, what: &str) -> Peer {
        let mut child = command
            .process_group(0)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("could not start the {what} peer: {e}"));
        let stdout = child.stdout.take().expect("piped stdout");
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let lines = Arc::new(Mutex::new(Vec::new()));
        let sink = lines.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(port) = line.strip_prefix("READY ") {
                    let _ = ready_tx.send(port.trim().parse::<u16>().ok());
                } else {
                    sink.lock().unwrap().push(line);
                }
            }
        });
        let port = match ready_rx.recv_timeout(Duration::from_secs(30)) {
            Ok(Some(port)) => port,
            other => {
                kill_group(&mut child);
                panic!("the {what} peer did not become ready: {other:?}");
            }
        };
        Peer { child, port, lines }
    }

    /// A process that listens on `port` without announcing it: polls until it accepts.
    pub fn start_polling(mut command: Command, port: u16, what: &str) -> Peer {
        let mut child = command
            .process_group(0)
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("could not start the {what} peer: {e}"));
        let deadline = Instant::now() + Duration::from_secs(30);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Ok(Some(status)) = child.try_wait() {
                panic!("the {what} peer exited early: {status}");
            }
            if Instant::now() > deadline {
                kill_group(&mut child);
                panic!("the {what} peer did not listen within 30s");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Peer {
            child,
            port,
            lines: Arc::new(Mutex::new(Vec::new())),
        }
    }

    /// The JSON lines printed so far.
    pub fn events(&self) -> Vec<serde_json::Value> {
        self.lines
            .lock()
            .unwrap()
            .iter()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect()
    }

    /// Waits (bounded, tiny polls) until `count` events matching `pred` were printed.
    pub fn wait_events(
        &self,
        count: usize,
        pred: impl Fn(&serde_json::Value) -> bool,
    ) -> Vec<serde_json::Value> {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let found: Vec<_> = self.events().into_iter().filter(|e| pred(e)).collect();
            if found.len() >= count || Instant::now() > deadline {
                return found;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Peer {
    fn drop(&mut self) {
        kill_group(&mut self.child);
    }
}

/// Kills the child's whole process group (its id is the child's pid, by `process_group(0)`), so
/// forked workers go too, then reaps the child.
fn kill_group(child: &mut Child) {
    let _ = Command::new("kill")
        .args(["-KILL", "--", &format!("-{}", child.id())])
        .status();
    let _ = child.kill();
    let _ = child.wait();
}

/// A free loopback port (bound, then released) for peers that cannot bind port 0 themselves.
pub fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("addr").port()
}
