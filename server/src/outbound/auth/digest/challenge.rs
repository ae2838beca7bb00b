//! Parsing `WWW-Authenticate` (RFC 9110 §11.6.1, RFC 7616 §3.3) into challenges, and picking the
//! Digest challenge we can answer.
//!
//! Guarantees: quoted strings are read with their `\` escapes, several challenges in one header
//! (and over several headers) are all seen, parameter names are case-insensitive, and a
//! challenge is answered only in the configured algorithm: a server offering only others is
//! told apart ([`Pick::OtherAlgorithm`]), never answered in a weaker one (a man in the middle
//! could otherwise downgrade a SHA-256 profile to MD5 by editing the challenge);
//! `userhash=true` challenges are skipped, since we do not hash user names.

use app::domain::authorization::{DigestAlgorithm, DigestQop};

/// One challenge: a scheme and its parameters (names lower-cased, values unquoted).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Challenge {
    pub scheme: String,
    pub params: Vec<(String, String)>,
}

impl Challenge {
    pub(crate) fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A Digest challenge we can answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct DigestChallenge {
    pub realm: String,
    pub nonce: String,
    pub opaque: Option<String>,
    pub algorithm: DigestAlgorithm,
    /// `None` for an RFC 2069 server that offers no qop.
    pub qop: Option<DigestQop>,
    pub stale: bool,
}

/// Reads every challenge of one header value. Anything unreadable ends the parse (what was read
/// so far is kept): a damaged header must not make us send credentials somewhere odd.
pub(crate) fn parse(header: &str) -> Vec<Challenge> {
    let mut p = Parser {
        s: header.as_bytes(),
        i: 0,
    };
    let mut out: Vec<Challenge> = Vec::new();
    loop {
        p.skip_separators();
        let Some(word) = p.token() else { break };
        p.skip_spaces();
        if p.peek() == Some(b'=') && out.last().is_some() && !p.is_token68_end() {
            // `name=value` of the current challenge.
            p.i += 1;
            p.skip_spaces();
            let Some(value) = p.value() else { break };
            if let Some(last) = out.last_mut() {
                last.params.push((word.to_ascii_lowercase(), value));
            }
        } else {
            // A new scheme; a token68 after it (Basic/Bearer data) is skipped.
            out.push(Challenge {
                scheme: word.to_ascii_lowercase(),
                params: Vec::new(),
            });
            p.skip_token68();
        }
    }
    out
}

struct Parser<'a> {
    s: &'a [u8],
    i: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    fn skip_spaces(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t')) {
            self.i += 1;
        }
    }

    fn skip_separators(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b',')) {
            self.i += 1;
        }
    }

    fn token(&mut self) -> Option<String> {
        let start = self.i;
        while self.peek().is_some_and(is_tchar) {
            self.i += 1;
        }
        (self.i > start).then(|| String::from_utf8_lossy(&self.s[start..self.i]).into_owned())
    }

    /// After `token`, whether the `=` seen starts a token68 tail (`abc==` then `,` or end).
    fn is_token68_end(&self) -> bool {
        let mut j = self.i;
        while self.s.get(j) == Some(&b'=') {
            j += 1;
        }
        while matches!(self.s.get(j), Some(b' ' | b'\t')) {
            j += 1;
        }
        j > self.i && matches!(self.s.get(j), None | Some(b','))
    }

    /// Skips `token68` right after a scheme (only when it is not the start of `name=`).
    fn skip_token68(&mut self) {
        self.skip_spaces();
        let start = self.i;
        while self
            .peek()
            .is_some_and(|c| c.is_ascii_alphanumeric() || b"-._~+/".contains(&c))
        {
            self.i += 1;
        }
        if self.peek() == Some(b'=') && self.i > start {
            let mut j = self.i;
            while self.s.get(j) == Some(&b'=') {
                j += 1;
            }
            let mut k = j;
            while matches!(self.s.get(k), Some(b' ' | b'\t')) {
                k += 1;
            }
            if matches!(self.s.get(k), None | Some(b',')) && j > self.i {
                self.i = k; // token68 with padding
                return;
            }
            self.i = start; // it was `name=value`: leave it for the caller
            return;
        }
        if !matches!(self.peek(), None | Some(b',')) {
            self.i = start;
        }
    }

    fn value(&mut self) -> Option<String> {
        if self.peek() != Some(b'"') {
            return self.token();
        }
        self.i += 1;
        let mut out = Vec::new();
        loop {
            match self.peek()? {
                b'"' => {
                    self.i += 1;
                    return Some(String::from_utf8_lossy(&out).into_owned());
                }
                b'\\' => {
                    out.push(*self.s.get(self.i + 1)?);
                    self.i += 2;
                }
                c => {
                    out.push(c);
                    self.i += 1;
                }
            }
        }
    }
}

