//! Monitor › Dashboard (SPEC §7, CONTRACT §4): executions and failures for the chosen period
//! (last hour, 24 hours — the default —, 7 days, 30 days) with the change against the period
//! before, a trend chart, and failures by webhook and by status or error code, each linking to
//! the log filtered to them. The figures come from the per-minute aggregates, never from a scan
//! of the deliveries; the charts are inline SVG, so the page reads the same without JavaScript.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::{
    api::deliveries::load_dashboard,
    components::{
        charts::{ShareBar, TrendChart},
        page_header::PageHeader,
    },
    domain::{
        deliveries::{DeliveryQuery, DeliveryStatus, LastCode, Period},
        monitor::DashboardView,
        time::parse_time,
    },
};

use super::query::log_link;

#[component]
pub fn DashboardPage() -> impl IntoView {
    let query = use_query_map();
    let period = Memo::new(move |_| query.read().get("period"));
    let dashboard = Resource::new(move || period.get(), load_dashboard);
    view! {
        <PageHeader section="Monitor" title="Dashboard" />
        <nav class="tabs" aria-label="Period">
            {move || {
                let chosen = period.get().as_deref().and_then(Period::parse).unwrap_or_default();
                Period::ALL.into_iter().map(|p| view! {
                    <a
                        href=format!("/monitor/dashboard?period={}", p.as_param())
                        role="tab"
                        aria-selected=(p == chosen).to_string()
                        aria-current=(p == chosen).then_some("page")
                    >
                        {p.label()}
                    </a>
                }).collect_view()
            }}
        </nav>
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match dashboard.await {
                    Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
                    Ok(d) => view! { <Dashboard d /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Dashboard(d: DashboardView) -> impl IntoView {
    // The period's bounds, for the links into the log.
    let from = parse_time(Some(&d.from), "from").ok().flatten();
    let to = parse_time(Some(&d.to), "to").ok().flatten();
    let failed_in_period = DeliveryQuery {
        status: Some(DeliveryStatus::Failed),
        from,
        to,
        ..Default::default()
    };
    let all_in_period = DeliveryQuery {
        from,
        to,
        ..Default::default()
    };
    let rate = |f: u64, e: u64| {
        if e == 0 {
            0.0
        } else {
            100.0 * f as f64 / e as f64
        }
    };
    let bars: Vec<(String, u64, u64)> = d
        .trend
        .iter()
        .map(|b| (b.start.clone(), b.executions, b.failures))
        .collect();
    let max_webhook = d.by_webhook.iter().map(|w| w.failures).max().unwrap_or(0);
    let max_code = d.by_code.iter().map(|c| c.failures).max().unwrap_or(0);
    let by_webhook = d
        .by_webhook
        .iter()
        .map(|w| {
            let q = DeliveryQuery {
                webhook_id: w.integration_id.parse().ok(),
                ..failed_in_period.clone()
            };
            view! {
                <tr>
                    <td class="name"><a href=log_link(&q)>{w.integration_name.clone()}</a></td>
                    <td class="num">{w.failures.to_string()}</td>
                    <td class="bar-cell"><ShareBar value=w.failures max=max_webhook /></td>
                </tr>
            }
        })
        .collect_view();
    let by_code = d
        .by_code
        .iter()
        .map(|c| {
            let q = DeliveryQuery {
                code: LastCode::parse(&c.code),
                ..failed_in_period.clone()
            };
            view! {
                <tr>
                    <td class="name"><a href=log_link(&q)><code>{c.code.clone()}</code></a></td>
                    <td>{c.meaning.clone()}</td>
                    <td class="num">{c.failures.to_string()}</td>
                    <td class="bar-cell"><ShareBar value=c.failures max=max_code /></td>
                </tr>
            }
        })
        .collect_view();
    let no_failures = d.by_webhook.is_empty();
    view! {
        <section class="figures" aria-label="Summary">
            <Figure
                label="Executions"
                value=d.executions
                previous=d.previous_executions
                href=log_link(&all_in_period)
                worse_when_up=false
            />
            <Figure
                label="Failures"
                value=d.failures
                previous=d.previous_failures
                href=log_link(&failed_in_period)
                worse_when_up=true
            />
            <div class="figure">
                <p class="figure-label">"Failure rate"</p>
                <p class="figure-value">{format!("{:.1} %", rate(d.failures, d.executions))}</p>
                <p class="figure-change muted">{format!("before: {:.1} %", rate(d.previous_failures, d.previous_executions))}</p>
            </div>
            <div class="figure">
                <p class="figure-label">"Attempts"</p>
                <p class="figure-value">{d.attempts.to_string()}</p>
                <p class="figure-change muted">"retries and resends included"</p>
            </div>
        </section>
        <section class="panel" aria-label="Trend">
            <h2>"Executions and failures"</h2>
            <TrendChart label="Executions and failures over the period" bars />
        </section>
        <div class="split">
            <section class="panel table-panel" aria-label="Failures by webhook">
                <h2>"Failures by webhook"</h2>
                {if no_failures {
                    view! { <p class="muted pad">"No failure in this period."</p> }.into_any()
                } else {
                    view! {
                        <table class="data">
                            <thead><tr><th>"Webhook"</th><th>"Failures"</th><th><span class="sr-only">"Share"</span></th></tr></thead>
                            <tbody>{by_webhook}</tbody>
                        </table>
                    }.into_any()
                }}
            </section>
            <section class="panel table-panel" aria-label="Failures by status">
                <h2>"Failures by status"</h2>
                {if d.by_code.is_empty() {
                    view! { <p class="muted pad">"No failure in this period."</p> }.into_any()
                } else {
                    view! {
                        <table class="data">
                            <thead><tr><th>"Status"</th><th>"Meaning"</th><th>"Failures"</th><th><span class="sr-only">"Share"</span></th></tr></thead>
                            <tbody>{by_code}</tbody>
                        </table>
                    }.into_any()
                }}
            </section>
        </div>
    }
}

/// One headline figure with its change against the period before.
#[component]
fn Figure(
    label: &'static str,
    value: u64,
    previous: u64,
    href: String,
    /// Whether a rise is bad news (failures) rather than good (executions).
    worse_when_up: bool,
) -> impl IntoView {
    let (text, class) = change(value, previous, worse_when_up);
    view! {
        <div class="figure">
            <p class="figure-label">{label}</p>
            <p class="figure-value"><a href=href>{value.to_string()}</a></p>
            <p class=format!("figure-change {class}")>{text}</p>
        </div>
    }
}

/// "+25 % vs the period before", "no change", "new": and whether it is good or bad news.
pub fn change(value: u64, previous: u64, worse_when_up: bool) -> (String, &'static str) {
    if value == previous {
        return ("no change vs the period before".into(), "muted");
    }
    if previous == 0 {
        return (
            format!("+{value} vs none before"),
            tone(true, worse_when_up),
        );
    }
    let pct = 100.0 * (value as f64 - previous as f64) / previous as f64;
    let sign = if pct > 0.0 { "+" } else { "" };
    (
        format!("{sign}{pct:.0} % vs the period before ({previous})"),
        tone(pct > 0.0, worse_when_up),
    )
}

fn tone(up: bool, worse_when_up: bool) -> &'static str {
    if up == worse_when_up {
        "bad"
    } else {
        "good"
    }
}

#[cfg(test)]
mod tests {
    use super::change;

    #[test]
    fn a_change_is_a_percentage_of_the_period_before_and_a_rise_in_failures_is_bad_news() {
        assert_eq!(
            change(150, 100, true),
            ("+50 % vs the period before (100)".into(), "bad")
        );
        assert_eq!(
            change(50, 100, true),
            ("-50 % vs the period before (100)".into(), "good")
        );
        assert_eq!(change(150, 100, false).1, "good");
        assert_eq!(change(7, 0, true), ("+7 vs none before".into(), "bad"));
        assert_eq!(change(3, 3, true).1, "muted");
    }
}
