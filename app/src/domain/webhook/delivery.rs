//! A webhook's own delivery settings (CONTRACT §4 "Per-webhook delivery settings"): an optional
//! cap on its requests in flight and on its rate. Unset, the dispatcher's fair share applies.
//!
//! Guarantees of [`DeliverySettings::parse`]: `max_in_flight` is 1 to [`MAX_IN_FLIGHT`];
//! `rate_per_second` is a finite number above 0 and at most [`MAX_RATE`]; each refusal names its
//! field (`delivery/max_in_flight`, `delivery/rate_per_second`).

use serde::{Deserialize, Serialize};

use crate::domain::validation::{ValidationError, ValidationErrors};

pub const MAX_IN_FLIGHT: i64 = 10_000;
pub const MAX_RATE: f64 = 100_000.0;

pub const FIELD_MAX_IN_FLIGHT: &str = "delivery/max_in_flight";
pub const FIELD_RATE: &str = "delivery/rate_per_second";

/// As the form and the API send them.
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct DeliverySettingsInput {
    pub max_in_flight: Option<i64>,
    pub rate_per_second: Option<f64>,
}

/// Checked; also what a webhook's view shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct DeliverySettings {
    pub max_in_flight: Option<u32>,
    pub rate_per_second: Option<f64>,
}

impl DeliverySettings {
    pub fn parse(input: Option<&DeliverySettingsInput>) -> Result<Self, ValidationErrors> {
        let Some(input) = input else {
            return Ok(Self::default());
        };
        let mut errors = ValidationErrors::new();
        let max_in_flight = match input.max_in_flight {
            None => None,
            Some(n) if (1..=MAX_IN_FLIGHT).contains(&n) => Some(n as u32),
            Some(_) => {
                errors.push_error(ValidationError::new(
                    FIELD_MAX_IN_FLIGHT,
                    format!("Max in flight is a whole number from 1 to {MAX_IN_FLIGHT}, or empty."),
                ));
                None
            }
        };
        let rate_per_second = match input.rate_per_second {
            None => None,
            Some(r) if r.is_finite() && r > 0.0 && r <= MAX_RATE => Some(r),
            Some(_) => {
                errors.push_error(ValidationError::new(
                    FIELD_RATE,
                    format!("The rate is a number of requests a second above 0 and at most {MAX_RATE}, or empty."),
                ));
                None
            }
        };
        errors.finish(|| DeliverySettings {
            max_in_flight,
            rate_per_second,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(max: Option<i64>, rate: Option<f64>) -> Result<DeliverySettings, ValidationErrors> {
        DeliverySettings::parse(Some(&DeliverySettingsInput {
            max_in_flight: max,
            rate_per_second: rate,
        }))
    }

    #[test]
    fn no_settings_mean_the_fair_share() {
        assert_eq!(
            DeliverySettings::parse(None).unwrap(),
            DeliverySettings::default()
        );
        assert_eq!(parse(None, None).unwrap(), DeliverySettings::default());
    }

    #[test]
    fn settings_in_range_are_kept() {
        let s = parse(Some(4), Some(2.5)).unwrap();
        assert_eq!((s.max_in_flight, s.rate_per_second), (Some(4), Some(2.5)));
        assert_eq!(
            parse(Some(MAX_IN_FLIGHT), Some(MAX_RATE))
                .unwrap()
                .max_in_flight,
            Some(10_000)
        );
    }

    #[test]
    fn settings_out_of_range_are_refused_on_their_field() {
        for max in [0, -3, MAX_IN_FLIGHT + 1] {
            let e = parse(Some(max), None).unwrap_err();
            assert_eq!(e.0[0].field, FIELD_MAX_IN_FLIGHT, "{max}");
        }
        for rate in [0.0, -1.0, f64::NAN, f64::INFINITY, MAX_RATE * 2.0] {
            let e = parse(None, Some(rate)).unwrap_err();
            assert_eq!(e.0[0].field, FIELD_RATE, "{rate}");
        }
    }
}
