//! The real binary as a child process: exit codes, stderr/stdout discipline, API keys and the
//! setup link it logs.

use std::{
    io::{BufRead, BufReader},
    process::{Child, Command, Stdio},
    time::Duration,
};

const BIN: &str = env!("CARGO_BIN_EXE_webhooks-console");

/// Runs the binary with a clean environment (only the contract's env vars are read anyway).
fn run(args: &[&str], cwd: &std::path::Path) -> std::process::Output {
    Command::new(BIN)
        .args(args)
        .current_dir(cwd)
        .env_clear()
        .output()
        .expect("binary runs")
}

fn assert_one_line_exit_2(out: &std::process::Output) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "stderr: {stderr}");
    assert_eq!(
        stderr.trim_end().lines().count(),
        1,
        "one line expected, got: {stderr:?}"
    );
    assert!(out.stdout.is_empty(), "stdout must stay empty");
    stderr
}

#[test]
fn an_unknown_flag_is_one_line_and_exit_code_2() {
    let dir = tempfile::tempdir().unwrap();
    let line = assert_one_line_exit_2(&run(&["--frobnicate"], dir.path()));
    assert!(line.contains("--frobnicate"), "{line}");
}

#[test]
fn an_unusable_database_is_one_line_and_exit_code_2() {
    let dir = tempfile::tempdir().unwrap();
    // A file where the database folder should be: the folder cannot be created.
    std::fs::write(dir.path().join("blocker"), b"").unwrap();
    for url in ["sqlite://blocker/sub/x.db", "mysql://localhost/db"] {
        let line = assert_one_line_exit_2(&run(&["migrate", "--database-url", url], dir.path()));
        assert!(line.contains("database"), "{line}");
    }
}

#[test]
fn an_address_in_use_is_one_line_and_exit_code_2() {
    let dir = tempfile::tempdir().unwrap();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap().to_string();
    let line = assert_one_line_exit_2(&run(&["serve", "--listen", &addr], dir.path()));
    assert!(line.contains(&addr), "{line}");
}

#[test]
fn help_explains_the_flags_and_exits_0() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(&["--help"], dir.path());
    assert_eq!(out.status.code(), Some(0));
    let help = String::from_utf8_lossy(&out.stdout);
    assert!(
        help.contains("--database-url") && help.contains("DATABASE_URL"),
        "{help}"
    );
}

#[test]
fn migrate_creates_the_default_database_in_the_working_folder() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(&["migrate"], dir.path());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(dir.path().join("data/webhooks.db").is_file());
    assert!(out.stdout.is_empty());
}

/// A served binary; killed on drop.
struct Served {
    child: Child,
    base: String,
    lines: std::sync::mpsc::Receiver<String>,
    /// Every stderr line read so far.
    seen: std::cell::RefCell<Vec<String>>,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(dir: &std::path::Path) -> Served {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let listen = format!("127.0.0.1:{port}");
    let mut child = Command::new(BIN)
        .args(["serve", "--listen", &listen])
        .current_dir(dir)
        .env_clear()
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let stderr = child.stderr.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let served = Served {
        child,
        base: format!("http://{listen}"),
        lines: rx,
        seen: Default::default(),
    };
    served.log_line("serving the console");
    served
}

impl Served {
    /// The first stderr line containing `needle`, waiting for it if need be.
    fn log_line(&self, needle: &str) -> String {
        if let Some(l) = self.seen.borrow().iter().find(|l| l.contains(needle)) {
            return l.clone();
        }
        loop {
            let line = self
                .lines
                .recv_timeout(Duration::from_secs(30))
                .unwrap_or_else(|e| panic!("no log line with {needle:?}: {e}"));
            self.seen.borrow_mut().push(line.clone());
            if line.contains(needle) {
                return line;
            }
        }
    }
}

#[tokio::test]
async fn api_key_create_prints_only_the_key_which_then_opens_the_api() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(&["api-key", "create", "--name", "ci"], dir.path());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let key = stdout.trim_end_matches('\n');
    assert!(
        key.starts_with("whk_") && !key.contains(char::is_whitespace),
        "{stdout:?}"
    );
    assert_eq!(stdout.lines().count(), 1);

    let served = serve(dir.path());
    let client = reqwest::Client::new();
    let with_key = client
        .get(format!("{}/api/v1/nothing-here", served.base))
        .bearer_auth(key)
        .send()
        .await
        .unwrap();
    assert_eq!(
        with_key.status(),
        404,
        "the key is accepted; the path does not exist"
    );
    assert_eq!(with_key.headers()["content-type"], "application/json");
    let bad_key = client
        .get(format!("{}/api/v1/nothing-here", served.base))
        .bearer_auth("whk_wrong")
        .send()
        .await
        .unwrap();
    assert_eq!(bad_key.status(), 401);
    let no_key = client
        .get(format!("{}/api/v1/nothing-here", served.base))
        .send()
        .await
        .unwrap();
    assert_eq!(no_key.status(), 401);
}

#[tokio::test]
async fn without_users_the_server_logs_a_setup_link_that_works_once() {
    let dir = tempfile::tempdir().unwrap();
    let served = serve(dir.path());
    let link = served.log_line("/setup?token=");
    assert!(
        link.contains(&served.base),
        "the link names the bound address: {link}"
    );
    let token = link
        .split("token=")
        .nth(1)
        .expect("token in link")
        .trim()
        .to_owned();
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let form = [
        ("token", token.as_str()),
        ("email", "first@example.com"),
        ("password", "a long password"),
        ("confirm", "a long password"),
    ];
    let res = client
        .post(format!("{}/auth/setup", served.base))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 303);
    assert_eq!(res.headers()["location"], "/assets/integrations");
    assert!(
        res.headers().get("set-cookie").is_some(),
        "the new admin is signed in"
    );
    // Used once: the same link now sends people to sign in.
    let again = client
        .post(format!("{}/auth/setup", served.base))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(again.headers()["location"], "/login?notice=setup-done");
    let page = client
        .get(format!("{}/setup?token={token}", served.base))
        .send()
        .await
        .unwrap();
    assert_eq!(page.headers()["location"], "/login?notice=setup-done");
}
