//! The rules of a search, resolved to slate indices, and the pool of earlier lineups.

use schemas::Slate;

use crate::{OptimizerError, SolveRules};

/// Everything a search must respect besides the objective and the earlier lineups.
#[derive(Debug, Clone)]
pub(crate) struct Problem<'a> {
    pub slate: &'a Slate,
    /// Roster size (number of slots).
    pub roster: usize,
    /// Slot mask restricted to the roster's slots, per slate player.
    pub masks: Vec<u32>,
    /// Compact team id per slate player.
    pub team: Vec<u16>,
    pub n_teams: usize,
    /// Slate indices every lineup holds (sorted, distinct).
    pub locks: Vec<u32>,
    /// Slate players no lineup may hold.
    pub excluded: Vec<bool>,
    pub min_salary: u32,
    /// Effective salary ceiling: the lesser of the cap and the user's `max_salary`.
    pub max_salary: u32,
    /// Most players a new lineup may share with any earlier one (at most roster - 1).
    pub max_overlap: usize,
    pub min_games: u32,
    pub max_per_team: Option<u32>,
    /// Showdown: per slate player, the other row of the same person (his captain row
    /// or the base row he captains), `NO_PARTNER` when there is none. A lineup holds
    /// at most one of the two.
    pub partner: Vec<u32>,
    /// Every other rule (stacks, groups, ownership, ...).
    pub extra: Extra,
}

impl<'a> Problem<'a> {
    /// Builds the problem; fails on inputs the solver cannot work with.
    pub fn new(slate: &'a Slate, solve: &SolveRules) -> Result<Self, OptimizerError> {
        let (locks, excludes) = (&solve.locks[..], &solve.excludes[..]);
        let rules = &slate.rules;
        rules
            .validate()
            .map_err(|e| OptimizerError::invalid("slate.rules", e.to_string()))?;
        let roster = rules.roster_size();
        let full = if roster == 32 {
            u32::MAX
        } else {
            (1u32 << roster) - 1
        };
        let n = slate.players.len();
        let in_range = |field: &str, idx: &[u32]| -> Result<(), OptimizerError> {
            match idx.iter().find(|&&i| i as usize >= n) {
                Some(i) => Err(OptimizerError::invalid(
                    field,
                    format!("player index {i} is not on the slate ({n} players)"),
                )),
                None => Ok(()),
            }
        };
        in_range("locks", locks)?;
        in_range("excludes", excludes)?;
        let mut team_names: Vec<&str> = slate.players.iter().map(|p| p.team.as_str()).collect();
        team_names.sort_unstable();
        team_names.dedup();
        if team_names.len() > usize::from(u16::MAX) {
            return Err(OptimizerError::invalid("slate.players", "too many teams"));
        }
        let team: Vec<u16> = slate
            .players
            .iter()
            .map(|p| team_names.binary_search(&p.team.as_str()).unwrap_or(0) as u16)
            .collect();
        let extra = build_extra(slate, solve, &team_names, &team)?;
        let mut lock_set = locks.to_vec();
        lock_set.sort_unstable();
        lock_set.dedup();
        let mut excluded = vec![false; n];
        for &i in excludes {
            excluded[i as usize] = true;
        }
        let most = roster.saturating_sub(1);
        let mut partner = vec![NO_PARTNER; n];
        for (i, p) in slate.players.iter().enumerate() {
            if let Some(b) = p.captain_of {
                let b = b as usize;
                if b >= n || b == i {
                    return Err(OptimizerError::invalid(
                        "slate.players",
                        format!(
                            "{} ({}): captain_of {b} is not another row",
                            p.name, p.dk_id
                        ),
                    ));
                }
                partner[i] = b as u32;
                partner[b] = i as u32;
            }
        }
        Ok(Problem {
            slate,
            roster,
            masks: slate.players.iter().map(|p| p.slot_mask & full).collect(),
            team,
            n_teams: team_names.len(),
            locks: lock_set,
            excluded,
            min_salary: solve.min_salary.unwrap_or(0),
            max_salary: solve
                .max_salary
                .map_or(rules.salary_cap, |m| m.min(rules.salary_cap)),
            max_overlap: solve.max_overlap.map_or(most, |m| (m as usize).min(most)),
            min_games: rules.min_games.max(solve.min_games.unwrap_or(0)),
            max_per_team: match (rules.max_players_per_team, solve.max_players_per_team) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            },
            partner,
            extra,
        })
    }

    /// Checks an objective vector: one finite number per slate player.
    pub fn check_points(&self, points: &[f64]) -> Result<(), OptimizerError> {
        if points.len() != self.slate.players.len() {
            return Err(OptimizerError::invalid(
                "points",
                format!(
                    "{} points for {} slate players",
                    points.len(),
                    self.slate.players.len()
                ),
            ));
        }
        if let Some(i) = points.iter().position(|p| !p.is_finite()) {
            return Err(OptimizerError::invalid(
                "points",
                format!(
                    "points of {} ({}) are not a finite number",
                    self.slate.players[i].name, self.slate.players[i].dk_id
                ),
            ));
        }
        Ok(())
    }
}

