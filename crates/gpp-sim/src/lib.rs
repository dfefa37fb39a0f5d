//! Stage `sim`: Monte Carlo of a DraftKings GPP contest, per-lineup metrics,
//! entry selection and the selected portfolio's metrics.
//!
//! # Method
//!
//! Each iteration draws every player's fantasy points from an [`OutcomeModel`]
//! with its own RNG `Pcg64Mcg::seed_from_u64(stream_seed(seed, "sim",
//! iteration))`. The stage uses [`CopulaModel`], a Gaussian copula per game:
//! the players' correlations come from the sport's [`CorrelationTable`]
//! (teammates and opponents by position pair, [`SimInput::correlations`]),
//! repaired to the nearest correlation matrix when they are not positive
//! semi-definite, and factored once (`C = L Lᵀ`); each iteration draws
//! independent normals `e`, correlates them per game (`z = L e`) and maps each
//! `z` to points through the player's marginal ([`SimConfig::marginal`]:
//! log-normal in closed form, gamma or truncated normal from a tabulated
//! quantile), matched to his projection and std dev and never below 0. A
//! player projected at 0 scores 0, a std dev of 0 scores the projection, and a
//! showdown captain row scores the captain multiplier times its base player's
//! points of the same iteration. A lineup's score is its players' points
//! summed in sorted player order, so identical lineups tie exactly.
//!
//! **Pass A** scores the field's unique lineups (each with its copies) and
//! every candidate. Each candidate is a single extra entry: with `g` field
//! entries strictly above it and `t` tied with it, it wins
//! `ladder.tied_share(g, t + 1)`. Its finish percentile is
//! `(g + t / 2) / field_entries` (0 = first, 1 = last). A win is `g == 0`
//! (ties for first included); top 0.1% / 1% / 10% is `g <` that share of the
//! `field_entries + 1` entrants; a cash is a payout above 0.
//!
//! **Eight iterations at a time.** Both passes draw 8 iterations, lay their
//! points out player-major and score each lineup once for all 8: one 8-wide
//! load and add per player instead of 8 gathers. Each lane adds the same
//! floats in the same order as a lone iteration would, so results do not
//! depend on the batching.
//!
//! **Ranks without a sort.** `g` and `t` are counts, so no iteration sorts
//! the field: its scores go into a grid of buckets (about `field / 16`, finer
//! when the queries are many) spanning a sample of the field's scores with a
//! margin (a monotone map, so every bucket is all better than the next; a
//! score outside the span clamps into the first or last bucket), bucket
//! totals give the entries above any bucket, and only the field lineups
//! sharing a query's bucket are compared one by one. Exact, ties included.
//! Only the paid part is ever sorted: every [`AUDIT_EVERY`]th iteration of
//! pass B selects the lineups in the paid places' buckets, sorts just those,
//! pays every entrant, field and ours, and checks the total against the
//! prizes on offer.
//!
//! **Selection** is greedy by marginal expected portfolio payout on pass A's
//! draws: each step adds the candidate that raises our summed payout the
//! most, counting the places it takes from our entries below it and the ties
//! it splits with ours, among candidates that keep every player within
//! `ceil(max_exposure * entries)` lineups. It needs, per candidate, only the
//! iterations it finished in the money (outside them it can neither earn nor
//! push one of ours out of the money), and a candidate's payout alone bounds
//! its gain, so the scan stops early and stays exact. Our standings are kept
//! in blocks of 256 iterations, and each evaluation and each pick runs block
//! by block in parallel, the blocks summed in order. For comparison the
//! metrics also report the naive "top N by single-lineup ROI" portfolio.
//! With [`SimInput::groups`] (late swap) every candidate completes one of our
//! entries: selection picks one candidate per entry, keeps the overlap rule
//! between picks, and exempts started players from the cap; the baseline
//! keeps the same rules.
//!
//! **Pass B** draws fresh iterations (streams keyed by their own seed,
//! [`portfolio_seed`]) for the contest of the field plus our selected entries,
//! pays every tie group the tied share of the places it spans, and does the
//! same for the baseline portfolio on the same draws. Fresh draws keep the
//! portfolio's figures out of sample: measured on the draws selection chose
//! on, they would flatter it. Besides its summary figures, pass B reports two
//! histograms with fixed bins, for plots and for comparing runs: the
//! portfolio's ROI per iteration ([`ROI_BIN_EDGES`]) and its entries' finish
//! percentiles ([`FINISH_HISTOGRAM_BINS`], merged from the bins that give
//! their quantiles), each one pass over numbers pass B keeps anyway.
//!
//! Iterations run in fixed chunks of [`CHUNK`] on rayon; chunk results are
//! folded in chunk order, so every output is byte-identical for any thread
//! count. Memory is bounded by the lineups, never iterations x lineups
//! matrices: per candidate a [`PERCENTILE_BINS`]-bin histogram of finish
//! percentiles and its in-the-money iterations (a fraction of the iterations,
//! 16 bytes each), and per iteration three numbers for the portfolios.

