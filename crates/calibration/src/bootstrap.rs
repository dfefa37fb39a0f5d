//! Bootstrap confidence intervals over contests.

use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64Mcg;
use serde::Serialize;

use crate::error::{CalibrationError, check_finite};

/// A statistic and its bootstrap percentile interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Interval {
    /// Lower end: the `(1 - level) / 2` quantile of the resampled statistic.
    pub lo: f64,
    /// Upper end: the `(1 + level) / 2` quantile of the resampled statistic.
    pub hi: f64,
    /// The statistic on the sample itself (the point estimate).
    pub mean: f64,
}

/// A percentile bootstrap interval of the (weighted) mean of `samples`, one
/// item per contest: `sum(w x) / sum(w)`, `w` = 1 without `weights`.
///
/// Items are resampled with replacement, `resamples` times, by a `Pcg64Mcg`
/// seeded from `seed`: the same inputs and seed give the same interval.
/// `level` is the interval's coverage, e.g. 0.9. Fee weights on per-contest
/// ROIs give the pooled ROI, `sum(winnings) / sum(fees) - 1`; the mean suits
/// finish percentiles and cash rates.
///
/// Fails when `samples` is empty, a value is not finite, a weight is not
/// positive, `weights` does not pair with `samples`, `resamples` is 0 or
/// `level` is not in (0, 1).
pub fn bootstrap_ci(
    samples: &[f64],
    weights: Option<&[f64]>,
    seed: u64,
    resamples: u32,
    level: f64,
) -> Result<Interval, CalibrationError> {
    check_finite("sample", samples)?;
    match weights {
        None => ratio_ci(samples, &vec![1.0; samples.len()], seed, resamples, level),
        Some(w) => {
            pair("weights", samples, w)?;
            check_positive("weight", w)?;
            let weighted: Vec<f64> = samples.iter().zip(w).map(|(x, w)| w * x).collect();
            ratio_ci(&weighted, w, seed, resamples, level)
        }
    }
}

/// A percentile bootstrap interval of a ratio of sums over items,
/// `sum(numerators) / sum(denominators)` (one pair per contest), resampled as
/// [`bootstrap_ci`] does. With winnings over fees it gives the pooled return,
/// the pooled ROI plus 1.
///
/// Fails as [`bootstrap_ci`] does, and when a denominator is not positive.
pub fn bootstrap_ratio_ci(
    numerators: &[f64],
    denominators: &[f64],
    seed: u64,
    resamples: u32,
    level: f64,
) -> Result<Interval, CalibrationError> {
    check_finite("numerator", numerators)?;
    pair("denominators", numerators, denominators)?;
    check_positive("denominator", denominators)?;
    ratio_ci(numerators, denominators, seed, resamples, level)
}

fn pair(what: &'static str, items: &[f64], with: &[f64]) -> Result<(), CalibrationError> {
    if items.len() == with.len() {
        Ok(())
    } else {
        Err(CalibrationError::LengthMismatch {
            what,
            expected: items.len(),
            found: with.len(),
        })
    }
}

fn check_positive(what: &'static str, values: &[f64]) -> Result<(), CalibrationError> {
    check_finite(what, values)?;
    match values.iter().position(|&x| x <= 0.0) {
        Some(index) => Err(CalibrationError::NotPositive {
            what,
            index,
            value: values[index],
        }),
        None => Ok(()),
    }
}

/// The bootstrap of `sum(num) / sum(den)`; `den` is positive and pairs with `num`.
fn ratio_ci(
    num: &[f64],
    den: &[f64],
    seed: u64,
    resamples: u32,
    level: f64,
) -> Result<Interval, CalibrationError> {
    if num.is_empty() {
        return Err(CalibrationError::Empty("samples to resample"));
    }
    if resamples == 0 {
        return Err(CalibrationError::Empty("resamples asked for"));
    }
    if !(level > 0.0 && level < 1.0) {
        return Err(CalibrationError::Level(level));
    }
    let n = num.len();
    let mut rng = Pcg64Mcg::seed_from_u64(seed);
    let mut stats: Vec<f64> = (0..resamples)
        .map(|_| {
            let (mut a, mut b) = (0.0, 0.0);
            for _ in 0..n {
                let k = rng.random_range(0..n);
                a += num[k];
                b += den[k];
            }
            a / b
        })
        .collect();
    stats.sort_by(f64::total_cmp);
    let tail = (1.0 - level) / 2.0;
    Ok(Interval {
        lo: quantile(&stats, tail),
        hi: quantile(&stats, 1.0 - tail),
        mean: num.iter().sum::<f64>() / den.iter().sum::<f64>(),
    })
}

/// The `q` quantile of sorted, non-empty `xs`, interpolated linearly between
/// order statistics (position `q (n - 1)`).
fn quantile(xs: &[f64], q: f64) -> f64 {
    let pos = q * (xs.len() - 1) as f64;
    let i = pos.floor() as usize;
    let frac = pos - i as f64;
    match xs.get(i + 1) {
        Some(&next) => xs[i] + frac * (next - xs[i]),
        None => xs[i],
    }
}

#[cfg(test)]
mod tests {
    use rand::{Rng, SeedableRng};
    use rand_pcg::Pcg64Mcg;

