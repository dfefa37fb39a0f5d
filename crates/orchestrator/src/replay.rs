//! `dfs backtest`: replays real contests. For each contest folder the whole
//! pipeline runs as `dfs run` does, then its exported entries and two
//! baselines of the same size (the projection-optimal lineups, what a plain
//! optimizer hands a user, and the run's own top-N by simulated ROI) are
//! scored on the players' actual points among the real field, next to what
//! the run predicted. With `loo`, each contest runs with the model fitted on
//! the other contests (`calibration::leave_one_out`), so its figures are out
//! of sample. The math is `calibration`'s; this module reads, runs, composes.

use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

use calibration::{
    ContestEvidence, Interval, ModelFit, PIT_BINS, Scored, bootstrap_ci, bootstrap_ratio_ci,
    fit_all, leave_one_out, pit_histogram,
};
use pipeline_io::inputs::{
    Standings, actual_points, builtin_correlations, detect_contest_folder, entry_rows,
};
use schemas::{Contest, ProgressSink, Slate};
use serde::Serialize;

use crate::OrchestratorError;
use crate::backtest::{read_final_standings, score_rows, score_upload};
use crate::catalog::{ContestImport, Home, SlateImport};
use crate::pipeline::{OptimizeRequest, RunRequest, optimize, run};

/// Resamples of the bootstrap over contests, and its confidence level.
pub const BOOTSTRAP_RESAMPLES: u32 = 4_000;
pub const BOOTSTRAP_LEVEL: f64 = 0.90;

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
    /// Run each contest with the model fitted on the others (leave one out).
    pub loo: bool,
}

/// Entries as they really did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Realized {
    pub entries: u32,
    pub fees: f64,
    pub winnings: f64,
    /// `winnings / fees - 1`.
    pub roi: f64,
    /// The same with each entry's prize capped at the last top-1% place's.
    pub capped_winnings: f64,
    pub capped_roi: f64,
    /// Share of the entries that won a prize.
    pub cash_rate: f64,
    /// Mean finish percentile (0 = first, 1 = last).
    pub mean_finish_percentile: f64,
    /// Share of the entries in the top 1% of the contest.
    pub top1_rate: f64,
    /// Best place (1 = first).
    pub best_place: u64,
}

impl From<&Scored> for Realized {
    fn from(s: &Scored) -> Self {
        let n = f64::from(s.entries.max(1));
        Realized {
            entries: s.entries,
            fees: s.fees,
            winnings: s.winnings,
            roi: s.realized_roi,
            capped_winnings: s.capped_winnings,
            capped_roi: s.capped_roi,
            cash_rate: f64::from(s.cashed) / n,
            mean_finish_percentile: s.mean_finish_percentile,
            top1_rate: f64::from(s.top1) / n,
            best_place: s.best_place,
        }
    }
}

/// A run's predictions for its entries, as [`Realized`] measures them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Predicted {
    /// The portfolio's simulated ROI (mean over iterations).
    pub roi: f64,
    /// The same with each entry's prize capped at the last top-1% place's.
    pub capped_roi: f64,
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
    /// The model the run used, fitted without this contest (`loo` only).
    pub fit: Option<ModelFit>,
    /// What the run predicted for its entries.
    pub predicted: Predicted,
    /// The run's exported entries, as they really did.
    pub run: Realized,
    /// The projection-optimal lineups, as many, as they really did.
    pub projection_optimal: Realized,
    /// The run's top-N by single-lineup simulated ROI, as they really did.
    pub top_n: Realized,
    /// Where each exported entry's realized finish fell among its predicted
    /// deciles: bin `k` counts finishes between deciles `k` and `k + 1`.
    pub pit: [u64; PIT_BINS],
}

/// A figure over contests: its value and a bootstrap interval over contests.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Estimate {
    pub value: f64,
    pub lo: f64,
    pub hi: f64,
}

impl From<Interval> for Estimate {
    fn from(i: Interval) -> Self {
        Estimate {
            value: i.mean,
            lo: i.lo,
            hi: i.hi,
        }
    }
}

