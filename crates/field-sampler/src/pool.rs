//! The slate prepared for drawing: who may fill each slot, and salary and
//! projection bounds that keep a partial lineup completable.

use std::collections::BTreeMap;

use rand::Rng;
use schemas::{Lineup, Player, Slate};

use crate::FieldSamplerError;
use crate::stack::{StackPlan, Want};

/// No player: an unfilled slot, or a player without a showdown twin.
pub(crate) const NONE: u32 = u32::MAX;

/// Most salary units of the projection bound table per fill step; slates whose
/// salaries share no larger unit get a coarser (still valid) bound.
const MAX_BUDGET_UNITS: u32 = 4_096;

/// A player who may be drawn for one slot.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Candidate {
    pub player: u32,
    pub salary: u32,
    /// Base projection.
    pub proj: f64,
}

/// The slate prepared for drawing lineups.
///
/// Slots are filled one at a time, scarcest first (fewest eligible players), so
/// every pick stands in a definite slot and the partial lineup is always
/// slottable. The salary of the slots from step `k` on is bounded twice: per
/// slot (`min_rest[k]` / `max_rest[k]`: cheapest / dearest eligible player per
/// slot, counting a player in every slot he fits), and per person (the free
/// people eligible there, each once, cheapest / dearest first, without the
/// candidate being weighed); a pick is allowed only if the cap and the floor
/// both stay reachable under the tighter of the two. Counting each person once
/// matters on showdown slates, where every FLEX slot takes the same players: a
/// per-slot bound counts the dearest person in all five and lets draws fall far
/// short of a salary floor near the cap, so that nearly every draw dead-ends.
/// The bounds are exact at the last slot, so an accepted lineup always lies
/// within `[floor, cap]`. In the same
/// way `proj_rest[k][b]` bounds the base projection the slots from step `k` on
/// can add with `b` salary units left, so a draw with a projection floor never
/// picks a player that leaves the floor out of reach.
///
/// Showdown needs no special case: a captain row (`captain_of`) and its base row
/// are one person ([`Pool::twin`]), and taking either marks both.
#[derive(Debug)]
pub(crate) struct Pool<'a> {
    pub slate: &'a Slate,
    /// Slot indices in fill order.
    pub order: Vec<usize>,
    /// Candidates per fill step (aligned with `order`).
    pub candidates: Vec<Vec<Candidate>>,
    min_rest: Vec<u32>,
    max_rest: Vec<u32>,
    /// The people who can fill steps `k..`, each once, with their least and most
    /// salary over their rows eligible there (`people_rest[k]`).
    people_rest: Vec<Vec<Person>>,
    /// Some person has two rows (a showdown captain and base row).
    two_row_people: bool,
    pub cap: u32,
    pub floor: u32,
    /// The same person's other row (captain <-> base), or [`NONE`].
    pub twin: Vec<u32>,
    /// Team index per player (teams in name order).
    pub team: Vec<u32>,
    /// Game index per player.
    game: Vec<u32>,
    n_teams: usize,
    n_games: usize,
    /// Dollars per salary unit of `proj_rest`.
    unit: u32,
    /// Best base projection of steps `k..` per salary units left (`-inf`: none fits).
    proj_rest: Vec<Vec<f64>>,
    /// [`Slate::points_per_dollar`] (0 when the slate's players cost nothing).
    per_dollar: f64,
}

/// One person who may fill some of the remaining fill steps.
#[derive(Debug, Clone, Copy)]
struct Person {
    /// The person's base row (what [`Pool::twin`] marks both rows by).
    id: u32,
    /// Least and most salary over the person's rows eligible for the steps.
    least: u32,
    most: u32,
}

/// Most roster slots the per-step salary bounds hold (DraftKings rosters have at most 9).
const MAX_ROSTER: usize = 32;

/// Salary bounds of the fill steps after the current one, given who is taken:
/// the `m` free people with the most (and the least) salary, plus one more, so a
/// candidate who is one of them can be left out in O(1).
#[derive(Debug)]
struct Rest {
    /// Steps left after the current one.
    m: usize,
    /// Per-slot bounds (a player counted in every slot he fits).
    slot_min: u32,
    slot_max: u32,
    /// Dearest free people, most first: (salary, person), up to `m + 1`.
    top: [(u32, u32); MAX_ROSTER + 1],
    n_top: usize,
    /// Cheapest free people, least first: (salary, person), up to `m + 1`.
    bottom: [(u32, u32); MAX_ROSTER + 1],
    n_bottom: usize,
    /// The per-person lists were filled (else only the per-slot bounds hold).
    people: bool,
}

