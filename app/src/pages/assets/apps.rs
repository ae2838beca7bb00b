//! Assets › Apps: In-App, WhatsApp, Messenger, RCS, Apple Messages for Business, Email and
//! Push apps, whose incoming messages webhooks receive.

use leptos::prelude::*;

use super::asset_list::{AssetList, ListSpec, ListedAsset};
use crate::{
    api::assets::list_apps,
    components::timestamp::Timestamp,
    domain::views::{AppView, AssetKind},
};

static SPEC: ListSpec = ListSpec {
    title: "Apps",
    base: "/assets/apps",
    new_href: "/assets/apps/new",
    add_label: "Add App",
    singular: "App",
    empty_title: "No apps yet",
    empty_message: "In-App, WhatsApp, Messenger, RCS, Apple Messages for Business, Email and Push apps receive incoming messages.",
    columns: &["Name", "App Type", "Last Modified"],
    search_label: "Search apps",
};

impl ListedAsset for AppView {
    const KIND: AssetKind = AssetKind::App;

    fn id(&self) -> &str {
        &self.id
    }

    fn label(&self) -> String {
        self.name.clone()
    }

    fn cells(&self) -> AnyView {
        view! {
            <td class="name">{self.name.clone()}</td>
            <td>{self.app_type.clone()}</td>
            <td class="time"><Timestamp value=self.updated_at.clone() /></td>
        }
        .into_any()
    }
}

#[component]
pub fn AppsPage() -> impl IntoView {
    view! { <AssetList spec=&SPEC load=list_apps /> }
}
