//! Matching projection rows to salary rows: by DraftKings id, else by normalised
//! name + team, else (team defenses) by team, with a report of what did not match.

use std::collections::HashMap;

use serde::Serialize;

use super::{ProjectionFile, ProjectionRow, SalaryFile, SalaryRow};

/// Generational suffixes dropped when comparing names (`Jaren Jackson Jr.`).
const SUFFIXES: &[&str] = &["jr", "sr", "ii", "iii", "iv", "v"];

/// Position labels providers use for a team defense.
const DEFENSE_POSITIONS: &[&str] = &["dst", "d", "def", "d/st", "defense"];

/// Normalises a player name for matching: lowercase, punctuation removed (`'`, `.`,
/// `-` and the like; a hyphen becomes a space), generational suffixes
/// (Jr, Sr, II, III, IV, V) dropped, whitespace collapsed.
/// `"Michael Porter Jr."` and `"michael porter"` both give `"michael porter"`.
pub fn normalise_name(name: &str) -> String {
    let spaced: String = name
        .chars()
        .map(|c| match c {
            '-' | '_' | '/' => ' ',
            c => c.to_ascii_lowercase(),
        })
        .filter(|c| c.is_alphanumeric() || c.is_whitespace())
        .collect();
    let words: Vec<&str> = spaced.split_whitespace().collect();
    let keep = match words.split_last() {
        Some((last, rest)) if !rest.is_empty() && SUFFIXES.contains(last) => rest,
        _ => &words[..],
    };
    keep.join(" ")
}

fn normalise_team(team: &str) -> String {
    team.trim().to_ascii_uppercase()
}

fn is_defense(positions: &[String]) -> bool {
    positions.iter().any(|p| p.eq_ignore_ascii_case("DST"))
}

/// A projection row that matched no salary player.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct UnmatchedProjection {
    /// 1-based row in the projection file.
    pub row: u64,
    /// Name as the provider wrote it.
    pub name: String,
    /// Team as the provider wrote it.
    pub team: Option<String>,
    /// Why: no such player, or a second row for a player already matched.
    pub reason: String,
}

/// A salary player no projection row matched; he keeps `AvgPointsPerGame`.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct PlayerWithoutProjection {
    /// 1-based row in the salary file.
    pub row: u64,
    /// DraftKings player id.
    pub dk_id: i64,
    /// DraftKings name.
    pub name: String,
    /// DraftKings team abbreviation.
    pub team: String,
}

/// What matching projections to the salary file did, for the user to check.
#[derive(Debug, Clone, Default, PartialEq, Serialize, schemars::JsonSchema)]
pub struct MatchReport {
    /// Projection rows matched by DraftKings id.
    pub by_id: usize,
    /// Projection rows matched by normalised name + team.
    pub by_name_team: usize,
    /// Projection rows matched by normalised name alone (unique on the slate; the
    /// provider's team abbreviation differed from DraftKings').
    pub by_name_only: usize,
    /// Team defenses matched by team.
    pub by_defense_team: usize,
    /// Every projection row left unmatched.
    pub unmatched_projections: Vec<UnmatchedProjection>,
    /// Every salary player left without a projection.
    pub players_without_projection: Vec<PlayerWithoutProjection>,
}

impl MatchReport {
    /// Projection rows matched to a salary player, however.
    pub fn matched(&self) -> usize {
        self.by_id + self.by_name_team + self.by_name_only + self.by_defense_team
    }
}

/// How a projection row found its player.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum How {
    Id,
    NameTeam,
    NameOnly,
    DefenseTeam,
}

/// Lookup tables over the salary rows.
#[derive(Debug)]
struct Index {
    by_id: HashMap<i64, usize>,
    by_name_team: HashMap<(String, String), usize>,
    /// Showdown captain rows by normalised name + team (for provider rows marked captain).
    captain_by_name_team: HashMap<(String, String), usize>,
    /// Name -> salary rows with it (a name on two teams is ambiguous).
    by_name: HashMap<String, Vec<usize>>,
    defense_by_team: HashMap<String, usize>,
}

impl Index {
    /// Indexes the rows; `id_only` rows (showdown captain rows) are found by id alone,
    /// so that a name finds the person's base row.
    fn new(rows: &[SalaryRow], id_only: &[bool]) -> Index {
        let mut index = Index {
            by_id: HashMap::new(),
            by_name_team: HashMap::new(),
            captain_by_name_team: HashMap::new(),
            by_name: HashMap::new(),
            defense_by_team: HashMap::new(),
        };
        for (i, r) in rows.iter().enumerate() {
            let name = normalise_name(&r.name);
            let team = normalise_team(&r.team);
            index.by_id.insert(r.dk_id, i);
            if id_only.get(i).copied().unwrap_or(false) {
                index.captain_by_name_team.insert((name, team), i);
                continue;
            }
            index.by_name_team.insert((name.clone(), team.clone()), i);
            index.by_name.entry(name).or_default().push(i);
            if is_defense(&r.positions) {
                index.defense_by_team.insert(team, i);
            }
        }
        index
    }

