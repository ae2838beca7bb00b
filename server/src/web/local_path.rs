//! Where the browser may be sent after signing in: a path on this site, parsed, never a
//! pattern-matched string.
//!
//! Guarantees: a [`LocalPath`] is plain printable ASCII, starts with exactly one `/`, and
//! resolves against this site to this site (as a WHATWG URL parser, i.e. a browser, resolves
//! it); it is returned in the parser's normalised form. Why so strict: browsers drop tabs and
//! line breaks inside URLs and read `\` as `/`, so `/<tab>/evil.example` or `/\evil.example`
//! become `//evil.example`, another host. The same characters percent-encoded, whitespace,
//! controls and anything non-ASCII (look-alike slashes, direction marks) are refused as well:
//! the console's own addresses never contain them.

use url::{Position, Url};

/// Longer than any address of the console with its filters.
const MAX_LEN: usize = 2048;

/// A path (with query) on this site, safe to put in `Location`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalPath(String);

impl LocalPath {
    /// `None` unless `raw` is a plain absolute path on this site.
    pub fn parse(raw: &str) -> Option<LocalPath> {
        if raw.len() > MAX_LEN || !raw.starts_with('/') || raw.starts_with("//") {
            return None;
        }
        if !raw.bytes().all(plain) || percent_decoded(raw).any(hidden) {
            return None;
        }
        let base = Url::parse("http://console.invalid/").expect("a valid base URL");
        let resolved = base.join(raw).ok()?;
        if resolved.origin() != base.origin() || resolved.fragment().is_some() {
            return None;
        }
        let path = &resolved[Position::BeforePath..Position::AfterQuery];
        // Checked again after normalisation: `/a/..//x` must not come out as `//x`.
        (path.starts_with('/') && !path.starts_with("//")).then(|| LocalPath(path.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Printable ASCII other than space and `\`.
fn plain(b: u8) -> bool {
    b.is_ascii_graphic() && b != b'\\'
}

/// What must not hide behind a `%XX` either: controls, space, `\`. (Encoded non-ASCII stays:
/// a search for "café" arrives as `q=caf%C3%A9`.)
fn hidden(b: u8) -> bool {
    b.is_ascii_control() || b == b' ' || b == b'\\'
}

/// The bytes `raw` stands for once its `%XX` escapes are decoded. Once is enough: a browser
/// decodes nothing in a path before resolving it; this only refuses what a proxy might.
fn percent_decoded(raw: &str) -> impl Iterator<Item = u8> + '_ {
    let bytes = raw.as_bytes();
    let mut i = 0;
    std::iter::from_fn(move || {
        let b = *bytes.get(i)?;
        if b == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok());
            if let Some(v) = hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                i += 3;
                return Some(v);
            }
        }
        i += 1;
        Some(b)
    })
}

#[cfg(test)]
mod tests {
    use super::LocalPath;

    fn parsed(raw: &str) -> Option<String> {
        LocalPath::parse(raw).map(|p| p.as_str().to_owned())
    }

    #[test]
    fn plain_paths_with_queries_are_kept() {
        for ok in [
            "/",
            "/monitor/deliveries",
            "/monitor/deliveries?status=failed&channel=SMS",
            "/assets/integrations?tab=authorizations",
            "/assets/services?q=caf%C3%A9",
        ] {
            assert_eq!(parsed(ok).as_deref(), Some(ok), "{ok:?}");
        }
    }

    #[test]
    fn the_reproduced_tab_case_and_its_friends_are_refused() {
        for bad in [
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r\n/evil.example",
            "/\u{0}/evil.example",
            "/ /evil.example",
            "/%09/evil.example",
            "/%0a/evil.example",
            "/%0D%0A/evil.example",
            "/%5c/evil.example",
            "/%5C%5Cevil.example",
            "/%20/evil.example",
            "/\\evil.example",
            "/\\/evil.example",
            "\\\\evil.example",
        ] {
            assert_eq!(parsed(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn other_hosts_and_schemes_are_refused() {
        for bad in [
            "",
            "//evil.example",
            "///evil.example",
            "https://evil.example",
            "http:evil.example",
            "javascript:alert(1)",
            "evil.example",
            "./x",
            "/a/..//evil.example",
        ] {
            assert_eq!(parsed(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn unicode_look_alikes_and_invisible_characters_are_refused() {
        for bad in [
            "/\u{ff0f}evil.example",    // fullwidth solidus
            "/\u{2215}evil.example",    // division slash
            "/\u{3000}/evil.example",   // ideographic space
            "/\u{200b}/evil.example",   // zero-width space
            "/\u{202e}elpmaxe.live",    // right-to-left override
            "/\u{a0}/evil.example",     // no-break space
            "/monitor/d\u{e9}liveries", // plain non-ASCII: never one of our paths
        ] {
            assert_eq!(parsed(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn dot_segments_are_resolved_and_a_fragment_is_refused() {
        assert_eq!(
            parsed("/assets/../monitor/deliveries").as_deref(),
            Some("/monitor/deliveries")
        );
        assert_eq!(parsed("/monitor#x"), None);
        assert_eq!(parsed(&format!("/{}", "a".repeat(4096))), None);
    }
}
