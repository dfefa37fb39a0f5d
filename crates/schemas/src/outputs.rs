//! What each stage returns. Players are referenced by index into the slate
//! (`players`) and by DraftKings id (`player_ids`), both in slot order.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// variants: projection scenarios. Variant 0 is the base projection.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VariantCatalog {
    /// DraftKings ids, aligned with the slate's players and with every variant's `points`.
    pub player_ids: Vec<i64>,
    pub variants: Vec<Variant>,
}

/// One projection scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Variant {
    pub variant_id: u32,
    /// Points per player, aligned with [`VariantCatalog::player_ids`].
    pub points: Vec<f64>,
}

/// One lineup of the optimizer's candidate pool, with provenance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CandidateLineup {
    /// Position in the pool, from 0.
    pub lineup_id: u32,
    /// Variant whose projection built it.
    pub variant_id: u32,
    /// 1 for the variant's best lineup, k for its k-th.
    pub rank_in_variant: u32,
    /// Slate indices in slot order.
    pub players: Vec<u32>,
    /// DraftKings ids in slot order.
    pub player_ids: Vec<i64>,
    pub salary: u32,
    /// Sum of base projections.
    pub proj: f64,
    /// Sum of its variant's points (the objective it is optimal for).
    pub score: f64,
}

impl CandidateLineup {
    /// A lineup of `slate` (indices in slot order) with its ids, salary and
    /// projection filled in from the slate; `score` is the objective it was
    /// built for.
    pub fn of_slate(
        slate: &crate::Slate,
        lineup_id: u32,
        variant_id: u32,
        rank_in_variant: u32,
        players: Vec<u32>,
        score: f64,
    ) -> Self {
        let of = |i: u32| &slate.players[i as usize];
        CandidateLineup {
            lineup_id,
            variant_id,
            rank_in_variant,
            player_ids: players.iter().map(|&i| of(i).dk_id).collect(),
            salary: players.iter().map(|&i| of(i).salary).sum(),
            proj: players.iter().map(|&i| of(i).projection).sum(),
            score,
            players,
        }
    }
}

/// optimizer: the unique candidate pool.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OptimizerOutput {
    pub lineups: Vec<CandidateLineup>,
    /// Every lineup was proven optimal for its objective under its constraints.
    pub proven_optimal: bool,
}

/// One unique lineup of the opponents' field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FieldEntrant {
    /// Slate indices in slot order.
    pub players: Vec<u32>,
    /// DraftKings ids in slot order.
    pub player_ids: Vec<i64>,
    /// How many opponents entered this lineup.
    pub copies: u32,
    pub salary: u32,
    /// Sum of base projections.
    pub proj: f64,
}

/// Lineups counted by copies: 0, 1, 2-4, 5-9, 10+.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DupBins {
    #[serde(rename = "0")]
    pub zero: u64,
    #[serde(rename = "1")]
    pub one: u64,
    #[serde(rename = "2-4")]
    pub two_to_four: u64,
    #[serde(rename = "5-9")]
    pub five_to_nine: u64,
    #[serde(rename = "10+")]
    pub ten_plus: u64,
}

impl DupBins {
    /// The bins with their labels (the JSON keys), fewest copies first.
    pub fn labelled(&self) -> [(&'static str, u64); 5] {
        [
            ("0", self.zero),
            ("1", self.one),
            ("2-4", self.two_to_four),
            ("5-9", self.five_to_nine),
            ("10+", self.ten_plus),
        ]
    }

    /// Counts `weight` items that have `copies` copies.
    pub fn add(&mut self, copies: u64, weight: u64) {
        let bin = match copies {
            0 => &mut self.zero,
            1 => &mut self.one,
            2..=4 => &mut self.two_to_four,
            5..=9 => &mut self.five_to_nine,
            _ => &mut self.ten_plus,
        };
        *bin += weight;
    }
}

/// How duplicated a field is: the one owner of these figures, used by the field
/// sampler's telemetry and by comparisons against real contest standings.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DupProfile {
    /// Entries counted (sum of copies).
    pub entries: u64,
    /// Distinct lineups.
    pub unique_lineups: u64,
    /// Distinct lineups / entries (0 for no entries).
    pub unique_share: f64,
    /// Share of entries whose lineup at least one other entry also holds.
    pub duplicated_entry_share: f64,
    /// Copies of the most-entered lineup.
    pub max_copies: u32,
    /// Distinct lineups by copies.
    pub dup_bins: DupBins,
}