/// Earlier lineups a new one must not overlap too much, indexed by player.
#[derive(Debug, Clone, Default)]
pub(crate) struct Pool {
    /// Each lineup's players, sorted.
    pub lineups: Vec<Vec<u32>>,
    /// For each slate player, the pool lineups holding it.
    pub holding: Vec<Vec<u32>>,
    /// The lineups' sorted player sets, for the uniqueness-only rule (lookup only).
    pub set: std::collections::HashSet<Vec<u32>>,
}

impl Pool {
    pub fn new(n_players: usize) -> Self {
        Pool {
            lineups: Vec::new(),
            holding: vec![Vec::new(); n_players],
            set: std::collections::HashSet::new(),
        }
    }

    /// Adds a lineup (players in any order); players off the slate are ignored.
    pub fn push(&mut self, players: &[u32]) {
        let mut key = players.to_vec();
        key.sort_unstable();
        key.dedup();
        let id = self.lineups.len() as u32;
        for &p in &key {
            if let Some(h) = self.holding.get_mut(p as usize) {
                h.push(id);
            }
        }
        self.set.insert(key.clone());
        self.lineups.push(key);
    }

    pub fn contains(&self, players: &[u32]) -> bool {
        let mut key = players.to_vec();
        key.sort_unstable();
        self.set.contains(&key)
    }
}

/// Players counted by a key (team or game); `NO_KEY` for players who do not count.
#[derive(Debug, Clone)]
pub(crate) struct Keyed {
    pub key: Vec<u16>,
    pub n_keys: usize,
}

pub(crate) const NO_KEY: u16 = u16::MAX;

/// A player without a second row (every classic player, and showdown rows without a pair).
pub(crate) const NO_PARTNER: u32 = u32::MAX;

/// A group rule resolved to slate indices.
#[derive(Debug, Clone)]
pub(crate) struct GroupRule {
    pub member: Vec<bool>,
    pub min: u32,
    pub max: u32,
}

/// `size` counted players sharing one key; stacks of one kind need different keys.
#[derive(Debug, Clone)]
pub(crate) struct StackRule {
    pub keyed: usize,
    pub size: u32,
    /// 0: team stack, 1: game stack.
    pub kind: u8,
    /// Game stacks: least players from each side (by team id).
    pub min_per_team: u32,
}

/// The QB stack resolved: QBs, catchers and bring-back players keyed by team.
#[derive(Debug, Clone)]
pub(crate) struct QbRule {
    pub is_qb: Vec<bool>,
    /// Keyed index of the catchers (by team).
    pub catchers: usize,
    /// Keyed index of the bring-back players (by team).
    pub backs: usize,
    pub min: u32,
    pub max: u32,
    pub bring_back: u32,
}

/// Rules beyond salary, slots, locks, games and the team limit, resolved to indices.
#[derive(Debug, Clone, Default)]
pub(crate) struct Extra {
    /// Any rule below is set (else the search skips their bookkeeping).
    pub active: bool,
    pub groups: Vec<GroupRule>,
    pub keyed: Vec<Keyed>,
    pub stacks: Vec<StackRule>,
    pub qb: Option<QbRule>,
    /// Per player: the team id he faces (`NO_KEY` when unknown).
    pub opp: Vec<u16>,
    /// Per player: he is a DST (for `no_offense_vs_dst`).
    pub dst: Option<Vec<bool>>,
    pub min_teams: u32,
    pub own_sum: Option<f64>,
    pub own_product: Option<f64>,
    /// Team ids of each game's away and home side.
    pub game_teams: Vec<(u16, u16)>,
}

