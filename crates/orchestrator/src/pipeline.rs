//! `run`: the whole pipeline for one slate and contest; `optimize`: lineups only.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use field_sampler::{FieldInput, FieldSampler};
use gpp_sim::{GppSim, SimInput};
use optimizer::{Optimizer, OptimizerInput};
use pipeline_io::config::read_config_in;
use pipeline_io::inputs::{PathScope, builtin_correlations, load_correlations_in, sha256_file};
use pipeline_io::outputs::{
    RunFolder, RunLock, hash_artifacts, write_catalog, write_dk_export, write_entrants, write_json,
    write_jsonl, write_lineups, write_results, write_text,
};
use registry::{RunEnd, RunRecord};
use schemas::{
    CorrelationSource, CorrelationTable, Diagnostics, DiagnosticsReport, Event, EventSink,
    FieldSamplerConfig, FieldSamplerOutput, InputFile, MetricsHead, OptimizerConfig,
    OptimizerOutput, OwnershipRow, PortfolioMetrics, ProgressSink, RunManifest, RunStatus,
    RunSummary, SimConfig, SimOutput, Slate, Stage, StageContext, StageTiming, VariantCatalog,
    VariantCenter, VariantsConfig, stream_seed,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use variants::Variants;

use calibration::ModelFit;

use crate::OrchestratorError;
use crate::catalog::{Home, now};
use crate::integrity;
use crate::report;
use crate::report_html;
use crate::validate::{check_contract, check_field, check_input, check_lineups};

/// What to run: the CLI flags and the API body map one to one onto this.
#[derive(Debug, Clone, Default)]
pub struct RunRequest {
    pub slate: String,
    pub contest: String,
    pub seed: u64,
    pub variants_config: Option<PathBuf>,
    pub optimizer_config: Option<PathBuf>,
    pub sampler_config: Option<PathBuf>,
    pub sim_config: Option<PathBuf>,
    /// Stage configs given as JSON objects instead of files (the HTTP API's
    /// way: a request never names a config file on the server).
    pub inline_configs: InlineConfigs,
    pub tag: Option<String>,
    /// Entries to select, overriding the sim config's `entries` (and the
    /// contest's max entries).
    pub entries: Option<u32>,
    /// A fitted model over the sim config's `projection_weight`,
    /// `field_projection_weight`, `std_dev_scale`, `dud_rate` and
    /// `field_news`: how `dfs backtest --loo` runs a contest
    /// with a model that never saw it. Its `field_strength` is measured, not
    /// applied (the sampler's tilt over-duplicates large slates; see
    /// `configs/field_sampler/default.yaml`).
    pub model: Option<ModelFit>,
}

/// Stage configs as JSON objects, each checked against the same JSON Schema
/// as a config file's contents; `None` leaves the file or the defaults.
#[derive(Debug, Clone, Default)]
pub struct InlineConfigs {
    pub variants: Option<serde_json::Value>,
    pub optimizer: Option<serde_json::Value>,
    pub field_sampler: Option<serde_json::Value>,
    pub sim: Option<serde_json::Value>,
}

/// A finished run: what the CLI prints and the API returns.
#[derive(Debug, Clone)]
pub struct RunOutcome {
    pub summary: RunSummary,
    pub manifest: RunManifest,
    pub metrics: PortfolioMetrics,
    /// Candidate lineups the optimizer built.
    pub candidates: usize,
    /// The sim's top-N baseline (best single-lineup ROI first), as slate rows.
    pub top_n_lineups: Vec<Vec<u32>>,
    /// Unique lineups in the sampled field.
    pub field_unique: u32,
    /// Sampled against projected ownership, mean absolute error in points.
    pub ownership_mae: f64,
}

/// The effective configs of a run.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Configs {
    pub(crate) variants: VariantsConfig,
    pub(crate) optimizer: OptimizerConfig,
    pub(crate) field_sampler: FieldSamplerConfig,
    pub(crate) sim: SimConfig,
    /// The correlation table `sim.correlations` resolves to for the slate
    /// (`None`: players independent).
    #[serde(skip)]
    pub(crate) correlations: Option<CorrelationTable>,
}