impl Rest {
    /// Most the remaining steps can cost without `person` (`None`: they cannot be filled).
    fn most_without(&self, person: u32) -> Option<u32> {
        if !self.people {
            return Some(self.slot_max);
        }
        Self::sum_without(&self.top[..self.n_top], self.m, person).map(|s| s.min(self.slot_max))
    }

    /// Least the remaining steps can cost without `person` (`None`: they cannot be filled).
    fn least_without(&self, person: u32) -> Option<u32> {
        if !self.people {
            return Some(self.slot_min);
        }
        Self::sum_without(&self.bottom[..self.n_bottom], self.m, person)
            .map(|s| s.max(self.slot_min))
    }

    /// Sum of the first `m` entries of `list` other than `person`.
    fn sum_without(list: &[(u32, u32)], m: usize, person: u32) -> Option<u32> {
        let mut sum = 0u32;
        let mut n = 0;
        for &(salary, who) in list {
            if n == m {
                break;
            }
            if who != person {
                sum = sum.saturating_add(salary);
                n += 1;
            }
        }
        (n == m).then_some(sum)
    }
}

/// Inserts `(salary, person)` into a sorted list of at most `len` entries
/// (`before(a, b)`: `a` ranks first).
fn insert_ranked(
    list: &mut [(u32, u32)],
    n: &mut usize,
    len: usize,
    item: (u32, u32),
    before: impl Fn(u32, u32) -> bool,
) {
    if *n == len && !before(item.0, list[len - 1].0) {
        return;
    }
    let mut i = (*n).min(len - 1);
    if *n < len {
        *n += 1;
    }
    while i > 0 && before(item.0, list[i - 1].0) {
        list[i] = list[i - 1];
        i -= 1;
    }
    list[i] = item;
}

/// What one casual entrant holds to in a draw.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Prefs<'a> {
    /// Least salary (raised to the pool's floor).
    pub floor: u32,
    /// Least base projection (0: none).
    pub min_proj: f64,
    /// The entrant's stack, under the slate's stacking plan.
    pub want: &'a Want,
    pub stacks: &'a StackPlan,
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
    picked: Vec<Candidate>,
    tally: Tally,
}

impl Scratch {
    pub fn new(pool: &Pool<'_>) -> Self {
        Scratch {
            taken: vec![false; pool.slate.players.len()],
            cumulative: Vec::with_capacity(pool.slate.players.len()),
            lineup: Lineup {
                players: vec![NONE; pool.order.len()],
            },
            values: vec![0.0; pool.slate.players.len()],
            top: vec![Vec::new(); pool.order.len()],
            picked: Vec::with_capacity(pool.order.len()),
            tally: Tally {
                games: vec![0; pool.n_games],
                teams: vec![0; pool.n_teams],
                distinct_games: 0,
                team_excess: 0,
            },
        }
    }
}

/// Games and teams of a partial lineup, for the min-games and team-limit rules.
#[derive(Debug)]
struct Tally {
    games: Vec<u16>,
    teams: Vec<u16>,
    distinct_games: u32,
    team_excess: u32,
}

impl Tally {
    fn clear(&mut self) {
        self.games.iter_mut().for_each(|g| *g = 0);
        self.teams.iter_mut().for_each(|t| *t = 0);
        self.distinct_games = 0;
        self.team_excess = 0;
    }

    fn add(&mut self, pool: &Pool<'_>, p: u32) {
        let g = pool.game[p as usize] as usize;
        if self.games[g] == 0 {
            self.distinct_games += 1;
        }
        self.games[g] += 1;
        let t = pool.team[p as usize] as usize;
        self.teams[t] += 1;
        if pool
            .slate
            .rules
            .max_players_per_team
            .is_some_and(|max| u32::from(self.teams[t]) > max)
        {
            self.team_excess += 1;
        }
    }

    fn remove(&mut self, pool: &Pool<'_>, p: u32) {
        let g = pool.game[p as usize] as usize;
        self.games[g] -= 1;
        if self.games[g] == 0 {
            self.distinct_games -= 1;
        }
        let t = pool.team[p as usize] as usize;
        if pool
            .slate
            .rules
            .max_players_per_team
            .is_some_and(|max| u32::from(self.teams[t]) > max)
        {
            self.team_excess -= 1;
        }
        self.teams[t] -= 1;
    }

