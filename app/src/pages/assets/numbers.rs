//! Assets › Numbers: phone numbers and short codes, with what each can receive.

use leptos::prelude::*;

use super::asset_list::{AssetList, ListSpec, ListedAsset};
use crate::{
    api::assets::list_numbers,
    components::timestamp::Timestamp,
    domain::views::{AssetKind, NumberView},
};

static SPEC: ListSpec = ListSpec {
    title: "Numbers",
    base: "/assets/numbers",
    new_href: "/assets/numbers/new",
    add_label: "Add Number",
    singular: "Number",
    empty_title: "No numbers yet",
    empty_message: "Phone numbers receive incoming SMS, MMS and calls.",
    columns: &["Number", "Capabilities", "Last Modified"],
    search_label: "Search numbers",
};

impl ListedAsset for NumberView {
    const KIND: AssetKind = AssetKind::Number;

    fn id(&self) -> &str {
        &self.id
    }

    fn label(&self) -> String {
        self.number.clone()
    }

    fn cells(&self) -> AnyView {
        let badges = self
            .capabilities
            .iter()
            .map(|c| view! { <span class="badge">{c.clone()}</span> })
            .collect_view();
        view! {
            <td class="name mono">{self.number.clone()}</td>
            <td><span class="badges">{badges}</span></td>
            <td class="time"><Timestamp value=self.updated_at.clone() /></td>
        }
        .into_any()
    }
}

#[component]
pub fn NumbersPage() -> impl IntoView {
    view! { <AssetList spec=&SPEC load=list_numbers /> }
}
