//! Assets › ESME Binds: the SMPP accounts incoming SMS can be forwarded to. The password is
//! write-only: the list shows only whether one is set. Each bind's live SMPP sessions (bind
//! type, peer address, bound since) are listed beside it.

use leptos::prelude::*;

use super::asset_list::{AssetList, ListSpec, ListedAsset};
use crate::{
    api::assets::list_esme_binds,
    components::timestamp::Timestamp,
    domain::views::{AssetKind, EsmeBindView},
};

static SPEC: ListSpec = ListSpec {
    title: "ESME Binds",
    base: "/assets/esme-binds",
    new_href: "/assets/esme-binds/new",
    add_label: "Add ESME Bind",
    singular: "ESME bind",
    empty_title: "No ESME binds yet",
    empty_message: "ESME binds are SMPP accounts that incoming SMS can be forwarded to.",
    columns: &[
        "ESME Bind ID",
        "System ID",
        "Description",
        "Password",
        "Sessions",
        "Last Modified",
    ],
    search_label: "Search ESME binds",
};

impl ListedAsset for EsmeBindView {
    const KIND: AssetKind = AssetKind::EsmeBind;

    fn id(&self) -> &str {
        &self.id
    }

    fn label(&self) -> String {
        self.system_id.clone()
    }

    fn cells(&self) -> AnyView {
        let password = if self.password_set {
            view! { <span class="badge badge-ok">"set"</span> }.into_any()
        } else {
            view! { <span class="badge badge-warn">"not set"</span> }.into_any()
        };
        // The live SMPP sessions on this instance: bind type, the ESME's address, since when.
        let sessions = if self.sessions.is_empty() {
            view! { <span class="muted">"none"</span> }.into_any()
        } else {
            let items = self
                .sessions
                .iter()
                .map(|s| {
                    view! {
                        <li>
                            <span class="mono">{s.bind_type.clone()}" "{s.peer.clone()}</span>
                            " since "
                            <Timestamp value=s.bound_at.clone() />
                        </li>
                    }
                })
                .collect_view();
            view! { <ul class="sessions">{items}</ul> }.into_any()
        };
        view! {
            <td class="mono">{self.id.clone()}</td>
            <td class="name mono">{self.system_id.clone()}</td>
            <td class="description">{self.description.clone()}</td>
            <td>{password}</td>
            <td class="sessions">{sessions}</td>
            <td class="time"><Timestamp value=self.updated_at.clone() /></td>
        }
        .into_any()
    }
}

#[component]
pub fn EsmeBindsPage() -> impl IntoView {
    view! { <AssetList spec=&SPEC load=list_esme_binds /> }
}
