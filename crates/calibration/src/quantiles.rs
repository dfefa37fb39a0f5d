use serde::Serialize;

/// Quantiles of lineup scores over entries (copies counted), nearest rank.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, schemars::JsonSchema)]
pub struct ScoreQuantiles {
    pub entries: u64,
    pub p10: f64,
    pub p50: f64,
    pub p90: f64,
    pub p99: f64,
    pub max: f64,
}

impl ScoreQuantiles {
    /// The quantiles of `(score, entries)` pairs; all 0 when there are none.
    pub fn of(mut scores: Vec<(f64, u64)>) -> Self {
        scores.sort_by(|a, b| a.0.total_cmp(&b.0));
        let total: u64 = scores.iter().map(|s| s.1).sum();
        let at = |q: f64| {
            let target = ((q * total as f64).ceil() as u64).clamp(1, total.max(1));
            let mut seen = 0;
            for &(s, n) in &scores {
                seen += n;
                if seen >= target {
                    return s;
                }
            }
            0.0
        };
        ScoreQuantiles {
            entries: total,
            p10: at(0.10),
            p50: at(0.50),
            p90: at(0.90),
            p99: at(0.99),
            max: scores.last().map_or(0.0, |s| s.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_over_copies() {
        // 1..=10 once each: the q-quantile is the ceil(10 q)-th smallest.
        let q = ScoreQuantiles::of((1..=10).rev().map(|s| (f64::from(s), 1)).collect());
        assert_eq!((q.entries, q.p10, q.p50, q.p90), (10, 1.0, 5.0, 9.0));
        assert_eq!((q.p99, q.max), (10.0, 10.0));

        // Nine copies of 5 above one entry of 1: the 5th entry of 10 scores 5.
        let q = ScoreQuantiles::of(vec![(5.0, 9), (1.0, 1)]);
        assert_eq!((q.entries, q.p10, q.p50, q.max), (10, 1.0, 5.0, 5.0));

        let none = ScoreQuantiles::of(Vec::new());
        assert_eq!((none.entries, none.p50, none.max), (0, 0.0, 0.0));
    }
}
