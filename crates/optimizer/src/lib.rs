//! Stage `optimizer`: the best DraftKings lineups for every projection variant, exactly.
//!
//! The optimizer is a purpose-built exact solver, not a generic MIP: a depth-first
//! branch and bound over players with an upper bound from a dynamic programme over
//! the remaining players' salaries (and, for sports with single-position slots such
//! as NFL's QB and DST, per-position counts), bipartite matching for slot
//! eligibility, and cuts for the team limit, games and overlap with earlier
//! lineups. Every lineup it returns is optimal for its objective under its
//! constraints unless [`OptimizerOutput::proven_optimal`] says otherwise (a search
//! hit its node limit). See [`solve`] for one search and [`Optimizer`] for the stage.
//!
//! # How the pool is built
//!
//! Variants are taken in `variant_id` order. For each, the optimizer builds up to
//! `lineups_per_variant` lineups one after another, each the best lineup for that
//! variant's points such that:
//!
//! - it holds every lock and no exclude, its salary lies in
//!   `[min_salary, min(max_salary, cap)]`, it draws players from at least the
//!   sport's `min_games`, holds at most `max_players_per_team` from one team, and
//!   its players can be given distinct eligible slots;
//! - it shares at most `max_overlap` players with **every** lineup already in the
//!   pool, from this variant and all earlier ones (`None`: it only has to differ);
//!   a lineup is never added twice;
//! - it holds no player already at the exposure cap: a player may appear in at
//!   most `ceil(max_exposure x variants x lineups_per_variant)` lineups of the pool
//!   (a `player_exposure` max overrides it for him); once he reaches it he is left
//!   out of every later lineup. Locked players are exempt: a lock is in every
//!   lineup by definition;
//! - it holds every player still short of his `player_exposure` min when the
//!   lineups left to build are just enough to reach it. Min exposure is a count of
//!   `ceil(min x variants x lineups_per_variant)` lineups; the global rules are
//!   applied in sequence order, so lineups are the free best ones for as long as
//!   possible and the last lineups of the sequence are the ones forced (just in
//!   time). When a forced lineup cannot be built, or variants run out of lineups
//!   before a min is met, the stage fails ([`schemas::StageError::Infeasible`])
//!   naming the players.
//!
//! Showdown (a sport with a [`schemas::CaptainRule`]): a person has two rows, his
//! captain row and his base row ([`schemas::Player::captain_of`]), and a lineup
//! holds at most one of them. The captain slot, the team limit and every other
//! rule come from the sport's YAML like any roster rule. Exposure counts a person,
//! whichever row he fills; a rule that names a player by name names the person
//! (a name lock asks for him in either slot), and by DraftKings id names one row.
//!
//! When a variant runs out of lineups that meet these rules, a warning records
//! it and the next variant starts. An empty pool is an error
//! ([`schemas::StageError::Infeasible`]) that names the rule that cannot be met.
//! The stage is deterministic: same input, same output. Scores within a relative
//! 1e-9 of each other count as ties, and among tied lineups the search keeps the
//! first it meets (players ordered by points, then slate index).

mod error;
mod problem;
mod search;
mod stage;

use schemas::{GameStack, Lineup, QbStack, Slate, TeamStack};

pub use error::OptimizerError;
pub use stage::{Optimizer, OptimizerInput, solve_rules};

use problem::{Pool, Problem};
use search::Model;

/// The stage's name: its artifact folder and the `stage` of its errors.
pub const NAME: &str = "optimizer";

/// Rules of one [`solve`] call beyond the sport's own (cap, min games, team limit, slots).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SolveRules {
    /// Slate indices the lineup must hold.
    pub locks: Vec<u32>,
    /// Slate indices the lineup must not hold.
    pub excludes: Vec<u32>,
    /// Least total salary.
    pub min_salary: Option<u32>,
    /// Most total salary; the sport's cap applies in any case.
    pub max_salary: Option<u32>,
    /// Most players the lineup may share with each earlier lineup (`None`: it must only differ).
    pub max_overlap: Option<u32>,
    /// Most players from one team; the sport's own limit applies in any case.
    pub max_players_per_team: Option<u32>,
    /// Least number of different teams.
    pub min_teams: Option<u32>,
    /// Least number of different games; the sport's own minimum applies in any case.
    pub min_games: Option<u32>,
    /// Team stacks (see [`schemas::TeamStack`]); several need different teams.
    pub team_stacks: Vec<TeamStack>,
    /// The QB stack (see [`schemas::QbStack`]).
    pub qb_stack: Option<QbStack>,
    /// Game stacks (see [`schemas::GameStack`]); several need different games.
    pub game_stacks: Vec<GameStack>,
    /// No non-DST player whose team the lineup's DST faces.
    pub no_offense_vs_dst: bool,
    /// Player groups: between `min` and `max` of the listed players.
    pub groups: Vec<Group>,
    /// Most summed ownership (fractions).
    pub max_ownership_sum: Option<f64>,
    /// Most product of ownership fractions.
    pub max_ownership_product: Option<f64>,
}

/// At least `min` and at most `max` of `players` (slate indices).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Group {
    /// Slate indices of the group.
    pub players: Vec<u32>,
    /// Least of them in the lineup.
    pub min: u32,
    /// Most of them in the lineup (`None`: no limit).
    pub max: Option<u32>,
}

/// The best lineup of one search.
#[derive(Debug, Clone, PartialEq)]
pub struct Solution {
    /// Slate indices in slot order (a valid slot assignment).
    pub lineup: Lineup,
    /// Sum of the objective's points over the lineup.
    pub score: f64,
    /// The search ran to completion, so no lineup under the rules scores more.
    pub proven_optimal: bool,
}

/// The projection of the slate's best lineup under the sport's rules alone
/// (`None`: no lineup is valid): how strong a field is, measured against it.
pub fn best_projection(slate: &Slate) -> Result<Option<f64>, OptimizerError> {
    let points: Vec<f64> = slate.players.iter().map(|p| p.projection).collect();
    Ok(solve(slate, &points, &SolveRules::default(), &[])?.map(|s| s.score))
}

/// Finds the lineup of `slate` with the most `points` (one per slate player)
/// under the sport's rules and `rules`, sharing at most `rules.max_overlap`
/// players with each of the `earlier` lineups (and never equal to one).
///
/// Returns `Ok(None)` when no lineup meets the rules, and an error when the
/// input is malformed (points not aligned with the slate, indices off the slate,
/// unusable sport rules).
pub fn solve(
    slate: &Slate,
    points: &[f64],
    rules: &SolveRules,
    earlier: &[Lineup],
) -> Result<Option<Solution>, OptimizerError> {
    let prob = Problem::new(slate, rules)?;
    prob.check_points(points)?;
    let n = slate.players.len();
    let mut pool = Pool::new(n);
    for (k, l) in earlier.iter().enumerate() {
        if let Some(i) = l.players.iter().find(|&&i| i as usize >= n) {
            return Err(OptimizerError::invalid(
                format!("earlier[{k}]"),
                format!("player index {i} is not on the slate"),
            ));
        }
        pool.push(&l.players);
    }
    let model = Model::new(&prob, points, &[], Vec::new());
    let outcome = model.search(&pool, None)?;
    Ok(outcome.lineup.map(|(players, _)| Solution {
        score: players.iter().map(|&i| points[i as usize]).sum(),
        lineup: Lineup { players },
        proven_optimal: outcome.exact,
    }))
}