mod copula;
mod engine;
mod error;
mod histogram;
mod linalg;
mod news;
mod outcome;
mod payout;
mod rank;
mod score;
mod selection;
mod special;

use schemas::{
    CandidateLineup, Contest, CorrelationSource, CorrelationTable, Diagnostics, FieldEntrant,
    SimConfig, SimOutput, Slate, Stage, StageContext, StageError,
};

pub use copula::{CopulaModel, DUD_SHARE, Repair, TABLE_POINTS, Z_MAX};
pub use engine::{AUDIT_EVERY, CHUNK, portfolio_seed, simulate};
pub use error::SimError;
pub use histogram::{FINISH_HISTOGRAM_BINS, PERCENTILE_BINS, ROI_BIN_EDGES};
pub use linalg::{min_eigenvalue, nearest_correlation, nearest_correlation_weighted};
pub use outcome::{MAX_REJECTIONS, OutcomeModel, TruncatedNormal, draw_iteration, iteration_rng};
pub use payout::{Placing, lineup_score, pay_iteration};
pub use selection::{EntryGroups, exposure_cap, select_entries};
pub use special::norm_quantile;

/// Largest change of a table coefficient between two key players (see
/// [`Repair::key_change`]) by the PSD repair that passes without a warning;
/// every repair is counted in the diagnostics. Smaller changes are the
/// expected cost of a position-pair table on a deep roster (17 NBA teammates
/// cannot all be at -0.075; a QB cannot be at 0.35 with eight receivers).
pub const REPAIR_WARNING: f64 = 0.05;

/// How a player's simulated mean blends what is known of him before lock:
/// his projection, the field's projection of him, and his salary's worth at
/// the slate's projected points per salary dollar. The shares are fitted on
/// real contests ([`SimConfig::projection_weight`],
/// [`SimConfig::field_projection_weight`]); the worth takes the rest.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MeanWeights {
    pub projection: f64,
    pub field_projection: f64,
    /// The projection's share where there is no field projection.
    pub projection_alone: f64,
}

impl MeanWeights {
    /// The weights a sim config sets.
    pub fn of(config: &SimConfig) -> Self {
        MeanWeights {
            projection: config.projection_weight,
            field_projection: config.field_projection_weight,
            projection_alone: config.projection_alone_weight,
        }
    }

    /// Projections taken as the truth.
    pub const PROJECTION: MeanWeights = MeanWeights {
        projection: 1.0,
        field_projection: 0.0,
        projection_alone: 1.0,
    };

    /// The mean of a player projected at `projection`, the field projecting
    /// him at `field` (`None`: the file does not say), his salary worth `worth`.
    pub fn mean(&self, projection: f64, field: Option<f64>, worth: f64) -> f64 {
        match field {
            Some(f) => {
                let rest = 1.0 - self.projection - self.field_projection;
                self.projection * projection + self.field_projection * f + rest * worth
            }
            None => self.projection_alone * projection + (1.0 - self.projection_alone) * worth,
        }
    }

    /// Checks each share is in 0..1 and they sum to at most 1, naming the key.
    pub fn validate(&self) -> Result<(), SimError> {
        for (key, w) in [
            ("projection_weight", self.projection),
            ("field_projection_weight", self.field_projection),
            ("projection_alone_weight", self.projection_alone),
        ] {
            if !(w.is_finite() && (0.0..=1.0).contains(&w)) {
                return Err(SimError::invalid(
                    key,
                    format!("must be in [0, 1], got {w}"),
                ));
            }
        }
        let sum = self.projection + self.field_projection;
        if sum > 1.0 + 1e-9 {
            return Err(SimError::invalid(
                "field_projection_weight",
                format!(
                    "projection_weight + field_projection_weight must be at most 1 (the worth takes the rest), got {sum}"
                ),
            ));
        }
        Ok(())
    }
}

