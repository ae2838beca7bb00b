//! `/assets/integrations/outbound-webhooks/new` and `…/{id}`: the Outbound Webhook form.
//! Fields appear and disappear as choices change (entity → notification section, hub
//! signature → secret and algorithm, Forward to SMPP → ESME bind). Before sending, the form
//! checks with the very rules the server enforces (`NewWebhook::parse`); the server then checks
//! what only it knows and makes the test call. Errors show next to their field; nothing typed
//! is lost.

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map};

use super::state::{entity_value, facts_for, FormState};
use super::test_call::{RunTestCallButton, TestCallChecklist};
use super::test_event::TestEventButton;
use crate::{
    api::integrations::{get_webhook, load_webhook_form_options, RunTestCall, SaveWebhook},
    components::{
        notification_matrix::NotificationMatrix, page_header::PageHeader, timestamp::Timestamp,
    },
    domain::{
        channels::sections_for,
        views::{WebhookFormOptions, WebhookHealthView, WebhookView},
        webhook::{smpp_visible, Existing, HubAlgorithm, NewWebhook, ParseContext, TestCall},
        AppError,
    },
};

#[component]
pub fn WebhookFormPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id");
    let options = Resource::new(|| (), |_| load_webhook_form_options());
    let existing = Resource::new(id, |id| async move {
        match id {
            Some(id) => get_webhook(id).await.map(Some),
            None => Ok(None),
        }
    });
    view! {
        <PageHeader section="Assets › Integrations" title="Outbound Webhook" />
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match (options.await, existing.await) {
                    (Ok(options), Ok(existing)) => {
                        let saved_id = existing.as_ref().map(|w| w.id.clone());
                        let health = existing.as_ref().map(|w| {
                            let health = w.health.clone();
                            view! { <HealthPanel health /> }.into_any()
                        });
                        // Erased one by one: the form's full view type is too deep to nest.
                        let form = view! { <WebhookForm options existing /> }.into_any();
                        let test = saved_id.map(|id| view! { <TestEventButton id /> }.into_any());
                        view! { {health} {form} {test} }.into_any()
                    }
                    (Err(e), _) | (_, Err(e)) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// A saved webhook's health (CONTRACT §4): failures in a row, the last success, and its
/// attempts' latency over the last 24 hours. Server-rendered with the page.
#[component]
fn HealthPanel(health: WebhookHealthView) -> impl IntoView {
    let last = match health.last_success_at.clone() {
        Some(at) => view! { <Timestamp value=at /> }.into_any(),
        None => view! { "Never" }.into_any(),
    };
    let p50 = WebhookHealthView::latency_text(health.p50_ms);
    let p99 = WebhookHealthView::latency_text(health.p99_ms);
    view! {
        <section class="panel health-panel" aria-labelledby="wh-health">
            <h2 id="wh-health">"Health " <span class=health.badge()>{health.summary()}</span></h2>
            <dl class="health-facts">
                <div><dt>"Failures in a row"</dt><dd data-health="consecutive_failures">{health.consecutive_failures}</dd></div>
                <div><dt>"Last success"</dt><dd data-health="last_success_at">{last}</dd></div>
                <div><dt>"Latency p50 (24 h)"</dt><dd data-health="p50_ms">{p50}</dd></div>
                <div><dt>"Latency p99 (24 h)"</dt><dd data-health="p99_ms">{p99}</dd></div>
            </dl>
        </section>
    }
}

/// Field errors, as (field path, message).
type Errors = RwSignal<Vec<(String, String)>>;

fn error_for(errors: Errors, field: &'static str) -> impl Fn() -> Option<String> {
    move || errors.with(|e| e.iter().find(|(f, _)| f == field).map(|(_, m)| m.clone()))
}

#[component]
fn FieldError(errors: Errors, field: &'static str) -> impl IntoView {
    let message = error_for(errors, field);
    move || {
        message().map(|m| view! { <p class="field-error" role="alert" data-field=field>{m}</p> })
    }
}

#[component]
fn WebhookForm(options: WebhookFormOptions, existing: Option<WebhookView>) -> impl IntoView {
    let form = FormState::new(existing.as_ref());
    let editing_id = existing.as_ref().map(|w| w.id.clone());
    let kept: Vec<(String, String)> = form.ticked.get_untracked();
    let stored = existing.as_ref().map(|w| Existing {
        notifications: w
            .notifications
            .iter()
            .map(|n| (n.channel.clone(), n.event.clone()))
            .collect(),
        hub_algorithm: w
            .hub_signature
            .as_ref()
            .and_then(|h| HubAlgorithm::parse(&h.algorithm)),
        hub_secret_set: w.hub_signature.as_ref().is_some_and(|h| h.secret_set),
        url: w.url.clone(),
    });
    let legacy_sha1 = stored
        .as_ref()
        .is_some_and(|s| s.hub_algorithm == Some(HubAlgorithm::Sha1));
    let secret_set = stored.as_ref().is_some_and(|s| s.hub_secret_set);
    let options = StoredValue::new(options);
    let facts = Memo::new(move |_| options.with_value(|o| facts_for(o, &form.entity.get())));
    let sections =
        Signal::derive(move || facts.get().map(|f| sections_for(&f)).unwrap_or_default());
    let smpp_shown = Memo::new(move |_| match facts.get() {
        Some(f) => form
            .ticked
            .with(|t| smpp_visible(f.kind, t, form.hub_enabled.get())),
        None => false,
    });
    // Forward to SMPP is cleared as soon as it no longer applies (SPEC §2).
    Effect::new(move |_| {
        if !smpp_shown.get() {
            form.forward.set(false);
            form.esme_bind.set(String::new());
        }
    });
    let errors: Errors = RwSignal::new(Vec::new());
    let save = ServerAction::<SaveWebhook>::new();
    // The steps of the last test call: from "Run test call", or from a save it refused.
    let run = ServerAction::<RunTestCall>::new();
    let test_call: RwSignal<Option<TestCall>> = RwSignal::new(None);
    let navigate = use_navigate();
    Effect::new(move |_| match save.value().get() {
        Some(Ok(_)) => navigate("/assets/integrations", Default::default()),
        Some(Err(e)) => {
            test_call.set(refused_call(&e));
            errors.set(vec![server_error(e)]);
        }
        None => {}
    });
    Effect::new(move |_| match run.value().get() {
        Some(Ok(call)) => {
            errors.update(|e| e.retain(|(f, _)| f != "url" && f != "authorization_id"));
            test_call.set(Some(call));
        }
        Some(Err(e)) => {
            test_call.set(None);
            errors.set(vec![server_error(e)]);
        }
        None => {}
    });
    let on_submit = {
        let editing_id = editing_id.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            let input = form.input();
            let ctx = ParseContext {
                entity: facts.get_untracked(),
                existing: stored.clone(),
            };
            if let Err(found) = NewWebhook::parse(&input, &ctx) {
                errors.set(
                    found
                        .iter()
                        .map(|e| (top_field(&e.field), e.message.clone()))
                        .collect(),
                );
                return;
            }
            errors.set(Vec::new());
            save.dispatch(SaveWebhook {
                id: editing_id.clone(),
                input,
            });
        }
    };
    // Ticks the entity can no longer have are dropped when the entity changes.
    let on_entity = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        form.entity.set(value.clone());
        let allowed = options
            .with_value(|o| facts_for(o, &value))
            .map(|f| sections_for(&f))
            .unwrap_or_default();
        form.ticked.update(|t| {
            t.retain(|(c, e)| {
                allowed
                    .iter()
                    .any(|s| s.label() == c && s.events.iter().any(|ev| ev.label == e))
            })
        });
    };
    let general_error =
        move || errors.with(|e| e.iter().find(|(f, _)| f.is_empty()).map(|(_, m)| m.clone()));
    // Open from the start when a setting is stored, and whenever one is refused; a memo, so
    // typing never folds the section away under the cursor.
    let delivery_set = !form.max_in_flight.with_untracked(String::is_empty)
        || !form.rate_per_second.with_untracked(String::is_empty);
    let delivery_open = Memo::new(move |_| {
        delivery_set || errors.with(|e| e.iter().any(|(f, _)| f.starts_with("delivery/")))
    });

    view! {
        <form class="panel form" on:submit=on_submit novalidate>
            {move || general_error().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
            <div class="field">
                <label for="wh-name">"Name"</label>
                <input id="wh-name" type="text" maxlength="100" bind:value=form.name />
                <FieldError errors field="name" />
            </div>
            <div class="field">
                <label for="wh-entity">"Entity"</label>
                <select id="wh-entity" on:change=on_entity prop:value=move || form.entity.get()>
                    <option value="">"Choose a service, number or app"</option>
                    <EntityOptions options />
                </select>
                <FieldError errors field="entity" />
            </div>
            <section class="notifications" aria-label="Notifications">
                <h2>"Which notifications do you want to receive"</h2>
                {move || facts.get().is_none().then(|| view! { <p class="muted">"Choose an entity first."</p> })}
                <NotificationMatrix sections ticked=form.ticked kept=kept.clone() />
                <FieldError errors field="notifications" />
            </section>
            <div class="field">
                <label for="wh-url">"URL"</label>
                <div class="input-with-action">
                    <input id="wh-url" type="url" placeholder="https://" bind:value=form.url />
                    <RunTestCallButton url=form.url authorization=form.authorization run />
                </div>
                <FieldError errors field="url" />
                <TestCallChecklist call=test_call />
            </div>
            <div class="check">
                <input id="wh-hub" type="checkbox" bind:checked=form.hub_enabled />
                <label for="wh-hub">"Enable Hub Signature"</label>
            </div>
            <Show when=move || form.hub_enabled.get()>
                <div class="indent">
                    <div class="field">
                        <label for="wh-secret">"Hub Secret"</label>
                        <input
                            id="wh-secret"
                            type="password"
                            autocomplete="new-password"
                            placeholder=if secret_set { "A secret is set: type to replace it" } else { "" }
                            bind:value=form.hub_secret
                        />
                        <FieldError errors field="hub_signature" />
                    </div>
                    <div class="field">
                        <label for="wh-algorithm">"Algorithm"</label>
                        <select id="wh-algorithm" bind:value=form.algorithm disabled=legacy_sha1>
                            {legacy_sha1.then(|| view! { <option value="sha1">"SHA1"</option> })}
                            <option value="sha256">"SHA256"</option>
                            <option value="sha512">"SHA512"</option>
                        </select>
                        {legacy_sha1.then(|| view! { <p class="hint">"SHA1 is kept for this existing webhook; new webhooks use SHA256 or SHA512."</p> })}
                    </div>
                </div>
            </Show>
            <div class="field">
                <label for="wh-auth">"Authorization"</label>
                <select id="wh-auth" bind:value=form.authorization>
                    <option value="">"None"</option>
                    {options.with_value(|o| o.authorizations.clone()).into_iter().map(|a| view! { <option value=a.id>{a.label}</option> }).collect_view()}
                </select>
                <FieldError errors field="authorization_id" />
            </div>
            <Show when=move || smpp_shown.get()>
                <div class="check">
                    <input id="wh-smpp" type="checkbox" bind:checked=form.forward />
                    <label for="wh-smpp">"Forward to SMPP"</label>
                </div>
                <FieldError errors field="forward_to_smpp" />
                <Show when=move || form.forward.get()>
                    <div class="field indent">
                        <label for="wh-esme">"Select ESME Bind ID"</label>
                        <select id="wh-esme" bind:value=form.esme_bind>
                            <option value="">"Choose an ESME bind"</option>
                            {options.with_value(|o| o.esme_binds.clone()).into_iter().map(|b| {
                                let text = format!("{} · {}", b.id, b.label);
                                view! { <option value=b.id>{text}</option> }
                            }).collect_view()}
                        </select>
                        <FieldError errors field="forward_to_smpp" />
                    </div>
                </Show>
            </Show>
            // Open when something is set or refused in it, so neither is hidden.
            <details class="disclosure" open=move || delivery_open.get()>
                <summary>"Delivery settings"</summary>
                <p class="hint">"Left empty, this webhook shares the dispatcher's requests in flight fairly with the others."</p>
                <div class="field">
                    <label for="wh-max-in-flight">"Max in flight"</label>
                    <input id="wh-max-in-flight" type="number" min="1" step="1" inputmode="numeric" bind:value=form.max_in_flight />
                    <FieldError errors field="delivery/max_in_flight" />
                </div>
                <div class="field">
                    <label for="wh-rate">"Rate per second"</label>
                    <input id="wh-rate" type="number" min="0" step="any" inputmode="decimal" bind:value=form.rate_per_second />
                    <FieldError errors field="delivery/rate_per_second" />
                </div>
            </details>
            <div class="check">
                <input id="wh-enabled" type="checkbox" bind:checked=form.enabled />
                <label for="wh-enabled">"Enabled"</label>
            </div>
            <div class="form-actions">
                <button type="submit" class="btn btn-primary" disabled=move || save.pending().get()>
                    {move || if save.pending().get() { "Testing the URL…" } else { "Save" }}
                </button>
                <a class="btn" href="/assets/integrations">"Cancel"</a>
            </div>
        </form>
    }
}

/// Entity choices grouped by kind; each option shows the asset's name or number.
#[component]
fn EntityOptions(options: StoredValue<WebhookFormOptions>) -> impl IntoView {
    let o = options.get_value();
    view! {
        <optgroup label="Services">
            {o.services.into_iter().map(|s| view! { <option value=entity_value("service", &s.id)>{s.name}</option> }).collect_view()}
        </optgroup>
        <optgroup label="Numbers">
            {o.numbers.into_iter().map(|n| view! { <option value=entity_value("number", &n.id)>{n.number}</option> }).collect_view()}
        </optgroup>
        <optgroup label="Apps">
            {o.apps.into_iter().map(|a| view! { <option value=entity_value("app", &a.id)>{a.name}</option> }).collect_view()}
        </optgroup>
    }
}

/// Error paths like `notifications/2` or `hub_signature/secret` show at their section; the
/// delivery settings' (`delivery/max_in_flight`, `delivery/rate_per_second`) at their own field.
fn top_field(path: &str) -> String {
    if path.starts_with("delivery/") {
        return path.to_owned();
    }
    path.split('/').next().unwrap_or_default().to_owned()
}

/// The steps of a test call that refused a save, if that is what `e` is.
fn refused_call(e: &AppError) -> Option<TestCall> {
    match e {
        AppError::Validation {
            test_call: Some(call),
            ..
        } => Some((**call).clone()),
        _ => None,
    }
}

fn server_error(e: AppError) -> (String, String) {
    let field = e.field().map(top_field).unwrap_or_default();
    let message = match &e {
        AppError::Validation {
            message,
            detail: Some(d),
            ..
        } => format!("{message} {d}"),
        other => other.to_string(),
    };
    (field, message)
}

#[cfg(test)]
mod tests {
    use super::top_field;

    #[test]
    fn errors_show_at_their_section_and_delivery_settings_at_their_own_field() {
        assert_eq!(top_field("notifications/2"), "notifications");
        assert_eq!(top_field("hub_signature/secret"), "hub_signature");
        assert_eq!(top_field("url"), "url");
        assert_eq!(
            top_field("delivery/max_in_flight"),
            "delivery/max_in_flight"
        );
        assert_eq!(
            top_field("delivery/rate_per_second"),
            "delivery/rate_per_second"
        );
    }
}
