//! Assets › Numbers › Add Number (`/assets/numbers/new`) and Edit Number
//! (`/assets/numbers/{id}`): the number and its capabilities (SMS, MMS, Voice).

use leptos::prelude::*;

use super::asset_form::{initial, submit_with, use_save, AssetFormFrame, FormSpec};
use crate::{
    api::assets::{get_number, SaveNumber},
    components::{
        field::{group_error_id, FormActions, FormError, GroupError, TextField},
        form::use_posted,
    },
    domain::{
        assets::{form::ID, NumberInput},
        channels::Capability,
        views::NumberView,
    },
};

static SPEC: FormSpec = FormSpec {
    new_title: "Add Number",
    edit_title: "Edit Number",
    list_href: "/assets/numbers",
    saved_href: "/assets/numbers?notice=saved",
    list_title: "Numbers",
};

const FIELDS: &[&str] = &["number", "capabilities"];

#[component]
pub fn NumberFormPage() -> impl IntoView {
    let save = ServerAction::<SaveNumber>::new();
    let posted = StoredValue::new(use_posted());
    let error = use_save(save, &SPEC, posted);
    let on_submit = submit_with(save, |f| {
        let input = NumberInput::from_form(f);
        SaveNumber {
            id: f.optional(ID),
            number: input.number,
            capabilities: input.capabilities,
        }
    });
    let form = move |number: Option<NumberView>| {
        let (id, value, capabilities) = match number {
            Some(n) => (Some(n.id), n.number, n.capabilities),
            None => (None, String::new(), Vec::new()),
        };
        let value = initial(posted, "number", value);
        let capabilities = posted.with_value(|p| match p {
            Some(p) => NumberInput::from_form(&p.fields).capabilities,
            None => capabilities,
        });
        let invalid = move || {
            error.with(|e| {
                e.as_ref()
                    .and_then(|e| e.message_for("capabilities"))
                    .is_some()
            })
        };
        // One `capabilities` field per ticked box (`NumberInput::from_form`).
        let boxes = Capability::ALL
            .into_iter()
            .map(|c| {
                let checked = capabilities.iter().any(|have| have == c.label());
                view! {
                    <label class="check">
                        <input
                            type="checkbox"
                            name="capabilities"
                            value=c.label()
                            checked=checked
                        />
                        {c.label()}
                    </label>
                }
            })
            .collect_view();
        view! {
            <form method="post" class="panel form-panel" novalidate on:submit=on_submit>
                <FormError error fields=FIELDS />
                {id.map(|id| view! { <input type="hidden" name="id" value=id /> })}
                <TextField
                    label="Number"
                    name="number"
                    value
                    error
                    required=true
                    inputmode="tel"
                    autocomplete="off"
                    hint="In E.164 form, like +14155550100, or a short code of 3 to 8 digits."
                />
                <fieldset
                    class="field checks"
                    aria-describedby=move || invalid().then(|| group_error_id("capabilities"))
                >
                    <legend>"Capabilities"</legend>
                    <div class="check-row">{boxes}</div>
                    <GroupError name="capabilities" error />
                </fieldset>
                <FormActions cancel_href=SPEC.list_href pending=save.pending() />
            </form>
        }
        .into_any()
    };
    view! { <AssetFormFrame spec=&SPEC load=get_number form /> }
}
