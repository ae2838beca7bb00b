//! A stored time (RFC 3339, UTC) as a table shows it: to the minute, with the exact value in
//! the `datetime` attribute and the tooltip.

use leptos::prelude::*;

/// `2026-11-27T13:22:13Z` → `2026-11-27 13:22 UTC`. Anything else is shown as it came.
pub fn short_utc(rfc3339: &str) -> String {
    let b = rfc3339.as_bytes();
    let shaped = b.len() >= 17
        && b[4] == b'-'
        && b[7] == b'-'
        && b[10] == b'T'
        && b[13] == b':'
        && rfc3339.ends_with('Z');
    if shaped {
        format!("{} {} UTC", &rfc3339[..10], &rfc3339[11..16])
    } else {
        rfc3339.to_owned()
    }
}

#[component]
pub fn Timestamp(#[prop(into)] value: String) -> impl IntoView {
    let short = short_utc(&value);
    view! {
        <time datetime=value.clone() title=value>
            {short}
        </time>
    }
}

#[cfg(test)]
mod tests {
    use super::short_utc;

    #[test]
    fn utc_times_are_shown_to_the_minute() {
        assert_eq!(short_utc("2026-11-27T13:22:13Z"), "2026-11-27 13:22 UTC");
    }

    #[test]
    fn anything_unexpected_is_shown_as_it_came() {
        assert_eq!(short_utc("yesterday"), "yesterday");
        assert_eq!(
            short_utc("2026-11-27T13:22:13+01:00"),
            "2026-11-27T13:22:13+01:00"
        );
    }
}
