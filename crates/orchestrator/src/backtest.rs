//! `backtest`: what a run's exported entries would really have won.
//!
//! The run's upload file (`optimizer/dk_export.csv`, the entries a user
//! submits) is scored on the players' actual points from a DraftKings
//! contest-standings export (FINAL), and the entries join the real field of
//! that export: every real entry with its points, ours with theirs. Each tie
//! group, ours and real together, is paid the average of the prizes of the
//! places it spans, by the run's contest table. The realized ROI stands next
//! to the run's simulated one: one real contest is one draw, so a single
//! backtest says little, but many of them tell whether the simulated ROI can
//! be believed.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

pub use calibration::Scored;
use calibration::{lineup_points, score_among_field};
use pipeline_io::inputs::{Standings, actual_points, read_dk_upload, read_standings_in};
use schemas::{Contest, Slate};
use serde::Serialize;

use crate::OrchestratorError;
use crate::catalog::Home;

/// What to backtest.
#[derive(Debug, Clone)]
pub struct BacktestRequest {
    /// A finished run.
    pub run_id: String,
    /// A DraftKings contest-standings CSV of the slate (FINAL: no `LOCKED` cells).
    pub standings: PathBuf,
}

/// A run's entries in a real contest.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Backtest {
    pub run_id: String,
    pub standings: String,
    pub contest_id: String,
    /// The upload file's entries, scored among the real field.
    #[serde(flatten)]
    pub scored: Scored,
    /// The run's simulated ROI (mean and median over its iterations).
    pub simulated_roi_mean: Option<f64>,
    pub simulated_roi_p50: Option<f64>,
}

/// Scores a run's exported entries on a real contest's actual points and pays
/// them among the real field.
pub fn backtest(home: &Home, req: &BacktestRequest) -> Result<Backtest, OrchestratorError> {
    let run = home.verified_run(&req.run_id)?;
    let upload = PathBuf::from(&run.root).join("optimizer/dk_export.csv");
    let slate_rec = home
        .registry()
        .slate(&run.slate_id)?
        .ok_or_else(|| OrchestratorError::Request(format!("slate {} is gone", run.slate_id)))?;
    let contest_rec = home
        .registry()
        .contest(&run.contest_id)?
        .ok_or_else(|| OrchestratorError::Request(format!("contest {} is gone", run.contest_id)))?;
    let (slate, _) = home.load_slate(&slate_rec)?;
    let (contest, _) = home.load_contest(&contest_rec)?;
    let standings = read_final_standings(&req.standings, home)?;
    let scored = score_upload(&slate, &contest, &standings, &req.standings, &upload)?;
    let head = run.metrics_head.as_ref();
    Ok(Backtest {
        run_id: run.run_id.clone(),
        standings: req.standings.display().to_string(),
        contest_id: run.contest_id.clone(),
        scored,
        simulated_roi_mean: head.map(|h| h.roi_mean),
        simulated_roi_p50: head.map(|h| h.roi_p50),
    })
}

/// A FINAL standings export: a mid-slate snapshot (cells reading `LOCKED`) is refused.
pub(crate) fn read_final_standings(
    path: &Path,
    home: &Home,
) -> Result<Standings, OrchestratorError> {
    let standings = read_standings_in(path, home.scope())?;
    let locked = standings.locked_slots();
    if locked > 0 {
        return Err(OrchestratorError::Request(format!(
            "{}: {locked} lineup cells read LOCKED: a mid-slate snapshot hides players' \
             points; backtest against a FINAL export",
            path.display()
        )));
    }
    Ok(standings)
}