    /// How far a full lineup is from the min-games and team-limit rules (0: it keeps them).
    fn violation(&self, pool: &Pool<'_>) -> u32 {
        pool.slate
            .rules
            .min_games
            .saturating_sub(self.distinct_games)
            + self.team_excess
    }

    /// The violation after swapping `out` for `inn` (both lists of equal length).
    fn violation_after(&mut self, pool: &Pool<'_>, out: &[u32], inn: &[u32]) -> u32 {
        out.iter().for_each(|&p| self.remove(pool, p));
        inn.iter().for_each(|&p| self.add(pool, p));
        let v = self.violation(pool);
        inn.iter().for_each(|&p| self.remove(pool, p));
        out.iter().for_each(|&p| self.add(pool, p));
        v
    }
}

impl<'a> Pool<'a> {
    /// Prepares the slate; `floor` must already be clamped to the cap.
    ///
    /// Every player projected above 0 is in the pool. A sharp build may pick
    /// any of them: an optimizer sees projections, and a projected ownership of
    /// 0 is a forecast made before the news (a late starter the projection has
    /// caught up with can be a third of the real field). A casual draw picks by
    /// weight, so never a player whose weight is 0; each slot needs one with
    /// projected ownership above 0.
    /// Slots in `first_slots` (a bit per slot) are filled first (the stack anchor's).
    pub fn new(slate: &'a Slate, floor: u32, first_slots: u32) -> Result<Self, FieldSamplerError> {
        let rules = &slate.rules;
        let n_slots = rules.roster_size();
        let fits = |p: &Player, slot: usize| p.projection > 0.0 && p.slot_mask & (1 << slot) != 0;
        let per_slot: Vec<Vec<Candidate>> = (0..n_slots)
            .map(|slot| {
                slate
                    .players
                    .iter()
                    .enumerate()
                    .filter(|(_, p)| fits(p, slot))
                    .map(|(i, p)| Candidate {
                        player: i as u32,
                        salary: p.salary,
                        proj: p.projection,
                    })
                    .collect()
            })
            .collect();
        let casual_can_fill = |slot: usize| {
            slate
                .players
                .iter()
                .any(|p| p.ownership > 0.0 && fits(p, slot))
        };
        if let Some(slot) = (0..n_slots).find(|&slot| !casual_can_fill(slot)) {
            return Err(FieldSamplerError::EmptySlot {
                slot: rules.slots[slot].name.clone(),
            });
        }
        let mut order: Vec<usize> = (0..n_slots).collect();
        order.sort_by_key(|&s| (first_slots & (1 << s) == 0, per_slot[s].len(), s));
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

        let mut twin = vec![NONE; slate.players.len()];
        for (i, p) in slate.players.iter().enumerate() {
            if let Some(base) = p.captain_of
                && (base as usize) < twin.len()
            {
                twin[i] = base;
                twin[base as usize] = i as u32;
            }
        }
        let teams: BTreeMap<&str, u32> = {
            let mut names: Vec<&str> = slate.players.iter().map(|p| p.team.as_str()).collect();
            names.sort_unstable();
            names.dedup();
            names.into_iter().zip(0..).collect()
        };
        let team = slate
            .players
            .iter()
            .map(|p| teams[p.team.as_str()])
            .collect();
        let game: Vec<u32> = slate.players.iter().map(|p| p.game).collect();
        let n_games = game.iter().map(|&g| g as usize + 1).max().unwrap_or(0);

        if n_slots > MAX_ROSTER {
            return Err(FieldSamplerError::RosterTooLarge {
                slots: n_slots,
                most: MAX_ROSTER,
            });
        }
        let people_rest = (0..=n_slots)
            .map(|k| {
                let mut people: BTreeMap<u32, Person> = BTreeMap::new();
                for c in candidates[k..].iter().flatten() {
                    let id = slate.person(c.player);
                    let e = people.entry(id).or_insert(Person {
                        id,
                        least: c.salary,
                        most: c.salary,
                    });
                    e.least = e.least.min(c.salary);
                    e.most = e.most.max(c.salary);
                }
                people.into_values().collect()
            })
            .collect();

        let unit = salary_unit(&candidates, cap);
        let proj_rest = proj_rest(&candidates, cap / unit, unit);
        let per_dollar = slate.points_per_dollar().unwrap_or(0.0);
        Ok(Pool {
            slate,
            order,
            candidates,
            min_rest,
            max_rest,
            two_row_people: twin.iter().any(|&t| t != NONE),
            people_rest,
            cap,
            floor,
            twin,
            team,
            game,
            n_teams: teams.len(),
            n_games,
            unit,
            proj_rest,
            per_dollar,
        })
    }