/// Stage config files, as a request names them (`None`: the defaults).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct ConfigFiles<'a> {
    pub variants: Option<&'a Path>,
    pub optimizer: Option<&'a Path>,
    pub field_sampler: Option<&'a Path>,
    pub sim: Option<&'a Path>,
}

impl RunRequest {
    fn config_files(&self) -> ConfigFiles<'_> {
        ConfigFiles {
            variants: self.variants_config.as_deref(),
            optimizer: self.optimizer_config.as_deref(),
            field_sampler: self.sampler_config.as_deref(),
            sim: self.sim_config.as_deref(),
        }
    }
}

impl Configs {
    /// Every stage's config from its file, its JSON object or its defaults.
    /// The correlation table is left to [`Configs::resolve_correlations`].
    pub(crate) fn load(
        files: &ConfigFiles<'_>,
        inline: &InlineConfigs,
        scope: &PathScope,
    ) -> Result<Self, OrchestratorError> {
        let configs = Configs {
            variants: load_stage(
                files.variants,
                inline.variants.as_ref(),
                "variants_config",
                scope,
            )?,
            optimizer: load_stage(
                files.optimizer,
                inline.optimizer.as_ref(),
                "optimizer_config",
                scope,
            )?,
            field_sampler: load_stage(
                files.field_sampler,
                inline.field_sampler.as_ref(),
                "field_sampler_config",
                scope,
            )?,
            sim: load_stage(files.sim, inline.sim.as_ref(), "sim_config", scope)?,
            correlations: None,
        };
        if inline.sim.is_some()
            && let CorrelationSource::File(file) = &configs.sim.correlations
        {
            return Err(OrchestratorError::Request(format!(
                "sim_config: correlations {}: a config given as an object cannot name a file; \
                 use builtin or none",
                file.display()
            )));
        }
        Ok(configs)
    }

    /// Resolves `sim.correlations` for the slate's sport (a file is read
    /// relative to the sim config's folder); returns the file read, if any.
    pub(crate) fn resolve_correlations(
        &mut self,
        sim_config: Option<&Path>,
        slate: &Slate,
        scope: &PathScope,
    ) -> Result<Option<InputFile>, OrchestratorError> {
        let (correlations, table_file) =
            correlation_table(&self.sim, sim_config, &slate.rules.sport, scope)?;
        self.correlations = correlations;
        Ok(table_file)
    }
}

/// A stage config from its YAML file, or its defaults when no file is given.
pub(crate) fn load<T: DeserializeOwned + Default>(
    path: Option<&Path>,
    scope: &PathScope,
) -> Result<T, OrchestratorError> {
    Ok(match path {
        Some(p) => read_config_in(p, scope)?,
        None => T::default(),
    })
}

/// A stage config from its file, from its JSON object, or its defaults;
/// `contract` names its JSON Schema, which checks the object.
pub(crate) fn load_stage<T: DeserializeOwned + Default>(
    path: Option<&Path>,
    inline: Option<&serde_json::Value>,
    contract: &str,
    scope: &PathScope,
) -> Result<T, OrchestratorError> {
    match (path, inline) {
        (Some(p), Some(_)) => Err(OrchestratorError::Request(format!(
            "{contract}: given both as the file {} and as an object; give one",
            p.display()
        ))),
        (_, Some(value)) => {
            check_input(contract, value)?;
            serde_json::from_value(value.clone())
                .map_err(|e| OrchestratorError::Request(format!("{contract}: {e}")))
        }
        (path, None) => load(path, scope),
    }
}

/// Hex SHA-256 of a value's canonical JSON.
fn hash_json<T: Serialize>(value: &T) -> String {
    pipeline_io::inputs::sha256_hex(&serde_json::to_vec(value).unwrap_or_default())
}

/// Collects a stage's events for its `logs.jsonl`.
#[derive(Default)]
struct EventLog(Mutex<Vec<Event>>);

impl EventSink for EventLog {
    fn emit(&self, event: Event) {
        if let Ok(mut events) = self.0.lock() {
            events.push(event);
        }
    }
}

impl EventLog {
    fn take(&self) -> Vec<Event> {
        self.0
            .lock()
            .map(|mut e| std::mem::take(&mut *e))
            .unwrap_or_default()
    }
}

