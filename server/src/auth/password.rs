//! Password hashing with argon2id (the argon2 crate's defaults: 19 MiB, 2 passes).
//!
//! Hashing is deliberately slow, so it runs on a small pool of threads of its own, never on the
//! async worker threads and never on tokio's blocking pool: that pool also runs the outbound
//! DNS lookups, and a flood of sign-ins must not slow deliveries. The queue in front of the
//! pool is bounded: when it is full a check answers [`PasswordError::Busy`] at once instead of
//! queueing without end.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Mutex, OnceLock};

use argon2::{
    password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString},
    Argon2,
};

/// The shortest password accepted for an account.
pub const MIN_LEN: usize = 10;

/// Hashes waiting for a thread, at most; more are refused as busy.
const QUEUE: usize = 32;

#[derive(Debug, thiserror::Error)]
pub enum PasswordError {
    #[error("password hashing failed: {0}")]
    Hash(String),
    #[error("too many password checks are waiting")]
    Busy,
    #[error("the password hashing pool is gone")]
    Gone,
}

type Job = Box<dyn FnOnce() + Send>;

/// The hashing threads: one on a machine of up to three cores, two above.
fn pool() -> &'static SyncSender<Job> {
    static POOL: OnceLock<SyncSender<Job>> = OnceLock::new();
    POOL.get_or_init(|| {
        let threads = std::thread::available_parallelism()
            .map(|n| (n.get() / 2).clamp(1, 2))
            .unwrap_or(1);
        let (tx, rx) = sync_channel::<Job>(QUEUE);
        let rx = Arc::new(Mutex::new(rx));
        for i in 0..threads {
            let rx = rx.clone();
            std::thread::Builder::new()
                .name(format!("password-hash-{i}"))
                .spawn(move || work(&rx))
                .expect("a hashing thread starts");
        }
        tx
    })
}

fn work(rx: &Mutex<Receiver<Job>>) {
    loop {
        let job = match rx.lock().unwrap_or_else(|e| e.into_inner()).recv() {
            Ok(job) => job,
            Err(_) => return,
        };
        // A panicking job loses its answer (its caller sees `Gone`), not the thread.
        let _ = catch_unwind(AssertUnwindSafe(job));
    }
}

/// Runs `f` on the hashing pool and waits for its result without blocking the runtime.
async fn on_pool<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, PasswordError> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    let job: Job = Box::new(move || {
        let _ = tx.send(f());
    });
    pool().try_send(job).map_err(|e| match e {
        TrySendError::Full(_) => PasswordError::Busy,
        TrySendError::Disconnected(_) => PasswordError::Gone,
    })?;
    rx.await.map_err(|_| PasswordError::Gone)
}

/// Hashes `password` into a PHC string (`$argon2id$…`).
pub async fn hash(password: String) -> Result<String, PasswordError> {
    on_pool(move || hash_blocking(&password)).await?
}

fn hash_blocking(password: &str) -> Result<String, PasswordError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| PasswordError::Hash(e.to_string()))
}

/// Checks `password` against a stored hash. With `None` (no such user) it still spends the time
/// of a real check, so response times do not tell which emails have accounts.
pub async fn verify(password: String, stored: Option<String>) -> Result<bool, PasswordError> {
    on_pool(move || {
        let stored_ref = match &stored {
            Some(s) => s.as_str(),
            None => dummy_hash(),
        };
        let ok = match PasswordHash::new(stored_ref) {
            Ok(parsed) => Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok(),
            Err(_) => false,
        };
        ok && stored.is_some()
    })
    .await
}

fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| hash_blocking("not a real password, only spends time").unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// With tokio's only blocking thread held until the check is done, the check still ends:
    /// it does not run there. (On the blocking pool it would wait forever; the timeout turns
    /// that into a failure.)
    #[test]
    fn checks_do_not_wait_for_the_shared_blocking_pool() {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .max_blocking_threads(1)
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let (release, held) = std::sync::mpsc::channel::<()>();
            let (started, running) = tokio::sync::oneshot::channel();
            let blocker = tokio::task::spawn_blocking(move || {
                let _ = started.send(());
                let _ = held.recv();
            });
            running.await.unwrap();
            let stored = hash("correct horse battery".into());
            let checked = tokio::time::timeout(std::time::Duration::from_secs(20), async {
                verify("correct horse battery".into(), Some(stored.await.unwrap())).await
            })
            .await;
            release.send(()).unwrap();
            blocker.await.unwrap();
            assert!(checked
                .expect("the check ran beside the blocking pool")
                .unwrap());
        });
    }

    #[tokio::test]
    async fn a_hash_verifies_its_password_and_nothing_else() {
        let h = hash("correct horse battery".into()).await.unwrap();
        assert!(h.starts_with("$argon2id$"), "{h}");
        assert!(verify("correct horse battery".into(), Some(h.clone()))
            .await
            .unwrap());
        assert!(!verify("correct horse batterY".into(), Some(h))
            .await
            .unwrap());
    }

    #[tokio::test]
    async fn the_same_password_hashes_differently_each_time() {
        let a = hash("same password here".into()).await.unwrap();
        let b = hash("same password here".into()).await.unwrap();
        assert_ne!(a, b, "salts must differ");
    }

    #[tokio::test]
    async fn an_unknown_user_never_verifies() {
        assert!(!verify("anything at all".into(), None).await.unwrap());
    }

    #[tokio::test]
    async fn a_corrupt_stored_hash_does_not_verify() {
        assert!(!verify("x".repeat(12), Some("not-a-phc-string".into()))
            .await
            .unwrap());
    }
}
