//! Monitor › Deliveries (SPEC §7, CONTRACT §4): the delivery log as a table, its filters kept in
//! the address, keyset paging, Export CSV / NDJSON of what the filters select, and bulk resend
//! (a preview of the count, then a background job with its progress, cancellable).
//!
//! Everything is links and plain forms, so the page works with JavaScript off; hydrated, rows
//! still pending and running bulk jobs refresh by themselves every few seconds.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::{
    api::deliveries::{
        list_bulk_resends, list_deliveries, preview_bulk_resend, CancelBulkResend, StartBulkResend,
    },
    components::{empty_state::EmptyState, page_header::PageHeader, timestamp::Timestamp},
    domain::{
        channels::CHANNELS,
        deliveries::{error_meaning, DeliveryQuery, DeliveryQueryInput, DeliveryStatus},
        monitor::{BulkJobState, BulkJobView, DeliveryView},
        time::datetime_local,
    },
    pages::assets::form_post::redirect_after_successful_post,
};

use super::query::{delivery_link, link, log_link, use_delivery_query, EXPORT, LOG};

/// How often a hydrated page looks again at rows still pending or jobs still running.
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
pub(super) const REFRESH_MS: u64 = 3_000;

#[component]
pub fn DeliveriesPage() -> impl IntoView {
    let input = use_delivery_query();
    let url = use_query_map();
    let previewing = Memo::new(move |_| url.read().get("bulk").as_deref() == Some("preview"));
    // The parsed filters, for links; a bad parameter is shown by the list's own error.
    let parsed = Memo::new(move |_| DeliveryQuery::parse(&input.get()).ok());

    let start = ServerAction::<StartBulkResend>::new();
    let cancel = ServerAction::<CancelBulkResend>::new();
    // Without JavaScript, a successful start comes back to the preview; move on to the log,
    // where the job shows with its progress.
    if let Some(q) = parsed.get_untracked() {
        if previewing.get_untracked() {
            redirect_after_successful_post(&log_link(&q));
        }
    }

    let tick = RwSignal::new(0u32);
    let rows = Resource::new(
        move || (input.get(), tick.get()),
        |(q, _)| list_deliveries(q),
    );
    let jobs = Resource::new(
        move || (start.version().get(), cancel.version().get(), tick.get()),
        |_| list_bulk_resends(),
    );
    refresh_while_busy(tick, rows, jobs);

    view! {
        <PageHeader section="Monitor" title="Deliveries">
            {move || parsed.get().map(|q| {
                let q = q.filters_only();
                view! {
                    <a class="btn" href=link(EXPORT, &q, &[("format", "csv".into())]) download="" rel="external">"Export CSV"</a>
                    <a class="btn" href=link(EXPORT, &q, &[("format", "ndjson".into())]) download="" rel="external">"Export NDJSON"</a>
                    <a class="btn" href=link(LOG, &q, &[("bulk", "preview".into())])>"Bulk resend"</a>
                }
            })}
        </PageHeader>
        <Filters input />
        {move || previewing.get().then(|| view! { <BulkPreview input start /> })}
        <Jobs jobs cancel />
        <section class="panel table-panel">
            <Transition fallback=|| view! { <p class="muted pad">"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match rows.await {
                        Err(e) => view! { <p class="form-error pad" role="alert">{e.to_string()}</p> }.into_any(),
                        Ok(page) if page.items.is_empty() => {
                            let filtered = parsed.get_untracked().is_some_and(|q| q.is_filtered());
                            if filtered || input.get_untracked().before.is_some() {
                                view! { <p class="muted pad">"No delivery matches these filters."</p> }.into_any()
                            } else {
                                view! {
                                    <EmptyState
                                        title="No deliveries yet"
                                        message="Each event a webhook subscribes to becomes a delivery here, with every attempt the dispatcher makes."
                                    />
                                }.into_any()
                            }
                        }
                        Ok(page) => {
                            // Paging keeps the filters and the page size.
                            let older = page.next_before.as_deref().and_then(|b| b.parse().ok()).zip(parsed.get_untracked()).map(|(b, q)| {
                                link(LOG, &DeliveryQuery { before: Some(b), ..q }, &[])
                            });
                            let newest = parsed.get_untracked().filter(|q| q.before.is_some()).map(|q| {
                                link(LOG, &DeliveryQuery { before: None, ..q }, &[])
                            });
                            view! {
                                <DeliveryTable rows=page.items />
                                {(newest.is_some() || older.is_some()).then(|| view! {
                                    <nav class="pager" aria-label="Pages">
                                        {newest.map(|h| view! { <a class="btn btn-quiet" href=h>"« Newest"</a> })}
                                        {older.map(|h| view! { <a class="btn btn-quiet" href=h rel="next">"Older »"</a> })}
                                    </nav>
                                })}
                            }.into_any()
                        }
                    }
                })}
            </Transition>
        </section>
    }
}

