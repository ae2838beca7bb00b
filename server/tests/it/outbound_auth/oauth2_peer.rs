//! OAuth 2.0 against oauth2-mock-server over HTTPS (`peers/oauth2_mock.mjs`): both grants, both
//! Client Authentication modes, Advance Settings, Bearer on deliveries, renewal after a 401,
//! failures explained and reported.

use std::path::PathBuf;
use std::process::Command;
use std::sync::Arc;

use app::domain::authorization::{
    ClientAuthentication, GrantType, TokenParameterType, TokenUrlMethod,
};
use reqwest::{Method, Url};
use webhooks_console::outbound::auth::oauth2::{
    authorization_request, exchange_code, fetch_client_credentials,
};
use webhooks_console::outbound::auth::{
    authorizer, AuthProfile, OAuth2Config, OutboundRequest, TokenSet,
};
use webhooks_console::outbound::ErrorCode;
use webhooks_console::secrets::Secret;

use super::capture::Capture;
use super::child::Peer;
use super::{bounded, client, pki::Pki, RecordingSink, SinkEvent};

fn mock(pki: &Pki) -> Peer {
    let modules = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../end2end/node_modules");
    assert!(
        modules.join("oauth2-mock-server").exists(),
        "oauth2-mock-server is missing from {} (run npm ci in end2end/)",
        modules.display()
    );
    let mut command = Command::new("node");
    command.arg(super::child::peer_script("oauth2_mock.mjs"));
    command.arg(modules).arg(&pki.cert_file).arg(&pki.key_file);
    Peer::start(command, "oauth2-mock-server")
}

fn config(peer: &Peer, grant: GrantType, client_id: &str) -> OAuth2Config {
    OAuth2Config {
        grant,
        client_id: client_id.into(),
        client_secret: Secret::new("s3cret"),
        authorization_url: Some(format!("https://localhost:{}/authorize", peer.port)),
        redirect_url: Some("https://console.example/api/oauth2/callback".into()),
        scope: Some("hooks.write".into()),
        access_token_url: format!("https://localhost:{}/token", peer.port),
        refresh_token_url: None,
        validity: None,
        token_method: TokenUrlMethod::Post,
        parameter_type: TokenParameterType::Body,
        extra_headers: vec![],
        client_authentication: ClientAuthentication::InBody,
    }
}

fn token_events(peer: &Peer, count: usize) -> Vec<serde_json::Value> {
    peer.wait_events(count, |e| e["event"] == "token")
}

#[tokio::test]
async fn client_credentials_authenticate_in_the_body_or_as_basic_as_configured() {
    let pki = Pki::new();
    let peer = mock(&pki);
    let client = client(&pki);
    for mode in [
        ClientAuthentication::InBody,
        ClientAuthentication::BasicHeader,
    ] {
        let mut cfg = config(&peer, GrantType::ClientCredentials, "console-client");
        cfg.client_authentication = mode;
        let tokens = bounded(fetch_client_credentials(&client, &cfg))
            .await
            .expect("token");
        assert!(!tokens.access_token.is_empty());
        let expires_in = tokens.expires_at.unwrap() - now_millis();
        assert!(
            (3_500_000..=3_600_000).contains(&expires_in),
            "expires_in from the answer: {expires_in}"
        );
    }
    let seen = token_events(&peer, 2);
    assert_eq!(seen[0]["client_auth"], "body");
    assert_eq!(seen[0]["client_id"], "console-client");
    assert_eq!(seen[0]["client_secret"], "s3cret");
    assert_eq!(seen[0]["body"]["grant_type"], "client_credentials");
    assert_eq!(seen[0]["body"]["scope"], "hooks.write");
    assert_eq!(seen[1]["client_auth"], "basic");
    assert_eq!(seen[1]["client_id"], "console-client");
    assert_eq!(seen[1]["client_secret"], "s3cret");
    assert!(
        seen[1]["body"].get("client_secret").is_none(),
        "{}",
        seen[1]
    );
}

fn now_millis() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