/// Runs one stage with its own seed stream and event log, timing it.
struct StageRunner<'a> {
    seed: u64,
    progress: &'a dyn ProgressSink,
    cancel: &'a AtomicBool,
    timings: Vec<StageTiming>,
    seeds: BTreeMap<String, u64>,
    diagnostics: DiagnosticsReport,
}

impl StageRunner<'_> {
    fn run<S: Stage>(
        &mut self,
        stage: &S,
        input: S::Input<'_>,
        config: &S::Config,
    ) -> Result<(S::Output, Vec<Event>), OrchestratorError> {
        if self.cancel.load(Ordering::Relaxed) {
            return Err(schemas::StageError::Cancelled { stage: S::NAME }.into());
        }
        let seed = stream_seed(self.seed, S::NAME, 0);
        let log = EventLog::default();
        let ctx = StageContext {
            seed,
            progress: self.progress,
            events: &log,
            cancel: self.cancel,
        };
        let started = Instant::now();
        let (output, diagnostics): (S::Output, Diagnostics) = stage.run(input, config, &ctx)?;
        self.timings.push(StageTiming {
            stage: S::NAME.to_string(),
            millis: started.elapsed().as_secs_f64() * 1e3,
        });
        self.seeds.insert(S::NAME.to_string(), seed);
        self.diagnostics
            .modules
            .insert(S::NAME.to_string(), diagnostics);
        Ok((output, log.take()))
    }
}

/// Units of work a run reports to its `ProgressSink`, each opened by a
/// `start`: variants, optimizer, field sampler, and the simulator's two
/// passes (candidates against the field, then the selected portfolio).
pub const RUN_PHASES: u64 = 5;

/// Runs the whole pipeline and records it: [`queue_run`], then
/// [`QueuedRun::execute`] at once. Every run ends in a final state:
/// `succeeded` with its folder in place, or `failed` / `cancelled` (the cancel
/// flag was raised) with its staging folder removed.
pub fn run(
    home: &Home,
    req: &RunRequest,
    progress: &dyn ProgressSink,
    cancel: &AtomicBool,
) -> Result<RunOutcome, OrchestratorError> {
    queue_run(home, req)?.execute(home, progress, cancel)
}

/// A run accepted but not started: its slate, contest and configs loaded and
/// checked, its id reserved in the registry as `queued` under its run lock,
/// nothing written. [`QueuedRun::execute`] runs it, [`QueuedRun::cancel`]
/// ends it unstarted. Dropped otherwise, its lock is freed and the next
/// [`Home::open`] ends it `failed`: a run is never left `queued`.
#[derive(Debug)]
pub struct QueuedRun {
    run_id: String,
    lock: RunLock,
    req: RunRequest,
    slate: Slate,
    contest: schemas::Contest,
    configs: Configs,
    config_values: BTreeMap<String, serde_json::Value>,
    config_hashes: BTreeMap<String, String>,
    inputs: Vec<InputFile>,
    created_at: String,
}

/// Checks a run's request, loads its inputs and reserves its id (see
/// [`QueuedRun`]). Every mistake in the request (an unknown slate, a config
/// that breaks its schema) is reported here, before anything is queued.
pub fn queue_run(home: &Home, req: &RunRequest) -> Result<QueuedRun, OrchestratorError> {
    let (slate_rec, contest_rec) = home.registry().resolve(&req.slate, &req.contest)?;
    let scope = home.scope();
    let mut configs = Configs::load(&req.config_files(), &req.inline_configs, scope)?;
    if let Some(n) = req.entries {
        configs.sim.entries = Some(n);
    }
    if let Some(m) = &req.model {
        configs.sim.projection_weight = m.projection_weight;
        configs.sim.field_projection_weight = m.field_projection_weight;
        configs.sim.projection_alone_weight = m.projection_alone_weight;
        configs.sim.std_dev_scale = m.std_dev_scale;
        configs.sim.dud_rate = m.dud_rate;
        configs.sim.field_news = m.field_news;
    }
    let (slate, mut inputs) = home.load_slate(&slate_rec)?;
    let (contest, payouts) = home.load_contest(&contest_rec)?;
    inputs.push(payouts);
    contest.validate()?;
    let table_file = configs.resolve_correlations(req.sim_config.as_deref(), &slate, scope)?;
    inputs.extend(table_file);

    let config_values = config_map(&configs);
    let config_hashes: BTreeMap<String, String> = config_values
        .iter()
        .map(|(k, v)| (k.clone(), hash_json(v)))
        .collect();
    let fingerprint = hash_json(&(req.seed, &config_hashes, &inputs));
    let created_at = now();
    let (run_id, lock) = claim_run_id(home, req, &fingerprint, &created_at)?;
    Ok(QueuedRun {
        run_id,
        lock,
        req: req.clone(),
        slate,
        contest,
        configs,
        config_values,
        config_hashes,
        inputs,
        created_at,
    })
}

