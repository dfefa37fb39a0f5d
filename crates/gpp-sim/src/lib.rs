//! Stage `sim`: Monte Carlo of a DraftKings GPP contest, per-lineup metrics,
//! entry selection and the selected portfolio's metrics.
//!
//! # Method
//!
//! Each iteration draws every player's fantasy points from an [`OutcomeModel`]
//! (today [`TruncatedNormal`]: independent `Normal(projection, std_dev)`
//! truncated at 0 by rejection), with its own RNG
//! `Pcg64Mcg::seed_from_u64(stream_seed(seed, "sim", iteration))`. A lineup's
//! score is its players' points summed in sorted player order, so identical
//! lineups tie exactly.
//!
//! **Pass A** scores the field's unique lineups (each with its copies) and
//! every candidate. Each candidate is a single extra entry: with `g` field
//! entries strictly above it and `t` tied with it, it wins
//! `ladder.tied_share(g, t + 1)`. Its finish percentile is
//! `(g + t / 2) / field_entries` (0 = first, 1 = last). A win is `g == 0`
//! (ties for first included); top 0.1% / 1% / 10% is `g <` that share of the
//! `field_entries + 1` entrants; a cash is a payout above 0.
//!
//! **Ranks without a sort.** `g` and `t` are counts, so no iteration sorts
//! the field: its scores go into a grid of about `field / 16` buckets between
//! the iteration's lowest and highest score (a monotone map, so every bucket
//! is all better than the next), bucket totals give the entries above any
//! bucket, and only the field lineups sharing a query's bucket are compared
//! one by one. Exact, ties included; only the buckets of the paid places are
//! ever sorted, each on its own, to pay the whole field in pass B.
//!
//! **Selection** is greedy by marginal expected portfolio payout on pass A's
//! draws: each step adds the candidate that raises our summed payout the
//! most, counting the places it takes from our entries below it and the ties
//! it splits with ours, among candidates that keep every player within
//! `ceil(max_exposure * entries)` lineups. It needs, per candidate, only the
//! iterations it finished in the money (outside them it can neither earn nor
//! push one of ours out of the money), and a candidate's payout alone bounds
//! its gain, so the scan stops early and stays exact. For comparison the
//! metrics also report the naive "top N by single-lineup ROI" portfolio.
//!
//! **Pass B** draws fresh iterations (streams keyed by their own seed,
//! [`portfolio_seed`]) for the contest of the field plus our selected entries,
//! pays every tie group the tied share of the places it spans, and does the
//! same for the baseline portfolio on the same draws. Fresh draws keep the
//! portfolio's figures out of sample: measured on the draws selection chose
//! on, they would flatter it.
//!
//! Iterations run in fixed chunks of [`CHUNK`] on rayon; chunk results are
//! folded in chunk order, so every output is byte-identical for any thread
//! count. Memory is bounded by the lineups, never iterations x lineups
//! matrices: per candidate a [`PERCENTILE_BINS`]-bin histogram of finish
//! percentiles and its in-the-money iterations (a fraction of the iterations,
//! 16 bytes each), and per iteration three numbers for the portfolios.

mod engine;
mod error;
mod histogram;
mod outcome;
mod payout;
mod rank;
mod selection;

use schemas::{
    CandidateLineup, Contest, Diagnostics, FieldEntrant, SimConfig, SimOutput, Slate, Stage,
    StageContext, StageError,
};

pub use engine::{CHUNK, portfolio_seed, simulate};
pub use error::SimError;
pub use histogram::PERCENTILE_BINS;
pub use outcome::{MAX_REJECTIONS, OutcomeModel, TruncatedNormal, draw_iteration, iteration_rng};
pub use payout::{Placing, lineup_score, pay_iteration};
pub use selection::{exposure_cap, select_entries};

/// The stage's name: its artifact folder and the key of its random streams.
pub const NAME: &str = "sim";

/// The contest simulator as a pipeline [`Stage`], with the independent
/// [`TruncatedNormal`] outcome model. Use [`simulate`] for another model.
#[derive(Debug, Default, Clone, Copy)]
pub struct GppSim;

/// What the simulator reads. Player indices refer to `slate.players`.
#[derive(Debug, Clone, Copy)]
pub struct SimInput<'a> {
    pub slate: &'a Slate,
    pub contest: &'a Contest,
    /// Our candidate pool; `lineup_id`s must be unique.
    pub candidates: &'a [CandidateLineup],
    /// The opponents' field: unique lineups with copies.
    pub field: &'a [FieldEntrant],
    /// Entries to select, already resolved by the caller (e.g. from
    /// [`SimConfig::entries`] or the contest's max entries); more than the
    /// candidates is clamped with a warning. [`SimConfig::entries`] is not read.
    pub entries: u32,
}

impl Stage for GppSim {
    const NAME: &'static str = NAME;
    type Config = SimConfig;
    type Input<'a> = SimInput<'a>;
    type Output = SimOutput;

    fn run(
        &self,
        input: SimInput<'_>,
        config: &SimConfig,
        ctx: &StageContext<'_>,
    ) -> Result<(SimOutput, Diagnostics), StageError> {
        let model = TruncatedNormal::from_slate(input.slate)?;
        Ok(simulate(&model, &input, config, ctx)?)
    }
}
