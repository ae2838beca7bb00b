//! Assets › Services › Add Service (`/assets/services/new`) and Edit Service
//! (`/assets/services/{id}`).

use leptos::prelude::*;

use super::asset_form::{initial, submit_with, use_save, AssetFormFrame, FormSpec};
use crate::{
    api::assets::{get_service, SaveService},
    components::{
        field::{FormActions, FormError, TextField},
        form::use_posted,
    },
    domain::{
        assets::{form::ID, ServiceInput},
        views::ServiceView,
    },
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
    let posted = StoredValue::new(use_posted());
    let error = use_save(save, &SPEC, posted);
    let on_submit = submit_with(save, |f| SaveService {
        id: f.optional(ID),
        name: ServiceInput::from_form(f).name,
    });
    let form = move |service: Option<ServiceView>| {
        let (id, name) = service.map(|s| (s.id, s.name)).unzip();
        let name = initial(posted, "name", name.unwrap_or_default());
        view! {
            <form method="post" class="panel form-panel" novalidate on:submit=on_submit>
                <FormError error fields=&["name"] />
                {id.map(|id| view! { <input type="hidden" name="id" value=id /> })}
                <TextField
                    label="Name"
                    name="name"
                    value=name
                    error
                    required=true
                    autocomplete="off"
                    hint="Up to 100 characters, unique among services."
                />
                <FormActions cancel_href=SPEC.list_href pending=save.pending() />
            </form>
        }
        .into_any()
    };
    view! { <AssetFormFrame spec=&SPEC load=get_service form /> }
}
