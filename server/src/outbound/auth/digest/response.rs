//! The Digest `response` and the `Authorization` header (RFC 7616 §3.4).
//!
//! Why our own code and not a crate: `http-auth` has no `-sess` session keys and cannot hash a
//! body for `auth-int`; `digest_auth` (0.3.1) covers the algorithms but is built on `http` 0.2
//! (a second copy of the HTTP types beside reqwest's `http` 1), and the part that needs care
//! here (nc per nonce, remembered nonces, `stale`) is ours either way. The computation itself is a
//! few lines over RustCrypto's `md-5` and `sha2`; it is pinned by the RFC's
//! known-answer example below and checked against independent verifiers (httpbin and a
//! Python/hashlib receiver) in the integration tests.

use app::domain::authorization::{DigestAlgorithm, DigestQop};
use md5::Md5;
use sha2::{Digest, Sha256};

/// Everything one `Authorization: Digest` header is computed from.
pub(crate) struct Answer<'a> {
    pub username: &'a str,
    pub password: &'a str,
    pub realm: &'a str,
    pub nonce: &'a str,
    pub opaque: Option<&'a str>,
    pub algorithm: DigestAlgorithm,
    pub qop: Option<DigestQop>,
    pub nc: u32,
    pub cnonce: &'a str,
    pub method: &'a str,
    /// The request-target: path and query, as sent.
    pub uri: &'a str,
    /// The exact body bytes (hashed for `auth-int`).
    pub body: &'a [u8],
}

fn h(algorithm: DigestAlgorithm, data: &[u8]) -> String {
    match algorithm {
        DigestAlgorithm::Md5 | DigestAlgorithm::Md5Sess => hex::encode(Md5::digest(data)),
        DigestAlgorithm::Sha256 | DigestAlgorithm::Sha256Sess => hex::encode(Sha256::digest(data)),
    }
}

impl Answer<'_> {
    /// The `response` parameter.
    pub(crate) fn response(&self) -> String {
        let alg = self.algorithm;
        let mut ha1 = h(
            alg,
            format!("{}:{}:{}", self.username, self.realm, self.password).as_bytes(),
        );
        if alg.is_session() {
            ha1 = h(
                alg,
                format!("{ha1}:{}:{}", self.nonce, self.cnonce).as_bytes(),
            );
        }
        let ha2 = match self.qop {
            Some(DigestQop::AuthInt) => h(
                alg,
                format!("{}:{}:{}", self.method, self.uri, h(alg, self.body)).as_bytes(),
            ),
            _ => h(alg, format!("{}:{}", self.method, self.uri).as_bytes()),
        };
        let data = match self.qop {
            Some(qop) => format!(
                "{ha1}:{}:{:08x}:{}:{}:{ha2}",
                self.nonce,
                self.nc,
                self.cnonce,
                qop.label()
            ),
            None => format!("{ha1}:{}:{ha2}", self.nonce),
        };
        h(alg, data.as_bytes())
    }

    /// The whole `Authorization` header value.
    pub(crate) fn header(&self) -> String {
        let mut out = format!(
            "Digest username={}, realm={}, nonce={}, uri={}, algorithm={}, response=\"{}\"",
            quote(self.username),
            quote(self.realm),
            quote(self.nonce),
            quote(self.uri),
            self.algorithm.label(),
            self.response()
        );
        if let Some(qop) = self.qop {
            out.push_str(&format!(
                ", qop={}, nc={:08x}, cnonce={}",
                qop.label(),
                self.nc,
                quote(self.cnonce)
            ));
        }
        if let Some(opaque) = self.opaque {
            out.push_str(&format!(", opaque={}", quote(opaque)));
        }
        out
    }
}

/// A quoted-string, with `"` and `\` escaped (RFC 9110 §5.6.4).
fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 7616 §3.9.1.
    fn rfc_example(algorithm: DigestAlgorithm) -> Answer<'static> {
        Answer {
            username: "Mufasa",
            password: "Circle of Life",
            realm: "http-auth@example.org",
            nonce: "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v",
            opaque: Some("FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"),
            algorithm,
            qop: Some(DigestQop::Auth),
            nc: 1,
            cnonce: "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ",
            method: "GET",
            uri: "/dir/index.html",
            body: b"",
        }
    }

    #[test]
    fn the_rfc_7616_example_gives_the_published_md5_response() {
        let a = rfc_example(DigestAlgorithm::Md5);
        assert_eq!(a.response(), "8ca523f5e9506fed4657c9700eebdbec");
    }

    #[test]
    fn the_rfc_7616_example_gives_the_published_sha256_response() {
        let a = rfc_example(DigestAlgorithm::Sha256);
        assert_eq!(
            a.response(),
            "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1"
        );
        assert_eq!(
            a.header(),
            "Digest username=\"Mufasa\", realm=\"http-auth@example.org\", \
             nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", uri=\"/dir/index.html\", \
             algorithm=SHA-256, \
             response=\"753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1\", \
             qop=auth, nc=00000001, cnonce=\"f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ\", \
             opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\""
        );
    }

    #[test]
    fn sess_and_auth_int_change_the_response_and_nc_is_eight_hex_digits() {
        let base = rfc_example(DigestAlgorithm::Md5).response();
        let sess = rfc_example(DigestAlgorithm::Md5Sess).response();
        assert_ne!(base, sess);
        let mut int = rfc_example(DigestAlgorithm::Sha256Sess);
        int.qop = Some(DigestQop::AuthInt);
        int.body = b"{\"a\":1}";
        let with_body = int.response();
        int.body = b"{\"a\":2}";
        assert_ne!(with_body, int.response(), "auth-int must cover the body");
        int.nc = 0x1a;
        assert!(int.header().contains("nc=0000001a"));
    }

    #[test]
    fn quoted_values_escape_quotes_and_backslashes() {
        assert_eq!(quote(r#"a"b\c"#), r#""a\"b\\c""#);
    }
}