    /// Players per lineup.
    pub fn roster_size(&self) -> usize {
        self.order.len()
    }

    /// The salary bounds of fill steps `k..` over the free people (each once).
    fn rest(&self, k: usize, taken: &[bool]) -> Rest {
        let m = self.order.len() - k;
        let mut rest = Rest {
            m,
            slot_min: self.min_rest[k],
            slot_max: self.max_rest[k],
            top: [(0, NONE); MAX_ROSTER + 1],
            n_top: 0,
            bottom: [(0, NONE); MAX_ROSTER + 1],
            n_bottom: 0,
            people: false,
        };
        // Without two-row people (captain and base) the per-slot bound is as
        // good, and the per-person one would cost a pass over the pool per pick.
        if m == 0 || !self.two_row_people {
            return rest;
        }
        rest.people = true;
        for p in &self.people_rest[k] {
            if taken[p.id as usize] {
                continue;
            }
            insert_ranked(
                &mut rest.top,
                &mut rest.n_top,
                m + 1,
                (p.most, p.id),
                |a, b| a > b,
            );
            insert_ranked(
                &mut rest.bottom,
                &mut rest.n_bottom,
                m + 1,
                (p.least, p.id),
                |a, b| a < b,
            );
        }
        rest
    }

    /// Whether taking candidate `c` on top of `salary` leaves both the cap and
    /// `floor` reachable by the steps after it (`rest`), each person once.
    fn keeps_reachable(&self, rest: &Rest, c: &Candidate, salary: u32, floor: u32) -> bool {
        let person = self.slate.person(c.player);
        let now = salary.saturating_add(c.salary);
        match (rest.least_without(person), rest.most_without(person)) {
            (Some(least), Some(most)) => {
                now.saturating_add(least) <= self.cap && now.saturating_add(most) >= floor
            }
            _ => false,
        }
    }

    /// Best base projection fill steps `k..` can add with `budget` dollars.
    fn proj_bound(&self, k: usize, budget: u32) -> f64 {
        let row = &self.proj_rest[k];
        row[((budget / self.unit) as usize).min(row.len() - 1)]
    }

    /// Marks a player, and the other row of the same person, taken (or free).
    fn mark(&self, taken: &mut [bool], p: u32, on: bool) {
        taken[p as usize] = on;
        if let Some(t) = taken.get_mut(self.twin[p as usize] as usize) {
            *t = on;
        }
    }

