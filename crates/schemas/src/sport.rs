use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::ContractError;

/// One roster slot: its name as DraftKings writes it and the positions that may fill it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SlotRule {
    /// Slot name as in DraftKings' upload header, e.g. `PG`, `UTIL`, `FLEX`, `CPT`.
    pub name: String,
    /// Player positions eligible for this slot, e.g. `[PG, SG]` for `G`.
    pub eligible: Vec<String>,
}

/// A DraftKings game type as data (`configs/sports/*.yaml`): adding a sport adds a file, not code.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SportRules {
    /// Identifier, e.g. `nba_classic`.
    pub name: String,
    /// Sport, e.g. `NBA`.
    pub sport: String,
    /// Every position a player may carry, in a fixed order (bit `i` of a position mask).
    pub positions: Vec<String>,
    /// Roster slots in DraftKings' upload order.
    pub slots: Vec<SlotRule>,
    /// Salary cap in dollars.
    pub salary_cap: u32,
    /// Players must come from at least this many distinct games.
    pub min_games: u32,
    /// At most this many players from one team (`None`: no limit).
    #[serde(default)]
    pub max_players_per_team: Option<u32>,
    /// Captain slot name and its salary/points multiplier (showdown); `None` for classic.
    #[serde(default)]
    pub captain: Option<CaptainRule>,
    /// Std dev as a fraction of the projection when a projection file gives none.
    pub default_std_dev_ratio: f64,
}

/// Showdown captain: the slot that multiplies salary and points.
///
/// DraftKings lists each person twice in a showdown salary file: a captain row
/// (its own id, the salary already multiplied) that fits only this slot, and a
/// base row that fits only the other slots. The slate links them through
/// [`crate::Player::captain_of`]; a lineup may hold a person once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CaptainRule {
    /// Name of the captain slot (every slot of this name), e.g. `CPT`.
    pub slot: String,
    /// Factor on the captain's fantasy points (and on his salary, which DraftKings' file already applies).
    pub multiplier: f64,
}

impl SportRules {
    /// Checks the rules are usable: slots exist, every eligible position is declared, at most 32 of each.
    pub fn validate(&self) -> Result<(), ContractError> {
        let what = || format!("sport rules {}", self.name);
        if self.slots.is_empty() {
            return Err(ContractError::invalid(what(), "no slots"));
        }
        if self.slots.len() > 32 || self.positions.len() > 32 {
            return Err(ContractError::invalid(
                what(),
                "more than 32 slots or positions",
            ));
        }
        for slot in &self.slots {
            if slot.eligible.is_empty() {
                return Err(ContractError::invalid(
                    what(),
                    format!("slot {} has no eligible positions", slot.name),
                ));
            }
            for p in &slot.eligible {
                if self.position_bit(p).is_none() {
                    return Err(ContractError::invalid(
                        what(),
                        format!("slot {} names undeclared position {p}", slot.name),
                    ));
                }
            }
        }
        if self.salary_cap == 0 {
            return Err(ContractError::invalid(what(), "salary_cap is 0"));
        }
        if let Some(c) = &self.captain {
            if self.captain_slots() == 0 {
                return Err(ContractError::invalid(
                    what(),
                    format!("captain slot {} is not one of the slots", c.slot),
                ));
            }
            if self.captain_slots() == self.all_slots() {
                return Err(ContractError::invalid(
                    what(),
                    format!("every slot is the captain slot {}", c.slot),
                ));
            }
            if !(c.multiplier.is_finite() && c.multiplier > 0.0) {
                return Err(ContractError::invalid(
                    what(),
                    format!(
                        "captain multiplier must be a finite number > 0, got {}",
                        c.multiplier
                    ),
                ));
            }
        }
        Ok(())
    }

    /// Bits of every roster slot (bit `i` = slot `i`).
    pub fn all_slots(&self) -> u32 {
        match self.slots.len() {
            32.. => u32::MAX,
            n => (1u32 << n) - 1,
        }
    }

    /// Bits of the captain's slots (the slots named [`CaptainRule::slot`]); 0 without a captain.
    pub fn captain_slots(&self) -> u32 {
        let Some(c) = &self.captain else {
            return 0;
        };
        self.slots
            .iter()
            .enumerate()
            .filter(|(_, s)| s.name.eq_ignore_ascii_case(&c.slot))
            .fold(0, |m, (i, _)| m | (1 << i))
    }

    /// Number of players in a lineup.
    pub fn roster_size(&self) -> usize {
        self.slots.len()
    }

    /// Slot names in upload order.
    pub fn slot_names(&self) -> Vec<&str> {
        self.slots.iter().map(|s| s.name.as_str()).collect()
    }

