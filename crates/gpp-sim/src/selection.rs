//! Choosing the entries to submit.
//!
//! [`select_marginal`] is the product's selection: greedy by marginal expected
//! portfolio payout on the iterations every candidate shares, so our own
//! entries compete with each other and split ties. [`select_entries`] is the
//! naive "top N by single-lineup ROI", kept as the baseline the metrics report.

use std::collections::HashMap;

use rayon::prelude::*;
use schemas::{CandidateLineup, PrizeLadder};

/// One iteration in which a candidate, entered alone, finished in the money
/// against the field. Outside these iterations it can neither earn nor push
/// any of our entries out of the money, so they are all selection needs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct InTheMoney {
    pub iteration: u32,
    /// Field entries strictly above it.
    pub better: u32,
    /// Field entries tied with it.
    pub tied: u32,
    pub score: f32,
}

/// The exposure cap: most selected entries that may hold one player.
pub fn exposure_cap(max_exposure: f64, entries: u32) -> u32 {
    // The epsilon keeps 0.3 * 10 = 3.0000000000000004 at 3.
    (max_exposure * f64::from(entries) - 1e-9).ceil().max(0.0) as u32
}

/// Tracks how many picked lineups hold each player, against the cap.
struct Exposure {
    cap: u32,
    held: HashMap<u32, u32>,
}

impl Exposure {
    fn new(cap: u32) -> Self {
        Exposure {
            cap,
            held: HashMap::new(),
        }
    }

    fn players(lineup: &CandidateLineup) -> Vec<u32> {
        let mut players = lineup.players.clone();
        players.sort_unstable();
        players.dedup();
        players
    }

    fn fits(&self, lineup: &CandidateLineup) -> bool {
        Self::players(lineup)
            .iter()
            .all(|p| self.held.get(p).copied().unwrap_or(0) < self.cap)
    }

    fn add(&mut self, lineup: &CandidateLineup) {
        for p in Self::players(lineup) {
            *self.held.entry(p).or_default() += 1;
        }
    }
}

/// Picks up to `entries` candidates, best `roi[i]` first (ties by `lineup_id`),
/// skipping any whose players would exceed [`exposure_cap`] among those picked.
///
/// `roi` is aligned with `candidates`. Returns indices into `candidates` in the
/// order chosen; fewer than `entries` when the cap leaves too few selectable.
pub fn select_entries(
    candidates: &[CandidateLineup],
    roi: &[f64],
    entries: u32,
    max_exposure: f64,
) -> Vec<usize> {
    let mut exposure = Exposure::new(exposure_cap(max_exposure, entries));
    let mut ranked: Vec<usize> = (0..candidates.len().min(roi.len())).collect();
    ranked.sort_by(|&a, &b| {
        roi[b]
            .total_cmp(&roi[a])
            .then(candidates[a].lineup_id.cmp(&candidates[b].lineup_id))
    });
    let mut picked = Vec::with_capacity(entries as usize);
    for i in ranked {
        if picked.len() >= entries as usize {
            break;
        }
        if exposure.fits(&candidates[i]) {
            exposure.add(&candidates[i]);
            picked.push(i);
        }
    }
    picked
}

/// One of our picked entries in one iteration, with its place among ours.
#[derive(Debug, Clone, Copy)]
struct Ours {
    score: f32,
    better: u32,
    tied: u32,
    /// What it loses if one more of ours finishes above it: `share(g + 1, t) - share(g, t)`.
    push: f64,
}

/// Our picked entries in one iteration (in the money against the field), best first.
#[derive(Debug, Default, Clone)]
struct Standing {
    ours: Vec<Ours>,
    /// `below[k]`: the sum of `push` over `ours[k..]`.
    below: Vec<f64>,
}

