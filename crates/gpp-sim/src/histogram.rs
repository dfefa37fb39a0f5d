//! Streaming quantiles of finish percentiles: fixed bins instead of stored samples.

/// Bins of a finish-percentile histogram: resolution 0.001.
pub const PERCENTILE_BINS: usize = 1000;

/// The bin of a finish percentile in `[0, 1]` (1 falls into the last bin).
pub(crate) fn bin_of(percentile: f64) -> usize {
    // `as` saturates: negatives and NaN go to bin 0.
    ((percentile * PERCENTILE_BINS as f64) as usize).min(PERCENTILE_BINS - 1)
}

/// The `q` quantile (0..1) of the samples counted in `bins`, as the midpoint of
/// the bin holding the `ceil(q * n)`-th smallest sample (nearest rank); 0 when empty.
pub(crate) fn quantile<T: Copy + Into<u64>>(bins: &[T], q: f64) -> f64 {
    let n: u64 = bins.iter().map(|&c| c.into()).sum();
    if n == 0 {
        return 0.0;
    }
    let target = ((q * n as f64).ceil() as u64).clamp(1, n);
    let mut seen = 0u64;
    for (b, &c) in bins.iter().enumerate() {
        seen += c.into();
        if seen >= target {
            return (b as f64 + 0.5) / bins.len() as f64;
        }
    }
    1.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_of_a_uniform_histogram() {
        let bins = vec![1u32; PERCENTILE_BINS];
        assert!((quantile(&bins, 0.5) - 0.4995).abs() < 1e-12);
        assert!((quantile(&bins, 0.0) - 0.0005).abs() < 1e-12);
        assert!((quantile(&bins, 1.0) - 0.9995).abs() < 1e-12);
        assert_eq!(bin_of(1.0), PERCENTILE_BINS - 1);
        assert_eq!(bin_of(0.0), 0);
    }
}
