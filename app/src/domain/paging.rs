//! Lists at scale (CONTRACT §4): every list — assets, integrations, authorizations, the delivery
//! log — takes an optional search `q`, a page size `limit` and a keyset cursor `before=<id>`, and
//! answers one page, newest first, with the cursor of the next page when there may be more.
//!
//! Guarantees: a [`ListQuery`] is parsed once at the edge (REST query string or console URL) by
//! the same code for both; `limit` is 1–[`MAX_LIMIT`] (default [`DEFAULT_LIMIT`]); `q` is trimmed,
//! at most [`MAX_QUERY_CHARS`] characters, without control characters, and empty means none; a
//! bad value is a [`AppError::Malformed`] naming its parameter. Ids are positive integers.

use serde::{Deserialize, Serialize};

use super::AppError;

pub const DEFAULT_LIMIT: u32 = 100;
pub const MAX_LIMIT: u32 = 1000;
pub const MAX_QUERY_CHARS: usize = 200;

/// The raw list parameters, as a query string carries them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListQueryInput {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub q: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<String>,
}

/// One page of a list, asked for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListQuery {
    /// A case-insensitive substring of the name (number, URL…); `None` = everything.
    pub q: Option<String>,
    pub limit: u32,
    /// Only items with a smaller id (the next page).
    pub before: Option<i64>,
}

impl Default for ListQuery {
    fn default() -> Self {
        ListQuery {
            q: None,
            limit: DEFAULT_LIMIT,
            before: None,
        }
    }
}

impl ListQuery {
    pub fn parse(input: &ListQueryInput) -> Result<Self, AppError> {
        Ok(ListQuery {
            q: parse_search(input.q.as_deref())?,
            limit: parse_limit(input.limit.as_deref())?,
            before: parse_id_param(input.before.as_deref(), "before")?,
        })
    }

    /// Everything, for the pickers that need every item (bounded by [`MAX_LIMIT`]).
    pub fn all() -> Self {
        ListQuery {
            limit: MAX_LIMIT,
            ..Self::default()
        }
    }

    /// The query string of this page's parameters (without `?`), for links.
    pub fn to_query(&self) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        if let Some(q) = &self.q {
            out.push(("q", q.clone()));
        }
        if self.limit != DEFAULT_LIMIT {
            out.push(("limit", self.limit.to_string()));
        }
        if let Some(b) = self.before {
            out.push(("before", b.to_string()));
        }
        out
    }
}

/// One page: the items, newest first, and the `before` of the next page when there may be more.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub next_before: Option<String>,
}

impl<T> Page<T> {
    /// A page cut from `items` fetched with one more than `limit`: the extra one only says there
    /// is a next page, whose cursor is the id of the last item kept.
    pub fn from_probe(mut items: Vec<T>, limit: u32, id_of: impl Fn(&T) -> String) -> Self {
        let limit = limit as usize;
        let next_before = if items.len() > limit {
            items.truncate(limit);
            items.last().map(id_of)
        } else {
            None
        };
        Page { items, next_before }
    }

    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            next_before: self.next_before,
        }
    }
}

fn malformed(field: &str, message: impl Into<String>) -> AppError {
    AppError::Malformed {
        field: Some(field.to_owned()),
        message: message.into(),
    }
}

/// `q`: trimmed; empty = none.
pub fn parse_search(raw: Option<&str>) -> Result<Option<String>, AppError> {
    let Some(q) = raw.map(str::trim).filter(|q| !q.is_empty()) else {
        return Ok(None);
    };
    if q.chars().count() > MAX_QUERY_CHARS {
        return Err(malformed(
            "q",
            format!("`q` is at most {MAX_QUERY_CHARS} characters."),
        ));
    }
    if q.chars().any(char::is_control) {
        return Err(malformed("q", "`q` cannot hold control characters."));
    }
    Ok(Some(q.to_owned()))
}

/// `limit`: 1 to [`MAX_LIMIT`]; absent or empty = [`DEFAULT_LIMIT`].
pub fn parse_limit(raw: Option<&str>) -> Result<u32, AppError> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(DEFAULT_LIMIT),
        Some(s) => s
            .parse::<u32>()
            .ok()
            .filter(|n| (1..=MAX_LIMIT).contains(n))
            .ok_or_else(|| {
                malformed(
                    "limit",
                    format!("`limit` is a number from 1 to {MAX_LIMIT}."),
                )
            }),
    }
}

/// An id parameter (`before`, `integration_id`): a positive integer; absent or empty = none.
pub fn parse_id_param(raw: Option<&str>, field: &str) -> Result<Option<i64>, AppError> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => s
            .parse::<i64>()
            .ok()
            .filter(|n| *n > 0)
            .map(Some)
            .ok_or_else(|| malformed(field, format!("`{field}` must be an id."))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(q: Option<&str>, limit: Option<&str>, before: Option<&str>) -> ListQueryInput {
        ListQueryInput {
            q: q.map(Into::into),
            limit: limit.map(Into::into),
            before: before.map(Into::into),
        }
    }

    #[test]
    fn no_parameters_ask_for_the_first_hundred() {
        assert_eq!(
            ListQuery::parse(&ListQueryInput::default()).unwrap(),
            ListQuery::default()
        );
        assert_eq!(
            ListQuery::parse(&input(Some("  "), Some(""), Some(""))).unwrap(),
            ListQuery::default()
        );
    }

    #[test]
    fn a_search_is_trimmed_and_bounded() {
        let q = ListQuery::parse(&input(Some("  Partner A "), None, None)).unwrap();
        assert_eq!(q.q.as_deref(), Some("Partner A"));
        let long = "x".repeat(MAX_QUERY_CHARS + 1);
        let e = ListQuery::parse(&input(Some(&long), None, None)).unwrap_err();
        assert_eq!(e.field(), Some("q"));
        let e = ListQuery::parse(&input(Some("a\u{0}b"), None, None)).unwrap_err();
        assert_eq!(e.field(), Some("q"));
    }

    #[test]
    fn limit_and_before_are_refused_out_of_range_with_their_name() {
        for bad in ["0", "1001", "-1", "ten", "1.5"] {
            let e = ListQuery::parse(&input(None, Some(bad), None)).unwrap_err();
            assert_eq!(e.field(), Some("limit"), "{bad}");
        }
        for bad in ["0", "-4", "x", "9223372036854775808"] {
            let e = ListQuery::parse(&input(None, None, Some(bad))).unwrap_err();
            assert_eq!(e.field(), Some("before"), "{bad}");
        }
        let q = ListQuery::parse(&input(None, Some("1000"), Some("42"))).unwrap();
        assert_eq!((q.limit, q.before), (1000, Some(42)));
    }

    #[test]
    fn a_probe_of_one_extra_item_gives_the_next_cursor() {
        let full = Page::from_probe(vec![9, 8, 7], 2, |n| n.to_string());
        assert_eq!(full.items, vec![9, 8]);
        assert_eq!(full.next_before.as_deref(), Some("8"));
        let last = Page::from_probe(vec![9, 8], 2, |n| n.to_string());
        assert_eq!(last.next_before, None);
    }

    #[test]
    fn a_query_turns_back_into_its_parameters() {
        let q = ListQuery {
            q: Some("a b".into()),
            limit: 50,
            before: Some(7),
        };
        assert_eq!(
            q.to_query(),
            vec![
                ("q", "a b".to_owned()),
                ("limit", "50".to_owned()),
                ("before", "7".to_owned())
            ]
        );
        assert!(ListQuery::default().to_query().is_empty());
    }
}
