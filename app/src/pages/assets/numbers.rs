//! Assets › Numbers.

use leptos::prelude::*;

use crate::components::{empty_state::EmptyState, page_header::PageHeader};

#[component]
pub fn NumbersPage() -> impl IntoView {
    view! {
        <PageHeader section="Assets" title="Numbers" />
        <EmptyState title="No numbers yet" message="Phone numbers receive incoming SMS, MMS and calls." />
    }
}
