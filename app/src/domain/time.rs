//! Times as the wire carries them: RFC 3339 text outside, Unix milliseconds inside.
//!
//! Guarantees: [`parse_time`] takes RFC 3339 with any offset, and what an HTML `datetime-local`
//! control sends (`2026-12-02T09:30`, read as UTC, which the console says next to the control);
//! anything else is an [`AppError::Malformed`] naming the parameter.

use super::AppError;

/// A time parameter as Unix milliseconds; `None` stays `None`.
pub fn parse_time(raw: Option<&str>, field: &str) -> Result<Option<i64>, AppError> {
    let Some(s) = raw else { return Ok(None) };
    if let Ok(t) = chrono::DateTime::parse_from_rfc3339(s) {
        return Ok(Some(t.timestamp_millis()));
    }
    for format in ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"] {
        if let Ok(t) = chrono::NaiveDateTime::parse_from_str(s, format) {
            return Ok(Some(t.and_utc().timestamp_millis()));
        }
    }
    Err(AppError::Malformed {
        field: Some(field.to_owned()),
        message: format!("`{field}` must be an RFC 3339 time, e.g. 2026-12-02T09:30:00Z."),
    })
}

/// Unix milliseconds as RFC 3339, UTC, to the second.
pub fn rfc3339(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .unwrap_or_default()
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Unix milliseconds as RFC 3339, UTC, to the millisecond (attempts a few ms apart).
pub fn rfc3339_millis(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .unwrap_or_default()
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// The `datetime-local` spelling of a time (UTC, to the minute), for a control's value.
pub fn datetime_local(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .unwrap_or_default()
        .format("%Y-%m-%dT%H:%M")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc3339_with_any_offset_is_read_as_the_same_instant() {
        assert_eq!(
            parse_time(Some("2026-12-01T01:00:00+01:00"), "from").unwrap(),
            Some(1_796_083_200_000)
        );
        assert_eq!(rfc3339(1_796_083_200_000), "2026-12-01T00:00:00Z");
        assert_eq!(
            rfc3339_millis(1_796_083_200_042),
            "2026-12-01T00:00:00.042Z"
        );
    }

    #[test]
    fn a_datetime_local_value_is_read_as_utc_and_written_back() {
        assert_eq!(
            parse_time(Some("2026-12-01T00:00"), "from").unwrap(),
            Some(1_796_083_200_000)
        );
        assert_eq!(
            parse_time(Some("2026-12-01T00:00:30"), "from").unwrap(),
            Some(1_796_083_230_000)
        );
        assert_eq!(datetime_local(1_796_083_230_000), "2026-12-01T00:00");
    }

    #[test]
    fn other_spellings_are_refused_with_the_parameter_named() {
        for bad in [
            "yesterday",
            "2026-12-01",
            "2026-13-01T00:00:00Z",
            "1764547200",
        ] {
            let e = parse_time(Some(bad), "to").unwrap_err();
            assert_eq!(e.field(), Some("to"), "{bad}");
        }
    }
}
