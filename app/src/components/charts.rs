//! Charts as inline SVG, drawn by our own components so they render on the server and read
//! without JavaScript (SPEC §7). No chart library: what we draw is a handful of rectangles, and
//! an SVG made on the server needs no script, no canvas and no layout pass in the browser.
//!
//! Guarantees: every chart has an accessible name and a `<title>` per mark (the figures as
//! text), so a screen reader and a test read the same numbers the bars show; the geometry is
//! computed by the pure [`bar_heights`], tested below.

use leptos::prelude::*;

use crate::components::timestamp::short_utc;

/// One bar's heights, as fractions of the tallest bar (0.0–1.0).
pub fn bar_heights(values: &[(u64, u64)]) -> Vec<(f64, f64)> {
    let max = values.iter().map(|(a, _)| *a).max().unwrap_or(0).max(1) as f64;
    values
        .iter()
        .map(|(total, part)| (*total as f64 / max, (*part).min(*total) as f64 / max))
        .collect()
}

/// The trend: one bar per bucket, executions in the accent colour with the failures inside
/// them in red from the bottom up.
#[component]
pub fn TrendChart(
    /// Accessible name of the chart.
    label: &'static str,
    /// `(start RFC 3339, executions, failures)` per bar, oldest first.
    bars: Vec<(String, u64, u64)>,
) -> impl IntoView {
    const W: f64 = 720.0;
    const H: f64 = 160.0;
    const TOP: f64 = 10.0;
    let n = bars.len().max(1) as f64;
    let slot = W / n;
    let gap = (slot * 0.2).min(4.0);
    let heights = bar_heights(&bars.iter().map(|(_, e, f)| (*e, *f)).collect::<Vec<_>>());
    let max = bars.iter().map(|(_, e, _)| *e).max().unwrap_or(0);
    let first = bars.first().map(|b| short_utc(&b.0)).unwrap_or_default();
    let last = bars.last().map(|b| short_utc(&b.0)).unwrap_or_default();
    let marks = bars
        .iter()
        .zip(heights)
        .enumerate()
        .map(|(i, ((start, e, f), (he, hf)))| {
            let x = i as f64 * slot + gap / 2.0;
            let w = (slot - gap).max(1.0);
            let eh = he * (H - TOP);
            let fh = hf * (H - TOP);
            let title = format!("{}: {e} executions, {f} failures", short_utc(start));
            view! {
                <g class="bar">
                    <title>{title}</title>
                    <rect class="executions" x=fmt(x) y=fmt(H - eh) width=fmt(w) height=fmt(eh) />
                    <rect class="failures" x=fmt(x) y=fmt(H - fh) width=fmt(w) height=fmt(fh) />
                </g>
            }
        })
        .collect_view();
    view! {
        <figure class="chart">
            <svg
                role="img"
                aria-label=label
                viewBox=format!("0 0 {W} {}", H + 18.0)
                preserveAspectRatio="none"
                class="trend"
            >
                <line class="axis" x1="0" y1=fmt(H) x2=fmt(W) y2=fmt(H) />
                {marks}
                <text class="tick" x="0" y=fmt(H + 14.0)>{first}</text>
                <text class="tick" x=fmt(W) y=fmt(H + 14.0) text-anchor="end">{last}</text>
                <text class="tick" x="2" y="10">{format!("max {max}")}</text>
            </svg>
            <figcaption class="legend">
                <span class="swatch executions"></span>"Executions "
                <span class="swatch failures"></span>"Failures"
            </figcaption>
        </figure>
    }
}

/// A small horizontal bar for a table cell: `value` out of `max`.
#[component]
pub fn ShareBar(value: u64, max: u64) -> impl IntoView {
    let w = 100.0 * value as f64 / max.max(1) as f64;
    view! {
        <svg class="share" viewBox="0 0 100 8" preserveAspectRatio="none" aria-hidden="true">
            <rect x="0" y="0" width=fmt(w) height="8" />
        </svg>
    }
}

fn fmt(v: f64) -> String {
    format!("{v:.1}")
}

#[cfg(test)]
mod tests {
    use super::bar_heights;

    #[test]
    fn bars_are_scaled_to_the_tallest_and_failures_never_exceed_their_bar() {
        assert_eq!(
            bar_heights(&[(10, 5), (5, 0), (0, 0), (4, 9)]),
            vec![(1.0, 0.5), (0.5, 0.0), (0.0, 0.0), (0.4, 0.4)]
        );
    }

    #[test]
    fn an_empty_period_draws_flat_bars_without_dividing_by_zero() {
        assert_eq!(bar_heights(&[(0, 0), (0, 0)]), vec![(0.0, 0.0), (0.0, 0.0)]);
        assert!(bar_heights(&[]).is_empty());
    }
}