#[tokio::test]
async fn a_limited_validity_overrides_the_answers_lifetime() {
    let pki = Pki::new();
    let peer = mock(&pki);
    let mut cfg = config(&peer, GrantType::ClientCredentials, "console-client");
    cfg.validity = Some(std::time::Duration::from_secs(120));
    let tokens = bounded(fetch_client_credentials(&client(&pki), &cfg))
        .await
        .expect("token");
    let left = tokens.expires_at.unwrap() - now_millis();
    assert!((100_000..=120_000).contains(&left), "{left}");
}

#[tokio::test]
async fn advance_settings_get_url_parameters_and_headers_reach_the_token_endpoint() {
    let pki = Pki::new();
    let peer = mock(&pki);
    let mut cfg = config(&peer, GrantType::ClientCredentials, "console-client");
    cfg.token_method = TokenUrlMethod::Get;
    cfg.parameter_type = TokenParameterType::Url;
    cfg.extra_headers = vec![("X-Tenant".into(), "blue".into())];
    cfg.access_token_url = format!("https://localhost:{}/token?v=1", peer.port);
    // The mock serves its token endpoint on POST only, so this request is refused with 404:
    // what matters here is what arrived, and that the refusal is explained.
    let err = bounded(fetch_client_credentials(&client(&pki), &cfg))
        .await
        .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Auth);
    assert!(
        err.message()
            .starts_with("the token endpoint answered 404 Not Found"),
        "{err}"
    );
    let arrived = peer.wait_events(1, |e| e["event"] == "request");
    assert_eq!(arrived[0]["method"], "GET");
    let url = Url::parse(&format!("https://x{}", arrived[0]["url"].as_str().unwrap())).unwrap();
    let query: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    assert_eq!(
        query[0],
        ("v".into(), "1".into()),
        "the URL's own query comes first"
    );
    assert!(
        query.contains(&("grant_type".into(), "client_credentials".into())),
        "{query:?}"
    );
    assert!(
        query.contains(&("client_id".into(), "console-client".into())),
        "{query:?}"
    );
    assert!(
        query.contains(&("scope".into(), "hooks.write".into())),
        "{query:?}"
    );
    assert_eq!(arrived[0]["headers"]["x-tenant"], "blue");
    assert!(
        arrived[0]["headers"].get("content-length").is_none()
            || arrived[0]["headers"]["content-length"] == "0"
    );
}

fn delivery(capture: &Capture) -> OutboundRequest {
    let mut request = OutboundRequest::new(Method::POST, Url::parse(&capture.url("/in")).unwrap());
    request.body = bytes::Bytes::from_static(b"{\"n\":1}");
    request
}

#[tokio::test]
async fn deliveries_carry_the_bearer_token_and_a_401_renews_it_once() {
    let pki = Pki::new();
    let peer = mock(&pki);
    let capture = Capture::start(&pki, &[401]).await;
    let client = client(&pki);
    let sink = Arc::new(RecordingSink::default());
    let profile = AuthProfile::OAuth2 {
        authorization_id: 7,
        config: config(&peer, GrantType::ClientCredentials, "console-client"),
        tokens: None,
    };
    let auth = authorizer(profile, sink.clone());
    let first = bounded(auth.send(&client, delivery(&capture)))
        .await
        .expect("sent");
    assert_eq!(
        first.status(),
        200,
        "retried once after the 401 with a new token"
    );
    let second = bounded(auth.send(&client, delivery(&capture)))
        .await
        .expect("sent");
    assert_eq!(second.status(), 200);

    let seen = capture.seen();
    assert_eq!(seen.len(), 3);
    for request in &seen {
        let header = request.header("authorization").unwrap_or_default();
        assert!(header.starts_with("Bearer ey"), "{header}");
    }
    assert_eq!(
        token_events(&peer, 2).len(),
        2,
        "fetched on first use, renewed once after the 401, then cached"
    );
    let refreshed = SinkEvent::Refreshed {
        id: 7,
        has_refresh_token: false,
    };
    assert_eq!(sink.events(), [refreshed.clone(), refreshed]);
}

