//! Where a form post without JavaScript lands, and how the page moves on from there.
//!
//! With JavaScript off, an `ActionForm` is a plain HTML form posted to its server function.
//! Leptos answers that post with a redirect back to the page the form was on (the `Referer`):
//! with `__path`/`__err` in the query when the function failed (the page's `ServerAction`
//! picks the error up from there), without them when it succeeded. The success itself is not
//! in that redirect, so the page tells it apart here: it is asked for again, by the browser
//! following that redirect, *from itself*, and carries no error. The page then redirects to
//! where the hydrated page navigates after a success (e.g. the list), so both paths end at
//! the same place.
//!
//! A plain reload keeps the page's original referrer, and every link on these pages leads
//! elsewhere, so nothing else looks like a returning post. Without a `Referer` (a privacy
//! setting) the page simply shows again; what was saved is saved.

/// During server rendering of a GET that is a form post coming back successfully, redirects
/// to `to` and returns true. In the browser (and in every other case) it does nothing.
pub fn redirect_after_successful_post(to: &str) -> bool {
    #[cfg(feature = "ssr")]
    {
        use leptos::prelude::use_context;
        let Some(parts) = use_context::<http::request::Parts>() else {
            return false;
        };
        let referer = parts
            .headers
            .get(http::header::REFERER)
            .and_then(|v| v.to_str().ok());
        let host = parts
            .headers
            .get(http::header::HOST)
            .and_then(|v| v.to_str().ok());
        let (path, query) = (parts.uri.path(), parts.uri.query().unwrap_or(""));
        if parts.method == http::Method::GET && is_post_return(path, query, referer, host) {
            leptos_axum::redirect(to);
            return true;
        }
        false
    }
    #[cfg(not(feature = "ssr"))]
    {
        let _ = to;
        false
    }
}

/// Whether a request for `path?query` whose `Referer` is `referer` is the redirect after a
/// successful form post made from this very page.
#[cfg(any(feature = "ssr", test))]
fn is_post_return(path: &str, query: &str, referer: Option<&str>, host: Option<&str>) -> bool {
    if query_pairs(query).any(|(k, _)| k == "__err") {
        return false;
    }
    let Some(referer) = referer else { return false };
    // Only this site's own pages: "http(s)://<host><path>[?query]".
    let Some(rest) = referer
        .strip_prefix("http://")
        .or_else(|| referer.strip_prefix("https://"))
    else {
        return false;
    };
    let (ref_host, ref_target) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    if host.is_some_and(|h| h != ref_host) {
        return false;
    }
    let ref_target = ref_target.split('#').next().unwrap_or("");
    let (ref_path, ref_query) = ref_target.split_once('?').unwrap_or((ref_target, ""));
    let without_errors = |q: &str| -> Vec<(String, String)> {
        query_pairs(q)
            .filter(|(k, _)| k != "__err" && k != "__path")
            .collect()
    };
    ref_path == path && without_errors(ref_query) == without_errors(query)
}

#[cfg(any(feature = "ssr", test))]
fn query_pairs(query: &str) -> impl Iterator<Item = (String, String)> + '_ {
    query.split('&').filter(|p| !p.is_empty()).map(|p| {
        let (k, v) = p.split_once('=').unwrap_or((p, ""));
        (k.to_owned(), v.to_owned())
    })
}

#[cfg(test)]
mod tests {
    use super::is_post_return;

    fn check(target: &str, referer: Option<&str>) -> bool {
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        is_post_return(path, query, referer, Some("127.0.0.1:3137"))
    }

    #[test]
    fn a_page_asked_for_by_itself_without_an_error_is_a_successful_post_coming_back() {
        let me = "http://127.0.0.1:3137/assets/services/new";
        assert!(check("/assets/services/new", Some(me)));
        assert!(check("/assets/services/new?", Some(me)));
        // A second try after a refused one: the referer still carries the first error.
        assert!(check(
            "/assets/services/new",
            Some("http://127.0.0.1:3137/assets/services/new?__path=%2Fapi%2Fsave&__err=abc")
        ));
        assert!(check(
            "/assets/services?delete=4",
            Some("http://127.0.0.1:3137/assets/services?delete=4")
        ));
    }

    #[test]
    fn a_refused_post_a_visit_from_elsewhere_or_no_referer_is_not() {
        let me = "http://127.0.0.1:3137/assets/services/new";
        assert!(!check(
            "/assets/services/new?__path=%2Fapi%2Fsave&__err=abc",
            Some(me)
        ));
        assert!(!check(
            "/assets/services/new",
            Some("http://127.0.0.1:3137/assets/services")
        ));
        assert!(!check("/assets/services/new", None));
        assert!(!check(
            "/assets/services/new",
            Some("https://elsewhere.example/assets/services/new")
        ));
        assert!(!check(
            "/assets/services?delete=4",
            Some("http://127.0.0.1:3137/assets/services")
        ));
    }
}
