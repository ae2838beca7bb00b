//! `/assets/integrations/authorizations/new` and `…/{id}`: the Authorization form.
//! Hydrated, before sending it checks with the very rules the server enforces
//! (`NewAuthorization::parse`); without JavaScript it posts to its own page
//! (`components::form`), and `Show fields` renders it again for the chosen Type.
//! Get Access Token saves first (so an unsaved or edited profile is what gets the token), then
//! posts the plain form `/oauth/token/{id}`: the server fetches the token (client credentials) or
//! sends the browser to the Authorization URL (authorization code), and both come back here with
//! `?token=ok` or `?token_error=…`, shown above the form.

use leptos::{html, prelude::*};
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};

use super::{fields::AuthorizationFields, state::AuthForm};
use crate::{
    api::authorizations::{authorization_call_back_url, get_authorization, SaveAuthorization},
    components::{
        field::{FieldErrors, ListedError, ListedFormError},
        form::{submitted, use_posted},
        page_header::PageHeader,
    },
    domain::{
        authorization::{
            AuthType, AuthorizationInput, ExistingAuthorization, NewAuthorization, SecretField,
        },
        form::INTENT,
        views::AuthorizationView,
        AppError,
    },
};

#[component]
pub fn AuthorizationFormPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id");
    let call_back = Resource::new(|| (), |_| authorization_call_back_url());
    let existing = Resource::new(id, |id| async move {
        match id {
            Some(id) => get_authorization(id).await.map(Some),
            None => Ok(None),
        }
    });
    view! {
        <PageHeader section="Assets › Integrations" title="Authorization" />
        <TokenNotice />
        <Suspense fallback=|| view! { <p class="muted">"Loading…"</p> }>
            {move || Suspend::new(async move {
                match (call_back.await, existing.await) {
                    (Ok(call_back_url), Ok(existing)) => view! { <AuthorizationForm existing call_back_url /> }.into_any(),
                    (Err(e), _) | (_, Err(e)) => view! { <p class="form-error" role="alert">{e.to_string()}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// What the last Get Access Token did, from the redirect back (`?token=ok` / `?token_error=`).
#[component]
fn TokenNotice() -> impl IntoView {
    let query = use_query_map();
    move || {
        let q = query.read();
        if let Some(error) = q.get("token_error") {
            Some(
                view! { <p class="form-error" role="alert" data-token="error">{error}</p> }
                    .into_any(),
            )
        } else if q.get("token").as_deref() == Some("ok") {
            Some(view! { <p class="notice" role="status" data-token="ok">"Access token received: the authorization is ready."</p> }.into_any())
        } else {
            None
        }
    }
}

#[component]
fn AuthorizationForm(existing: Option<AuthorizationView>, call_back_url: String) -> AnyView {
    let posted = use_posted();
    let form = match &posted {
        Some(p) => AuthForm::from_form(&p.fields),
        None => AuthForm::new(existing.as_ref()),
    };
    let editing_id = existing.as_ref().map(|v| v.id.clone());
    let stored = existing.as_ref().map(|v| ExistingAuthorization {
        secrets_set: SecretField::ALL
            .into_iter()
            .filter(|f| v.secret_set(f.as_str()))
            .collect(),
        access_token_url: v.settings.access_token_url.clone(),
        refresh_token_url: v.settings.refresh_token_url.clone(),
    });
    let errors: FieldErrors = RwSignal::new(
        posted
            .and_then(|p| p.error)
            .map(server_error)
            .into_iter()
            .collect(),
    );
    let save = ServerAction::<SaveAuthorization>::new();
    // Set when the save was started by Get Access Token: then the token form is posted.
    let then_token = RwSignal::new(false);
    let form_ref = NodeRef::<html::Form>::new();
    let token_form = NodeRef::<html::Form>::new();
    let navigate = use_navigate();
    Effect::new(move |_| match save.value().get() {
        Some(Ok(saved)) if then_token.get_untracked() => {
            if let Some(f) = token_form.get_untracked() {
                f.set_action(&format!("/oauth/token/{}", saved.id));
                let _ = f.submit();
            }
        }
        Some(Ok(_)) => navigate(
            "/assets/integrations?tab=authorizations",
            Default::default(),
        ),
        Some(Err(e)) => errors.set(vec![server_error(e)]),
        None => {}
    });
    // Hydrated: what the browser would post, checked by the server's own rules first.
    let submit = move |token: bool| {
        let Some(el) = form_ref.get_untracked() else {
            return;
        };
        let input = AuthorizationInput::from_form(&submitted(&el));
        if let Err(found) = NewAuthorization::parse(&input, stored.as_ref()) {
            errors.set(
                found
                    .iter()
                    .map(|e| (e.field.clone(), e.message.clone()))
                    .collect(),
            );
            return;
        }
        errors.set(Vec::new());
        then_token.set(token);
        save.dispatch(SaveAuthorization {
            id: editing_id.clone(),
            input,
        });
    };
    let on_submit = {
        let submit = submit.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            submit(false);
        }
    };
    view! {
        <form class="panel form" method="post" node_ref=form_ref on:submit=on_submit novalidate>
            // The form's default button (Enter in a field): it saves, not `Show fields`.
            <button type="submit" name=INTENT value="save" class="sr-only" tabindex="-1" aria-hidden="true">"Save"</button>
            <ListedFormError errors />
            <div class="field">
                <label for="auth-name">"Name"</label>
                <input id="auth-name" type="text" name="name" maxlength="100" value=form.name.get_untracked() bind:value=form.name />
                <ListedError errors field="name" />
            </div>
            <AuthorizationFields form errors existing call_back_url />
            <div class="form-actions">
                <Show when=move || form.auth_type() == AuthType::OAuth2>
                    // Without JavaScript it posts the form with `intent=token`: the server
                    // saves, then gets the token.
                    <button
                        type="submit"
                        name=INTENT
                        value="token"
                        class="btn"
                        disabled=move || save.pending().get()
                        on:click={
                            let submit = submit.clone();
                            move |ev: leptos::ev::MouseEvent| {
                                ev.prevent_default();
                                submit(true)
                            }
                        }
                    >
                        "Get Access Token"
                    </button>
                </Show>
                <button type="submit" name=INTENT value="save" class="btn btn-primary" disabled=move || save.pending().get()>
                    "Save"
                </button>
                <a class="btn" href="/assets/integrations?tab=authorizations">"Cancel"</a>
            </div>
        </form>
        // Posted by Get Access Token once the profile is saved (its action is set then).
        <form node_ref=token_form method="post" action="/oauth/token/" hidden></form>
    }
    .into_any()
}

fn server_error(e: AppError) -> (String, String) {
    let field = e.field().unwrap_or_default().to_owned();
    let message = match &e {
        AppError::Validation {
            message,
            detail: Some(d),
            ..
        } => format!("{message} {d}"),
        other => other.to_string(),
    };
    (field, message)
}
