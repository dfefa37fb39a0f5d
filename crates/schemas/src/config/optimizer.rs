use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::PlayerRef;

/// optimizer: user rules applied to every lineup.
///
/// Every key is optional; a missing key takes its [`Default`] value, which is the
/// same as `configs/optimizer/default.yaml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct OptimizerConfig {
    /// Best lineups built per variant (the k best under the overlap rule).
    pub lineups_per_variant: u32,
    /// Most players a lineup may share with any earlier lineup (`None`: lineups need only differ).
    pub max_overlap: Option<u32>,
    /// Least total salary.
    pub min_salary: Option<u32>,
    /// Most total salary (at most the cap).
    pub max_salary: Option<u32>,
    /// Most share of the pool's lineups any one player may appear in (0..1).
    pub max_exposure: f64,
    /// Per-player exposure bounds (shares of the pool's lineups, 0..1), overriding `max_exposure`.
    /// By name a bound covers the person (on showdown slates both his rows); by id, one row.
    pub player_exposure: Vec<PlayerExposure>,
    /// Players every lineup must hold.
    pub locks: Vec<PlayerRef>,
    /// Players no lineup may hold.
    pub excludes: Vec<PlayerRef>,
    /// Most players from one team (the lesser of this and the sport's own limit applies).
    pub max_players_per_team: Option<u32>,
    /// Least number of different teams in a lineup.
    pub min_teams: Option<u32>,
    /// Least number of different games in a lineup (the greater of this and the sport's applies).
    pub min_games: Option<u32>,
    /// Team stacks: each needs `size` players from one team; several stacks need different teams.
    pub team_stacks: Vec<TeamStack>,
    /// NFL quarterback stack: pass catchers from the QB's team and an optional bring-back.
    pub qb_stack: Option<QbStack>,
    /// Game stacks: each needs `size` players from one game; several need different games.
    pub game_stacks: Vec<GameStack>,
    /// No player may face the lineup's own DST (a player whose opponent is the DST's team).
    pub no_offense_vs_dst: bool,
    /// Player groups: at least `min` and at most `max` of the listed players.
    pub groups: Vec<PlayerGroup>,
    /// Most sum of the lineup's projected ownership, as a fraction (1.2 = 120%).
    pub max_ownership_sum: Option<f64>,
    /// Most product of the lineup's projected ownership fractions (e.g. 1e-9).
    pub max_ownership_product: Option<f64>,
    /// Per-lineup noise on the objective: each lineup adds to every player's points
    /// a Gaussian draw with sd `randomness x std_dev`, seeded per lineup (0: none).
    pub randomness: f64,
}

impl Default for OptimizerConfig {
    fn default() -> Self {
        OptimizerConfig {
            lineups_per_variant: 12,
            max_overlap: Some(6),
            min_salary: None,
            max_salary: None,
            max_exposure: 1.0,
            player_exposure: Vec::new(),
            locks: Vec::new(),
            excludes: Vec::new(),
            max_players_per_team: None,
            min_teams: None,
            min_games: None,
            team_stacks: Vec::new(),
            qb_stack: None,
            game_stacks: Vec::new(),
            no_offense_vs_dst: false,
            groups: Vec::new(),
            max_ownership_sum: None,
            max_ownership_product: None,
            randomness: 0.0,
        }
    }
}

/// Exposure bounds for one player, as shares of the pool's lineups (0..1).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PlayerExposure {
    /// The player, by DraftKings id or name.
    pub player: PlayerRef,
    /// Least share of lineups holding him (`None`: 0). Lineups are built in order;
    /// he is forced into the last ones when only just enough are left to reach it.
    #[serde(default)]
    pub min: Option<f64>,
    /// Most share of lineups holding him (`None`: the global `max_exposure`).
    #[serde(default)]
    pub max: Option<f64>,
}

/// `size` players from one team, counting only `positions` (empty: any), from one of `teams` (empty: any).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TeamStack {
    /// Players from the stacked team.
    pub size: u32,
    /// Positions that count toward the stack (a player counts if any of his positions is listed).
    #[serde(default)]
    pub positions: Vec<String>,
    /// Teams (abbreviations) the stack may come from.
    #[serde(default)]
    pub teams: Vec<String>,
}

/// NFL QB stack: every QB in the lineup brings `min_catchers..=max_catchers`
/// pass catchers (WR, TE; RB too with `include_rb`) from his team, and at least
/// `bring_back` RB/WR/TE from his opponent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct QbStack {
    /// Least pass catchers from the QB's team.
    #[serde(default = "one")]
    pub min_catchers: u32,
    /// Most pass catchers from the QB's team (`None`: no limit).
    #[serde(default)]
    pub max_catchers: Option<u32>,
    /// Least RB/WR/TE from the QB's opponent.
    #[serde(default)]
    pub bring_back: u32,
    /// Count RBs as pass catchers.
    #[serde(default)]
    pub include_rb: bool,
}

fn one() -> u32 {
    1
}

/// `size` players from one game, with at least `min_per_team` from each of its two teams.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GameStack {
    /// Players from the stacked game.
    pub size: u32,
    /// Least players from each side of that game.
    #[serde(default)]
    pub min_per_team: u32,
}

/// At least `min` and at most `max` of `players`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PlayerGroup {
    /// The group's players, by DraftKings id or name.
    pub players: Vec<PlayerRef>,
    /// Least of them in a lineup (`None`: 0).
    #[serde(default)]
    pub min: Option<u32>,
    /// Most of them in a lineup (`None`: no limit).
    #[serde(default)]
    pub max: Option<u32>,
}
