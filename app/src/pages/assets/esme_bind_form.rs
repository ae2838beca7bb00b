//! Assets › ESME Binds › Add ESME Bind (`/assets/esme-binds/new`) and Edit ESME Bind
//! (`/assets/esme-binds/{id}`).
//!
//! The password is write-only: it is never put into the page, not even after a refused save
//! (without JavaScript the page then says to enter it again).
//! On edit the form says that one is set, and an empty Password keeps it.

use leptos::prelude::*;

use super::asset_form::{initial, submit_with, use_save, AssetFormFrame, FormSpec};
use crate::{
    api::assets::{get_esme_bind, SaveEsmeBind},
    components::{
        field::{FormActions, FormError, TextArea, TextField},
        form::{use_posted, SecretAgain},
    },
    domain::{
        assets::{form::ID, EsmeBindInput},
        views::EsmeBindView,
    },
};

static SPEC: FormSpec = FormSpec {
    new_title: "Add ESME Bind",
    edit_title: "Edit ESME Bind",
    list_href: "/assets/esme-binds",
    saved_href: "/assets/esme-binds?notice=saved",
    list_title: "ESME Binds",
};

const FIELDS: &[&str] = &["system_id", "password", "description"];

/// What the Password field says under it.
fn password_hint(bind: Option<&EsmeBindView>) -> &'static str {
    match bind {
        Some(b) if b.password_set => {
            "A password is set. Leave this empty to keep it, or type a new one to replace it."
        }
        Some(_) => "No password is set yet. Up to 8 characters (the SMPP limit).",
        None => "Up to 8 characters (the SMPP limit).",
    }
}

#[component]
pub fn EsmeBindFormPage() -> impl IntoView {
    let save = ServerAction::<SaveEsmeBind>::new();
    let posted = StoredValue::new(use_posted());
    let error = use_save(save, &SPEC, posted);
    let on_submit = submit_with(save, |f| {
        let input = EsmeBindInput::from_form(f);
        SaveEsmeBind {
            id: f.optional(ID),
            system_id: input.system_id,
            password: input.password,
            description: input.description,
        }
    });
    let password_typed =
        posted.with_value(|p| p.as_ref().is_some_and(|p| p.typed_secret("password")));
    let form = move |bind: Option<EsmeBindView>| {
        let hint = password_hint(bind.as_ref());
        let editing = bind.is_some();
        let (id, system_id, description) = match bind {
            Some(b) => (Some(b.id), b.system_id, b.description),
            None => (None, String::new(), String::new()),
        };
        let (system_id, description) = (
            initial(posted, "system_id", system_id),
            initial(posted, "description", description),
        );
        view! {
            <form method="post" class="panel form-panel" novalidate on:submit=on_submit>
                <FormError error fields=FIELDS />
                {id.map(|id| {
                    view! {
                        <p class="form-meta">"ESME Bind ID " <code>{id.clone()}</code></p>
                        <input type="hidden" name="id" value=id />
                    }
                })}
                <TextField
                    label="System ID"
                    name="system_id"
                    value=system_id
                    error
                    required=true
                    autocomplete="off"
                    hint="The name the ESME binds with: up to 15 printable ASCII characters."
                />
                <TextField
                    label="Password"
                    name="password"
                    input_type="password"
                    error
                    required=!editing
                    autocomplete="new-password"
                    hint=hint
                />
                <SecretAgain typed=password_typed />
                <TextArea
                    label="Description"
                    name="description"
                    value=description
                    error
                    hint="Optional, up to 200 characters."
                />
                <FormActions cancel_href=SPEC.list_href pending=save.pending() />
            </form>
        }
        .into_any()
    };
    view! { <AssetFormFrame spec=&SPEC load=get_esme_bind form /> }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bind(password_set: bool) -> EsmeBindView {
        EsmeBindView {
            id: "1".into(),
            system_id: "acme".into(),
            description: String::new(),
            password_set,
            updated_at: String::new(),
            sessions: Vec::new(),
        }
    }

    #[test]
    fn the_edit_form_says_an_empty_password_keeps_the_stored_one() {
        assert!(password_hint(Some(&bind(true))).contains("empty to keep it"));
        assert!(!password_hint(Some(&bind(false))).contains("keep"));
        assert!(!password_hint(None).contains("keep"));
    }
}
