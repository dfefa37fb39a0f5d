//! DraftKings contest-standings exports (`contest-standings-<id>.csv`).
//!
//! Two tables sit side by side in one CSV: the entries on the left
//! (`Rank,EntryId,EntryName,TimeRemaining,Points,Lineup`) and, after a blank
//! column, the players on the right (`Player,Roster Position,%Drafted,FPTS`),
//! which is shorter and ends with blank cells. The `Lineup` cell lists the slots
//! in alphabetical order, each label followed by the player's name
//! (`C Nikola Jokic F Jayson Tatum G ...`); during a live contest the players of
//! games not yet started read `LOCKED`. Entry names are `user` or `user (k/N)`
//! for the k-th of a user's N entries; ranks repeat on ties; an entry that never
//! filled its lineup has a blank `Lineup`.

use std::path::Path;

use super::open::{FileRole, PathScope};
use super::table::{self, Header, Row};
use crate::IoError;

/// Slot labels DraftKings writes in `Lineup` cells (classic and showdown, NBA and NFL).
pub const STANDINGS_SLOT_LABELS: &[&str] = &[
    "C", "CPT", "DST", "F", "FLEX", "G", "PF", "PG", "QB", "RB", "SF", "SG", "TE", "UTIL", "WR",
];

/// What a `Lineup` cell shows for a player whose game had not started.
pub const LOCKED: &str = "LOCKED";

/// One slot of an entry's lineup.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct StandingsSlot {
    /// Slot label as written (`PG`, `UTIL`, `FLEX`, ...).
    pub slot: String,
    /// Player name, or `None` when the cell read `LOCKED`.
    pub player: Option<String>,
}

/// One entry (left table row).
#[derive(Debug, Clone, PartialEq)]
pub struct StandingsEntry {
    /// 1-based row of the file.
    pub row: u64,
    /// Rank; tied entries share it.
    pub rank: u32,
    pub entry_id: i64,
    /// User name without the `(k/N)` suffix.
    pub user: String,
    /// `(k, N)`: this is the user's k-th of N entries (`None` for a single entry).
    pub entry_of: Option<(u32, u32)>,
    pub time_remaining: f64,
    pub points: f64,
    /// Slots in the order written (alphabetical); empty when the entry never filled its lineup.
    pub lineup: Vec<StandingsSlot>,
}

impl StandingsEntry {
    /// True when every slot names a player (no `LOCKED` cell) and the lineup is not empty.
    pub fn is_complete(&self) -> bool {
        !self.lineup.is_empty() && self.lineup.iter().all(|s| s.player.is_some())
    }

    /// The lineup's identity as a set: player names sorted (`None` if incomplete).
    pub fn player_set(&self) -> Option<Vec<&str>> {
        if !self.is_complete() {
            return None;
        }
        let mut names: Vec<&str> = self
            .lineup
            .iter()
            .filter_map(|s| s.player.as_deref())
            .collect();
        names.sort_unstable();
        Some(names)
    }
}

/// One player of the right table.
#[derive(Debug, Clone, PartialEq)]
pub struct DraftedPlayer {
    /// 1-based row of the file.
    pub row: u64,
    pub name: String,
    /// `Roster Position` as written (the slot he was most used in, e.g. `UTIL`).
    pub roster_position: String,
    /// Share of entries holding him, 0..1 (`%Drafted` / 100).
    pub drafted: f64,
    /// Fantasy points scored so far.
    pub fpts: f64,
}

/// A parsed contest-standings file.
#[derive(Debug, Clone, PartialEq)]
pub struct Standings {
    /// Every entry, in file order.
    pub entries: Vec<StandingsEntry>,
    /// The right table, in file order.
    pub players: Vec<DraftedPlayer>,
}

impl Standings {
    /// `LOCKED` cells over all lineups (0 in a FINAL export).
    pub fn locked_slots(&self) -> usize {
        self.entries
            .iter()
            .flat_map(|e| &e.lineup)
            .filter(|s| s.player.is_none())
            .count()
    }

    /// Entries with a blank lineup.
    pub fn empty_lineups(&self) -> usize {
        self.entries.iter().filter(|e| e.lineup.is_empty()).count()
    }

    /// Sum of `%Drafted` over the right table, as a share (8.0 for a full NBA classic field).
    pub fn drafted_sum(&self) -> f64 {
        self.players.iter().map(|p| p.drafted).sum()
    }
}

