//! Stage `field_sampler`: the opponents' field of a contest, sampled by ownership.
//!
//! The field mixes *sharp* entrants (a lineup built for their own noisy copy of
//! the projections file, or of one of several shared projection sources around
//! the field's projection where the slate has one; any projected player, owned
//! or not) and *casual* entrants (drawn by ownership). A sharp build that
//! dead-ends, breaks a roster rule (min games, team limit) or misses the
//! entrant's stack is repaired by swaps, so sharp entrants stay sharp on small
//! slates and stack like everyone else.
//!
//! A casual entrant fills the slots scarcest first (the stack anchor's slot
//! before all); each pick is a player eligible for the slot, not yet chosen (a
//! showdown captain row and its base row are one person), keeping the salary cap,
//! the entrant's salary floor and its projection floor reachable, and keeping to
//! its stack (see [`FieldSamplerConfig`]'s `stack_*` keys), drawn with
//! probability proportional to the player's weight. A lineup that still breaks a
//! rule is redrawn whole; after [`PREFERENCE_ATTEMPTS`] the entrant keeps to the
//! hard rules only, and after [`MAX_ATTEMPTS`] the stage gives up.
//!
//! Weights start at projected ownership and are calibrated over
//! `calibration_rounds` pilot fields of [`PILOT_SIZE`] casual entrants,
//! multiplying each weight by `(projected / sampled)^ALPHA` (clamped), where
//! sampled counts the final field's sharp lineups as they are. The final field
//! is then drawn once with the calibrated weights and reported as unique lineups
//! (by player set) with copies, plus telemetry.
//!
//! Every entrant has its own random stream, `stream_seed(seed, "field_sampler",
//! round << 32 | index)` (round 0 is the final field, rounds 1.. the pilots),
//! and results are gathered in index order, so the output is byte-identical
//! for any thread count.

mod calibrate;
mod error;
mod field;
mod pool;
mod sample;
mod stack;
mod strength;

use schemas::{
    Diagnostics, FieldSamplerConfig, FieldSamplerOutput, Slate, Stage, StageContext, StageError,
};

pub use calibrate::{ALPHA, MAX_FACTOR, PILOT_SIZE};
pub use error::FieldSamplerError;
pub use field::SALARY_BIN;
pub use sample::{MAX_ATTEMPTS, PREFERENCE_ATTEMPTS};

use crate::field::Summary;
use crate::pool::{Pool, Scratch};
use crate::sample::Plan;
use crate::stack::StackPlan;

/// The stage's name, used for streams, progress, events and errors.
const STAGE: &str = "field_sampler";

/// The field-sampler stage. Stateless: all inputs come through [`Stage::run`].
#[derive(Debug, Default, Clone, Copy)]
pub struct FieldSampler;

/// What the field sampler reads.
#[derive(Debug, Clone, Copy)]
pub struct FieldInput<'a> {
    /// The slate: rules, players (with projection and projected ownership).
    pub slate: &'a Slate,
    /// Opponents' entries to draw, already resolved by the caller (the config's
    /// `field_size`, else the contest's field size less our entries).
    pub field_size: u32,
}

impl Stage for FieldSampler {
    const NAME: &'static str = STAGE;
    type Config = FieldSamplerConfig;
    type Input<'a> = FieldInput<'a>;
    type Output = FieldSamplerOutput;

    fn run(
        &self,
        input: FieldInput<'_>,
        config: &FieldSamplerConfig,
        ctx: &StageContext<'_>,
    ) -> Result<(FieldSamplerOutput, Diagnostics), StageError> {
        Ok(self.sample(input, config, ctx)?)
    }
}

