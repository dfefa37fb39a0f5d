//! Weight calibration: nudge draw weights until sampled ownership matches projected.

use schemas::StageContext;

use crate::field::ownership_mae;
use crate::pool::Pool;
use crate::sample::sample;
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
    /// Draw weight per slate player (0 for players never drawn).
    pub weights: Vec<f64>,
    /// Ownership MAE (points) of each round's pilot, measured before its update.
    pub mae_by_round: Vec<f64>,
}

/// Starting weights: projected ownership for drawable players, 0 otherwise.
pub(crate) fn initial_weights(pool: &Pool<'_>) -> Vec<f64> {
    pool.slate
        .players
        .iter()
        .map(|p| {
            if p.projection > 0.0 && p.ownership > 0.0 {
                p.ownership
            } else {
                0.0
            }
        })
        .collect()
}

/// Runs `rounds` rounds of pilot sampling and multiplicative weight updates.
pub(crate) fn calibrate(
    pool: &Pool<'_>,
    rounds: u32,
    ctx: &StageContext<'_>,
) -> Result<Calibration, FieldSamplerError> {
    let players = &pool.slate.players;
    let mut weights = initial_weights(pool);
    let mut mae_by_round = Vec::with_capacity(rounds as usize);
    for round in 0..rounds {
        // Round 0 of the stream space is the final field; pilots use 1..=rounds.
        let pilot = sample(pool, &weights, round + 1, PILOT_SIZE, ctx)?;
        let n = pilot.len().max(1) as f64;
        let counts = pilot.counts(players.len());
        let mae = ownership_mae(pool.slate, &counts, n);
        mae_by_round.push(mae);
        ctx.info(
            STAGE,
            format!(
                "calibration round {} of {rounds}: ownership MAE {mae:.3} points over {} entrants",
                round + 1,
                pilot.len()
            ),
            &[],
        );
        for ((w, p), &count) in weights.iter_mut().zip(players).zip(&counts) {
            if *w <= 0.0 {
                continue;
            }
            let sampled = count as f64 / n;
            let factor = if sampled > 0.0 {
                (p.ownership / sampled).powf(ALPHA)
            } else {
                MAX_FACTOR
            };
            *w *= factor.clamp(1.0 / MAX_FACTOR, MAX_FACTOR);
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
        weights,
        mae_by_round,
    })
}