/// Scores the entries of a DraftKings upload file on the actual points of a
/// FINAL standings export, and pays them among its real field (ties split,
/// ours and real together) by the contest's table. The one scoring of
/// entries against a real contest: `dfs runs backtest` and `dfs backtest` both
/// come here; the math is [`calibration::score_among_field`].
pub(crate) fn score_upload(
    slate: &Slate,
    contest: &Contest,
    standings: &Standings,
    standings_path: &Path,
    upload: &Path,
) -> Result<Scored, OrchestratorError> {
    if !upload.is_file() {
        return Err(OrchestratorError::Request(format!(
            "{}: no upload file to score",
            upload.display()
        )));
    }
    let ours = read_dk_upload(upload)?;
    if ours.is_empty() {
        return Err(OrchestratorError::Request(format!(
            "{}: the upload file holds no entries",
            upload.display()
        )));
    }
    let by_id: BTreeMap<i64, usize> = slate
        .players
        .iter()
        .enumerate()
        .map(|(i, p)| (p.dk_id, i))
        .collect();
    let rows = |entry: &[i64]| -> Result<Vec<u32>, OrchestratorError> {
        entry
            .iter()
            .map(|id| {
                by_id.get(id).map(|&i| i as u32).ok_or_else(|| {
                    OrchestratorError::Request(format!(
                        "{}: DraftKings id {id} is not on slate {}",
                        upload.display(),
                        slate.id
                    ))
                })
            })
            .collect()
    };
    let lineups = ours
        .iter()
        .map(|entry| rows(entry))
        .collect::<Result<Vec<_>, _>>()?;
    score_rows(slate, contest, standings, standings_path, &lineups)
}

/// Scores lineups given as slate rows on the actual points of a FINAL
/// standings export, and pays them among its real field: what
/// [`score_upload`] does once the upload file is read.
pub(crate) fn score_rows(
    slate: &Slate,
    contest: &Contest,
    standings: &Standings,
    standings_path: &Path,
    lineups: &[Vec<u32>],
) -> Result<Scored, OrchestratorError> {
    let actual = actual_points(slate, standings);
    // A player no real entry drafted is not in the standings' table: his
    // points are unknown; he counts 0 and is named in the report.
    let mut unknown = BTreeSet::new();
    let mut our_points = Vec::with_capacity(lineups.len());
    for lineup in lineups {
        let (points, missing) = lineup_points(&actual.points, lineup.iter().map(|&i| i as usize));
        unknown.extend(
            missing
                .iter()
                .filter_map(|i| actual.unknown.get(i).cloned()),
        );
        our_points.push(points);
    }
    let distinct: BTreeSet<u32> = lineups.iter().flatten().copied().collect();
    if 2 * unknown.len() > distinct.len() {
        return Err(OrchestratorError::Request(format!(
            "{}: {} of the entries' {} players are not in its table of drafted players: \
             is it the standings of slate {}?",
            standings_path.display(),
            unknown.len(),
            distinct.len(),
            slate.id
        )));
    }
    let real: Vec<f64> = standings
        .entries
        .iter()
        .filter(|e| e.is_complete())
        .map(|e| e.points)
        .collect();
    if real.is_empty() {
        return Err(OrchestratorError::Request(format!(
            "{}: no entry has a filled lineup",
            standings_path.display()
        )));
    }
    Ok(Scored {
        unknown_players: unknown.into_iter().collect(),
        ..score_among_field(contest, &real, &our_points)?
    })
}

/// The backtest as plain text.
pub fn backtest_table(b: &Backtest) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let pct = |x: f64| format!("{:+.1}%", 100.0 * x);
    let _ = writeln!(out, "run {} in {}", b.run_id, b.standings);
    let _ = writeln!(
        out,
        "entries            {} of ours among {} real",
        b.scored.entries, b.scored.real_entries
    );
    let _ = writeln!(
        out,
        "realized ROI       {} ({:.2} won on {:.2} in fees; {} cashed, best place {}, mean finish percentile {:.3})",
        pct(b.scored.realized_roi),
        b.scored.winnings,
        b.scored.fees,
        b.scored.cashed,
        b.scored.best_place,
        b.scored.mean_finish_percentile
    );
    let _ = writeln!(
        out,
        "capped ROI         {} (each prize capped at the last top-1% place's)",
        pct(b.scored.capped_roi)
    );
    let sim = |x: Option<f64>| x.map_or("-".to_string(), pct);
    let _ = writeln!(
        out,
        "simulated ROI      {} mean, {} median (the run's own figures)",
        sim(b.simulated_roi_mean),
        sim(b.simulated_roi_p50)
    );
    let _ = writeln!(
        out,
        "scores             ours median {:.2}, best {:.2}; field median {:.2}, p99 {:.2}, best {:.2}",
        b.scored.ours.p50,
        b.scored.ours.max,
        b.scored.field.p50,
        b.scored.field.p99,
        b.scored.field.max
    );
    if !b.scored.unknown_players.is_empty() {
        let _ = writeln!(
            out,
            "unknown            no real entry drafted {} (counted 0)",
            b.scored.unknown_players.join(", ")
        );
    }
    out
}
