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
//! Each lane's field keeps its size: the `total` entries are dealt to the
//! lineups by systematic resampling (one uniform per iteration, then the
//! cumulative weights cut into `total` equal steps), so every count is an
//! integer, ties and duplicates stay exact, and the draw is a function of the
//! seed and the iteration.

use std::ops::Range;

use schemas::stream_seed;

use crate::rank::Copies;
use crate::score::{LANES, Lanes, LineupTable, PointsBatch};

/// Largest exponent of a lineup's weight, either sign: a bound against
/// overflow that a fitted lean never reaches (0.01 per point times 5,000 points).
const MAX_EXPONENT: f32 = 60.0;

/// 1.5 x 2^23: a float below 2^22 in magnitude plus this one holds that
/// float rounded to an integer in its low mantissa bits.
const ROUND: f32 = 12_582_912.0;

/// `x` rounded to the nearest integer, for `|x| < 2^22`: by [`ROUND`], plain
/// arithmetic that vectorizes where `as i32` saturates lane by lane.
#[inline(always)]
fn round(x: f32) -> i32 {
    ((x + ROUND).to_bits() as i32) - (ROUND.to_bits() as i32)
}

/// `e^x` for `|x| <= MAX_EXPONENT`, to about 3e-6 relative: `2^k` from the
/// exponent bits times a degree-5 polynomial on the rest. Plain arithmetic, so
/// a lineup's eight lanes run as vector operations, and the same on every
/// machine (no libm call).
#[inline(always)]
fn exp(x: f32) -> f32 {
    let x = if x > -MAX_EXPONENT { x } else { -MAX_EXPONENT };
    let x = if x < MAX_EXPONENT { x } else { MAX_EXPONENT };
    let t = x * std::f32::consts::LOG2_E;
    let k = (t + ROUND) - ROUND;
    let g = (t - k) * std::f32::consts::LN_2;
    let p = 1.0 + g * (1.0 + g * (0.5 + g * (1.0 / 6.0 + g * (1.0 / 24.0 + g * (1.0 / 120.0)))));
    p * f32::from_bits(((round(t) + 127) as u32) << 23)
}

/// Lineups dealt per block: positions inside a block are counted in `f32`
/// from the block's start (in `f64`), so the loop runs on vectors and stays
/// exact to a ten-thousandth of an entry.
const DEAL_BLOCK: usize = 1024;

/// The per-lane fields of one batch and the buffers that build them.
#[derive(Debug, Default)]
pub(crate) struct NewsField {
    scores: Vec<Lanes>,
    copies: Vec<[u32; LANES]>,
    weights: Vec<Lanes>,
    block_sums: Vec<Lanes>,
}

