//! Sign-in throttling, exactly as CONTRACT §4 says: failed sign-ins are counted per client
//! address and per account (known or not), a success resets both, and from the 5th failure in
//! a row further attempts are refused at once — no password check, no server-side sleep —
//! for a time that doubles from 1 s up to 15 min.
//!
//! Guarantees: the counts live in the database ([`ThrottleStore`]), so every instance on it
//! enforces one limit; a refused attempt does not count as a failure (waiting out the block
//! then failing once more is what doubles it); counts older than a day are forgotten.
//! The client address is the TCP peer: `X-Forwarded-For` is never trusted, since anyone can
//! send it. An IPv6 client is counted by its /64, the block a single host usually gets.

use std::net::IpAddr;

use crate::store::{Millis, Store, StoreError};

/// Failures in a row that are still answered normally; the next one starts blocking.
const FREE_FAILURES: i64 = 4;
const FIRST_BLOCK_MS: Millis = 1_000;
const LONGEST_BLOCK_MS: Millis = 15 * 60 * 1_000;
/// A count whose last failure is older than this starts again.
const FORGET_AFTER_MS: Millis = 24 * 60 * 60 * 1_000;
/// Longer than any email address; a longer one typed is counted by its start.
const MAX_ACCOUNT_LEN: usize = 320;

/// What one sign-in attempt is counted against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Subjects {
    address: String,
    account: String,
}