    /// Draws one lineup with probability proportional to `weights` (indexed by
    /// slate player) at every pick, within the entrant's preferences `prefs`.
    /// Returns the lineup in slot order, or `None` on a dead end or a broken rule
    /// (min games, team limit): the caller redraws.
    pub fn draw<'s, R: Rng>(
        &self,
        weights: &[f64],
        prefs: &Prefs<'_>,
        rng: &mut R,
        scratch: &'s mut Scratch,
    ) -> Option<&'s Lineup> {
        let ok = self.fill(weights, prefs, rng, scratch)
            && self.projection(&scratch.lineup.players) >= prefs.min_proj
            && prefs
                .stacks
                .holds(self, prefs.want, &scratch.lineup.players);
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
        prefs: &Prefs<'_>,
        rng: &mut R,
        scratch: &mut Scratch,
    ) -> bool {
        let floor = prefs.floor.clamp(self.floor, self.cap);
        let (min_proj, stacks) = (prefs.min_proj, prefs.stacks);
        let Scratch {
            taken,
            cumulative,
            lineup,
            ..
        } = scratch;
        // Slots not reached on a dead end hold NONE, which the release loop skips.
        lineup.players.iter_mut().for_each(|p| *p = NONE);
        let mut salary = 0u32;
        let mut proj = 0.0;
        let mut stack = stacks.start(prefs.want);
        for (k, (&slot, candidates)) in self.order.iter().zip(&self.candidates).enumerate() {
            let Some((least, most)) = self.salary_window(k, salary, floor) else {
                return false;
            };
            let rest = self.rest(k + 1, taken);
            let rule = stack.rule(self, stacks, k, rng);
            cumulative.clear();
            let mut total = 0.0;
            for c in candidates {
                if c.salary > most
                    || c.salary < least
                    || taken[c.player as usize]
                    || !self.keeps_reachable(&rest, c, salary, floor)
                {
                    continue;
                }
                if min_proj > 0.0
                    && proj + c.proj + self.proj_bound(k + 1, self.cap - salary - c.salary)
                        < min_proj
                {
                    continue;
                }
                if !rule.allows(self, stacks, c.player) {
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
            self.mark(taken, player, true);
            lineup.players[slot] = player;
            salary += self.slate.players[player as usize].salary;
            proj += self.slate.players[player as usize].projection;
            stack.picked(self, stacks, player);
        }
        true
    }
}

/// The largest salary step shared by the cap and every candidate's salary, made
/// coarser if the table would exceed [`MAX_BUDGET_UNITS`] (the bound stays valid:
/// salaries round down, budgets round down).
fn salary_unit(candidates: &[Vec<Candidate>], cap: u32) -> u32 {
    fn gcd(a: u32, b: u32) -> u32 {
        if b == 0 { a } else { gcd(b, a % b) }
    }
    let g = candidates
        .iter()
        .flatten()
        .fold(cap, |g, c| gcd(g, c.salary))
        .max(1);
    g.max(cap.div_ceil(MAX_BUDGET_UNITS)).max(1)
}

/// `proj_rest[k][b]`: the best base projection of fill steps `k..` with salary
/// (in units, rounded down per player) at most `b`, a player per step (a player
/// may count in several steps: an upper bound); `-inf` when nothing fits.
fn proj_rest(candidates: &[Vec<Candidate>], units: u32, unit: u32) -> Vec<Vec<f64>> {
    let width = units as usize + 1;
    let n = candidates.len();
    let mut table = vec![vec![f64::NEG_INFINITY; width]; n + 1];
    table[n].iter_mut().for_each(|x| *x = 0.0);
    for k in (0..n).rev() {
        for b in 0..width {
            let mut best = f64::NEG_INFINITY;
            for c in &candidates[k] {
                let cost = (c.salary / unit) as usize;
                if cost <= b {
                    best = best.max(c.proj + table[k + 1][b - cost]);
                }
            }
            table[k][b] = best;
        }
    }
    table
}

/// Candidates per slot a sharp build considers for pair swaps.
const PAIR_TOP: usize = 10;
/// The greedy starts of a sharp build, as tilts in the slate's points per
/// salary dollar: a player counts his value less the tilt times his salary,
/// so a low tilt leans to stars and a high one to values. The local search
/// runs from the start worth the most: from a stars-first start (tilt 0) no
/// single or pair swap reaches the lineups that spread the salary.
const SHARP_TILTS: [f64; 4] = [0.3, 0.6, 0.9, 1.2];
/// Most improvement passes of a sharp build.
const MAX_PASSES: usize = 12;

/// How a sharp build ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Built {
    /// Valid as first built.
    Valid,
    /// Broke a roster rule (min games, team limit) or dead-ended, and was repaired by swaps.
    Repaired,
    /// Could not be built or repaired.
    Failed,
}

