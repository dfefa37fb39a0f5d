//! Streaming quantiles of finish percentiles: fixed bins instead of stored
//! samples; and the coarse, fixed-edge histograms the portfolio metrics report.

use schemas::HistogramBin;

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

/// Lower edges of the bins of [`schemas::PortfolioMetrics::roi_histogram`], ROI
/// as a fraction (-1 = nothing won): tenths below break-even, where most
/// iterations of a GPP portfolio land, then widening steps up to the rare
/// top-prize iterations; the last bin is open above. Fixed, so histograms of
/// any two runs line up.
pub const ROI_BIN_EDGES: [f64; 19] = [
    -1.0, -0.9, -0.8, -0.7, -0.6, -0.5, -0.4, -0.3, -0.2, -0.1, 0.0, 0.25, 0.5, 1.0, 2.0, 5.0,
    10.0, 25.0, 100.0,
];

/// Bins of [`schemas::PortfolioMetrics::finish_histogram`]: 20 of 0.05 each.
pub const FINISH_HISTOGRAM_BINS: usize = 20;

/// The per-iteration ROIs counted in the bins of [`ROI_BIN_EDGES`]. A value
/// on an edge counts in the bin above it; one below the first edge (or NaN)
/// in the first bin.
pub(crate) fn roi_histogram(rois: impl IntoIterator<Item = f64>) -> Vec<HistogramBin> {
    let mut counts = [0u64; ROI_BIN_EDGES.len()];
    for roi in rois {
        let above = ROI_BIN_EDGES.partition_point(|&e| e <= roi);
        counts[above.saturating_sub(1)] += 1;
    }
    counts
        .iter()
        .enumerate()
        .map(|(b, &count)| HistogramBin {
            lo: ROI_BIN_EDGES[b],
            hi: ROI_BIN_EDGES.get(b + 1).copied(),
            count,
        })
        .collect()
}

/// A [`PERCENTILE_BINS`]-bin finish histogram merged into
/// [`FINISH_HISTOGRAM_BINS`] bins over `[0, 1]`.
pub(crate) fn finish_histogram(bins: &[u64]) -> Vec<HistogramBin> {
    const MERGE: usize = PERCENTILE_BINS / FINISH_HISTOGRAM_BINS;
    let width = 1.0 / FINISH_HISTOGRAM_BINS as f64;
    (0..FINISH_HISTOGRAM_BINS)
        .map(|b| HistogramBin {
            lo: b as f64 * width,
            hi: Some((b + 1) as f64 * width),
            count: bins.iter().skip(b * MERGE).take(MERGE).sum(),
        })
        .collect()
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

    #[test]
    fn roi_histogram_counts_each_value_in_its_fixed_bin() {
        let h = roi_histogram([-1.0, -1.0, -0.95, -0.9, 0.0, 0.1, 99.0, 100.0, 5000.0, -3.0]);
        assert_eq!(h.len(), ROI_BIN_EDGES.len());
        let count = |lo: f64| h.iter().find(|b| b.lo == lo).map(|b| b.count);
        assert_eq!(
            count(-1.0),
            Some(4),
            "-1, -1, -0.95 and the -3 below the edges"
        );
        assert_eq!(count(-0.9), Some(1), "an edge counts in the bin above it");
        assert_eq!(count(0.0), Some(2));
        assert_eq!(count(25.0), Some(1));
        assert_eq!(count(100.0), Some(2), "the open last bin");
        assert_eq!(h.iter().map(|b| b.count).sum::<u64>(), 10);
        assert_eq!(h.last().map(|b| b.hi), Some(None));
        assert!(h.windows(2).all(|w| w[0].hi == Some(w[1].lo)));
    }

    #[test]
    fn finish_histogram_merges_fine_bins_in_order() {
        let mut fine = vec![0u64; PERCENTILE_BINS];
        fine[0] = 3;
        fine[49] = 1;
        fine[50] = 2;
        fine[PERCENTILE_BINS - 1] = 7;
        let h = finish_histogram(&fine);
        assert_eq!(h.len(), FINISH_HISTOGRAM_BINS);
        assert_eq!(h[0].count, 4);
        assert_eq!(h[1].count, 2);
        assert_eq!(h[FINISH_HISTOGRAM_BINS - 1].count, 7);
        assert_eq!(h.iter().map(|b| b.count).sum::<u64>(), 13);
        assert!((h[1].lo - 0.05).abs() < 1e-12 && h[19].hi == Some(1.0));
    }
}
