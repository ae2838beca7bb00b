//! Search and paging for every list page (CONTRACT §4 "Lists at scale"): a search box that is a
//! plain GET form, and Newer / Older links that carry the keyset cursor. Both are links and forms,
//! so they work with JavaScript off; hydrated, the router navigates in place.
//!
//! Guarantees: the list's parameters live in the URL (`q`, `before`, plus the page's own fixed
//! parameters such as `tab=authorizations`), so a page can be bookmarked, reloaded and shared; a
//! link built here keeps every parameter of the page but the ones it changes.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use crate::domain::paging::ListQueryInput;

/// The list parameters of the current address.
pub fn use_list_query() -> Memo<ListQueryInput> {
    let query = use_query_map();
    Memo::new(move |_| {
        let q = query.read();
        ListQueryInput {
            q: q.get("q").filter(|s| !s.is_empty()),
            limit: None,
            before: q.get("before").filter(|s| !s.is_empty()),
        }
    })
}

/// `base` with `pairs` as its query string (empty values left out).
pub fn href_with(base: &str, pairs: &[(&str, String)]) -> String {
    let kept: Vec<(&str, &str)> = pairs
        .iter()
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, v)| (*k, v.as_str()))
        .collect();
    if kept.is_empty() {
        return base.to_owned();
    }
    let sep = if base.contains('?') { '&' } else { '?' };
    let query = encode_pairs(&kept);
    format!("{base}{sep}{query}")
}

/// `k=v&…`, percent-encoded as a form would (spaces as `+`).
fn encode_pairs(pairs: &[(&str, &str)]) -> String {
    fn encode(s: &str) -> String {
        let mut out = String::with_capacity(s.len());
        for b in s.bytes() {
            match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'*' => {
                    out.push(b as char)
                }
                b' ' => out.push('+'),
                _ => out.push_str(&format!("%{b:02X}")),
            }
        }
        out
    }
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// The list's search box: a GET form to `action` that keeps the page's fixed parameters.
#[component]
pub fn SearchBox(
    /// The list's address (without query).
    action: &'static str,
    /// Parameters the page always carries, e.g. `("tab", "authorizations")`.
    #[prop(optional)]
    fixed: &'static [(&'static str, &'static str)],
    /// What the box searches, for its label: "Search services".
    label: &'static str,
    #[prop(optional)] placeholder: &'static str,
) -> impl IntoView {
    let query = use_list_query();
    let id = format!("search-{}", action.replace('/', "-"));
    view! {
        <form class="toolbar search" method="get" action=action role="search">
            {fixed
                .iter()
                .map(|(k, v)| view! { <input type="hidden" name=*k value=*v /> })
                .collect_view()}
            <label for=id.clone()>{label}</label>
            <input
                id=id
                type="search"
                name="q"
                placeholder=placeholder
                value=move || query.get().q.unwrap_or_default()
                maxlength="200"
            />
            <button type="submit" class="btn btn-quiet">"Search"</button>
            {move || {
                query
                    .get()
                    .q
                    .map(|_| {
                        let fixed: Vec<(&str, String)> =
                            fixed.iter().map(|(k, v)| (*k, (*v).to_owned())).collect();
                        view! {
                            <a class="btn btn-quiet" href=href_with(action, &fixed)>
                                "Clear"
                            </a>
                        }
                    })
            }}
        </form>
    }
}

/// "Newest" and "Older" below a list: `next_before` is the page's cursor to the next one.
#[component]
pub fn Pager(
    action: &'static str,
    #[prop(optional)] fixed: &'static [(&'static str, &'static str)],
    next_before: Option<String>,
) -> impl IntoView {
    let query = use_list_query().get_untracked();
    let mut base: Vec<(&str, String)> = fixed.iter().map(|(k, v)| (*k, (*v).to_owned())).collect();
    base.push(("q", query.q.clone().unwrap_or_default()));
    let newest = query.before.is_some().then(|| href_with(action, &base));
    let older = next_before.map(|b| {
        let mut pairs = base.clone();
        pairs.push(("before", b));
        href_with(action, &pairs)
    });
    (newest.is_some() || older.is_some()).then(|| {
        view! {
            <nav class="pager" aria-label="Pages">
                {newest.map(|h| view! { <a class="btn btn-quiet" href=h>"« Newest"</a> })}
                {older.map(|h| view! { <a class="btn btn-quiet" href=h rel="next">"Older »"</a> })}
            </nav>
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_link_keeps_its_parameters_encoded_and_drops_empty_ones() {
        assert_eq!(href_with("/assets/services", &[]), "/assets/services");
        assert_eq!(
            href_with(
                "/assets/integrations",
                &[
                    ("tab", "authorizations".into()),
                    ("q", "a&b c".into()),
                    ("before", String::new())
                ]
            ),
            "/assets/integrations?tab=authorizations&q=a%26b+c"
        );
        assert_eq!(
            href_with("/x?tab=y", &[("before", "9".into())]),
            "/x?tab=y&before=9"
        );
    }
}
