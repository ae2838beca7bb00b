//! Attempt latency as a histogram of logarithmic buckets, so a webhook's p50 and p99 over a day
//! come from a few counters instead of its attempts: bucket `b` holds the attempts of
//! `1.25^b ≤ ms < 1.25^(b+1)` (bucket 0 also holds 0 and 1 ms). A percentile is reported as its
//! bucket's upper bound, within 25% of the true value.

/// Ratio between consecutive bucket bounds.
const STEP: f64 = 1.25;

/// The bucket of an attempt that took `ms` milliseconds.
pub fn bucket_of(ms: i64) -> i64 {
    if ms <= 1 {
        return 0;
    }
    ((ms as f64).ln() / STEP.ln()).floor() as i64
}

/// The upper bound of bucket `b`, in whole milliseconds.
pub fn upper_ms(b: i64) -> u64 {
    STEP.powi(b.clamp(0, 200) as i32 + 1).ceil() as u64
}

/// The `q`-quantile (0–1) of a histogram given as `(bucket, count)`, any order.
pub fn percentile(buckets: &[(i64, u64)], q: f64) -> Option<u64> {
    let total: u64 = buckets.iter().map(|(_, n)| n).sum();
    if total == 0 {
        return None;
    }
    let mut sorted = buckets.to_vec();
    sorted.sort_unstable();
    let rank = ((total as f64) * q).ceil().max(1.0) as u64;
    let mut seen = 0;
    for (b, n) in sorted {
        seen += n;
        if seen >= rank {
            return Some(upper_ms(b));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_duration_lands_in_the_bucket_whose_bounds_hold_it() {
        for ms in [0, 1, 2, 7, 50, 999, 10_000, 120_000] {
            let b = bucket_of(ms);
            assert!(ms as u64 <= upper_ms(b), "{ms} ≤ upper of {b}");
            if b > 0 {
                assert!(
                    ms as u64 >= upper_ms(b - 1) - 1,
                    "{ms} above bucket {}",
                    b - 1
                );
            }
        }
    }

    #[test]
    fn percentiles_read_the_right_bucket() {
        // 98 fast attempts of 10 ms, 2 slow ones of 3 s.
        let h = [(bucket_of(10), 98), (bucket_of(3_000), 2)];
        assert_eq!(percentile(&h, 0.5), Some(upper_ms(bucket_of(10))));
        assert_eq!(percentile(&h, 0.99), Some(upper_ms(bucket_of(3_000))));
        assert!(upper_ms(bucket_of(3_000)) <= 3_750, "within 25%");
        assert_eq!(percentile(&[], 0.5), None);
    }
}