    use super::*;

    #[test]
    fn same_inputs_and_seed_same_interval() {
        let xs = [0.3, -1.0, 2.5, 0.0, 0.7, -0.2];
        let a = bootstrap_ci(&xs, None, 11, 500, 0.9).unwrap();
        assert_eq!(a, bootstrap_ci(&xs, None, 11, 500, 0.9).unwrap());
        assert_ne!(a, bootstrap_ci(&xs, None, 12, 500, 0.9).unwrap());
        assert!(a.lo <= a.mean && a.mean <= a.hi, "{a:?}");
    }

    #[test]
    fn a_constant_sample_collapses_the_interval() {
        let close = |a: f64, b: f64| (a - b).abs() < 1e-12;
        let i = bootstrap_ci(&[0.1; 7], None, 1, 200, 0.95).unwrap();
        assert!(
            close(i.lo, 0.1) && close(i.hi, 0.1) && close(i.mean, 0.1),
            "{i:?}"
        );
        let w = [4.0, 20.0, 4.0, 1.0];
        let i = bootstrap_ci(&[-0.25; 4], Some(&w), 1, 200, 0.95).unwrap();
        assert!(close(i.lo, -0.25) && close(i.hi, -0.25) && close(i.mean, -0.25));
    }

    #[test]
    fn fee_weights_give_the_pooled_roi() {
        // Per-contest ROI weighted by fees = total winnings / total fees - 1.
        let fees = [20.0, 100.0, 60.0];
        let won = [50.0, 0.0, 90.0];
        let roi: Vec<f64> = won.iter().zip(&fees).map(|(w, f)| w / f - 1.0).collect();
        let pooled = 140.0 / 180.0 - 1.0;
        let by_weight = bootstrap_ci(&roi, Some(&fees), 3, 2000, 0.9).unwrap();
        let by_ratio = bootstrap_ratio_ci(&won, &fees, 3, 2000, 0.9).unwrap();
        assert!((by_weight.mean - pooled).abs() < 1e-12);
        assert!((by_ratio.mean - 1.0 - pooled).abs() < 1e-12);
        // The same resamples: the intervals agree up to rounding.
        assert!((by_weight.lo - (by_ratio.lo - 1.0)).abs() < 1e-12);
        assert!((by_weight.hi - (by_ratio.hi - 1.0)).abs() < 1e-12);
    }

    #[test]
    fn the_interval_of_a_mean_is_near_the_normal_one() {
        // 400 values 0..399: mean 199.5, plug-in sd sqrt((400^2 - 1) / 12).
        // The mean's 90% interval: mean -+ 1.6449 sd / sqrt(400).
        let xs: Vec<f64> = (0..400).map(f64::from).collect();
        let half = 1.644_853_6 * ((400.0f64 * 400.0 - 1.0) / 12.0).sqrt() / 20.0;
        let i = bootstrap_ci(&xs, None, 5, 20_000, 0.9).unwrap();
        assert_eq!(i.mean, 199.5);
        assert!(
            (i.lo - (199.5 - half)).abs() < 0.05 * half,
            "{i:?} vs {half}"
        );
        assert!(
            (i.hi - (199.5 + half)).abs() < 0.05 * half,
            "{i:?} vs {half}"
        );
    }

    #[test]
    fn intervals_cover_the_true_mean_about_as_often_as_asked() {
        // Samples of 50 uniform draws on [0, 1): true mean 0.5.
        let mut rng = Pcg64Mcg::seed_from_u64(99);
        let trials = 400u64;
        let covered = (0..trials)
            .filter(|&t| {
                let xs: Vec<f64> = (0..50).map(|_| rng.random::<f64>()).collect();
                let i = bootstrap_ci(&xs, None, t, 400, 0.9).unwrap();
                i.lo <= 0.5 && 0.5 <= i.hi
            })
            .count();
        // Binomial sd of the rate over 400 trials ~ 0.015; the percentile
        // bootstrap under-covers slightly at n = 50.
        let rate = covered as f64 / trials as f64;
        assert!((0.84..=0.95).contains(&rate), "{rate}");
    }

    #[test]
    fn bad_inputs_are_named() {
        assert_eq!(
            bootstrap_ci(&[], None, 0, 10, 0.9),
            Err(CalibrationError::Empty("samples to resample"))
        );
        assert!(matches!(
            bootstrap_ci(&[1.0], None, 0, 0, 0.9),
            Err(CalibrationError::Empty(_))
        ));
        assert_eq!(
            bootstrap_ci(&[1.0], None, 0, 10, 1.0),
            Err(CalibrationError::Level(1.0))
        );
        assert!(matches!(
            bootstrap_ci(&[1.0, 2.0], Some(&[1.0]), 0, 10, 0.9),
            Err(CalibrationError::LengthMismatch { .. })
        ));
        assert!(matches!(
            bootstrap_ci(&[1.0, 2.0], Some(&[1.0, 0.0]), 0, 10, 0.9),
            Err(CalibrationError::NotPositive { index: 1, .. })
        ));
        assert!(matches!(
            bootstrap_ratio_ci(&[1.0], &[f64::INFINITY], 0, 10, 0.9),
            Err(CalibrationError::NotFinite { .. })
        ));
    }
}
