//! The outcome model: how one iteration's fantasy points are drawn.
//!
//! The simulator only sees the [`OutcomeModel`] trait: the stage's correlated
//! [`crate::CopulaModel`] (per-game Gaussian copula, DESIGN.md section 7) and
//! the independent [`TruncatedNormal`] kept for comparison both implement it,
//! and either runs without touching ranking, paying or selection.

use rand::{Rng, SeedableRng};
use rand_distr::StandardNormal;
use rand_pcg::Pcg64Mcg;
use schemas::{Slate, stream_seed};

use crate::{NAME, SimError};

/// Draws every slate player's fantasy points for one simulated contest.
///
/// Implementations must be pure functions of the RNG they are handed: the
/// simulator gives each iteration its own stream ([`iteration_rng`]), which is
/// what makes results independent of the thread count.
pub trait OutcomeModel: Sync {
    /// Number of players the model draws (the slate's player count).
    fn player_count(&self) -> usize;

    /// Fills `points` (length [`Self::player_count`]) with one draw per player.
    fn draw(&self, rng: &mut Pcg64Mcg, points: &mut [f32]);
}

/// The RNG of iteration `iteration`: `Pcg64Mcg` seeded from
/// `stream_seed(seed, "sim", iteration)`.
pub fn iteration_rng(seed: u64, iteration: u64) -> Pcg64Mcg {
    Pcg64Mcg::seed_from_u64(stream_seed(seed, NAME, iteration))
}

/// Draws iteration `iteration`'s points with `model` into `points`.
///
/// The same `(seed, iteration)` always yields the same points, which is how
/// the simulator's second pass re-plays the first pass's outcomes.
pub fn draw_iteration<M: OutcomeModel + ?Sized>(
    model: &M,
    seed: u64,
    iteration: u64,
    points: &mut [f32],
) {
    let mut rng = iteration_rng(seed, iteration);
    model.draw(&mut rng, points);
}

/// Independent players, each `Normal(projection, std_dev)` truncated at 0.
///
/// Truncation is by rejection: a negative draw is thrown away and drawn again.
/// This samples the exact truncated normal; since the mean is positive, each
/// draw is accepted with probability above 1/2, so a player costs fewer than
/// two normal draws on average. After [`MAX_REJECTIONS`] rejections in a row
/// (probability below 2^-64) the player scores 0. A player projected at 0
/// scores 0; one with std dev 0 scores exactly the projection.
#[derive(Debug, Clone, PartialEq)]
pub struct TruncatedNormal {
    /// (mean, std dev) per slate player.
    params: Vec<(f64, f64)>,
}

/// Consecutive negative draws after which a player scores 0.
pub const MAX_REJECTIONS: u32 = 64;

impl TruncatedNormal {
    /// The model of a slate's projections; rejects a projection or std dev
    /// that is negative or not finite, naming the player's field.
    pub fn from_slate(slate: &Slate) -> Result<Self, SimError> {
        let mut params = Vec::with_capacity(slate.players.len());
        for (i, p) in slate.players.iter().enumerate() {
            for (name, v) in [("projection", p.projection), ("std_dev", p.std_dev)] {
                if !(v.is_finite() && v >= 0.0) {
                    return Err(SimError::invalid(
                        format!("slate.players[{i}].{name}"),
                        format!("must be a finite number >= 0, got {v} (player {})", p.dk_id),
                    ));
                }
            }
            params.push((p.projection, p.std_dev));
        }
        Ok(TruncatedNormal { params })
    }

    /// One truncated-normal draw.
    fn sample(rng: &mut Pcg64Mcg, mean: f64, sd: f64) -> f32 {
        if mean <= 0.0 {
            return 0.0;
        }
        if sd <= 0.0 {
            return mean as f32;
        }
        for _ in 0..MAX_REJECTIONS {
            let z: f64 = rng.sample(StandardNormal);
            let x = mean + sd * z;
            if x >= 0.0 {
                // `+ 0.0` turns a -0.0 into 0.0.
                return x as f32 + 0.0;
            }
        }
        0.0
    }
}

impl OutcomeModel for TruncatedNormal {
    fn player_count(&self) -> usize {
        self.params.len()
    }

    fn draw(&self, rng: &mut Pcg64Mcg, points: &mut [f32]) {
        for (out, &(mean, sd)) in points.iter_mut().zip(&self.params) {
            *out = Self::sample(rng, mean, sd);
        }
    }
}
