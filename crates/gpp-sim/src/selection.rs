//! Choosing the entries to submit.
//!
//! [`select_marginal`] is the product's selection: greedy by marginal expected
//! portfolio payout on the iterations every candidate shares, so our own
//! entries compete with each other and split ties. [`select_entries`] is the
//! naive "top N by single-lineup ROI", kept as the baseline the metrics report.

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

/// Late swap's selection rule: every candidate completes one of our entries
/// already in the contest, and exactly one candidate is picked per entry.
/// Started players (`Player::locked`) are where the entries put them, so they
/// do not count toward the exposure cap.
#[derive(Debug, Clone, Copy)]
pub struct EntryGroups<'a> {
    /// Per candidate, aligned with [`crate::SimInput::candidates`]: the entry
    /// it completes (0-based; the entries are `0..SimInput::entries`).
    pub entry_of: &'a [u32],
    /// Most players two picked lineups may share (`None`: they need only
    /// differ), as the optimizer's `max_overlap` between lineups.
    pub max_overlap: Option<u32>,
}

/// What a pick must keep: every player within the exposure cap and, with
/// [`EntryGroups`], one pick per entry and the overlap rule between picks.
pub(crate) struct Picking {
    cap: u32,
    /// Per player index: picked lineups holding him.
    held: Vec<u32>,
    /// Per candidate: its players, sorted, each once.
    players: Vec<Vec<u32>>,
    /// Per candidate: the players that count toward the cap.
    counted: Vec<Vec<u32>>,
    groups: Option<Groups>,
}

struct Groups {
    /// Per candidate (in the selection's order): its entry.
    entry_of: Vec<u32>,
    /// Per entry: already picked.
    taken: Vec<bool>,
    max_overlap: Option<u32>,
    /// Candidates picked so far.
    picked: Vec<usize>,
}

impl Picking {
    /// `entry_of` is aligned with `candidates` (already in the selection's
    /// order); `started[p]` exempts player `p` from the cap under groups.
    pub(crate) fn new(
        cap: u32,
        candidates: &[CandidateLineup],
        groups: Option<(Vec<u32>, Option<u32>)>,
        started: &[bool],
    ) -> Self {
        let players: Vec<Vec<u32>> = candidates
            .iter()
            .map(|c| {
                let mut ps = c.players.clone();
                ps.sort_unstable();
                ps.dedup();
                ps
            })
            .collect();
        let counted = players
            .iter()
            .map(|ps| {
                ps.iter()
                    .copied()
                    .filter(|&p| {
                        groups.is_none() || !started.get(p as usize).copied().unwrap_or(false)
                    })
                    .collect()
            })
            .collect();
        let most = players
            .iter()
            .flatten()
            .max()
            .map_or(0, |&p| p as usize + 1);
        let groups = groups.map(|(entry_of, max_overlap)| Groups {
            taken: vec![false; entry_of.iter().max().map_or(0, |&e| e as usize + 1)],
            entry_of,
            max_overlap,
            picked: Vec::new(),
        });
        Picking {
            cap,
            held: vec![0; most],
            players,
            counted,
            groups,
        }
    }

    /// Whether candidate `j` may be picked next.
    pub(crate) fn fits(&self, j: usize) -> bool {
        if !self.counted[j]
            .iter()
            .all(|&p| self.held[p as usize] < self.cap)
        {
            return false;
        }
        let Some(g) = &self.groups else { return true };
        if g.taken[g.entry_of[j] as usize] {
            return false;
        }
        let most = g
            .max_overlap
            .map_or(self.players[j].len() - 1, |m| m as usize);
        g.picked
            .iter()
            .all(|&k| shared(&self.players[j], &self.players[k]) <= most)
    }

    /// Counts candidate `j` as picked.
    pub(crate) fn add(&mut self, j: usize) {
        for &p in &self.counted[j] {
            self.held[p as usize] += 1;
        }
        if let Some(g) = &mut self.groups {
            g.taken[g.entry_of[j] as usize] = true;
            g.picked.push(j);
        }
    }
}

/// Players two sorted, deduplicated lists share.
fn shared(a: &[u32], b: &[u32]) -> usize {
    let (mut i, mut k, mut n) = (0, 0, 0);
    while i < a.len() && k < b.len() {
        match a[i].cmp(&b[k]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => k += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                k += 1;
            }
        }
    }
    n
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
    let picking = Picking::new(exposure_cap(max_exposure, entries), candidates, None, &[]);
    select_top_roi(candidates, roi, entries, picking)
}

/// [`select_entries`] under any [`Picking`].
pub(crate) fn select_top_roi(
    candidates: &[CandidateLineup],
    roi: &[f64],
    entries: u32,
    mut exposure: Picking,
) -> Vec<usize> {
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
        if exposure.fits(i) {
            exposure.add(i);
            picked.push(i);
        }
    }
    picked
}

/// Where one iteration's entries sit in the [`Standings`] arena.
#[derive(Debug, Default, Clone, Copy)]
struct Slot {
    offset: u32,
    len: u32,
    cap: u32,
}