#[derive(Debug)]
struct Columns {
    rank: usize,
    entry_id: usize,
    entry_name: usize,
    time_remaining: usize,
    points: usize,
    lineup: usize,
    /// Right table: (player, roster position, %drafted, fpts), absent when the export has none.
    right: Option<(usize, usize, usize, usize)>,
}

/// Reads a DraftKings contest-standings CSV. Every error names the file, row and field.
pub fn read_standings(path: impl AsRef<Path>) -> Result<Standings, IoError> {
    read_standings_in(path.as_ref(), &PathScope::Anywhere)
}

/// [`read_standings`] for a file that must lie within `scope` (the HTTP server's data
/// root); see [`super::read_input`].
pub fn read_standings_in(path: &Path, scope: &PathScope) -> Result<Standings, IoError> {
    let rows = table::read_rows(path, FileRole::Standings, scope)?;
    let Some((header_row, data)) = rows.split_first() else {
        return Err(IoError::file(path, "the file is empty"));
    };
    let header = Header::new(header_row);
    let lineup = header.require(path, "Lineup", 0)?;
    let cols = Columns {
        rank: header.require(path, "Rank", 0)?,
        entry_id: header.require(path, "EntryId", 0)?,
        entry_name: header.require(path, "EntryName", 0)?,
        time_remaining: header.require(path, "TimeRemaining", 0)?,
        points: header.require(path, "Points", 0)?,
        lineup,
        right: match header.find("Player", lineup + 1) {
            Some(player) => Some((
                player,
                header.require(path, "Roster Position", player)?,
                header.require(path, "%Drafted", player)?,
                header.require(path, "FPTS", player)?,
            )),
            None => None,
        },
    };
    let mut standings = Standings {
        entries: Vec::with_capacity(data.len()),
        players: Vec::new(),
    };
    for row in data {
        if row.is_blank_in(0, row.cells.len()) {
            continue;
        }
        if !row.is_blank_in(0, cols.lineup + 1) {
            standings.entries.push(read_entry(path, &cols, row)?);
        }
        if let Some(right) = cols.right
            && !row.cell(right.0).is_empty()
        {
            standings.players.push(read_player(path, right, row)?);
        }
    }
    if standings.entries.is_empty() {
        return Err(IoError::file(path, "the standings hold no entries"));
    }
    Ok(standings)
}

fn read_entry(path: &Path, cols: &Columns, row: &Row) -> Result<StandingsEntry, IoError> {
    let rank = table::required(path, row, "Rank", cols.rank, |s| {
        parse_whole(s, "a rank (a whole number >= 1)")
            .and_then(|v| v.map(u32::try_from).transpose().map_err(|e| e.to_string()))
    })?;
    if rank == 0 {
        return Err(IoError::field(
            path,
            row.line,
            "Rank",
            "rank 0 (ranks start at 1)",
        ));
    }
    let entry_id = table::required(path, row, "EntryId", cols.entry_id, |s| {
        parse_whole(s, "an entry id (a whole number)")
    })?;
    let name = row.cell(cols.entry_name);
    if name.is_empty() {
        return Err(IoError::field(
            path,
            row.line,
            "EntryName",
            "value is missing",
        ));
    }
    let (user, entry_of) = split_entry_name(name);
    let time_remaining = table::required(path, row, "TimeRemaining", cols.time_remaining, |s| {
        table::parse_f64(s, "a number")
    })?;
    let points = table::required(path, row, "Points", cols.points, |s| {
        table::parse_f64(s, "a number of points")
    })?;
    let lineup = parse_lineup(row.cell(cols.lineup))
        .map_err(|message| IoError::field(path, row.line, "Lineup", message))?;
    Ok(StandingsEntry {
        row: row.line,
        rank,
        entry_id,
        user: user.to_owned(),
        entry_of,
        time_remaining,
        points,
        lineup,
    })
}