impl NewsField {
    /// Scores `field` in every lane of `batch` (iterations `its`) and deals
    /// each lane `total` entries, leaning by `lean` per point above each
    /// lineup's `means` from its `base` copies; see the module docs.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn deal(
        &mut self,
        field: &LineupTable,
        means: &[f32],
        base: &[u32],
        total: u64,
        lean: f64,
        batch: &PointsBatch,
        seed: u64,
        its: Range<u32>,
    ) -> Copies<'_> {
        field.score(batch, &mut self.scores);
        let n = self.scores.len().min(means.len()).min(base.len());
        let lean = lean as f32;
        // Each lineup's weight in every lane, and each block's sums.
        self.weights.clear();
        self.block_sums.clear();
        for start in (0..n).step_by(DEAL_BLOCK) {
            let rows = start..(start + DEAL_BLOCK).min(n);
            let mut sums = [0.0f32; LANES];
            for ((s, &m), &c) in self.scores[rows.clone()]
                .iter()
                .zip(&means[rows.clone()])
                .zip(&base[rows])
            {
                let c = c as f32;
                let w: Lanes = std::array::from_fn(|l| c * exp(lean * (s[l] - m)));
                for l in 0..LANES {
                    sums[l] += w[l];
                }
                self.weights.push(w);
            }
            self.block_sums.push(sums);
        }
        let mut sum = [0.0f64; LANES];
        for b in &self.block_sums {
            for l in 0..LANES {
                sum[l] += f64::from(b[l]);
            }
        }
        // Systematic resampling, all lanes side by side: lineup i takes the
        // whole steps of `total / sum` that its stretch of the cumulative
        // weight covers, shifted by the lane's uniform.
        let total_i = i32::try_from(total).unwrap_or(i32::MAX);
        let mut step = [0.0f64; LANES];
        let mut shift = [0.0f64; LANES];
        let mut usable = [false; LANES];
        for (l, it) in its.clone().enumerate() {
            usable[l] = sum[l] > 0.0 && sum[l].is_finite();
            step[l] = if usable[l] {
                total as f64 / sum[l]
            } else {
                0.0
            };
            shift[l] = uniform(stream_seed(seed, "sim-news", u64::from(it)));
        }
        self.copies.clear();
        self.copies.reserve(n);
        // Positions inside a block stay below the lane's total: below 2^22,
        // [`round`] turns them into entries; above, the saturating cast does.
        let dealt = if total < 1 << 22 {
            self.deal_blocks(&step, &shift, total_i, round)
        } else {
            self.deal_blocks(&step, &shift, total_i, |x| x.round() as i32)
        };
        // The last lineup takes what rounding left over, so each lane holds
        // exactly `total`; a lane without a usable weight keeps the sample.
        if let Some(last) = self.copies.last_mut() {
            for l in 0..LANES {
                last[l] += (total_i - dealt[l]) as u32;
            }
        }
        for (l, _) in its.enumerate() {
            if !usable[l] {
                for (out, &c) in self.copies.iter_mut().zip(base) {
                    out[l] = c;
                }
            }
        }
        Copies::PerLane {
            copies: &self.copies,
            scores: &self.scores,
        }
    }

    /// Deals the weights into `copies`, block by block: lineup i's copies
    /// are `to_int(position after it) - to_int(position before it)`, its
    /// position counted from the block's start. Returns the entries dealt.
    #[inline(always)]
    fn deal_blocks(
        &mut self,
        step: &[f64; LANES],
        shift: &[f64; LANES],
        total: i32,
        to_int: impl Fn(f32) -> i32,
    ) -> [i32; LANES] {
        let step_f: Lanes = std::array::from_fn(|l| step[l] as f32);
        let mut before = [0.0f64; LANES];
        // Where the first lineup's stretch starts: the shift, as `to_int` sees it.
        let first: [i32; LANES] = std::array::from_fn(|l| to_int(shift[l] as f32));
        let mut dealt = first;
        for (b, weights) in self.block_sums.iter().zip(self.weights.chunks(DEAL_BLOCK)) {
            // The block's start: whole entries and the fraction past them.
            let mut whole = [0i32; LANES];
            let mut frac = [0.0f32; LANES];
            for l in 0..LANES {
                let at = before[l] * step[l] + shift[l];
                let floor = at.floor();
                whole[l] = floor as i32;
                frac[l] = (at - floor) as f32;
                before[l] += f64::from(b[l]);
            }
            let mut cum = [0.0f32; LANES];
            for w in weights {
                let mut out = [0u32; LANES];
                for l in 0..LANES {
                    cum[l] += w[l];
                    let upto = whole[l] + to_int(frac[l] + cum[l] * step_f[l]);
                    let upto = if upto > dealt[l] { upto } else { dealt[l] };
                    let end = total + first[l];
                    let upto = if upto < end { upto } else { end };
                    out[l] = (upto - dealt[l]) as u32;
                    dealt[l] = upto;
                }
                self.copies.push(out);
            }
        }
        std::array::from_fn(|l| dealt[l] - first[l])
    }
}

