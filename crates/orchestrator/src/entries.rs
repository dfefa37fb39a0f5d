//! `dfs entries fill`: a run's selected lineups written into the user's
//! `DKEntries.csv`, entry by entry, as the edit upload DraftKings takes back.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::{Path, PathBuf};

use pipeline_io::inputs::PathScope;
use pipeline_io::inputs::{read_dk_entries, read_dk_upload, read_salaries_in};
use pipeline_io::outputs::write_dk_entries;
use schemas::{EntriesFile, EntryCell};
use serde::Serialize;

use crate::OrchestratorError;
use crate::catalog::Home;

/// What to fill.
#[derive(Debug, Clone, Default)]
pub struct FillRequest {
    /// The `DKEntries.csv` downloaded from DraftKings.
    pub entries: PathBuf,
    /// Runs whose selected lineups fill it. A contest of the file takes the
    /// run mapped to it in `map`, else the run whose contest id is the
    /// file's Contest ID, else the one run when the file has one contest.
    pub runs: Vec<String>,
    /// `(DraftKings Contest ID, run id)` pairs.
    pub map: Vec<(String, String)>,
    /// Fill what can be filled when a contest has more entries than its run
    /// has lineups, or fewer.
    pub allow_partial: bool,
    /// Where the edit upload goes.
    pub out: PathBuf,
}

/// `CONTEST_ID=RUN_ID`, as `--map` and the API's `map` give it.
pub fn parse_contest_run(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((c, r)) if !c.trim().is_empty() && !r.trim().is_empty() => {
            Ok((c.trim().to_string(), r.trim().to_string()))
        }
        _ => Err(format!("{s:?}: expected CONTEST_ID=RUN_ID")),
    }
}

/// One contest of the file, filled.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FilledContest {
    pub contest_id: String,
    pub contest_name: String,
    pub run_id: String,
    /// Entry rows of the contest in the file.
    pub entries: usize,
    /// Lineups the run selected.
    pub lineups: usize,
    /// Entries given a lineup.
    pub filled: usize,
}

/// What `fill` wrote.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Filled {
    pub out: String,
    pub contests: Vec<FilledContest>,
}