/// With JavaScript on, asks again every [`REFRESH_MS`] while a shown delivery is pending or a
/// bulk job runs. Nothing happens on the server or with JavaScript off.
fn refresh_while_busy(
    tick: RwSignal<u32>,
    rows: Resource<Result<crate::domain::paging::Page<DeliveryView>, crate::domain::AppError>>,
    jobs: Resource<Result<Vec<BulkJobView>, crate::domain::AppError>>,
) {
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        let handle = leptos::leptos_dom::helpers::set_interval_with_handle(
            move || {
                let pending = rows.get_untracked().is_some_and(|r| {
                    r.is_ok_and(|p| p.items.iter().any(|d| d.status == DeliveryStatus::Pending))
                });
                let running = jobs.get_untracked().is_some_and(|r| {
                    r.is_ok_and(|j| j.iter().any(|j| j.state == BulkJobState::Running))
                });
                if pending || running {
                    tick.update(|t| *t = t.wrapping_add(1));
                }
            },
            std::time::Duration::from_millis(REFRESH_MS),
        );
        if let Ok(handle) = handle {
            on_cleanup(move || handle.clear());
        }
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = (tick, rows, jobs);
}

/// The filters: a GET form, so the filtered log is an address one can bookmark and share.
#[component]
fn Filters(input: Memo<DeliveryQueryInput>) -> impl IntoView {
    view! {
        {move || {
            let raw = input.get();
            let parsed = DeliveryQuery::parse(&raw).ok();
            // A time from a link (RFC 3339) is shown in the control's own spelling.
            let time_value = |raw: &Option<String>, ms: Option<i64>| {
                ms.map(datetime_local).or_else(|| raw.clone()).unwrap_or_default()
            };
            let from = time_value(&raw.from, parsed.as_ref().and_then(|q| q.from));
            let to = time_value(&raw.to, parsed.as_ref().and_then(|q| q.to));
            let status = raw.status.clone().unwrap_or_default();
            let channel = raw.channel.clone().unwrap_or_default();
            view! {
                <form class="panel filters" method="get" action=LOG role="search" aria-label="Filters">
                    <div class="field">
                        <label for="f-webhook">"Webhook ID"</label>
                        <input id="f-webhook" type="text" inputmode="numeric" name="integration_id"
                            value=raw.integration_id.clone().unwrap_or_default() size="8" />
                    </div>
                    <div class="field">
                        <label for="f-status">"Status"</label>
                        <select id="f-status" name="status">
                            <option value="" selected={status.is_empty()}>"All"</option>
                            {DeliveryStatus::ALL.into_iter().map(|s| view! {
                                <option value=s.as_str() selected={status == s.as_str()}>{s.label()}</option>
                            }).collect_view()}
                        </select>
                    </div>
                    <div class="field">
                        <label for="f-channel">"Channel"</label>
                        <select id="f-channel" name="channel">
                            <option value="" selected={channel.is_empty()}>"All"</option>
                            {CHANNELS.iter().map(|c| view! {
                                <option value=c.label selected={channel == c.label}>{c.label}</option>
                            }).collect_view()}
                        </select>
                    </div>
                    <div class="field">
                        <label for="f-code">"Status or error code"</label>
                        <input id="f-code" type="text" name="code" placeholder="404, timeout"
                            value=raw.code.clone().unwrap_or_default() size="10" />
                    </div>
                    <div class="field">
                        <label for="f-from">"From (UTC)"</label>
                        <input id="f-from" type="datetime-local" name="from" value=from />
                    </div>
                    <div class="field">
                        <label for="f-to">"To (UTC)"</label>
                        <input id="f-to" type="datetime-local" name="to" value=to />
                    </div>
                    <div class="filter-actions">
                        <button type="submit" class="btn btn-primary">"Apply"</button>
                        <a class="btn btn-quiet" href=LOG>"Clear"</a>
                    </div>
                </form>
            }
        }}
    }
}