/// Every contest replayed, and the figures over all of them.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Replay {
    pub contests: Vec<ContestReplay>,
    /// Bootstrap over contests: resamples, level and seed.
    pub bootstrap: (u32, f64, u64),
    /// Predicted over all contests: ROI pooled by fees, the rest means.
    pub predicted: Predicted,
    /// Realized, with intervals: ROI is total winnings / total fees - 1.
    pub run_roi: Estimate,
    pub run_capped_roi: Estimate,
    pub run_cash_rate: Estimate,
    pub run_finish_percentile: Estimate,
    pub run_top1_rate: f64,
    pub projection_optimal_roi: Estimate,
    pub projection_optimal_finish_percentile: Estimate,
    pub top_n_roi: Estimate,
    pub top_n_finish_percentile: Estimate,
    /// The PIT histogram of every exported entry.
    pub pit: [u64; PIT_BINS],
    /// Contests where the run's entries finished better on average than the
    /// projection-optimal lineups, and than the run's own top-N.
    pub run_better_than_optimal_in: usize,
    pub run_better_than_top_n_in: usize,
    /// With `loo`: the fit on every contest (the model the defaults should hold).
    pub fit: Option<ModelFit>,
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

/// A contest folder read and registered: what a replay of it needs.
struct Prepared {
    dir: PathBuf,
    id: String,
    slate: Slate,
    contest: Contest,
    standings: Standings,
    standings_path: PathBuf,
}

fn prepare(home: &Home, dir: &Path) -> Result<Prepared, OrchestratorError> {
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
    let (slate_rec, contest_rec) = home.registry().resolve(&id, &id)?;
    let (slate, _) = home.load_slate(&slate_rec)?;
    let (contest, _) = home.load_contest(&contest_rec)?;
    let standings = read_final_standings(&folder.standings, home)?;
    Ok(Prepared {
        dir: dir.to_path_buf(),
        id,
        slate,
        contest,
        standings,
        standings_path: folder.standings,
    })
}

/// What a contest tells the model fit: actual points, the real field's
/// lineups and points, and the best lineup's projection.
fn evidence(p: &Prepared) -> Result<ContestEvidence, OrchestratorError> {
    let actual = actual_points(&p.slate, &p.standings).points;
    let mut field = Vec::new();
    let mut field_points = Vec::new();
    for (rows, e) in entry_rows(&p.slate, &p.standings)
        .into_iter()
        .zip(&p.standings.entries)
    {
        if let Some(rows) = rows {
            field.push(rows);
            field_points.push(e.points);
        }
    }
    let best = optimizer::best_projection(&p.slate)
        .map_err(|e| OrchestratorError::Request(format!("{}: {e}", p.dir.display())))?
        .unwrap_or(0.0);
    Ok(ContestEvidence {
        correlations: builtin_correlations(&p.slate.rules.sport),
        slate: p.slate.clone(),
        actual,
        field,
        field_points,
        best_projection: best,
    })
}

