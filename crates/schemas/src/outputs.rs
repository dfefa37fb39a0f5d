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

/// Projected against sampled ownership of one player.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OwnershipRow {
    pub player_id: i64,
    pub name: String,
    pub projected: f64,
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
    /// Entries sampled.
    pub field_size: u32,
    pub unique_lineups: u32,
    /// Unique lineups / entries.
    pub unique_share: f64,
    /// Share of entries whose lineup someone else also entered.
    pub duplicated_entry_share: f64,
    pub max_copies: u32,
    /// Unique lineups by copies.
    pub dup_bins: DupBins,
    /// Mean absolute error of sampled against projected ownership, in points (0..100).
    pub ownership_mae: f64,
    pub calibration_rounds: u32,
    /// Draws rejected (cap, salary floor, min games) per accepted entry.
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

/// gpp-sim: one candidate lineup's simulated results (as a single entry against the field).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LineupResult {
    pub lineup_id: u32,
    pub roi_mean: f64,
    pub win_rate: f64,
    pub top1_rate: f64,
    pub top10_rate: f64,
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