fn is_tchar(c: u8) -> bool {
    c.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&c)
}

fn algorithm(name: Option<&str>) -> Option<DigestAlgorithm> {
    match name {
        None => Some(DigestAlgorithm::Md5), // RFC 7616 §3.3: absent means MD5
        Some(n) => DigestAlgorithm::ALL
            .iter()
            .copied()
            .find(|a| a.label().eq_ignore_ascii_case(n)),
    }
}

/// What the `WWW-Authenticate` values hold for us.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Pick {
    /// A Digest challenge in the configured algorithm.
    Answer(DigestChallenge),
    /// Digest challenges, none in the configured algorithm: the algorithms offered, as sent.
    OtherAlgorithm(Vec<String>),
    /// No Digest challenge we could consider.
    Nothing,
}

/// The Digest challenge to answer among all `WWW-Authenticate` values: one in the configured
/// algorithm, and only that; its qop is the configured one when offered, else the other one
/// we support, else none (RFC 2069).
pub(crate) fn pick<'a>(
    headers: impl IntoIterator<Item = &'a str>,
    want: DigestAlgorithm,
    want_qop: DigestQop,
) -> Pick {
    let digests: Vec<Challenge> = headers
        .into_iter()
        .flat_map(parse)
        .filter(|c| c.scheme == "digest")
        .filter(|c| {
            !c.param("userhash")
                .is_some_and(|v| v.eq_ignore_ascii_case("true"))
        })
        .collect();
    let (ours, others): (Vec<&Challenge>, Vec<&Challenge>) = digests
        .iter()
        .partition(|c| algorithm(c.param("algorithm")) == Some(want));
    if let Some(c) = ours.iter().find_map(|c| read_digest(c, want_qop)) {
        return Pick::Answer(c);
    }
    // One in our algorithm we cannot read (no nonce, an unknown qop) is not another algorithm.
    if !ours.is_empty() || others.is_empty() {
        return Pick::Nothing;
    }
    Pick::OtherAlgorithm(
        others
            .iter()
            .map(|c| c.param("algorithm").unwrap_or("MD5").to_owned())
            .collect(),
    )
}