    fn find(
        &self,
        salaries: &[SalaryRow],
        p: &ProjectionRow,
        captain_label: Option<&str>,
    ) -> Option<(usize, How)> {
        if let Some(&i) = p.dk_id.and_then(|id| self.by_id.get(&id)) {
            return Some((i, How::Id));
        }
        let name = normalise_name(&p.name);
        let team = p.team.as_deref().map(normalise_team);
        // A provider row for the captain entry (position `CPT`) goes to the captain row.
        let captain = captain_label.is_some_and(|label| {
            p.position
                .as_deref()
                .is_some_and(|pos| pos.split('/').any(|x| x.trim().eq_ignore_ascii_case(label)))
        });
        if captain {
            return team
                .and_then(|t| self.captain_by_name_team.get(&(name, t)))
                .map(|&i| (i, How::NameTeam));
        }
        if let Some(t) = &team {
            if let Some(&i) = self.by_name_team.get(&(name.clone(), t.clone())) {
                return Some((i, How::NameTeam));
            }
            let defense = self.defense_by_team.get(t).copied();
            if let Some(i) = defense.filter(|&i| looks_like_defense(p, &name, &salaries[i].name)) {
                return Some((i, How::DefenseTeam));
            }
        }
        match self.by_name.get(&name).map(Vec::as_slice) {
            Some(&[i]) if !name.is_empty() => Some((i, How::NameOnly)),
            _ => None,
        }
    }
}

/// A projection row is the team defense when the provider says so by position, or
/// its name contains DraftKings' nickname (`"Baltimore Ravens"` vs `"Ravens "`),
/// or the other way round (`"Ravens"` vs a city-and-nickname DST name).
fn looks_like_defense(p: &ProjectionRow, name: &str, dk_name: &str) -> bool {
    let by_position = p.position.as_deref().is_some_and(|pos| {
        pos.split('/')
            .any(|x| DEFENSE_POSITIONS.contains(&x.trim().to_ascii_lowercase().as_str()))
            || DEFENSE_POSITIONS.contains(&pos.trim().to_ascii_lowercase().as_str())
    });
    let dk = normalise_name(dk_name);
    let contains = |a: &str, b: &str| {
        !b.is_empty()
            && a.split(' ')
                .collect::<Vec<_>>()
                .windows(b.split(' ').count())
                .any(|w| w.join(" ") == b)
    };
    by_position || contains(name, &dk) || contains(&dk, name)
}

/// Matches every projection row to at most one salary row and vice versa.
///
/// Order of attempts per row: DraftKings id; normalised name + team; the team's
/// defense (for DST rows, whatever nickname the provider uses); normalised name
/// alone when exactly one salary player has it. A second row for a player already
/// matched is reported, not used. `id_only` salary rows (showdown captain rows) are
/// matched by DraftKings id, or by name + team from a provider row whose position
/// is `captain_label` (`CPT`); they are not reported when left without a
/// projection: they take their person's. Returns, per salary row, the index of its
/// projection row.
pub(crate) fn match_projections(
    salaries: &SalaryFile,
    projections: &ProjectionFile,
    id_only: &[bool],
    captain_label: Option<&str>,
) -> (Vec<Option<usize>>, MatchReport) {
    let index = Index::new(&salaries.rows, id_only);
    let mut assigned: Vec<Option<usize>> = vec![None; salaries.rows.len()];
    let mut report = MatchReport::default();
    for (pi, p) in projections.rows.iter().enumerate() {
        let unmatched = |reason: &str| UnmatchedProjection {
            row: p.row,
            name: p.name.clone(),
            team: p.team.clone(),
            reason: reason.to_owned(),
        };
        let Some((si, how)) = index.find(&salaries.rows, p, captain_label) else {
            report
                .unmatched_projections
                .push(unmatched("no salary player with this id, or name and team"));
            continue;
        };
        if let Some(first) = assigned[si] {
            let first_row = projections.rows.get(first).map_or(0, |r| r.row);
            report.unmatched_projections.push(unmatched(&format!(
                "same player as row {first_row}; the first row is used"
            )));
            continue;
        }
        assigned[si] = Some(pi);
        match how {
            How::Id => report.by_id += 1,
            How::NameTeam => report.by_name_team += 1,
            How::NameOnly => report.by_name_only += 1,
            How::DefenseTeam => report.by_defense_team += 1,
        }
    }
    report.players_without_projection = salaries
        .rows
        .iter()
        .zip(&assigned)
        .enumerate()
        .filter(|(i, (_, a))| a.is_none() && !id_only.get(*i).copied().unwrap_or(false))
        .map(|(_, (r, _))| PlayerWithoutProjection {
            row: r.row,
            dk_id: r.dk_id,
            name: r.name.clone(),
            team: r.team.clone(),
        })
        .collect();
    (assigned, report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_normalise() {
        assert_eq!(normalise_name("Michael Porter Jr."), "michael porter");
        assert_eq!(normalise_name("Ricky Council IV"), "ricky council");
        assert_eq!(normalise_name("Ja'Marr  Chase"), "jamarr chase");
        assert_eq!(normalise_name("Karl-Anthony Towns"), "karl anthony towns");
        assert_eq!(normalise_name("A.J. Brown"), "aj brown");
        assert_eq!(normalise_name("Ravens "), "ravens");
        // A lone "V" is a name, not a suffix.
        assert_eq!(normalise_name("V"), "v");
    }

    #[test]
    fn defense_by_nickname_or_position() {
        let p = |name: &str, pos: Option<&str>| ProjectionRow {
            name: name.into(),
            position: pos.map(Into::into),
            ..ProjectionRow::default()
        };
        let row = p("Baltimore Ravens", None);
        assert!(looks_like_defense(
            &row,
            &normalise_name(&row.name),
            "Ravens "
        ));
        let row = p("Baltimore", Some("D"));
        assert!(looks_like_defense(&row, "baltimore", "Ravens "));
        let row = p("Derrick Henry", Some("RB"));
        assert!(!looks_like_defense(&row, "derrick henry", "Ravens "));
    }
}
