//! A confirmation that an action cannot be undone (e.g. deleting an asset), shown over the page.
//!
//! It is a page state, not a script: the page renders it when its address asks for it (e.g.
//! `?delete=<id>`), so it works the same with JavaScript off. The caller passes the form that
//! does the action (with its submit button and a Cancel link) as children. Hydrated, it takes
//! the keyboard focus when it opens.

use leptos::{html, prelude::*};

#[component]
pub fn ConfirmDialog(
    /// The question, e.g. "Delete service?".
    #[prop(into)]
    title: String,
    /// What will happen, e.g. "“Order Updates” will be deleted. This cannot be undone."
    #[prop(into)]
    message: String,
    /// Why the action was refused, if it was (shown in the dialog, as an alert).
    error: Signal<Option<String>>,
    children: Children,
) -> impl IntoView {
    let dialog = NodeRef::<html::Section>::new();
    Effect::new(move |_| {
        if let Some(el) = dialog.get() {
            _ = el.focus();
        }
    });
    view! {
        <div class="dialog-backdrop">
            <section
                class="panel dialog"
                role="alertdialog"
                aria-modal="true"
                aria-labelledby="confirm-dialog-title"
                aria-describedby="confirm-dialog-message"
                tabindex="-1"
                node_ref=dialog
            >
                <h2 id="confirm-dialog-title">{title}</h2>
                <p id="confirm-dialog-message">{message}</p>
                {move || {
                    error.get().map(|m| view! { <p class="form-error" role="alert">{m}</p> })
                }}
                {children()}
            </section>
        </div>
    }
}
