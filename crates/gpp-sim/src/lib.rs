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
//! (ties for first included); top 1% / 10% is `g < 1% / 10%` of the
//! `field_entries + 1` entrants; a cash is a payout above 0.
//!
//! **Selection** takes the best candidates by ROI mean (ties by `lineup_id`),
//! skipping any that would put a player in more than
//! `ceil(max_exposure * entries)` of the selected lineups.
//!
//! **Pass B** draws fresh iterations (streams keyed by their own seed,
//! [`portfolio_seed`]) for the contest of the field plus our selected entries,
//! ranks everyone and pays every tie group the tied share of the places it
//! spans ([`pay_iteration`]). Fresh draws keep the portfolio's figures out of
//! sample: measured on the draws selection chose on, they would flatter it.
//!
//! Iterations run in fixed chunks of [`CHUNK`] on rayon; chunk results are
//! folded in chunk order, so every output is byte-identical for any thread
//! count. Memory is bounded by the lineups, not iterations x lineups: per
//! candidate a [`PERCENTILE_BINS`]-bin histogram of finish percentiles, and
//! per iteration two numbers for the portfolio.

mod copula;
mod engine;
mod error;
mod histogram;
mod linalg;
mod outcome;
mod payout;
mod special;

use schemas::{
    CandidateLineup, Contest, CorrelationSource, CorrelationTable, Diagnostics, FieldEntrant,
    SimConfig, SimOutput, Slate, Stage, StageContext, StageError,
};

pub use copula::{CopulaModel, Repair, TABLE_POINTS, Z_MAX};

pub use engine::{CHUNK, exposure_cap, portfolio_seed, select_entries, simulate};
pub use error::SimError;
pub use histogram::PERCENTILE_BINS;
pub use linalg::{min_eigenvalue, nearest_correlation};
pub use outcome::{MAX_REJECTIONS, OutcomeModel, TruncatedNormal, draw_iteration, iteration_rng};
pub use payout::{Placing, lineup_score, pay_iteration};

/// The stage's name: its artifact folder and the key of its random streams.
pub const NAME: &str = "sim";

/// The contest simulator as a pipeline [`Stage`], with the correlated
/// [`CopulaModel`] built from the slate, [`SimInput::correlations`] and
/// [`SimConfig::marginal`]. Use [`simulate`] for another model.
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
    /// The correlation table for the slate's sport, already resolved by the
    /// caller from [`SimConfig::correlations`]; `None`: players independent.
    /// Ignored when the config says `none`.
    pub correlations: Option<&'a CorrelationTable>,
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
        let table = match config.correlations {
            CorrelationSource::Independent => None,
            CorrelationSource::Builtin | CorrelationSource::File(_) => input.correlations,
        };
        let model = CopulaModel::new(input.slate, table, config.marginal)?;
        let (output, mut diag) = simulate(&model, &input, config, ctx)?;
        if table.is_none() && config.correlations != CorrelationSource::Independent {
            diag.warn(format!(
                "no correlation table for sport {}: players drawn independently",
                input.slate.rules.sport
            ));
        }
        if !model.repairs().is_empty() {
            let games: Vec<&str> = model
                .repairs()
                .iter()
                .map(|r| {
                    input
                        .slate
                        .games
                        .get(r.game as usize)
                        .map_or("?", |g| g.key.as_str())
                })
                .collect();
            let min = model
                .repairs()
                .iter()
                .map(|r| r.min_eigenvalue)
                .fold(f64::INFINITY, f64::min);
            let change = model
                .repairs()
                .iter()
                .map(|r| r.max_change)
                .fold(0.0, f64::max);
            diag.warn(format!(
                "the table's correlations are not positive semi-definite in {} game(s) ({}; \
                 smallest eigenvalue {min:.4}): using the nearest correlation matrix \
                 (largest change of a coefficient {change:.4})",
                games.len(),
                games.join(", ")
            ));
        }
        if !model.unknown_positions().is_empty() {
            diag.warn(format!(
                "positions {} are not in the correlation table: their pairs count as 0",
                model.unknown_positions().join(", ")
            ));
        }
        diag.count("outcome_drawn_players", model.drawn_players() as f64);
        diag.count("outcome_repaired_games", model.repairs().len() as f64);
        Ok((output, diag))
    }
}