impl QueuedRun {
    /// The run's id, fixed when it was queued.
    pub fn run_id(&self) -> &str {
        &self.run_id
    }

    /// Ends the run `cancelled` before it starts; nothing was written.
    pub fn cancel(self, home: &Home) -> Result<(), OrchestratorError> {
        home.registry().finish_run(
            &self.run_id,
            RunEnd::Cancelled("cancelled before it started"),
            &now(),
        )?;
        Ok(())
    }

    /// Runs the stages and records the run (see [`run`]). A run whose row
    /// was ended meanwhile (cancelled while queued) does not start.
    pub fn execute(
        self,
        home: &Home,
        progress: &dyn ProgressSink,
        cancel: &AtomicBool,
    ) -> Result<RunOutcome, OrchestratorError> {
        let QueuedRun {
            run_id,
            lock,
            req,
            slate,
            contest,
            configs,
            config_values,
            config_hashes,
            inputs,
            created_at,
        } = self;
        let req = &req;
        if cancel.load(Ordering::Relaxed) {
            home.registry().finish_run(
                &run_id,
                RunEnd::Cancelled("cancelled before it started"),
                &now(),
            )?;
            return Err(OrchestratorError::Cancelled { run_id });
        }
        match home.registry().start_run(&run_id, &now()) {
            Ok(()) => {}
            Err(registry::RegistryError::RunEnded(_)) => {
                return Err(OrchestratorError::Cancelled { run_id });
            }
            Err(e) => return Err(e.into()),
        }
        let mut folder = None;
        let result = RunFolder::create(lock)
            .map_err(OrchestratorError::from)
            .and_then(|f| {
                let f = folder.insert(f);
                execute(req, &slate, &contest, &configs, f, progress, cancel).and_then(|done| {
                    let manifest = RunManifest {
                        run_id: run_id.clone(),
                        slate_id: slate.id.clone(),
                        contest_id: contest.id.clone(),
                        tag: req.tag.clone(),
                        seed: req.seed,
                        created_at: created_at.clone(),
                        git_sha: option_env!("DFS_GIT_SHA").map(str::to_string),
                        versions: versions(),
                        seeds: done.seeds,
                        config_hashes,
                        configs: config_values,
                        inputs,
                        paths: artifact_paths(),
                        timings: done.timings,
                        metrics_head: MetricsHead {
                            roi_mean: done.metrics.roi_mean,
                            roi_p50: done.metrics.roi_p50,
                            dup_p95: done.metrics.dup_p95,
                        },
                        artifacts: Vec::new(),
                    };
                    let mut outcome = RunOutcome {
                        summary: RunSummary {
                            run_id: run_id.clone(),
                            artifact_path: f.target().to_string_lossy().into_owned(),
                            metrics_head: manifest.metrics_head.clone(),
                        },
                        manifest,
                        metrics: done.metrics,
                        candidates: done.candidates,
                        top_n_lineups: done.top_n_lineups,
                        field_unique: done.field_unique,
                        ownership_mae: done.ownership_mae,
                    };
                    let page = report::RunPage {
                        outcome: &outcome,
                        slate: &slate,
                        contest: &contest,
                        entries: &done.entries,
                        field_ownership: Some(&done.field_ownership),
                    };
                    write_text(
                        &f.path("export/summary.md"),
                        &report::summary_markdown(&page),
                    )?;
                    write_text(
                        &f.path("export/report.html"),
                        &report_html::report_html(&page),
                    )?;
                    // The manifest comes last: it records every other file's size and hash.
                    outcome.manifest.artifacts = hash_artifacts(f.staging(), "manifest.json")?;
                    check_contract("run_manifest", &outcome.manifest)?;
                    write_json(&f.path("manifest.json"), &outcome.manifest)?;
                    if cancel.load(Ordering::Relaxed) {
                        return Err(schemas::StageError::Cancelled { stage: "export" }.into());
                    }
                    // Only this run's owner creates its folder: one already there is a conflict.
                    f.commit().map_err(|e| match e {
                        pipeline_io::IoError::File { .. } => {
                            OrchestratorError::Conflict(e.to_string())
                        }
                        e => e.into(),
                    })?;
                    Ok(outcome)
                })
            });
        // The row is ended while the run lock is still held (the folder holds it),
        // so a sweep for dead owners never sees a finished run as abandoned.
        let ended = match &result {
            Ok(outcome) => home.registry().finish_run(
                &run_id,
                RunEnd::Succeeded(&outcome.summary.metrics_head),
                &now(),
            ),
            Err(e) if cancelled(e, cancel) => {
                home.registry()
                    .finish_run(&run_id, RunEnd::Cancelled(&e.to_string()), &now())
            }
            Err(e) => home
                .registry()
                .finish_run(&run_id, RunEnd::Failed(&e.to_string()), &now()),
        };
        drop(folder);
        match result {
            Ok(outcome) => {
                ended?;
                Ok(outcome)
            }
            // The run's own error is what the caller needs; a registry failure here is secondary.
            Err(e) if cancelled(&e, cancel) => Err(OrchestratorError::Cancelled { run_id }),
            Err(e) => Err(e),
        }
    }
}

