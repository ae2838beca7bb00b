//! Monitor › Deliveries.

use leptos::prelude::*;

use crate::components::{empty_state::EmptyState, page_header::PageHeader};

#[component]
pub fn DeliveriesPage() -> impl IntoView {
    view! {
        <PageHeader section="Monitor" title="Deliveries" />
        <EmptyState
            title="No deliveries yet"
            message="Every notification sent to a webhook, with each attempt, appears here."
        />
    }
}
