//! `/monitor/deliveries/{id}`: one delivery with every attempt (SPEC §7) — when and why it was
//! made, how long it took, the request headers as sent (credentials shown as `••••`), the body,
//! the response's status, headers and excerpt, and the error code with its meaning — and
//! `Resend`, a plain form, so it works with JavaScript off. Hydrated, a pending delivery's page
//! refreshes by itself until it ends.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::{
    api::deliveries::{get_delivery, ResendDelivery},
    components::{page_header::PageHeader, timestamp::Timestamp},
    domain::{
        deliveries::error_meaning,
        monitor::{AttemptTrigger, AttemptView, DeliveryDetailView, Headers},
        AppError,
    },
};

use super::{deliveries::status_badge, query::LOG};

#[component]
pub fn DeliveryPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let resend = ServerAction::<ResendDelivery>::new();
    let tick = RwSignal::new(0u32);
    let delivery = Resource::new(
        move || (id(), resend.version().get(), tick.get()),
        |(id, _, _)| get_delivery(id),
    );
    refresh_while_pending(tick, delivery);

    view! {
        <PageHeader section="Monitor" title="Delivery" />
        <p><a href=LOG>"« All deliveries"</a></p>
        <Transition fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match delivery.await {
                    Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
                    Ok(d) => view! { <Detail d resend /> }.into_any(),
                }
            })}
        </Transition>
    }
}

fn refresh_while_pending(
    tick: RwSignal<u32>,
    delivery: Resource<Result<DeliveryDetailView, AppError>>,
) {
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        let handle = leptos::leptos_dom::helpers::set_interval_with_handle(
            move || {
                let pending = delivery.get_untracked().is_some_and(|r| {
                    r.is_ok_and(|d| {
                        d.delivery.status == crate::domain::deliveries::DeliveryStatus::Pending
                    })
                });
                if pending {
                    tick.update(|t| *t = t.wrapping_add(1));
                }
            },
            std::time::Duration::from_millis(super::deliveries::REFRESH_MS),
        );
        if let Ok(handle) = handle {
            on_cleanup(move || handle.clear());
        }
    });
    #[cfg(not(feature = "hydrate"))]
    let _ = (tick, delivery);
}

#[component]
fn Detail(d: DeliveryDetailView, resend: ServerAction<ResendDelivery>) -> impl IntoView {
    let v = d.delivery.clone();
    let (badge, word) = status_badge(v.status);
    let webhook = match &d.integration_url {
        Some(_) => view! {
            <a href=format!("/assets/integrations/outbound-webhooks/{}", v.integration_id)>{v.integration_name.clone()}</a>
        }
        .into_any(),
        None => view! { <span>{v.integration_name.clone()}</span><span class="muted">" (deleted)"</span> }.into_any(),
    };
    let resend_error = move || {
        resend
            .value()
            .get()
            .and_then(|r| r.err())
            .map(|e| view! { <p class="form-error" role="alert">{e.to_string()}</p> })
    };
    let attempts = d.attempts.len();
    let attempt_views = d
        .attempts
        .iter()
        .enumerate()
        .rev()
        .map(|(i, a)| view! { <Attempt n={i + 1} a={a.clone()} /> })
        .collect_view();
    view! {
        <section class="panel delivery-summary" aria-label="Summary">
            <h2>{format!("Delivery #{}", v.id)}" "<span class=badge>{word}</span></h2>
            <dl class="facts">
                <dt>"Webhook"</dt><dd>{webhook}</dd>
                <dt>"URL"</dt><dd><code>{d.integration_url.clone().unwrap_or_else(|| "—".into())}</code></dd>
                <dt>"Channel › Event"</dt><dd>{v.channel.clone()}" › "{v.event.clone()}</dd>
                <dt>"Event ID"</dt><dd><code>{v.event_id.clone()}</code></dd>
                <dt>"Created"</dt><dd><Timestamp value=v.created_at.clone() /></dd>
                <dt>"Attempts"</dt><dd>{v.attempt_count.to_string()}</dd>
                {v.next_attempt_at.clone().map(|t| view! { <dt>"Next attempt"</dt><dd><Timestamp value=t /></dd> })}
            </dl>
            <ActionForm action=resend attr:class="resend">
                <input type="hidden" name="id" value=v.id.clone() />
                <button type="submit" class="btn btn-primary" disabled=move || resend.pending().get()>
                    "Resend"
                </button>
                <span class="hint">" Makes one attempt now, whatever the delivery's state."</span>
            </ActionForm>
            {resend_error}
        </section>
        <section class="panel body-panel" aria-label="Request body">
            <h2>"Request body"</h2>
            <pre class="body">{d.request_body.clone()}</pre>
            {d.request_body_truncated.then(|| view! { <p class="hint">"Cut for display: the whole body was sent."</p> })}
        </section>
        <section class="attempts" aria-label="Attempts">
            <h2>{format!("Attempts ({attempts})")}</h2>
            {(attempts == 0).then(|| view! { <p class="muted">"No attempt yet."</p> })}
            {attempt_views}
        </section>
    }
}

