//! Every asset rule, accepted and refused.

use super::*;

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

#[test]
fn a_service_name_is_trimmed() {
    let new = NewService::parse(&ServiceInput {
        name: "  Orders ".into(),
    })
    .unwrap();
    assert_eq!(new.name.as_str(), "Orders");
}

#[test]
fn a_service_without_a_name_or_with_a_long_one_is_refused() {
    for raw in [String::new(), "  ".into(), "x".repeat(101)] {
        let errors = NewService::parse(&ServiceInput { name: raw.clone() }).unwrap_err();
        assert!(errors.for_field("name").is_some(), "{raw:?} accepted");
    }
}

#[test]
fn e164_numbers_and_short_codes_are_accepted_without_spaces_or_dashes() {
    let table = [
        ("+14155550100", "+14155550100"),
        (" +1 415-555-0100 ", "+14155550100"),
        ("+12345678", "+12345678"),
        ("+123456789012345", "+123456789012345"),
        ("123", "123"),
        ("12345678", "12345678"),
        ("12-345", "12345"),
    ];
    for (raw, expected) in table {
        let number = PhoneNumber::parse(raw).unwrap_or_else(|e| panic!("{raw:?}: {e}"));
        assert_eq!(number.as_str(), expected);
    }
    assert!(PhoneNumber::parse("12345").unwrap().is_short_code());
    assert!(!PhoneNumber::parse("+4930123456").unwrap().is_short_code());
}

#[test]
fn malformed_numbers_are_refused_on_the_number_field() {
    let table = [
        ("", "Enter the number."),
        (" - ", "Enter the number."),
        ("+1234567", "E.164"),
        ("+1234567890123456", "E.164"),
        ("+0123456789", "E.164"),
        ("12", "E.164"),
        ("123456789", "E.164"),
        ("+1 (415) 555-0100", "E.164"),
        ("+1415555010a", "E.164"),
        ("++14155550100", "E.164"),
        ("1415+5550100", "E.164"),
        ("+١٢٣٤٥٦٧٨٩", "E.164"),
    ];
    for (raw, message) in table {
        let e = PhoneNumber::parse(raw).unwrap_err();
        assert_eq!(e.field, "number");
        assert!(e.message.contains(message), "{raw:?}: {}", e.message);
    }
}

#[test]
fn capabilities_are_kept_once_each_in_matrix_order() {
    let new = NewNumber::parse(&NumberInput {
        number: "+14155550100".into(),
        capabilities: strings(&["Voice", "SMS"]),
    })
    .unwrap();
    assert_eq!(new.capabilities, [Capability::Sms, Capability::Voice]);
}

#[test]
fn missing_unknown_or_repeated_capabilities_are_refused_naming_the_problem() {
    let table: [(&[&str], &str); 4] = [
        (&[], "Choose at least one capability."),
        (
            &["SMS", "Fax"],
            "\"Fax\" is not a capability: choose SMS, MMS or Voice.",
        ),
        (
            &["sms"],
            "\"sms\" is not a capability: choose SMS, MMS or Voice.",
        ),
        (&["SMS", "MMS", "SMS"], "SMS is listed more than once."),
    ];
    for (capabilities, message) in table {
        let errors = NewNumber::parse(&NumberInput {
            number: "+14155550100".into(),
            capabilities: strings(capabilities),
        })
        .unwrap_err();
        assert_eq!(errors.for_field("capabilities"), Some(message));
    }
}

#[test]
fn a_number_reports_both_a_bad_number_and_bad_capabilities() {
    let errors = NewNumber::parse(&NumberInput::default()).unwrap_err();
    let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["number", "capabilities"]);
}

