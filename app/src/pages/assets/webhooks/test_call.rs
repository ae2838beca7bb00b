//! `Run test call` beside the webhook's URL (CONTRACT §4): one test call with the URL and the
//! authorization as typed, saving nothing, shown as a checklist of its steps (dns, connect, tls,
//! auth, request) — green, or red with the reason; with JavaScript on or off. A save the test call refused shows its steps
//! the same way, so the person sees where the call broke either way.

use leptos::prelude::*;

use crate::{
    api::integrations::RunTestCall,
    domain::{form::INTENT, webhook::TestCall},
};

/// The button. Hydrated, it runs `run` with what the form holds now; without JavaScript it
/// posts the form with `intent=test`, and the server renders the form again with the steps.
#[component]
pub fn RunTestCallButton(
    url: RwSignal<String>,
    authorization: RwSignal<String>,
    run: ServerAction<RunTestCall>,
) -> impl IntoView {
    let on_click = move |ev: leptos::ev::MouseEvent| {
        ev.prevent_default();
        run.dispatch(RunTestCall {
            url: url.get_untracked(),
            authorization_id: Some(authorization.get_untracked()).filter(|a| !a.is_empty()),
        });
    };
    view! {
        <button type="submit" name=INTENT value="test" formnovalidate class="btn" on:click=on_click disabled=move || run.pending().get()>
            {move || if run.pending().get() { "Testing…" } else { "Run test call" }}
        </button>
    }
}

/// The steps of the last test call, if one ran.
#[component]
pub fn TestCallChecklist(call: RwSignal<Option<TestCall>>) -> impl IntoView {
    move || call.get().map(|call| view! { <Checklist call /> })
}

#[component]
fn Checklist(call: TestCall) -> impl IntoView {
    let verdict = match call.failure() {
        None if call.ok => format!("The test call got 200 OK in {} ms.", call.duration_ms),
        Some(step) => format!("The test call failed at {}.", step.step.label()),
        None => "The test call did not finish.".to_owned(),
    };
    let class = if call.ok {
        "test-call ok"
    } else {
        "test-call failed"
    };
    let steps = call
        .steps
        .into_iter()
        .map(|s| {
            let (class, mark, state) = if s.ok {
                ("ok", "✓", "passed")
            } else {
                ("failed", "✗", "failed")
            };
            view! {
                <li class=class data-step=s.step.name()>
                    <span class="mark" aria-hidden="true">{mark}</span>
                    <span class="sr-only">{state}</span>
                    <strong>{s.step.label()}</strong>
                    " "
                    <span class="detail">{s.detail}</span>
                </li>
            }
        })
        .collect_view();
    view! {
        <div class=class role="status" aria-label="Test call">
            <p class="test-call-verdict">{verdict}</p>
            <ol class="test-call-steps">{steps}</ol>
        </div>
    }
}
