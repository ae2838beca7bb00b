//! Monitor › Dashboard.

use leptos::prelude::*;

use crate::components::{empty_state::EmptyState, page_header::PageHeader};

#[component]
pub fn DashboardPage() -> impl IntoView {
    view! {
        <PageHeader section="Monitor" title="Dashboard" />
        <EmptyState
            title="Nothing to chart yet"
            message="Executions and failures over time appear here once webhooks receive events."
        />
    }
}