/// Our picked entries in every iteration, each iteration's in the money
/// against the field and best first, in one arena: an iteration's entries
/// are contiguous, column by column, so an evaluation, which visits a
/// candidate's iterations in order, reads a few adjacent cache lines per
/// iteration instead of chasing a pointer per iteration and per column.
#[derive(Debug, Default)]
struct Standings {
    /// The first iteration held: `slots[k]` is iteration `first + k`'s.
    first: u32,
    slots: Vec<Slot>,
    score: Vec<f32>,
    better: Vec<u32>,
    tied: Vec<u32>,
    /// What an entry loses if one more of ours finishes above it:
    /// `share(g + 1, t) - share(g, t)`.
    push: Vec<f64>,
    /// The sum of `push` over the entry and every one of ours below it.
    below: Vec<f64>,
}

impl Standings {
    /// Standings of `iterations` iterations from `first` on.
    fn new(first: u32, iterations: usize) -> Self {
        Standings {
            first,
            slots: vec![Slot::default(); iterations],
            ..Standings::default()
        }
    }

    /// Makes room for one more entry in iteration `it`: a full slot moves to
    /// the end of the arena with twice the room (the old room is abandoned,
    /// so the arena stays within a few times the entries held).
    fn reserve(&mut self, it: usize) -> Slot {
        let slot = self.slots[it];
        if slot.len < slot.cap {
            return slot;
        }
        let cap = (slot.cap * 2).max(4);
        let offset = self.score.len();
        let (from, len) = (slot.offset as usize, slot.len as usize);
        fn grow<T: Copy + Default>(v: &mut Vec<T>, from: usize, len: usize, cap: usize) {
            v.extend_from_within(from..from + len);
            v.resize(v.len() + cap - len, T::default());
        }
        let cap_us = cap as usize;
        grow(&mut self.score, from, len, cap_us);
        grow(&mut self.better, from, len, cap_us);
        grow(&mut self.tied, from, len, cap_us);
        grow(&mut self.push, from, len, cap_us);
        grow(&mut self.below, from, len, cap_us);
        let slot = Slot {
            offset: offset as u32,
            len: slot.len,
            cap,
        };
        self.slots[it] = slot;
        slot
    }

    /// Adds `r` to our entries of its iteration.
    /// `drops` is [`place_drops`] of `ladder`.
    fn insert(&mut self, ladder: &PrizeLadder, drops: &[f64], r: &InTheMoney) {
        let it = (r.iteration - self.first) as usize;
        let slot = self.reserve(it);
        let (o, n) = (slot.offset as usize, slot.len as usize + 1);
        let range = o..o + n;
        let at = self.score[o..o + n - 1].partition_point(|&s| s >= r.score);
        fn put<T: Copy>(v: &mut [T], at: usize, x: T) {
            v.copy_within(at..v.len() - 1, at + 1);
            v[at] = x;
        }
        put(&mut self.score[range.clone()], at, r.score);
        put(&mut self.better[range.clone()], at, r.better);
        put(&mut self.tied[range.clone()], at, r.tied);
        put(&mut self.push[range.clone()], at, 0.0);
        put(&mut self.below[range.clone()], at, 0.0);
        self.slots[it].len = n as u32;

        // Re-derive the places and pushes from the new entry's tie group down:
        // the entries above it keep theirs.
        let score = &self.score[range.clone()];
        let (better, tied, push) = (
            &self.better[range.clone()],
            &self.tied[range.clone()],
            &mut self.push[range.clone()],
        );
        let mut k = score.partition_point(|&s| s > r.score);
        while k < n {
            let s = score[k];
            let g = better[k] as usize + k;
            // Alone in its tie group (the common case) the push is a place's
            // prize less the next place's, looked up.
            if tied[k] == 0 && score.get(k + 1) != Some(&s) {
                push[k] = drops[g.min(drops.len() - 1)];
                k += 1;
                continue;
            }
            let group = score[k..].iter().take_while(|&&x| x == s).count();
            let t = tied[k] as usize + group;
            push[k..k + group].fill(ladder.tied_share(g + 1, t) - ladder.tied_share(g, t));
            k += group;
        }
        let below = &mut self.below[range];
        let mut acc = 0.0;
        for k in (0..n).rev() {
            acc += push[k];
            below[k] = acc;
        }
    }

