//! Monitor › Dashboard: a period ending now turned into a window of the aggregates (minutes for
//! the hour and the day, hours for the week and the month), and the figures into the view.

use app::domain::{
    deliveries::{error_meaning, Period},
    monitor::{CodeFailures, DashboardView, TrendBar, WebhookFailures},
    AppError,
};

use super::{rfc3339, unexpected, Deliveries};
use crate::store::{now_millis, Grain, Millis, StatsWindow};

/// How many rows each breakdown shows.
const TOP: usize = 10;

/// The window of `period` ending at `now`: its end rounded up to the grain, so the bar that holds
/// `now` is the last one and every bar has the same width.
pub fn window(period: Period, now: Millis) -> StatsWindow {
    let (grain, unit) = match period {
        Period::Hour | Period::Day => (Grain::Minute, 60_000),
        Period::Week | Period::Month => (Grain::Hour, 3_600_000),
    };
    let to = (now.div_euclid(unit) + 1) * unit;
    StatsWindow {
        from: to - period.minutes() * 60_000,
        to,
        bucket_ms: period.bucket_minutes() * 60_000,
        grain,
        top: TOP,
    }
}

/// What a code means: an HTTP status's reason phrase, or an error code's meaning.
fn meaning(code: &str) -> String {
    if let Ok(status) = code.parse::<u16>() {
        let reason = http::StatusCode::from_u16(status)
            .ok()
            .and_then(|s| s.canonical_reason())
            .unwrap_or("");
        return format!("HTTP {status} {reason}").trim_end().to_owned();
    }
    error_meaning(code).unwrap_or("").to_owned()
}

impl Deliveries {
    pub(super) async fn dashboard_view(&self, period: Period) -> Result<DashboardView, AppError> {
        let w = window(period, now_millis());
        let s = self.store.dashboard_stats(w).await.map_err(unexpected)?;
        Ok(DashboardView {
            period,
            from: rfc3339(w.from),
            to: rfc3339(w.to),
            executions: s.totals.delivered + s.totals.failed,
            failures: s.totals.failed,
            previous_executions: s.previous.delivered + s.previous.failed,
            previous_failures: s.previous.failed,
            attempts: s.totals.attempts,
            trend: s
                .trend
                .into_iter()
                .map(|(start, delivered, failed)| TrendBar {
                    start: rfc3339(start),
                    executions: delivered + failed,
                    failures: failed,
                })
                .collect(),
            by_webhook: s
                .by_webhook
                .into_iter()
                .map(|(id, name, failures)| WebhookFailures {
                    integration_id: id.to_string(),
                    integration_name: if name.is_empty() {
                        format!("#{id}")
                    } else {
                        name
                    },
                    failures,
                })
                .collect(),
            by_code: s
                .by_code
                .into_iter()
                .map(|(code, failures)| CodeFailures {
                    meaning: meaning(&code),
                    code,
                    failures,
                })
                .collect(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_window_ends_at_the_next_grain_and_holds_whole_bars() {
        let now = 1_796_083_230_000; // 2026-12-01T00:00:30Z
        let day = window(Period::Day, now);
        assert_eq!(day.to, 1_796_083_260_000);
        assert_eq!(day.to - day.from, 24 * 3_600_000);
        assert_eq!(day.grain, Grain::Minute);
        let month = window(Period::Month, now);
        assert_eq!(month.to, 1_796_086_800_000);
        assert_eq!(month.grain, Grain::Hour);
        assert_eq!((month.to - month.from) / month.bucket_ms, 30);
    }

    #[test]
    fn codes_read_as_a_status_line_or_the_error_meaning() {
        assert_eq!(meaning("404"), "HTTP 404 Not Found");
        assert_eq!(meaning("599"), "HTTP 599");
        assert!(meaning("timeout").starts_with("The endpoint did not answer"));
    }
}
