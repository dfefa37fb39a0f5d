//! The slate prepared for drawing: who may fill each slot, and salary bounds
//! that keep a partial lineup completable.

use rand::Rng;
use schemas::{Lineup, Slate};

use crate::FieldSamplerError;

/// A player who may be drawn for one slot.
#[derive(Debug, Clone, Copy)]
struct Candidate {
    player: u32,
    salary: u32,
}

/// The slate prepared for drawing lineups.
///
/// Slots are filled one at a time, scarcest first (fewest eligible players), so
/// every pick stands in a definite slot and the partial lineup is always
/// slottable. `min_rest[k]` / `max_rest[k]` bound the salary of the slots from
/// step `k` on (cheapest / dearest eligible player per slot, ignoring that a
/// player can stand only once); a pick is allowed only if the cap and the floor
/// both stay reachable under those bounds. The bounds are exact at the last
/// slot, so an accepted lineup always lies within `[floor, cap]`.
#[derive(Debug)]
pub(crate) struct Pool<'a> {
    pub slate: &'a Slate,
    /// Slot indices in fill order.
    order: Vec<usize>,
    /// Candidates per fill step (aligned with `order`).
    candidates: Vec<Vec<Candidate>>,
    min_rest: Vec<u32>,
    max_rest: Vec<u32>,
    pub cap: u32,
    pub floor: u32,
}

/// Per-worker buffers reused across draws (contents never leak between draws).
#[derive(Debug)]
pub(crate) struct Scratch {
    taken: Vec<bool>,
    cumulative: Vec<(u32, f64)>,
    lineup: Lineup,
    /// A sharp entrant's noisy projection per slate player.
    pub values: Vec<f64>,
    /// Best few candidates per fill step for pair swaps.
    top: Vec<Vec<Candidate>>,
}

impl Scratch {
    pub fn new(pool: &Pool<'_>) -> Self {
        Scratch {
            taken: vec![false; pool.slate.players.len()],
            cumulative: Vec::with_capacity(pool.slate.players.len()),
            lineup: Lineup {
                players: vec![0; pool.order.len()],
            },
            values: vec![0.0; pool.slate.players.len()],
            top: vec![Vec::new(); pool.order.len()],
        }
    }
}

impl<'a> Pool<'a> {
    /// Prepares the slate; `floor` must already be clamped to the cap.
    ///
    /// A player is drawable when both its ownership and projection are above 0.
    pub fn new(slate: &'a Slate, floor: u32) -> Result<Self, FieldSamplerError> {
        let rules = &slate.rules;
        let n_slots = rules.roster_size();
        let per_slot: Vec<Vec<Candidate>> = (0..n_slots)
            .map(|slot| {
                slate
                    .players
                    .iter()
                    .enumerate()
                    .filter(|(_, p)| {
                        p.ownership > 0.0 && p.projection > 0.0 && p.slot_mask & (1 << slot) != 0
                    })
                    .map(|(i, p)| Candidate {
                        player: i as u32,
                        salary: p.salary,
                    })
                    .collect()
            })
            .collect();
        if let Some(slot) = per_slot.iter().position(Vec::is_empty) {
            return Err(FieldSamplerError::EmptySlot {
                slot: rules.slots[slot].name.clone(),
            });
        }
        let mut order: Vec<usize> = (0..n_slots).collect();
        order.sort_by_key(|&s| (per_slot[s].len(), s));
        let candidates: Vec<Vec<Candidate>> = order.iter().map(|&s| per_slot[s].clone()).collect();

        let mut min_rest = vec![0u32; n_slots + 1];
        let mut max_rest = vec![0u32; n_slots + 1];
        for k in (0..n_slots).rev() {
            let salaries = candidates[k].iter().map(|c| c.salary);
            min_rest[k] = min_rest[k + 1].saturating_add(salaries.clone().min().unwrap_or(0));
            max_rest[k] = max_rest[k + 1].saturating_add(salaries.max().unwrap_or(0));
        }
        let cap = rules.salary_cap;
        if min_rest[0] > cap {
            return Err(FieldSamplerError::CapUnreachable {
                cheapest: min_rest[0],
                cap,
            });
        }
        if max_rest[0] < floor {
            return Err(FieldSamplerError::FloorUnreachable {
                floor,
                most: max_rest[0],
            });
        }
        Ok(Pool {
            slate,
            order,
            candidates,
            min_rest,
            max_rest,
            cap,
            floor,
        })
    }