    /// Bit of a position in position masks, if the sport knows it.
    pub fn position_bit(&self, position: &str) -> Option<u32> {
        self.positions
            .iter()
            .position(|p| p.eq_ignore_ascii_case(position))
            .map(|i| 1u32 << i)
    }

    /// Mask of slots a player with these positions may fill (bit `i` = slot `i`).
    pub fn slot_mask(&self, positions: &[String]) -> u32 {
        let mut pos_mask = 0u32;
        for p in positions {
            if let Some(b) = self.position_bit(p) {
                pos_mask |= b;
            }
        }
        let mut mask = 0u32;
        for (i, slot) in self.slots.iter().enumerate() {
            if slot
                .eligible
                .iter()
                .any(|e| self.position_bit(e).is_some_and(|b| b & pos_mask != 0))
            {
                mask |= 1 << i;
            }
        }
        mask
    }

    /// Assigns players (given by their slot masks) to slots, one each.
    ///
    /// Returns, for each slot in order, the index into `slot_masks` of its player,
    /// or `None` when no assignment exists (Hall's condition fails). Bipartite
    /// matching by augmenting paths; rosters have at most 32 slots.
    pub fn assign_slots(&self, slot_masks: &[u32]) -> Option<Vec<usize>> {
        assign_slots(self.slots.len(), slot_masks)
    }
}

/// Bipartite matching of players (slot masks) onto `slots` slots; see [`SportRules::assign_slots`].
pub(crate) fn assign_slots(slots: usize, slot_masks: &[u32]) -> Option<Vec<usize>> {
    if slot_masks.len() != slots {
        return None;
    }
    let mut slot_owner: Vec<Option<usize>> = vec![None; slots];
    for player in 0..slot_masks.len() {
        let mut seen = 0u32;
        if !augment(player, slot_masks, &mut slot_owner, &mut seen) {
            return None;
        }
    }
    slot_owner.into_iter().collect()
}

fn augment(player: usize, masks: &[u32], owner: &mut [Option<usize>], seen: &mut u32) -> bool {
    let mut m = masks[player] & !*seen;
    while m != 0 {
        let slot = m.trailing_zeros() as usize;
        m &= m - 1;
        if slot >= owner.len() {
            continue;
        }
        *seen |= 1 << slot;
        let free = match owner[slot] {
            None => true,
            Some(other) => augment(other, masks, owner, seen),
        };
        if free {
            owner[slot] = Some(player);
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nba() -> SportRules {
        let s = |n: &str, e: &[&str]| SlotRule {
            name: n.into(),
            eligible: e.iter().map(|x| x.to_string()).collect(),
        };
        SportRules {
            name: "nba_classic".into(),
            sport: "NBA".into(),
            positions: ["PG", "SG", "SF", "PF", "C"].map(String::from).to_vec(),
            slots: vec![
                s("PG", &["PG"]),
                s("SG", &["SG"]),
                s("SF", &["SF"]),
                s("PF", &["PF"]),
                s("C", &["C"]),
                s("G", &["PG", "SG"]),
                s("F", &["SF", "PF"]),
                s("UTIL", &["PG", "SG", "SF", "PF", "C"]),
            ],
            salary_cap: 50_000,
            min_games: 2,
            max_players_per_team: None,
            captain: None,
            default_std_dev_ratio: 0.3,
        }
    }

    fn mask(r: &SportRules, p: &str) -> u32 {
        r.slot_mask(&p.split('/').map(String::from).collect::<Vec<_>>())
    }

    #[test]
    fn counts_pass_but_hall_fails() {
        // The trap from the optimizer issue: PG/SG, PG x4, PF, PF/C, SF/PF.
        let r = nba();
        let masks: Vec<u32> = ["PG/SG", "PG", "PG", "PG", "PG", "PF", "PF/C", "SF/PF"]
            .iter()
            .map(|p| mask(&r, p))
            .collect();
        assert_eq!(r.assign_slots(&masks), None);
    }

    #[test]
    fn valid_lineup_gets_a_full_assignment() {
        let r = nba();
        let masks: Vec<u32> = ["C", "PF/C", "SF", "PG/SG", "SG", "PG", "SF/PF", "PF"]
            .iter()
            .map(|p| mask(&r, p))
            .collect();
        let a = r.assign_slots(&masks).expect("assignable");
        for (slot, &player) in a.iter().enumerate() {
            assert_ne!(
                masks[player] & (1 << slot),
                0,
                "slot {slot} takes an eligible player"
            );
        }
        let mut seen = a.clone();
        seen.sort_unstable();
        seen.dedup();
        assert_eq!(seen.len(), 8);
    }
}
