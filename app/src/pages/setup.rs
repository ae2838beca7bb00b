//! `/setup?token=…`: creates the first administrator. The server logs this link (with a random
//! one-time token) when it starts with no user and no `--admin-email`; once a user exists the
//! server redirects this page to `/login`.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

fn message(code: &str) -> Option<&'static str> {
    match code {
        "token" => Some("This setup link is not valid. Use the link from the server log."),
        "email" => Some("Enter a valid email address."),
        "password" => Some("Use a password of at least 10 characters."),
        "mismatch" => Some("The two passwords differ."),
        _ => None,
    }
}

#[component]
pub fn SetupPage() -> impl IntoView {
    let query = use_query_map();
    let token = move || query.read().get("token").unwrap_or_default();
    let email = move || query.read().get("email").unwrap_or_default();
    let error = move || query.read().get("error").and_then(|c| message(&c));

    view! {
        <Title text="Set up" />
        <div class="auth-page">
            <form class="auth-card" method="post" action="/auth/setup">
                <div class="auth-brand">
                    <span class="brand-mark" aria-hidden="true">"W"</span>
                    " webhooks-console"
                </div>
                <h1>"Create the administrator"</h1>
                <p class="muted">
                    "This account manages the console. The setup link stops working once it exists."
                </p>
                {move || error().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
                <input type="hidden" name="token" value=token />
                <div class="field">
                    <label for="setup-email">"Email"</label>
                    <input id="setup-email" name="email" type="email" required value=email />
                </div>
                <div class="field">
                    <label for="setup-password">"Password"</label>
                    <input
                        id="setup-password"
                        name="password"
                        type="password"
                        minlength="10"
                        autocomplete="new-password"
                        required
                    />
                </div>
                <div class="field">
                    <label for="setup-confirm">"Confirm password"</label>
                    <input
                        id="setup-confirm"
                        name="confirm"
                        type="password"
                        minlength="10"
                        autocomplete="new-password"
                        required
                    />
                </div>
                <button type="submit" class="btn btn-primary btn-block">"Create administrator"</button>
            </form>
        </div>
    }
}
