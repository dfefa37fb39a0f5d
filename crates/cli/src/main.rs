//! `dfs`: the command-line face of the pipeline. Parses flags, calls the
//! orchestrator, prints results. No pipeline logic lives here.

mod progress;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand};
use orchestrator::{
    BacktestRequest, ContestImport, ErrorKind, FieldCompareRequest, Home, OptimizeRequest,
    OrchestratorError, RunRequest, SlateImport, comparison_table, export_schemas, summary_table,
};
use serde_json::json;

/// Writes a line to stdout, passing a write error (a closed pipe) up as an
/// error instead of panicking as `println!` does.
macro_rules! outln {
    ($($arg:tt)*) => {
        writeln!(std::io::stdout().lock(), $($arg)*)?
    };
}

/// Writes to stdout without a newline; see [`outln`].
macro_rules! out {
    ($($arg:tt)*) => {
        write!(std::io::stdout().lock(), $($arg)*)?
    };
}

/// DraftKings GPP toolkit: variants, exact optimizer, field sampler, contest simulator.
#[derive(Debug, Parser)]
#[command(name = "dfs", version, about)]
struct Cli {
    /// Data root holding dfs.sqlite, slates/, contests/ and runs/.
    #[arg(long, global = true, env = "DFS_HOME", default_value = ".")]
    root: PathBuf,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the whole pipeline for a slate and a contest.
    Run(RunArgs),
    /// Build lineups for the base projection and write them as a DraftKings upload CSV.
    Optimize(OptimizeArgs),
    /// Import and list slates.
    #[command(subcommand)]
    Slates(SlatesCommand),
    /// Import and list contests.
    #[command(subcommand)]
    Contests(ContestsCommand),
    /// List and show runs.
    #[command(subcommand)]
    Runs(RunsCommand),
    /// JSON Schemas of every contract.
    #[command(subcommand)]
    Schemas(SchemasCommand),
    /// Field-sampler checks against real contests.
    #[command(subcommand)]
    Field(FieldCommand),
    /// Your DraftKings entries (DKEntries.csv).
    #[command(subcommand)]
    Entries(EntriesCommand),
    /// After the first lock: keep every started player in his slot and
    /// complete each entry with the best players still to play; writes the
    /// edit upload.
    Lateswap(LateswapArgs),
    /// The registry database (dfs.sqlite).
    #[command(subcommand)]
    Registry(RegistryCommand),
    /// Replay real contests: run the pipeline on each contest folder (salary
    /// pool, projections, payout table, FINAL standings), then score the
    /// exported entries and the projection-optimal lineups on actual points
    /// among the real field, next to what the run predicted.
    Backtest(BacktestArgs),
}

#[derive(Debug, Args)]
struct BacktestArgs {
    /// Contest folders (files are told apart by their headers).
    #[arg(long, num_args = 1.., required = true)]
    contests: Vec<PathBuf>,
    #[arg(long, default_value_t = 1337)]
    seed: u64,
    /// Entries to submit in each contest.
    #[arg(long, default_value_t = 20)]
    entries: u32,
    #[command(flatten)]
    configs: ConfigFlags,
    /// Run each contest with the model (projection weight, std dev scale, dud
    /// rate, field strength) fitted on the other contests: out-of-sample figures.
    #[arg(long)]
    loo: bool,
    /// Also write the report as JSON to this file.
    #[arg(long)]
    out: Option<PathBuf>,
    #[arg(long)]
    json: bool,
}