/// Fills the file's entries with the runs' lineups (see [`FillRequest`]) and
/// writes the edit upload. Nothing is written when anything is wrong.
pub fn fill(home: &Home, req: &FillRequest) -> Result<Filled, OrchestratorError> {
    let path = req.entries.as_path();
    let mut file = read_dk_entries(path, home.scope())?;
    let bad =
        |message: String| OrchestratorError::Request(format!("{}: {message}", path.display()));

    // The file's contests, in file order, each with its run.
    let mut contests: Vec<(String, String)> = Vec::new();
    for e in &file.entries {
        if !contests.iter().any(|(id, _)| *id == e.contest_id) {
            contests.push((e.contest_id.clone(), e.contest_name.clone()));
        }
    }
    let mut runs = BTreeMap::new();
    for r in req.runs.iter().chain(req.map.iter().map(|(_, r)| r)) {
        if !runs.contains_key(r) {
            runs.insert(r.clone(), home.verified_run(r)?);
        }
    }
    let mut plan = Vec::new();
    for (contest_id, contest_name) in &contests {
        let mapped = req
            .map
            .iter()
            .find(|(c, _)| c == contest_id)
            .map(|(_, r)| r);
        let by_contest = req.runs.iter().find(|r| {
            runs.get(*r)
                .is_some_and(|rec| rec.contest_id == *contest_id)
        });
        let only = (contests.len() == 1 && req.runs.len() == 1).then(|| &req.runs[0]);
        let Some(run_id) = mapped.or(by_contest).or(only) else {
            return Err(bad(format!(
                "contest {contest_id} ({contest_name}) has no run: give --map {contest_id}=RUN_ID"
            )));
        };
        plan.push((contest_id.clone(), contest_name.clone(), run_id.clone()));
    }

    // Fill each contest's rows from its run.
    let file_ids = file_player_ids(path, &file, home.scope());
    let mut filled = Vec::new();
    for (contest_id, contest_name, run_id) in plan {
        let run = &runs[&run_id];
        let slate_rec = home.registry().slate(&run.slate_id)?.ok_or_else(|| {
            OrchestratorError::Request(format!("slate {} of run {run_id} is gone", run.slate_id))
        })?;
        let (slate, _) = home.load_slate(&slate_rec)?;
        check_slots(path, &file, &slate)?;
        check_same_slate(path, &file_ids, &slate, &run_id)?;
        let upload = PathBuf::from(&run.root).join("optimizer/dk_export.csv");
        let lineups = read_dk_upload(&upload)?;
        let rows: Vec<usize> = (0..file.entries.len())
            .filter(|&i| file.entries[i].contest_id == contest_id)
            .collect();
        if let Some(&i) = rows.iter().find(|&&i| file.entries[i].has_locked()) {
            return Err(bad(format!(
                "entry {} (row {}) has players locked: their games have started; \
                 use `dfs lateswap` to change the others",
                file.entries[i].entry_id, file.entries[i].line
            )));
        }
        if rows.len() != lineups.len() && !req.allow_partial {
            return Err(bad(format!(
                "contest {contest_id} has {} entries, run {run_id} selected {} lineups; \
                 enter or run for as many, or pass --allow-partial",
                rows.len(),
                lineups.len()
            )));
        }
        let by_id = slate_rows(&slate);
        for (&i, lineup) in rows.iter().zip(&lineups) {
            file.entries[i].cells = lineup
                .iter()
                .map(|id| {
                    Some(EntryCell {
                        dk_id: *id,
                        name: by_id
                            .get(id)
                            .map(|&k| slate.players[k as usize].name.clone())
                            .unwrap_or_default(),
                        locked: false,
                    })
                })
                .collect();
        }
        filled.push(FilledContest {
            contest_id,
            contest_name,
            run_id,
            entries: rows.len(),
            lineups: lineups.len(),
            filled: rows.len().min(lineups.len()),
        });
    }
    write_dk_entries(&req.out, &file)?;
    Ok(Filled {
        out: req.out.display().to_string(),
        contests: filled,
    })
}

/// The file's slot columns are the slate's, in its order.
fn check_slots(
    path: &Path,
    file: &EntriesFile,
    slate: &schemas::Slate,
) -> Result<(), OrchestratorError> {
    let slots = slate.rules.slot_names();
    if file.slots == slots {
        return Ok(());
    }
    Err(OrchestratorError::Request(format!(
        "{}: its slots are {}, slate {} has {}",
        path.display(),
        file.slots.join(","),
        slate.id,
        slots.join(",")
    )))
}

/// Slate row of each DraftKings id (a showdown captain row has its own id).
fn slate_rows(slate: &schemas::Slate) -> BTreeMap<i64, u32> {
    slate
        .players
        .iter()
        .enumerate()
        .map(|(i, p)| (p.dk_id, i as u32))
        .collect()
}

/// Every player id a DKEntries file names: its entries' and, when it has
/// one, the pool's DraftKings appends.
fn file_player_ids(path: &Path, file: &EntriesFile, scope: &PathScope) -> BTreeSet<i64> {
    let mut ids: BTreeSet<i64> = file
        .entries
        .iter()
        .flat_map(|e| e.cells.iter().flatten().map(|c| c.dk_id))
        .collect();
    if let Ok(pool) = read_salaries_in(path, scope) {
        ids.extend(pool.rows.iter().map(|r| r.dk_id));
    }
    ids
}

