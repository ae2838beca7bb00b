use super::*;

#[test]
fn every_choice_parses_back_from_its_own_label_only() {
    for t in AuthType::ALL {
        assert_eq!(AuthType::parse(t.label()), Some(*t));
    }
    for a in DigestAlgorithm::ALL {
        assert_eq!(DigestAlgorithm::parse(a.label()), Some(*a));
    }
    assert_eq!(AuthType::parse("basic auth"), None, "labels are exact");
    assert_eq!(DigestAlgorithm::parse("SHA-512"), None);
    assert_eq!(DigestQop::parse("auth-int"), Some(DigestQop::AuthInt));
}

#[test]
fn the_type_select_offers_the_six_types_in_contract_order() {
    let labels: Vec<_> = AuthType::ALL.iter().map(|t| t.label()).collect();
    assert_eq!(
        labels,
        ["No Auth", "Basic Auth", "Digest Auth", "AWS Signature", "API Key", "OAuth 2.0"]
    );
}

#[test]
fn defaults_are_the_ones_spec_names() {
    assert_eq!(ApiKeyPlacement::default(), ApiKeyPlacement::Header);
    assert_eq!(ClientAuthentication::default(), ClientAuthentication::InBody);
    assert_eq!(TokenParameterType::default(), TokenParameterType::Body);
    assert_eq!(GrantType::default(), GrantType::ClientCredentials);
}

#[test]
fn choices_travel_as_their_labels_in_json() {
    assert_eq!(
        serde_json::to_string(&ClientAuthentication::BasicHeader).unwrap(),
        "\"Send as Basic Auth header\""
    );
    let back: DigestAlgorithm = serde_json::from_str("\"SHA-256-sess\"").unwrap();
    assert_eq!(back, DigestAlgorithm::Sha256Sess);
    assert!(DigestAlgorithm::Sha256Sess.is_session());
    assert!(!DigestAlgorithm::Sha256.is_session());
}
