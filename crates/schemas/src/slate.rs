use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{ContractError, SportRules};

/// Largest salary a slate may hold: lineup sums of up to 32 such salaries fit in a `u32`.
pub const MAX_SALARY: u32 = 10_000_000;

/// One DraftKings player row of a slate, with the projection attached.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Player {
    /// DraftKings player id (the `ID` column; unique within a slate).
    pub dk_id: i64,
    /// Display name as DraftKings writes it (trailing spaces trimmed).
    pub name: String,
    /// Positions as listed, e.g. `[PG, SG]`.
    pub positions: Vec<String>,
    /// Slots this player may fill (bit `i` = slot `i` of the sport's rules).
    pub slot_mask: u32,
    /// Team abbreviation.
    pub team: String,
    /// Opponent's abbreviation (`None` when the game is unknown).
    pub opponent: Option<String>,
    /// Index into [`Slate::games`].
    pub game: u32,
    /// Salary in dollars.
    pub salary: u32,
    /// Mean projected fantasy points.
    pub projection: f64,
    /// Standard deviation of fantasy points.
    pub std_dev: f64,
    /// Projected ownership, 0..1.
    pub ownership: f64,
    /// Optional provider fields.
    #[serde(default)]
    pub ceiling: Option<f64>,
    #[serde(default)]
    pub floor: Option<f64>,
    #[serde(default)]
    pub minutes: Option<f64>,
    /// The field's projection where the provider gives one (`FieldFpts`,
    /// `Field Proj`): the points the crowd is expected to play him for. The
    /// simulator's mean blends it in (`sim.field_projection_weight`).
    #[serde(default)]
    pub field_projection: Option<f64>,
    /// The game has started (`(LOCKED)`, `In Progress`, `Final`): the player can no longer be swapped.
    #[serde(default)]
    pub locked: bool,
    /// Showdown: this row is the captain entry of the player row at this index, the same
    /// person at the captain's multiplier (see [`SportRules::captain`]). A lineup may hold
    /// a person once. `None` on classic slates and on the non-captain rows.
    #[serde(default)]
    pub captain_of: Option<u32>,
}

/// One real game of the slate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Game {
    /// `AWAY@HOME`.
    pub key: String,
    pub away: String,
    pub home: String,
    /// Start as DraftKings prints it, e.g. `01/12/2025 03:30PM ET`; `None` after lock.
    #[serde(default)]
    pub start: Option<String>,
}

/// A slate: the sport's rules, its games and its player pool.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Slate {
    pub id: String,
    pub rules: SportRules,
    pub games: Vec<Game>,
    pub players: Vec<Player>,
}

impl Slate {
    /// Checks the slate is internally consistent: unique ids, games in range,
    /// every number finite and non-negative, every player fits some slot.
    pub fn validate(&self) -> Result<(), ContractError> {
        self.rules.validate()?;
        let what = |p: &Player| format!("slate {} player {} ({})", self.id, p.name, p.dk_id);
        let mut ids: Vec<i64> = self.players.iter().map(|p| p.dk_id).collect();
        ids.sort_unstable();
        if let Some(w) = ids.windows(2).find(|w| w[0] == w[1]) {
            return Err(ContractError::invalid(
                format!("slate {}", self.id),
                format!("player id {} appears twice", w[0]),
            ));
        }
        let full = if self.rules.slots.len() == 32 {
            u32::MAX
        } else {
            (1u32 << self.rules.slots.len()) - 1
        };
        for p in &self.players {
            if p.game as usize >= self.games.len() {
                return Err(ContractError::invalid(what(p), "game index out of range"));
            }
            if p.salary > MAX_SALARY {
                return Err(ContractError::invalid(
                    what(p),
                    format!(
                        "salary {} is above the largest allowed, {MAX_SALARY}",
                        p.salary
                    ),
                ));
            }
            if p.slot_mask == 0 || p.slot_mask & !full != 0 {
                return Err(ContractError::invalid(what(p), "fits no roster slot"));
            }
            for (field, v) in [
                ("projection", p.projection),
                ("std_dev", p.std_dev),
                ("ownership", p.ownership),
                ("field_projection", p.field_projection.unwrap_or(0.0)),
            ] {
                if !v.is_finite() || v < 0.0 {
                    return Err(ContractError::invalid(
                        what(p),
                        format!("{field} must be a finite number >= 0, got {v}"),
                    ));
                }
            }
            if p.ownership > 1.0 {
                return Err(ContractError::invalid(what(p), "ownership above 1"));
            }
            if let Some(base) = p.captain_of {
                let Some(b) = self.players.get(base as usize) else {
                    return Err(ContractError::invalid(
                        what(p),
                        format!("captain_of {base} is not a player index"),
                    ));
                };
                if b.captain_of.is_some() {
                    return Err(ContractError::invalid(
                        what(p),
                        format!(
                            "captain_of points at {} ({}), itself a captain row",
                            b.name, b.dk_id
                        ),
                    ));
                }
                if self.rules.captain.is_none() {
                    return Err(ContractError::invalid(
                        what(p),
                        format!(
                            "captain row on sport {}, which has no captain slot",
                            self.rules.name
                        ),
                    ));
                }
                let captain = self.rules.captain_slots();
                if p.slot_mask & !captain != 0 || b.slot_mask & captain != 0 {
                    return Err(ContractError::invalid(
                        what(p),
                        "a captain row fits only the captain slot and its base row only the others",
                    ));
                }
            }
        }
        let mut bases: Vec<u32> = self.players.iter().filter_map(|p| p.captain_of).collect();
        bases.sort_unstable();
        if let Some(w) = bases.windows(2).find(|w| w[0] == w[1]) {
            let b = &self.players[w[0] as usize];
            return Err(ContractError::invalid(
                format!("slate {}", self.id),
                format!("{} ({}) has two captain rows", b.name, b.dk_id),
            ));
        }
        Ok(())
    }

    /// The slate's projected points per salary dollar over its base rows
    /// projected above 0 (a captain row is its base row scaled): what a
    /// player's salary is worth at the slate's going rate. `None` when those
    /// rows cost nothing.
    pub fn points_per_dollar(&self) -> Option<f64> {
        let base = || {
            self.players
                .iter()
                .filter(|p| p.captain_of.is_none() && p.projection > 0.0)
        };
        let dollars: f64 = base().map(|p| f64::from(p.salary)).sum();
        (dollars > 0.0).then(|| base().map(|p| p.projection).sum::<f64>() / dollars)
    }

    /// The person a player row stands for: the base row's index (a captain row's
    /// `captain_of`, else the row itself). Exposure and "a person once" count by it.
    pub fn person(&self, index: u32) -> u32 {
        self.players
            .get(index as usize)
            .and_then(|p| p.captain_of)
            .unwrap_or(index)
    }

    /// Index of the player with this DraftKings id.
    pub fn index_of(&self, dk_id: i64) -> Option<u32> {
        self.players
            .iter()
            .position(|p| p.dk_id == dk_id)
            .map(|i| i as u32)
    }
}