    /// Players per lineup.
    pub fn roster_size(&self) -> usize {
        self.order.len()
    }

    /// Draws one lineup with probability proportional to `weights` (indexed by
    /// slate player) at every pick, costing at least `floor` (at least the pool's
    /// floor) and projecting at least `min_proj`. Returns the lineup in slot
    /// order, or `None` on a dead end or a broken rule (min games, team limit,
    /// projection floor): the caller redraws.
    pub fn draw<'s, R: Rng>(
        &self,
        weights: &[f64],
        floor: u32,
        min_proj: f64,
        rng: &mut R,
        scratch: &'s mut Scratch,
    ) -> Option<&'s Lineup> {
        let ok = self.fill(weights, floor.clamp(self.floor, self.cap), rng, scratch)
            && self.projection(&scratch.lineup.players) >= min_proj;
        self.release(ok, scratch)
    }

    /// Sum of base projections of a (complete) lineup.
    pub fn projection(&self, players: &[u32]) -> f64 {
        players
            .iter()
            .filter_map(|&p| self.slate.players.get(p as usize))
            .map(|p| p.projection)
            .sum()
    }

    fn fill<R: Rng>(
        &self,
        weights: &[f64],
        floor: u32,
        rng: &mut R,
        scratch: &mut Scratch,
    ) -> bool {
        let Scratch {
            taken,
            cumulative,
            lineup,
            ..
        } = scratch;
        // Slots not reached on a dead end hold u32::MAX, which the release loop skips.
        lineup.players.iter_mut().for_each(|p| *p = u32::MAX);
        let mut salary = 0u32;
        for (k, (&slot, candidates)) in self.order.iter().zip(&self.candidates).enumerate() {
            let Some((least, most)) = self.salary_window(k, salary, floor) else {
                return false;
            };
            cumulative.clear();
            let mut total = 0.0;
            for c in candidates {
                if c.salary > most || c.salary < least || taken[c.player as usize] {
                    continue;
                }
                let w = weights[c.player as usize];
                if w > 0.0 {
                    total += w;
                    cumulative.push((c.player, total));
                }
            }
            if cumulative.is_empty() || !total.is_finite() {
                return false;
            }
            let u = rng.random::<f64>() * total;
            let at = cumulative
                .partition_point(|&(_, cum)| cum <= u)
                .min(cumulative.len() - 1);
            let player = cumulative[at].0;
            taken[player as usize] = true;
            lineup.players[slot] = player;
            salary += self.slate.players[player as usize].salary;
        }
        true
    }
}

/// Candidates per slot a sharp build considers for pair swaps.
const PAIR_TOP: usize = 10;
/// Most improvement passes of a sharp build.
const MAX_PASSES: usize = 12;

