//! Assets › Apps › Add App (`/assets/apps/new`) and Edit App (`/assets/apps/{id}`): the app's
//! name and type (its channel).

use leptos::prelude::*;

use super::asset_form::{initial, submit_with, use_save, AssetFormFrame, FormSpec};
use crate::{
    api::assets::{get_app, SaveApp},
    components::{
        field::{FieldError, FormActions, FormError, TextField},
        form::use_posted,
    },
    domain::{
        assets::{form::ID, AppInput},
        channels::AppType,
        views::AppView,
    },
};

static SPEC: FormSpec = FormSpec {
    new_title: "Add App",
    edit_title: "Edit App",
    list_href: "/assets/apps",
    saved_href: "/assets/apps?notice=saved",
    list_title: "Apps",
};

const FIELDS: &[&str] = &["name", "app_type"];

#[component]
pub fn AppFormPage() -> impl IntoView {
    let save = ServerAction::<SaveApp>::new();
    let posted = StoredValue::new(use_posted());
    let error = use_save(save, &SPEC, posted);
    let on_submit = submit_with(save, |f| {
        let input = AppInput::from_form(f);
        SaveApp {
            id: f.optional(ID),
            name: input.name,
            app_type: input.app_type,
        }
    });
    let type_error =
        Signal::derive(move || error.with(|e| e.as_ref().and_then(|e| e.message_for("app_type"))));
    let form = move |app: Option<AppView>| {
        let (id, name, app_type) = match app {
            Some(a) => (Some(a.id), a.name, a.app_type),
            None => (None, String::new(), String::new()),
        };
        let (name, app_type) = (
            initial(posted, "name", name),
            initial(posted, "app_type", app_type),
        );
        let options = AppType::ALL
            .into_iter()
            .map(|t| {
                let selected = t.label() == app_type;
                view! { <option value=t.label() selected=selected>{t.label()}</option> }
            })
            .collect_view();
        view! {
            <form method="post" class="panel form-panel" novalidate on:submit=on_submit>
                <FormError error fields=FIELDS />
                {id.map(|id| view! { <input type="hidden" name="id" value=id /> })}
                <TextField
                    label="Name"
                    name="name"
                    value=name
                    error
                    required=true
                    autocomplete="off"
                    hint="Up to 100 characters, unique among apps."
                />
                <div class="field" class:has-error=move || type_error.with(Option::is_some)>
                    <label for="field-app_type">"App Type"</label>
                    <select
                        id="field-app_type"
                        name="app_type"
                        aria-invalid=move || type_error.with(Option::is_some).then_some("true")
                        aria-describedby="field-app_type-error field-app_type-hint"
                    >
                        {options}
                    </select>
                    <FieldError id="field-app_type" message=type_error />
                    <p class="hint" id="field-app_type-hint">
                        "The channel the app talks on: it decides which events its webhooks can receive."
                    </p>
                </div>
                <FormActions cancel_href=SPEC.list_href pending=save.pending() />
            </form>
        }
        .into_any()
    };
    view! { <AssetFormFrame spec=&SPEC load=get_app form /> }
}
