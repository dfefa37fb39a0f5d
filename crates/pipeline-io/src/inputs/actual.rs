//! A standings export's table of drafted players matched to a slate by
//! normalised name: the one place where real contest results meet slate rows,
//! for actual points ([`actual_points`]), real ownership ([`drafted_rows`])
//! and real lineups ([`entry_rows`]).

use std::collections::BTreeMap;

use schemas::Slate;

use super::Standings;
use super::matching::normalise_name;

/// Slate players' actual DraftKings points, from a FINAL standings export.
///
/// Plain data, and it lives here rather than in the pure `calibration` crate
/// (whose math takes `&actual.points`): `calibration` depends on `gpp-sim`,
/// which dev-depends on this crate, so this crate depending on `calibration`
/// would close a cycle and make the file reader pull in the simulator.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ActualPoints {
    /// Indexed like `slate.players`: the player's actual points (a captain
    /// row: the captain multiplier times his person's), or `None` when no
    /// real entry drafted his person, so the table does not give them.
    pub points: Vec<Option<f64>>,
    /// Slate index -> his person's name, for each player whose points are `None`.
    pub unknown: BTreeMap<usize, String>,
}

/// The actual points of every slate player: his person's `FPTS` in the
/// standings' drafted-player table, matched by [`normalise_name`].
pub fn actual_points(slate: &Slate, standings: &Standings) -> ActualPoints {
    let fpts: BTreeMap<String, f64> = standings
        .players
        .iter()
        .map(|p| (normalise_name(&p.name), p.fpts))
        .collect();
    let multiplier = slate.rules.captain.as_ref().map_or(1.0, |c| c.multiplier);
    let mut actual = ActualPoints::default();
    for (i, p) in slate.players.iter().enumerate() {
        let (person, factor) = match p.captain_of.and_then(|b| slate.players.get(b as usize)) {
            Some(base) => (base, multiplier),
            None => (p, 1.0),
        };
        let points = fpts.get(&normalise_name(&person.name)).map(|&x| factor * x);
        if points.is_none() {
            actual.unknown.insert(i, person.name.clone());
        }
        actual.points.push(points);
    }
    actual
}

/// Slate rows by [`normalise_name`]: the rows of persons, and the captain
/// rows (showdown), the last row of a name in each.
struct RowsByName {
    base: BTreeMap<String, u32>,
    captain: BTreeMap<String, u32>,
    /// The sport's captain slot (`CPT`), if it has one.
    captain_slot: Option<String>,
}

impl RowsByName {
    fn of(slate: &Slate) -> Self {
        let mut rows = RowsByName {
            base: BTreeMap::new(),
            captain: BTreeMap::new(),
            captain_slot: slate.rules.captain.as_ref().map(|c| c.slot.clone()),
        };
        for (i, p) in slate.players.iter().enumerate() {
            let map = if p.captain_of.is_some() {
                &mut rows.captain
            } else {
                &mut rows.base
            };
            map.insert(normalise_name(&p.name), i as u32);
        }
        rows
    }

    /// The row of `name` in `slot`: its captain row in the captain slot,
    /// otherwise its person's row.
    fn get(&self, name: &str, slot: &str) -> Option<u32> {
        let map = if self.captain_slot.as_deref() == Some(slot) {
            &self.captain
        } else {
            &self.base
        };
        map.get(&normalise_name(name)).copied()
    }
}

/// For each player of the standings' drafted-player table, in file order,
/// the slate row of the same [`normalise_name`] (the captain row when his
/// roster position is the captain slot, otherwise his person's row), or
/// `None` when the slate has no player of that name.
pub fn drafted_rows(slate: &Slate, standings: &Standings) -> Vec<Option<usize>> {
    let rows = RowsByName::of(slate);
    standings
        .players
        .iter()
        .map(|p| rows.get(&p.name, &p.roster_position).map(|r| r as usize))
        .collect()
}

