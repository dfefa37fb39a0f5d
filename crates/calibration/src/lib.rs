//! Contest-replay math: how entries really did, and whether the simulator's
//! predictions of it can be believed.
//!
//! - [`score_among_field`]: our entries' actual scores paid among a real
//!   contest's field, ties split ours and real together by
//!   [`gpp_sim::pay_iteration`] (the one implementation of paying), with finish
//!   percentiles counted as the simulator counts them.
//! - [`lineup_points`], [`field_scores`], [`compare_ownership`],
//!   [`neighbours`]: lineups on actual points, a sampled field's ownership
//!   against the real one, and how densely a field surrounds given lineups.
//! - [`pit_histogram`], [`bootstrap_ci`], [`bootstrap_ratio_ci`]: the
//!   calibration report's figures over many contests.
//! - [`fit_all`], [`leave_one_out`]: the outcome model and the field's
//!   strength fitted to real contests, on all of them or all but one.
//!
//! Pure, like the stage crates: no filesystem, clock, environment or global
//! RNG. Inputs are plain data (actual points arrive as `&[Option<f64>]` per
//! slate row, built by `pipeline_io::inputs::actual_points`); the one random
//! stream, the bootstrap's, is a `Pcg64Mcg` seeded by the caller.

mod bootstrap;
mod error;
mod field;
mod fit;
mod pit;
mod quantiles;
mod scored;

pub use bootstrap::{Interval, bootstrap_ci, bootstrap_ratio_ci};
pub use error::CalibrationError;
pub use field::{
    FieldScores, LineupProjection, Neighbours, OwnershipComparison, compare_ownership,
    field_scores, lineup_points, neighbours,
};
pub use fit::{ContestEvidence, ModelFit, fit_all, leave_one_out};
pub use gpp_sim::TOP_SHARE;
pub use pit::{PIT_BINS, pit_histogram};
pub use quantiles::ScoreQuantiles;
pub use scored::{Scored, score_among_field};
