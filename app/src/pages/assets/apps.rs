//! Assets › Apps.

use leptos::prelude::*;

use crate::components::{empty_state::EmptyState, page_header::PageHeader};

#[component]
pub fn AppsPage() -> impl IntoView {
    view! {
        <PageHeader section="Assets" title="Apps" />
        <EmptyState title="No apps yet" message="In-App, WhatsApp, Messenger, RCS, Apple Messages for Business, Email and Push apps receive incoming messages." />
    }
}