impl Extra {
    /// Whether a full lineup (slate indices) meets every rule of this set: the
    /// search's final word, whatever it pruned before.
    pub fn lineup_ok(&self, prob: &Problem<'_>, members: &[u32]) -> bool {
        if !self.active {
            return true;
        }
        let players = &prob.slate.players;
        for g in &self.groups {
            let c = members.iter().filter(|&&i| g.member[i as usize]).count() as u32;
            if c < g.min || c > g.max {
                return false;
            }
        }
        if self.min_teams > 0 {
            let mut t: Vec<u16> = members.iter().map(|&i| prob.team[i as usize]).collect();
            t.sort_unstable();
            t.dedup();
            if (t.len() as u32) < self.min_teams {
                return false;
            }
        }
        if let Some(cap) = self.own_sum {
            let s: f64 = members.iter().map(|&i| players[i as usize].ownership).sum();
            if s > cap + 1e-12 {
                return false;
            }
        }
        if let Some(cap) = self.own_product {
            let p: f64 = members
                .iter()
                .map(|&i| players[i as usize].ownership)
                .product();
            if p > cap * (1.0 + 1e-12) {
                return false;
            }
        }
        if let Some(dst) = &self.dst {
            for &d in members.iter().filter(|&&i| dst[i as usize]) {
                let faced = self.opp[d as usize];
                if faced != NO_KEY
                    && members
                        .iter()
                        .any(|&i| !dst[i as usize] && prob.team[i as usize] == faced)
                {
                    return false;
                }
            }
        }
        if let Some(qb) = &self.qb {
            let catchers = &self.keyed[qb.catchers];
            let backs = &self.keyed[qb.backs];
            for &q in members.iter().filter(|&&i| qb.is_qb[i as usize]) {
                let team = prob.team[q as usize];
                let c = members
                    .iter()
                    .filter(|&&i| catchers.key[i as usize] == team)
                    .count() as u32;
                if c < qb.min || c > qb.max {
                    return false;
                }
                let opp = self.opp[q as usize];
                let b = members
                    .iter()
                    .filter(|&&i| opp != NO_KEY && backs.key[i as usize] == opp)
                    .count() as u32;
                if b < qb.bring_back {
                    return false;
                }
            }
        }
        if !self.stacks.is_empty() {
            // Keys each stack could use, then a distinct choice per kind by backtracking.
            let options: Vec<Vec<u16>> = self
                .stacks
                .iter()
                .map(|s| {
                    let keyed = &self.keyed[s.keyed];
                    let mut count = vec![0u32; keyed.n_keys];
                    for &i in members {
                        let k = keyed.key[i as usize];
                        if k != NO_KEY {
                            count[k as usize] += 1;
                        }
                    }
                    (0..keyed.n_keys as u16)
                        .filter(|&k| count[k as usize] >= s.size)
                        .filter(|&k| {
                            s.min_per_team == 0 || {
                                let (a, h) = self.game_teams[k as usize];
                                let side = |t: u16| {
                                    members
                                        .iter()
                                        .filter(|&&i| {
                                            keyed.key[i as usize] == k && prob.team[i as usize] == t
                                        })
                                        .count() as u32
                                };
                                side(a) >= s.min_per_team && side(h) >= s.min_per_team
                            }
                        })
                        .collect()
                })
                .collect();
            let mut used: Vec<(u8, u16)> = Vec::new();
            if !distinct_choice(&self.stacks, &options, 0, &mut used) {
                return false;
            }
        }
        true
    }
}

fn distinct_choice(
    stacks: &[StackRule],
    options: &[Vec<u16>],
    s: usize,
    used: &mut Vec<(u8, u16)>,
) -> bool {
    if s == stacks.len() {
        return true;
    }
    let kind = stacks[s].kind;
    for &k in &options[s] {
        if used.contains(&(kind, k)) {
            continue;
        }
        used.push((kind, k));
        let ok = distinct_choice(stacks, options, s + 1, used);
        used.pop();
        if ok {
            return true;
        }
    }
    false
}