/// For each entry of the standings, in file order, its lineup as slate rows
/// (a captain slot takes the captain row of that person), or `None` when the
/// lineup is not complete or names a player the slate does not hold.
pub fn entry_rows(slate: &Slate, standings: &Standings) -> Vec<Option<Vec<u32>>> {
    let rows = RowsByName::of(slate);
    standings
        .entries
        .iter()
        .map(|e| {
            if !e.is_complete() {
                return None;
            }
            e.lineup
                .iter()
                .map(|s| rows.get(s.player.as_deref()?, &s.slot))
                .collect()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use schemas::{Player, Slate};

    use super::*;
    use crate::inputs::{DraftedPlayer, StandingsEntry, StandingsSlot, builtin_sport};

    fn player(id: i64, name: &str, captain_of: Option<u32>) -> Player {
        Player {
            dk_id: id,
            name: name.into(),
            positions: vec!["G".into()],
            slot_mask: 1,
            team: "T0".into(),
            opponent: None,
            game: 0,
            salary: 5000,
            projection: 20.0,
            std_dev: 5.0,
            ownership: 0.1,
            ceiling: None,
            floor: None,
            minutes: None,
            field_projection: None,
            locked: false,
            captain_of,
        }
    }

    fn drafted(name: &str, fpts: f64) -> DraftedPlayer {
        DraftedPlayer {
            row: 2,
            name: name.into(),
            roster_position: "UTIL".into(),
            drafted: 0.5,
            fpts,
        }
    }

    fn showdown(players: Vec<Player>) -> Slate {
        let Some(rules) = builtin_sport("nba_showdown") else {
            panic!("nba_showdown is a builtin sport")
        };
        Slate {
            id: "s".into(),
            rules,
            games: Vec::new(),
            players,
        }
    }

    #[test]
    fn names_match_normalised_captains_scale_and_the_undrafted_are_named() {
        // Row 0: base; row 1: its captain; row 2: undrafted base; row 3: his captain.
        let slate = showdown(vec![
            player(1, "Michael Porter Jr.", None),
            player(2, "Michael Porter Jr.", Some(0)),
            player(3, "Nobody Drafted", None),
            player(4, "Nobody Drafted", Some(2)),
        ]);
        let multiplier = slate.rules.captain.as_ref().map(|c| c.multiplier);
        assert_eq!(multiplier, Some(1.5));
        let standings = Standings {
            entries: Vec::new(),
            players: vec![
                drafted("michael porter", 30.0),
                drafted("Someone Else", 9.0),
            ],
        };
        let actual = actual_points(&slate, &standings);
        assert_eq!(actual.points, vec![Some(30.0), Some(45.0), None, None]);
        let names: Vec<(usize, &str)> = actual
            .unknown
            .iter()
            .map(|(&i, n)| (i, n.as_str()))
            .collect();
        assert_eq!(names, vec![(2, "Nobody Drafted"), (3, "Nobody Drafted")]);

        // The table's players by slate row: his person's row, or none; a
        // captain-slot row of the table is the captain row.
        assert_eq!(drafted_rows(&slate, &standings), vec![Some(0), None]);
        let mut captained = standings.clone();
        captained.players[0].roster_position = "CPT".into();
        assert_eq!(drafted_rows(&slate, &captained), vec![Some(1), None]);
    }

    #[test]
    fn entries_map_to_slate_rows_with_captain_slots_on_captain_rows() {
        let slate = showdown(vec![
            player(1, "Michael Porter Jr.", None),
            player(2, "Michael Porter Jr.", Some(0)),
            player(3, "Nikola Jokic", None),
            player(4, "Nikola Jokic", Some(2)),
        ]);
        let entry = |slots: &[(&str, Option<&str>)]| StandingsEntry {
            row: 2,
            rank: 1,
            entry_id: 7,
            user: "u".into(),
            entry_of: None,
            time_remaining: 0.0,
            points: 100.0,
            lineup: slots
                .iter()
                .map(|&(slot, name)| StandingsSlot {
                    slot: slot.into(),
                    player: name.map(String::from),
                })
                .collect(),
        };
        let standings = Standings {
            entries: vec![
                entry(&[
                    ("CPT", Some("Nikola Jokic")),
                    ("FLEX", Some("michael porter")),
                ]),
                entry(&[
                    ("CPT", Some("Michael Porter Jr.")),
                    ("FLEX", Some("Nobody")),
                ]),
                entry(&[("CPT", None), ("FLEX", Some("Nikola Jokic"))]),
                entry(&[]),
            ],
            players: Vec::new(),
        };
        assert_eq!(
            entry_rows(&slate, &standings),
            vec![Some(vec![3, 0]), None, None, None]
        );
    }
}