impl Standing {
    fn insert(&mut self, ladder: &PrizeLadder, r: &InTheMoney) {
        let at = self.ours.partition_point(|o| o.score >= r.score);
        self.ours.insert(
            at,
            Ours {
                score: r.score,
                better: r.better,
                tied: r.tied,
                push: 0.0,
            },
        );
        // Re-derive the places and pushes from the new entry's tie group down:
        // the entries above it keep theirs.
        let n = self.ours.len();
        let mut k = self.ours.partition_point(|o| o.score > r.score);
        while k < n {
            let s = self.ours[k].score;
            let group = self.ours[k..].iter().take_while(|o| o.score == s).count();
            let g = self.ours[k].better as usize + k;
            let t = self.ours[k].tied as usize + group;
            let push = ladder.tied_share(g + 1, t) - ladder.tied_share(g, t);
            for o in &mut self.ours[k..k + group] {
                o.push = push;
            }
            k += group;
        }
        self.below.clear();
        self.below.resize(n + 1, 0.0);
        for k in (0..n).rev() {
            self.below[k] = self.below[k + 1] + self.ours[k].push;
        }
    }

    /// Change of our total payout in this iteration if `r` joins our entries,
    /// and the part of it that is `r`'s own tie group (no more than `r` alone
    /// would win, and never more as our entries grow).
    fn gain(&self, ladder: &PrizeLadder, r: &InTheMoney) -> (f64, f64) {
        if self.ours.is_empty() {
            let alone = ladder.tied_share(r.better as usize, r.tied as usize + 1);
            return (alone, alone);
        }
        let above = self.ours.partition_point(|o| o.score > r.score);
        let through = self.ours.partition_point(|o| o.score >= r.score);
        let k = through - above;
        let g = r.better as usize + above;
        let t = r.tied as usize + k;
        // Its tie group grows from k of ours to k + 1 ...
        let group =
            (k + 1) as f64 * ladder.tied_share(g, t + 1) - k as f64 * ladder.tied_share(g, t);
        // ... and every one of ours below it drops one place.
        (
            group + self.below.get(through).copied().unwrap_or(0.0),
            group,
        )
    }
}

/// Greedy selection by marginal expected portfolio payout.
///
/// `itm[j]` lists candidate `j`'s in-the-money iterations (in iteration
/// order) from the shared draws. Each step adds the candidate whose entry
/// raises the portfolio's summed payout over those iterations the most,
/// counting the places it takes from our entries below it and the ties it
/// splits with ours (ties by lower index), among candidates that keep every
/// player within [`exposure_cap`].
///
/// A gain is the candidate's own tie group's change (what it wins, less what
/// it takes from ours tied with it) plus the places it takes from ours below
/// it, which is never positive. When prizes never increase with place, the
/// own part only shrinks as our entries grow, so its value at a candidate's
/// last evaluation (at first, `standalone[j]`: its payout against the field
/// alone) bounds every later gain. Candidates are visited best bound first and
/// the scan stops when no bound can beat the best gain found: the result is
/// the exact greedy choice, at a fraction of the evaluations.
///
/// Returns indices into `candidates` in the order chosen, with the expected
/// payout (summed over iterations) each added, and how many candidate
/// evaluations it took.
pub(crate) fn select_marginal(
    candidates: &[CandidateLineup],
    itm: &[Vec<InTheMoney>],
    standalone: &[f64],
    ladder: &PrizeLadder,
    iterations: u32,
    entries: u32,
    max_exposure: f64,
) -> (Vec<(usize, f64)>, u64) {
    let n = candidates.len().min(itm.len()).min(standalone.len());
    let mut evaluations = 0u64;
    let monotone = ladder_never_increases(ladder);
    let mut exposure = Exposure::new(exposure_cap(max_exposure, entries));
    let mut standings: Vec<Standing> = vec![Standing::default(); iterations as usize];
    let mut bound: Vec<f64> = standalone[..n].to_vec();
    let mut open: Vec<usize> = (0..n).collect();
    // Evaluated in parallel a few at a time: the best is usually among the first
    // few bounds. Fixed, so the count of evaluations does not depend on threads.
    let batch = 4;
    let mut picked: Vec<(usize, f64)> = Vec::with_capacity(entries as usize);

    while picked.len() < entries as usize {
        open.retain(|&j| exposure.fits(&candidates[j]));
        open.sort_by(|&a, &b| bound[b].total_cmp(&bound[a]).then(a.cmp(&b)));
        let mut best: Option<(usize, f64)> = None;
        for chunk in open.chunks(batch) {
            if monotone
                && let Some((_, g)) = best
                && bound[chunk[0]] < g
            {
                break;
            }
            evaluations += chunk.len() as u64;
            let evaluated: Vec<(f64, f64)> = chunk
                .par_iter()
                .map(|&j| {
                    itm[j].iter().fold((0.0, 0.0), |(gain, own), r| {
                        let (g, o) = standings[r.iteration as usize].gain(ladder, r);
                        (gain + g, own + o)
                    })
                })
                .collect();
            for (&j, &(g, own)) in chunk.iter().zip(&evaluated) {
                bound[j] = own;
                let better = match best {
                    None => true,
                    Some((b, bg)) => g > bg || (g == bg && j < b),
                };
                if better {
                    best = Some((j, g));
                }
            }
        }
        let Some((j, gain)) = best else { break };
        for r in &itm[j] {
            standings[r.iteration as usize].insert(ladder, r);
        }
        exposure.add(&candidates[j]);
        open.retain(|&x| x != j);
        picked.push((j, gain));
    }
    (picked, evaluations)
}