    /// Change of our total payout in `r`'s iteration if `r` joins our
    /// entries, and the part of it that is `r`'s own tie group (no more than
    /// `r` alone would win, and never more as our entries grow).
    #[inline]
    fn gain(&self, ladder: &PrizeLadder, r: &InTheMoney) -> (f64, f64) {
        let slot = self.slots[(r.iteration - self.first) as usize];
        let (o, n) = (slot.offset as usize, slot.len as usize);
        if n == 0 {
            let alone = ladder.tied_share(r.better as usize, r.tied as usize + 1);
            return (alone, alone);
        }
        let score = &self.score[o..o + n];
        let above = score.partition_point(|&s| s > r.score);
        let through = above + score[above..].iter().take_while(|&&s| s == r.score).count();
        let k = through - above;
        let g = r.better as usize + above;
        let t = r.tied as usize + k;
        // Its tie group grows from k of ours to k + 1 ...
        let group =
            (k + 1) as f64 * ladder.tied_share(g, t + 1) - k as f64 * ladder.tied_share(g, t);
        // ... and every one of ours below it drops one place.
        let below = if through < n {
            self.below[o + through]
        } else {
            0.0
        };
        (group + below, group)
    }
}

/// Iterations per block of [`Standings`]: selection evaluates a candidate and
/// adds a pick block by block in parallel, and sums the blocks in order. Fixed,
/// so every sum is the same for any thread count.
const BLOCK: u32 = 256;

/// Greedy selection by marginal expected portfolio payout.
///
/// `itm[j]` lists candidate `j`'s in-the-money iterations (in iteration
/// order) from the shared draws. Each step adds the candidate whose entry
/// raises the portfolio's summed payout over those iterations the most,
/// counting the places it takes from our entries below it and the ties it
/// splits with ours (ties by lower index), among candidates `exposure` allows
/// (every player within [`exposure_cap`]; with [`EntryGroups`], one per entry).
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
    mut exposure: Picking,
) -> (Vec<(usize, f64)>, u64) {
    let n = candidates.len().min(itm.len()).min(standalone.len());
    let mut evaluations = 0u64;
    let monotone = ladder_never_increases(ladder);
    // Standings in blocks of iterations, evaluated and updated block by block
    // in parallel; `cuts[j][b]..cuts[j][b + 1]` is the part of `itm[j]` in block b.
    let blocks = iterations.div_ceil(BLOCK);
    let mut standings: Vec<Standings> = (0..blocks)
        .map(|b| {
            let first = b * BLOCK;
            Standings::new(first, (iterations - first).min(BLOCK) as usize)
        })
        .collect();
    let cuts: Vec<Vec<usize>> = itm[..n]
        .iter()
        .map(|list| {
            (0..=blocks)
                .map(|b| list.partition_point(|r| r.iteration < b.saturating_mul(BLOCK)))
                .collect()
        })
        .collect();
    let part = |j: usize, b: usize| &itm[j][cuts[j][b]..cuts[j][b + 1]];
    let drops = place_drops(ladder);
    let mut bound: Vec<f64> = standalone[..n].to_vec();
    let mut open: Vec<usize> = (0..n).collect();
    let mut picked: Vec<(usize, f64)> = Vec::with_capacity(entries as usize);

    while picked.len() < entries as usize {
        open.retain(|&j| exposure.fits(j));
        open.sort_by(|&a, &b| bound[b].total_cmp(&bound[a]).then(a.cmp(&b)));
        let mut best: Option<(usize, f64)> = None;
        for &j in &open {
            if monotone
                && let Some((_, g)) = best
                && bound[j] < g
            {
                break;
            }
            evaluations += 1;
            let parts: Vec<(f64, f64)> = standings
                .par_iter()
                .enumerate()
                .map(|(b, block)| {
                    part(j, b).iter().fold((0.0, 0.0), |(gain, own), r| {
                        let (g, o) = block.gain(ladder, r);
                        (gain + g, own + o)
                    })
                })
                .collect();
            let (g, own) = parts
                .iter()
                .fold((0.0, 0.0), |(g, o), &(pg, po)| (g + pg, o + po));
            bound[j] = own;
            let better = match best {
                None => true,
                Some((b, bg)) => g > bg || (g == bg && j < b),
            };
            if better {
                best = Some((j, g));
            }
        }
        let Some((j, gain)) = best else { break };
        standings.par_iter_mut().enumerate().for_each(|(b, block)| {
            for r in part(j, b) {
                block.insert(ladder, &drops, r);
            }
        });
        exposure.add(j);
        open.retain(|&x| x != j);
        picked.push((j, gain));
    }
    (picked, evaluations)
}

/// `drops[g]`: what an entry alone in its tie group with `g` entries above it
/// loses when one more finishes above it, the prize of place `g + 1` less that
/// of place `g + 2` (as [`PrizeLadder::tied_share`] computes them), for every
/// `g` up to the paid places; 0 from there on.
fn place_drops(ladder: &PrizeLadder) -> Vec<f64> {
    (0..=ladder.paid_places())
        .map(|g| ladder.tied_share(g + 1, 1) - ladder.tied_share(g, 1))
        .collect()
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
            let mut standing = Standings::new(0, 1);
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
                standing.insert(&ladder, &place_drops(&ladder), &r);
            }
        }
    }

    #[test]
    fn ladders_that_rise_are_detected() {
        assert!(ladder_never_increases(&ladder(&[5.0, 3.0, 3.0, 1.0])));
        assert!(!ladder_never_increases(&ladder(&[5.0, 3.0, 4.0])));
    }
}
