//! Assembling a [`Slate`] from a salary file, optional projections and sport rules.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use schemas::{Game, Player, Slate, SportRules};

use super::matching::{MatchReport, match_projections, normalise_name};
use super::sport::is_captain_row;
use super::{
    GameInfo, ProjField, ProjectionFile, ProjectionRow, SalaryFile, SalaryRow, builtin_sport,
    builtin_sport_names, models,
};
use crate::IoError;

/// The least share of a projection file's rows that must match a slate player.
///
/// Fewer means the file is for another slate, date or sport. Every real salary +
/// projection pair in the shared data (21 pairs, NBA and NFL, 70-720 rows) matches
/// 98.6-100% of its rows, but provider files may also hold players of games off
/// the slate (a whole day's projections used for a showdown or a late slate), so
/// the floor sits well below: a quarter.
pub const MIN_PROJECTION_MATCH_SHARE: f64 = 0.25;

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
/// Showdown (rules with a [`schemas::CaptainRule`]): DraftKings lists each person
/// twice, a captain row (`Roster Position` = the captain slot, e.g. `CPT`; its own
/// id; salary already multiplied) and a base row (`UTIL` / `FLEX`). Each captain
/// row is paired with the base row of the same normalised name and team and gets
/// `captain_of` = that row; captain rows fit only the captain slot, base rows only
/// the others. Projection files list a person once, so names match base rows
/// (captain rows match by their own DraftKings id only), and a captain row takes
/// its person's projection, std dev, ceiling and floor times the multiplier.
/// Ownership of a captain row, in order of preference:
/// 1. the ownership of a projection row for the captain entry itself: matched to the
///    captain row's own id, or by name + team with the position `CPT`;
/// 2. the person's captain-ownership column (`CptOwn%`, see [`ProjField::CaptainOwnership`]);
/// 3. otherwise the file's one figure for the person is read as his share of
///    lineups in any slot, and split between his captain and base rows in
///    proportion to the ownership model's shares of the two rows (the model gives
///    captain rows together 100% and base rows 500%, weighted by
///    [`models::ownership_weight`], so captaincy leans to the big projections).
///
/// Without an ownership column, the model's captain rows share the captain slots'
/// 100% and base rows the other slots' 500%.
///
/// Fails, naming the projection file, when no projection row matches a slate player
/// or fewer than [`MIN_PROJECTION_MATCH_SHARE`] of its rows do.
///
/// Fails, naming the salary file, when a player fits no roster slot of `rules` or the
/// slate breaks its contract (e.g. a DraftKings id twice); naming the file and row
/// when a captain row has no base row; and when captain rows and the rules disagree
/// (a showdown file read with classic rules or the other way round).
pub fn build_slate(
    id: &str,
    salaries: &SalaryFile,
    projections: Option<&ProjectionFile>,
    rules: SportRules,
) -> Result<(Slate, MatchReport), IoError> {
    let captain_row = captain_rows(salaries, &rules)?;
    let label = rules.captain.as_ref().map(|c| c.slot.as_str());
    let (assigned, report) = match projections {
        Some(file) => {
            let matched = match_projections(salaries, file, &captain_row, label);
            check_match_share(salaries, file, &matched.1)?;
            matched
        }
        None => no_projections(salaries, &captain_row),
    };
    let proj_of = |i: usize| -> Option<&ProjectionRow> {
        let file = projections?;
        assigned
            .get(i)
            .copied()
            .flatten()
            .and_then(|p| file.rows.get(p))
    };
    let base_of = pair_captains(salaries, &rules, &captain_row)?;
    let games = Games::assemble(salaries, &proj_of);
    let mut players = Vec::with_capacity(salaries.rows.len());
    for (i, row) in salaries.rows.iter().enumerate() {
        // A captain row's numbers come from its person's projection (the base row's).
        let proj = match base_of[i] {
            Some(b) => proj_of(b),
            None => proj_of(i),
        };
        players.push(player(salaries, row, proj, &games, &rules, captain_row[i])?);
    }
    let multiplier = rules.captain.as_ref().map_or(1.0, |c| c.multiplier);
    for (c, b) in base_of.iter().enumerate() {
        if let Some(b) = *b {
            let base = players[b].clone();
            let p = &mut players[c];
            p.captain_of = Some(b as u32);
            p.projection = multiplier * base.projection;
            p.std_dev = multiplier * base.std_dev;
            p.ceiling = base.ceiling.map(|x| multiplier * x);
            p.floor = base.floor.map(|x| multiplier * x);
            p.minutes = base.minutes;
            p.field_projection = base.field_projection.map(|x| multiplier * x);
        }
    }
    let provider_ownership = projections
        .is_some_and(|f| f.has(ProjField::Ownership) || f.has(ProjField::CaptainOwnership));
    let model = model_ownership(&players, &rules, &captain_row);
    if !provider_ownership {
        for (p, share) in players.iter_mut().zip(model) {
            p.ownership = share;
        }
    } else if rules.captain.is_some() {
        for (c, b) in base_of.iter().enumerate() {
            let Some(b) = *b else { continue };
            let own_row = proj_of(c).and_then(|p| p.ownership);
            let column = proj_of(b).and_then(|p| p.captain_ownership);
            let (captain, base) = match (own_row, column) {
                (Some(o), _) | (None, Some(o)) => (o, players[b].ownership),
                (None, None) => {
                    let total = players[b].ownership;
                    let (mc, mb) = (model[c], model[b]);
                    let q = if mc + mb > 0.0 { mc / (mc + mb) } else { 0.0 };
                    (total * q, total * (1.0 - q))
                }
            };
            players[c].ownership = captain;
            players[b].ownership = base;
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

/// Refuses a projection file that does not fit the slate: no row matches, or fewer
/// than [`MIN_PROJECTION_MATCH_SHARE`] of its rows do.
fn check_match_share(
    salaries: &SalaryFile,
    file: &ProjectionFile,
    report: &MatchReport,
) -> Result<(), IoError> {
    let total = file.rows.len();
    let matched = report.matched();
    let slate = salaries.path.display();
    if total == 0 {
        return Err(IoError::file(&file.path, "the file has no projection rows"));
    }
    if matched == 0 {
        return Err(IoError::file(
            &file.path,
            format!(
                "no projection row matches a player of the slate in {slate} (0 of {total} rows \
                 match by DraftKings id, or name and team): projections for another slate or sport?"
            ),
        ));
    }
    if (matched as f64) < MIN_PROJECTION_MATCH_SHARE * total as f64 {
        return Err(IoError::file(
            &file.path,
            format!(
                "only {matched} of {total} projection rows match a player of the slate in {slate}; \
                 at least {:.0}% must: projections for another slate or sport?",
                MIN_PROJECTION_MATCH_SHARE * 100.0
            ),
        ));
    }
    Ok(())
}

/// Which rows are captain rows, after checking the file and the rules agree on it.
fn captain_rows(salaries: &SalaryFile, rules: &SportRules) -> Result<Vec<bool>, IoError> {
    let flags: Vec<bool> = salaries
        .rows
        .iter()
        .map(|r| is_captain_row(rules, &r.roster_position))
        .collect();
    if let Some(c) = &rules.captain {
        if !flags.contains(&true) {
            return Err(IoError::file(
                &salaries.path,
                format!(
                    "sport {} has a captain slot {}, but no row's Roster Position is {}: \
                     not a showdown salary file",
                    rules.name, c.slot, c.slot
                ),
            ));
        }
    } else if let Some(row) = salaries.rows.iter().find(|r| {
        builtin_sport_names()
            .into_iter()
            .filter_map(builtin_sport)
            .any(|showdown| is_captain_row(&showdown, &r.roster_position))
    }) {
        return Err(IoError::field(
            &salaries.path,
            row.row,
            "Roster Position",
            format!(
                "{} is a captain row of a showdown file, but sport {} has no captain slot",
                row.roster_position, rules.name
            ),
        ));
    }
    Ok(flags)
}

/// For each captain row, the index of its person's base row (same normalised name and team).
fn pair_captains(
    salaries: &SalaryFile,
    rules: &SportRules,
    captain_row: &[bool],
) -> Result<Vec<Option<usize>>, IoError> {
    let mut base_of = vec![None; salaries.rows.len()];
    if rules.captain.is_none() {
        return Ok(base_of);
    }
    let key = |r: &SalaryRow| (normalise_name(&r.name), r.team.trim().to_ascii_uppercase());
    let mut bases: HashMap<(String, String), Vec<usize>> = HashMap::new();
    for (i, r) in salaries.rows.iter().enumerate() {
        if !captain_row[i] {
            bases.entry(key(r)).or_default().push(i);
        }
    }
    let others: Vec<&str> = rules
        .slots
        .iter()
        .enumerate()
        .filter(|(i, _)| rules.captain_slots() & (1 << i) == 0)
        .map(|(_, s)| s.name.as_str())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut claimed: Vec<Option<u64>> = vec![None; salaries.rows.len()];
    for (i, r) in salaries.rows.iter().enumerate() {
        if !captain_row[i] {
            continue;
        }
        let field = |m: String| IoError::field(&salaries.path, r.row, "Name", m);
        let b = match bases.get(&key(r)).map(Vec::as_slice) {
            Some(&[b]) => b,
            Some(many) if many.len() > 1 => {
                return Err(field(format!(
                    "captain row {} ({}) has {} {} rows with the same name and team",
                    r.name,
                    r.team,
                    many.len(),
                    others.join("/")
                )));
            }
            _ => {
                return Err(field(format!(
                    "captain row {} ({}) has no {} row with the same name and team",
                    r.name,
                    r.team,
                    others.join("/")
                )));
            }
        };
        if let Some(first) = claimed[b] {
            return Err(field(format!(
                "{} ({}) has a second captain row (the first is row {first})",
                r.name, r.team
            )));
        }
        claimed[b] = Some(r.row);
        base_of[i] = Some(b);
    }
    Ok(base_of)
}

/// The ownership model's shares: over the whole pool summing to the roster size;
/// in showdown, captain rows sum to the captain slots and the others to the rest.
fn model_ownership(players: &[Player], rules: &SportRules, captain_row: &[bool]) -> Vec<f64> {
    let captain_slots = rules.captain_slots().count_ones() as usize;
    if captain_slots == 0 {
        let pool: Vec<(f64, u32)> = players.iter().map(|p| (p.projection, p.salary)).collect();
        return models::ownership(&pool, rules.roster_size());
    }
    let mut shares = vec![0.0; players.len()];
    for (want, slots) in [
        (true, captain_slots),
        (false, rules.roster_size() - captain_slots),
    ] {
        let idx: Vec<usize> = (0..players.len())
            .filter(|&i| captain_row[i] == want)
            .collect();
        let pool: Vec<(f64, u32)> = idx
            .iter()
            .map(|&i| (players[i].projection, players[i].salary))
            .collect();
        for (&i, s) in idx.iter().zip(models::ownership(&pool, slots)) {
            shares[i] = s;
        }
    }
    shares
}

/// The report when there is no projection file: every player keeps his average.
fn no_projections(
    salaries: &SalaryFile,
    captain_row: &[bool],
) -> (Vec<Option<usize>>, MatchReport) {
    let empty = ProjectionFile {
        path: salaries.path.clone(),
        fields: Vec::new(),
        ownership_scale: None,
        rows: Vec::new(),
    };
    match_projections(salaries, &empty, captain_row, None)
}

fn player(
    salaries: &SalaryFile,
    row: &SalaryRow,
    proj: Option<&ProjectionRow>,
    games: &Games,
    rules: &SportRules,
    captain: bool,
) -> Result<Player, IoError> {
    // Showdown: a captain row fits only the captain slot, a base row only the others.
    let captain_slots = rules.captain_slots();
    let slot_mask = rules.slot_mask(&row.positions)
        & if captain {
            captain_slots
        } else {
            !captain_slots
        };
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
        field_projection: proj.and_then(|p| p.field_projection),
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