impl Pool<'_> {
    /// A sharp entrant's lineup: a good lineup for `scratch.values` within the
    /// cap and `floor`. Not an exact optimizer, on purpose and by budget: a greedy
    /// build (scarcest slot first, the most valuable player that keeps the cap and
    /// the floor reachable) improved by single swaps (any eligible player) and
    /// pair swaps (among each slot's [`PAIR_TOP`] most valuable players) until no
    /// swap gains. Deterministic in the values. `None` when the result breaks a
    /// rule (min games, team limit) or the greedy build dead-ends.
    pub fn build_sharp<'s>(&self, floor: u32, scratch: &'s mut Scratch) -> Option<&'s Lineup> {
        let ok = self.sharp(floor.clamp(self.floor, self.cap), scratch);
        self.release(ok, scratch)
    }

    /// Releases the taken marks whatever happened, so the scratch is clean, and
    /// returns the built lineup when it was built (`ok`) and passes every DK rule.
    fn release<'s>(&self, ok: bool, scratch: &'s mut Scratch) -> Option<&'s Lineup> {
        for &p in &scratch.lineup.players {
            if let Some(t) = scratch.taken.get_mut(p as usize) {
                *t = false;
            }
        }
        if ok && scratch.lineup.check(self.slate).is_ok() {
            Some(&scratch.lineup)
        } else {
            None
        }
    }

    /// Salary range `(least, most)` of the player for fill position `k` when the
    /// players so far cost `salary`: most, so the rest can still be filled under the
    /// cap with the cheapest players; least, so the rest can still lift the total to
    /// `floor` with the dearest. `None` when nothing fits.
    fn salary_window(&self, k: usize, salary: u32, floor: u32) -> Option<(u32, u32)> {
        let most = self
            .cap
            .checked_sub(salary.saturating_add(self.min_rest[k + 1]))?;
        let least = floor.saturating_sub(salary.saturating_add(self.max_rest[k + 1]));
        Some((least, most))
    }

    fn sharp(&self, floor: u32, scratch: &mut Scratch) -> bool {
        let Scratch {
            taken,
            lineup,
            values,
            top,
            ..
        } = scratch;
        let value = |c: &Candidate| values[c.player as usize];
        lineup.players.iter_mut().for_each(|p| *p = u32::MAX);
        // Greedy: fill order, most valuable affordable player.
        let mut picked: Vec<Candidate> = Vec::with_capacity(self.order.len());
        let mut salary = 0u32;
        for (k, candidates) in self.candidates.iter().enumerate() {
            let Some((least, most)) = self.salary_window(k, salary, floor) else {
                return false;
            };
            let best = candidates
                .iter()
                .filter(|c| c.salary <= most && c.salary >= least && !taken[c.player as usize])
                .max_by(|a, b| value(a).total_cmp(&value(b)));
            let Some(&c) = best else {
                return false;
            };
            taken[c.player as usize] = true;
            salary += c.salary;
            picked.push(c);
        }
        // Each step's most valuable candidates, for pair swaps.
        for (t, candidates) in top.iter_mut().zip(&self.candidates) {
            t.clear();
            t.extend_from_slice(candidates);
            if t.len() > PAIR_TOP {
                t.select_nth_unstable_by(PAIR_TOP - 1, |a, b| value(b).total_cmp(&value(a)));
                t.truncate(PAIR_TOP);
            }
        }
        let fits = |s: u32| s <= self.cap && s >= floor;
        for _ in 0..MAX_PASSES {
            let mut improved = false;
            // Single swaps.
            for (k, slot) in picked.iter_mut().enumerate() {
                let cur = *slot;
                let base = salary - cur.salary;
                let best = self.candidates[k]
                    .iter()
                    .filter(|c| {
                        !taken[c.player as usize]
                            && fits(base + c.salary)
                            && value(c) > value(&cur) + 1e-9
                    })
                    .max_by(|a, b| value(a).total_cmp(&value(b)));
                if let Some(&c) = best {
                    taken[cur.player as usize] = false;
                    taken[c.player as usize] = true;
                    salary = base + c.salary;
                    *slot = c;
                    improved = true;
                }
            }
            // Pair swaps among the top candidates.
            for k in 0..picked.len() {
                for l in k + 1..picked.len() {
                    let (ck, cl) = (picked[k], picked[l]);
                    let base = salary - ck.salary - cl.salary;
                    let now = value(&ck) + value(&cl);
                    let mut best: Option<(Candidate, Candidate, f64)> = None;
                    for a in &top[k] {
                        let a_free = !taken[a.player as usize] || a.player == ck.player;
                        if !a_free || a.player == cl.player {
                            continue;
                        }
                        for b in &top[l] {
                            let b_free = !taken[b.player as usize] || b.player == cl.player;
                            if !b_free || b.player == ck.player || b.player == a.player {
                                continue;
                            }
                            let v = value(a) + value(b);
                            if v > best.map_or(now + 1e-9, |x| x.2)
                                && fits(base + a.salary + b.salary)
                            {
                                best = Some((*a, *b, v));
                            }
                        }
                    }
                    if let Some((a, b, _)) = best {
                        taken[ck.player as usize] = false;
                        taken[cl.player as usize] = false;
                        taken[a.player as usize] = true;
                        taken[b.player as usize] = true;
                        salary = base + a.salary + b.salary;
                        picked[k] = a;
                        picked[l] = b;
                        improved = true;
                    }
                }
            }
            if !improved {
                break;
            }
        }
        for (c, &slot) in picked.iter().zip(&self.order) {
            lineup.players[slot] = c.player;
        }
        true
    }
}