/// Refuses a file of another slate: every id it names (`file_ids`) must be
/// on `slate`. Names the first few that are not.
fn check_same_slate(
    path: &Path,
    file_ids: &BTreeSet<i64>,
    slate: &schemas::Slate,
    run_id: &str,
) -> Result<(), OrchestratorError> {
    let on_slate: HashSet<i64> = slate.players.iter().map(|p| p.dk_id).collect();
    let missing: Vec<i64> = file_ids
        .iter()
        .copied()
        .filter(|id| !on_slate.contains(id))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let shown: Vec<String> = missing.iter().take(5).map(i64::to_string).collect();
    Err(OrchestratorError::Request(format!(
        "{}: {} player id(s) are not on run {run_id}'s slate {} (a file of another slate?): {}{}",
        path.display(),
        missing.len(),
        slate.id,
        shown.join(", "),
        if missing.len() > 5 { ", ..." } else { "" }
    )))
}

/// How late swap values a completion.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SwapBy {
    /// Simulated payout among the sampled field, as a run chooses its entries.
    #[default]
    Simulation,
    /// The projections, as the plain optimizer would.
    Projection,
}

/// What to late-swap.
#[derive(Debug, Clone, Default)]
pub struct LateSwapRequest {
    /// A DKEntries.csv downloaded after the first lock.
    pub entries: PathBuf,
    /// The slate the file's contests are on.
    pub slate: String,
    /// The contest the file's entries are in: its payouts and field size
    /// (needed by simulation).
    pub contest: Option<String>,
    /// Seeds the simulation's streams, as a run's seed.
    pub seed: u64,
    /// Stage config files: the optimizer's rules (exposure, overlap, salary,
    /// stacks, locks, excludes) for both ways; the others for simulation.
    pub variants_config: Option<PathBuf>,
    pub optimizer_config: Option<PathBuf>,
    pub sampler_config: Option<PathBuf>,
    pub sim_config: Option<PathBuf>,
    /// The same as JSON objects (the HTTP API's way), checked against their schemas.
    pub inline_configs: crate::InlineConfigs,
    pub by: SwapBy,
    /// Where the edit upload goes.
    pub out: PathBuf,
}

/// One entry after late swap.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SwappedEntry {
    pub entry_id: String,
    pub contest_id: String,
    /// `(slot, player before or "", player after)` for each slot that changed.
    pub changes: Vec<(String, String, String)>,
    /// Projected points of the entry before (empty slots count 0) and after.
    pub projected_before: f64,
    pub projected_after: f64,
    /// By simulation: the simulated ROI of the entry as it stood, alone
    /// against the field (`None`: incomplete, breaking the rules, or by projection).
    pub roi_before: Option<f64>,
    /// By simulation: the simulated ROI of its completion alone against the
    /// field (`None`: completed by projection).
    pub roi_after: Option<f64>,
}

/// The simulation behind a late swap by simulation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LateSwapSimulation {
    pub contest: String,
    pub seed: u64,
    /// Completions simulated, over all entries.
    pub candidates: usize,
    /// The swapped entries as a portfolio on fresh draws: mean ROI, cash
    /// rate, mean finish percentile (0 = first).
    pub roi_mean: Option<f64>,
    pub cash_rate: Option<f64>,
    pub finish_percentile_mean: Option<f64>,
}

/// What `late_swap` wrote.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LateSwapped {
    pub out: String,
    pub by: SwapBy,
    pub entries: Vec<SwappedEntry>,
    /// By simulation: what it simulated.
    pub simulation: Option<LateSwapSimulation>,
}

