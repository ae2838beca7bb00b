//! Assets › Services.

use leptos::prelude::*;

use crate::components::{empty_state::EmptyState, page_header::PageHeader};

#[component]
pub fn ServicesPage() -> impl IntoView {
    view! {
        <PageHeader section="Assets" title="Services" />
        <EmptyState title="No services yet" message="Messaging services send outbound messages and receive their delivery receipts." />
    }
}
