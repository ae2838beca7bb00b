//! Response headers that tell the browser to refuse what the console never does: scripts it
//! did not send, being framed, sniffing types, leaking its addresses to other sites.
//!
//! Guarantees, on every response: a Content-Security-Policy whose script nonce is minted per
//! request, handed to Leptos through the request's extensions (the shell provides it as the
//! render's `Nonce`, so every inline script Leptos writes carries it), with
//! `'wasm-unsafe-eval'` for the WASM and never `'unsafe-eval'` or `'unsafe-inline'`;
//! `X-Content-Type-Options: nosniff`; `Referrer-Policy: same-origin` (the forms find their
//! way back by a same-origin Referer); `X-Frame-Options: DENY` beside `frame-ancestors` for
//! old browsers; and HSTS when the public URL is https.
//!
//! Why no `form-action`: Get Access Token is a plain form post to `/oauth/token/{id}` answered
//! by a redirect to the provider's Authorization URL, which can be any origin the operator
//! typed, and Chromium applies `form-action` to the redirects after a form post too; the
//! directive would block that flow. Forms can only go elsewhere through markup the console
//! renders, which escapes everything it shows, and no script can run to add one.

use axum::{
    extract::{Request, State},
    http::{header, HeaderMap, HeaderValue},
    middleware::Next,
    response::Response,
};
use leptos::nonce::Nonce;

use crate::state::AppState;

/// The policy for a response whose inline scripts carry `nonce`.
fn content_security_policy(nonce: &Nonce) -> String {
    format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; \
         base-uri 'none'; frame-ancestors 'none'"
    )
}

/// One year, the usual HSTS lifetime; subdomains are not the console's to speak for.
const HSTS: &str = "max-age=31536000";

/// The middleware: mints the nonce, then sets the headers on whatever the response is.
pub async fn security_headers(
    State(state): State<AppState>,
    mut req: Request,
    next: Next,
) -> Response {
    let nonce = Nonce::new();
    req.extensions_mut().insert(nonce.clone());
    let mut res = next.run(req).await;
    let https = crate::auth::session::secure_cookie(&state);
    set(res.headers_mut(), &nonce, https);
    res
}

fn set(headers: &mut HeaderMap, nonce: &Nonce, https: bool) {
    if let Ok(csp) = HeaderValue::from_str(&content_security_policy(nonce)) {
        headers.insert(header::CONTENT_SECURITY_POLICY, csp);
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if https {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static(HSTS),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_allows_the_wasm_and_nonced_scripts_and_nothing_evaluated() {
        let nonce = Nonce::from_value("abc123");
        let csp = content_security_policy(&nonce);
        for part in [
            "default-src 'self'",
            "'nonce-abc123'",
            "'wasm-unsafe-eval'",
            "frame-ancestors 'none'",
            "base-uri 'none'",
            "object-src 'none'",
        ] {
            assert!(csp.contains(part), "{part} missing from {csp}");
        }
        assert!(!csp.contains("'unsafe-eval'") && !csp.contains("'unsafe-inline'"));
    }

    #[test]
    fn hsts_only_over_https() {
        let nonce = Nonce::from_value("n");
        let mut plain = HeaderMap::new();
        set(&mut plain, &nonce, false);
        assert!(plain.get(header::STRICT_TRANSPORT_SECURITY).is_none());
        let mut tls = HeaderMap::new();
        set(&mut tls, &nonce, true);
        assert_eq!(tls[header::STRICT_TRANSPORT_SECURITY], HSTS);
        assert_eq!(tls[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
    }
}
