//! Assets › Services: the messaging services whose delivery receipts webhooks receive.

use leptos::prelude::*;

use super::asset_list::{AssetList, ListSpec, ListedAsset};
use crate::{
    api::assets::list_services,
    components::timestamp::Timestamp,
    domain::views::{AssetKind, ServiceView},
};

static SPEC: ListSpec = ListSpec {
    title: "Services",
    base: "/assets/services",
    new_href: "/assets/services/new",
    add_label: "Add Service",
    singular: "Service",
    empty_title: "No services yet",
    empty_message: "Messaging services send outbound messages and receive their delivery receipts.",
    columns: &["Name", "Last Modified"],
    search_label: "Search services",
};

impl ListedAsset for ServiceView {
    const KIND: AssetKind = AssetKind::Service;

    fn id(&self) -> &str {
        &self.id
    }

    fn label(&self) -> String {
        self.name.clone()
    }

    fn cells(&self) -> AnyView {
        view! {
            <td class="name">{self.name.clone()}</td>
            <td class="time"><Timestamp value=self.updated_at.clone() /></td>
        }
        .into_any()
    }
}

#[component]
pub fn ServicesPage() -> impl IntoView {
    view! { <AssetList spec=&SPEC load=list_services /> }
}
