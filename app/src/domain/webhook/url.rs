//! The webhook's endpoint: an absolute `https://` URL, parsed by hand so the browser build needs
//! no URL crate. Guarantees: scheme `https` (stored lower-case), a non-empty host (a name, an
//! IPv4 address or a bracketed IPv6 address), an optional port 1–65535, no user info, no
//! whitespace, control or ambiguous characters (`\`, `<`, `>`, …), at most 2048 characters.
//! Where the host points is the SSRF guard's question, at connection time.

use serde::Serialize;

use crate::domain::validation::{field, ValidationError};

const HTTPS: &str = "https://";
const USE_HTTPS: &str = "Use an https:// URL.";

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct HttpsUrl(String);

impl HttpsUrl {
    pub const MAX_LEN: usize = 2048;

    pub fn parse(raw: &str) -> Result<HttpsUrl, ValidationError> {
        let refuse = |message: &str| Err(ValidationError::new(field::URL, message));
        let url = raw.trim();
        if url.is_empty() {
            return refuse("Enter the URL, starting with https://.");
        }
        if url.len() > Self::MAX_LEN {
            return refuse("Keep the URL to 2048 characters or fewer.");
        }
        // Browsers and HTTP libraries disagree about these (a `\` may end the host for one and
        // not the other), which is how a URL ends up calling somewhere other than it reads.
        let ambiguous = |c: char| c.is_whitespace() || c.is_control() || "\\<>\"{}|^`".contains(c);
        if url.contains(ambiguous) {
            return refuse(USE_HTTPS);
        }
        let Some(rest) = url
            .get(..HTTPS.len())
            .filter(|scheme| scheme.eq_ignore_ascii_case(HTTPS))
            .map(|_| &url[HTTPS.len()..])
        else {
            return refuse(USE_HTTPS);
        };
        let authority = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
        if authority.contains('@') {
            return refuse(
                "Remove the user name and password from the URL: use an Authorization instead.",
            );
        }
        let Some((host, _)) = split_authority(authority) else {
            return refuse(USE_HTTPS);
        };
        // Why: a name of letters the IDNA tables do not map (U+113C7, found by the property
        // test in `outbound/tests`) passes `valid_name`, but no HTTP client can send to it. Only
        // the server has the tables; it checks every form again.
        if !idna_maps(host) {
            return refuse("Use a host name that is a valid internationalised domain name.");
        }
        Ok(HttpsUrl(format!("{HTTPS}{rest}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }

    /// The host as written (IPv6 with its brackets).
    pub fn host(&self) -> &str {
        split_authority(self.authority()).expect("parsed").0
    }

    /// The port, 443 when none is written.
    pub fn port(&self) -> u16 {
        split_authority(self.authority()).expect("parsed").1
    }

    fn authority(&self) -> &str {
        let rest = &self.0[HTTPS.len()..];
        &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())]
    }
}

impl std::fmt::Display for HttpsUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Whether the URL crate (the outbound client's) maps `host` to an ASCII name.
#[cfg(feature = "ssr")]
fn idna_maps(host: &str) -> bool {
    host.starts_with('[') || url::Host::parse(host).is_ok()
}

/// In the browser: the server decides (see the call site).
#[cfg(not(feature = "ssr"))]
fn idna_maps(_host: &str) -> bool {
    true
}

/// `host[:port]` → (host, port), or `None` when either is malformed.
fn split_authority(authority: &str) -> Option<(&str, u16)> {
    let (host, port) = if authority.starts_with('[') {
        let end = authority.find(']')? + 1;
        let (host, after) = authority.split_at(end);
        let inner = &host[1..end - 1];
        let ipv6 = inner.contains(':')
            && inner
                .chars()
                .all(|c| c.is_ascii_hexdigit() || c == ':' || c == '.');
        if !ipv6 {
            return None;
        }
        match after {
            "" => (host, None),
            _ => (host, Some(after.strip_prefix(':')?)),
        }
    } else {
        match authority.split_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        }
    };
    if !host.starts_with('[') && !valid_name(host) {
        return None;
    }
    let port = match port {
        None => 443,
        Some(p) if !p.is_empty() && p.len() <= 5 && p.bytes().all(|b| b.is_ascii_digit()) => {
            p.parse::<u16>().ok().filter(|p| *p != 0)?
        }
        Some(_) => return None,
    };
    Some((host, port))
}

/// A DNS name (internationalised names allowed) or an IPv4 address: labels of letters, digits,
/// `-` and `_`, separated by single dots, with at most one trailing dot.
///
/// Why the last-label rule: the URL standard (which the client's `url` crate follows) reads a
/// host whose last label is a number (`a.0`, `x.0x1f`) as an IPv4 address and fails when it is
/// not one, so such a host is accepted only as a plain dotted quad; otherwise we would store a
/// URL the dispatcher can never send to (found by the property test in `outbound/tests`).
fn valid_name(host: &str) -> bool {
    let host = host.strip_suffix('.').unwrap_or(host);
    let labels_ok = !host.is_empty()
        && host.split('.').all(|label| {
            !label.is_empty()
                && label
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
        });
    labels_ok && (!ends_in_a_number(host) || host.parse::<std::net::Ipv4Addr>().is_ok())
}

/// The URL standard's "ends in a number": the last label is all ASCII digits, or `0x`/`0X`
/// followed by hex digits only.
fn ends_in_a_number(host: &str) -> bool {
    let last = host.rsplit('.').next().unwrap_or("");
    if !last.is_empty() && last.bytes().all(|b| b.is_ascii_digit()) {
        return true;
    }
    last.strip_prefix("0x")
        .or_else(|| last.strip_prefix("0X"))
        .is_some_and(|hex| hex.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absolute_https_urls_are_accepted() {
        let table = [
            ("https://example.com", "example.com", 443),
            ("https://example.com/hook?x=1&y=%20#top", "example.com", 443),
            ("  https://example.com/hook  ", "example.com", 443),
            (
                "https://hooks.example.com.:8443/a/b",
                "hooks.example.com.",
                8443,
            ),
            ("https://127.0.0.1:65535", "127.0.0.1", 65535),
            ("https://[::1]:8443/x", "[::1]", 8443),
            ("https://[2001:db8::7]", "[2001:db8::7]", 443),
            ("https://münchen.example/", "münchen.example", 443),
            ("https://my_host-1.internal?q", "my_host-1.internal", 443),
            ("https://localhost", "localhost", 443),
        ];
        for (raw, host, port) in table {
            let url = HttpsUrl::parse(raw).unwrap_or_else(|e| panic!("{raw:?}: {e}"));
            assert_eq!((url.host(), url.port()), (host, port), "{raw:?}");
        }
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn a_name_the_idna_tables_cannot_map_is_refused_on_the_server() {
        // U+113C7 is alphanumeric to Rust's tables but has no IDNA mapping: reqwest would fail
        // with an IdnaError on every delivery (found by `url_props`).
        let e = HttpsUrl::parse("https://\u{113c7}").expect_err("refused");
        assert_eq!(
            (e.field.as_str(), e.message.as_str()),
            (
                "url",
                "Use a host name that is a valid internationalised domain name."
            )
        );
        assert!(HttpsUrl::parse("https://münchen.example/").is_ok());
    }

    #[test]
    fn the_scheme_is_stored_lower_case_and_the_rest_as_typed() {
        let url = HttpsUrl::parse("HTTPS://Example.com/Path?Q=1").unwrap();
        assert_eq!(url.as_str(), "https://Example.com/Path?Q=1");
    }

    #[test]
    fn a_url_of_2048_characters_is_accepted_and_one_more_is_refused() {
        let base = "https://example.com/";
        let longest = format!("{base}{}", "a".repeat(2048 - base.len()));
        assert!(HttpsUrl::parse(&longest).is_ok());
        let e = HttpsUrl::parse(&format!("{longest}a")).unwrap_err();
        assert_eq!(e.message, "Keep the URL to 2048 characters or fewer.");
    }

    #[test]
    fn anything_but_an_absolute_https_url_is_refused_on_the_url_field() {
        let table = [
            ("", "Enter the URL, starting with https://."),
            ("   ", "Enter the URL, starting with https://."),
            ("http://example.com", USE_HTTPS),
            ("ftp://example.com", USE_HTTPS),
            ("example.com/hook", USE_HTTPS),
            ("//example.com", USE_HTTPS),
            ("https:example.com", USE_HTTPS),
            ("https:/example.com", USE_HTTPS),
            ("https://", USE_HTTPS),
            ("https:///hook", USE_HTTPS),
            ("https://?q", USE_HTTPS),
            ("https://exa mple.com", USE_HTTPS),
            ("https://example.com/a b", USE_HTTPS),
            ("https://example.com\n/x", USE_HTTPS),
            ("https://example.com\\@evil.test", USE_HTTPS),
            ("https://ex<ample.com", USE_HTTPS),
            ("https://example.com:", USE_HTTPS),
            ("https://example.com:0", USE_HTTPS),
            ("https://example.com:65536", USE_HTTPS),
            ("https://example.com:443443", USE_HTTPS),
            ("https://example.com:8a", USE_HTTPS),
            ("https://example.com:80:80", USE_HTTPS),
            ("https://::1/", USE_HTTPS),
            ("https://[::1/", USE_HTTPS),
            ("https://[example.com]/", USE_HTTPS),
            ("https://[::1]x/", USE_HTTPS),
            ("https://exa..mple.com", USE_HTTPS),
            ("https://.example.com", USE_HTTPS),
            ("https://example.com..", USE_HTTPS),
            ("https://exa%6dple.com", USE_HTTPS),
            (
                "https://user:pw@example.com",
                "Remove the user name and password from the URL: use an Authorization instead.",
            ),
            (
                "https://@example.com",
                "Remove the user name and password from the URL: use an Authorization instead.",
            ),
        ];
        for (raw, message) in table {
            let e = HttpsUrl::parse(raw).expect_err(raw);
            assert_eq!(
                (e.field.as_str(), e.message.as_str()),
                ("url", message),
                "{raw:?}"
            );
        }
    }

    #[test]
    fn a_host_ending_in_a_number_is_accepted_only_as_a_dotted_quad() {
        for bad in [
            "https://a.0",
            "https://example.123",
            "https://x.0x1f",
            "https://1.2.3",
            "https://300.1.1.1",
        ] {
            assert!(HttpsUrl::parse(bad).is_err(), "{bad}");
        }
        for good in [
            "https://10.0.0.7/hook",
            "https://a0.example",
            "https://example.com0",
        ] {
            assert!(HttpsUrl::parse(good).is_ok(), "{good}");
        }
    }

    #[test]
    fn an_at_sign_after_the_host_is_part_of_the_path() {
        let url = HttpsUrl::parse("https://example.com/users/@me").unwrap();
        assert_eq!(url.host(), "example.com");
    }
}
