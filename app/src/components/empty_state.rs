//! What a list shows when it has nothing in it yet.

use leptos::prelude::*;

#[component]
pub fn EmptyState(
    title: &'static str,
    message: &'static str,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    view! {
        <div class="empty-state" role="status">
            <div class="empty-icon" aria-hidden="true">"∅"</div>
            <h2>{title}</h2>
            <p>{message}</p>
            {children.map(|c| c())}
        </div>
    }
}
