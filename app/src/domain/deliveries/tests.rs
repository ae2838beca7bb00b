use super::*;

fn input(pairs: &[(&str, &str)]) -> DeliveryQueryInput {
    let mut i = DeliveryQueryInput::default();
    for (k, v) in pairs {
        let v = Some((*v).to_owned());
        match *k {
            "integration_id" => i.integration_id = v,
            "status" => i.status = v,
            "channel" => i.channel = v,
            "code" => i.code = v,
            "from" => i.from = v,
            "to" => i.to = v,
            "limit" => i.limit = v,
            "before" => i.before = v,
            other => panic!("unknown parameter {other}"),
        }
    }
    i
}

#[test]
fn no_parameters_mean_the_newest_hundred_of_everything() {
    let q = DeliveryQuery::parse(&DeliveryQueryInput::default()).unwrap();
    assert_eq!(q.limit, 100);
    assert!(!q.is_filtered());
    assert!(q.to_query().is_empty());
}

#[test]
fn every_filter_is_parsed_into_its_type() {
    let q = DeliveryQuery::parse(&input(&[
        ("integration_id", "7"),
        ("status", "failed"),
        ("channel", "SMS"),
        ("code", "404"),
        ("from", "2026-12-01T00:00:00Z"),
        ("to", "2026-12-02T00:00:00+01:00"),
        ("limit", "20"),
        ("before", "99"),
    ]))
    .unwrap();
    assert_eq!(q.webhook_id, Some(7));
    assert_eq!(q.status, Some(DeliveryStatus::Failed));
    assert_eq!(q.channel.as_deref(), Some("SMS"));
    assert_eq!(q.code, Some(LastCode::Status(404)));
    assert_eq!(q.from, Some(1_796_083_200_000));
    assert_eq!(q.to, Some(1_796_166_000_000));
    assert_eq!((q.limit, q.before), (20, Some(99)));
    let timeout = DeliveryQuery::parse(&input(&[("code", "timeout")])).unwrap();
    assert_eq!(timeout.code, Some(LastCode::Error("timeout".into())));
}

#[test]
fn a_bad_parameter_is_refused_with_its_name() {
    for (name, value) in [
        ("integration_id", "abc"),
        ("status", "lost"),
        ("channel", "Telex"),
        ("code", "999"),
        ("code", "gremlins"),
        ("from", "yesterday"),
        ("to", "2026-13-01T00:00:00Z"),
        ("limit", "5000"),
        ("before", "-1"),
    ] {
        let e = DeliveryQuery::parse(&input(&[(name, value)])).unwrap_err();
        assert!(
            matches!(e, AppError::Malformed { .. }),
            "{name}={value}: {e:?}"
        );
        assert_eq!(e.field(), Some(name), "{name}={value}");
    }
}

#[test]
fn a_range_that_ends_before_it_starts_is_refused() {
    let e = DeliveryQuery::parse(&input(&[
        ("from", "2026-12-02T00:00:00Z"),
        ("to", "2026-12-01T00:00:00Z"),
    ]))
    .unwrap_err();
    assert_eq!(e.field(), Some("to"));
}

#[test]
fn a_parsed_query_gives_back_parameters_that_parse_to_it_again() {
    let q = DeliveryQuery::parse(&input(&[
        ("integration_id", "3"),
        ("status", "pending"),
        ("channel", "In-App Messaging / Live Chat"),
        ("code", "connect"),
        ("from", "2026-12-01T08:00:00Z"),
        ("limit", "25"),
        ("before", "10"),
    ]))
    .unwrap();
    let mut again = DeliveryQueryInput::default();
    for (k, v) in q.to_query() {
        let v = Some(v);
        match k {
            "integration_id" => again.integration_id = v,
            "status" => again.status = v,
            "channel" => again.channel = v,
            "code" => again.code = v,
            "from" => again.from = v,
            "to" => again.to = v,
            "limit" => again.limit = v,
            "before" => again.before = v,
            other => panic!("{other}"),
        }
    }
    assert_eq!(DeliveryQuery::parse(&again).unwrap(), q);
    let filters = q.filters_only();
    assert_eq!((filters.before, filters.limit), (None, 100));
}

#[test]
fn periods_round_trip_and_cut_their_trend_into_bars() {
    for p in Period::ALL {
        assert_eq!(Period::parse(p.as_param()), Some(p));
        assert_eq!(p.minutes() % p.bucket_minutes(), 0, "{p:?}");
    }
    assert_eq!(Period::default(), Period::Day);
    assert_eq!(Period::Day.minutes() / Period::Day.bucket_minutes(), 24);
}

#[test]
fn every_error_code_has_a_meaning() {
    for (code, meaning) in ERROR_CODES {
        assert_eq!(error_meaning(code), Some(*meaning));
        assert!(meaning.ends_with('.'), "{code}");
    }
    assert_eq!(error_meaning("nonsense"), None);
}
