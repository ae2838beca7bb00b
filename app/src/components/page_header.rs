//! The title row of a page: breadcrumb, heading and the page's main actions.

use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn PageHeader(
    /// The section the page belongs to ("Assets", "Monitor").
    section: &'static str,
    title: &'static str,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    view! {
        <Title text=title />
        <div class="page-header">
            <div>
                <p class="breadcrumb">{section}" › "{title}</p>
                <h1>{title}</h1>
            </div>
            <div class="page-actions">{children.map(|c| c())}</div>
        </div>
    }
}
