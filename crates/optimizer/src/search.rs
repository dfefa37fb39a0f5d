//! The exact branch and bound: one search finds the best lineup for one objective.
//!
//! Players are searched in *blocks*: a position class (players with the same
//! slot mask) that every valid lineup must draw from (NFL's QB, DST, TE, RB, WR)
//! becomes its own block, with the least and most players a lineup can hold from
//! it; all other players form one free block. Blocks come first from the most
//! restrictive, and inside a block players go by points, best first. The depth
//! first search includes a player before it skips him, and prunes with an upper
//! bound from a dynamic programme over the remaining players:
//! `F[j][t][r][b]` = the best points of exactly `r` players from positions `j..`
//! with salary at most `b` budget units, when `t` players of `j`'s block are
//! already taken (blocks' least and most counts hold). Partial sets that cannot
//! be slotted (incremental bipartite matching), that break the team limit, or
//! that already share too many players with an earlier lineup are cut at once.

use std::sync::atomic::{AtomicBool, Ordering};

use crate::OptimizerError;
use crate::problem::{NO_KEY, NO_PARTNER, Pool, Problem};

/// Scores within this (relative to the score's size) of the incumbent count as ties:
/// the first lineup found is kept, and ties do not open new branches.
const EPS: f64 = 1e-9;
/// Most cells of the bound table (f64), 64 MB; beyond it salaries go to a coarser unit.
const MAX_CELLS: usize = 8_000_000;
/// Most branch nodes of one search; past it the search stops and is reported as not proven.
const NODE_LIMIT: u64 = 300_000_000;
const FREE_SLOT: u8 = u8::MAX;

#[derive(Debug, Clone, Copy)]
struct Block {
    /// Fewest non-locked players a lineup must take from the block.
    min: usize,
    /// Most non-locked players a lineup may take from the block.
    cap: usize,
    /// No count limits: the DP keeps a single state for it.
    free: bool,
}

impl Block {
    fn states(&self) -> usize {
        if self.free { 1 } else { self.cap + 1 }
    }

    /// The count state after leaving position `j` with `t_after` players of this
    /// block taken, when the next position is in the same block (`same`) or not.
    fn advance(&self, t_after: usize, same: bool) -> Option<usize> {
        if same {
            Some(t_after)
        } else if self.free || t_after >= self.min {
            Some(0)
        } else {
            None
        }
    }
}

/// The stored rows `lo..=hi` (player counts) of one count state of the bound table.
#[derive(Debug, Clone, Copy)]
struct Rows {
    start: usize,
    lo: usize,
    hi: usize,
}

impl Rows {
    /// First cell of row `r`, if it is stored (rows not stored are -inf).
    fn cell(&self, r: usize, bdim: usize) -> Option<usize> {
        (self.lo..=self.hi)
            .contains(&r)
            .then(|| self.start + (r - self.lo) * bdim)
    }
}

/// The result of one search.
#[derive(Debug, Clone)]
pub(crate) struct Outcome {
    /// The best lineup (slate indices in slot order) and its points, if any exists.
    pub lineup: Option<(Vec<u32>, f64)>,
    /// The search ran to the end: the lineup is optimal, or none exists.
    pub exact: bool,
    pub nodes: u64,
}

/// One objective over one set of available players, with its bound table.
#[derive(Debug)]
pub(crate) struct Model<'p, 'a> {
    prob: &'p Problem<'a>,
    /// False when the locks alone already break a rule.
    base_ok: bool,
    lock_points: f64,
    lock_salary: u32,
    lock_masks: Vec<u32>,
    lock_owner: [u8; 32],
    lock_games: Vec<u16>,
    /// Candidate players (slate indices) in search order, and their data.
    order: Vec<u32>,
    points: Vec<f64>,
    salary: Vec<u32>,
    mask: Vec<u32>,
    game: Vec<u16>,
    /// Block of each position; one extra sentinel at the end.
    blk: Vec<usize>,
    blocks: Vec<Block>,
    n_games: usize,
    /// Slots that players of positions `j..` can fill.
    slots_after: Vec<u32>,
    /// All the roster's slots.
    all_slots: u32,
    /// Game bits of positions `j..` (when the slate has at most 128 games in play).
    games_after: Option<Vec<u128>>,
    /// Most salary `r` players of positions `j..` can spend: `[j * rdim + r]`.
    max_salary_after: Vec<u32>,
    unit: u32,
    rdim: usize,
    bdim: usize,
    /// First count state of each position (plus the sentinel), into `rows`.
    state_at: Vec<usize>,
    /// Where each state's stored rows lie in `table`.
    rows: Vec<Rows>,
    table: Vec<f64>,
    /// First position of the same-points tail of the free block (`order.len()`
    /// when there is none); later positions are not in `table`.
    tail: usize,
    /// Best points of `r` tail players: `[r]`.
    tail_points: Vec<f64>,
    /// Least salary units of `r` players of positions `j..` in the tail:
    /// `[(j - tail) * rdim + r]` (`usize::MAX`: fewer than `r` players).
    tail_min_units: Vec<usize>,
    /// Tie tolerance: `EPS` times the size of a lineup's score.
    tie: f64,
    /// Group members among positions `j..`: `[g][j]`.
    group_after: Vec<Vec<u32>>,
    /// Counted players per key among positions `j..`: `[keyed][j * n_keys + k]`.
    key_after: Vec<Vec<u32>>,
    /// Team bits of positions `j..` (for `min_teams`; when at most 128 teams).
    teams_after: Option<Vec<u128>>,
}

