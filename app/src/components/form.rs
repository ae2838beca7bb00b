//! What every console form shares to work with JavaScript on and off (progressive enhancement).
//!
//! - A form is a plain `<form method="post">` to its own page, with named controls. Without
//!   JavaScript the browser posts it; the server reads the fields with the same functions as
//!   the browser (`domain::form`), saves or refuses, and renders the page again from the
//!   [`PostedForm`] (what was typed, the error): see the server's `web::form_pages`.
//! - Hydrated, the form's submit is taken over: [`submitted`] reads the very fields the browser
//!   would have posted, the form checks them as the server will, then calls the server function.
//! - Parts that JavaScript updates live (the notification matrix for the chosen Entity, the
//!   fields of the chosen Type) get a [`ShowButton`] instead while the page is not hydrated, and
//!   fields that depend on a checkbox are shown until it is ([`use_hydrated`]).

use leptos::prelude::*;

use crate::domain::form::{FormFields, PostedForm, INTENT};

/// Whether the WASM has hydrated the page: false while server-rendering, during hydration and
/// for good without JavaScript, so what depends on it renders the same in all three.
#[derive(Clone, Copy)]
pub struct Hydrated(pub ReadSignal<bool>);

/// Provided once, by the app's root.
pub fn provide_hydrated() -> ReadSignal<bool> {
    let (hydrated, set) = signal(false);
    // Effects run only in the browser, after hydration.
    Effect::new(move |_| set.set(true));
    provide_context(Hydrated(hydrated));
    hydrated
}

pub fn use_hydrated() -> Signal<bool> {
    match use_context::<Hydrated>() {
        Some(Hydrated(h)) => h.into(),
        None => Signal::stored(false),
    }
}

/// The form posted without JavaScript that this page is rendered for, if it is.
pub fn use_posted() -> Option<PostedForm> {
    use_context::<PostedForm>()
}

/// The fields the browser would post for `form` now (hydrated only).
pub fn submitted(form: &web_sys::HtmlFormElement) -> FormFields {
    let encoded = web_sys::FormData::new_with_form(form)
        .and_then(|data| web_sys::UrlSearchParams::new_with_str_sequence_sequence(&data))
        .map(|params| String::from(params.to_string()))
        .unwrap_or_default();
    FormFields::from_urlencoded(encoded.as_bytes())
}

/// A submit button that renders the form again for what is chosen, saving nothing; only while
/// the page is not hydrated (hydrated, the form follows every choice at once).
#[component]
pub fn ShowButton(label: &'static str) -> impl IntoView {
    let hydrated = use_hydrated();
    view! {
        <Show when=move || !hydrated.get()>
            <button type="submit" name=INTENT value="show" class="btn" formnovalidate>
                {label}
            </button>
        </Show>
    }
}

/// Under a secret field of a form rendered again after a post: the secret typed there is not
/// sent back to the browser.
#[component]
pub fn SecretAgain(typed: bool) -> impl IntoView {
    typed.then(|| {
        view! { <p class="hint secret-again">"Secrets are not sent back to the browser: enter it again."</p> }
    })
}
