//! Assets › Integrations: the Integrations tab (outbound webhooks) and the Authorizations tab
//! (`?tab=authorizations`). Tabs are links, so both work with JavaScript off.

use leptos::prelude::*;
use leptos_router::{
    components::A,
    hooks::{use_navigate, use_query_map},
};

use crate::{
    api::integrations::{list_webhooks, DeleteWebhook},
    components::{
        confirm_dialog::ConfirmDialog,
        empty_state::EmptyState,
        list_controls::{href_with, use_list_query, Pager, SearchBox},
        page_header::PageHeader,
        timestamp::Timestamp,
    },
    domain::views::{WebhookHealthView, WebhookView},
};

const LIST: &str = "/assets/integrations";

use super::authorizations::AuthorizationsTab;

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
        <section class="panel table-panel" role="tabpanel">
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

/// The outbound webhooks, filterable by Integration Type. Delete asks first: the confirmation
/// is a page state (`?delete=<id>`), so it works with JavaScript off too.
#[component]
fn IntegrationsTab() -> impl IntoView {
    let query = use_query_map();
    let list_query = use_list_query();
    let delete = ServerAction::<DeleteWebhook>::new();
    let webhooks = Resource::new(
        move || (delete.version().get(), list_query.get()),
        |(_, q)| list_webhooks(q),
    );
    let type_filter = move || query.read().get("type").unwrap_or_default();
    let confirming = move || query.read().get("delete");
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(())) = delete.value().get() {
            navigate("/assets/integrations", Default::default());
        }
    });
    let delete_error = Signal::derive(move || {
        delete
            .value()
            .get()
            .and_then(|r| r.err())
            .map(|e| e.to_string())
    });
    view! {
        <form class="toolbar" method="get" action="/assets/integrations">
            <label for="integration-type">"Integration Type"</label>
            <select id="integration-type" name="type" prop:value=type_filter>
                <option value="">"All"</option>
                <option value="outbound-webhook">"Outbound Webhook"</option>
            </select>
            <button type="submit" class="btn btn-quiet">"Filter"</button>
        </form>
        <SearchBox action=LIST label="Search integrations" placeholder="Name or URL" />
        <Suspense fallback=|| view! { <p class="muted pad">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match webhooks.await {
                    Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
                    Ok(page) if page.items.is_empty() && list_query.get_untracked().q.is_some() => view! {
                        <p class="muted pad">"No integration matches this search."</p>
                    }.into_any(),
                    Ok(page) if page.items.is_empty() => view! {
                        <EmptyState
                            title="No integrations yet"
                            message="An outbound webhook sends delivery receipts, incoming messages and call events to your HTTPS endpoint."
                        />
                    }.into_any(),
                    Ok(page) => {
                        let next_before = page.next_before;
                        let list = page.items;
                        let pending = confirming().and_then(|id| list.iter().find(|w| w.id == id).cloned());
                        view! {
                            <WebhookTable list />
                            <Pager action=LIST next_before />
                            {pending.map(|w| view! {
                                <ConfirmDialog
                                    title="Delete webhook?"
                                    message=format!("“{}” will be deleted. Its delivery log is kept. This cannot be undone.", w.name)
                                    error=delete_error
                                >
                                    <ActionForm action=delete>
                                        <input type="hidden" name="id" value=w.id.clone() />
                                        <div class="form-actions">
                                            <button type="submit" class="btn btn-danger">"Delete"</button>
                                            <a class="btn" href="/assets/integrations">"Cancel"</a>
                                        </div>
                                    </ActionForm>
                                </ConfirmDialog>
                            })}
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}

#[component]
fn WebhookTable(list: Vec<WebhookView>) -> impl IntoView {
    let page = use_list_query().get_untracked();
    let rows = list
        .into_iter()
        .map(|w| {
            let edit = format!("/assets/integrations/outbound-webhooks/{}", w.id);
            let delete = href_with(
                LIST,
                &[
                    ("q", page.q.clone().unwrap_or_default()),
                    ("before", page.before.clone().unwrap_or_default()),
                    ("delete", w.id.clone()),
                ],
            );
            let deliveries = format!("/monitor/deliveries?integration_id={}", w.id);
            let badge = if w.enabled { "badge badge-ok" } else { "badge" };
            let health = w.health.clone();
            view! {
                <tr>
                    <td class="name"><a href=edit.clone()>{w.name.clone()}</a></td>
                    <td>"Outbound Webhook"</td>
                    <td>{w.entity.name.clone()}<span class="muted">" · "{w.entity.kind.clone()}</span></td>
                    <td><span class=badge>{w.status.clone()}</span></td>
                    <td class="health"><HealthCell health /></td>
                    <td class="time"><Timestamp value=w.updated_at.clone() /></td>
                    <td class="actions">
                        <a class="btn btn-quiet" href=edit aria-label=format!("Edit {}", w.name)>"Edit"</a>
                        <a class="btn btn-quiet" href=delete aria-label=format!("Delete {}", w.name)>"Delete"</a>
                        <a class="btn btn-quiet" href=deliveries>"Deliveries"</a>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="data">
            <thead>
                <tr>
                    <th>"Name"</th>
                    <th>"Integration Type"</th>
                    <th>"Entity"</th>
                    <th>"Status"</th>
                    <th>"Health"</th>
                    <th>"Last Modified"</th>
                    <th>"Actions"</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
}

/// The Health column: a word for how the last attempts went, and the last success.
#[component]
fn HealthCell(health: WebhookHealthView) -> impl IntoView {
    let last = match health.last_success_at.clone() {
        Some(at) => {
            view! { <span class="muted">"Last success "<Timestamp value=at /></span> }.into_any()
        }
        None if health.consecutive_failures > 0 => {
            view! { <span class="muted">"Never delivered"</span> }.into_any()
        }
        None => ().into_any(),
    };
    view! {
        <span class=health.badge()>{health.summary()}</span>
        <br />
        {last}
    }
}
