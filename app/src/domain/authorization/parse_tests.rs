use super::*;
use crate::domain::validation::SecretChange;

fn input(auth_type: &str) -> AuthorizationInput {
    AuthorizationInput {
        name: "Partner".into(),
        auth_type: auth_type.into(),
        ..Default::default()
    }
}

fn fields(errors: &crate::domain::validation::ValidationErrors) -> Vec<&str> {
    errors.iter().map(|e| e.field.as_str()).collect()
}

fn client_credentials() -> AuthorizationInput {
    AuthorizationInput {
        client_id: Some("id".into()),
        client_secret: Some("s3cret".into()),
        access_token_url: Some("https://idp.example/token".into()),
        ..input("OAuth 2.0")
    }
}

#[test]
fn no_auth_needs_only_a_name() {
    let new = NewAuthorization::parse(&input("No Auth"), None).unwrap();
    assert_eq!(new.auth_type, AuthType::NoAuth);
    assert_eq!(new.settings, AuthorizationSettings::default());
    assert!(new.secrets.is_empty());
}

#[test]
fn an_unknown_type_and_an_empty_name_are_both_reported() {
    let e = NewAuthorization::parse(
        &AuthorizationInput {
            auth_type: "Bearer".into(),
            ..Default::default()
        },
        None,
    )
    .unwrap_err();
    assert_eq!(fields(&e), ["name", "type"]);
}

#[test]
fn basic_requires_username_and_password_on_create() {
    let e = NewAuthorization::parse(&input("Basic Auth"), None).unwrap_err();
    assert_eq!(fields(&e), ["username", "password"]);
}

#[test]
fn basic_username_may_not_hold_a_colon() {
    let i = AuthorizationInput {
        username: Some("a:b".into()),
        password: Some("p".into()),
        ..input("Basic Auth")
    };
    let e = NewAuthorization::parse(&i, None).unwrap_err();
    assert_eq!(fields(&e), ["username"]);
}

#[test]
fn an_absent_password_is_kept_on_edit_when_one_is_stored() {
    let i = AuthorizationInput {
        username: Some("ana".into()),
        ..input("Basic Auth")
    };
    let stored = ExistingAuthorization {
        secrets_set: vec![SecretField::Password],
        ..ExistingAuthorization::default()
    };
    let new = NewAuthorization::parse(&i, Some(&stored)).unwrap();
    assert_eq!(new.secrets[&SecretField::Password], SecretChange::Keep);
    assert!(NewAuthorization::parse(&i, Some(&ExistingAuthorization::default())).is_err());
}

#[test]
fn a_typed_password_replaces_the_stored_one_and_is_never_in_debug() {
    let i = AuthorizationInput {
        username: Some("ana".into()),
        password: Some("hunter2".into()),
        ..input("Basic Auth")
    };
    let new = NewAuthorization::parse(&i, None).unwrap();
    assert_eq!(
        new.secrets[&SecretField::Password],
        SecretChange::Set("hunter2".into())
    );
    assert!(!format!("{new:?}{i:?}").contains("hunter2"));
}

#[test]
fn digest_defaults_to_md5_auth_and_keeps_its_optional_fields() {
    let i = AuthorizationInput {
        username: Some("ana".into()),
        password: Some("p".into()),
        realm: Some(" api ".into()),
        nonce_count: Some("00000001".into()),
        ..input("Digest Auth")
    };
    let new = NewAuthorization::parse(&i, None).unwrap();
    assert_eq!(new.settings.algorithm, Some(DigestAlgorithm::Md5));
    assert_eq!(new.settings.qop, Some(DigestQop::Auth));
    assert_eq!(new.settings.realm.as_deref(), Some("api"));
    assert_eq!(new.settings.nonce_count, Some(1));
    assert_eq!(new.settings.opaque, None);
}

#[test]
fn digest_refuses_unknown_algorithm_qop_and_a_zero_nonce_count() {
    let i = AuthorizationInput {
        username: Some("ana".into()),
        password: Some("p".into()),
        algorithm: Some("SHA-512".into()),
        qop: Some("auth-conf".into()),
        nonce_count: Some("0".into()),
        ..input("Digest Auth")
    };
    let e = NewAuthorization::parse(&i, None).unwrap_err();
    assert_eq!(fields(&e), ["algorithm", "qop", "nonce_count"]);
}