impl Subjects {
    pub fn new(peer: IpAddr, email: &str) -> Subjects {
        let address = match peer.to_canonical() {
            IpAddr::V4(v4) => format!("address:{v4}"),
            IpAddr::V6(v6) => {
                let s = v6.segments();
                format!("address:{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        };
        let email: String = email
            .trim()
            .to_lowercase()
            .chars()
            .take(MAX_ACCOUNT_LEN)
            .collect();
        Subjects {
            address,
            account: format!("account:{email}"),
        }
    }

    fn both(&self) -> [&str; 2] {
        [self.address.as_str(), self.account.as_str()]
    }
}

/// A refused attempt: how long until the next one is allowed, in whole seconds (at least 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryAfter(pub u64);

/// `Some` while either subject is blocked at `now`.
pub async fn check(
    store: &dyn Store,
    subjects: &Subjects,
    now: Millis,
) -> Result<Option<RetryAfter>, StoreError> {
    let until = store.blocked_until(subjects.both(), now).await?;
    Ok(until.map(|until| {
        let ms = u64::try_from(until - now).unwrap_or(0);
        RetryAfter(ms.div_ceil(1_000).max(1))
    }))
}

/// Counts a failed attempt on both subjects and blocks each one that reached its limit.
pub async fn failed(store: &dyn Store, subjects: &Subjects, now: Millis) -> Result<(), StoreError> {
    for subject in subjects.both() {
        let failures = store
            .count_failure(subject, now, now - FORGET_AFTER_MS)
            .await?;
        if let Some(block) = block_after(failures) {
            store.block_subject(subject, now + block).await?;
        }
    }
    Ok(())
}

/// A successful sign-in: both subjects start again from zero.
pub async fn succeeded(store: &dyn Store, subjects: &Subjects) -> Result<(), StoreError> {
    store.clear_failures(subjects.both()).await
}

/// How long to block after `failures` in a row: nothing up to four, then 1 s, 2 s, 4 s, …
/// up to 15 min.
fn block_after(failures: i64) -> Option<Millis> {
    let doublings = failures
        .checked_sub(FREE_FAILURES + 1)
        .filter(|d| *d >= 0)?;
    // 2^10 s is past the cap already; the shift never overflows.
    let block = FIRST_BLOCK_MS << doublings.min(10);
    Some(block.min(LONGEST_BLOCK_MS))
}

#[cfg(test)]
mod tests {
    use std::net::{Ipv4Addr, Ipv6Addr};

    use super::*;
    use crate::store::sqlite::test_store;

    const LOOPBACK: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

    #[test]
    fn the_block_starts_at_the_fifth_failure_and_doubles_up_to_fifteen_minutes() {
        let blocks: Vec<Option<Millis>> = (1..=16).map(block_after).collect();
        let s = |n: Millis| Some(n * 1_000);
        assert_eq!(
            blocks,
            [
                None,
                None,
                None,
                None,
                s(1),
                s(2),
                s(4),
                s(8),
                s(16),
                s(32),
                s(64),
                s(128),
                s(256),
                s(512),
                s(900),
                s(900)
            ]
        );
        assert_eq!(block_after(i64::MAX), s(900));
        assert_eq!(block_after(0), None);
    }

    #[test]
    fn an_account_is_counted_however_it_is_typed_and_ipv6_by_its_64() {
        let a = Subjects::new(LOOPBACK, "  Ada@Example.COM ");
        assert_eq!(a, Subjects::new(LOOPBACK, "ada@example.com"));
        let mapped = IpAddr::V6(Ipv4Addr::LOCALHOST.to_ipv6_mapped());
        assert_eq!(Subjects::new(mapped, "x").address, "address:127.0.0.1");
        let one: IpAddr = "2001:db8:1:2:aaaa::1".parse::<Ipv6Addr>().unwrap().into();
        let other: IpAddr = "2001:db8:1:2:bbbb::9".parse::<Ipv6Addr>().unwrap().into();
        assert_eq!(Subjects::new(one, "x"), Subjects::new(other, "x"));
        assert_eq!(Subjects::new(one, "x").address, "address:2001:db8:1:2::/64");
        let long = "a".repeat(10_000);
        assert_eq!(Subjects::new(LOOPBACK, &long).account.len(), 8 + 320);
    }

    /// The whole sequence against the store with an explicit clock: five failures, refused
    /// for 1 s; a failure once that ends, refused for 2 s; then 4 s; a success resets.
    #[tokio::test]
    async fn each_failure_after_a_block_doubles_it_and_a_success_starts_over() {
        let (store, _dir) = test_store().await;
        let who = Subjects::new(LOOPBACK, "ada@example.com");
        let mut now: Millis = 1_700_000_000_000;
        for _ in 0..4 {
            failed(&*store, &who, now).await.unwrap();
            assert_eq!(check(&*store, &who, now).await.unwrap(), None);
        }
        failed(&*store, &who, now).await.unwrap();
        assert_eq!(
            check(&*store, &who, now).await.unwrap(),
            Some(RetryAfter(1))
        );
        for expected in [2, 4, 8] {
            now += 1_000 * expected / 2;
            assert_eq!(check(&*store, &who, now).await.unwrap(), None, "block over");
            failed(&*store, &who, now).await.unwrap();
            assert_eq!(
                check(&*store, &who, now).await.unwrap(),
                Some(RetryAfter(expected as u64))
            );
            assert_eq!(
                check(&*store, &who, now + 1_000 * expected - 1)
                    .await
                    .unwrap(),
                Some(RetryAfter(1))
            );
        }
        now += 8_000;
        succeeded(&*store, &who).await.unwrap();
        for _ in 0..4 {
            failed(&*store, &who, now).await.unwrap();
        }
        assert_eq!(check(&*store, &who, now).await.unwrap(), None);
    }

    #[tokio::test]
    async fn a_day_without_failures_forgets_the_count() {
        let (store, _dir) = test_store().await;
        let who = Subjects::new(LOOPBACK, "ada@example.com");
        let now: Millis = 1_700_000_000_000;
        for _ in 0..4 {
            failed(&*store, &who, now).await.unwrap();
        }
        let later = now + FORGET_AFTER_MS + 1;
        failed(&*store, &who, later).await.unwrap();
        assert_eq!(check(&*store, &who, later).await.unwrap(), None);
    }
}
