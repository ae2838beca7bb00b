//! "Send test event" on a saved webhook: sends a sample of its first ticked notification to it
//! and shows the outcome (delivery, status, status code or error) next to the button. A form of
//! its own, so it also works with JavaScript off.

use leptos::prelude::*;

use crate::{api::integrations::SendTestEvent, domain::views::TestEventView};

#[component]
pub fn TestEventButton(id: String) -> impl IntoView {
    let send = ServerAction::<SendTestEvent>::new();
    let outcome = move || {
        send.value().get().map(|result| match result {
            Ok(view) => {
                view! { <p class=class_for(&view) role="status">{describe(&view)}</p> }.into_any()
            }
            Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
        })
    };
    view! {
        <ActionForm action=send attr:class="test-event">
            <input type="hidden" name="id" value=id />
            <button type="submit" class="btn" disabled=move || send.pending().get()>
                "Send test event"
            </button>
            {outcome}
        </ActionForm>
    }
}

fn class_for(view: &TestEventView) -> &'static str {
    match view.status.as_str() {
        "delivered" => "test-event-result ok",
        _ => "test-event-result failed",
    }
}

fn describe(view: &TestEventView) -> String {
    match &view.delivery_id {
        Some(id) => format!("Delivery {id}: {} — {}", view.status, view.message),
        None => view.message.clone(),
    }
}
