//! Assembling a [`Slate`] from a salary file, optional projections and sport rules.

use std::collections::BTreeMap;

use schemas::{Game, Player, Slate, SportRules};

use super::matching::{MatchReport, match_projections};
use super::{GameInfo, ProjField, ProjectionFile, ProjectionRow, SalaryFile, SalaryRow, models};
use crate::IoError;

/// Builds the slate: one [`Player`] per salary row, projections attached.
///
/// - Projections are matched by DraftKings id, else normalised name + team, else
///   (team defenses) by team; the [`MatchReport`] lists every unmatched projection row
///   and every player left without a projection.
/// - A player without a projection (no file, no match, or a blank cell) keeps
///   `AvgPointsPerGame` (0 when blank). Players projected at 0 stay, at 0; a
///   negative mean (a defense, a negative average) is raised to 0.
/// - Std dev: the provider's, else [`models::std_dev`] with the sport's ratio.
/// - Ownership: when the file has an ownership column, the provider's values, and 0
///   for players it gives none (the provider does not expect them to be played; the
///   model's shares would not add up with the provider's). Without an ownership
///   column, [`models::ownership`] over the whole pool (sums to the roster size).
/// - Games: `AWAY@HOME` from Game Info; after lock (`In Progress`/`Final`) the teams
///   are paired through the projections' opponent column when it has one (key in
///   alphabetical order, start unknown), else the team is a game of its own (key =
///   team, opponent `None`). Games are sorted by key.
///
/// Fails, naming the salary file, when a player fits no roster slot of `rules` or the
/// slate breaks its contract (e.g. a DraftKings id twice).
pub fn build_slate(
    id: &str,
    salaries: &SalaryFile,
    projections: Option<&ProjectionFile>,
    rules: SportRules,
) -> Result<(Slate, MatchReport), IoError> {
    let (assigned, report) = match projections {
        Some(file) => match_projections(salaries, file),
        None => no_projections(salaries),
    };
    let proj_of = |i: usize| -> Option<&ProjectionRow> {
        let file = projections?;
        assigned
            .get(i)
            .copied()
            .flatten()
            .and_then(|p| file.rows.get(p))
    };
    let games = Games::assemble(salaries, &proj_of);
    let mut players = Vec::with_capacity(salaries.rows.len());
    for (i, row) in salaries.rows.iter().enumerate() {
        players.push(player(salaries, row, proj_of(i), &games, &rules)?);
    }
    let provider_ownership = projections.is_some_and(|f| f.has(ProjField::Ownership));
    if !provider_ownership {
        let pool: Vec<(f64, u32)> = players.iter().map(|p| (p.projection, p.salary)).collect();
        let shares = models::ownership(&pool, rules.roster_size());
        for (p, share) in players.iter_mut().zip(shares) {
            p.ownership = share;
        }
    }
    let slate = Slate {
        id: id.to_owned(),
        rules,
        games: games.list,
        players,
    };
    slate
        .validate()
        .map_err(|e| IoError::file(&salaries.path, e.to_string()))?;
    Ok((slate, report))
}

/// The report when there is no projection file: every player keeps his average.
fn no_projections(salaries: &SalaryFile) -> (Vec<Option<usize>>, MatchReport) {
    let empty = ProjectionFile {
        path: salaries.path.clone(),
        fields: Vec::new(),
        ownership_scale: None,
        rows: Vec::new(),
    };
    match_projections(salaries, &empty)
}