#[component]
fn DeliveryTable(rows: Vec<DeliveryView>) -> impl IntoView {
    let rows = rows
        .into_iter()
        .map(|d| {
            let by_webhook = format!("{LOG}?integration_id={}", d.integration_id);
            let (badge, word) = status_badge(d.status);
            let result = last_result(&d);
            let meaning = d.last_error_code.as_deref().and_then(error_meaning).unwrap_or("");
            view! {
                <tr>
                    <td class="name"><a href=delivery_link(&d.id)>{format!("#{}", d.id)}</a></td>
                    <td class="time"><Timestamp value=d.created_at.clone() /></td>
                    <td><a href=by_webhook title=format!("Only {}", d.integration_name)>{d.integration_name.clone()}</a></td>
                    <td>{d.channel.clone()}" › "{d.event.clone()}</td>
                    <td><span class=badge>{word}</span></td>
                    <td class="num">{d.attempt_count.to_string()}</td>
                    <td title=meaning><code>{result}</code></td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="data deliveries">
            <thead>
                <tr>
                    <th>"Delivery"</th>
                    <th>"Time"</th>
                    <th>"Webhook"</th>
                    <th>"Channel › Event"</th>
                    <th>"Status"</th>
                    <th>"Attempts"</th>
                    <th>"Last result"</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
}

/// The badge class and the word for a status.
pub(super) fn status_badge(status: DeliveryStatus) -> (&'static str, &'static str) {
    let class = match status {
        DeliveryStatus::Delivered => "badge badge-ok",
        DeliveryStatus::Failed => "badge badge-danger",
        DeliveryStatus::Pending => "badge badge-warn",
    };
    (class, status.label())
}

/// The last status code, or the error code, or a dash before any attempt.
fn last_result(d: &DeliveryView) -> String {
    match (&d.last_status_code, &d.last_error_code) {
        (_, Some(code)) if code != "http_status" => code.clone(),
        (Some(status), _) => status.to_string(),
        (None, Some(code)) => code.clone(),
        (None, None) => "—".to_owned(),
    }
}

/// The preview of a bulk resend: how many deliveries the filters select and how many would be
/// sent again, then the button that starts the job (the filters as hidden fields).
#[component]
fn BulkPreview(
    input: Memo<DeliveryQueryInput>,
    start: ServerAction<StartBulkResend>,
) -> impl IntoView {
    let preview = Resource::new(move || input.get(), preview_bulk_resend);
    let started = move || start.value().get();
    view! {
        <section class="panel bulk" aria-label="Bulk resend">
            <h2>"Bulk resend"</h2>
            <Suspense fallback=|| view! { <p class="muted">"Counting…"</p> }>
                {move || Suspend::new(async move {
                    let filters = input.get_untracked();
                    match preview.await {
                        Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
                        Ok(p) => {
                            let cancel = DeliveryQuery::parse(&filters).map(|q| log_link(&q)).unwrap_or_else(|_| LOG.to_owned());
                            let skipped = p.matching - p.to_resend;
                            view! {
                                <p role="status" class="bulk-preview">
                                    {format!(
                                        "These filters select {} {}; {} would be sent again{}.",
                                        p.matching,
                                        if p.matching == 1 { "delivery" } else { "deliveries" },
                                        p.to_resend,
                                        if skipped > 0 { format!(" ({skipped} still pending are skipped: they will be sent anyway)") } else { String::new() },
                                    )}
                                </p>
                                <ActionForm action=start>
                                    {hidden("integration_id", filters.integration_id.clone())}
                                    {hidden("status", filters.status.clone())}
                                    {hidden("channel", filters.channel.clone())}
                                    {hidden("code", filters.code.clone())}
                                    {hidden("from", filters.from.clone())}
                                    {hidden("to", filters.to.clone())}
                                    <div class="form-actions">
                                        <button type="submit" class="btn btn-primary" disabled={p.to_resend == 0}>
                                            {format!("Resend {}", p.to_resend)}
                                        </button>
                                        <a class="btn" href=cancel>"Cancel"</a>
                                    </div>
                                </ActionForm>
                            }.into_any()
                        }
                    }
                })}
            </Suspense>
            {move || started().map(|r| match r {
                Ok(job) => view! { <p class="notice" role="status">{format!("Bulk resend #{} started: {} to go.", job.id, job.total)}</p> }.into_any(),
                Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
            })}
        </section>
    }
}

fn hidden(name: &'static str, value: Option<String>) -> impl IntoView {
    value.map(|v| view! { <input type="hidden" name=name value=v /> })
}

/// The newest bulk resend jobs with their progress; a running one can be cancelled.
#[component]
fn Jobs(
    jobs: Resource<Result<Vec<BulkJobView>, crate::domain::AppError>>,
    cancel: ServerAction<CancelBulkResend>,
) -> impl IntoView {
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let list = jobs.await.unwrap_or_default();
                (!list.is_empty()).then(|| {
                    let items = list.into_iter().map(|job| view! { <JobRow job cancel /> }).collect_view();
                    view! {
                        <section class="panel jobs" aria-label="Bulk resends">
                            <h2>"Bulk resends"</h2>
                            <ul class="job-list">{items}</ul>
                        </section>
                    }
                })
            })}
        </Transition>
    }
}