impl DupProfile {
    /// The profile of a field given each distinct lineup's copies (zeros are ignored).
    pub fn from_copies(copies: impl IntoIterator<Item = u32>) -> Self {
        let mut p = DupProfile::default();
        let mut duplicated = 0u64;
        for c in copies.into_iter().filter(|&c| c > 0) {
            p.entries += u64::from(c);
            p.unique_lineups += 1;
            p.max_copies = p.max_copies.max(c);
            p.dup_bins.add(u64::from(c), 1);
            if c >= 2 {
                duplicated += u64::from(c);
            }
        }
        if p.entries > 0 {
            p.unique_share = p.unique_lineups as f64 / p.entries as f64;
            p.duplicated_entry_share = duplicated as f64 / p.entries as f64;
        }
        p
    }

    /// The profile of a list of lineup identities (any ordered key), counting equal keys.
    pub fn from_keys<K: Ord>(keys: impl IntoIterator<Item = K>) -> Self {
        let mut counts: BTreeMap<K, u32> = BTreeMap::new();
        for k in keys {
            *counts.entry(k).or_default() += 1;
        }
        DupProfile::from_copies(counts.into_values())
    }
}

/// Projected against sampled ownership of one player.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OwnershipRow {
    pub player_id: i64,
    pub name: String,
    pub projected: f64,
    /// The ownership the field was calibrated to (projected, or tilted to `field_strength`).
    pub target: f64,
    pub sampled: f64,
}

/// Count of field entries whose salary falls in `[lo, hi)`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SalaryBin {
    pub lo: u32,
    pub hi: u32,
    pub count: u64,
}

/// field-sampler: how the sampled field looks against its targets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FieldTelemetry {
    /// How duplicated the field is, lineup identity = the player set (what ties
    /// and shared prizes depend on); `entries` is the field size.
    pub duplication: DupProfile,
    /// Mean absolute error of sampled against target ownership, in points (0..100).
    pub ownership_mae: f64,
    /// Base projection of the best lineup the sampler's search finds (0 when none).
    pub best_lineup_projection: f64,
    /// The field's mean lineup projection.
    pub mean_lineup_projection: f64,
    pub calibration_rounds: u32,
    /// Share of entries built by sharp entrants (optimizer on a noisy projection).
    pub sharp_share: f64,
    /// Draws rejected (dead ends, min games, team limits, preferences) per accepted entry.
    pub rejection_rate: f64,
    pub ownership: Vec<OwnershipRow>,
    pub salary_histogram: Vec<SalaryBin>,
}

/// field-sampler: the opponents' field.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FieldSamplerOutput {
    /// Unique lineups with copies, in a canonical order.
    pub entrants: Vec<FieldEntrant>,
    pub telemetry: FieldTelemetry,
}

/// Count of values in `[lo, hi)` (a histogram's last bounded bin also holds
/// its upper edge); `hi` is null for an open last bin, whose values have no
/// upper bound.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct HistogramBin {
    pub lo: f64,
    #[serde(default)]
    pub hi: Option<f64>,
    pub count: u64,
}

/// gpp-sim: one candidate lineup's simulated results (as a single entry against the field).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LineupResult {
    pub lineup_id: u32,
    pub roi_mean: f64,
    /// Share of iterations it finished first (ties for first included).
    pub win_rate: f64,
    /// Share of iterations in the top 0.1% / 1% / 10% of the contest's entries.
    pub top0_1_rate: f64,
    pub top1_rate: f64,
    pub top10_rate: f64,
    /// Share of iterations it won a prize.
    pub cash_rate: f64,
    /// Finish percentile quantiles (0 = first place, 1 = last).
    pub finish_p10: f64,
    pub finish_p50: f64,
    pub finish_p90: f64,
    /// Opponents who entered this same lineup.
    pub field_copies: u32,
    pub selected: bool,
}