/// Late-swaps every entry of the file (see the `lateswap` crate) and writes
/// the edit upload: locked players stay in their slots, the others are the
/// best completion by `req.by` among players whose games have not started.
/// Nothing is written when anything is wrong, including an entry whose locked
/// players no valid lineup completes.
pub fn late_swap(home: &Home, req: &LateSwapRequest) -> Result<LateSwapped, OrchestratorError> {
    let path = req.entries.as_path();
    let bad =
        |message: String| OrchestratorError::Request(format!("{}: {message}", path.display()));
    let mut file = read_dk_entries(path, home.scope())?;
    let slate_rec = home.registry().resolve_slate(&req.slate)?;
    let (mut slate, _) = home.load_slate(&slate_rec)?;
    let files = crate::pipeline::ConfigFiles {
        variants: req.variants_config.as_deref(),
        optimizer: req.optimizer_config.as_deref(),
        field_sampler: req.sampler_config.as_deref(),
        sim: req.sim_config.as_deref(),
    };
    let mut configs = crate::pipeline::Configs::load(&files, &req.inline_configs, home.scope())?;
    let contest = match (req.by, &req.contest) {
        (SwapBy::Projection, _) => None,
        (SwapBy::Simulation, None) => {
            return Err(OrchestratorError::Request(
                "late swap by simulation needs the contest the entries are in (`--contest`, \
                 the API's `contest` field); or late swap by projection"
                    .into(),
            ));
        }
        (SwapBy::Simulation, Some(c)) => {
            let (_, contest_rec) = home.registry().resolve(&req.slate, c)?;
            let (contest, _) = home.load_contest(&contest_rec)?;
            contest.validate()?;
            configs.resolve_correlations(req.sim_config.as_deref(), &slate, home.scope())?;
            Some(contest)
        }
    };
    check_slots(path, &file, &slate)?;
    if contest.is_some() {
        let ids: BTreeSet<&str> = file.entries.iter().map(|e| e.contest_id.as_str()).collect();
        if ids.len() > 1 {
            return Err(bad(format!(
                "holds entries of {} contests ({}): late swap by simulation takes one \
                 contest's entries; split the file, or use --by projection",
                ids.len(),
                ids.into_iter().collect::<Vec<_>>().join(", ")
            )));
        }
    }
    let row_of = slate_rows(&slate);
    // Started: every player the file shows locked, in a cell or in its pool.
    let mut started: HashSet<i64> = HashSet::new();
    if let Ok(pool) = read_salaries_in(path, home.scope()) {
        started.extend(pool.rows.iter().filter(|r| r.locked).map(|r| r.dk_id));
    }
    let mut lineups = Vec::with_capacity(file.entries.len());
    for e in &file.entries {
        let mut cells = Vec::with_capacity(e.cells.len());
        for (cell, slot) in e.cells.iter().zip(&file.slots) {
            cells.push(match cell {
                None => None,
                Some(c) => {
                    let Some(&i) = row_of.get(&c.dk_id) else {
                        return Err(OrchestratorError::Io(pipeline_io::IoError::field(
                            path,
                            e.line,
                            slot.clone(),
                            format!(
                                "{} ({}) is not on slate {} (a file of another slate?)",
                                c.name, c.dk_id, slate.id
                            ),
                        )));
                    };
                    if c.locked {
                        started.insert(c.dk_id);
                    }
                    Some(i)
                }
            });
        }
        lineups.push(lateswap::EntryLineup {
            entry_id: e.entry_id.clone(),
            slots: cells,
        });
    }
    for p in &mut slate.players {
        p.locked = p.locked || started.contains(&p.dk_id);
    }
    let (swapped, roi_before, roi_after, simulation) = match &contest {
        None => {
            let points: Vec<f64> = slate.players.iter().map(|p| p.projection).collect();
            let swapped = lateswap::late_swap(&slate, &lineups, &points, &configs.optimizer)?;
            let none = vec![None; swapped.len()];
            (swapped, none.clone(), none, None)
        }
        Some(contest) => {
            let ctx = schemas::StageContext::quiet(req.seed);
            let out = lateswap::late_swap_by_simulation(
                &slate,
                &lineups,
                &configs.optimizer,
                lateswap::SimulatedSwap {
                    contest,
                    variants: &configs.variants,
                    field_sampler: &configs.field_sampler,
                    sim: &configs.sim,
                    correlations: configs.correlations.as_ref(),
                },
                &ctx,
            )?;
            let simulation = LateSwapSimulation {
                contest: contest.id.clone(),
                seed: req.seed,
                candidates: out.candidates,
                roi_mean: out.metrics.as_ref().map(|m| m.roi_mean),
                cash_rate: out.metrics.as_ref().map(|m| m.cash_rate),
                finish_percentile_mean: out.metrics.as_ref().map(|m| m.finish_percentile_mean),
            };
            (out.swapped, out.roi_before, out.roi_after, Some(simulation))
        }
    };
    let stuck: Vec<&str> = swapped
        .iter()
        .filter(|s| s.after.is_none())
        .map(|s| s.entry_id.as_str())
        .collect();
    if !stuck.is_empty() {
        return Err(bad(format!(
            "no valid lineup completes the locked players of entry {} under the rules and \
             the optimizer config",
            stuck.join(", ")
        )));
    }
    check_swaps(&slate, &swapped)?;
    let name = |i: u32| {
        let p = &slate.players[i as usize];
        format!("{} ({})", p.name, p.dk_id)
    };
    let projection = |cells: &[Option<u32>]| -> f64 {
        cells
            .iter()
            .flatten()
            .map(|&i| slate.players[i as usize].projection)
            .sum()
    };
    let mut report = Vec::with_capacity(swapped.len());
    for (k, (row, s)) in file.entries.iter_mut().zip(&swapped).enumerate() {
        let after = s.after.as_deref().unwrap_or_default();
        row.cells = after
            .iter()
            .map(|&i| {
                let p = &slate.players[i as usize];
                Some(EntryCell {
                    dk_id: p.dk_id,
                    name: p.name.clone(),
                    locked: false,
                })
            })
            .collect();
        let after_cells: Vec<Option<u32>> = after.iter().map(|&i| Some(i)).collect();
        report.push(SwappedEntry {
            entry_id: s.entry_id.clone(),
            contest_id: row.contest_id.clone(),
            changes: s
                .changed
                .iter()
                .map(|&k| {
                    (
                        file.slots[k].clone(),
                        s.before[k].map(name).unwrap_or_default(),
                        name(after[k]),
                    )
                })
                .collect(),
            projected_before: projection(&s.before),
            projected_after: projection(&after_cells),
            roi_before: roi_before[k],
            roi_after: roi_after[k],
        });
    }
    write_dk_entries(&req.out, &file)?;
    Ok(LateSwapped {
        out: req.out.display().to_string(),
        by: req.by,
        entries: report,
        simulation,
    })
}

