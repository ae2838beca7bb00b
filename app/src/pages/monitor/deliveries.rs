//! Monitor › Deliveries. The delivery log itself is served by the REST API today
//! (`GET /api/v1/deliveries`, `…/{id}` with attempts, `…/{id}/resend`); this page says so rather
//! than showing an empty log, until the monitoring work brings the table, filters and export.

use leptos::prelude::*;

use crate::components::{empty_state::EmptyState, page_header::PageHeader};

#[component]
pub fn DeliveriesPage() -> impl IntoView {
    view! {
        <PageHeader section="Monitor" title="Deliveries" />
        <EmptyState
            title="The delivery log is in the API for now"
            message="GET /api/v1/deliveries lists every delivery (filters: integration_id, status, channel, from, to); GET /api/v1/deliveries/{id} shows its attempts; POST /api/v1/deliveries/{id}/resend sends it again. This page will show them with filters and export."
        />
    }
}
