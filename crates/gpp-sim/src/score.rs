//! Scoring lineups several iterations at a time.
//!
//! A lineup's score is a handful of gathers and adds; done one iteration at a
//! time, each add waits on a scalar gather. Drawing [`LANES`] iterations first
//! and laying their points out player-major (`points[p]` holds player `p`'s
//! points in each of the iterations) turns every gather into one contiguous
//! [`LANES`]-wide load and every add into a vector add, which the compiler
//! emits from plain array code. Each lane still adds the lineup's players in
//! sorted order starting from 0, the same float operations as
//! [`crate::lineup_score`], so identical lineups tie exactly and results do not
//! depend on how iterations are batched.

use std::ops::Range;

/// Iterations scored together.
pub(crate) const LANES: usize = 8;

/// One value per lane: a player's points, or a lineup's score, in each of
/// [`LANES`] iterations.
pub(crate) type Lanes = [f32; LANES];

/// The points of up to [`LANES`] iterations, player-major.
#[derive(Debug)]
pub(crate) struct PointsBatch {
    points: Vec<Lanes>,
    live: usize,
}

impl PointsBatch {
    pub(crate) fn new(players: usize) -> Self {
        PointsBatch {
            points: vec![[0.0; LANES]; players],
            live: 0,
        }
    }

    /// Starts a batch of `live` (at most [`LANES`]) iterations; lanes past
    /// `live` score 0 until set.
    pub(crate) fn reset(&mut self, live: usize) {
        debug_assert!(live <= LANES);
        self.live = live;
        for p in &mut self.points {
            *p = [0.0; LANES];
        }
    }

    /// Sets lane `lane` to one iteration's points (one per player).
    pub(crate) fn set_lane(&mut self, lane: usize, points: &[f32]) {
        for (row, &x) in self.points.iter_mut().zip(points) {
            row[lane] = x;
        }
    }

    /// Iterations in this batch.
    pub(crate) fn live(&self) -> usize {
        self.live
    }
}

/// Lineups of one width as sorted player indices, in one flat buffer.
///
/// Every lineup of a contest has the roster's size, so a fixed stride and
/// 16-bit indices keep a 100,000-lineup field in about 1.6 MB, scored by
/// streaming through it once per batch of iterations.
#[derive(Debug, Default)]
pub(crate) struct LineupTable {
    width: usize,
    players: Vec<u16>,
}

impl LineupTable {
    pub(crate) fn new(width: usize) -> Self {
        LineupTable {
            width,
            players: Vec::new(),
        }
    }

    /// Appends a lineup; the caller checked its width and indices (below 2^16).
    pub(crate) fn push(&mut self, sorted: &[u32]) {
        self.players.extend(sorted.iter().map(|&p| p as u16));
    }

    /// About `most` of the lineups, evenly spaced (all of them when there are
    /// no more): enough to see the range of a field's scores.
    pub(crate) fn sample(&self, most: usize) -> LineupTable {
        let step = self.len().div_ceil(most.max(1)).max(1);
        let rows: Vec<usize> = (0..self.len()).step_by(step).collect();
        self.rows(&rows)
    }

    /// The lineups at `rows`, in that order.
    pub(crate) fn rows(&self, rows: &[usize]) -> LineupTable {
        let mut out = LineupTable::new(self.width);
        for &r in rows {
            out.players.extend_from_slice(self.get(r));
        }
        out
    }

    pub(crate) fn len(&self) -> usize {
        self.players.len().checked_div(self.width).unwrap_or(0)
    }

    pub(crate) fn get(&self, i: usize) -> &[u16] {
        &self.players[i * self.width..(i + 1) * self.width]
    }

    /// Scores every lineup in every lane of `batch` into `out` (cleared first).
    pub(crate) fn score(&self, batch: &PointsBatch, out: &mut Vec<Lanes>) {
        self.score_rows(0..self.len(), batch, out);
    }

    /// Scores the lineups `rows` in every lane of `batch` into `out` (cleared first).
    pub(crate) fn score_rows(&self, rows: Range<usize>, batch: &PointsBatch, out: &mut Vec<Lanes>) {
        out.clear();
        let points = &batch.points[..];
        let players = &self.players[rows.start * self.width..rows.end * self.width];
        // A known width lets the compiler unroll each lineup's loads.
        match self.width {
            0 => {}
            6 => score_fixed::<6>(players, points, out),
            8 => score_fixed::<8>(players, points, out),
            9 => score_fixed::<9>(players, points, out),
            w => out.extend(players.chunks_exact(w).map(|l| {
                l.iter()
                    .fold([0.0; LANES], |acc, &p| add(acc, &points[p as usize]))
            })),
        }
    }
}

/// Lane-wise `acc + row`.
#[inline(always)]
fn add(mut acc: Lanes, row: &Lanes) -> Lanes {
    for (a, &x) in acc.iter_mut().zip(row) {
        *a += x;
    }
    acc
}

/// [`LineupTable::score`] for lineups of `W` players.
fn score_fixed<const W: usize>(players: &[u16], points: &[Lanes], out: &mut Vec<Lanes>) {
    let (lineups, _) = players.as_chunks::<W>();
    out.extend(lineups.iter().map(|l| {
        let mut acc = [0.0; LANES];
        for &p in l {
            acc = add(acc, &points[p as usize]);
        }
        acc
    }));
}

/// A test field of `n` lineups, lineup `i` the lone player `i`, and a batch
/// of every lane in which player `i` scores `points(i, lane)`.
#[cfg(test)]
pub(crate) fn lone_players(
    n: usize,
    points: impl Fn(usize, usize) -> f32,
) -> (LineupTable, PointsBatch) {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::payout::lineup_score;
    use rand::{Rng, SeedableRng};
    use rand_pcg::Pcg64Mcg;

    #[test]
    fn every_lane_matches_the_scalar_score_bit_for_bit() {
        let mut rng = Pcg64Mcg::seed_from_u64(5);
        for width in [6usize, 7, 8, 9] {
            let players = 40;
            let mut table = LineupTable::new(width);
            let mut lineups = Vec::new();
            for _ in 0..200 {
                let mut l: Vec<u32> = rand::seq::index::sample(&mut rng, players, width)
                    .into_iter()
                    .map(|p| p as u32)
                    .collect();
                l.sort_unstable();
                table.push(&l);
                lineups.push(l);
            }
            let mut batch = PointsBatch::new(players);
            let live = rng.random_range(1..=LANES);
            batch.reset(live);
            let mut per_lane = Vec::new();
            for lane in 0..live {
                let pts: Vec<f32> = (0..players).map(|_| rng.random_range(0.0..60.0)).collect();
                batch.set_lane(lane, &pts);
                per_lane.push(pts);
            }
            let mut out = Vec::new();
            table.score(&batch, &mut out);
            assert_eq!(out.len(), lineups.len());
            for (i, l) in lineups.iter().enumerate() {
                assert_eq!(table.get(i).len(), width);
                for (lane, pts) in per_lane.iter().enumerate() {
                    assert_eq!(out[i][lane].to_bits(), lineup_score(pts, l).to_bits());
                }
                assert!(out[i][live..].iter().all(|&x| x == 0.0));
            }
        }
    }
}