/// gpp-sim: the selected portfolio's simulated contest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PortfolioMetrics {
    /// Mean over iterations of (portfolio winnings / portfolio fees - 1).
    pub roi_mean: f64,
    /// Median over iterations of the same.
    pub roi_p50: f64,
    /// 95th percentile of field copies over the selected entries.
    pub dup_p95: f64,
    /// Share of iterations in which the portfolio made a profit.
    pub profit_probability: f64,
    /// Quantiles of the selected entries' finish percentiles, keyed `p1`, `p10`, `p50`, `p90`, `p99`.
    pub finish_percentiles: BTreeMap<String, f64>,
    /// Mean finish percentile of the selected entries over the iterations.
    pub finish_percentile_mean: f64,
    /// Share of the selected entries' iterations that won a prize.
    pub cash_rate: f64,
    /// Share of the selected entries' iterations in the top 1% of the contest's entries.
    pub top1_rate: f64,
    /// Mean over iterations of the portfolio's ROI with each entry's prize
    /// capped at the prize of the last top-1% place. The top places' prizes,
    /// rare and huge, make most of `roi_mean`; a few real contests cannot
    /// check that part, but they can check this one.
    #[serde(default)]
    pub capped_roi_mean: f64,
    /// The portfolio's ROI over the iterations (one count per iteration), in
    /// fixed bins: edges -100%, -90%, ..., -10%, 0%, +25%, +50%, +100%, +200%,
    /// +500%, +1000%, +2500%, +10000%, the last bin open above. Every bin is
    /// listed, empty or not, so runs compare bin by bin; what `export/report.html`
    /// draws. Empty in metrics written before it existed.
    #[serde(default)]
    pub roi_histogram: Vec<HistogramBin>,
    /// The selected entries' finish percentiles over the iterations (one count
    /// per entry and iteration, 0 = first place), in 20 bins of 0.05 from 0 to
    /// 1: the distribution `finish_percentiles` gives quantiles of. Empty in
    /// metrics written before it existed.
    #[serde(default)]
    pub finish_histogram: Vec<HistogramBin>,
    /// Per selected entry (in `selected` order), the deciles p10..p90 of its
    /// finish percentile: what a backtest checks each realized finish against.
    pub entry_finish_deciles: Vec<[f64; 9]>,
    /// Selected entries by field copies.
    pub dup_bins: DupBins,
    /// Mean ROI over every entrant of the simulated contest (ours and the field's).
    pub field_roi_mean: f64,
    pub prize_pool: f64,
    pub entry_fee: f64,
    /// Entries in the simulated contest (field copies plus our entries).
    pub field_size: u32,
    pub iterations: u32,
    /// Our selected entries.
    pub entries: u32,
    /// Share of selected entries holding each player, by DraftKings id (as a string key).
    pub exposure: BTreeMap<String, f64>,
    /// How the entries were chosen: `marginal` (greedy by marginal expected portfolio
    /// payout, our entries competing with each other).
    pub selection: String,
    /// The naive choice on the same fresh draws, for comparison: the top entries by
    /// single-lineup ROI under the same exposure cap.
    pub top_n_baseline: BaselineMetrics,
}

/// gpp-sim: a portfolio picked another way, measured on the same draws as the selected one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BaselineMetrics {
    /// Entries it holds.
    pub entries: u32,
    /// Mean over iterations of (its winnings / its fees - 1).
    pub roi_mean: f64,
    /// Median over iterations of the same.
    pub roi_p50: f64,
    /// Share of iterations in which it made a profit.
    pub profit_probability: f64,
    /// Selected entries it shares with the chosen portfolio.
    pub shared_entries: u32,
    /// Its lineups, by lineup id, best single-lineup ROI first.
    pub lineups: Vec<u32>,
}

/// gpp-sim: per-lineup results, the selection and the portfolio's metrics.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SimOutput {
    /// One row per candidate lineup, in `lineup_id` order.
    pub results: Vec<LineupResult>,
    /// Selected `lineup_id`s in the order they were chosen.
    pub selected: Vec<u32>,
    pub metrics: PortfolioMetrics,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dup_profile_counts_entries_lineups_and_bins() {
        let p = DupProfile::from_copies([1, 1, 3, 0, 12, 5, 2]);
        assert_eq!(p.entries, 24);
        assert_eq!(p.unique_lineups, 6);
        assert!((p.unique_share - 6.0 / 24.0).abs() < 1e-12);
        assert!((p.duplicated_entry_share - 22.0 / 24.0).abs() < 1e-12);
        assert_eq!(p.max_copies, 12);
        assert_eq!(
            p.dup_bins,
            DupBins {
                zero: 0,
                one: 2,
                two_to_four: 2,
                five_to_nine: 1,
                ten_plus: 1
            }
        );
        let labels = serde_json::to_value(&p.dup_bins).unwrap();
        for (label, count) in p.dup_bins.labelled() {
            assert_eq!(labels[label], count, "label {label} is the JSON key");
        }
        assert_eq!(DupProfile::from_copies([]), DupProfile::default());
        let keyed = DupProfile::from_keys(["a", "b", "a", "c", "a"]);
        assert_eq!(keyed, DupProfile::from_copies([3, 1, 1]));
    }
}
