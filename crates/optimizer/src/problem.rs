//! The rules of a search, resolved to slate indices, and the pool of earlier lineups.

use schemas::Slate;

use crate::OptimizerError;

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
}

impl<'a> Problem<'a> {
    /// Builds the problem; fails on inputs the solver cannot work with.
    pub fn new(
        slate: &'a Slate,
        locks: &[u32],
        excludes: &[u32],
        min_salary: Option<u32>,
        max_salary: Option<u32>,
        max_overlap: Option<u32>,
    ) -> Result<Self, OptimizerError> {
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
        let team = slate
            .players
            .iter()
            .map(|p| team_names.binary_search(&p.team.as_str()).unwrap_or(0) as u16)
            .collect();
        let mut lock_set = locks.to_vec();
        lock_set.sort_unstable();
        lock_set.dedup();
        let mut excluded = vec![false; n];
        for &i in excludes {
            excluded[i as usize] = true;
        }
        let most = roster.saturating_sub(1);
        Ok(Problem {
            slate,
            roster,
            masks: slate.players.iter().map(|p| p.slot_mask & full).collect(),
            team,
            n_teams: team_names.len(),
            locks: lock_set,
            excluded,
            min_salary: min_salary.unwrap_or(0),
            max_salary: max_salary.map_or(rules.salary_cap, |m| m.min(rules.salary_cap)),
            max_overlap: max_overlap.map_or(most, |m| (m as usize).min(most)),
            min_games: rules.min_games,
            max_per_team: rules.max_players_per_team,
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
}

impl Pool {
    pub fn new(n_players: usize) -> Self {
        Pool {
            lineups: Vec::new(),
            holding: vec![Vec::new(); n_players],
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
        self.lineups.push(key);
    }

    pub fn contains(&self, players: &[u32]) -> bool {
        let mut key = players.to_vec();
        key.sort_unstable();
        self.lineups.contains(&key)
    }
}