/// True when no place pays more than the place before it (every real DK table).
fn ladder_never_increases(ladder: &PrizeLadder) -> bool {
    let places = ladder.paid_places();
    (1..places).all(|p| ladder.span_total(p, 1) <= ladder.span_total(p - 1, 1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use schemas::{Contest, PayoutTier};

    fn ladder(prizes: &[f64]) -> PrizeLadder {
        Contest {
            id: "c".into(),
            name: "c".into(),
            entry_fee: 1.0,
            field_size: 100,
            max_entries: 10,
            payouts: prizes
                .iter()
                .enumerate()
                .map(|(i, &prize)| PayoutTier {
                    first: i as u32 + 1,
                    last: i as u32 + 1,
                    prize,
                })
                .collect(),
        }
        .ladder()
    }

    /// Our total payout in one iteration, from scratch: entries `(score, better, tied)`.
    fn brute_total(ladder: &PrizeLadder, ours: &[InTheMoney]) -> f64 {
        ours.iter()
            .map(|r| {
                let above = ours.iter().filter(|o| o.score > r.score).count();
                let tied = ours.iter().filter(|o| o.score == r.score).count();
                ladder.tied_share(r.better as usize + above, r.tied as usize + tied)
            })
            .sum()
    }

    #[test]
    fn gain_equals_the_change_of_the_brute_force_total() {
        use rand::{Rng, SeedableRng};
        let ladder = ladder(&[50.0, 20.0, 10.0, 10.0, 5.0, 5.0, 5.0, 2.0, 1.0, 1.0]);
        let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(5);
        for _ in 0..500 {
            let mut standing = Standing::default();
            let mut held: Vec<InTheMoney> = Vec::new();
            let probe_score = f32::from(rng.random_range(0u8..8));
            let probe = InTheMoney {
                iteration: 0,
                better: 7 - probe_score as u32,
                tied: probe_score as u32 % 3,
                score: probe_score,
            };
            let mut last_probe = f64::INFINITY;
            for _ in 0..rng.random_range(0..6) {
                let score = f32::from(rng.random_range(0u8..8));
                // A field consistent with the score: higher scores, fewer above.
                let r = InTheMoney {
                    iteration: 0,
                    better: 7 - score as u32,
                    tied: score as u32 % 3,
                    score,
                };
                let before = brute_total(&ladder, &held);
                let (gain, own) = standing.gain(&ladder, &r);
                // The own part bounds the gain and never grows with our entries.
                let (_, probe_own) = standing.gain(&ladder, &probe);
                assert!(gain <= own + 1e-9 && probe_own <= last_probe + 1e-9);
                last_probe = probe_own;
                let alone = ladder.tied_share(r.better as usize, r.tied as usize + 1);
                assert!(gain <= alone + 1e-9, "gain {gain} above the bound {alone}");
                held.push(r);
                let after = brute_total(&ladder, &held);
                assert!(
                    (gain - (after - before)).abs() < 1e-9,
                    "{gain} vs {}",
                    after - before
                );
                standing.insert(&ladder, &r);
            }
        }
    }

    #[test]
    fn ladders_that_rise_are_detected() {
        assert!(ladder_never_increases(&ladder(&[5.0, 3.0, 3.0, 1.0])));
        assert!(!ladder_never_increases(&ladder(&[5.0, 3.0, 4.0])));
    }
}