/// The per-entry table `dfs lateswap` prints: what changed, projected points
/// before and after, and by simulation each entry's simulated ROI before and
/// after; an entry left as it was says so.
pub fn late_swap_table(s: &LateSwapped) -> String {
    use std::fmt::Write;
    let roi = |r: Option<f64>| r.map_or_else(|| "-".to_string(), crate::pct);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<12} {:>9} {:>9} {:>9} {:>9}  changes",
        "entry", "proj was", "proj now", "ROI was", "ROI now"
    );
    for e in &s.entries {
        let changes: Vec<String> = e
            .changes
            .iter()
            .map(|(slot, before, after)| {
                let before = if before.is_empty() { "(empty)" } else { before };
                format!("{slot}: {before} -> {after}")
            })
            .collect();
        let _ = writeln!(
            out,
            "{:<12} {:>9.2} {:>9.2} {:>9} {:>9}  {}",
            e.entry_id,
            e.projected_before,
            e.projected_after,
            roi(e.roi_before),
            roi(e.roi_after),
            if changes.is_empty() {
                "none: not improved".to_string()
            } else {
                changes.join("; ")
            }
        );
    }
    let kept = s.entries.iter().filter(|e| e.changes.is_empty()).count();
    let _ = writeln!(
        out,
        "{} entries: {} changed, {kept} not improved (by {})",
        s.entries.len(),
        s.entries.len() - kept,
        match s.by {
            SwapBy::Simulation => "simulated payout",
            SwapBy::Projection => "projection",
        }
    );
    if let Some(sim) = &s.simulation {
        let _ = writeln!(
            out,
            "simulated in contest {} (seed {}, {} completions): portfolio ROI {}, cash rate {}, \
             mean finish percentile {}",
            sim.contest,
            sim.seed,
            sim.candidates,
            roi(sim.roi_mean),
            sim.cash_rate
                .map_or_else(|| "-".to_string(), crate::report::share),
            sim.finish_percentile_mean
                .map_or_else(|| "-".to_string(), |f| format!("{f:.3}"))
        );
    }
    out
}

