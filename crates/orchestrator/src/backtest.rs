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

use gpp_sim::pay_iteration;
use pipeline_io::inputs::{Standings, read_dk_upload, read_standings_in};
use schemas::{Contest, Slate};
use serde::Serialize;

use crate::OrchestratorError;
use crate::catalog::Home;
use crate::field_compare::{ActualPoints, ScoreQuantiles};

/// What to backtest.
#[derive(Debug, Clone)]
pub struct BacktestRequest {
    /// A finished run.
    pub run_id: String,
    /// A DraftKings contest-standings CSV of the slate (FINAL: no `LOCKED` cells).
    pub standings: PathBuf,
}

/// A run's entries in a real contest.
#[derive(Debug, Clone, PartialEq, Serialize)]
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

/// Fantasy points to the cent, as DraftKings shows them: sums of a lineup's
/// players then compare equal to DraftKings' own totals.
fn to_score(points: f64) -> f32 {
    ((points * 100.0).round() / 100.0) as f32
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

/// Entries of an upload file, scored among a real contest's field.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scored {
    /// Our entries in the upload file.
    pub entries: u32,
    /// Real entries with a full lineup: the field ours join.
    pub real_entries: u64,
    /// Total entry fees of ours.
    pub fees: f64,
    /// What ours won in all.
    pub winnings: f64,
    /// `winnings / fees - 1`.
    pub realized_roi: f64,
    /// Our entries that won a prize.
    pub cashed: u32,
    /// Best place one of ours took (1 = first; ties take the best place they span).
    pub best_place: u64,
    /// Mean over our entries of their finish percentile, as the simulator
    /// counts it: entries above plus half of those tied, over all the other
    /// entries (0 = first, 1 = last).
    pub mean_finish_percentile: f64,
    /// Our players whom no real entry drafted: the standings do not give
    /// their points, and they count 0.
    pub unknown_players: Vec<String>,
    /// Our entries' actual scores.
    pub ours: ScoreQuantiles,
    /// The real field's scores.
    pub field: ScoreQuantiles,
}

/// Scores the entries of a DraftKings upload file on the actual points of a
/// FINAL standings export, and pays them among its real field (ties split,
/// ours and real together) by the contest's table. The one scoring of
/// entries against a real contest: `dfs runs backtest` and `dfs backtest` both
/// come here.
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
    let actual = ActualPoints::new(slate, standings);
    // A player no real entry drafted is not in the standings' table: his
    // points are unknown; he counts 0 and is named in the report.
    let mut unknown = BTreeSet::new();
    let mut our_points = Vec::with_capacity(ours.len());
    for entry in &ours {
        let mut sum = 0.0;
        for &id in entry {
            let &i = by_id.get(&id).ok_or_else(|| {
                OrchestratorError::Request(format!(
                    "{}: DraftKings id {id} is not on slate {}",
                    upload.display(),
                    slate.id
                ))
            })?;
            match actual.of(i) {
                Ok(points) => sum += points,
                Err(name) => {
                    unknown.insert(name.to_string());
                }
            }
        }
        our_points.push(sum);
    }
    let distinct: BTreeSet<i64> = ours.iter().flatten().copied().collect();
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

    // Everyone in one contest: the real field, then ours.
    let scores: Vec<f32> = real
        .iter()
        .chain(&our_points)
        .map(|&p| to_score(p))
        .collect();
    let copies = vec![1u32; scores.len()];
    let placings = pay_iteration(&contest.ladder(), &scores, &copies);
    let ours_placed = &placings[real.len()..];
    let winnings: f64 = ours_placed.iter().map(|p| p.payout).sum();
    let fees = contest.entry_fee * ours.len() as f64;
    // As the simulator counts it: entries above plus half the others tied, over the others.
    let others = (scores.len() - 1).max(1) as f64;
    let mean_finish_percentile = ours_placed
        .iter()
        .map(|p| (p.better as f64 + p.tied.saturating_sub(1) as f64 / 2.0) / others)
        .sum::<f64>()
        / ours_placed.len() as f64;
    Ok(Scored {
        entries: ours.len() as u32,
        real_entries: real.len() as u64,
        fees,
        winnings,
        realized_roi: if fees > 0.0 {
            winnings / fees - 1.0
        } else {
            0.0
        },
        cashed: ours_placed.iter().filter(|p| p.payout > 0.0).count() as u32,
        best_place: ours_placed.iter().map(|p| p.better + 1).min().unwrap_or(0),
        mean_finish_percentile,
        unknown_players: unknown.into_iter().collect(),
        ours: ScoreQuantiles::of(our_points.iter().map(|&p| (p, 1)).collect()),
        field: ScoreQuantiles::of(real.iter().map(|&p| (p, 1)).collect()),
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