fn player(
    salaries: &SalaryFile,
    row: &SalaryRow,
    proj: Option<&ProjectionRow>,
    games: &Games,
    rules: &SportRules,
) -> Result<Player, IoError> {
    let slot_mask = rules.slot_mask(&row.positions);
    if slot_mask == 0 {
        return Err(IoError::field(
            &salaries.path,
            row.row,
            "Position",
            format!(
                "{} fits no roster slot of {} (positions {})",
                row.positions.join("/"),
                rules.name,
                rules.positions.join(", ")
            ),
        ));
    }
    let projection = proj
        .and_then(|p| p.projection)
        .or(row.avg_points)
        .unwrap_or(0.0)
        .max(0.0);
    let (game, opponent) = games.of(row);
    Ok(Player {
        dk_id: row.dk_id,
        name: row.name.clone(),
        positions: row.positions.clone(),
        slot_mask,
        team: row.team.clone(),
        opponent,
        game,
        salary: row.salary,
        projection,
        std_dev: proj
            .and_then(|p| p.std_dev)
            .unwrap_or_else(|| models::std_dev(projection, rules.default_std_dev_ratio)),
        ownership: proj.and_then(|p| p.ownership).unwrap_or(0.0),
        ceiling: proj.and_then(|p| p.ceiling),
        floor: proj.and_then(|p| p.floor),
        minutes: proj.and_then(|p| p.minutes),
        locked: row.locked,
        captain_of: None,
    })
}

/// The slate's games and which game each team plays in.
#[derive(Debug)]
struct Games {
    list: Vec<Game>,
    /// Team -> (index into `list`, opponent).
    by_team: BTreeMap<String, (u32, Option<String>)>,
}

impl Games {
    fn assemble<'a>(
        salaries: &'a SalaryFile,
        proj_of: &dyn Fn(usize) -> Option<&'a ProjectionRow>,
    ) -> Games {
        let mut games: BTreeMap<String, Game> = BTreeMap::new();
        let mut unknown: BTreeMap<String, Option<String>> = BTreeMap::new();
        for (i, row) in salaries.rows.iter().enumerate() {
            if let GameInfo::Scheduled { away, home, start } = &row.game {
                let key = format!("{away}@{home}");
                games.entry(key.clone()).or_insert_with(|| Game {
                    key,
                    away: away.clone(),
                    home: home.clone(),
                    start: Some(start.clone()).filter(|s| !s.is_empty()),
                });
            } else {
                let opp = proj_of(i).and_then(|p| p.opponent.clone());
                let entry = unknown.entry(row.team.clone()).or_default();
                if entry.is_none() {
                    *entry = opp;
                }
            }
        }
        let scheduled: Vec<String> = games
            .values()
            .flat_map(|g| [g.away.clone(), g.home.clone()])
            .collect();
        unknown.retain(|team, _| !scheduled.contains(team));
        for (team, opp) in pair_locked_teams(&unknown) {
            let key = match &opp {
                Some(o) => format!("{team}@{o}"),
                None => team.clone(),
            };
            games.entry(key.clone()).or_insert_with(|| Game {
                key,
                away: team.clone(),
                home: opp.unwrap_or_default(),
                start: None,
            });
        }
        let list: Vec<Game> = games.into_values().collect();
        let by_team = list
            .iter()
            .enumerate()
            .flat_map(|(i, g)| {
                let idx = i as u32;
                let home = (!g.home.is_empty()).then(|| g.home.clone());
                let mut v = vec![(g.away.clone(), (idx, home))];
                if !g.home.is_empty() {
                    v.push((g.home.clone(), (idx, Some(g.away.clone()))));
                }
                v
            })
            .collect();
        Games { list, by_team }
    }

    /// Game index and opponent of a salary row's team.
    fn of(&self, row: &SalaryRow) -> (u32, Option<String>) {
        self.by_team.get(&row.team).cloned().unwrap_or((0, None))
    }
}

/// Pairs teams whose game info is gone, using opponents the projections name:
/// `(first team alphabetically, Some(second))` when both sides agree or only one
/// names the other, `(team, None)` when the opponent is unknown.
fn pair_locked_teams(unknown: &BTreeMap<String, Option<String>>) -> Vec<(String, Option<String>)> {
    let mut out = Vec::new();
    let mut used: Vec<&str> = Vec::new();
    for (team, opp) in unknown {
        if used.contains(&team.as_str()) {
            continue;
        }
        let partner = opp.as_deref().filter(|o| {
            *o != team
                && !used.contains(o)
                && unknown
                    .get(*o)
                    .is_some_and(|back| back.as_deref().is_none_or(|b| b == team))
        });
        used.push(team);
        match partner {
            Some(o) => {
                used.push(o);
                out.push((team.clone(), Some(o.to_owned())));
            }
            None => out.push((team.clone(), None)),
        }
    }
    out
}