#[component]
fn Attempt(n: usize, a: AttemptView) -> impl IntoView {
    let trigger = match a.trigger {
        AttemptTrigger::Scheduled => "scheduled",
        AttemptTrigger::Manual => "manual resend",
    };
    // An SMPP attempt (Forward to SMPP) is answered by a deliver_sm_resp command_status.
    let ok = a.status_code.is_some_and(|s| (200..300).contains(&s))
        || (a.smpp_status == Some(0) && a.error_code.is_none());
    let result = match (a.status_code, a.smpp_status, &a.error_code) {
        (Some(s), _, _) => format!("HTTP {s}"),
        (None, Some(s), _) => format!("SMPP {s:#010x}"),
        (None, None, Some(code)) => code.clone(),
        (None, None, None) => "—".to_owned(),
    };
    let meaning = a
        .error_code
        .as_deref()
        .and_then(error_meaning)
        .map(|m| view! { <p class="meaning">{m}</p> });
    let message = a
        .error_message
        .clone()
        .map(|m| view! { <p class="error-message"><code>{m}</code></p> });
    view! {
        <article class="panel attempt" aria-label=format!("Attempt {n}")>
            <header class="attempt-head">
                <h3>{format!("Attempt {n}")}</h3>
                <span class={if ok { "badge badge-ok" } else { "badge badge-danger" }}>{result}</span>
                {a.error_code.clone().filter(|_| a.status_code.is_some() || a.smpp_status.is_some()).map(|c| view! { <code>{c}</code> })}
                <span class="muted"><Timestamp value=a.at.clone() />" · "{format!("{} ms", a.duration_ms)}" · "{trigger}</span>
            </header>
            {meaning}
            {message}
            <details open={!ok}>
                <summary>"Request and response"</summary>
                <h4>"Request headers"</h4>
                <HeaderTable headers=a.request_headers.clone() />
                <h4>"Response headers"</h4>
                <HeaderTable headers=a.response_headers.clone() />
                <h4>"Response body"</h4>
                {if a.response_body.is_empty() {
                    view! { <p class="muted">"Empty."</p> }.into_any()
                } else {
                    view! { <pre class="body">{a.response_body.clone()}</pre> }.into_any()
                }}
            </details>
        </article>
    }
}

#[component]
fn HeaderTable(headers: Headers) -> impl IntoView {
    if headers.0.is_empty() {
        return view! { <p class="muted">"None."</p> }.into_any();
    }
    let rows = headers
        .0
        .into_iter()
        .map(|(k, v)| view! { <tr><th scope="row"><code>{k}</code></th><td><code>{v}</code></td></tr> })
        .collect_view();
    view! { <table class="headers"><tbody>{rows}</tbody></table> }.into_any()
}