impl FieldSampler {
    /// [`Stage::run`] with this crate's own error type, for callers who want to match on it.
    pub fn sample(
        &self,
        input: FieldInput<'_>,
        config: &FieldSamplerConfig,
        ctx: &StageContext<'_>,
    ) -> Result<(FieldSamplerOutput, Diagnostics), FieldSamplerError> {
        let FieldInput { slate, field_size } = input;
        if field_size == 0 {
            return Err(FieldSamplerError::EmptyField);
        }
        slate.validate().map_err(FieldSamplerError::InvalidSlate)?;

        let mut diagnostics = Diagnostics::default();
        let cap = slate.rules.salary_cap;
        let floor = if config.salary_floor > cap {
            diagnostics.warn(format!(
                "salary_floor {} is above the salary cap {cap}; clamped to {cap}",
                config.salary_floor
            ));
            cap
        } else {
            config.salary_floor
        };
        let undrawable = slate
            .players
            .iter()
            .filter(|p| p.ownership > 0.0 && p.projection <= 0.0)
            .count();
        if undrawable > 0 {
            diagnostics.warn(format!(
                "{undrawable} players have projected ownership but no projection; they are never drawn"
            ));
        }

        let pool = Pool::new(slate, floor, stack::anchor_slots(slate, config))?;
        let plan = plan(&pool, config, &mut diagnostics);
        let goal = strength::goal(plan.best, config.field_strength, &mut diagnostics);
        let rounds = config.calibration_rounds;
        ctx.progress.start(
            STAGE,
            u64::from(rounds) * u64::from(PILOT_SIZE) + u64::from(field_size),
        );
        let sharp = sample::sharp_entrants(&pool, &plan, field_size, ctx)?;
        let sharp_counts = sample::sharp_counts(&sharp.lineups, slate.players.len());
        let n_sharp = sharp.lineups.iter().filter(|s| s.is_some()).count() as u64;
        let calibration = calibrate::calibrate(
            &pool,
            &plan,
            &calibrate::Fixed {
                goal,
                sharp_counts: &sharp_counts,
                casual: u64::from(field_size) - n_sharp,
                field: u64::from(field_size),
            },
            rounds,
            ctx,
        )?;
        let field = sample::final_field(&pool, &calibration.weights, &plan, &sharp, ctx)?;
        if field.sharp_fallbacks > 0 {
            diagnostics.warn(format!(
                "{} sharp builds could not be made valid and were drawn casually",
                field.sharp_fallbacks
            ));
        }
        let output = field::build_output(
            slate,
            &field,
            &Summary {
                calibration_rounds: rounds,
                cap,
                target: &calibration.target.ownership,
                best: plan.best.unwrap_or(0.0),
            },
        );

        let t = &output.telemetry;
        if let Some(&first) = calibration.mae_by_round.first() {
            diagnostics.count("calibration_mae_first_round", first);
        }
        if let Some(&last) = calibration.mae_by_round.last() {
            diagnostics.count("calibration_mae_last_round", last);
        }
        diagnostics.count("ownership_mae", t.ownership_mae);
        diagnostics.count("rejection_rate", t.rejection_rate);
        diagnostics.count("unique_lineups", t.duplication.unique_lineups as f64);
        diagnostics.count("salary_floor", f64::from(floor));
        diagnostics.count("projection_floor_points", plan.min_proj);
        diagnostics.count("ownership_tilt", calibration.target.tilt);
        if let Some(g) = goal {
            let reached = t.mean_lineup_projection;
            if (reached - g).abs() > 0.01 * g {
                diagnostics.warn(format!(
                    "field_strength: the field's mean lineup projection is {reached:.2}, \
                     the goal {g:.2} (floors, salary and slots bound what casual entrants \
                     can reach)"
                ));
            }
        }
        diagnostics.count("mean_lineup_projection", t.mean_lineup_projection);
        diagnostics.count("sharp_entrants", field.sharp as f64);
        diagnostics.count("sharp_repaired", field.sharp_repaired as f64);
        diagnostics.count("sharp_fallbacks", field.sharp_fallbacks as f64);
        ctx.info(
            STAGE,
            format!(
                "sampled {field_size} entrants: {} unique lineups, ownership MAE {:.3} points, \
                 {:.3} rejected draws per entrant",
                t.duplication.unique_lineups, t.ownership_mae, t.rejection_rate
            ),
            &[],
        );
        Ok((output, diagnostics))
    }
}

/// The base projection of the slate's best lineup under DraftKings' rules
/// alone (no user's rules: the field does not share them), by the exact
/// optimizer; the sharp entrants' search when the optimizer finds none.
fn best_projection(pool: &Pool<'_>, diagnostics: &mut Diagnostics) -> Option<f64> {
    let slate = pool.slate;
    match optimizer::best_projection(slate) {
        Ok(Some(best)) => return Some(best),
        Ok(None) => {}
        Err(e) => diagnostics.warn(format!("best lineup: {e}")),
    }
    let mut scratch = Scratch::new(pool);
    for (v, p) in scratch.values.iter_mut().zip(&slate.players) {
        *v = p.projection;
    }
    pool.build_sharp(pool.floor, None, &mut scratch)
        .1
        .map(|l| pool.projection(&l.players))
}

/// Resolves the config against the slate: the tight salary floor and the
/// projection floor (a share of the best lineup's base projection).
fn plan(pool: &Pool<'_>, config: &FieldSamplerConfig, diagnostics: &mut Diagnostics) -> Plan {
    let unit = |x: f64, key: &str, diagnostics: &mut Diagnostics| {
        if x.is_finite() && (0.0..=1.0).contains(&x) {
            x
        } else {
            let clamped = if x.is_finite() {
                x.clamp(0.0, 1.0)
            } else {
                0.0
            };
            diagnostics.warn(format!("{key} {x} is outside 0..1; {clamped} used"));
            clamped
        }
    };
    let projection_floor = unit(config.projection_floor, "projection_floor", diagnostics);
    let best = best_projection(pool, diagnostics);
    if best.is_none() && projection_floor > 0.0 {
        diagnostics.warn("no base-projection lineup could be built; projection_floor is off");
    }
    let noise = if config.sharp_noise.is_finite() && config.sharp_noise >= 0.0 {
        config.sharp_noise
    } else {
        diagnostics.warn(format!(
            "sharp_noise {} is not >= 0; 0 used",
            config.sharp_noise
        ));
        0.0
    };
    let mut one = unit(config.stack_one_share, "stack_one_share", diagnostics);
    let mut two = unit(config.stack_two_share, "stack_two_share", diagnostics);
    if one + two > 1.0 {
        diagnostics.warn(format!(
            "stack_one_share + stack_two_share = {} is above 1; scaled to 1",
            one + two
        ));
        let total = one + two;
        one /= total;
        two /= total;
    }
    let bring_back = unit(config.bring_back_share, "bring_back_share", diagnostics);
    Plan {
        stacks: StackPlan::new(pool, config, one, two, bring_back),
        sharp_share: unit(config.sharp_share, "sharp_share", diagnostics),
        sharp_noise: noise,
        sharp_public_share: unit(config.sharp_public_share, "sharp_public_share", diagnostics),
        sharp_sources: config.sharp_sources.max(1),
        sharp_source_noise: if config.sharp_source_noise.is_finite() {
            config.sharp_source_noise.max(0.0)
        } else {
            0.0
        },
        tight_share: unit(config.tight_salary_share, "tight_salary_share", diagnostics),
        tight_floor: pool
            .cap
            .saturating_sub(config.tight_salary_left)
            .max(pool.floor),
        min_proj: best.map_or(0.0, |b| projection_floor * b),
        best,
    }
}