/// True when a run stopped because it was asked to.
fn cancelled(e: &OrchestratorError, cancel: &AtomicBool) -> bool {
    cancel.load(Ordering::Relaxed) || e.kind() == crate::ErrorKind::Cancelled
}

/// Picks `YYYYMMDD-HHMMSS-<hash>`, takes its run lock and reserves it in the
/// registry as `running` with this process's pid and host. The hash is of
/// seed, configs and inputs; when the id is taken (an identical run in the
/// same second, in this process or another), the next attempt hashes the same
/// with an attempt number. The registry's primary key decides between
/// processes; the lock tells later sweeps that the owner is alive.
fn claim_run_id(
    home: &Home,
    req: &RunRequest,
    fingerprint: &str,
    started_at: &str,
) -> Result<(String, RunLock), OrchestratorError> {
    let stamp = chrono::Utc::now().format("%Y%m%d-%H%M%S").to_string();
    let runs_dir = home.runs_dir();
    let host = integrity::host_name();
    for attempt in 0u32..256 {
        let hash = if attempt == 0 {
            fingerprint[..8].to_string()
        } else {
            hash_json(&(fingerprint, attempt))[..8].to_string()
        };
        let run_id = format!("{stamp}-{hash}");
        let Some(lock) = RunLock::try_acquire(&runs_dir, &req.slate, &run_id)? else {
            continue;
        };
        let record = RunRecord {
            run_id: run_id.clone(),
            slate_id: req.slate.clone(),
            contest_id: req.contest.clone(),
            tag: req.tag.clone(),
            seed: req.seed,
            status: RunStatus::Queued,
            root: lock.target().to_string_lossy().into_owned(),
            metrics_head: None,
            started_at: started_at.to_string(),
            finished_at: None,
            error: None,
            pid: Some(std::process::id()),
            host: host.clone(),
        };
        if home.registry().reserve_run(&record)? {
            return Ok((run_id, lock));
        }
    }
    Err(OrchestratorError::Conflict(format!(
        "no free run id for stamp {stamp} after 256 attempts"
    )))
}

/// What the stages leave for the manifest and the summary.
struct StagesDone {
    metrics: PortfolioMetrics,
    seeds: BTreeMap<String, u64>,
    timings: Vec<StageTiming>,
    candidates: usize,
    top_n_lineups: Vec<Vec<u32>>,
    field_unique: u32,
    ownership_mae: f64,
    /// The exported entries, in upload order, for the run's pages.
    entries: Vec<report::Entry>,
    /// The sampled field's ownership per player.
    field_ownership: Vec<OwnershipRow>,
}

