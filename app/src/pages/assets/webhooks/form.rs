//! `/assets/integrations/outbound-webhooks/new` and `…/{id}`: the Outbound Webhook form, in the
//! product's order (Name, Entity, URL, then the notifications).
//! Hydrated, fields appear and disappear as choices change (entity → notification section, hub
//! signature → secret and algorithm, Forward to SMPP → ESME bind), and before sending the form
//! checks with the very rules the server enforces (`NewWebhook::parse`). Without JavaScript it
//! posts to its own page (`components::form`): `Show notifications` renders it again for the
//! chosen Entity, the dependent fields are always shown, and the server checks them. Either
//! way the server checks what only it knows and makes the test call; errors show next to their
//! field and nothing typed is lost but the hub secret, which is never sent back.

use leptos::{html, prelude::*};
use leptos_router::hooks::{use_navigate, use_params_map};

use super::state::{facts_for, FormState};
use super::test_call::{RunTestCallButton, TestCallChecklist};
use super::test_event::TestEventButton;
use crate::{
    api::integrations::{get_webhook, load_webhook_form_options, RunTestCall, SaveWebhook},
    components::{
        field::{FieldErrors, ListedError, ListedFormError},
        form::{submitted, use_hydrated, use_posted, SecretAgain, ShowButton},
        notification_matrix::NotificationMatrix,
        page_header::PageHeader,
        timestamp::Timestamp,
    },
    domain::{
        channels::{sections_for, EntityKind},
        form::INTENT,
        validation::field::ESME_BIND_ID,
        views::{WebhookFormOptions, WebhookHealthView, WebhookView},
        webhook::{
            form::{entity_value, field},
            smpp_visible, Existing, HubAlgorithm, NewWebhook, ParseContext, TestCall, WebhookInput,
        },
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

#[component]
fn WebhookForm(options: WebhookFormOptions, existing: Option<WebhookView>) -> impl IntoView {
    let posted = use_posted();
    let hydrated = use_hydrated();
    let form = match &posted {
        Some(p) => FormState::from_form(&p.fields),
        None => FormState::new(existing.as_ref()),
    };
    let editing_id = existing.as_ref().map(|w| w.id.clone());
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
    let kept = stored
        .as_ref()
        .map(|s| s.notifications.clone())
        .unwrap_or_default();
    let legacy_sha1 = stored
        .as_ref()
        .is_some_and(|s| s.hub_algorithm == Some(HubAlgorithm::Sha1));
    let secret_set = stored.as_ref().is_some_and(|s| s.hub_secret_set);
    let secret_typed = posted
        .as_ref()
        .is_some_and(|p| p.typed_secret(field::HUB_SECRET));
    let options = StoredValue::new(options);
    let facts = Memo::new(move |_| options.with_value(|o| facts_for(o, &form.entity.get())));
    let sections =
        Signal::derive(move || facts.get().map(|f| sections_for(&f)).unwrap_or_default());
    // Hydrated, Forward to SMPP shows exactly when it applies (SPEC §2); without JavaScript,
    // on every number, and the server says when it does not apply.
    let smpp_shown = Memo::new(move |_| match facts.get() {
        Some(f) if hydrated.get() => form
            .ticked
            .with(|t| smpp_visible(f.kind, t, form.hub_enabled.get())),
        Some(f) => f.kind == EntityKind::Number,
        None => false,
    });
    // Forward to SMPP is cleared as soon as it no longer applies (SPEC §2).
    Effect::new(move |_| {
        if !smpp_shown.get() {
            form.forward.set(false);
            form.esme_bind.set(String::new());
        }
    });
    let errors: FieldErrors = RwSignal::new(
        posted
            .as_ref()
            .and_then(|p| p.error.clone())
            .map(server_error)
            .into_iter()
            .collect(),
    );
    let save = ServerAction::<SaveWebhook>::new();
    // The steps of the last test call: from "Run test call", or from a save it refused.
    let run = ServerAction::<RunTestCall>::new();
    let test_call: RwSignal<Option<TestCall>> = RwSignal::new(posted.as_ref().and_then(|p| {
        p.test_call
            .clone()
            .or_else(|| p.error.as_ref().and_then(refused_call))
    }));
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
    let form_ref = NodeRef::<html::Form>::new();
    // Hydrated: what the browser would post, checked by the server's own rules first.
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(el) = form_ref.get_untracked() else {
            return;
        };
        let input = WebhookInput::from_form(&submitted(&el));
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
    let entity = form.entity.get_untracked();

    view! {
        <form class="panel form" method="post" node_ref=form_ref on:submit=on_submit novalidate>
            // The form's default button (Enter in a field), first in the form so that it is not
            // `Show notifications` or `Run test call`: it saves. Out of sight and of the
            // accessibility tree; the visible Save below does the same.
            <button type="submit" name=INTENT value="save" class="sr-only" tabindex="-1" aria-hidden="true">"Save"</button>
            <ListedFormError errors />
            <div class="field">
                <label for="wh-name">"Name"</label>
                <input id="wh-name" type="text" name=field::NAME maxlength="100" value=form.name.get_untracked() bind:value=form.name />
                <ListedError errors field="name" />
            </div>
            <div class="field">
                <label for="wh-entity">"Entity"</label>
                <div class="input-with-action">
                    <select id="wh-entity" name=field::ENTITY on:change=on_entity prop:value=move || form.entity.get()>
                        <option value="" selected=entity.is_empty()>"Choose a service, number or app"</option>
                        <EntityOptions options selected=entity.clone() />
                    </select>
                    <ShowButton label="Show notifications" />
                </div>
                <ListedError errors field="entity" />
            </div>
            <UrlField form errors run test_call />
            <section class="notifications" aria-label="Notifications">
                <h2>"Which notifications do you want to receive"</h2>
                {move || facts.get().is_none().then(|| view! { <p class="muted">"Choose an entity first."</p> })}
                <NotificationMatrix sections ticked=form.ticked kept />
                <ListedError errors field="notifications" />
            </section>
            <HubFields form errors hydrated legacy_sha1 secret_set secret_typed />
            <div class="field">
                <label for="wh-auth">"Authorization"</label>
                <select id="wh-auth" name=field::AUTHORIZATION_ID bind:value=form.authorization>
                    <option value="">"None"</option>
                    {
                        let chosen = form.authorization.get_untracked();
                        options.with_value(|o| o.authorizations.clone()).into_iter().map(|a| {
                            let selected = a.id == chosen;
                            view! { <option value=a.id selected=selected>{a.label}</option> }
                        }).collect_view()
                    }
                </select>
                <ListedError errors field="authorization_id" />
            </div>
            <Show
                when=move || smpp_shown.get()
                // A refusal of Forward to SMPP where it is not shown (a crafted post) still shows.
                fallback=move || view! { <ListedError errors field="forward_to_smpp" /> }
            >
                <SmppFields form errors hydrated options />
            </Show>
            <DeliveryFields form errors />
            <div class="check">
                <input id="wh-enabled" type="checkbox" name=field::ENABLED checked=form.enabled.get_untracked() bind:checked=form.enabled />
                <label for="wh-enabled">"Enabled"</label>
            </div>
            <div class="form-actions">
                <button type="submit" name=INTENT value="save" class="btn btn-primary" disabled=move || save.pending().get()>
                    {move || if save.pending().get() { "Testing the URL…" } else { "Save" }}
                </button>
                <a class="btn" href="/assets/integrations">"Cancel"</a>
            </div>
        </form>
    }
}

/// URL, with `Run test call` beside it and the last test call's steps under it.
#[component]
fn UrlField(
    form: FormState,
    errors: FieldErrors,
    run: ServerAction<RunTestCall>,
    test_call: RwSignal<Option<TestCall>>,
) -> impl IntoView {
    view! {
        <div class="field">
            <label for="wh-url">"URL"</label>
            <div class="input-with-action">
                <input id="wh-url" type="url" name=field::URL placeholder="https://" value=form.url.get_untracked() bind:value=form.url />
                <RunTestCallButton url=form.url authorization=form.authorization run />
            </div>
            <ListedError errors field="url" />
            <TestCallChecklist call=test_call />
        </div>
    }
}

/// Enable Hub Signature, and its secret and algorithm: hydrated, shown while it is ticked;
/// without JavaScript, always (they count only when it is ticked).
#[component]
fn HubFields(
    form: FormState,
    errors: FieldErrors,
    hydrated: Signal<bool>,
    legacy_sha1: bool,
    secret_set: bool,
    secret_typed: bool,
) -> impl IntoView {
    let algorithm = form.algorithm.get_untracked();
    view! {
        <div class="check">
            <input id="wh-hub" type="checkbox" name=field::HUB_ENABLED checked=form.hub_enabled.get_untracked() bind:checked=form.hub_enabled />
            <label for="wh-hub">"Enable Hub Signature"</label>
        </div>
        <Show when=move || !hydrated.get() || form.hub_enabled.get()>
            <div class="indent">
                <div class="field">
                    <label for="wh-secret">"Hub Secret"</label>
                    <input
                        id="wh-secret"
                        type="password"
                        name=field::HUB_SECRET
                        autocomplete="new-password"
                        placeholder=if secret_set { "A secret is set: type to replace it" } else { "" }
                    />
                    <SecretAgain typed=secret_typed />
                    <ListedError errors field="hub_signature" />
                </div>
                <div class="field">
                    <label for="wh-algorithm">"Algorithm"</label>
                    {if legacy_sha1 {
                        // A disabled control is not posted: the kept SHA1 travels beside it.
                        view! {
                            <select id="wh-algorithm" disabled=true>
                                <option value="sha1">"SHA1"</option>
                            </select>
                            <input type="hidden" name=field::HUB_ALGORITHM value="sha1" />
                            <p class="hint">"SHA1 is kept for this existing webhook; new webhooks use SHA256 or SHA512."</p>
                        }.into_any()
                    } else {
                        view! {
                            <select id="wh-algorithm" name=field::HUB_ALGORITHM bind:value=form.algorithm>
                                <option value="sha256" selected=algorithm != "sha512">"SHA256"</option>
                                <option value="sha512" selected=algorithm == "sha512">"SHA512"</option>
                            </select>
                        }.into_any()
                    }}
                </div>
            </div>
        </Show>
    }
}

/// Forward to SMPP and Select ESME Bind ID (shown like the hub fields: hydrated, while ticked).
#[component]
fn SmppFields(
    form: FormState,
    errors: FieldErrors,
    hydrated: Signal<bool>,
    options: StoredValue<WebhookFormOptions>,
) -> impl IntoView {
    let chosen = form.esme_bind.get_untracked();
    view! {
        <div class="check">
            <input id="wh-smpp" type="checkbox" name=field::FORWARD_TO_SMPP checked=form.forward.get_untracked() bind:checked=form.forward />
            <label for="wh-smpp">"Forward to SMPP"</label>
        </div>
        <ListedError errors field="forward_to_smpp" />
        <Show when=move || !hydrated.get() || form.forward.get()>
            <div class="field indent">
                <label for="wh-esme">"Select ESME Bind ID"</label>
                <select id="wh-esme" name=field::ESME_BIND_ID bind:value=form.esme_bind>
                    <option value="" selected=chosen.is_empty()>"Choose an ESME bind"</option>
                    {options.with_value(|o| o.esme_binds.clone()).into_iter().map(|b| {
                        let text = format!("{} · {}", b.id, b.label);
                        let selected = b.id == chosen;
                        view! { <option value=b.id selected=selected>{text}</option> }
                    }).collect_view()}
                </select>
                <ListedError errors field=ESME_BIND_ID />
            </div>
        </Show>
    }
}

/// The per-webhook delivery settings, folded away unless one is set or refused.
#[component]
fn DeliveryFields(form: FormState, errors: FieldErrors) -> impl IntoView {
    // Open from the start when a setting is stored, and whenever one is refused; a memo, so
    // typing never folds the section away under the cursor.
    let delivery_set = !form.max_in_flight.with_untracked(String::is_empty)
        || !form.rate_per_second.with_untracked(String::is_empty);
    let delivery_open = Memo::new(move |_| {
        delivery_set || errors.with(|e| e.iter().any(|(f, _)| f.starts_with("delivery/")))
    });
    view! {
        <details class="disclosure" open=move || delivery_open.get()>
            <summary>"Delivery settings"</summary>
            <p class="hint">"Left empty, this webhook shares the dispatcher's requests in flight fairly with the others."</p>
            <div class="field">
                <label for="wh-max-in-flight">"Max in flight"</label>
                <input id="wh-max-in-flight" type="number" name=field::MAX_IN_FLIGHT min="1" step="1" inputmode="numeric" value=form.max_in_flight.get_untracked() bind:value=form.max_in_flight />
                <ListedError errors field="delivery/max_in_flight" />
            </div>
            <div class="field">
                <label for="wh-rate">"Rate per second"</label>
                <input id="wh-rate" type="number" name=field::RATE_PER_SECOND min="0" step="any" inputmode="decimal" value=form.rate_per_second.get_untracked() bind:value=form.rate_per_second />
                <ListedError errors field="delivery/rate_per_second" />
            </div>
        </details>
    }
}

/// Entity choices grouped by kind; each option shows the asset's name or number.
#[component]
fn EntityOptions(options: StoredValue<WebhookFormOptions>, selected: String) -> impl IntoView {
    let o = options.get_value();
    let option = |kind: &str, id: &str, label: String| {
        let value = entity_value(kind, id);
        let chosen = value == selected;
        view! { <option value=value selected=chosen>{label}</option> }
    };
    let services: Vec<_> = o
        .services
        .into_iter()
        .map(|s| option("service", &s.id, s.name))
        .collect();
    let numbers: Vec<_> = o
        .numbers
        .into_iter()
        .map(|n| option("number", &n.id, n.number))
        .collect();
    let apps: Vec<_> = o
        .apps
        .into_iter()
        .map(|a| option("app", &a.id, a.name))
        .collect();
    view! {
        <optgroup label="Services">{services}</optgroup>
        <optgroup label="Numbers">{numbers}</optgroup>
        <optgroup label="Apps">{apps}</optgroup>
    }
}

/// Error paths like `notifications/2` or `hub_signature/secret` show at their section; the
/// delivery settings' (`delivery/max_in_flight`, `delivery/rate_per_second`) and the ESME
/// bind's at their own field.
fn top_field(path: &str) -> String {
    if path.starts_with("delivery/") || path == ESME_BIND_ID {
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
