//! Probability integral transform (PIT) histograms of finish percentiles.

use crate::error::{CalibrationError, check_finite};

/// Bins of a [`pit_histogram`]: the ten between and beyond nine deciles.
pub const PIT_BINS: usize = 10;

/// A PIT histogram: where each entry's realized finish percentile fell in
/// its predicted distribution.
///
/// `predicted[k]` holds entry `k`'s predicted finish-percentile deciles
/// (p10, p20, .., p90, ascending) and `realized[k]` its realized finish
/// percentile. Bin 0 counts realized values below p10, bin `j` those from
/// p(10j) up to p(10j+10), bin 9 those from p90 up; a value equal to a decile
/// goes to the upper bin. With a calibrated model each bin holds about 10% of
/// the entries; a U shape says the predictions are too narrow, a hump too
/// wide, a slope biased.
///
/// Fails when the two slices differ in length, a value is not finite, or an
/// entry's deciles do not ascend.
pub fn pit_histogram(
    predicted: &[[f64; 9]],
    realized: &[f64],
) -> Result<[u64; PIT_BINS], CalibrationError> {
    if predicted.len() != realized.len() {
        return Err(CalibrationError::LengthMismatch {
            what: "realized finish percentiles of entries with predicted deciles",
            expected: predicted.len(),
            found: realized.len(),
        });
    }
    check_finite("realized finish percentile of entry", realized)?;
    let mut bins = [0u64; PIT_BINS];
    for (index, (deciles, &r)) in predicted.iter().zip(realized).enumerate() {
        if let Some(&value) = deciles.iter().find(|d| !d.is_finite()) {
            return Err(CalibrationError::NotFinite {
                what: "a predicted decile of entry",
                index,
                value,
            });
        }
        if deciles.windows(2).any(|w| w[0] > w[1]) {
            return Err(CalibrationError::UnsortedDeciles { index });
        }
        bins[deciles.iter().filter(|&&d| d <= r).count()] += 1;
    }
    Ok(bins)
}

#[cfg(test)]
mod tests {
    use rand::{Rng, SeedableRng};
    use rand_pcg::Pcg64Mcg;

    use super::*;

    const UNIFORM: [f64; 9] = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];

    #[test]
    fn a_uniform_sample_fills_the_bins_evenly() {
        // Realized values on an even grid of [0, 1), predicted uniform.
        let realized: Vec<f64> = (0..1000).map(|i| (f64::from(i) + 0.5) / 1000.0).collect();
        let predicted = vec![UNIFORM; realized.len()];
        assert_eq!(pit_histogram(&predicted, &realized).unwrap(), [100; 10]);

        // Random uniform draws: each bin near 10%.
        let mut rng = Pcg64Mcg::seed_from_u64(7);
        let realized: Vec<f64> = (0..20_000).map(|_| rng.random::<f64>()).collect();
        let predicted = vec![UNIFORM; realized.len()];
        let bins = pit_histogram(&predicted, &realized).unwrap();
        assert_eq!(bins.iter().sum::<u64>(), 20_000);
        // Binomial sd of a bin: sqrt(20000 * 0.1 * 0.9) ~ 42; allow 5 sd.
        assert!(bins.iter().all(|&b| b.abs_diff(2000) < 210), "{bins:?}");
    }

    #[test]
    fn edges_go_to_the_upper_bin() {
        let shifted: [f64; 9] = std::array::from_fn(|j| 0.5 + 0.05 * j as f64);
        let predicted = [UNIFORM, UNIFORM, UNIFORM, UNIFORM, shifted];
        // Below p10; equal to p10; equal to p90; above p90; below the shifted p10.
        let realized = [0.05, 0.1, 0.9, 1.0, 0.3];
        let bins = pit_histogram(&predicted, &realized).unwrap();
        assert_eq!(bins, [2, 1, 0, 0, 0, 0, 0, 0, 0, 2]);
    }

    #[test]
    fn bad_inputs_are_named() {
        assert!(matches!(
            pit_histogram(&[UNIFORM], &[]),
            Err(CalibrationError::LengthMismatch { .. })
        ));
        let mut reversed = UNIFORM;
        reversed.reverse();
        assert_eq!(
            pit_histogram(&[UNIFORM, reversed], &[0.5, 0.5]),
            Err(CalibrationError::UnsortedDeciles { index: 1 })
        );
        let mut nan = UNIFORM;
        nan[4] = f64::NAN;
        assert!(matches!(
            pit_histogram(&[nan], &[0.5]),
            Err(CalibrationError::NotFinite { index: 0, .. })
        ));
    }
}
