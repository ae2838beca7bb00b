//! `AuthorizationFields`: the fields of the chosen Type (and Grant Type), labelled exactly as
//! SPEC §5 names them, each with its error next to it. Secrets are write-only: a stored one shows
//! as "set" in its placeholder, and the tokens only as masked, read-only text. Each control is
//! named as the API names the field, so the form posts without JavaScript too; then a
//! `Show fields` button renders the fields of the chosen Type or Grant Type.

use leptos::prelude::*;

use super::state::AuthForm;
use crate::{
    components::{
        field::{FieldErrors, ListedError},
        form::{use_hydrated, use_posted, SecretAgain, ShowButton},
    },
    domain::{
        authorization::{
            form::field, ApiKeyPlacement, AuthType, ClientAuthentication, DigestAlgorithm,
            DigestQop, GrantType, TokenParameterType, TokenUrlMethod,
        },
        views::AuthorizationView,
    },
};

#[component]
fn Text(
    field: &'static str,
    label: &'static str,
    value: RwSignal<String>,
    errors: FieldErrors,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional, into)] placeholder: String,
) -> AnyView {
    let id = format!("auth-{field}");
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <input id=id type=kind name=field autocomplete="off" placeholder=placeholder value=value.get_untracked() bind:value=value />
            <ListedError errors field />
        </div>
    }
    .into_any()
}

/// A write-only field: empty means "keep the stored one". It starts empty, also after a post
/// without JavaScript (then it says to enter the secret again, if one was typed).
#[component]
fn SecretText(
    field: &'static str,
    label: &'static str,
    value: RwSignal<String>,
    errors: FieldErrors,
    set: bool,
) -> AnyView {
    let placeholder = if set {
        "•••••••• set: type to replace it"
    } else {
        ""
    };
    let typed = use_posted().is_some_and(|p| p.typed_secret(field));
    let id = format!("auth-{field}");
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <input id=id type="password" name=field autocomplete="new-password" placeholder=placeholder bind:value=value />
            <SecretAgain typed />
            <ListedError errors field />
        </div>
    }
    .into_any()
}

#[component]
fn Choice(
    field: &'static str,
    label: &'static str,
    value: RwSignal<String>,
    options: Vec<&'static str>,
    errors: FieldErrors,
    /// The `Show fields` button beside it (without JavaScript), where the choice decides fields.
    #[prop(optional)]
    show: bool,
) -> AnyView {
    let id = format!("auth-{field}");
    let chosen = value.get_untracked();
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <div class="input-with-action">
                <select id=id name=field bind:value=value>
                    {options.into_iter().map(|o| view! { <option value=o selected=o == chosen>{o}</option> }).collect_view()}
                </select>
                {show.then(|| view! { <ShowButton label="Show fields" /> })}
            </div>
            <ListedError errors field />
        </div>
    }
    .into_any()
}

