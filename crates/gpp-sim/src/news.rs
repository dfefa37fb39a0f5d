//! The field's news: each iteration's field leans toward the lineups that beat
//! their means.
//!
//! A real field enters after the projections were made: late scratches,
//! starting lineups and minutes news move the crowd toward the players who
//! then outscore their projections, and a field sampled from projected
//! ownership alone is weaker than the real one by exactly what the crowd
//! learned. [`SimConfig::field_news`](schemas::SimConfig::field_news) models
//! it: in each iteration, field lineup `i` is entered in proportion to
//! `copies[i] * exp(field_news * (score[i] - mean[i]))`, so the field leans,
//! by that much per point, toward the lineups that are doing well this
//! iteration. Our candidates, built before lock, get no such lean.
//!
//! Each lane's field keeps its size: the `total` entries are dealt by
//! systematic resampling in score order, best first (one uniform per
//! iteration; the cumulative weight of the lineups scoring above a point, cut
//! into `total` equal steps, counts the entries above it). Every count is an
//! integer, a tie group is dealt as one, and the draw is a function of the
//! seed and the iteration. [`crate::rank`] does the counting in its one pass
//! over the field: a lineup's weight is its [`Lean`] base weight, `copies *
//! exp(-field_news * (mean - center))` in integer units (2^-k of a copy, k as
//! large as the field's sum allows: a 100,000-entry field weighs in units of
//! 1/8,192 of a copy), times its score bucket's factor, `exp(field_news *
//! (bucket score - center))`. So no lineup needs an exponential of its own,
//! no lane a field of its own, and the pass counts units as it counts copies.
//! A bucket is a few hundredths of a point wide; a lineup beyond the grid's
//! margins (rare: the grid spans a sample of the field with an eighth of its
//! range to spare) takes the edge bucket's score.

use std::ops::Range;

use schemas::stream_seed;

use crate::rank::{Copies, Leaning};
use crate::score::LANES;

/// Largest exponent of a weight's factor, either sign: the base weights and
/// the bucket factors stay inside `f32` (a fitted lean, 0.004 per point,
/// reaches it 10,000 points away from the center).
const MAX_EXPONENT: f32 = 40.0;

/// 1.5 x 2^23: a float below 2^22 in magnitude plus this one holds that
/// float rounded to an integer in its low mantissa bits.
const ROUND: f32 = 12_582_912.0;

/// `x` rounded to the nearest integer, for `|x| < 2^22`: by [`ROUND`], plain
/// arithmetic that vectorizes where `as i32` saturates lane by lane.
#[inline(always)]
fn round(x: f32) -> i32 {
    ((x + ROUND).to_bits() as i32) - (ROUND.to_bits() as i32)
}

/// `e^x` for `|x| <= MAX_EXPONENT` (clamped beyond), to about 3e-6 relative:
/// `2^k` from the exponent bits times a degree-5 polynomial on the rest.
/// Plain arithmetic, so a row of buckets runs as vector operations, and the
/// same on every machine (no libm call).
#[inline(always)]
pub(crate) fn exp(x: f32) -> f32 {
    let x = if x > -MAX_EXPONENT { x } else { -MAX_EXPONENT };
    let x = if x < MAX_EXPONENT { x } else { MAX_EXPONENT };
    let t = x * std::f32::consts::LOG2_E;
    let k = (t + ROUND) - ROUND;
    let g = (t - k) * std::f32::consts::LN_2;
    let p = 1.0 + g * (1.0 + g * (0.5 + g * (1.0 / 6.0 + g * (1.0 / 24.0 + g * (1.0 / 120.0)))));
    p * f32::from_bits(((round(t) + 127) as u32) << 23)
}

/// Most units a leaning field's base weights sum to: its bucket sums stay
/// clear of [`crate::rank`]'s mark bit.
const MOST_UNITS: f64 = (1u64 << 30) as f64;

/// The field's lean, prepared once per simulation.
#[derive(Debug, Default)]
pub(crate) struct Lean {
    /// Per field lineup: its copies times `exp(-lean * (mean - center))`, in units.
    units: Vec<u32>,
    lean: f32,
    /// The field's mean lineup mean (copies counted): weights are taken
    /// relative to it, so they stay near 1.
    center: f32,
    total: u64,
}