/// The correlation table the sim config asks for, and the file it came from
/// (for the manifest's inputs): the builtin table of the slate's sport (none
/// for a sport without one), none, or a YAML file, a relative path taken from
/// the sim config file's folder.
fn correlation_table(
    config: &SimConfig,
    config_path: Option<&Path>,
    sport: &str,
    scope: &PathScope,
) -> Result<(Option<CorrelationTable>, Option<InputFile>), OrchestratorError> {
    Ok(match &config.correlations {
        CorrelationSource::Builtin => (builtin_correlations(sport), None),
        CorrelationSource::Independent => (None, None),
        CorrelationSource::File(file) => {
            let path = match config_path.and_then(Path::parent) {
                Some(dir) if file.is_relative() => dir.join(file),
                _ => file.clone(),
            };
            let table = load_correlations_in(&path, scope)?;
            let input = InputFile {
                role: "correlations".into(),
                path: path.to_string_lossy().into_owned(),
                sha256: sha256_file(&path)?,
            };
            (Some(table), Some(input))
        }
    })
}

/// Runs the stages in order, checking and writing each one's artifacts into `folder`.
fn execute(
    req: &RunRequest,
    slate: &Slate,
    contest: &schemas::Contest,
    configs: &Configs,
    folder: &RunFolder,
    progress: &dyn ProgressSink,
    cancel: &AtomicBool,
) -> Result<StagesDone, OrchestratorError> {
    let mut runner = StageRunner {
        seed: req.seed,
        progress,
        cancel,
        timings: Vec::new(),
        seeds: BTreeMap::new(),
        diagnostics: DiagnosticsReport::default(),
    };

    // variants
    let blended;
    let vslate = match configs.variants.center {
        VariantCenter::ModelMean => {
            blended = gpp_sim::blend_means(slate, gpp_sim::MeanWeights::of(&configs.sim));
            &blended
        }
        VariantCenter::Projection => slate,
    };
    let (catalog, events): (VariantCatalog, _) =
        runner.run(&Variants, vslate, &configs.variants)?;
    check_contract("variant_catalog", &catalog)?;
    write_catalog(&folder.path("variants/catalog.parquet"), &catalog)?;
    write_json(
        &folder.path("variants/summary.json"),
        &report::variants_summary(&catalog, &configs.variants),
    )?;
    write_jsonl(&folder.path("variants/logs.jsonl"), &events)?;

    // optimizer
    let (pool, events): (OptimizerOutput, _) = runner.run(
        &Optimizer,
        OptimizerInput {
            slate,
            catalog: &catalog,
        },
        &configs.optimizer,
    )?;
    check_contract("optimizer_output", &pool)?;
    check_lineups(
        slate,
        pool.lineups.iter().map(|l| l.players.as_slice()),
        "optimizer",
    )?;
    write_lineups(&folder.path("optimizer/lineups.parquet"), &pool.lineups)?;
    write_json(
        &folder.path("optimizer/metrics.json"),
        &report::optimizer_metrics(&pool),
    )?;
    write_jsonl(&folder.path("optimizer/logs.jsonl"), &events)?;

    // field sampler
    let entries = configs
        .sim
        .entries
        .unwrap_or(contest.max_entries)
        .min(pool.lineups.len() as u32)
        .max(1);
    let field_size = configs
        .field_sampler
        .field_size
        .unwrap_or_else(|| contest.field_size.saturating_sub(entries).max(1));
    let (field, events): (FieldSamplerOutput, _) = runner.run(
        &FieldSampler,
        FieldInput { slate, field_size },
        &configs.field_sampler,
    )?;
    check_contract("field_sampler_output", &field)?;
    check_field(slate, &field, field_size)?;
    write_entrants(
        &folder.path("field_sampler/entrants.parquet"),
        &field.entrants,
    )?;
    write_json(
        &folder.path("field_sampler/telemetry.json"),
        &field.telemetry,
    )?;
    write_json(
        &folder.path("field_sampler/metrics.json"),
        &report::field_metrics(&field),
    )?;
    write_jsonl(&folder.path("field_sampler/logs.jsonl"), &events)?;

    // gpp-sim: metrics and selection
    let (sim, events): (SimOutput, _) = runner.run(
        &GppSim,
        SimInput {
            slate,
            contest,
            candidates: &pool.lineups,
            field: &field.entrants,
            entries,
            correlations: configs.correlations.as_ref(),
            groups: None,
        },
        &configs.sim,
    )?;
    check_contract("sim_output", &sim)?;
    write_results(&folder.path("sim/results.parquet"), &sim.results)?;
    write_json(&folder.path("sim/metrics.json"), &sim.metrics)?;
    write_jsonl(&folder.path("sim/logs.jsonl"), &events)?;

    // export: the selected entries as DraftKings' upload file
    let entries: Vec<report::Entry> = sim
        .selected
        .iter()
        .filter_map(|&id| {
            let lineup = pool.lineups.get(id as usize)?;
            let field_copies = sim
                .results
                .iter()
                .find(|r| r.lineup_id == id)
                .map_or(0, |r| r.field_copies);
            Some(report::Entry {
                lineup: lineup.clone(),
                field_copies,
            })
        })
        .collect();
    let selected: Vec<&[u32]> = entries
        .iter()
        .map(|e| e.lineup.players.as_slice())
        .collect();
    if selected.len() != sim.selected.len() {
        return Err(OrchestratorError::Boundary {
            stage: "sim".into(),
            message: "selected a lineup id that is not in the pool".into(),
        });
    }
    check_lineups(slate, selected.iter().copied(), "export")?;
    write_dk_export(&folder.path("optimizer/dk_export.csv"), slate, &selected)?;

    check_contract("diagnostics", &runner.diagnostics)?;
    write_json(&folder.path("diagnostics.json"), &runner.diagnostics)?;
    Ok(StagesDone {
        seeds: runner.seeds,
        timings: runner.timings,
        candidates: pool.lineups.len(),
        top_n_lineups: sim
            .metrics
            .top_n_baseline
            .lineups
            .iter()
            .filter_map(|&id| pool.lineups.get(id as usize))
            .map(|l| l.players.clone())
            .collect(),
        field_unique: u32::try_from(field.telemetry.duplication.unique_lineups).unwrap_or(u32::MAX),
        ownership_mae: field.telemetry.ownership_mae,
        metrics: sim.metrics,
        entries,
        field_ownership: field.telemetry.ownership,
    })
}