impl<'p, 'a> Model<'p, 'a> {
    /// Builds the search order and the bound table for `points`, without the
    /// `unavailable` players (exposure caps).
    ///
    /// `scratch` is reused as the bound table (see [`Model::into_scratch`]), so that
    /// building one model per variant does not allocate afresh.
    pub fn new(
        prob: &'p Problem<'a>,
        points: &[f64],
        unavailable: &[bool],
        scratch: Vec<f64>,
    ) -> Self {
        let players = &prob.slate.players;
        let roster = prob.roster;
        let is_lock = |i: usize| prob.locks.binary_search(&(i as u32)).is_ok();

        // The locks on their own.
        let lock_masks: Vec<u32> = prob.locks.iter().map(|&i| prob.masks[i as usize]).collect();
        let mut lock_owner = [FREE_SLOT; 32];
        let mut base_ok =
            prob.locks.len() <= roster && prob.locks.iter().all(|&i| !prob.excluded[i as usize]);
        for k in 0..lock_masks.len() {
            if base_ok {
                let mut seen = 0;
                base_ok = augment(k as u8, &lock_masks, &mut lock_owner, &mut seen);
            }
        }
        let lock_salary: u32 = prob.locks.iter().map(|&i| players[i as usize].salary).sum();
        let lock_points: f64 = prob.locks.iter().map(|&i| points[i as usize]).sum();
        base_ok &= lock_salary <= prob.max_salary;
        let mut lock_team = vec![0u32; prob.n_teams];
        for &i in &prob.locks {
            lock_team[prob.team[i as usize] as usize] += 1;
        }
        if let Some(max) = prob.max_per_team {
            base_ok &= lock_team.iter().all(|&c| c <= max);
        }
        let budget = prob.max_salary.saturating_sub(lock_salary);

        let team_full = |i: usize| {
            prob.max_per_team
                .is_some_and(|max| lock_team[prob.team[i] as usize] >= max)
        };
        // A person once: a locked row's partner row is out.
        let partner_locked =
            |i: usize| prob.partner[i] != NO_PARTNER && is_lock(prob.partner[i] as usize);
        base_ok &= !prob.locks.iter().any(|&i| partner_locked(i as usize));
        let mut cand: Vec<usize> = (0..players.len())
            .filter(|&i| {
                !prob.excluded[i]
                    && !unavailable.get(i).copied().unwrap_or(false)
                    && !is_lock(i)
                    && prob.masks[i] != 0
                    && players[i].salary <= budget
                    && !team_full(i)
                    && !partner_locked(i)
            })
            .collect();
        // Every slot must be fillable from the locks and candidates together.
        let mut owner = lock_owner;
        let mut all_masks = lock_masks.clone();
        let mut seated = lock_masks.len();
        for &i in &cand {
            if !base_ok || seated >= roster {
                break;
            }
            all_masks.push(prob.masks[i]);
            let mut seen = 0;
            if augment(
                (all_masks.len() - 1) as u8,
                &all_masks,
                &mut owner,
                &mut seen,
            ) {
                seated += 1;
            } else {
                all_masks.pop();
            }
        }
        base_ok &= seated == roster;
        if !base_ok || prob.locks.len() >= roster {
            cand.clear();
        }

        // Position classes and their least and most counts in any valid lineup.
        let mut classes: Vec<u32> = cand
            .iter()
            .map(|&i| prob.masks[i])
            .chain(lock_masks.iter().copied())
            .collect();
        classes.sort_unstable();
        classes.dedup();
        let mut blocks: Vec<(u32, Block)> = Vec::new();
        for (c, &m) in classes.iter().enumerate() {
            let others = classes
                .iter()
                .enumerate()
                .filter(|&(d, _)| d != c)
                .fold(0u32, |acc, (_, &o)| acc | o);
            let min = roster.saturating_sub(others.count_ones() as usize);
            if min == 0 {
                continue;
            }
            let locked = lock_masks.iter().filter(|&&l| l == m).count();
            let cap = (m.count_ones() as usize).min(roster);
            blocks.push((
                m,
                Block {
                    min: min.saturating_sub(locked),
                    cap: cap.saturating_sub(locked),
                    free: false,
                },
            ));
        }
        blocks.sort_by_key(|&(m, b)| (b.cap, m));
        let block_masks: Vec<u32> = blocks.iter().map(|&(m, _)| m).collect();
        let block_of = |m: u32| {
            block_masks
                .iter()
                .position(|&bm| bm == m)
                .unwrap_or(block_masks.len())
        };
        let free = Block {
            min: 0,
            cap: roster,
            free: true,
        };
        let mut blocks: Vec<Block> = blocks.into_iter().map(|(_, b)| b).collect();
        blocks.push(free);
        cand.sort_by(|&a, &b| {
            block_of(prob.masks[a])
                .cmp(&block_of(prob.masks[b]))
                .then(points[b].total_cmp(&points[a]))
                .then(a.cmp(&b))
        });

        let n = cand.len();
        let order: Vec<u32> = cand.iter().map(|&i| i as u32).collect();
        let pts: Vec<f64> = cand.iter().map(|&i| points[i]).collect();
        let salary: Vec<u32> = cand.iter().map(|&i| players[i].salary).collect();
        let mask: Vec<u32> = cand.iter().map(|&i| prob.masks[i]).collect();
        let mut blk: Vec<usize> = cand.iter().map(|&i| block_of(prob.masks[i])).collect();
        blk.push(blocks.len());

        // Games, compacted.
        let mut game_ids: Vec<u32> = cand
            .iter()
            .map(|&i| players[i].game)
            .chain(prob.locks.iter().map(|&i| players[i as usize].game))
            .collect();
        game_ids.sort_unstable();
        game_ids.dedup();
        let game_of = |i: usize| game_ids.binary_search(&players[i].game).unwrap_or(0) as u16;
        let game: Vec<u16> = cand.iter().map(|&i| game_of(i)).collect();
        let lock_games: Vec<u16> = prob.locks.iter().map(|&i| game_of(i as usize)).collect();
        let mut slots_after = vec![0u32; n + 1];
        for j in (0..n).rev() {
            slots_after[j] = slots_after[j + 1] | mask[j];
        }
        let games_after = (game_ids.len() <= 128).then(|| {
            let mut g = vec![0u128; n + 1];
            for j in (0..n).rev() {
                g[j] = g[j + 1] | (1u128 << game[j]);
            }
            g
        });

        // Most salary r players of a suffix can spend (for min_salary).
        let rdim = roster.saturating_sub(prob.locks.len()) + 1;
        let mut max_salary_after = vec![0u32; (n + 1) * rdim];
        let mut top: Vec<u32> = Vec::with_capacity(rdim);
        for j in (0..n).rev() {
            let at = top.partition_point(|&s| s >= salary[j]);
            top.insert(at, salary[j]);
            top.truncate(rdim - 1);
            let mut sum = 0u32;
            for r in 1..rdim {
                sum += top.get(r - 1).copied().unwrap_or(0);
                max_salary_after[j * rdim + r] = sum;
            }
        }

        // Rows (j, t, r) that no completion can reach are not stored: r beyond the
        // room left in this and later blocks, or short of their least counts.
        let mut room_after = vec![0usize; n + 1];
        let mut need_after = vec![0usize; n + 1];
        for j in (0..n).rev() {
            let (room, need) = if blk[j + 1] == blk[j] {
                (room_after[j + 1], need_after[j + 1])
            } else {
                let b = blocks[blk[j]];
                let room = if b.free { roster } else { b.cap };
                (room_after[j + 1] + room, need_after[j + 1] + b.min)
            };
            room_after[j] = room.min(roster);
            need_after[j] = need;
        }
        // The tail of the free block whose players all score the same (players out
        // of the slate's games score 0 in every variant): its bound has a closed form,
        // so only its first position is stored.
        let mut tail = n;
        if let Some(&last) = pts.last() {
            while tail > 0
                && blocks[blk[tail - 1]].free
                && pts[tail - 1].to_bits() == last.to_bits()
            {
                tail -= 1;
            }
        }
        if n - tail < 2 {
            tail = n;
        }
        let mut state_at = Vec::with_capacity(n + 2);
        let mut ranges: Vec<(usize, usize)> = Vec::new();
        for j in 0..n {
            state_at.push(ranges.len());
            let block = blocks[blk[j]];
            if j > tail {
                ranges.push((1, 0));
                continue;
            }
            for t in 0..block.states() {
                let counted = if block.free { 0 } else { t };
                let lo = need_after[j].saturating_sub(counted.min(block.min));
                let hi = room_after[j].saturating_sub(counted).min(rdim - 1);
                ranges.push((lo, hi));
            }
        }
        state_at.push(ranges.len());
        ranges.push((0, 0));
        state_at.push(ranges.len());
        let total_rows: usize = ranges
            .iter()
            .map(|&(lo, hi)| (hi + 1).saturating_sub(lo))
            .sum();

        // Salary unit: the gcd of salaries, coarser when the table would be too big.
        let mut unit = salary.iter().fold(0u32, |g, &s| gcd(g, s)).max(1);
        let max_bdim = (MAX_CELLS / total_rows.max(1)).max(2);
        if (budget / unit) as usize + 1 > max_bdim {
            let per = u64::from(unit) * (max_bdim as u64 - 1);
            unit = unit.saturating_mul(u64::from(budget).div_ceil(per) as u32);
        }
        let bdim = (budget / unit) as usize + 1;

        let mut rows = Vec::with_capacity(ranges.len());
        let mut at = 0;
        for &(lo, hi) in &ranges {
            rows.push(Rows { start: at, lo, hi });
            at += (hi + 1).saturating_sub(lo) * bdim;
        }
        // Every cell is written below, so the old contents of `scratch` can stay.
        let mut table = scratch;
        table.truncate(at);
        table.resize(at, f64::NEG_INFINITY);
        let sentinel = rows[state_at[n]].start;
        table[sentinel..].fill(0.0);
        // Closed form of the tail: `r` of its players score `r` times the same
        // points (summed as the recurrence sums them) when the `r` cheapest fit.
        let mut tail_points = vec![f64::NEG_INFINITY; rdim];
        let mut tail_min_units = vec![usize::MAX; (n + 1 - tail) * rdim];
        if tail < n {
            let p = pts[tail];
            tail_points[0] = 0.0;
            for r in 1..rdim {
                tail_points[r] = p + tail_points[r - 1];
            }
            let mut cheap: Vec<usize> = Vec::with_capacity(rdim);
            for j in (tail..=n).rev() {
                if j < n {
                    let u = (salary[j] / unit) as usize;
                    let at = cheap.partition_point(|&c| c <= u);
                    cheap.insert(at, u);
                    cheap.truncate(rdim - 1);
                }
                let row = &mut tail_min_units[(j - tail) * rdim..(j - tail + 1) * rdim];
                let mut sum = 0;
                row[0] = 0;
                for (r, &c) in cheap.iter().enumerate() {
                    sum += c;
                    row[r + 1] = sum;
                }
            }
            let here = rows[state_at[tail]];
            for r in here.lo..=here.hi {
                let Some(d) = here.cell(r, bdim) else {
                    continue;
                };
                let need = tail_min_units[r];
                for (b, cell) in table[d..d + bdim].iter_mut().enumerate() {
                    *cell = if b >= need {
                        tail_points[r]
                    } else {
                        f64::NEG_INFINITY
                    };
                }
            }
        }
        for j in (0..tail).rev() {
            let block = blocks[blk[j]];
            let same = blk[j + 1] == blk[j];
            let u = (salary[j] / unit) as usize;
            let p = pts[j];
            let next = rows[state_at[j + 1]].start;
            let (head, tail) = table.split_at_mut(next);
            for t in 0..block.states() {
                let here = rows[state_at[j] + t];
                let skip = block.advance(t, same).map(|s| rows[state_at[j + 1] + s]);
                let t_after = if block.free { t } else { t + 1 };
                let take = if !block.free && t_after > block.cap {
                    None
                } else {
                    block
                        .advance(t_after, same)
                        .map(|s| rows[state_at[j + 1] + s])
                };
                for r in here.lo..=here.hi {
                    let Some(d) = here.cell(r, bdim) else {
                        continue;
                    };
                    let dst = &mut head[d..d + bdim];
                    let skip = skip
                        .and_then(|s| s.cell(r, bdim))
                        .map(|s| &tail[s - next..s - next + bdim]);
                    let src = take
                        .and_then(|s| r.checked_sub(1).and_then(|r1| s.cell(r1, bdim)))
                        .map(|s| &tail[s - next..s - next + bdim]);
                    let u = u.min(bdim);
                    let (low, high) = dst.split_at_mut(u);
                    match (skip, src) {
                        (Some(skip), Some(src)) => {
                            low.copy_from_slice(&skip[..u]);
                            for ((d, &k), &t) in high.iter_mut().zip(&skip[u..]).zip(src) {
                                let v = p + t;
                                *d = if v > k { v } else { k };
                            }
                        }
                        (Some(skip), None) => dst.copy_from_slice(skip),
                        (None, Some(src)) => {
                            low.fill(f64::NEG_INFINITY);
                            for (d, &t) in high.iter_mut().zip(src) {
                                *d = p + t;
                            }
                        }
                        (None, None) => dst.fill(f64::NEG_INFINITY),
                    }
                }
            }
        }
        // Suffix counts for the pruning of the extra rules.
        let extra = &prob.extra;
        let group_after: Vec<Vec<u32>> = extra
            .groups
            .iter()
            .map(|g| {
                let mut a = vec![0u32; n + 1];
                for j in (0..n).rev() {
                    a[j] = a[j + 1] + u32::from(g.member[order[j] as usize]);
                }
                a
            })
            .collect();
        let key_after: Vec<Vec<u32>> = extra
            .keyed
            .iter()
            .map(|kd| {
                let nk = kd.n_keys;
                let mut a = vec![0u32; (n + 1) * nk];
                for j in (0..n).rev() {
                    let (lo, hi) = a.split_at_mut((j + 1) * nk);
                    lo[j * nk..].copy_from_slice(&hi[..nk]);
                    let k = kd.key[order[j] as usize];
                    if k != NO_KEY && (k as usize) < nk {
                        lo[j * nk + k as usize] += 1;
                    }
                }
                a
            })
            .collect();
        let teams_after = (extra.min_teams > 0 && prob.n_teams <= 128).then(|| {
            let mut g = vec![0u128; n + 1];
            for j in (0..n).rev() {
                g[j] = g[j + 1] | (1u128 << prob.team[order[j] as usize]);
            }
            g
        });
        let mut abs: Vec<f64> = pts.iter().map(|p| p.abs()).collect();
        abs.sort_by(|a, b| b.total_cmp(a));
        let scale = abs.iter().take(rdim).sum::<f64>() + lock_points.abs() + 1.0;

        Model {
            prob,
            base_ok,
            lock_points,
            lock_salary,
            lock_masks,
            lock_owner,
            lock_games,
            order,
            points: pts,
            salary,
            mask,
            game,
            blk,
            blocks,
            n_games: game_ids.len(),
            slots_after,
            all_slots: if roster == 32 {
                u32::MAX
            } else {
                (1u32 << roster) - 1
            },
            games_after,
            max_salary_after,
            unit,
            rdim,
            bdim,
            state_at,
            rows,
            table,
            tail,
            tail_points,
            tail_min_units,
            tie: EPS * scale,
            group_after,
            key_after,
            teams_after,
        }
    }