impl Pool<'_> {
    /// A sharp entrant's lineup: a good lineup for `scratch.values` within the
    /// cap and `floor`. Not an exact optimizer, on purpose and by budget (within
    /// 1% of the optimum in the tests, against the exact optimizer): greedy
    /// builds (scarcest slot first, the player with the most value less a tilt
    /// per salary dollar that keeps the cap and the floor reachable), one per
    /// [`SHARP_TILTS`]; the best of them improved by single swaps (any eligible
    /// player) and pair swaps (among each slot's [`PAIR_TOP`] best by value less
    /// the start's tilt: stars and values both) until no swap gains. (A
    /// stars-first start alone ended 4% short of the optimum on a real 8-game
    /// slate, 11% on an 11-game one: sharp fields were weak.) When the result
    /// breaks a roster rule (min games, team limit: common on two-game slates,
    /// where the best players cluster in one game), it is repaired: the single
    /// swap that most reduces the breach at the least loss of value, until none
    /// is left, then improved again among valid lineups. A `stack` the entrant
    /// wants counts as a rule here: a build that does not hold it is repaired
    /// the same way. Deterministic in the values.
    pub fn build_sharp<'s>(
        &self,
        floor: u32,
        stack: Option<(&StackPlan, &Want)>,
        scratch: &'s mut Scratch,
    ) -> (Built, Option<&'s Lineup>) {
        let floor = floor.clamp(self.floor, self.cap);
        let tilt = self.best_tilt(floor, scratch);
        let built = self.sharp(floor, stack, tilt, scratch);
        (built, self.release(built != Built::Failed, scratch))
    }

    /// Releases the taken marks whatever happened, so the scratch is clean, and
    /// returns the built lineup when it was built (`ok`) and passes every DK rule.
    fn release<'s>(&self, ok: bool, scratch: &'s mut Scratch) -> Option<&'s Lineup> {
        for &p in &scratch.lineup.players {
            if p != NONE {
                self.mark(&mut scratch.taken, p, false);
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

    /// The greedy start: in fill order, the affordable player (keeping the cap
    /// and the floor reachable) with the most value less `tilt` points per
    /// salary dollar (0: value alone, the stars first). Marks and records the
    /// players in `lineup` and `picked`; stops at a dead end. Returns the salary.
    fn greedy(
        &self,
        floor: u32,
        tilt: f64,
        taken: &mut [bool],
        lineup: &mut Lineup,
        values: &[f64],
        picked: &mut Vec<Candidate>,
    ) -> u32 {
        let tilted = |c: &Candidate| values[c.player as usize] - tilt * f64::from(c.salary);
        lineup.players.iter_mut().for_each(|p| *p = NONE);
        picked.clear();
        let mut salary = 0u32;
        for (k, candidates) in self.candidates.iter().enumerate() {
            let Some((least, most)) = self.salary_window(k, salary, floor) else {
                break;
            };
            let rest = self.rest(k + 1, taken);
            let best = candidates
                .iter()
                .filter(|c| {
                    c.salary <= most
                        && c.salary >= least
                        && !taken[c.player as usize]
                        && self.keeps_reachable(&rest, c, salary, floor)
                })
                .max_by(|a, b| tilted(a).total_cmp(&tilted(b)));
            let Some(&c) = best else {
                break;
            };
            self.mark(taken, c.player, true);
            lineup.players[self.order[k]] = c.player;
            salary += c.salary;
            picked.push(c);
        }
        salary
    }

    /// The tilt of [`SHARP_TILTS`] whose greedy start is worth the most (a
    /// complete start beats a dead end); the marks are left clean.
    fn best_tilt(&self, floor: u32, scratch: &mut Scratch) -> f64 {
        let Scratch {
            taken,
            lineup,
            values,
            picked,
            ..
        } = scratch;
        let mut best = (false, f64::NEG_INFINITY, SHARP_TILTS[0] * self.per_dollar);
        for &tilt in &SHARP_TILTS {
            let tilt = tilt * self.per_dollar;
            self.greedy(floor, tilt, taken, lineup, values, picked);
            let complete = picked.len() == self.order.len();
            let v: f64 = picked.iter().map(|c| values[c.player as usize]).sum();
            for c in picked.iter() {
                self.mark(taken, c.player, false);
            }
            if (complete, v) > (best.0, best.1) {
                best = (complete, v, tilt);
            }
        }
        best.2
    }

    fn sharp(
        &self,
        floor: u32,
        stack: Option<(&StackPlan, &Want)>,
        tilt: f64,
        scratch: &mut Scratch,
    ) -> Built {
        let Scratch {
            taken,
            lineup,
            values,
            top,
            picked,
            tally,
            ..
        } = scratch;
        let value = |c: &Candidate| values[c.player as usize];
        let tilted = |c: &Candidate| values[c.player as usize] - tilt * f64::from(c.salary);
        let mut salary = self.greedy(floor, tilt, taken, lineup, values, picked);
        // A dead end (the bounds ignore that a player stands once): fill the rest
        // with the cheapest free players and let the repair bring the salary back.
        let complete = picked.len() == self.order.len();
        for k in picked.len()..self.order.len() {
            let cheapest = self.candidates[k]
                .iter()
                .filter(|c| !taken[c.player as usize])
                .min_by_key(|c| c.salary);
            let Some(&c) = cheapest else {
                return Built::Failed;
            };
            self.mark(taken, c.player, true);
            lineup.players[self.order[k]] = c.player;
            salary += c.salary;
            picked.push(c);
        }
        // Each step's best candidates by tilted value, for pair swaps.
        for (t, candidates) in top.iter_mut().zip(&self.candidates) {
            t.clear();
            t.extend_from_slice(candidates);
            if t.len() > PAIR_TOP {
                t.select_nth_unstable_by(PAIR_TOP - 1, |a, b| tilted(b).total_cmp(&tilted(a)));
                t.truncate(PAIR_TOP);
            }
            // Most valuable first, so the pair search can stop early.
            t.sort_unstable_by(|a, b| value(b).total_cmp(&value(a)).then(a.player.cmp(&b.player)));
        }
        let mut search = Search {
            pool: self,
            floor,
            taken,
            values,
            top,
            picked,
            tally,
            salary,
            keep_valid: false,
            stack,
        };
        if complete {
            search.improve();
        }
        search.tally.clear();
        for c in search.picked.iter() {
            search.tally.add(self, c.player);
        }
        let mut built = Built::Valid;
        let breach = search.breach(&[], &[]);
        if search.badness(search.salary, breach) > 0 {
            if !search.repair() {
                search.write(lineup, &self.order);
                return Built::Failed;
            }
            search.keep_valid = true;
            search.improve();
            built = Built::Repaired;
        }
        search.write(lineup, &self.order);
        built
    }
}

/// A sharp build's local search over a full lineup (`picked`, in fill order).
struct Search<'p, 's> {
    pool: &'p Pool<'p>,
    floor: u32,
    taken: &'s mut [bool],
    values: &'s [f64],
    top: &'s [Vec<Candidate>],
    picked: &'s mut Vec<Candidate>,
    tally: &'s mut Tally,
    salary: u32,
    /// Accept only swaps that keep the roster rules (the tally is current).
    keep_valid: bool,
    /// The stack the entrant wants, if stacking applies.
    stack: Option<(&'p StackPlan, &'p Want)>,
}

impl Search<'_, '_> {
    fn value(&self, c: &Candidate) -> f64 {
        self.values[c.player as usize]
    }

    fn fits(&self, s: u32) -> bool {
        s <= self.pool.cap && s >= self.floor
    }

    fn person(&self, p: u32) -> u32 {
        p.min(self.pool.twin[p as usize])
    }

    fn swap(&mut self, k: usize, c: Candidate) {
        let cur = self.picked[k];
        self.pool.mark(self.taken, cur.player, false);
        self.pool.mark(self.taken, c.player, true);
        if self.keep_valid {
            self.tally.remove(self.pool, cur.player);
            self.tally.add(self.pool, c.player);
        }
        self.salary = self.salary - cur.salary + c.salary;
        self.picked[k] = c;
    }

    fn write(&self, lineup: &mut Lineup, order: &[usize]) {
        for (c, &slot) in self.picked.iter().zip(order) {
            lineup.players[slot] = c.player;
        }
    }

    /// Single swaps until none gains, then pair swaps, until neither gains.
    fn improve(&mut self) {
        for _ in 0..MAX_PASSES {
            while self.single_pass() {}
            if !self.pair_pass() {
                break;
            }
        }
    }

    /// One pass of best single swaps per step; true if any swap gained.
    fn single_pass(&mut self) -> bool {
        let mut improved = false;
        for k in 0..self.picked.len() {
            let cur = self.picked[k];
            let base = self.salary - cur.salary;
            let mut best: Option<Candidate> = None;
            let mut best_v = self.value(&cur) + 1e-9;
            for c in &self.pool.candidates[k] {
                let v = self.value(c);
                if v > best_v
                    && !self.taken[c.player as usize]
                    && self.fits(base + c.salary)
                    && (!self.keep_valid || self.breach(&[k], &[c.player]) == 0)
                {
                    best = Some(*c);
                    best_v = v;
                }
            }
            if let Some(c) = best {
                self.swap(k, c);
                improved = true;
            }
        }
        improved
    }

    /// One pass of best pair swaps among the top candidates; true if any gained.
    fn pair_pass(&mut self) -> bool {
        let mut improved = false;
        let n = self.picked.len();
        for k in 0..n {
            for l in k + 1..n {
                let (ck, cl) = (self.picked[k], self.picked[l]);
                let (pk, pl) = (self.person(ck.player), self.person(cl.player));
                let base = self.salary - ck.salary - cl.salary;
                let mut best: Option<(Candidate, Candidate)> = None;
                let mut best_v = self.value(&ck) + self.value(&cl) + 1e-9;
                let top_l = self.top[l]
                    .first()
                    .map_or(f64::NEG_INFINITY, |b| self.value(b));
                for a in &self.top[k] {
                    // Lists run from the most valuable down: nothing further can gain.
                    if self.value(a) + top_l <= best_v {
                        break;
                    }
                    let pa = self.person(a.player);
                    if self.taken[a.player as usize] && pa != pk && pa != pl {
                        continue;
                    }
                    for b in &self.top[l] {
                        if self.value(a) + self.value(b) <= best_v {
                            break;
                        }
                        let pb = self.person(b.player);
                        if pb == pa || (self.taken[b.player as usize] && pb != pk && pb != pl) {
                            continue;
                        }
                        let v = self.value(a) + self.value(b);
                        if v > best_v
                            && self.fits(base + a.salary + b.salary)
                            && (!self.keep_valid
                                || self.breach(&[k, l], &[a.player, b.player]) == 0)
                        {
                            best = Some((*a, *b));
                            best_v = v;
                        }
                    }
                }
                if let Some((a, b)) = best {
                    // Free both first: a or b may be the person leaving the other slot.
                    self.pool.mark(self.taken, ck.player, false);
                    self.pool.mark(self.taken, cl.player, false);
                    self.pool.mark(self.taken, a.player, true);
                    self.pool.mark(self.taken, b.player, true);
                    if self.keep_valid {
                        self.tally.remove(self.pool, ck.player);
                        self.tally.remove(self.pool, cl.player);
                        self.tally.add(self.pool, a.player);
                        self.tally.add(self.pool, b.player);
                    }
                    self.salary = base + a.salary + b.salary;
                    self.picked[k] = a;
                    self.picked[l] = b;
                    improved = true;
                }
            }
        }
        improved
    }

    /// How far a full lineup is from valid: roster-rule breaches first, then
    /// dollars outside `[floor, cap]`.
    fn badness(&self, salary: u32, violation: u32) -> u64 {
        let off = salary.saturating_sub(self.pool.cap) + self.floor.saturating_sub(salary);
        u64::from(violation) * (u64::from(self.pool.cap) + 1) + u64::from(off)
    }

    /// Swaps, one player at a time, toward a valid lineup (roster rules, salary
    /// window): each step takes the swap with the least badness left, then the
    /// most value. The tally must be current. True when the lineup ends valid.
    fn repair(&mut self) -> bool {
        for _ in 0..3 * self.picked.len() {
            let breach = self.breach(&[], &[]);
            let now = self.badness(self.salary, breach);
            if now == 0 {
                return true;
            }
            let mut best: Option<(usize, Candidate, u64, f64)> = None;
            for k in 0..self.picked.len() {
                let cur = self.picked[k];
                let base = self.salary - cur.salary;
                for c in &self.pool.candidates[k] {
                    if self.taken[c.player as usize] {
                        continue;
                    }
                    let v = self.breach(&[k], &[c.player]);
                    let bad = self.badness(base + c.salary, v);
                    if bad >= now {
                        continue;
                    }
                    let gain = self.value(c) - self.value(&cur);
                    let better =
                        best.is_none_or(|(_, _, bb, bg)| bad < bb || (bad == bb && gain > bg));
                    if better {
                        best = Some((k, *c, bad, gain));
                    }
                }
            }
            let Some((k, c, _, _)) = best else {
                return false;
            };
            let cur = self.picked[k];
            self.tally.remove(self.pool, cur.player);
            self.tally.add(self.pool, c.player);
            self.pool.mark(self.taken, cur.player, false);
            self.pool.mark(self.taken, c.player, true);
            self.salary = self.salary - cur.salary + c.salary;
            self.picked[k] = c;
        }
        let breach = self.breach(&[], &[]);
        self.badness(self.salary, breach) == 0
    }

    /// Roster-rule breaches plus the distance from the wanted stack, with the
    /// picks at fill steps `ks` replaced by `inn`. The tally must be current.
    fn breach(&mut self, ks: &[usize], inn: &[u32]) -> u32 {
        let mut out = [NONE; 2];
        for (o, &k) in out.iter_mut().zip(ks) {
            *o = self.picked[k].player;
        }
        let rules = self.tally.violation_after(self.pool, &out[..ks.len()], inn);
        let Some((plan, want)) = self.stack else {
            return rules;
        };
        let mut players = [NONE; 32];
        let n = self.picked.len().min(32);
        for (p, c) in players.iter_mut().zip(self.picked.iter()) {
            *p = c.player;
        }
        for (&k, &p) in ks.iter().zip(inn) {
            players[k] = p;
        }
        rules + plan.deviation(self.pool, want, &players[..n])
    }
}
