use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::Slate;

/// A lineup: player indices into [`Slate::players`], one per slot, in slot order.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
pub struct Lineup {
    pub players: Vec<u32>,
}

/// Why a lineup is not valid on DraftKings.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum LineupViolation {
    #[error("lineup has {got} players, the roster has {want} slots")]
    WrongSize { got: usize, want: usize },
    #[error("player index {0} is not on the slate")]
    UnknownPlayer(u32),
    #[error("player {0} appears twice")]
    Duplicate(i64),
    #[error("player {flex} and its captain entry {captain} are the same person")]
    SamePerson { captain: i64, flex: i64 },
    #[error("player {player} cannot fill slot {slot}")]
    IneligibleSlot { player: i64, slot: String },
    #[error("salary {salary} exceeds the cap {cap}")]
    OverCap { salary: u32, cap: u32 },
    #[error("players come from {got} games, at least {want} required")]
    TooFewGames { got: usize, want: u32 },
    #[error("{count} players from team {team}, at most {max} allowed")]
    TooManyFromTeam { team: String, count: u32, max: u32 },
}

impl Lineup {
    /// Identity of a lineup: its sorted player indices (slot order does not matter).
    pub fn key(&self) -> Vec<u32> {
        let mut k = self.players.clone();
        k.sort_unstable();
        k
    }

    /// Total salary.
    pub fn salary(&self, slate: &Slate) -> u32 {
        self.players
            .iter()
            .map(|&i| slate.players[i as usize].salary)
            .sum()
    }

    /// Checks every DraftKings rule: size, distinct players (a showdown person once), each player eligible
    /// for the slot it stands in, salary cap, min games, max per team.
    pub fn check(&self, slate: &Slate) -> Result<(), LineupViolation> {
        let rules = &slate.rules;
        if self.players.len() != rules.roster_size() {
            return Err(LineupViolation::WrongSize {
                got: self.players.len(),
                want: rules.roster_size(),
            });
        }
        let mut salary = 0u32;
        let mut games: Vec<u32> = Vec::with_capacity(self.players.len());
        let mut teams: Vec<&str> = Vec::with_capacity(self.players.len());
        for (slot, &i) in self.players.iter().enumerate() {
            let p = slate
                .players
                .get(i as usize)
                .ok_or(LineupViolation::UnknownPlayer(i))?;
            if self.players[..slot].contains(&i) {
                return Err(LineupViolation::Duplicate(p.dk_id));
            }
            if let Some(base) = p.captain_of
                && self.players.contains(&base)
            {
                let flex = slate.players.get(base as usize).map_or(-1, |b| b.dk_id);
                return Err(LineupViolation::SamePerson {
                    captain: p.dk_id,
                    flex,
                });
            }
            if p.slot_mask & (1 << slot) == 0 {
                return Err(LineupViolation::IneligibleSlot {
                    player: p.dk_id,
                    slot: rules.slots[slot].name.clone(),
                });
            }
            salary += p.salary;
            games.push(p.game);
            teams.push(&p.team);
        }
        if salary > rules.salary_cap {
            return Err(LineupViolation::OverCap {
                salary,
                cap: rules.salary_cap,
            });
        }
        games.sort_unstable();
        games.dedup();
        if (games.len() as u32) < rules.min_games {
            return Err(LineupViolation::TooFewGames {
                got: games.len(),
                want: rules.min_games,
            });
        }
        if let Some(max) = rules.max_players_per_team {
            teams.sort_unstable();
            for t in teams.chunk_by(|a, b| a == b) {
                if t.len() as u32 > max {
                    return Err(LineupViolation::TooManyFromTeam {
                        team: t[0].to_string(),
                        count: t.len() as u32,
                        max,
                    });
                }
            }
        }
        Ok(())
    }

    /// Puts a set of players into slot order, if any assignment exists.
    pub fn from_set(slate: &Slate, players: &[u32]) -> Option<Lineup> {
        let masks: Vec<u32> = players
            .iter()
            .map(|&i| slate.players.get(i as usize).map_or(0, |p| p.slot_mask))
            .collect();
        let order = slate.rules.assign_slots(&masks)?;
        Some(Lineup {
            players: order.into_iter().map(|k| players[k]).collect(),
        })
    }
}
