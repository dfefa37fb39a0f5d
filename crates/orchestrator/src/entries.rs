//! `dfs entries fill`: a run's selected lineups written into the user's
//! `DKEntries.csv`, entry by entry, as the edit upload DraftKings takes back.

use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

use pipeline_io::inputs::{read_dk_entries, read_dk_upload, read_salaries};
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
    let mut filled = Vec::new();
    for (contest_id, contest_name, run_id) in plan {
        let run = &runs[&run_id];
        let slate_rec = home.registry().slate(&run.slate_id)?.ok_or_else(|| {
            OrchestratorError::Request(format!("slate {} of run {run_id} is gone", run.slate_id))
        })?;
        let (slate, _) = home.load_slate(&slate_rec)?;
        let slots = slate.rules.slot_names();
        if file.slots != slots {
            return Err(bad(format!(
                "its slots are {}, run {run_id}'s slate {} has {}",
                file.slots.join(","),
                slate.id,
                slots.join(",")
            )));
        }
        check_same_slate(path, &file, &slate, &run_id)?;
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
        let by_id: BTreeMap<i64, &str> = slate
            .players
            .iter()
            .filter(|p| p.captain_of.is_none())
            .map(|p| (p.dk_id, p.name.as_str()))
            .collect();
        for (&i, lineup) in rows.iter().zip(&lineups) {
            file.entries[i].cells = lineup
                .iter()
                .map(|id| {
                    Some(EntryCell {
                        dk_id: *id,
                        name: by_id.get(id).copied().unwrap_or_default().to_string(),
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

/// Refuses a file of another slate: its entries' players and its player pool
/// must all be on `slate`. Names the first few that are not.
fn check_same_slate(
    path: &Path,
    file: &EntriesFile,
    slate: &schemas::Slate,
    run_id: &str,
) -> Result<(), OrchestratorError> {
    let on_slate: HashSet<i64> = slate.players.iter().map(|p| p.dk_id).collect();
    let mut ids: Vec<i64> = file
        .entries
        .iter()
        .flat_map(|e| e.cells.iter().flatten().map(|c| c.dk_id))
        .collect();
    // The pool DraftKings appends, when the file has it.
    if let Ok(pool) = read_salaries(path) {
        ids.extend(pool.rows.iter().map(|r| r.dk_id));
    }
    let mut missing: Vec<i64> = ids
        .into_iter()
        .filter(|id| !on_slate.contains(id))
        .collect();
    missing.sort_unstable();
    missing.dedup();
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
