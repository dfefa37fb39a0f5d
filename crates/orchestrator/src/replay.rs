//! `dfs backtest`: replays real contests. For each contest folder the whole
//! pipeline runs as `dfs run` does, then its exported entries and a baseline
//! of the same size (the projection-optimal lineups, what a plain optimizer
//! hands a user) are scored on the players' actual points among the real
//! field, next to what the run predicted.

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use pipeline_io::inputs::detect_contest_folder;
use schemas::ProgressSink;
use serde::Serialize;

use crate::OrchestratorError;
use crate::backtest::{Scored, read_final_standings, score_upload};
use crate::catalog::{ContestImport, Home, SlateImport};
use crate::pipeline::{OptimizeRequest, RunRequest, optimize, run};

/// What to replay, and how to run each contest (the flags of `dfs run`).
#[derive(Debug, Clone, Default)]
pub struct ReplayRequest {
    /// Contest folders: salary pool, projections, payout table, FINAL standings.
    pub contests: Vec<PathBuf>,
    pub seed: u64,
    pub variants_config: Option<PathBuf>,
    pub optimizer_config: Option<PathBuf>,
    pub sampler_config: Option<PathBuf>,
    pub sim_config: Option<PathBuf>,
    /// Entries to submit in each contest.
    pub entries: u32,
}

/// Entries as they really did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Realized {
    pub entries: u32,
    pub fees: f64,
    pub winnings: f64,
    /// `winnings / fees - 1`.
    pub roi: f64,
    /// Share of the entries that won a prize.
    pub cash_rate: f64,
    /// Mean finish percentile (0 = first, 1 = last).
    pub mean_finish_percentile: f64,
    /// Best place (1 = first).
    pub best_place: u64,
}

impl From<&Scored> for Realized {
    fn from(s: &Scored) -> Self {
        Realized {
            entries: s.entries,
            fees: s.fees,
            winnings: s.winnings,
            roi: s.realized_roi,
            cash_rate: f64::from(s.cashed) / f64::from(s.entries.max(1)),
            mean_finish_percentile: s.mean_finish_percentile,
            best_place: s.best_place,
        }
    }
}

/// A run's predictions for its entries, as [`Realized`] measures them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Predicted {
    /// The portfolio's simulated ROI (mean over iterations).
    pub roi: f64,
    pub cash_rate: f64,
    pub mean_finish_percentile: f64,
    /// Share of entries finishing in the top 1% of the contest.
    pub top1_rate: f64,
}

/// One contest replayed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ContestReplay {
    pub folder: String,
    pub slate_id: String,
    pub contest_id: String,
    pub run_id: String,
    /// Real entries with a full lineup: the field ours join.
    pub real_entries: u64,
    /// What the run predicted for its portfolio.
    pub simulated_roi_mean: f64,
    pub simulated_roi_p50: f64,
    /// Median of the predicted finish percentiles of the run's entries (0 = first).
    pub predicted_finish_p50: Option<f64>,
    /// What the run predicted for its entries, figure by figure as `run` reports them.
    pub predicted: Predicted,
    /// The run's exported entries, as they really did.
    pub run: Realized,
    /// The projection-optimal lineups, as many, as they really did.
    pub projection_optimal: Realized,
}

/// Every contest replayed, and the figures over all of them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Replay {
    pub contests: Vec<ContestReplay>,
    /// Mean over contests of the run's simulated ROI.
    pub simulated_roi_mean: f64,
    /// Over all contests: total winnings / total fees - 1.
    pub run_roi: f64,
    pub projection_optimal_roi: f64,
    /// Mean over contests.
    pub run_cash_rate: f64,
    pub predicted_cash_rate: f64,
    pub predicted_finish_percentile: f64,
    pub run_finish_percentile: f64,
    pub projection_optimal_finish_percentile: f64,
    /// Contests where the run's entries finished better on average than the baseline's.
    pub run_better_in: usize,
}

/// Registry ids made from a folder name: letters, digits, `.`, `_`, `-`.
fn id_for(dir: &Path) -> String {
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let clean: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '-'
            }
        })
        .take(60)
        .collect();
    format!("bt-{}", clean.trim_start_matches('.'))
}

/// Replays each contest folder in order.
pub fn replay(
    home: &Home,
    req: &ReplayRequest,
    progress: &dyn ProgressSink,
    cancel: &AtomicBool,
) -> Result<Replay, OrchestratorError> {
    if req.contests.is_empty() {
        return Err(OrchestratorError::Request(
            "name at least one contest folder".into(),
        ));
    }
    if req.entries == 0 {
        return Err(OrchestratorError::Request(
            "--entries must be at least 1".into(),
        ));
    }
    let mut contests = Vec::with_capacity(req.contests.len());
    for dir in &req.contests {
        contests.push(replay_one(home, req, dir, progress, cancel)?);
    }
    let n = contests.len() as f64;
    let mean = |f: &dyn Fn(&ContestReplay) -> f64| contests.iter().map(f).sum::<f64>() / n;
    let pooled = |f: &dyn Fn(&ContestReplay) -> &Realized| {
        let fees: f64 = contests.iter().map(|c| f(c).fees).sum();
        let won: f64 = contests.iter().map(|c| f(c).winnings).sum();
        if fees > 0.0 { won / fees - 1.0 } else { 0.0 }
    };
    Ok(Replay {
        simulated_roi_mean: mean(&|c| c.simulated_roi_mean),
        run_roi: pooled(&|c| &c.run),
        projection_optimal_roi: pooled(&|c| &c.projection_optimal),
        run_cash_rate: mean(&|c| c.run.cash_rate),
        predicted_cash_rate: mean(&|c| c.predicted.cash_rate),
        predicted_finish_percentile: mean(&|c| c.predicted.mean_finish_percentile),
        run_finish_percentile: mean(&|c| c.run.mean_finish_percentile),
        projection_optimal_finish_percentile: mean(&|c| {
            c.projection_optimal.mean_finish_percentile
        }),
        run_better_in: contests
            .iter()
            .filter(|c| c.run.mean_finish_percentile < c.projection_optimal.mean_finish_percentile)
            .count(),
        contests,
    })
}