/// What to score: a DKEntries file's entries among a real contest's field.
#[derive(Debug, Clone)]
pub struct EntriesScoreRequest {
    pub entries: PathBuf,
    pub slate: String,
    pub contest: String,
    /// The contest's FINAL standings export.
    pub standings: PathBuf,
}

/// Scores the complete entries of a DKEntries file (locked or not) on the
/// players' actual points and pays them among the real field, as `dfs runs
/// backtest` scores a run's: how the entries did, or would have.
pub fn score_entries(
    home: &Home,
    req: &EntriesScoreRequest,
) -> Result<crate::Scored, OrchestratorError> {
    let path = req.entries.as_path();
    let file = read_dk_entries(path, home.scope())?;
    let (slate_rec, contest_rec) = home.registry().resolve(&req.slate, &req.contest)?;
    let (slate, _) = home.load_slate(&slate_rec)?;
    let (contest, _) = home.load_contest(&contest_rec)?;
    check_slots(path, &file, &slate)?;
    let row_of = slate_rows(&slate);
    let mut lineups = Vec::new();
    for e in &file.entries {
        if e.cells.iter().any(Option::is_none) {
            continue; // a reservation never filled: it plays no lineup
        }
        let mut rows = Vec::with_capacity(e.cells.len());
        for (cell, slot) in e.cells.iter().flatten().zip(&file.slots) {
            rows.push(*row_of.get(&cell.dk_id).ok_or_else(|| {
                OrchestratorError::Io(pipeline_io::IoError::field(
                    path,
                    e.line,
                    slot.clone(),
                    format!(
                        "{} ({}) is not on slate {}",
                        cell.name, cell.dk_id, slate.id
                    ),
                ))
            })?);
        }
        lineups.push(rows);
    }
    if lineups.is_empty() {
        return Err(OrchestratorError::Request(format!(
            "{}: no complete entry to score",
            path.display()
        )));
    }
    let standings = crate::backtest::read_final_standings(&req.standings, home)?;
    crate::backtest::score_rows(&slate, &contest, &standings, &req.standings, &lineups)
}

/// The late swap's invariants, checked before anything is written: every
/// lineup DraftKings-valid, every started player of an entry still in his
/// slot, no started player added.
fn check_swaps(
    slate: &schemas::Slate,
    swapped: &[lateswap::Swapped],
) -> Result<(), OrchestratorError> {
    let broken = |entry: &str, message: String| OrchestratorError::Boundary {
        stage: "lateswap".into(),
        message: format!("entry {entry}: {message}"),
    };
    for s in swapped {
        let Some(after) = &s.after else { continue };
        schemas::Lineup {
            players: after.clone(),
        }
        .check(slate)
        .map_err(|e| broken(&s.entry_id, e.to_string()))?;
        for (slot, (&now, before)) in after.iter().zip(&s.before).enumerate() {
            let started = |i: u32| slate.players[i as usize].locked;
            if let Some(b) = *before
                && started(b)
                && now != b
            {
                return Err(broken(
                    &s.entry_id,
                    format!("started player {b} left slot {slot}"),
                ));
            }
            if started(now) && *before != Some(now) {
                return Err(broken(
                    &s.entry_id,
                    format!("started player {now} added in slot {slot}"),
                ));
            }
        }
    }
    Ok(())
}