fn read_digest(c: &Challenge, want_qop: DigestQop) -> Option<DigestChallenge> {
    let algorithm = algorithm(c.param("algorithm"))?;
    let offered: Vec<DigestQop> = c
        .param("qop")
        .map(|q| {
            q.split(',')
                .filter_map(|o| DigestQop::parse(o.trim()))
                .collect()
        })
        .unwrap_or_default();
    let qop = if c.param("qop").is_none() {
        None
    } else if offered.contains(&want_qop) {
        Some(want_qop)
    } else {
        // qop offered, but none we know: we cannot answer it.
        Some(*offered.first()?)
    };
    Some(DigestChallenge {
        realm: c.param("realm")?.to_owned(),
        nonce: c.param("nonce")?.to_owned(),
        opaque: c.param("opaque").map(str::to_owned),
        algorithm,
        qop,
        stale: c
            .param("stale")
            .is_some_and(|v| v.eq_ignore_ascii_case("true")),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_strings_keep_commas_and_lose_their_escapes() {
        let c = parse(r#"Digest realm="a, \"b\" \\ c", nonce=abc, qop="auth,auth-int""#);
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].param("realm"), Some(r#"a, "b" \ c"#));
        assert_eq!(c[0].param("nonce"), Some("abc"));
        assert_eq!(c[0].param("qop"), Some("auth,auth-int"));
    }

    #[test]
    fn several_challenges_in_one_header_are_all_read() {
        let h = r#"Basic realm="x", Bearer abc123==, Digest Realm="r", NONCE="n1", algorithm=SHA-256, Digest realm="r", nonce="n2", algorithm=MD5"#;
        let c = parse(h);
        let schemes: Vec<_> = c.iter().map(|c| c.scheme.as_str()).collect();
        assert_eq!(schemes, ["basic", "bearer", "digest", "digest"]);
        assert_eq!(c[2].param("realm"), Some("r"));
        assert_eq!(c[3].param("nonce"), Some("n2"));
    }

    fn answer(p: Pick) -> DigestChallenge {
        match p {
            Pick::Answer(c) => c,
            other => panic!("no answer: {other:?}"),
        }
    }

    #[test]
    fn only_a_challenge_in_the_configured_algorithm_is_answered() {
        let h = r#"Digest realm="r", nonce="a", algorithm=SHA-512-256, qop="auth", Digest realm="r", nonce="b", algorithm=MD5, qop="auth", Digest realm="r", nonce="c", algorithm=SHA-256, qop="auth""#;
        let c = answer(pick([h], DigestAlgorithm::Sha256, DigestQop::Auth));
        assert_eq!(
            (c.nonce.as_str(), c.algorithm),
            ("c", DigestAlgorithm::Sha256)
        );
        let c = answer(pick([h], DigestAlgorithm::Md5, DigestQop::Auth));
        assert_eq!((c.nonce.as_str(), c.algorithm), ("b", DigestAlgorithm::Md5));
    }

    #[test]
    fn a_challenge_in_another_algorithm_is_never_answered_in_it() {
        // A SHA-256 profile facing an MD5-only server (or a challenge edited on the way).
        let md5 = r#"Digest realm="r", nonce="a", algorithm=MD5, qop="auth""#;
        assert_eq!(
            pick([md5], DigestAlgorithm::Sha256, DigestQop::Auth),
            Pick::OtherAlgorithm(vec!["MD5".into()])
        );
        // No algorithm parameter means MD5 (RFC 7616 §3.3).
        let bare = r#"Digest realm="r", nonce="a", qop="auth""#;
        assert_eq!(
            pick([bare], DigestAlgorithm::Sha256Sess, DigestQop::Auth),
            Pick::OtherAlgorithm(vec!["MD5".into()])
        );
        let sess = r#"Digest realm="r", nonce="a", algorithm=MD5, qop="auth""#;
        assert!(matches!(
            pick([sess], DigestAlgorithm::Md5Sess, DigestQop::Auth),
            Pick::OtherAlgorithm(_)
        ));
        assert_eq!(
            pick(
                [r#"Basic realm="x""#],
                DigestAlgorithm::Md5,
                DigestQop::Auth
            ),
            Pick::Nothing
        );
    }

    #[test]
    fn userhash_and_unknown_algorithms_are_never_picked() {
        let h = r#"Digest realm="r", nonce="a", algorithm=SHA-256, userhash=true, Digest realm="r", nonce="b", algorithm=SHA-512"#;
        assert_eq!(
            pick([h], DigestAlgorithm::Sha256, DigestQop::Auth),
            Pick::OtherAlgorithm(vec!["SHA-512".into()])
        );
    }

    #[test]
    fn qop_falls_back_to_what_the_server_offers_and_stale_is_read() {
        let h = r#"Digest realm="r", nonce="a", qop="auth", stale=TRUE, opaque="o""#;
        let c = answer(pick([h], DigestAlgorithm::Md5, DigestQop::AuthInt));
        assert_eq!(c.qop, Some(DigestQop::Auth));
        assert!(c.stale);
        assert_eq!(c.opaque.as_deref(), Some("o"));
        assert_eq!(c.algorithm, DigestAlgorithm::Md5);
        let rfc2069 = answer(pick(
            [r#"Digest realm="r", nonce="a""#],
            DigestAlgorithm::Md5,
            DigestQop::Auth,
        ));
        assert_eq!(rfc2069.qop, None);
    }
}