#[test]
fn aws_requires_its_four_fields() {
    let e = NewAuthorization::parse(&input("AWS Signature"), None).unwrap_err();
    assert_eq!(
        fields(&e),
        ["access_key", "region", "service_name", "secret_key"]
    );
}

#[test]
fn api_key_goes_in_a_header_by_default_and_needs_a_header_safe_name() {
    let mut i = AuthorizationInput {
        key: Some("X-Api-Key".into()),
        key_value: Some("v".into()),
        ..input("API Key")
    };
    let new = NewAuthorization::parse(&i, None).unwrap();
    assert_eq!(new.settings.add_to, Some(ApiKeyPlacement::Header));
    i.key = Some("X Api: Key".into());
    let e = NewAuthorization::parse(&i, None).unwrap_err();
    assert_eq!(fields(&e), ["key"]);
}

#[test]
fn client_credentials_needs_id_secret_and_an_https_token_url() {
    let e = NewAuthorization::parse(&input("OAuth 2.0"), None).unwrap_err();
    assert_eq!(
        fields(&e),
        ["client_id", "access_token_url", "client_secret"]
    );
    let plain = AuthorizationInput {
        access_token_url: Some("http://idp.example/token".into()),
        ..client_credentials()
    };
    let e = NewAuthorization::parse(&plain, None).unwrap_err();
    assert_eq!(fields(&e), ["access_token_url"]);
}

#[test]
fn client_credentials_takes_defaults_for_every_advance_setting() {
    let new = NewAuthorization::parse(&client_credentials(), None).unwrap();
    let s = &new.settings;
    assert_eq!(s.grant_type, Some(GrantType::ClientCredentials));
    assert_eq!(s.access_token_url_method, Some(TokenUrlMethod::Post));
    assert_eq!(
        s.access_token_url_parameter_type,
        Some(TokenParameterType::Body)
    );
    assert_eq!(s.client_authentication, Some(ClientAuthentication::InBody));
    assert_eq!(s.limited_validity, Some(false));
    assert_eq!(s.validity, None);
    assert_eq!(s.consumer_id, None, "only the grant's own fields are kept");
}

#[test]
fn authorization_code_needs_consumer_fields_and_an_authorization_url() {
    let i = AuthorizationInput {
        grant_type: Some("Authorization Code".into()),
        ..client_credentials()
    };
    let e = NewAuthorization::parse(&i, None).unwrap_err();
    assert_eq!(
        fields(&e),
        ["consumer_id", "authorization_url", "consumer_secret"]
    );
}

#[test]
fn limited_validity_needs_a_positive_number_of_seconds() {
    let mut i = AuthorizationInput {
        limited_validity: Some(true),
        ..client_credentials()
    };
    assert_eq!(
        fields(&NewAuthorization::parse(&i, None).unwrap_err()),
        ["validity"]
    );
    i.validity = Some("0".into());
    assert_eq!(
        fields(&NewAuthorization::parse(&i, None).unwrap_err()),
        ["validity"]
    );
    i.validity = Some("3600".into());
    assert_eq!(
        NewAuthorization::parse(&i, None).unwrap().settings.validity,
        Some(3600)
    );
}

#[test]
fn a_validity_above_ten_years_is_refused_however_large() {
    let mut i = AuthorizationInput {
        limited_validity: Some(true),
        ..client_credentials()
    };
    i.validity = Some(MAX_VALIDITY_SECS.to_string());
    assert_eq!(
        NewAuthorization::parse(&i, None).unwrap().settings.validity,
        Some(MAX_VALIDITY_SECS)
    );
    for huge in [
        (MAX_VALIDITY_SECS + 1).to_string(),
        u64::MAX.to_string(),
        "18446744073709551616".to_owned(),
        "9".repeat(400),
    ] {
        i.validity = Some(huge.clone());
        let e = NewAuthorization::parse(&i, None).unwrap_err();
        assert_eq!(fields(&e), ["validity"], "{huge}");
        let message = &e.iter().next().unwrap().message;
        assert!(message.contains("at most"), "{huge}: {message}");
    }
}

#[test]
fn a_validity_without_the_tick_is_ignored() {
    let i = AuthorizationInput {
        validity: Some("abc".into()),
        ..client_credentials()
    };
    assert_eq!(
        NewAuthorization::parse(&i, None).unwrap().settings.validity,
        None
    );
}

