//! Property tests of URL parsing (issue 10, hostile input): a URL the console accepts for a
//! webhook or a token endpoint (`HttpsUrl`, parsed by hand so the browser build needs no URL
//! crate) is one the outbound client can send to, at the host the console compared when it
//! decided whether a stored secret may follow (CONTRACT §2). Bounded: 512 cases.

use app::domain::webhook::HttpsUrl;
use proptest::prelude::*;
use url::Url;

/// Mostly URL-shaped text: a scheme, an authority of hostile pieces, a path; sometimes anything.
fn url_like() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("example.com".to_owned()),
        Just("EXAMPLE.com".to_owned()),
        Just("127.0.0.1".to_owned()),
        Just("[::1]".to_owned()),
        Just("[::ffff:7f00:1]".to_owned()),
        Just("exämple.com".to_owned()),
        Just("xn--exmple-cua.com".to_owned()),
        Just("a..b".to_owned()),
        Just("0x7f.1".to_owned()),
        Just("%65xample.com".to_owned()),
        "[a-z0-9.-]{1,20}",
        "[\\PC]{0,12}",
    ];
    let port = prop_oneof![
        Just(String::new()),
        Just(":443".to_owned()),
        Just(":0".to_owned()),
        Just(":65536".to_owned()),
        Just(":".to_owned()),
        (1u32..70000).prop_map(|p| format!(":{p}")),
    ];
    let rest = prop_oneof![
        Just(String::new()),
        Just("/hook?x=1#f".to_owned()),
        "/[\\PC]{0,20}",
        "[?#/@:][\\PC]{0,10}",
    ];
    let scheme = prop_oneof![
        Just("https://"),
        Just("HTTPS://"),
        Just("http://"),
        Just("https:/")
    ];
    prop_oneof![
        4 => (scheme, piece, port, rest).prop_map(|(s, h, p, r)| format!("{s}{h}{p}{r}")),
        1 => any::<String>(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 512,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn a_url_the_console_accepts_is_one_the_client_sends_to_at_the_same_host(raw in url_like()) {
        if let Ok(ours) = HttpsUrl::parse(&raw) {
            let theirs = Url::parse(ours.as_str());
            prop_assert!(theirs.is_ok(), "{:?} accepted, but the client cannot parse it: {:?}", raw, theirs);
            let theirs = theirs.unwrap();
            prop_assert_eq!(theirs.scheme(), "https");
            // The same host as ours, once the URL crate has normalized it (case, IDNA,
            // percent-decoding, IPv4 shorthands): ours is the very substring it connects to.
            let normalized = url::Host::parse(ours.host()).map(|h| h.to_string()).ok();
            prop_assert_eq!(normalized.as_deref(), theirs.host_str(), "{:?}", raw);
            prop_assert_eq!(theirs.port_or_known_default(), Some(ours.port()), "{:?}", raw);
        }
    }
}