    /// Gives back the bound table's memory for the next model.
    pub fn into_scratch(self) -> Vec<f64> {
        self.table
    }

    /// Salary unit of the bound table (the gcd of salaries unless the table had to be coarser).
    pub fn unit(&self) -> u32 {
        self.unit
    }

    fn bound(&self, j: usize, t: usize, r: usize, b: usize) -> f64 {
        if j > self.tail {
            return if self.tail_min_units[(j - self.tail) * self.rdim + r] <= b {
                self.tail_points[r]
            } else {
                f64::NEG_INFINITY
            };
        }
        self.rows[self.state_at[j] + t]
            .cell(r, self.bdim)
            .map_or(f64::NEG_INFINITY, |c| self.table[c + b])
    }

    /// Finds the best lineup that also shares at most `max_overlap` players with
    /// every lineup of `pool`.
    pub fn search(
        &self,
        pool: &Pool,
        cancel: Option<&AtomicBool>,
    ) -> Result<Outcome, OptimizerError> {
        self.run(pool, cancel, false)
    }

    /// Whether any lineup meets the rules (stops at the first one found); `None`
    /// when the search hit its node limit without an answer.
    pub fn any(&self, pool: &Pool) -> Option<bool> {
        match self.run(pool, None, true) {
            Ok(o) if o.lineup.is_some() => Some(true),
            Ok(o) if o.exact => Some(false),
            _ => None,
        }
    }

