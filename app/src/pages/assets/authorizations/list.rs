//! The Authorizations tab of Assets › Integrations: Name, Type, Status, Last Modified, Actions.
//! Rendered on the server, with Delete confirmed as a page state (`?tab=authorizations&delete=<id>`),
//! so it works with JavaScript off; a profile still used by a webhook is refused, naming it.

use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};

use crate::{
    api::authorizations::{list_authorizations, DeleteAuthorization},
    components::{
        confirm_dialog::ConfirmDialog,
        empty_state::EmptyState,
        list_controls::{href_with, use_list_query, Pager, SearchBox},
        timestamp::Timestamp,
    },
    domain::{authorization::AuthorizationStatus, views::AuthorizationView},
};

const TAB: &str = "/assets/integrations?tab=authorizations";
const LIST: &str = "/assets/integrations";
const FIXED: &[(&str, &str)] = &[("tab", "authorizations")];

#[component]
pub fn AuthorizationsTab() -> impl IntoView {
    let query = use_query_map();
    let list_query = use_list_query();
    let delete = ServerAction::<DeleteAuthorization>::new();
    let list = Resource::new(
        move || (delete.version().get(), list_query.get()),
        |(_, q)| list_authorizations(q),
    );
    let confirming = move || query.read().get("delete");
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(())) = delete.value().get() {
            navigate(TAB, Default::default());
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
        <SearchBox action=LIST fixed=FIXED label="Search authorizations" placeholder="Name" />
        <Suspense fallback=|| view! { <p class="muted pad">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match list.await {
                    Err(e) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
                    Ok(page) if page.items.is_empty() && list_query.get_untracked().q.is_some() => view! {
                        <p class="muted pad">"No authorization matches this search."</p>
                    }.into_any(),
                    Ok(page) if page.items.is_empty() => view! {
                        <EmptyState
                            title="No authorizations yet"
                            message="An authorization profile (Basic, Digest, AWS Signature, API Key, OAuth 2.0) is applied to every request a webhook makes."
                        />
                    }.into_any(),
                    Ok(page) => {
                        let next_before = page.next_before;
                        let list = page.items;
                        let pending = confirming().and_then(|id| list.iter().find(|a| a.id == id).cloned());
                        view! {
                            <AuthorizationTable list />
                            <Pager action=LIST fixed=FIXED next_before />
                            {pending.map(|a| view! {
                                <ConfirmDialog
                                    title="Delete authorization?"
                                    message=format!("“{}” will be deleted. This cannot be undone.", a.name)
                                    error=delete_error
                                >
                                    <ActionForm action=delete>
                                        <input type="hidden" name="id" value=a.id.clone() />
                                        <div class="form-actions">
                                            <button type="submit" class="btn btn-danger">"Delete"</button>
                                            <a class="btn" href=TAB>"Cancel"</a>
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
fn AuthorizationTable(list: Vec<AuthorizationView>) -> impl IntoView {
    let page = use_list_query().get_untracked();
    let rows = list
        .into_iter()
        .map(|a| {
            let edit = format!("/assets/integrations/authorizations/{}", a.id);
            let delete = href_with(
                TAB,
                &[
                    ("q", page.q.clone().unwrap_or_default()),
                    ("before", page.before.clone().unwrap_or_default()),
                    ("delete", a.id.clone()),
                ],
            );
            let badge = match a.status {
                AuthorizationStatus::Authorized => "badge badge-ok",
                AuthorizationStatus::Pending => "badge badge-warn",
            };
            view! {
                <tr>
                    <td class="name"><a href=edit.clone()>{a.name.clone()}</a></td>
                    <td>{a.auth_type.label()}</td>
                    <td><span class=badge title=a.status_reason.clone().unwrap_or_default()>{a.status.label()}</span></td>
                    <td class="time"><Timestamp value=a.updated_at.clone() /></td>
                    <td class="actions">
                        <a class="btn btn-quiet" href=edit aria-label=format!("Edit {}", a.name)>"Edit"</a>
                        <a class="btn btn-quiet" href=delete aria-label=format!("Delete {}", a.name)>"Delete"</a>
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
                    <th>"Type"</th>
                    <th>"Status"</th>
                    <th>"Last Modified"</th>
                    <th>"Actions"</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
}