impl Lean {
    /// The lean of `lean` per point for a field of lineups entered `copies`
    /// times (`total` in all) with mean points `means`.
    pub(crate) fn new(copies: &[u32], means: &[f32], lean: f64, total: u64) -> Self {
        let entries: f64 = copies.iter().map(|&c| f64::from(c)).sum();
        let center = if entries > 0.0 {
            copies
                .iter()
                .zip(means)
                .map(|(&c, &m)| f64::from(c) * f64::from(m))
                .sum::<f64>()
                / entries
        } else {
            0.0
        } as f32;
        let lean = lean as f32;
        let base: Vec<f64> = copies
            .iter()
            .zip(means)
            .map(|(&c, &m)| f64::from(c) * f64::from(exp(-lean * (m - center))))
            .collect();
        // The largest power-of-two unit count per copy (at most 2^24) that
        // keeps the sum, each lineup rounded up at most half a unit, under
        // the bound.
        let sum: f64 = base.iter().sum::<f64>() + 0.5 * base.len() as f64;
        let per_copy = (MOST_UNITS / sum).log2().floor().min(24.0).exp2();
        Lean {
            units: base
                .iter()
                .map(|&w| (w * per_copy).round() as u32)
                .collect(),
            lean,
            center,
            total,
        }
    }

    /// How the field of iterations `its` is entered: see the module docs.
    pub(crate) fn copies(&self, seed: u64, its: Range<u32>) -> Copies<'_> {
        let mut shifts = [0.0; LANES];
        for (s, it) in shifts.iter_mut().zip(its) {
            *s = uniform(stream_seed(seed, "sim-news", u64::from(it)));
        }
        Copies::Leaning(Leaning {
            units: &self.units,
            lean: self.lean,
            center: self.center,
            total: self.total,
            shifts,
        })
    }
}

/// A uniform in [0, 1) from 64 random bits.
fn uniform(bits: u64) -> f64 {
    (bits >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rank::FieldRanks;
    use crate::score::lone_players;

    #[test]
    fn the_exponential_is_close_to_libm_and_clamped() {
        for x in [-39.0f32, -5.5, -1.0, -0.01, 0.0, 0.3, 2.0, 17.25, 39.9] {
            let want = f64::from(x).exp();
            assert!((f64::from(exp(x)) / want - 1.0).abs() < 1e-5, "{x}");
        }
        assert_eq!(exp(1000.0), exp(MAX_EXPONENT));
        assert_eq!(exp(-1000.0), exp(-MAX_EXPONENT));
    }

    #[test]
    fn the_field_leans_toward_the_lineups_above_their_means() {
        // Two kinds of lineups, 500 entries each: the even ones 10 points
        // above their mean in this iteration, the odd ones 10 below. A lean of
        // 0.05 per point weighs them exp(0.5) against exp(-0.5): the even
        // ones should hold 1000 / (1 + e^-1) = 731 entries on average.
        let n = 200;
        let (field, batch) = lone_players(n, |i, _| if i % 2 == 0 { 30.0 } else { 10.0 });
        let lean = Lean::new(&vec![5; n], &vec![20.0; n], 0.05, 1000);
        let mut ranks = FieldRanks::default();
        let queries = vec![vec![20.0, 0.0]; LANES];
        let mut above = Vec::new();
        for b in 0..40 {
            let copies = lean.copies(1, b * 8..b * 8 + 8);
            ranks.rank(&field, &field, &batch, copies, &queries);
            for l in 0..LANES {
                // Entries above 20 are the even lineups'; above 0, all of them.
                let r = ranks.ranks(l);
                assert_eq!(r[1], (1000, 0), "every lane holds the whole field");
                above.push(r[0].0);
            }
        }
        // A weight takes its bucket's score (here a third of a point wide:
        // 1% of a weight at most).
        let mean = above.iter().sum::<u64>() as f64 / above.len() as f64;
        let want = 1000.0 / (1.0 + (-1.0f64).exp());
        assert!((mean - want).abs() < 8.0, "{mean:.1} against {want:.1}");
        // Systematic resampling: lanes differ by their uniform only.
        let (lo, hi) = (above.iter().min().unwrap(), above.iter().max().unwrap());
        assert!(hi - lo <= 1, "{lo}..{hi}");
        // The same seed and iterations deal the same field.
        ranks.rank(&field, &field, &batch, lean.copies(1, 0..8), &queries);
        let first: Vec<(u64, u64)> = ranks.ranks(3).to_vec();
        ranks.rank(&field, &field, &batch, lean.copies(1, 0..8), &queries);
        assert_eq!(first, ranks.ranks(3));
    }
}
