//! Assets › Services › Add Service (`/assets/services/new`) and Edit Service
//! (`/assets/services/{id}`).

use leptos::prelude::*;

use super::asset_form::{use_save, AssetFormFrame, FormSpec};
use crate::{
    api::assets::{get_service, SaveService},
    components::field::{FormActions, FormError, TextField},
    domain::views::ServiceView,
};

static SPEC: FormSpec = FormSpec {
    new_title: "Add Service",
    edit_title: "Edit Service",
    list_href: "/assets/services",
    saved_href: "/assets/services?notice=saved",
    list_title: "Services",
};

#[component]
pub fn ServiceFormPage() -> impl IntoView {
    let save = ServerAction::<SaveService>::new();
    let error = use_save(save, &SPEC);
    let form = move |service: Option<ServiceView>| {
        let (id, name) = service.map(|s| (s.id, s.name)).unzip();
        view! {
            <ActionForm action=save attr:class="panel form-panel" attr:novalidate=true>
                <FormError error fields=&["name"] />
                {id.map(|id| view! { <input type="hidden" name="id" value=id /> })}
                <TextField
                    label="Name"
                    name="name"
                    value=name.unwrap_or_default()
                    error
                    required=true
                    autocomplete="off"
                    hint="Up to 100 characters, unique among services."
                />
                <FormActions cancel_href=SPEC.list_href pending=save.pending() />
            </ActionForm>
        }
        .into_any()
    };
    view! { <AssetFormFrame spec=&SPEC load=get_service form /> }
}