#[tokio::test]
async fn a_refused_token_request_is_explained_and_reported_and_nothing_is_delivered() {
    let pki = Pki::new();
    let peer = mock(&pki);
    let capture = Capture::start(&pki, &[]).await;
    let sink = Arc::new(RecordingSink::default());
    let profile = AuthProfile::OAuth2 {
        authorization_id: 9,
        config: config(&peer, GrantType::ClientCredentials, "fail-me"),
        tokens: None,
    };
    let auth = authorizer(profile, sink.clone());
    let err = bounded(auth.send(&client(&pki), delivery(&capture)))
        .await
        .unwrap_err();
    let reason = "the token endpoint answered 401 Unauthorized: invalid_client (client authentication failed)";
    assert_eq!(err.code(), ErrorCode::Auth);
    assert_eq!(err.message(), reason);
    assert_eq!(
        sink.events(),
        [SinkEvent::Failed {
            id: 9,
            reason: reason.into()
        }]
    );
    assert!(capture.seen().is_empty());
}

#[tokio::test]
async fn the_authorization_code_flow_gets_tokens_that_refresh_when_expired() {
    let pki = Pki::new();
    let peer = mock(&pki);
    let client = client(&pki);
    let cfg = config(&peer, GrantType::AuthorizationCode, "console-app");

    let start = authorization_request(&cfg).expect("authorization URL");
    let browser = reqwest::Client::builder()
        .add_root_certificate(reqwest::Certificate::from_pem(pki.ca_pem.as_bytes()).unwrap())
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let redirect = bounded(browser.get(&start.url).send())
        .await
        .expect("authorize");
    assert_eq!(redirect.status(), 302);
    let location = Url::parse(redirect.headers()["location"].to_str().unwrap()).unwrap();
    assert!(location
        .as_str()
        .starts_with("https://console.example/api/oauth2/callback?"));
    let param = |name: &str| {
        location
            .query_pairs()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    };
    assert_eq!(param("state").as_deref(), Some(start.state.as_str()));
    let code = param("code").expect("a code");

    let tokens = bounded(exchange_code(&client, &cfg, &code, &start.pkce_verifier))
        .await
        .expect("tokens");
    assert!(
        tokens.refresh_token.is_some(),
        "the code grant gives a refresh token"
    );
    let exchange = &token_events(&peer, 1)[0];
    assert_eq!(exchange["body"]["grant_type"], "authorization_code");
    assert_eq!(
        exchange["body"]["code_verifier"],
        start.pkce_verifier.expose()
    );
    assert_eq!(
        exchange["body"]["redirect_uri"],
        "https://console.example/api/oauth2/callback"
    );

    // Expired: the live authorizer refreshes with the refresh token before delivering.
    let expired = TokenSet {
        expires_at: Some(now_millis() - 1000),
        ..tokens
    };
    let capture = Capture::start(&pki, &[]).await;
    let sink = Arc::new(RecordingSink::default());
    let profile = AuthProfile::OAuth2 {
        authorization_id: 3,
        config: cfg.clone(),
        tokens: Some(expired),
    };
    let response = bounded(authorizer(profile, sink.clone()).send(&client, delivery(&capture)))
        .await
        .expect("sent");
    assert_eq!(response.status(), 200);
    assert_eq!(
        token_events(&peer, 2)[1]["body"]["grant_type"],
        "refresh_token"
    );
    assert_eq!(
        sink.events(),
        [SinkEvent::Refreshed {
            id: 3,
            has_refresh_token: true
        }]
    );
}

#[tokio::test]
async fn the_authorization_code_grant_without_a_token_asks_for_one_first() {
    let pki = Pki::new();
    let peer = mock(&pki);
    let capture = Capture::start(&pki, &[]).await;
    let profile = AuthProfile::OAuth2 {
        authorization_id: 4,
        config: config(&peer, GrantType::AuthorizationCode, "console-app"),
        tokens: None,
    };
    let auth = authorizer(profile, Arc::new(RecordingSink::default()));
    let err = bounded(auth.send(&client(&pki), delivery(&capture)))
        .await
        .unwrap_err();
    assert_eq!(
        (err.code(), err.message()),
        (ErrorCode::Auth, "get an access token first")
    );
    assert!(capture.seen().is_empty());
}