fn labels<T: Copy>(all: &[T], label: fn(T) -> &'static str) -> Vec<&'static str> {
    all.iter().map(|c| label(*c)).collect()
}

#[component]
pub fn AuthorizationFields(
    form: AuthForm,
    errors: FieldErrors,
    existing: Option<AuthorizationView>,
    call_back_url: String,
) -> AnyView {
    let set = |name: &str| existing.as_ref().is_some_and(|v| v.secret_set(name));
    let (pw, sk, kv, cs, ks) = (
        set("password"),
        set("secret_key"),
        set("key_value"),
        set("client_secret"),
        set("consumer_secret"),
    );
    let is = move |t: AuthType| form.auth_type() == t;
    // One `Show fields` button: beside Grant Type when the page shows it, else beside Type.
    let oauth = form
        .auth_type
        .with_untracked(|t| AuthType::parse(t) == Some(AuthType::OAuth2));
    view! {
        <Choice field="type" label="Type" value=form.auth_type options=labels(AuthType::ALL, AuthType::label) errors show=!oauth />
        <Show when=move || is(AuthType::Basic) || is(AuthType::Digest)>
            <Text field="username" label="Username" value=form.username errors />
        </Show>
        <Show when=move || is(AuthType::Digest)>
            <Text field="realm" label="Realm" value=form.realm errors />
        </Show>
        <Show when=move || is(AuthType::Basic) || is(AuthType::Digest)>
            <SecretText field="password" label="Password" value=form.password errors set=pw />
        </Show>
        <Show when=move || is(AuthType::Digest)>
            <DigestFields form errors />
        </Show>
        <Show when=move || is(AuthType::AwsSignature)>
            <Text field="access_key" label="Access Key" value=form.access_key errors />
            <SecretText field="secret_key" label="Secret Key" value=form.secret_key errors set=sk />
            <Text field="region" label="Region" value=form.region errors placeholder="us-east-1" />
            <Text field="service_name" label="Service Name" value=form.service_name errors placeholder="execute-api" />
        </Show>
        <Show when=move || is(AuthType::ApiKey)>
            <Text field="key" label="Key" value=form.key errors placeholder="X-Api-Key" />
            <SecretText field="key_value" label="Key Value" value=form.key_value errors set=kv />
            <Choice field="add_to" label="Add to" value=form.add_to options=labels(ApiKeyPlacement::ALL, ApiKeyPlacement::label) errors />
        </Show>
        <Show when=move || is(AuthType::OAuth2)>
            <OAuth2Fields form errors existing=existing.clone() call_back_url=call_back_url.clone() cs ks />
        </Show>
    }
    .into_any()
}

#[component]
fn DigestFields(form: AuthForm, errors: FieldErrors) -> AnyView {
    view! {
        <Text field="nonce" label="Nonce" value=form.nonce errors placeholder="from the server's challenge" />
        <Choice field="algorithm" label="Algorithm" value=form.algorithm options=labels(DigestAlgorithm::ALL, DigestAlgorithm::label) errors />
        <Choice field="qop" label="QOP" value=form.qop options=labels(DigestQop::ALL, DigestQop::label) errors />
        <Text field="nonce_count" label="Nonce Count" value=form.nonce_count errors placeholder="1" />
        <Text field="client_nonce" label="Client Nonce" value=form.client_nonce errors placeholder="random per request" />
        <Text field="opaque" label="Opaque" value=form.opaque errors />
    }
    .into_any()
}

#[component]
fn OAuth2Fields(
    form: AuthForm,
    errors: FieldErrors,
    existing: Option<AuthorizationView>,
    call_back_url: String,
    cs: bool,
    ks: bool,
) -> AnyView {
    let code = move || form.grant() == GrantType::AuthorizationCode;
    let masked = |set: bool| {
        if set {
            "••••••••  set"
        } else {
            "not set"
        }
    };
    let hydrated = use_hydrated();
    let access = masked(existing.as_ref().is_some_and(|v| v.access_token_set));
    let refresh = masked(existing.as_ref().is_some_and(|v| v.refresh_token_set));
    view! {
        <Choice field="grant_type" label="Grant Type" value=form.grant_type options=labels(GrantType::ALL, GrantType::label) errors show=true />
        <Show when=move || !code()>
            <Text field="client_id" label="Client ID" value=form.client_id errors />
            <SecretText field="client_secret" label="Client Secret" value=form.client_secret errors set=cs />
        </Show>
        <Show when=code>
            <Text field="consumer_id" label="Consumer ID" value=form.consumer_id errors />
            <SecretText field="consumer_secret" label="Consumer Secret" value=form.consumer_secret errors set=ks />
            <div class="field">
                <label for="auth-call_back_url">"Call Back URL"</label>
                <input id="auth-call_back_url" type="text" readonly value=call_back_url.clone() />
                <p class="hint">"Register this URL with the authorization server."</p>
            </div>
            <Text field="authorization_url" label="Authorization URL" value=form.authorization_url errors kind="url" placeholder="https://" />
        </Show>
        <Text field="scope" label="Scope" value=form.scope errors />
        <Text field="access_token_url" label="Access Token URL" value=form.access_token_url errors kind="url" placeholder="https://" />
        <div class="check">
            <input id="auth-limited_validity" type="checkbox" name=field::LIMITED_VALIDITY checked=form.limited_validity.get_untracked() bind:checked=form.limited_validity />
            <label for="auth-limited_validity">"Access token has a limited validity"</label>
        </div>
        // Without JavaScript always shown; it counts only while the box is ticked.
        <Show when=move || !hydrated.get() || form.limited_validity.get()>
            <div class="indent">
                <Text field="validity" label="Validity" value=form.validity errors kind="number" placeholder="seconds" />
            </div>
        </Show>
        <Text field="refresh_token_url" label="Refresh Token URL" value=form.refresh_token_url errors kind="url" placeholder="https:// (default: the Access Token URL)" />
        <details class="advance">
            <summary>"Advance Settings"</summary>
            <Choice field="access_token_url_method" label="Access Token URL Method" value=form.method options=labels(TokenUrlMethod::ALL, TokenUrlMethod::label) errors />
            <Choice field="access_token_url_parameter_type" label="Access Token URL Parameter Type" value=form.parameter_type options=labels(TokenParameterType::ALL, TokenParameterType::label) errors />
            <HeaderRows form errors />
        </details>
        <Choice field="client_authentication" label="Client Authentication" value=form.client_authentication options=labels(ClientAuthentication::ALL, ClientAuthentication::label) errors />
        <div class="field">
            <label for="auth-access_token">"Access Token"</label>
            <input id="auth-access_token" type="text" readonly value=access />
        </div>
        <div class="field">
            <label for="auth-refresh_token">"Refresh Token"</label>
            <input id="auth-refresh_token" type="text" readonly value=refresh />
        </div>
    }
    .into_any()
}

/// Access Token URL Headers as a key/value list with add and remove. Without JavaScript there
/// is always one blank row more to fill (blank rows at the end are not sent), and a row is
/// removed by emptying it.
#[component]
fn HeaderRows(form: AuthForm, errors: FieldErrors) -> AnyView {
    let hydrated = use_hydrated();
    let blank = move || {
        (!hydrated.get()).then(|| {
            let n = form.headers.with_untracked(Vec::len) + 1;
            view! {
                <div class="header-row">
                    <input type="text" name=field::HEADER_KEY aria-label=format!("Header name {n}") placeholder="Name" />
                    <input type="text" name=field::HEADER_VALUE aria-label=format!("Header value {n}") placeholder="Value" />
                </div>
            }
        })
    };
    view! {
        <fieldset class="headers">
            <legend>"Access Token URL Headers"</legend>
            <For each=move || form.headers.get().into_iter().enumerate() key=|(_, r)| r.id let:item>
                {
                    let (n, row) = item;
                    view! {
                        <div class="header-row">
                            <input type="text" name=field::HEADER_KEY aria-label=format!("Header name {}", n + 1) placeholder="Name" value=row.key.get_untracked() bind:value=row.key />
                            <input type="text" name=field::HEADER_VALUE aria-label=format!("Header value {}", n + 1) placeholder="Value" value=row.value.get_untracked() bind:value=row.value />
                            <Show when=move || hydrated.get()>
                                <button type="button" class="btn btn-quiet" aria-label=format!("Remove header {}", n + 1) on:click=move |_| form.remove_header(row.id)>"Remove"</button>
                            </Show>
                            <ListedError errors field=format!("access_token_url_headers/{n}/key") />
                            <ListedError errors field=format!("access_token_url_headers/{n}/value") />
                        </div>
                    }
                }
            </For>
            {blank}
            <Show when=move || hydrated.get()>
                <button type="button" class="btn btn-quiet" on:click=move |_| form.add_header()>"Add header"</button>
            </Show>
        </fieldset>
    }
    .into_any()
}
