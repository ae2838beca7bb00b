//! `/login`: a plain HTML form posted to `/auth/login`, so signing in works the same with
//! JavaScript on or off. The server answers a failure by sending the browser back here with
//! `?error=…` and the email that was typed (never the password); a throttled attempt is
//! answered with this same page rendered for `?error=throttled&retry=N` (status 429).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The message for a refused attempt (CONTRACT §4 "Sign-in throttling").
fn throttled(retry: Option<u64>) -> String {
    match retry {
        Some(n) => format!("Too many attempts; try again in {n} s"),
        None => "Too many attempts; try again later".to_owned(),
    }
}

/// The message for an `error` / `notice` code the server put in the query string.
fn message(code: &str) -> Option<&'static str> {
    match code {
        // One message for both cases: it must not tell which of the two was wrong.
        "invalid" => Some("Wrong email or password."),
        "missing" => Some("Enter your email and password."),
        "signed-out" => Some("You have signed out."),
        "signed-out-everywhere" => Some("You have signed out on every browser and device."),
        "setup-done" => Some("Setup is complete: sign in with the administrator account."),
        "expired" => Some("Your session has ended: sign in again."),
        _ => None,
    }
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let query = use_query_map();
    let error = move || {
        let q = query.read();
        let code = q.get("error")?;
        if code == "throttled" {
            return Some(throttled(q.get("retry").and_then(|n| n.parse().ok())));
        }
        message(&code).map(str::to_owned)
    };
    let notice = move || query.read().get("notice").and_then(|c| message(&c));
    let email = move || query.read().get("email").unwrap_or_default();
    let next = move || query.read().get("next").unwrap_or_default();

    view! {
        <Title text="Sign in" />
        <div class="auth-page">
            <form class="auth-card" method="post" action="/auth/login">
                <div class="auth-brand">
                    <span class="brand-mark" aria-hidden="true">"W"</span>
                    " webhooks-console"
                </div>
                <h1>"Sign in"</h1>
                {move || notice().map(|m| view! { <p class="notice" role="status">{m}</p> })}
                {move || error().map(|m| view! { <p class="form-error" role="alert">{m}</p> })}
                <div class="field">
                    <label for="login-email">"Email"</label>
                    <input
                        id="login-email"
                        name="email"
                        type="email"
                        autocomplete="username"
                        required
                        value=email
                    />
                </div>
                <div class="field">
                    <label for="login-password">"Password"</label>
                    <input
                        id="login-password"
                        name="password"
                        type="password"
                        autocomplete="current-password"
                        required
                    />
                </div>
                <input type="hidden" name="next" value=next />
                <button type="submit" class="btn btn-primary btn-block">"Sign in"</button>
            </form>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::{message, throttled};

    #[test]
    fn a_failed_sign_in_does_not_say_which_field_was_wrong() {
        let m = message("invalid").unwrap().to_lowercase();
        assert!(m.contains("email or password"));
    }

    #[test]
    fn a_throttled_attempt_says_how_long_to_wait() {
        assert_eq!(throttled(Some(8)), "Too many attempts; try again in 8 s");
        assert_eq!(throttled(None), "Too many attempts; try again later");
    }

    #[test]
    fn unknown_codes_show_nothing() {
        assert_eq!(message("<script>"), None);
    }
}