fn replay_one(
    home: &Home,
    req: &ReplayRequest,
    dir: &Path,
    progress: &dyn ProgressSink,
    cancel: &AtomicBool,
) -> Result<ContestReplay, OrchestratorError> {
    let folder = detect_contest_folder(dir)?;
    let id = id_for(dir);
    home.import_slate(&SlateImport {
        id: id.clone(),
        salaries: folder.salaries.clone(),
        projections: folder.projections.clone(),
        sport: None,
    })?;
    home.import_contest(&ContestImport {
        id: id.clone(),
        payouts: folder.payouts.clone(),
        name: Some(folder.name.clone()),
        max_entries: None,
    })?;
    let outcome = run(
        home,
        &RunRequest {
            slate: id.clone(),
            contest: id.clone(),
            seed: req.seed,
            variants_config: req.variants_config.clone(),
            optimizer_config: req.optimizer_config.clone(),
            sampler_config: req.sampler_config.clone(),
            sim_config: req.sim_config.clone(),
            tag: Some("backtest".into()),
            entries: Some(req.entries),
        },
        progress,
        cancel,
    )?;
    let run_dir = PathBuf::from(&outcome.summary.artifact_path);
    let baseline = home
        .root()
        .join("backtests")
        .join(&outcome.summary.run_id)
        .join("projection_optimal.csv");
    optimize(
        home,
        &OptimizeRequest {
            slate: id.clone(),
            lineups: outcome.metrics.entries.max(1),
            optimizer_config: req.optimizer_config.clone(),
            out: baseline.clone(),
        },
        progress,
        cancel,
    )?;

    let slate_rec = home
        .registry()
        .slate(&id)?
        .ok_or_else(|| OrchestratorError::Request(format!("slate {id} is gone")))?;
    let contest_rec = home
        .registry()
        .contest(&id)?
        .ok_or_else(|| OrchestratorError::Request(format!("contest {id} is gone")))?;
    let (slate, _) = home.load_slate(&slate_rec)?;
    let (contest, _) = home.load_contest(&contest_rec)?;
    let standings = read_final_standings(&folder.standings, home)?;
    let ours = score_upload(
        &slate,
        &contest,
        &standings,
        &folder.standings,
        &run_dir.join("optimizer/dk_export.csv"),
    )?;
    let base = score_upload(&slate, &contest, &standings, &folder.standings, &baseline)?;
    Ok(ContestReplay {
        folder: dir.display().to_string(),
        slate_id: id.clone(),
        contest_id: id,
        run_id: outcome.summary.run_id.clone(),
        real_entries: ours.real_entries,
        simulated_roi_mean: outcome.metrics.roi_mean,
        simulated_roi_p50: outcome.metrics.roi_p50,
        predicted_finish_p50: outcome.metrics.finish_percentiles.get("p50").copied(),
        predicted: Predicted {
            roi: outcome.metrics.roi_mean,
            cash_rate: outcome.metrics.cash_rate,
            mean_finish_percentile: outcome.metrics.finish_percentile_mean,
            top1_rate: outcome.metrics.top1_rate,
        },
        run: Realized::from(&ours),
        projection_optimal: Realized::from(&base),
    })
}

/// The replay as a plain-text table.
pub fn replay_table(r: &Replay) -> String {
    use std::fmt::Write;
    let pct = |x: f64| format!("{:+.0}%", 100.0 * x);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<34} {:>7} {:>9} {:>9} {:>6} {:>6} {:>6} {:>6} | {:>9} {:>6}",
        "contest",
        "entries",
        "sim ROI",
        "real ROI",
        "p.cash",
        "cash",
        "pred%",
        "real%",
        "opt ROI",
        "opt%"
    );
    for c in &r.contests {
        let name = Path::new(&c.folder)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "{:<34} {:>7} {:>9} {:>9} {:>6.2} {:>6.2} {:>6.3} {:>6.3} | {:>9} {:>6.3}",
            name,
            c.run.entries,
            pct(c.simulated_roi_mean),
            pct(c.run.roi),
            c.predicted.cash_rate,
            c.run.cash_rate,
            c.predicted.mean_finish_percentile,
            c.run.mean_finish_percentile,
            pct(c.projection_optimal.roi),
            c.projection_optimal.mean_finish_percentile,
        );
    }
    let _ = writeln!(
        out,
        "{:<34} {:>7} {:>9} {:>9} {:>6.2} {:>6.2} {:>6.3} {:>6.3} | {:>9} {:>6.3}",
        "all",
        "",
        pct(r.simulated_roi_mean),
        pct(r.run_roi),
        r.predicted_cash_rate,
        r.run_cash_rate,
        r.predicted_finish_percentile,
        r.run_finish_percentile,
        pct(r.projection_optimal_roi),
        r.projection_optimal_finish_percentile,
    );
    let _ = writeln!(
        out,
        "sim ROI: the run's simulated portfolio ROI (mean); real: its exported entries scored on \
         actual points among the real field; p.cash/cash: predicted and realized cash rate; \
         pred%/real%: predicted and realized mean finish percentile (0 = first, 1 = last); opt: the projection-optimal lineups, as many. The run's \
         entries finished better than the baseline's in {} of {} contests.",
        r.run_better_in,
        r.contests.len()
    );
    out
}