#[component]
fn JobRow(job: BulkJobView, cancel: ServerAction<CancelBulkResend>) -> impl IntoView {
    let filters: Vec<(&'static str, String)> = job
        .filters
        .iter()
        .filter_map(|(k, v)| known_param(k).map(|k| (k, v.clone())))
        .collect();
    let href = crate::components::list_controls::href_with(LOG, &filters);
    let described = if filters.is_empty() {
        "every delivery".to_owned()
    } else {
        filters
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let progress = format!(
        "{}: {} / {} done{}",
        job.state.label(),
        job.done,
        job.total,
        if job.skipped > 0 {
            format!(", {} skipped as pending", job.skipped)
        } else {
            String::new()
        }
    );
    let running = job.state == BulkJobState::Running;
    view! {
        <li class="job">
            <span class="job-title">{format!("Bulk resend #{}", job.id)}</span>
            " of "<a href=href>{described}</a>
            <progress max={job.total.max(1).to_string()} value={job.done.to_string()}>{progress.clone()}</progress>
            <span role="status">{progress}</span>
            {running.then(|| view! {
                <ActionForm action=cancel attr:class="inline">
                    <input type="hidden" name="id" value=job.id.clone() />
                    <button type="submit" class="btn btn-quiet btn-sm">"Cancel job"</button>
                </ActionForm>
            })}
        </li>
    }
}

/// A job's stored filter names, limited to the log's own (they become a link).
fn known_param(k: &str) -> Option<&'static str> {
    ["integration_id", "status", "channel", "code", "from", "to"]
        .into_iter()
        .find(|p| *p == k)
}