#[test]
fn number_input_reads_the_api_body() {
    let input: NumberInput =
        serde_json::from_str(r#"{"number":"+14155550100","capabilities":["SMS","MMS","Voice"]}"#)
            .unwrap();
    let new = NewNumber::parse(&input).unwrap();
    assert_eq!(new.capabilities, Capability::ALL);
}

#[test]
fn every_app_type_label_is_accepted() {
    for t in AppType::ALL {
        let new = NewApp::parse(&AppInput {
            name: " Chat ".into(),
            app_type: t.label().into(),
        })
        .unwrap();
        assert_eq!((new.name.as_str(), new.app_type), ("Chat", t));
    }
}

#[test]
fn a_missing_or_unknown_app_type_is_refused() {
    let table = [
        ("", "Choose an app type."),
        (
            "Instagram",
            "\"Instagram\" is not an app type: choose In-App Messaging / Live Chat, WhatsApp, Messenger, RCS, Apple Messages for Business, Email or Push.",
        ),
        ("SMS", "\"SMS\" is not an app type"),
    ];
    for (raw, message) in table {
        let errors = NewApp::parse(&AppInput {
            name: "Chat".into(),
            app_type: raw.into(),
        })
        .unwrap_err();
        let got = errors.for_field("app_type").unwrap();
        assert!(got.starts_with(message), "{raw:?}: {got}");
    }
}

#[test]
fn an_app_reports_its_name_and_its_type() {
    let errors = NewApp::parse(&AppInput::default()).unwrap_err();
    assert_eq!(errors.for_field("name"), Some("Enter a name."));
    assert_eq!(errors.for_field("app_type"), Some("Choose an app type."));
}

fn bind(system_id: &str, password: Option<&str>, description: &str) -> EsmeBindInput {
    EsmeBindInput {
        system_id: system_id.into(),
        password: password.map(Into::into),
        description: description.into(),
    }
}

#[test]
fn an_esme_bind_within_smpp_limits_is_accepted() {
    let new = NewEsmeBind::parse(
        &bind(" esme_01 ", Some("pa ss!8c"), " Billing "),
        SaveMode::Create,
    )
    .unwrap();
    assert_eq!(new.system_id.as_str(), "esme_01");
    assert_eq!(new.description, "Billing");
    match new.password {
        SecretChange::Set(p) => assert_eq!(p.expose(), "pa ss!8c"),
        SecretChange::Keep => panic!("password dropped"),
    }
    let longest = bind(&"s".repeat(15), Some("12345678"), &"d".repeat(200));
    assert!(NewEsmeBind::parse(&longest, SaveMode::Create).is_ok());
}

#[test]
fn an_update_without_a_password_keeps_the_stored_one() {
    for password in [None, Some("")] {
        let new = NewEsmeBind::parse(&bind("esme", password, ""), SaveMode::Update).unwrap();
        assert_eq!(new.password, SecretChange::Keep);
    }
    let new = NewEsmeBind::parse(&bind("esme", Some("new"), ""), SaveMode::Update).unwrap();
    assert!(matches!(new.password, SecretChange::Set(_)));
}

#[test]
fn bad_esme_bind_fields_are_refused_each_on_its_field() {
    let table = [
        (
            bind("", Some("pw"), ""),
            SaveMode::Create,
            "system_id",
            "Enter the system ID.",
        ),
        (
            bind(&"s".repeat(16), Some("pw"), ""),
            SaveMode::Create,
            "system_id",
            "Keep the system ID to 15 characters or fewer (the SMPP limit).",
        ),
        (
            bind("sýs", Some("pw"), ""),
            SaveMode::Create,
            "system_id",
            "Use only printable ASCII characters in the system ID.",
        ),
        (
            bind("esme", None, ""),
            SaveMode::Create,
            "password",
            "Enter a password.",
        ),
        (
            bind("esme", Some(""), ""),
            SaveMode::Create,
            "password",
            "Enter a password.",
        ),
        (
            bind("esme", Some("123456789"), ""),
            SaveMode::Update,
            "password",
            "Keep the password to 8 characters or fewer (the SMPP limit).",
        ),
        (
            bind("esme", Some("pw\t1"), ""),
            SaveMode::Create,
            "password",
            "Use only printable ASCII characters in the password.",
        ),
        (
            bind("esme", Some("pw"), &"d".repeat(201)),
            SaveMode::Create,
            "description",
            "Keep the description to 200 characters or fewer.",
        ),
    ];
    for (input, mode, field, message) in table {
        let errors = NewEsmeBind::parse(&input, mode).unwrap_err();
        assert_eq!(errors.for_field(field), Some(message), "{input:?}");
        assert_eq!(errors.len(), 1, "{input:?}");
    }
}

#[test]
fn an_esme_bind_reports_every_bad_field() {
    let input = bind("", None, &"d".repeat(201));
    let errors = NewEsmeBind::parse(&input, SaveMode::Create).unwrap_err();
    let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["system_id", "password", "description"]);
}

#[test]
fn esme_bind_passwords_never_appear_in_debug_output() {
    let input = bind("esme", Some("s3cr3t"), "");
    assert!(!format!("{input:?}").contains("s3cr3t"));
    let new = NewEsmeBind::parse(&input, SaveMode::Create).unwrap();
    assert!(!format!("{new:?}").contains("s3cr3t"));
}