/// Replays every contest folder; contests run on as many worker threads as
/// the machine has cores (each with its own registry connection), and the
/// report is in folder order whatever the schedule.
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
    let prepared = req
        .contests
        .iter()
        .map(|dir| prepare(home, dir))
        .collect::<Result<Vec<_>, _>>()?;
    let (folds, fit) = if req.loo {
        if prepared.len() < 2 {
            return Err(OrchestratorError::Request(
                "leave-one-out needs at least two contest folders".into(),
            ));
        }
        let evidence = prepared
            .iter()
            .map(evidence)
            .collect::<Result<Vec<_>, _>>()?;
        (leave_one_out(&evidence)?, fit_all(&evidence)?)
    } else {
        (vec![None; prepared.len()], None)
    };

    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(prepared.len());
    let homes = (0..workers)
        .map(|_| home.reopen())
        .collect::<Result<Vec<_>, _>>()?;
    let mut results: Vec<Option<Result<ContestReplay, OrchestratorError>>> =
        (0..prepared.len()).map(|_| None).collect();
    std::thread::scope(|scope| {
        let handles: Vec<_> = homes
            .into_iter()
            .enumerate()
            .map(|(w, h)| {
                let (prepared, folds) = (&prepared, &folds);
                scope.spawn(move || {
                    (w..prepared.len())
                        .step_by(workers)
                        .map(|k| {
                            (
                                k,
                                replay_one(&h, req, &prepared[k], folds[k], progress, cancel),
                            )
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        for handle in handles {
            match handle.join() {
                Ok(done) => {
                    for (k, r) in done {
                        results[k] = Some(r);
                    }
                }
                Err(panic) => std::panic::resume_unwind(panic),
            }
        }
    });
    let contests = results
        .into_iter()
        .map(|r| {
            r.unwrap_or_else(|| {
                Err(OrchestratorError::Request(
                    "a contest was not replayed".into(),
                ))
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    aggregate(contests, req.seed, fit)
}

fn replay_one(
    home: &Home,
    req: &ReplayRequest,
    p: &Prepared,
    model: Option<ModelFit>,
    progress: &dyn ProgressSink,
    cancel: &AtomicBool,
) -> Result<ContestReplay, OrchestratorError> {
    let outcome = run(
        home,
        &RunRequest {
            slate: p.id.clone(),
            contest: p.id.clone(),
            seed: req.seed,
            variants_config: req.variants_config.clone(),
            optimizer_config: req.optimizer_config.clone(),
            sampler_config: req.sampler_config.clone(),
            sim_config: req.sim_config.clone(),
            inline_configs: Default::default(),
            tag: Some("backtest".into()),
            entries: Some(req.entries),
            model,
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
            slate: p.id.clone(),
            lineups: outcome.metrics.entries.max(1),
            optimizer_config: req.optimizer_config.clone(),
            out: baseline.clone(),
        },
        progress,
        cancel,
    )?;
    let score = |upload: &Path| {
        score_upload(
            &p.slate,
            &p.contest,
            &p.standings,
            &p.standings_path,
            upload,
        )
    };
    let ours = score(&run_dir.join("optimizer/dk_export.csv"))?;
    let base = score(&baseline)?;
    let top_n = score_rows(
        &p.slate,
        &p.contest,
        &p.standings,
        &p.standings_path,
        &outcome.top_n_lineups,
    )?;
    let m = &outcome.metrics;
    let pit = pit_histogram(&m.entry_finish_deciles, &ours.finish_percentiles)?;
    Ok(ContestReplay {
        folder: p.dir.display().to_string(),
        slate_id: p.id.clone(),
        contest_id: p.id.clone(),
        run_id: outcome.summary.run_id.clone(),
        real_entries: ours.real_entries,
        fit: model,
        predicted: Predicted {
            roi: m.roi_mean,
            capped_roi: m.capped_roi_mean,
            cash_rate: m.cash_rate,
            mean_finish_percentile: m.finish_percentile_mean,
            top1_rate: m.top1_rate,
        },
        run: Realized::from(&ours),
        projection_optimal: Realized::from(&base),
        top_n: Realized::from(&top_n),
        pit,
    })
}

/// The figures over all contests, with bootstrap intervals over contests.
fn aggregate(
    contests: Vec<ContestReplay>,
    seed: u64,
    fit: Option<ModelFit>,
) -> Result<Replay, OrchestratorError> {
    let n = contests.len() as f64;
    let mean = |f: &dyn Fn(&ContestReplay) -> f64| contests.iter().map(f).sum::<f64>() / n;
    let interval_of = |f: &dyn Fn(&ContestReplay) -> f64| -> Result<Estimate, OrchestratorError> {
        let xs: Vec<f64> = contests.iter().map(f).collect();
        Ok(bootstrap_ci(&xs, None, seed, BOOTSTRAP_RESAMPLES, BOOTSTRAP_LEVEL)?.into())
    };
    let ratio_of = |won: &dyn Fn(&Realized) -> f64,
                    f: &dyn Fn(&ContestReplay) -> &Realized|
     -> Result<Estimate, OrchestratorError> {
        let won: Vec<f64> = contests.iter().map(|c| won(f(c))).collect();
        let fees: Vec<f64> = contests.iter().map(|c| f(c).fees).collect();
        let i = bootstrap_ratio_ci(&won, &fees, seed, BOOTSTRAP_RESAMPLES, BOOTSTRAP_LEVEL)?;
        Ok(Estimate {
            value: i.mean - 1.0,
            lo: i.lo - 1.0,
            hi: i.hi - 1.0,
        })
    };
    let roi_of = |f: &dyn Fn(&ContestReplay) -> &Realized| ratio_of(&|r| r.winnings, f);
    let fees: f64 = contests.iter().map(|c| c.run.fees).sum();
    // Predicted ROIs pooled by fees, as the realized ones are.
    let pooled = |roi: &dyn Fn(&Predicted) -> f64| {
        let won: f64 = contests
            .iter()
            .map(|c| c.run.fees * (1.0 + roi(&c.predicted)))
            .sum();
        if fees > 0.0 { won / fees - 1.0 } else { 0.0 }
    };
    let mut pit = [0u64; PIT_BINS];
    for c in &contests {
        for (a, b) in pit.iter_mut().zip(c.pit) {
            *a += b;
        }
    }
    let better = |f: &dyn Fn(&ContestReplay) -> &Realized| {
        contests
            .iter()
            .filter(|c| c.run.mean_finish_percentile < f(c).mean_finish_percentile)
            .count()
    };
    Ok(Replay {
        bootstrap: (BOOTSTRAP_RESAMPLES, BOOTSTRAP_LEVEL, seed),
        predicted: Predicted {
            roi: pooled(&|p| p.roi),
            capped_roi: pooled(&|p| p.capped_roi),
            cash_rate: mean(&|c| c.predicted.cash_rate),
            mean_finish_percentile: mean(&|c| c.predicted.mean_finish_percentile),
            top1_rate: mean(&|c| c.predicted.top1_rate),
        },
        run_roi: roi_of(&|c| &c.run)?,
        run_capped_roi: ratio_of(&|r| r.capped_winnings, &|c| &c.run)?,
        run_cash_rate: interval_of(&|c| c.run.cash_rate)?,
        run_finish_percentile: interval_of(&|c| c.run.mean_finish_percentile)?,
        run_top1_rate: mean(&|c| c.run.top1_rate),
        projection_optimal_roi: roi_of(&|c| &c.projection_optimal)?,
        projection_optimal_finish_percentile: interval_of(&|c| {
            c.projection_optimal.mean_finish_percentile
        })?,
        top_n_roi: roi_of(&|c| &c.top_n)?,
        top_n_finish_percentile: interval_of(&|c| c.top_n.mean_finish_percentile)?,
        pit,
        run_better_than_optimal_in: better(&|c| &c.projection_optimal),
        run_better_than_top_n_in: better(&|c| &c.top_n),
        fit,
        contests,
    })
}

/// Writes the replay's JSON report to `path` (atomically: a reader never
/// sees half a file).
pub fn write_report(path: &Path, r: &Replay) -> Result<(), OrchestratorError> {
    Ok(pipeline_io::outputs::write_json(path, r)?)
}

/// The replay as plain text: a row per contest, the aggregate with its
/// intervals, predicted against realized, and the PIT histogram.
pub fn replay_table(r: &Replay) -> String {
    use std::fmt::Write;
    let pct = |x: f64| format!("{:+.0}%", 100.0 * x);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<30} {:>8} {:>8} {:>6} {:>5} {:>6} {:>6} | {:>8} {:>6} | {:>8} {:>6}",
        "contest",
        "sim ROI",
        "real ROI",
        "p.cash",
        "cash",
        "pred%",
        "real%",
        "opt ROI",
        "opt%",
        "topN ROI",
        "topN%"
    );
    // name, then: predicted ROI, real ROI, predicted cash, cash, predicted %,
    // real %, optimal ROI, optimal %, top-N ROI, top-N %.
    let row = |out: &mut String, name: &str, x: [f64; 10]| {
        let _ = writeln!(
            out,
            "{:<30} {:>8} {:>8} {:>6.2} {:>5.2} {:>6.3} {:>6.3} | {:>8} {:>6.3} | {:>8} {:>6.3}",
            name,
            pct(x[0]),
            pct(x[1]),
            x[2],
            x[3],
            x[4],
            x[5],
            pct(x[6]),
            x[7],
            pct(x[8]),
            x[9],
        );
    };
    for c in &r.contests {
        let name = Path::new(&c.folder)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        row(
            &mut out,
            &name,
            [
                c.predicted.roi,
                c.run.roi,
                c.predicted.cash_rate,
                c.run.cash_rate,
                c.predicted.mean_finish_percentile,
                c.run.mean_finish_percentile,
                c.projection_optimal.roi,
                c.projection_optimal.mean_finish_percentile,
                c.top_n.roi,
                c.top_n.mean_finish_percentile,
            ],
        );
    }
    row(
        &mut out,
        "all",
        [
            r.predicted.roi,
            r.run_roi.value,
            r.predicted.cash_rate,
            r.run_cash_rate.value,
            r.predicted.mean_finish_percentile,
            r.run_finish_percentile.value,
            r.projection_optimal_roi.value,
            r.projection_optimal_finish_percentile.value,
            r.top_n_roi.value,
            r.top_n_finish_percentile.value,
        ],
    );
    let (resamples, level, seed) = r.bootstrap;
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "predicted vs realized over {} contests ({:.0}% intervals: bootstrap over contests, {resamples} resamples, seed {seed})",
        r.contests.len(),
        100.0 * level
    );
    let versus =
        |out: &mut String, what: &str, predicted: f64, e: &Estimate, f: &dyn Fn(f64) -> String| {
            let inside = (e.lo..=e.hi).contains(&predicted);
            let _ = writeln!(
                out,
                "  {what:<28} predicted {:>7}  realized {:>7}  [{}, {}]{}",
                f(predicted),
                f(e.value),
                f(e.lo),
                f(e.hi),
                if inside { "" } else { "  outside the interval" }
            );
        };
    let pct1 = |x: f64| format!("{:.1}", 100.0 * x);
    versus(&mut out, "ROI (%)", r.predicted.roi, &r.run_roi, &pct1);
    versus(
        &mut out,
        "ROI, prizes capped (%)",
        r.predicted.capped_roi,
        &r.run_capped_roi,
        &pct1,
    );
    versus(
        &mut out,
        "cash rate (%)",
        r.predicted.cash_rate,
        &r.run_cash_rate,
        &pct1,
    );
    let p3 = |x: f64| format!("{x:.3}");
    versus(
        &mut out,
        "mean finish percentile",
        r.predicted.mean_finish_percentile,
        &r.run_finish_percentile,
        &p3,
    );
    let _ = writeln!(
        out,
        "  {:<28} predicted {:>7.1}  realized {:>7.1}",
        "top-1% rate (%)",
        100.0 * r.predicted.top1_rate,
        100.0 * r.run_top1_rate
    );
    let _ = writeln!(
        out,
        "baselines, realized: projection-optimal ROI {} [{}, {}], finish {:.3}; run's top-N ROI {} [{}, {}], finish {:.3}",
        pct(r.projection_optimal_roi.value),
        pct(r.projection_optimal_roi.lo),
        pct(r.projection_optimal_roi.hi),
        r.projection_optimal_finish_percentile.value,
        pct(r.top_n_roi.value),
        pct(r.top_n_roi.lo),
        pct(r.top_n_roi.hi),
        r.top_n_finish_percentile.value,
    );
    let _ = writeln!(
        out,
        "the run's entries finished better than the projection-optimal lineups in {} of {} contests, than its own top-N in {}",
        r.run_better_than_optimal_in,
        r.contests.len(),
        r.run_better_than_top_n_in
    );
    let total: u64 = r.pit.iter().sum();
    let shares: Vec<String> = r
        .pit
        .iter()
        .map(|&k| format!("{:.0}", 100.0 * k as f64 / total.max(1) as f64))
        .collect();
    let _ = writeln!(
        out,
        "PIT (% of {total} entries per predicted decile, 10 each when calibrated; low = finished better than predicted): {}",
        shares.join(" ")
    );
    if let Some(f) = &r.fit {
        let _ = writeln!(
            out,
            "fit on all {} contests: projection_weight {:.3}, field_projection_weight {:.3}, projection_alone_weight {:.3}, std_dev_scale {:.3}, dud_rate {:.3}, field_news {:.4} (real fields' news gain {:+.1} points a lineup), field_strength {:.3} ({} players; lineup spread real {:.1}, simulated {:.1})",
            f.contests,
            f.projection_weight,
            f.field_projection_weight,
            f.projection_alone_weight,
            f.std_dev_scale,
            f.dud_rate,
            f.field_news,
            f.news_gain,
            f.field_strength,
            f.players,
            f.real_spread / f.contests as f64,
            f.simulated_spread / f.contests as f64
        );
    }
    let _ = writeln!(
        out,
        "sim ROI, p.cash, pred%: the run's predictions for its entries; real ROI, cash, real%: its exported entries scored on actual points among the real field (finish percentile 0 = first, 1 = last); opt: the projection-optimal lineups, topN: the run's top-N by simulated ROI, as many."
    );
    out
}