fn config_map(c: &Configs) -> BTreeMap<String, serde_json::Value> {
    let mut m = BTreeMap::new();
    let mut put = |k: &str, v: serde_json::Result<serde_json::Value>| {
        m.insert(k.to_string(), v.unwrap_or(serde_json::Value::Null));
    };
    put(Variants::NAME, serde_json::to_value(&c.variants));
    put(Optimizer::NAME, serde_json::to_value(&c.optimizer));
    put(FieldSampler::NAME, serde_json::to_value(&c.field_sampler));
    put(GppSim::NAME, serde_json::to_value(&c.sim));
    m
}

fn versions() -> BTreeMap<String, String> {
    let v = env!("CARGO_PKG_VERSION").to_string();
    [
        "schemas",
        "pipeline-io",
        "registry",
        "variants",
        "optimizer",
        "field-sampler",
        "gpp-sim",
        "orchestrator",
    ]
    .into_iter()
    .map(|m| (m.to_string(), v.clone()))
    .collect()
}

/// Artifact name -> path inside the run folder (DESIGN.md section 5).
fn artifact_paths() -> BTreeMap<String, String> {
    [
        ("manifest", "manifest.json"),
        ("diagnostics", "diagnostics.json"),
        ("variant_catalog", "variants/catalog.parquet"),
        ("variant_summary", "variants/summary.json"),
        ("lineups", "optimizer/lineups.parquet"),
        ("dk_export", "optimizer/dk_export.csv"),
        ("optimizer_metrics", "optimizer/metrics.json"),
        ("entrants", "field_sampler/entrants.parquet"),
        ("field_telemetry", "field_sampler/telemetry.json"),
        ("field_metrics", "field_sampler/metrics.json"),
        ("results", "sim/results.parquet"),
        ("sim_metrics", "sim/metrics.json"),
        ("summary", "export/summary.md"),
        ("report", "export/report.html"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

/// Lineups only: the best `lineups` lineups for the base projection, as a DK upload CSV.
#[derive(Debug, Clone)]
pub struct OptimizeRequest {
    pub slate: String,
    pub lineups: u32,
    pub optimizer_config: Option<PathBuf>,
    pub out: PathBuf,
}

/// Builds lineups for the base projection and writes them as DraftKings' upload CSV.
pub fn optimize(
    home: &Home,
    req: &OptimizeRequest,
    progress: &dyn ProgressSink,
    cancel: &AtomicBool,
) -> Result<OptimizerOutput, OrchestratorError> {
    if req.lineups == 0 {
        return Err(OrchestratorError::Request(
            "--lineups must be at least 1".into(),
        ));
    }
    let record = home.registry().slate(&req.slate)?.ok_or_else(|| {
        registry::RegistryError::UnknownSlate {
            id: req.slate.clone(),
            known: home
                .slates()
                .map(|s| s.into_iter().map(|s| s.id).collect::<Vec<_>>().join(", "))
                .unwrap_or_default(),
        }
    })?;
    let (slate, _) = home.load_slate(&record)?;
    let mut config: OptimizerConfig = load(req.optimizer_config.as_deref(), home.scope())?;
    config.lineups_per_variant = req.lineups;
    let ctx_seed = 0;
    let mut runner = StageRunner {
        seed: ctx_seed,
        progress,
        cancel,
        timings: Vec::new(),
        seeds: BTreeMap::new(),
        diagnostics: DiagnosticsReport::default(),
    };
    // The plain optimizer: the projections as they are.
    let base = VariantsConfig {
        count: 1,
        randomness: 0.0,
        center: VariantCenter::Projection,
    };
    let (catalog, _) = runner.run(&Variants, &slate, &base)?;
    let (pool, _) = runner.run(
        &Optimizer,
        OptimizerInput {
            slate: &slate,
            catalog: &catalog,
        },
        &config,
    )?;
    check_lineups(
        &slate,
        pool.lineups.iter().map(|l| l.players.as_slice()),
        "optimizer",
    )?;
    let lineups: Vec<&[u32]> = pool.lineups.iter().map(|l| l.players.as_slice()).collect();
    write_dk_export(&req.out, &slate, &lineups)?;
    Ok(pool)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn correlation_tables_resolve_builtin_none_and_files() {
        let mut config = SimConfig::default();
        let (table, file) = correlation_table(&config, None, "NFL", &PathScope::Anywhere).unwrap();
        assert_eq!(table.unwrap().sport, "NFL");
        assert!(file.is_none());
        let (table, _) = correlation_table(&config, None, "MLB", &PathScope::Anywhere).unwrap();
        assert!(table.is_none(), "no builtin table: independent");
        config.correlations = CorrelationSource::Independent;
        assert!(
            correlation_table(&config, None, "NFL", &PathScope::Anywhere)
                .unwrap()
                .0
                .is_none()
        );

        // A relative file is taken from the sim config's folder.
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("tables")).unwrap();
        let yaml = "sport: NFL\npositions: [QB, WR]\nsame_team: {QB: {WR: 0.5}}\n";
        std::fs::write(dir.path().join("tables/mine.yaml"), yaml).unwrap();
        config.correlations = CorrelationSource::File("tables/mine.yaml".into());
        let sim_yaml = dir.path().join("sim.yaml");
        let (table, file) =
            correlation_table(&config, Some(&sim_yaml), "NFL", &PathScope::Anywhere).unwrap();
        let table = table.unwrap();
        assert_eq!(
            table.coefficient(schemas::PairKind::SameTeam, "WR", "QB"),
            0.5
        );
        let file = file.unwrap();
        assert_eq!(file.role, "correlations");
        assert_eq!(
            file.sha256,
            pipeline_io::inputs::sha256_hex(yaml.as_bytes())
        );

        // A missing file is an error naming it.
        config.correlations = CorrelationSource::File("tables/absent.yaml".into());
        let err = correlation_table(&config, Some(&sim_yaml), "NFL", &PathScope::Anywhere)
            .unwrap_err()
            .to_string();
        assert!(err.contains("absent.yaml"), "{err}");
    }
}