/// The stage config files of a run (YAML; defaults where absent).
#[derive(Debug, Args)]
struct ConfigFlags {
    #[arg(long)]
    variants_config: Option<PathBuf>,
    #[arg(long)]
    optimizer_config: Option<PathBuf>,
    #[arg(long)]
    sampler_config: Option<PathBuf>,
    #[arg(long)]
    sim_config: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
enum RegistryCommand {
    /// Re-create the registry from the folders under the root: slates and
    /// contests from their record files, runs from their verified manifests.
    Rebuild {
        /// Replace a registry that still has rows (kept beside as a .bak file).
        #[arg(long)]
        force: bool,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
enum EntriesCommand {
    /// Fill a DKEntries.csv with runs' selected lineups, as the edit upload
    /// DraftKings takes back (Upload > Edit entries).
    Fill {
        /// The DKEntries.csv downloaded after entering the contest(s).
        #[arg(long)]
        entries: PathBuf,
        /// A run whose lineups fill the entries of its contest (repeat for a
        /// file of several contests).
        #[arg(long = "run", value_name = "RUN_ID", num_args = 1.., required = true)]
        runs: Vec<String>,
        /// Which run fills a contest of the file, by DraftKings Contest ID.
        #[arg(long, value_name = "CONTEST_ID=RUN_ID", value_parser = orchestrator::parse_contest_run)]
        map: Vec<(String, String)>,
        /// Fill what can be filled when a contest has more entries than lineups, or fewer.
        #[arg(long)]
        allow_partial: bool,
        /// Where to write the upload (default: beside the input, `-filled` added).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Print what was filled as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Score the file's complete entries on actual points among a real
    /// contest's field (its FINAL standings), as `dfs runs backtest` does.
    Score {
        #[arg(long)]
        entries: PathBuf,
        #[arg(long)]
        slate: String,
        #[arg(long)]
        contest: String,
        /// Contest-standings CSV (FINAL export).
        #[arg(long)]
        standings: PathBuf,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Args)]
struct LateswapArgs {
    /// The DKEntries.csv downloaded after the first lock.
    #[arg(long)]
    entries: PathBuf,
    /// The slate of the file's contests.
    #[arg(long)]
    slate: String,
    /// The contest the entries are in (its payouts and field; needed by simulation).
    #[arg(long)]
    contest: Option<String>,
    /// Seeds the simulation, as a run's seed.
    #[arg(long, default_value_t = 1337)]
    seed: u64,
    /// Stage configs as for a run: the optimizer's rules (exposure, overlap,
    /// salary, stacks, locks, excludes) always, the others by simulation.
    #[command(flatten)]
    configs: ConfigFlags,
    /// How completions are chosen: `simulation` (simulated payout among the
    /// sampled field, as a run chooses its entries) or `projection` (the plain
    /// optimizer's choice).
    #[arg(long, value_enum, default_value = "simulation")]
    by: SwapByArg,
    /// Where to write the upload (default: beside the input, `-swapped` added).
    #[arg(long)]
    out: Option<PathBuf>,
    /// Print the swaps as JSON.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum SwapByArg {
    Simulation,
    Projection,
}

/// `stem-suffix.csv` beside `path`.
fn beside(path: &std::path::Path, suffix: &str) -> PathBuf {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "DKEntries".into());
    path.with_file_name(format!("{stem}-{suffix}.csv"))
}

#[derive(Debug, Subcommand)]
enum FieldCommand {
    /// Sample a field for a slate and compare its duplication and ownership with
    /// a real DraftKings contest-standings export.
    Compare {
        /// Contest-standings CSV (FINAL export).
        #[arg(long)]
        standings: PathBuf,
        #[arg(long)]
        slate: String,
        #[arg(long)]
        contest: String,
        #[arg(long)]
        sampler_config: Option<PathBuf>,
        #[arg(long, default_value_t = 1337)]
        seed: u64,
        /// Print the comparison as JSON.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Args)]
struct RunArgs {
    #[arg(long)]
    slate: String,
    #[arg(long)]
    contest: String,
    #[arg(long, default_value_t = 1337)]
    seed: u64,
    #[command(flatten)]
    configs: ConfigFlags,
    #[arg(long)]
    tag: Option<String>,
    /// Print one JSON object {run_id, artifact_path, metrics_head}.
    #[arg(long)]
    json: bool,
}

#[derive(Debug, Args)]
struct OptimizeArgs {
    #[arg(long)]
    slate: String,
    #[arg(long, default_value_t = 20)]
    lineups: u32,
    #[arg(long)]
    optimizer_config: Option<PathBuf>,
    /// Where to write the upload CSV.
    #[arg(long, default_value = "dk_upload.csv")]
    out: PathBuf,
}

#[derive(Debug, Subcommand)]
enum SlatesCommand {
    /// Import a DraftKings salary file (DKSalaries.csv or DKEntries.csv), with projections.
    Import {
        #[arg(long)]
        id: String,
        #[arg(long)]
        salaries: PathBuf,
        #[arg(long)]
        projections: Option<PathBuf>,
        /// nba, nfl, nba-showdown or nfl-showdown (detected from positions and CPT rows when absent).
        #[arg(long)]
        sport: Option<String>,
    },
    /// List imported slates.
    List {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
enum ContestsCommand {
    /// Import a payout table (Place,Payout,Field Size,Entry Fee).
    Import {
        #[arg(long)]
        id: String,
        #[arg(long)]
        payouts: PathBuf,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        max_entries: Option<u32>,
    },
    /// List imported contests.
    List {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
enum RunsCommand {
    /// List runs, newest first.
    List {
        #[arg(long)]
        slate: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Show one run.
    Show {
        run_id: String,
        #[arg(long)]
        json: bool,
    },
    /// Check finished runs' files against the sizes and SHA-256 their
    /// manifests record (every succeeded run when no id is given).
    Verify {
        run_id: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Score a run's exported entries on a real contest's actual points and
    /// pay them among its real field: the realized ROI next to the simulated.
    Backtest {
        run_id: String,
        /// Contest-standings CSV of the slate (FINAL export).
        #[arg(long)]
        standings: PathBuf,
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
enum SchemasCommand {
    /// Write every contract's JSON Schema into a folder.
    Export {
        #[arg(long, default_value = "schemas")]
        dir: PathBuf,
    },
}

impl Command {
    /// True when the command was asked for JSON output: errors are JSON too.
    fn json(&self) -> bool {
        match self {
            Command::Run(a) => a.json,
            Command::Backtest(a) => a.json,
            Command::Slates(SlatesCommand::List { json })
            | Command::Contests(ContestsCommand::List { json })
            | Command::Runs(
                RunsCommand::List { json, .. }
                | RunsCommand::Show { json, .. }
                | RunsCommand::Verify { json, .. }
                | RunsCommand::Backtest { json, .. },
            )
            | Command::Field(FieldCommand::Compare { json, .. })
            | Command::Entries(EntriesCommand::Fill { json, .. })
            | Command::Lateswap(LateswapArgs { json, .. })
            | Command::Entries(EntriesCommand::Score { json, .. })
            | Command::Registry(RegistryCommand::Rebuild { json, .. }) => *json,
            Command::Optimize(_)
            | Command::Slates(SlatesCommand::Import { .. })
            | Command::Contests(ContestsCommand::Import { .. })
            | Command::Schemas(_) => false,
        }
    }
}

/// A command that ran but found problems (`dfs runs verify`): exit code only,
/// the report is already printed.
#[derive(Debug)]
struct Reported(ErrorKind);

impl std::fmt::Display for Reported {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.0.as_str())
    }
}

impl std::error::Error for Reported {}

/// The kind of an error anywhere in the chain; anything unknown is internal.
fn kind_of(e: &anyhow::Error) -> ErrorKind {
    e.chain()
        .find_map(|c| {
            c.downcast_ref::<OrchestratorError>()
                .map(OrchestratorError::kind)
                .or_else(|| c.downcast_ref::<Reported>().map(|r| r.0))
        })
        .unwrap_or(ErrorKind::Internal)
}

/// True when the error is a write to a closed stdout (`dfs ... | head -1`).
fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let json = cli.command.json();
    match dispatch(cli) {
        Ok(()) => ExitCode::SUCCESS,
        // The reader went away: whatever was done (a run saved) stays done.
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            let kind = kind_of(&e);
            if e.downcast_ref::<Reported>().is_none() {
                if json {
                    let body = json!({"error": kind.as_str(), "detail": format!("{e:#}")});
                    let _ = writeln!(std::io::stdout().lock(), "{body}");
                } else {
                    eprintln!("error: {e:#}");
                }
            }
            ExitCode::from(kind.exit_code())
        }
    }
}

fn print_json(value: &impl serde::Serialize) -> Result<()> {
    outln!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}

/// The cancel flag the stages watch, raised by Ctrl-C (SIGINT) or SIGTERM;
/// a second signal ends the process at once (exit 130).
fn cancel_on_signals() -> Result<Arc<AtomicBool>> {
    let cancel = Arc::new(AtomicBool::new(false));
    for signal in [signal_hook::consts::SIGINT, signal_hook::consts::SIGTERM] {
        signal_hook::flag::register_conditional_shutdown(signal, 130, cancel.clone())
            .context("cannot install the signal handler")?;
        signal_hook::flag::register(signal, cancel.clone())
            .context("cannot install the signal handler")?;
    }
    Ok(cancel)
}

fn dispatch(cli: Cli) -> Result<()> {
    if let Command::Schemas(SchemasCommand::Export { dir }) = &cli.command {
        for path in export_schemas(dir)? {
            outln!("{}", path.display());
        }
        return Ok(());
    }
    if let Command::Registry(RegistryCommand::Rebuild { force, json }) = &cli.command {
        let r = orchestrator::rebuild_registry(&cli.root, *force)?;
        if *json {
            print_json(&r)?;
        } else {
            if let Some(previous) = &r.previous {
                outln!("previous registry kept as {previous}");
            }
            outln!(
                "registry rebuilt: {} slates, {} contests, {} runs",
                r.slates.len(),
                r.contests.len(),
                r.runs.len()
            );
            for s in &r.skipped {
                outln!("  skipped {s}");
            }
        }
        return Ok(());
    }
    let cancel = cancel_on_signals()?;
    let home = Home::open(&cli.root)
        .with_context(|| format!("cannot open data root {}", cli.root.display()))?;
    match cli.command {
        Command::Run(a) => {
            let req = RunRequest {
                slate: a.slate,
                contest: a.contest,
                seed: a.seed,
                variants_config: a.configs.variants_config,
                optimizer_config: a.configs.optimizer_config,
                sampler_config: a.configs.sampler_config,
                sim_config: a.configs.sim_config,
                inline_configs: Default::default(),
                tag: a.tag,
                entries: None,
                model: None,
            };
            let bar = progress::RunBar::new(!a.json);
            let outcome = orchestrator::run(&home, &req, &bar.sink(), &cancel)?;
            bar.finish();
            if a.json {
                print_json(&outcome.summary)?;
            } else {
                out!("{}", summary_table(&outcome));
            }
        }
        Command::Optimize(a) => {
            let req = OptimizeRequest {
                slate: a.slate,
                lineups: a.lineups,
                optimizer_config: a.optimizer_config,
                out: a.out,
            };
            let bars = progress::Bars::new(true);
            let pool = orchestrator::optimize(&home, &req, &bars, &cancel)?;
            bars.finish();
            outln!(
                "{} lineups written to {}",
                pool.lineups.len(),
                req.out.display()
            );
        }
        Command::Slates(SlatesCommand::Import {
            id,
            salaries,
            projections,
            sport,
        }) => {
            let (record, report) = home.import_slate(&SlateImport {
                id,
                salaries,
                projections,
                sport,
            })?;
            outln!(
                "slate {} imported: {} players, sport {}",
                record.id,
                record.players,
                record.sport
            );
            if record.projections_path.is_some() {
                outln!(
                    "projections: {} rows matched ({} by id, {} by name + team, {} by name, {} defenses)",
                    report.matched(),
                    report.by_id,
                    report.by_name_team,
                    report.by_name_only,
                    report.by_defense_team
                );
                for u in &report.unmatched_projections {
                    outln!(
                        "  unmatched projection row {}: {} ({}): {}",
                        u.row,
                        u.name,
                        u.team.as_deref().unwrap_or("?"),
                        u.reason
                    );
                }
                for p in &report.players_without_projection {
                    outln!(
                        "  no projection for salary row {}: {} ({}, {}): AvgPointsPerGame used",
                        p.row,
                        p.name,
                        p.team,
                        p.dk_id
                    );
                }
            }
        }
        Command::Slates(SlatesCommand::List { json }) => {
            let slates = home.slates()?;
            if json {
                print_json(&slates)?;
            } else {
                outln!("{:<24} {:<12} {:>7}  imported", "id", "sport", "players");
                for s in slates {
                    outln!(
                        "{:<24} {:<12} {:>7}  {}",
                        s.id,
                        s.sport,
                        s.players,
                        s.imported_at
                    );
                }
            }
        }
        Command::Contests(ContestsCommand::Import {
            id,
            payouts,
            name,
            max_entries,
        }) => {
            let c = home.import_contest(&ContestImport {
                id,
                payouts,
                name,
                max_entries,
            })?;
            outln!(
                "contest {} imported: {} entries at ${:.2}, prize pool ${:.2}, max {} entries",
                c.id,
                c.field_size,
                c.entry_fee,
                c.prize_pool,
                c.max_entries
            );
        }
        Command::Contests(ContestsCommand::List { json }) => {
            let contests = home.contests()?;
            if json {
                print_json(&contests)?;
            } else {
                outln!(
                    "{:<28} {:>8} {:>8} {:>11} {:>5}  name",
                    "id",
                    "entries",
                    "fee",
                    "prize pool",
                    "max"
                );
                for c in contests {
                    outln!(
                        "{:<28} {:>8} {:>8.2} {:>11.2} {:>5}  {}",
                        c.id,
                        c.field_size,
                        c.entry_fee,
                        c.prize_pool,
                        c.max_entries,
                        c.name
                    );
                }
            }
        }
        Command::Runs(RunsCommand::List { slate, json }) => {
            let runs = home.runs(slate.as_deref())?;
            if json {
                print_json(&runs)?;
            } else {
                outln!(
                    "{:<26} {:<18} {:<24} {:<10} {:>9} {:>9}  tag",
                    "run_id",
                    "slate",
                    "contest",
                    "status",
                    "roi_mean",
                    "dup_p95"
                );
                for r in runs {
                    let (roi, dup) = r
                        .metrics_head
                        .as_ref()
                        .map(|m| (format!("{:+.3}", m.roi_mean), format!("{:.1}", m.dup_p95)))
                        .unwrap_or_default();
                    outln!(
                        "{:<26} {:<18} {:<24} {:<10} {:>9} {:>9}  {}",
                        r.run_id,
                        r.slate_id,
                        r.contest_id,
                        r.status.as_str(),
                        roi,
                        dup,
                        r.tag.as_deref().unwrap_or("")
                    );
                }
            }
        }
        Command::Runs(RunsCommand::Verify { run_id, json }) => {
            let checks = home.verify_runs(run_id.as_deref())?;
            let damaged = checks.iter().filter(|c| c.problem.is_some()).count();
            if json {
                print_json(&checks)?;
            } else {
                for c in &checks {
                    match &c.problem {
                        None => outln!("ok       {} ({} files)", c.run_id, c.artifacts),
                        Some(p) => outln!("DAMAGED  {p}"),
                    }
                }
                outln!("{} runs checked, {damaged} damaged", checks.len());
            }
            if damaged > 0 {
                return Err(Reported(ErrorKind::Conflict).into());
            }
        }
        Command::Runs(RunsCommand::Show { run_id, json }) => {
            let r = home.verified_run(&run_id)?;
            if json {
                print_json(&r)?;
            } else {
                let head = r.metrics_head.as_ref().map(
                    |m| json!({"roi_mean": m.roi_mean, "roi_p50": m.roi_p50, "dup_p95": m.dup_p95}),
                );
                outln!("run_id       {}", r.run_id);
                outln!("slate        {}", r.slate_id);
                outln!("contest      {}", r.contest_id);
                outln!("status       {}", r.status.as_str());
                outln!("seed         {}", r.seed);
                outln!("tag          {}", r.tag.as_deref().unwrap_or("-"));
                outln!("artifacts    {}", r.root);
                outln!("started      {}", r.started_at);
                outln!("finished     {}", r.finished_at.as_deref().unwrap_or("-"));
                if let Some(h) = head {
                    outln!("metrics_head {h}");
                }
                if let Some(e) = &r.error {
                    outln!("error        {e}");
                }
            }
        }
        Command::Runs(RunsCommand::Backtest {
            run_id,
            standings,
            json,
        }) => {
            let b = orchestrator::backtest(&home, &BacktestRequest { run_id, standings })?;
            if json {
                print_json(&b)?;
            } else {
                out!("{}", orchestrator::backtest_table(&b));
            }
        }
        Command::Entries(EntriesCommand::Fill {
            entries,
            runs,
            map,
            allow_partial,
            out,
            json,
        }) => {
            let out = out.unwrap_or_else(|| beside(&entries, "filled"));
            let filled = orchestrator::fill(
                &home,
                &orchestrator::FillRequest {
                    entries,
                    runs,
                    map,
                    allow_partial,
                    out,
                },
            )?;
            if json {
                print_json(&filled)?;
            } else {
                for c in &filled.contests {
                    outln!(
                        "contest {} ({}): {} of {} entries filled from run {} ({} lineups)",
                        c.contest_id,
                        c.contest_name,
                        c.filled,
                        c.entries,
                        c.run_id,
                        c.lineups
                    );
                }
                outln!(
                    "upload {} on DraftKings (Lineups > Upload > Edit entries)",
                    filled.out
                );
            }
        }
        Command::Entries(EntriesCommand::Score {
            entries,
            slate,
            contest,
            standings,
            json,
        }) => {
            let scored = orchestrator::score_entries(
                &home,
                &orchestrator::EntriesScoreRequest {
                    entries,
                    slate,
                    contest,
                    standings,
                },
            )?;
            if json {
                print_json(&scored)?;
            } else {
                outln!(
                    "{} entries: ROI {:+.1}%, {} cashed, best place {}, mean finish percentile {:.3} (0 = first), actual points p50 {:.2}",
                    scored.entries,
                    scored.realized_roi * 100.0,
                    scored.cashed,
                    scored.best_place,
                    scored.mean_finish_percentile,
                    scored.ours.p50
                );
            }
        }
        Command::Lateswap(a) => {
            let out = a.out.unwrap_or_else(|| beside(&a.entries, "swapped"));
            let swapped = orchestrator::late_swap(
                &home,
                &orchestrator::LateSwapRequest {
                    entries: a.entries,
                    slate: a.slate,
                    contest: a.contest,
                    seed: a.seed,
                    variants_config: a.configs.variants_config,
                    optimizer_config: a.configs.optimizer_config,
                    sampler_config: a.configs.sampler_config,
                    sim_config: a.configs.sim_config,
                    inline_configs: orchestrator::InlineConfigs::default(),
                    by: match a.by {
                        SwapByArg::Simulation => orchestrator::SwapBy::Simulation,
                        SwapByArg::Projection => orchestrator::SwapBy::Projection,
                    },
                    out,
                },
            )?;
            if a.json {
                print_json(&swapped)?;
            } else {
                out!("{}", orchestrator::late_swap_table(&swapped));
                outln!(
                    "upload {} on DraftKings (Lineups > Upload > Edit entries)",
                    swapped.out
                );
            }
        }
        Command::Field(FieldCommand::Compare {
            standings,
            slate,
            contest,
            sampler_config,
            seed,
            json,
        }) => {
            let req = FieldCompareRequest {
                standings,
                slate,
                contest,
                sampler_config,
                seed,
            };
            let bars = progress::Bars::new(!json);
            let comparison = orchestrator::field_compare(&home, &req, &bars, &cancel)?;
            bars.finish();
            if json {
                print_json(&comparison)?;
            } else {
                out!("{}", comparison_table(&comparison));
            }
        }
        Command::Backtest(a) => {
            let req = orchestrator::ReplayRequest {
                contests: a.contests,
                seed: a.seed,
                variants_config: a.configs.variants_config,
                optimizer_config: a.configs.optimizer_config,
                sampler_config: a.configs.sampler_config,
                sim_config: a.configs.sim_config,
                entries: a.entries,
                loo: a.loo,
            };
            let bars = progress::Bars::new(!a.json);
            let replay = orchestrator::replay(&home, &req, &bars, &cancel)?;
            bars.finish();
            if let Some(path) = &a.out {
                orchestrator::write_report(path, &replay)?;
            }
            if a.json {
                print_json(&replay)?;
            } else {
                out!("{}", orchestrator::replay_table(&replay));
            }
        }
        Command::Schemas(_) | Command::Registry(_) => {}
    }
    Ok(())
}