/// Resolves the rules of [`Extra`] against the slate.
fn build_extra(
    slate: &Slate,
    solve: &SolveRules,
    team_names: &[&str],
    team: &[u16],
) -> Result<Extra, OptimizerError> {
    let n = slate.players.len();
    let team_id = |name: &str| team_names.binary_search(&name).map_or(NO_KEY, |t| t as u16);
    let has_pos = |i: usize, list: &[&str]| {
        slate.players[i]
            .positions
            .iter()
            .any(|p| list.iter().any(|l| l.eq_ignore_ascii_case(p)))
    };
    let opp: Vec<u16> = slate
        .players
        .iter()
        .map(|p| p.opponent.as_deref().map_or(NO_KEY, team_id))
        .collect();
    let mut extra = Extra {
        opp,
        min_teams: solve.min_teams.unwrap_or(0),
        own_sum: solve.max_ownership_sum,
        own_product: solve.max_ownership_product,
        game_teams: slate
            .games
            .iter()
            .map(|g| (team_id(&g.away), team_id(&g.home)))
            .collect(),
        ..Extra::default()
    };
    for (k, g) in solve.groups.iter().enumerate() {
        let mut member = vec![false; n];
        for &i in &g.players {
            match member.get_mut(i as usize) {
                Some(m) => *m = true,
                None => {
                    return Err(OptimizerError::invalid(
                        format!("groups[{k}]"),
                        format!("player index {i} is not on the slate"),
                    ));
                }
            }
        }
        extra.groups.push(GroupRule {
            member,
            min: g.min,
            max: g.max.unwrap_or(u32::MAX),
        });
    }
    for s in &solve.team_stacks {
        let teams: Vec<u16> = s.teams.iter().map(|t| team_id(t.trim())).collect();
        let positions: Vec<&str> = s.positions.iter().map(|p| p.trim()).collect();
        let key = (0..n)
            .map(|i| {
                let pos_ok = positions.is_empty() || has_pos(i, &positions);
                let team_ok = teams.is_empty() || teams.contains(&team[i]);
                if pos_ok && team_ok { team[i] } else { NO_KEY }
            })
            .collect();
        extra.keyed.push(Keyed {
            key,
            n_keys: team_names.len(),
        });
        extra.stacks.push(StackRule {
            keyed: extra.keyed.len() - 1,
            size: s.size,
            kind: 0,
            min_per_team: 0,
        });
    }
    for s in &solve.game_stacks {
        extra.keyed.push(Keyed {
            key: slate
                .players
                .iter()
                .map(|p| u16::try_from(p.game).unwrap_or(NO_KEY))
                .collect(),
            n_keys: slate.games.len().min(usize::from(NO_KEY)),
        });
        extra.stacks.push(StackRule {
            keyed: extra.keyed.len() - 1,
            size: s.size,
            kind: 1,
            min_per_team: s.min_per_team,
        });
    }
    if let Some(q) = &solve.qb_stack {
        let catcher_pos: &[&str] = if q.include_rb {
            &["WR", "TE", "RB"]
        } else {
            &["WR", "TE"]
        };
        let by_team = |list: &[&str]| Keyed {
            key: (0..n)
                .map(|i| if has_pos(i, list) { team[i] } else { NO_KEY })
                .collect(),
            n_keys: team_names.len(),
        };
        extra.keyed.push(by_team(catcher_pos));
        extra.keyed.push(by_team(&["RB", "WR", "TE"]));
        extra.qb = Some(QbRule {
            is_qb: (0..n).map(|i| has_pos(i, &["QB"])).collect(),
            catchers: extra.keyed.len() - 2,
            backs: extra.keyed.len() - 1,
            min: q.min_catchers,
            max: q.max_catchers.unwrap_or(u32::MAX),
            bring_back: q.bring_back,
        });
    }
    if solve.no_offense_vs_dst {
        extra.dst = Some((0..n).map(|i| has_pos(i, &["DST", "DEF", "D"])).collect());
    }
    extra.active = !extra.groups.is_empty()
        || !extra.stacks.is_empty()
        || extra.qb.is_some()
        || extra.dst.is_some()
        || extra.min_teams > 0
        || extra.own_sum.is_some()
        || extra.own_product.is_some();
    Ok(extra)
}
