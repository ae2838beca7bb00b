//! The retry schedule (`--retry-schedule`): the delays before each retry, as data.
//!
//! Guarantees: parsing is total and strict: a list of humantime durations separated by commas
//! (`30s,60s,120s`), `""` for no retries, zero delays allowed (tests), anything else refused with
//! a sentence naming the bad entry.

use std::{fmt, str::FromStr, time::Duration};

/// The product's schedule: 3 retries, 60 s apart (SPEC §4).
pub const DEFAULT_RETRY_SCHEDULE: &str = "60s,60s,60s";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetrySchedule(Vec<Duration>);

impl RetrySchedule {
    pub fn new(delays: Vec<Duration>) -> Self {
        RetrySchedule(delays)
    }

    /// How many retries follow the first attempt.
    pub fn retries(&self) -> usize {
        self.0.len()
    }

    /// The delay after scheduled attempt number `attempt` (1-based) failed, or `None` when it
    /// was the last one.
    pub fn delay_after(&self, attempt: usize) -> Option<Duration> {
        attempt.checked_sub(1).and_then(|i| self.0.get(i)).copied()
    }

    pub fn delays(&self) -> &[Duration] {
        &self.0
    }
}

impl Default for RetrySchedule {
    fn default() -> Self {
        DEFAULT_RETRY_SCHEDULE
            .parse()
            .expect("the default schedule parses")
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("retry {index}: {reason} (use e.g. 30s,60s,120s, or \"\" for no retries)")]
pub struct RetryScheduleError {
    pub index: usize,
    pub reason: String,
}

impl FromStr for RetrySchedule {
    type Err = RetryScheduleError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if s.trim().is_empty() {
            return Ok(RetrySchedule(Vec::new()));
        }
        s.split(',')
            .enumerate()
            .map(|(i, part)| {
                let part = part.trim();
                let error = |reason: String| RetryScheduleError {
                    index: i + 1,
                    reason,
                };
                if part.is_empty() {
                    return Err(error("empty delay".into()));
                }
                humantime::parse_duration(part).map_err(|e| error(format!("{part:?}: {e}")))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(RetrySchedule)
    }
}

impl fmt::Display for RetrySchedule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self
            .0
            .iter()
            .map(|d| humantime::format_duration(*d).to_string())
            .collect();
        f.write_str(&parts.join(","))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_default_is_three_retries_sixty_seconds_apart() {
        let s = RetrySchedule::default();
        assert_eq!(s.delays(), &[Duration::from_secs(60); 3]);
        assert_eq!(s.delay_after(1), Some(Duration::from_secs(60)));
        assert_eq!(s.delay_after(3), Some(Duration::from_secs(60)));
        assert_eq!(s.delay_after(4), None);
        assert_eq!(s.delay_after(0), None);
    }

    #[test]
    fn an_empty_schedule_means_no_retries() {
        for empty in ["", "  "] {
            let s: RetrySchedule = empty.parse().unwrap();
            assert_eq!(s.retries(), 0);
            assert_eq!(s.delay_after(1), None);
        }
    }

    #[test]
    fn delays_keep_their_order_and_may_be_zero() {
        let s: RetrySchedule = "30s, 1m,120s,0s,10ms".parse().unwrap();
        assert_eq!(
            s.delays(),
            &[
                Duration::from_secs(30),
                Duration::from_secs(60),
                Duration::from_secs(120),
                Duration::ZERO,
                Duration::from_millis(10)
            ]
        );
        assert_eq!(s.to_string(), "30s,1m,2m,0s,10ms");
    }

    #[test]
    fn a_bad_entry_is_named_by_its_position() {
        let e = "30s,soon,60s".parse::<RetrySchedule>().unwrap_err();
        assert_eq!(e.index, 2);
        assert!(e.to_string().starts_with("retry 2: \"soon\""), "{e}");
        assert_eq!("30s,,60s".parse::<RetrySchedule>().unwrap_err().index, 2);
        assert_eq!("60".parse::<RetrySchedule>().unwrap_err().index, 1);
    }
}