#[test]
fn a_bad_header_row_is_reported_by_its_index() {
    let i = AuthorizationInput {
        access_token_url_headers: Headers(vec![
            KeyValue::new("X-Tenant", "a"),
            KeyValue::new("", ""),
            KeyValue::new("bad name", "b"),
        ]),
        ..client_credentials()
    };
    let e = NewAuthorization::parse(&i, None).unwrap_err();
    assert_eq!(fields(&e), ["access_token_url_headers/2/key"]);
}

#[test]
fn headers_arrive_as_an_object_or_a_list_and_leave_as_an_object() {
    let from_object: AuthorizationInput = serde_json::from_str(
        r#"{"name":"n","type":"OAuth 2.0","access_token_url_headers":{"B":"2","A":"1"},"validity":60}"#,
    )
    .unwrap();
    let from_list: AuthorizationInput = serde_json::from_str(
        r#"{"name":"n","type":"OAuth 2.0","access_token_url_headers":[{"key":"B","value":"2"},{"key":"A","value":"1"}],"validity":"60"}"#,
    )
    .unwrap();
    assert_eq!(from_object, from_list);
    assert_eq!(
        serde_json::to_string(&from_list.access_token_url_headers).unwrap(),
        r#"{"B":"2","A":"1"}"#
    );
}

#[test]
fn an_oauth_secret_is_kept_only_while_the_token_urls_keep_their_hosts() {
    let stored = |access: &str, refresh: Option<&str>| ExistingAuthorization {
        secrets_set: vec![SecretField::ClientSecret, SecretField::ConsumerSecret],
        access_token_url: Some(access.into()),
        refresh_token_url: refresh.map(str::to_owned),
    };
    let oauth = |access: &str, refresh: Option<&str>, grant: &str| AuthorizationInput {
        grant_type: Some(grant.into()),
        client_id: Some("c".into()),
        consumer_id: Some("c".into()),
        authorization_url: Some("https://id.example/authorize".into()),
        access_token_url: Some(access.into()),
        refresh_token_url: refresh.map(str::to_owned),
        ..input("OAuth 2.0")
    };
    let a = "https://id.example/token";
    let table = [
        // (stored access, stored refresh, new access, new refresh, kept)
        (a, None, "https://id.example/v2/token", None, true),
        (a, None, "https://ID.EXAMPLE/token", None, true),
        (
            a,
            Some("https://refresh.example/r"),
            a,
            Some("https://refresh.example/x"),
            true,
        ),
        (a, Some("https://refresh.example/r"), a, None, true),
        (a, None, a, Some("https://id.example/refresh"), true),
        (a, None, "https://evil.example/token", None, false),
        (a, None, a, Some("https://evil.example/refresh"), false),
        (
            a,
            Some("https://refresh.example/r"),
            "https://refresh.example/t",
            Some("https://evil.example/r"),
            false,
        ),
    ];
    for (grant, field, name) in [
        ("Client Credentials", "client_secret", "the client secret"),
        (
            "Authorization Code",
            "consumer_secret",
            "the consumer secret",
        ),
    ] {
        for (old_access, old_refresh, access, refresh, kept) in table {
            let existing = stored(old_access, old_refresh);
            let got = NewAuthorization::parse(&oauth(access, refresh, grant), Some(&existing));
            let case = format!("{grant}: {old_access} {old_refresh:?} → {access} {refresh:?}");
            match kept {
                true => {
                    let new = got.unwrap_or_else(|e| panic!("{case}: {e:?}"));
                    assert!(
                        new.secrets.values().all(|c| *c == SecretChange::Keep),
                        "{case}"
                    );
                }
                false => {
                    let e = got.expect_err(&case);
                    assert_eq!(
                        e.for_field(field),
                        Some(
                            format!(
                                "The token URL now points to another host: enter {name} again."
                            )
                            .as_str()
                        ),
                        "{case}"
                    );
                }
            }
            // Typing the secret again is always accepted.
            let mut typed = oauth(access, refresh, grant);
            typed.client_secret = Some("new".into());
            typed.consumer_secret = Some("new".into());
            assert!(
                NewAuthorization::parse(&typed, Some(&existing)).is_ok(),
                "{case}"
            );
        }
    }
}