fn read_player(
    path: &Path,
    (player, position, drafted, fpts): (usize, usize, usize, usize),
    row: &Row,
) -> Result<DraftedPlayer, IoError> {
    let share = table::required(path, row, "%Drafted", drafted, |s| {
        table::parse_f64(s, "a percentage")
    })?;
    if !(0.0..=100.0).contains(&share) {
        return Err(IoError::field(
            path,
            row.line,
            "%Drafted",
            format!("{share} is outside 0..100"),
        ));
    }
    Ok(DraftedPlayer {
        row: row.line,
        name: row.cell(player).to_owned(),
        roster_position: row.cell(position).to_owned(),
        drafted: share / 100.0,
        fpts: table::parse_f64(row.cell(fpts), "a number of points")
            .map_err(|m| IoError::field(path, row.line, "FPTS", m))?
            .unwrap_or(0.0),
    })
}

/// Whole numbers, blank as `None`.
fn parse_whole(raw: &str, what: &str) -> Result<Option<i64>, String> {
    let s = raw.trim();
    if s.is_empty() {
        return Ok(None);
    }
    s.parse::<i64>()
        .map(Some)
        .map_err(|_| format!("{s:?} is not {what}"))
}

/// `user (k/N)` -> (`user`, Some((k, N))); anything else is the user name itself.
fn split_entry_name(name: &str) -> (&str, Option<(u32, u32)>) {
    let parsed = name.strip_suffix(')').and_then(|rest| {
        let open = rest.rfind(" (")?;
        let (k, n) = rest[open + 2..].split_once('/')?;
        Some((
            rest[..open].trim_end(),
            (k.parse::<u32>().ok()?, n.parse::<u32>().ok()?),
        ))
    });
    match parsed {
        Some((user, kn)) => (user, Some(kn)),
        None => (name, None),
    }
}

/// Splits `C Nikola Jokic F Jayson Tatum ...` into slots. A word is a slot label
/// when it is one of [`STANDINGS_SLOT_LABELS`] and does not sort before the label
/// before it (DraftKings writes labels alphabetically), so a name holding such a
/// word (`Jaren Jackson Jr. C`) is not cut apart when the order rules it out.
fn parse_lineup(cell: &str) -> Result<Vec<StandingsSlot>, String> {
    let mut slots: Vec<(String, Vec<&str>)> = Vec::new();
    for word in cell.split_whitespace() {
        let label_ok = STANDINGS_SLOT_LABELS.contains(&word)
            && slots
                .last()
                .is_none_or(|(prev, names)| !names.is_empty() && prev.as_str() <= word);
        match slots.last_mut() {
            Some((_, names)) if !label_ok => names.push(word),
            None if !label_ok => {
                return Err(format!(
                    "expected a slot label ({}) first, found {word:?}",
                    STANDINGS_SLOT_LABELS.join(", ")
                ));
            }
            _ => slots.push((word.to_owned(), Vec::new())),
        }
    }
    slots
        .into_iter()
        .map(|(slot, names)| {
            if names.is_empty() {
                return Err(format!("slot {slot} has no player"));
            }
            let name = names.join(" ");
            Ok(StandingsSlot {
                slot,
                player: (name != LOCKED).then_some(name),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_names_split_user_and_count() {
        assert_eq!(
            split_entry_name("geekedup911 (19/20)"),
            ("geekedup911", Some((19, 20)))
        );
        assert_eq!(split_entry_name("solo"), ("solo", None));
        assert_eq!(split_entry_name("odd (name)"), ("odd (name)", None));
    }

    #[test]
    fn lineups_split_on_ordered_labels_only() {
        let slots =
            parse_lineup("C Jalen Smith F LOCKED G C.J. McCollum UTIL Jaren Jackson Jr.").unwrap();
        let got: Vec<(&str, Option<&str>)> = slots
            .iter()
            .map(|s| (s.slot.as_str(), s.player.as_deref()))
            .collect();
        assert_eq!(
            got,
            [
                ("C", Some("Jalen Smith")),
                ("F", None),
                ("G", Some("C.J. McCollum")),
                ("UTIL", Some("Jaren Jackson Jr.")),
            ]
        );
        // A label-like word out of alphabetical order stays in the name.
        let slots = parse_lineup("PG Mister C Jones SG Other Guy").unwrap();
        assert_eq!(slots[0].player.as_deref(), Some("Mister C Jones"));
        assert!(parse_lineup("Nikola Jokic C").is_err());
        assert_eq!(
            parse_lineup("C Joel Embiid PG").unwrap_err(),
            "slot PG has no player"
        );
        assert!(parse_lineup("").unwrap().is_empty());
    }
}
