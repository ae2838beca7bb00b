//! Assets › ESME Binds.

use leptos::prelude::*;

use crate::components::{empty_state::EmptyState, page_header::PageHeader};

#[component]
pub fn EsmeBindsPage() -> impl IntoView {
    view! {
        <PageHeader section="Assets" title="ESME Binds" />
        <EmptyState title="No ESME binds yet" message="ESME binds are SMPP accounts that incoming SMS can be forwarded to." />
    }
}
