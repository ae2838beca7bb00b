//! Assets › Integrations: the Integrations tab (outbound webhooks) and the Authorizations tab
//! (`?tab=authorizations`). Tabs are links, so both work with JavaScript off.

use leptos::prelude::*;
use leptos_router::{components::A, hooks::use_query_map};

use crate::components::{empty_state::EmptyState, page_header::PageHeader};

#[derive(Clone, Copy, PartialEq, Eq)]
enum Tab {
    Integrations,
    Authorizations,
}

impl Tab {
    fn from_query(value: Option<String>) -> Self {
        match value.as_deref() {
            Some("authorizations") => Tab::Authorizations,
            _ => Tab::Integrations,
        }
    }
}

#[component]
pub fn IntegrationsPage() -> impl IntoView {
    let query = use_query_map();
    let tab = Memo::new(move |_| Tab::from_query(query.read().get("tab")));

    view! {
        <PageHeader section="Assets" title="Integrations">
            <AddIntegrationMenu />
            <a class="btn" href="/assets/integrations/authorizations/new">"Add Authorization"</a>
        </PageHeader>
        <div class="tabs" role="tablist">
            <A
                href="/assets/integrations"
                attr:role="tab"
                attr:aria-selected=move || (tab.get() == Tab::Integrations).to_string()
            >
                "Integrations"
            </A>
            <A
                href="/assets/integrations?tab=authorizations"
                attr:role="tab"
                attr:aria-selected=move || (tab.get() == Tab::Authorizations).to_string()
            >
                "Authorizations"
            </A>
        </div>
        <section class="panel" role="tabpanel">
            {move || match tab.get() {
                Tab::Integrations => view! { <IntegrationsTab /> }.into_any(),
                Tab::Authorizations => view! { <AuthorizationsTab /> }.into_any(),
            }}
        </section>
    }
}

/// The Add Integration button and its menu. Hydrated, a click toggles it; without
/// JavaScript the menu opens while the button has focus (CSS `:focus-within`).
#[component]
fn AddIntegrationMenu() -> impl IntoView {
    let open = RwSignal::new(false);
    view! {
        <div class="menu-wrap" class:open=move || open.get()>
            <button
                type="button"
                class="btn btn-primary"
                aria-haspopup="menu"
                aria-expanded=move || open.get().to_string()
                on:click=move |_| open.update(|o| *o = !*o)
            >
                "Add Integration"
            </button>
            <div class="menu" role="menu">
                <a role="menuitem" href="/assets/integrations/outbound-webhooks/new">
                    "Outbound Webhook"
                </a>
            </div>
        </div>
    }
}

#[component]
fn IntegrationsTab() -> impl IntoView {
    view! {
        <form class="toolbar" method="get" action="/assets/integrations">
            <label for="integration-type">"Integration Type"</label>
            <select id="integration-type" name="type">
                <option value="">"All"</option>
                <option value="outbound-webhook">"Outbound Webhook"</option>
            </select>
            <button type="submit" class="btn btn-quiet">"Filter"</button>
        </form>
        <EmptyState
            title="No integrations yet"
            message="An outbound webhook sends delivery receipts, incoming messages and call events to your HTTPS endpoint."
        />
    }
}

#[component]
fn AuthorizationsTab() -> impl IntoView {
    view! {
        <EmptyState
            title="No authorizations yet"
            message="An authorization profile (Basic, Digest, AWS Signature, API Key, OAuth 2.0) is applied to every request a webhook makes."
        />
    }
}
