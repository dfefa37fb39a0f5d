//! Weight calibration: nudge draw weights until sampled ownership matches the target.

use schemas::StageContext;

use crate::field::ownership_mae;
use crate::pool::Pool;
use crate::sample::{Plan, pilot};
use crate::strength::{self, Target};
use crate::{FieldSamplerError, STAGE};

/// Entrants drawn per calibration round. Fixed rather than tied to the field
/// size: a small contest needs weights as good as a large one, and 20,000
/// entrants estimate a 10% ownership to about +/-0.2 points.
pub const PILOT_SIZE: u32 = 20_000;

/// Damping exponent of the multiplicative update `(projected / sampled)^ALPHA`.
/// Below 1 because the pilot's estimates are noisy and because raising one
/// player's weight also lowers the share of the others in his slots.
pub const ALPHA: f64 = 0.8;

/// Bound on one round's change of a weight (both ways).
pub const MAX_FACTOR: f64 = 3.0;

/// Smallest weight a drawable player keeps after normalisation.
const MIN_WEIGHT: f64 = 1e-12;

/// Calibrated weights and how calibration went.
#[derive(Debug)]
pub(crate) struct Calibration {
    /// The ownership calibrated to in the last round.
    pub target: Target,
    /// Draw weight per slate player (0 for players never drawn).
    pub weights: Vec<f64>,
    /// Ownership MAE (points) of each round's pilot, measured before its update.
    pub mae_by_round: Vec<f64>,
}

/// Starting weights: the target ownership for drawable players, 0 otherwise.
pub(crate) fn initial_weights(pool: &Pool<'_>, target: &[f64]) -> Vec<f64> {
    pool.slate
        .players
        .iter()
        .zip(target)
        .map(|(p, &t)| {
            if p.projection > 0.0 && t > 0.0 {
                t
            } else {
                0.0
            }
        })
        .collect()
}

/// The final field's sharp entrants, which calibration takes as given.
#[derive(Debug)]
pub(crate) struct Fixed<'a> {
    /// The mean lineup projection the field should reach (`field_strength`),
    /// or `None` to calibrate to projected ownership as given.
    pub goal: Option<f64>,
    /// Entrants of the final field holding each player among the sharp lineups.
    pub sharp_counts: &'a [u64],
    /// Casual entrants of the final field.
    pub casual: u64,
    /// Entrants of the final field.
    pub field: u64,
}

/// Runs `rounds` rounds of casual pilot sampling and multiplicative weight
/// updates. The ownership compared with projection is the final field's: its
/// sharp lineups (fixed) plus its casual entrants at the pilot's rates.
pub(crate) fn calibrate(
    pool: &Pool<'_>,
    plan: &Plan,
    fixed: &Fixed<'_>,
    rounds: u32,
    ctx: &StageContext<'_>,
) -> Result<Calibration, FieldSamplerError> {
    let players = &pool.slate.players;
    let slate = pool.slate;
    // Integral control of the strength: the goal the target is tilted to
    // moves by what each pilot missed.
    let mut aim = fixed.goal;
    let mut target = match aim {
        Some(g) => strength::tilted_to(slate, g).0,
        None => strength::projected(slate),
    };
    let mut weights = initial_weights(pool, &target.ownership);
    let mut mae_by_round = Vec::with_capacity(rounds as usize);
    let field = fixed.field.max(1) as f64;
    for round in 0..rounds {
        if fixed.casual == 0 {
            break;
        }
        // Round 0 of the stream space is the final field; pilots use 1..=rounds.
        let drawn = pilot(pool, &weights, plan, round + 1, PILOT_SIZE, ctx)?;
        let n = drawn.len().max(1) as f64;
        // Expected final-field holders per player: sharp (fixed) + casual (pilot rate).
        let casual = fixed.casual as f64 / n;
        let expected: Vec<f64> = drawn
            .counts(players.len())
            .iter()
            .zip(fixed.sharp_counts)
            .map(|(&c, &s)| s as f64 + c as f64 * casual)
            .collect();
        let counts: Vec<u64> = expected.iter().map(|e| e.round() as u64).collect();
        let mae = ownership_mae(&target.ownership, &counts, field);
        mae_by_round.push(mae);
        ctx.info(
            STAGE,
            format!(
                "calibration round {} of {rounds}: ownership MAE {mae:.3} points over {} entrants",
                round + 1,
                drawn.len()
            ),
            &[],
        );
        for ((w, &t), &e) in weights.iter_mut().zip(&target.ownership).zip(&expected) {
            if *w <= 0.0 {
                continue;
            }
            let sampled = e / field;
            let factor = if sampled > 0.0 {
                (t / sampled).powf(ALPHA)
            } else {
                MAX_FACTOR
            };
            *w *= factor.clamp(1.0 / MAX_FACTOR, MAX_FACTOR);
        }
        if let (Some(goal), Some(a)) = (fixed.goal, aim.as_mut()) {
            let shares: Vec<f64> = expected.iter().map(|&e| e / field).collect();
            let reached = strength::lineup_projection(slate, &shares);
            *a += goal - reached;
            target = strength::tilted_to(slate, *a).0;
        }
        // Sampling is scale-free; keep weights in a comfortable range for many rounds.
        let top = weights.iter().copied().fold(0.0, f64::max);
        if top > 0.0 {
            // A positive weight stays positive: a player once drawable never drops out.
            for w in weights.iter_mut().filter(|w| **w > 0.0) {
                *w = (*w / top).max(MIN_WEIGHT);
            }
        }
    }
    Ok(Calibration {
        target,
        weights,
        mae_by_round,
    })
}
