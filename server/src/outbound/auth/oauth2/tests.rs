//! Unit tests of the OAuth 2.0 flows that need no server: the authorization request and the
//! Advance Settings applied by the HTTP adapter.

use app::domain::authorization::{
    ClientAuthentication, GrantType, TokenParameterType, TokenUrlMethod,
};
use reqwest::Url;

use super::adapter::TokenHttp;
use super::*;
use crate::outbound::{OutboundClient, OutboundConfig};

fn config() -> OAuth2Config {
    OAuth2Config {
        grant: GrantType::AuthorizationCode,
        client_id: "console".into(),
        client_secret: Secret::new("s3cret"),
        authorization_url: Some("https://idp.example/authorize?tenant=a".into()),
        redirect_url: Some("https://console.example/oauth2/callback".into()),
        scope: Some("read write".into()),
        access_token_url: "https://idp.example/token".into(),
        refresh_token_url: None,
        validity: None,
        token_method: TokenUrlMethod::Post,
        parameter_type: TokenParameterType::Body,
        extra_headers: vec![],
        client_authentication: ClientAuthentication::InBody,
    }
}

#[test]
fn the_authorization_request_carries_state_pkce_s256_scope_and_the_call_back_url() {
    let request = authorization_request(&config()).unwrap();
    let url = Url::parse(&request.url).unwrap();
    let q: std::collections::HashMap<_, _> = url.query_pairs().into_owned().collect();
    assert_eq!(url.host_str(), Some("idp.example"));
    assert_eq!(q["tenant"], "a", "the URL's own query is kept");
    assert_eq!(q["response_type"], "code");
    assert_eq!(q["client_id"], "console");
    assert_eq!(q["redirect_uri"], "https://console.example/oauth2/callback");
    assert_eq!(q["scope"], "read write");
    assert_eq!(q["state"], request.state);
    assert_eq!(q["code_challenge_method"], "S256");
    use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
    use sha2::{Digest, Sha256};
    let expected = URL_SAFE_NO_PAD.encode(Sha256::digest(request.pkce_verifier.expose()));
    assert_eq!(q["code_challenge"], expected);
    assert!(request.state.len() >= 16);
}

#[test]
fn an_authorization_request_without_a_call_back_url_is_refused_in_plain_words() {
    let mut cfg = config();
    cfg.redirect_url = None;
    let err = authorization_request(&cfg).unwrap_err();
    assert_eq!(err.message(), "the Call Back URL is missing");
}

#[test]
fn url_parameters_move_into_the_query_and_extra_headers_are_added() {
    let mut cfg = config();
    cfg.token_method = TokenUrlMethod::Get;
    cfg.parameter_type = TokenParameterType::Url;
    cfg.extra_headers = vec![("X-Tenant".into(), "blue".into())];
    let client = OutboundClient::new(OutboundConfig::default()).unwrap();
    let http = TokenHttp::new(&client, &cfg);
    let request = ::http::Request::builder()
        .method("POST")
        .uri("https://idp.example/token?v=1")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(b"grant_type=client_credentials&scope=a+b".to_vec())
        .unwrap();
    let out = http.prepare(request).unwrap();
    assert_eq!(out.method, reqwest::Method::GET);
    assert_eq!(
        out.url.as_str(),
        "https://idp.example/token?v=1&grant_type=client_credentials&scope=a+b"
    );
    assert!(out.body.is_empty());
    assert!(out.headers.get("content-type").is_none());
    assert_eq!(out.headers["x-tenant"], "blue");
}