/// A uniform in [0, 1) from 64 random bits.
fn uniform(bits: u64) -> f64 {
    (bits >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Lineup `i` is the lone player `i`; lane `l` gives player `i` the points `points(i, l)`.
    fn setup(n: usize, points: impl Fn(usize, usize) -> f32) -> (LineupTable, PointsBatch) {
        let mut field = LineupTable::new(1);
        let mut batch = PointsBatch::new(n);
        batch.reset(LANES);
        for i in 0..n {
            field.push(&[i as u32]);
        }
        for l in 0..LANES {
            let lane: Vec<f32> = (0..n).map(|i| points(i, l)).collect();
            batch.set_lane(l, &lane);
        }
        (field, batch)
    }

    fn lane_totals(copies: Copies<'_>) -> Vec<u64> {
        let Copies::PerLane { copies, .. } = copies else {
            panic!("a lean deals per lane");
        };
        (0..LANES)
            .map(|l| copies.iter().map(|c| u64::from(c[l])).sum())
            .collect()
    }

    #[test]
    fn every_lane_keeps_the_field_size_and_no_lean_keeps_the_copies() {
        let (field, batch) = setup(50, |i, l| ((i * 7 + l * 13) % 40) as f32);
        let means = vec![20.0f32; 50];
        let base: Vec<u32> = (0..50).map(|i| (i % 4) as u32).collect();
        let total: u64 = base.iter().map(|&c| u64::from(c)).sum();
        let mut news = NewsField::default();
        let dealt = news.deal(&field, &means, &base, total, 0.3, &batch, 7, 0..8);
        assert_eq!(lane_totals(dealt), vec![total; LANES]);
        // With no lean, every lineup keeps its copies exactly (integer weights
        // cut into integer steps).
        let Copies::PerLane { copies, .. } =
            news.deal(&field, &means, &base, total, 0.0, &batch, 7, 0..8)
        else {
            panic!("per lane");
        };
        for (c, &b) in copies.iter().zip(&base) {
            assert_eq!(*c, [b; LANES]);
        }
    }

    #[test]
    fn the_field_leans_toward_the_lineups_above_their_means() {
        // Two kinds of lineups, 500 copies each: the even ones 10 points above
        // their mean in this iteration, the odd ones 10 below. A lean of 0.05
        // per point weighs them exp(0.5) against exp(-0.5).
        let n = 200;
        let (field, batch) = setup(n, |i, _| if i % 2 == 0 { 30.0 } else { 10.0 });
        let means = vec![20.0f32; n];
        let base = vec![5u32; n];
        let mut news = NewsField::default();
        // Systematic resampling is exact in expectation over its uniform:
        // average 320 iterations.
        let mut even = 0u64;
        for b in 0..40 {
            let Copies::PerLane { copies, .. } = news.deal(
                &field,
                &means,
                &base,
                1000,
                0.05,
                &batch,
                1,
                b * 8..b * 8 + 8,
            ) else {
                panic!("per lane");
            };
            for l in 0..LANES {
                even += copies
                    .iter()
                    .step_by(2)
                    .map(|c| u64::from(c[l]))
                    .sum::<u64>();
                let all: u64 = copies.iter().map(|c| u64::from(c[l])).sum();
                assert_eq!(all, 1000);
            }
        }
        let share = 1.0 / (1.0 + (-1.0f64).exp());
        let mean = even as f64 / 320.0;
        assert!(
            (mean - 1000.0 * share).abs() < 10.0,
            "{mean:.1} of 1000 entries above their means, expected {:.1}",
            1000.0 * share
        );
        // The same seed and iterations deal the same field.
        let again = news.deal(&field, &means, &base, 1000, 0.05, &batch, 1, 0..8);
        let Copies::PerLane { copies: again, .. } = again else {
            panic!("per lane");
        };
        let first: Vec<[u32; LANES]> = again.to_vec();
        let Copies::PerLane { copies: third, .. } =
            news.deal(&field, &means, &base, 1000, 0.05, &batch, 1, 0..8)
        else {
            panic!("per lane");
        };
        assert_eq!(first, third.to_vec());
    }
}