    fn run(
        &self,
        pool: &Pool,
        cancel: Option<&AtomicBool>,
        first: bool,
    ) -> Result<Outcome, OptimizerError> {
        let prob = self.prob;
        let mut shared = vec![0u16; pool.lineups.len()];
        for &i in &prob.locks {
            for &l in &pool.holding[i as usize] {
                shared[l as usize] += 1;
            }
        }
        if !self.base_ok || shared.iter().any(|&s| s as usize > prob.max_overlap) {
            return Ok(Outcome {
                lineup: None,
                exact: true,
                nodes: 0,
            });
        }
        let mut team_count = vec![0u32; prob.n_teams];
        let mut game_count = vec![0u16; self.n_games];
        let mut dfs = Dfs {
            m: self,
            pool,
            cancel,
            members: prob.locks.clone(),
            member_masks: self.lock_masks.clone(),
            team_count: Vec::new(),
            game_count: Vec::new(),
            distinct_games: 0,
            games_bits: 0,
            shared,
            cur: self.lock_points,
            salary: self.lock_salary,
            best: f64::NEG_INFINITY,
            best_slots: None,
            nodes: 0,
            stop: None,
            first,
            ex: ExtraState::new(prob),
        };
        for &i in &prob.locks {
            team_count[prob.team[i as usize] as usize] += 1;
            if !dfs.ex.allows(prob, i) {
                return Ok(Outcome {
                    lineup: None,
                    exact: true,
                    nodes: 0,
                });
            }
            dfs.ex.add(prob, i, 1);
        }
        for &g in &self.lock_games {
            dfs.add_game(&mut game_count, g);
        }
        dfs.team_count = team_count;
        dfs.game_count = game_count;
        let r_left = prob.roster - prob.locks.len();
        if r_left == 0 {
            dfs.leaf(&self.lock_owner);
        } else if !self.order.is_empty() {
            dfs.dfs(0, 0, r_left, self.lock_owner);
        }
        if let Some(Stop::Cancelled) = dfs.stop {
            return Err(OptimizerError::Cancelled);
        }
        Ok(Outcome {
            exact: matches!(dfs.stop, None | Some(Stop::Found)),
            nodes: dfs.nodes,
            lineup: dfs.best_slots.map(|s| (s, dfs.best)),
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Stop {
    /// A feasibility check found its lineup.
    Found,
    NodeLimit,
    Cancelled,
}

/// The mutable state of one depth-first search.
struct Dfs<'m, 'p, 'a> {
    m: &'m Model<'p, 'a>,
    pool: &'m Pool,
    cancel: Option<&'m AtomicBool>,
    /// Slate indices of the players taken (locks first), and their slot masks.
    members: Vec<u32>,
    member_masks: Vec<u32>,
    team_count: Vec<u32>,
    game_count: Vec<u16>,
    distinct_games: u32,
    games_bits: u128,
    /// Players shared with each pool lineup.
    shared: Vec<u16>,
    cur: f64,
    salary: u32,
    best: f64,
    best_slots: Option<Vec<u32>>,
    nodes: u64,
    stop: Option<Stop>,
    /// Stop at the first lineup that meets the rules (feasibility checks).
    first: bool,
    ex: ExtraState,
}

/// Counters of the extra rules over the players taken.
struct ExtraState {
    active: bool,
    group: Vec<u32>,
    key: Vec<Vec<u32>>,
    teams: u32,
    team_bits: u128,
    team_n: Vec<u32>,
    own_sum: f64,
    /// DSTs taken facing each team, and non-DST players taken per team.
    dst_faced: Vec<u32>,
    offense: Vec<u32>,
    /// QBs taken per team.
    qbs: Vec<u32>,
}

impl ExtraState {
    fn new(prob: &Problem<'_>) -> Self {
        let e = &prob.extra;
        ExtraState {
            active: e.active,
            group: vec![0; e.groups.len()],
            key: e.keyed.iter().map(|k| vec![0; k.n_keys]).collect(),
            teams: 0,
            team_bits: 0,
            team_n: vec![0; prob.n_teams],
            own_sum: 0.0,
            dst_faced: vec![0; prob.n_teams],
            offense: vec![0; prob.n_teams],
            qbs: vec![0; prob.n_teams],
        }
    }

    /// Whether taking slate player `i` keeps every "at most" rule.
    fn allows(&self, prob: &Problem<'_>, i: u32) -> bool {
        if !self.active {
            return true;
        }
        let e = &prob.extra;
        let i = i as usize;
        if e.groups
            .iter()
            .zip(&self.group)
            .any(|(g, &c)| g.member[i] && c + 1 > g.max)
        {
            return false;
        }
        if let Some(cap) = e.own_sum
            && self.own_sum + prob.slate.players[i].ownership > cap + 1e-12
        {
            return false;
        }
        let team = prob.team[i] as usize;
        if let Some(dst) = &e.dst {
            if dst[i] {
                let opp = e.opp[i];
                if opp != NO_KEY && self.offense[opp as usize] > 0 {
                    return false;
                }
            } else if self.dst_faced[team] > 0 {
                return false;
            }
        }
        if let Some(q) = &e.qb {
            let catchers = &self.key[q.catchers];
            if q.is_qb[i] && catchers[team] > q.max {
                return false;
            }
            let k = e.keyed[q.catchers].key[i];
            if k != NO_KEY && self.qbs[k as usize] > 0 && catchers[k as usize] + 1 > q.max {
                return false;
            }
        }
        true
    }

    /// Counts slate player `i` in (`sign` 1) or out (`sign` -1).
    fn add(&mut self, prob: &Problem<'_>, i: u32, sign: i32) {
        if !self.active {
            return;
        }
        let e = &prob.extra;
        let i = i as usize;
        let bump = |c: &mut u32| *c = c.wrapping_add_signed(sign);
        for (g, c) in e.groups.iter().zip(&mut self.group) {
            if g.member[i] {
                bump(c);
            }
        }
        for (kd, c) in e.keyed.iter().zip(&mut self.key) {
            let k = kd.key[i];
            if k != NO_KEY {
                bump(&mut c[k as usize]);
            }
        }
        let team = prob.team[i] as usize;
        if sign > 0 {
            if self.team_n[team] == 0 {
                self.teams += 1;
                self.team_bits |= 1u128.checked_shl(team as u32).unwrap_or(0);
            }
            self.team_n[team] += 1;
            self.own_sum += prob.slate.players[i].ownership;
        } else {
            self.team_n[team] -= 1;
            if self.team_n[team] == 0 {
                self.teams -= 1;
                self.team_bits &= !1u128.checked_shl(team as u32).unwrap_or(0);
            }
            self.own_sum -= prob.slate.players[i].ownership;
        }
        if let Some(dst) = &e.dst {
            if dst[i] {
                if e.opp[i] != NO_KEY {
                    bump(&mut self.dst_faced[e.opp[i] as usize]);
                }
            } else {
                bump(&mut self.offense[team]);
            }
        }
        if let Some(q) = &e.qb
            && q.is_qb[i]
        {
            bump(&mut self.qbs[team]);
        }
    }

    /// True when the players of positions `j..` cannot meet an "at least" rule.
    fn short(&self, m: &Model<'_, '_>, j: usize, r_left: usize) -> bool {
        if !self.active {
            return false;
        }
        let e = &m.prob.extra;
        let r = r_left as u32;
        for (g, (rule, &c)) in e.groups.iter().zip(&self.group).enumerate() {
            if rule.min > c && c + m.group_after[g][j].min(r) < rule.min {
                return true;
            }
        }
        for s in &e.stacks {
            let nk = e.keyed[s.keyed].n_keys;
            let after = &m.key_after[s.keyed][j * nk..(j + 1) * nk];
            let cnt = &self.key[s.keyed];
            if !cnt.iter().zip(after).any(|(&c, &a)| c + a.min(r) >= s.size) {
                return true;
            }
        }
        if let Some(bits) = &m.teams_after
            && self.teams < e.min_teams
        {
            let more = (bits[j] & !self.team_bits).count_ones().min(r);
            if self.teams + more < e.min_teams {
                return true;
            }
        }
        if let Some(q) = &e.qb {
            let nk = e.keyed[q.catchers].n_keys;
            for (t, _) in self.qbs.iter().enumerate().filter(|&(_, &n)| n > 0) {
                let have = self.key[q.catchers][t];
                if have < q.min && have + m.key_after[q.catchers][j * nk + t].min(r) < q.min {
                    return true;
                }
            }
        }
        false
    }
}

impl Dfs<'_, '_, '_> {
    fn add_game(&mut self, counts: &mut [u16], g: u16) {
        if counts[g as usize] == 0 {
            self.distinct_games += 1;
            self.games_bits |= 1u128.checked_shl(u32::from(g)).unwrap_or(0);
        }
        counts[g as usize] += 1;
    }

    /// True when the players left cannot bring the lineup to `min_games`.
    fn games_short(&self, j: usize, r_left: usize) -> bool {
        let need = self.m.prob.min_games.saturating_sub(self.distinct_games) as usize;
        if need == 0 {
            return false;
        }
        let reachable = match &self.m.games_after {
            Some(g) => (g[j] & !self.games_bits).count_ones() as usize,
            None => r_left,
        };
        reachable.min(r_left) < need
    }

    fn dfs(&mut self, start: usize, mut t: usize, r_left: usize, owner: [u8; 32]) {
        let m = self.m;
        let n = m.order.len();
        let room = m.prob.max_salary - self.salary;
        let b_left = ((room / m.unit) as usize).min(m.bdim - 1);
        let covered = self.member_masks.iter().fold(0, |u, &m| u | m);
        let mut j = start;
        while j < n && self.stop.is_none() {
            if (covered | m.slots_after[j]) != m.all_slots {
                break;
            }
            if self.cur + m.bound(j, t, r_left, b_left) <= self.best + m.tie {
                break;
            }
            if self.salary + m.max_salary_after[j * m.rdim + r_left] < m.prob.min_salary {
                break;
            }
            if self.games_short(j, r_left) || self.ex.short(m, j, r_left) {
                break;
            }
            let block = m.blocks[m.blk[j]];
            if (block.free || t < block.cap) && m.salary[j] <= room {
                self.take(j, t, r_left, owner);
            }
            match block.advance(t, m.blk[j + 1] == m.blk[j]) {
                Some(nt) => t = nt,
                None => break,
            }
            j += 1;
        }
    }

    fn take(&mut self, j: usize, t: usize, r_left: usize, owner: [u8; 32]) {
        let m = self.m;
        self.nodes += 1;
        if self.nodes & 0xffff == 0 {
            if self.cancel.is_some_and(|c| c.load(Ordering::Relaxed)) {
                self.stop = Some(Stop::Cancelled);
            } else if self.nodes >= NODE_LIMIT {
                self.stop = Some(Stop::NodeLimit);
            }
        }
        let idx = m.order[j];
        let team = m.prob.team[idx as usize] as usize;
        if m.prob
            .max_per_team
            .is_some_and(|max| self.team_count[team] >= max)
        {
            return;
        }
        if !self.ex.allows(m.prob, idx) {
            return;
        }
        // A person once: not both his captain row and his base row.
        let partner = m.prob.partner[idx as usize];
        if partner != NO_PARTNER && self.members.contains(&partner) {
            return;
        }
        // With only uniqueness asked, duplicates are turned away at the leaf instead.
        let only_unique = m.prob.max_overlap + 1 >= m.prob.roster;
        let holding: &[u32] = if only_unique {
            &[]
        } else {
            &self.pool.holding[idx as usize]
        };
        let mut overlap_ok = true;
        for &l in holding {
            let s = &mut self.shared[l as usize];
            *s += 1;
            overlap_ok &= (*s as usize) <= m.prob.max_overlap;
        }
        if overlap_ok {
            let mut owner = owner;
            self.member_masks.push(m.mask[j]);
            self.members.push(idx);
            let k = (self.members.len() - 1) as u8;
            let mut seen = 0;
            if augment(k, &self.member_masks, &mut owner, &mut seen) {
                let g = m.game[j];
                self.team_count[team] += 1;
                if self.game_count[g as usize] == 0 {
                    self.distinct_games += 1;
                    self.games_bits |= 1u128.checked_shl(u32::from(g)).unwrap_or(0);
                }
                self.game_count[g as usize] += 1;
                self.cur += m.points[j];
                self.salary += m.salary[j];
                self.ex.add(m.prob, idx, 1);

                if r_left == 1 {
                    self.leaf(&owner);
                } else {
                    let block = m.blocks[m.blk[j]];
                    let t_after = if block.free { t } else { t + 1 };
                    if let Some(nt) = block.advance(t_after, m.blk[j + 1] == m.blk[j]) {
                        self.dfs(j + 1, nt, r_left - 1, owner);
                    }
                }

                self.ex.add(m.prob, idx, -1);
                self.salary -= m.salary[j];
                self.cur -= m.points[j];
                self.game_count[g as usize] -= 1;
                if self.game_count[g as usize] == 0 {
                    self.distinct_games -= 1;
                    self.games_bits &= !1u128.checked_shl(u32::from(g)).unwrap_or(0);
                }
                self.team_count[team] -= 1;
            }
            self.members.pop();
            self.member_masks.pop();
        }
        for &l in holding {
            self.shared[l as usize] -= 1;
        }
    }

    /// A full roster (every slot matched): keep it if it meets the last rules and beats the best.
    fn leaf(&mut self, owner: &[u8; 32]) {
        let prob = self.m.prob;
        if self.salary < prob.min_salary || self.distinct_games < prob.min_games {
            return;
        }
        if self.cur > self.best + self.m.tie && !prob.extra.lineup_ok(prob, &self.members) {
            return;
        }
        if self.cur > self.best + self.m.tie
            && prob.max_overlap + 1 >= prob.roster
            && !self.pool.lineups.is_empty()
        {
            let mut key = self.members.clone();
            key.sort_unstable();
            if self.pool.set.contains(&key) {
                return;
            }
        }
        if self.cur > self.best + self.m.tie {
            let slots: Option<Vec<u32>> = owner[..prob.roster]
                .iter()
                .map(|&k| self.members.get(k as usize).copied())
                .collect();
            // The final word on a person once (the search's cut above already keeps it).
            let slots = slots.filter(|_| {
                self.members.iter().all(|&i| {
                    let other = prob.partner[i as usize];
                    other == NO_PARTNER || !self.members.contains(&other)
                })
            });
            if let Some(slots) = slots {
                self.best = self.cur;
                self.best_slots = Some(slots);
                if self.first {
                    self.stop = Some(Stop::Found);
                }
            }
        }
    }
}

/// Tries to seat member `k` by an augmenting path (Kuhn's algorithm) over at most 32 slots.
fn augment(k: u8, masks: &[u32], owner: &mut [u8; 32], seen: &mut u32) -> bool {
    let mut free = masks[k as usize] & !*seen;
    while free != 0 {
        let slot = free.trailing_zeros() as usize;
        free &= free - 1;
        *seen |= 1 << slot;
        let other = owner[slot];
        if other == FREE_SLOT || augment(other, masks, owner, seen) {
            owner[slot] = k;
            return true;
        }
    }
    false
}

fn gcd(a: u32, b: u32) -> u32 {
    if b == 0 { a } else { gcd(b, a % b) }
}