/// The slate with each player's projection replaced by the mean the simulator
/// draws around ([`MeanWeights::mean`]), the worth taken at the slate's
/// projected points per salary dollar (over the players projected above 0,
/// captain rows left out). A player projected at 0 stays at 0 (out), and a
/// captain row keeps its multiple of its base row's mean. Std devs are kept.
pub fn blend_means(slate: &Slate, weights: MeanWeights) -> Slate {
    let per_dollar = slate.points_per_dollar().unwrap_or(0.0);
    let mut out = slate.clone();
    let means: Vec<f64> = slate
        .players
        .iter()
        .map(|p| {
            if p.projection > 0.0 && p.captain_of.is_none() {
                weights.mean(
                    p.projection,
                    p.field_projection,
                    per_dollar * f64::from(p.salary),
                )
            } else {
                p.projection
            }
        })
        .collect();
    for (p, mean) in out.players.iter_mut().zip(&means) {
        p.projection = match p.captain_of {
            // A captain scores its multiple of its base row: keep the ratio.
            Some(b) => match slate.players.get(b as usize) {
                Some(base) if base.projection > 0.0 => {
                    p.projection * means[b as usize] / base.projection
                }
                _ => p.projection,
            },
            None => *mean,
        };
    }
    out
}

/// The slate with every std dev times `scale` (captain rows too, so a
/// captain keeps his multiple of his base row). See [`SimConfig::std_dev_scale`].
pub fn scale_std_devs(slate: &Slate, scale: f64) -> Slate {
    let mut out = slate.clone();
    for p in &mut out.players {
        p.std_dev *= scale;
    }
    out
}

/// The share of a contest's entries that is its top: the top-1% rate, and
/// the place whose prize caps [`schemas::PortfolioMetrics::capped_roi_mean`].
pub const TOP_SHARE: f64 = 0.01;

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
    /// Late swap: the candidates complete `entries` existing entries, one
    /// pick each (see [`EntryGroups`]). `None`: any `entries` candidates.
    pub groups: Option<EntryGroups<'a>>,
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
        let weights = MeanWeights::of(config);
        weights.validate()?;
        let scale = config.std_dev_scale;
        if !(scale.is_finite() && scale >= 0.0) {
            return Err(SimError::invalid(
                "std_dev_scale",
                format!("must be a number >= 0, got {scale}"),
            )
            .into());
        }
        let blended;
        let slate = if weights != MeanWeights::PROJECTION {
            blended = blend_means(input.slate, weights);
            &blended
        } else {
            input.slate
        };
        let scaled;
        let slate = if scale != 1.0 {
            scaled = scale_std_devs(slate, scale);
            &scaled
        } else {
            slate
        };
        let dud = config.dud_rate;
        if !(dud.is_finite() && (0.0..1.0).contains(&dud)) {
            return Err(
                SimError::invalid("dud_rate", format!("must be in [0, 1), got {dud}")).into(),
            );
        }
        let model = CopulaModel::new(slate, table, config.marginal)?.with_dud_rate(
            slate,
            config.marginal,
            dud,
        );
        // The engine reads the means the model draws around (for the field's news).
        let drawn = SimInput { slate, ..input };
        let (output, mut diag) = simulate(&model, &drawn, config, ctx)?;
        if table.is_none() && config.correlations != CorrelationSource::Independent {
            diag.warn(format!(
                "no correlation table for sport {}: players drawn independently",
                input.slate.rules.sport
            ));
        }
        let max_of = |f: fn(&Repair) -> f64| model.repairs().iter().map(f).fold(0.0, f64::max);
        let repair_change = max_of(|r| r.max_change);
        let key_change = max_of(|r| r.key_change);
        if key_change > REPAIR_WARNING {
            let games: Vec<&str> = model
                .repairs()
                .iter()
                .filter(|r| r.key_change > REPAIR_WARNING)
                .map(|r| {
                    input
                        .slate
                        .games
                        .get(r.game as usize)
                        .map_or("?", |g| g.key.as_str())
                })
                .collect();
            diag.warn(format!(
                "the table's correlations are not positive semi-definite for the players \
                 drawn in {} game(s) ({}): the nearest correlation matrix moves a coefficient \
                 between key players (std dev at least half the game's largest) by up to \
                 {key_change:.4}, and any coefficient by up to {repair_change:.4}",
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
        diag.count("outcome_repair_max_change", repair_change);
        diag.count("outcome_repair_key_change", key_change);
        Ok((output, diag))
    }
}
