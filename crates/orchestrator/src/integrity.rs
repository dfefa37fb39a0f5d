//! Nothing lost, nothing leaked: runs whose owner died are ended, finished
//! run folders are checked against their manifests, and a lost registry is
//! rebuilt from the folders.

use std::path::{Path, PathBuf};

use pipeline_io::outputs::{RunLock, staged_runs, verify_artifacts};
use registry::{ContestRecord, Registry, RunEnd, RunRecord, SlateRecord};
use schemas::{RunManifest, RunStatus};
use serde::Serialize;

use crate::OrchestratorError;
use crate::catalog::{
    CONTEST_RECORD, Home, SLATE_RECORD, build, contest_record, now, slate_record,
};

/// Host name of this machine, recorded with a running run beside its pid.
pub(crate) fn host_name() -> Option<String> {
    ["/proc/sys/kernel/hostname", "/etc/hostname"]
        .iter()
        .find_map(|p| std::fs::read_to_string(p).ok())
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok())
}

/// Ends the runs whose owning process is gone: each `queued` or `running`
/// row whose run lock can be taken. A queued one becomes `failed` (its owner
/// stopped before a worker took it). A run that had already renamed its folder into place is
/// kept as `succeeded` when its folder verifies; any other becomes `failed`
/// with the reason, and its staging folder is removed. Staging folders with no
/// live owner and no running row are removed too.
pub(crate) fn end_dead_runs(home: &Home) -> Result<(), OrchestratorError> {
    let runs_dir = home.runs_dir();
    let registry = home.registry();
    for run in registry.unfinished_runs()? {
        let Some(lock) = RunLock::try_acquire(&runs_dir, &run.slate_id, &run.run_id)? else {
            continue; // its owner is alive
        };
        let owner = match (&run.pid, &run.host) {
            (Some(pid), Some(host)) => format!("process {pid} on {host}"),
            (Some(pid), None) => format!("process {pid}"),
            _ => "the process that ran it".to_string(),
        };
        let end = if run.status == RunStatus::Queued {
            lock.clear_staging()?;
            Err(format!(
                "{owner} stopped before the run started; nothing was written"
            ))
        } else if lock.target().is_dir() {
            match verify_folder(&run) {
                Ok(manifest) => Ok(manifest.metrics_head),
                Err(e) => Err(format!(
                    "{owner} ended after writing the run folder, which does not verify: {e}"
                )),
            }
        } else {
            lock.clear_staging()?;
            Err(format!(
                "{owner} ended before the run finished (killed or crashed); its partial files were removed"
            ))
        };
        let result = match &end {
            Ok(head) => registry.finish_run(&run.run_id, RunEnd::Succeeded(head), &now()),
            Err(reason) => registry.finish_run(&run.run_id, RunEnd::Failed(reason), &now()),
        };
        match result {
            // RunEnded: its owner ended it meanwhile.
            Ok(()) | Err(registry::RegistryError::RunEnded(_)) => {}
            Err(e) => return Err(e.into()),
        }
    }
    for (slate, run_id) in staged_runs(&runs_dir)? {
        if let Some(lock) = RunLock::try_acquire(&runs_dir, &slate, &run_id)? {
            let running = registry.run(&run_id).is_ok_and(|r| !r.status.is_final());
            if !running {
                lock.clear_staging()?;
            }
        }
    }
    Ok(())
}

/// The manifest of a run folder.
fn read_manifest(dir: &Path) -> Result<RunManifest, pipeline_io::IoError> {
    let path = dir.join("manifest.json");
    let bytes = std::fs::read(&path).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => pipeline_io::IoError::file(&path, "manifest missing"),
        _ => pipeline_io::IoError::io(&path, e),
    })?;
    serde_json::from_slice(&bytes)
        .map_err(|e| pipeline_io::IoError::file(&path, format!("not a run manifest: {e}")))
}

/// Checks a succeeded run's folder against its manifest.
pub(crate) fn verify_folder(run: &RunRecord) -> Result<RunManifest, OrchestratorError> {
    let dir = Path::new(&run.root);
    let damaged = |source| OrchestratorError::Damaged {
        run_id: run.run_id.clone(),
        source,
    };
    if !dir.is_dir() {
        return Err(damaged(pipeline_io::IoError::file(
            dir,
            "run folder missing",
        )));
    }
    let manifest = read_manifest(dir).map_err(damaged)?;
    if manifest.run_id != run.run_id {
        return Err(damaged(pipeline_io::IoError::file(
            dir.join("manifest.json"),
            format!("manifest is of run {}", manifest.run_id),
        )));
    }
    verify_artifacts(dir, &manifest.artifacts).map_err(damaged)?;
    Ok(manifest)
}

/// One run's check by `dfs runs verify`.
#[derive(Debug, Clone, Serialize)]
pub struct RunCheck {
    pub run_id: String,
    /// Files the manifest lists (0 when the folder could not be read).
    pub artifacts: usize,
    /// What is wrong, or `None` when every file is as recorded.
    pub problem: Option<String>,
}

impl Home {
    /// Checks one succeeded run, or every succeeded run, against its manifest.
    pub fn verify_runs(&self, run_id: Option<&str>) -> Result<Vec<RunCheck>, OrchestratorError> {
        let runs = match run_id {
            Some(id) => {
                let run = self.run_record(id)?;
                if run.status != RunStatus::Succeeded {
                    return Err(OrchestratorError::Request(format!(
                        "run {id} is {}: only a succeeded run has files to verify",
                        run.status.as_str()
                    )));
                }
                vec![run]
            }
            None => self
                .runs(None)?
                .into_iter()
                .filter(|r| r.status == RunStatus::Succeeded)
                .collect(),
        };
        Ok(runs
            .iter()
            .map(|run| match verify_folder(run) {
                Ok(m) => RunCheck {
                    run_id: run.run_id.clone(),
                    artifacts: m.artifacts.len(),
                    problem: None,
                },
                Err(e) => RunCheck {
                    run_id: run.run_id.clone(),
                    artifacts: 0,
                    problem: Some(e.to_string()),
                },
            })
            .collect())
    }
}

/// What `dfs registry rebuild` re-created.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Rebuild {
    pub slates: Vec<String>,
    pub contests: Vec<String>,
    pub runs: Vec<String>,
    /// Folders that could not be taken back, each with the reason.
    pub skipped: Vec<String>,
    /// Where the registry that was replaced went (`--force`).
    pub previous: Option<String>,
}

/// Re-creates the registry of `root` from its folders: slates and contests
/// from their record files (or, lacking one, from their inputs), runs from
/// their manifests, each folder verified first. A registry that has rows is
/// replaced only with `force`, and is kept beside as `dfs.sqlite.<time>.bak`.
/// No other `dfs` process may use the root meanwhile.
pub fn rebuild_registry(root: &Path, force: bool) -> Result<Rebuild, OrchestratorError> {
    let root = std::path::absolute(root).map_err(|e| pipeline_io::IoError::io(root, e))?;
    let db = root.join(registry::DB_FILE);
    let mut report = Rebuild::default();
    let has_rows = std::fs::metadata(&db).is_ok_and(|m| m.len() > 0)
        && Registry::open(&db).is_ok_and(|r| {
            r.slates().is_ok_and(|s| !s.is_empty())
                || r.contests().is_ok_and(|c| !c.is_empty())
                || r.runs(None).is_ok_and(|r| !r.is_empty())
        });
    if has_rows && !force {
        return Err(OrchestratorError::Conflict(format!(
            "{}: the registry has rows; `dfs registry rebuild --force` replaces it (the old one is kept as a .bak file)",
            db.display()
        )));
    }

    // Build the new registry beside the old one, then swap it in.
    let fresh = root.join(format!(
        "{}.rebuild-{}",
        registry::DB_FILE,
        std::process::id()
    ));
    remove_database(&fresh)?;
    {
        let reg = Registry::open(&fresh)?;
        rebuild_into(&root, &reg, &mut report)?;
    }
    if has_rows {
        let stamp = chrono::Utc::now().format("%Y%m%d-%H%M%S");
        let backup = root.join(format!("{}.{stamp}.bak", registry::DB_FILE));
        move_database(&db, &backup)?;
        report.previous = Some(backup.display().to_string());
    } else {
        remove_database(&db)?;
    }
    move_database(&fresh, &db)?;
    Ok(report)
}

/// A SQLite database file and its write-ahead log and shared-memory sidecars.
fn database_files(base: &Path) -> [PathBuf; 3] {
    let with = |suffix: &str| PathBuf::from(format!("{}{suffix}", base.display()));
    [base.to_path_buf(), with("-wal"), with("-shm")]
}

/// Moves a database and whichever of its sidecars exist.
fn move_database(from: &Path, to: &Path) -> Result<(), OrchestratorError> {
    for (from, to) in database_files(from).iter().zip(database_files(to)) {
        if from.exists() {
            std::fs::rename(from, &to).map_err(|e| pipeline_io::IoError::write(&to, e))?;
        }
    }
    Ok(())
}

/// Removes a database and whichever of its sidecars exist.
fn remove_database(base: &Path) -> Result<(), OrchestratorError> {
    for p in database_files(base) {
        if p.exists() {
            std::fs::remove_file(&p).map_err(|e| pipeline_io::IoError::write(&p, e))?;
        }
    }
    Ok(())
}

/// Sorted subfolders of `dir` (none when it does not exist).
fn subfolders(dir: &Path) -> Vec<(String, PathBuf)> {
    let mut out: Vec<(String, PathBuf)> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .map(|e| (e.file_name().to_string_lossy().into_owned(), e.path()))
        .filter(|(name, _)| !name.starts_with('.'))
        .collect();
    out.sort();
    out
}

fn read_record<T: serde::de::DeserializeOwned>(path: &Path) -> Option<T> {
    std::fs::read(path)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
}

fn rebuild_into(
    root: &Path,
    reg: &Registry,
    report: &mut Rebuild,
) -> Result<(), OrchestratorError> {
    for (id, dir) in subfolders(&root.join("slates")) {
        let record = match read_record::<SlateRecord>(&dir.join(SLATE_RECORD)) {
            Some(r) => Ok(r),
            None => slate_from_inputs(root, &id, &dir),
        };
        match record {
            Ok(r) => {
                reg.put_slate(&r)?;
                report.slates.push(id);
            }
            Err(e) => report.skipped.push(format!("slate {id}: {e}")),
        }
    }
    for (id, dir) in subfolders(&root.join("contests")) {
        let record = match read_record::<ContestRecord>(&dir.join(CONTEST_RECORD)) {
            Some(r) => Ok(r),
            None => contest_from_inputs(root, &id, &dir),
        };
        match record {
            Ok(r) => {
                reg.put_contest(&r)?;
                report.contests.push(id);
            }
            Err(e) => report.skipped.push(format!("contest {id}: {e}")),
        }
    }
    for (slate, slate_dir) in subfolders(&root.join("runs")) {
        for (run_id, dir) in subfolders(&slate_dir) {
            let record = RunRecord {
                run_id: run_id.clone(),
                slate_id: slate.clone(),
                contest_id: String::new(),
                tag: None,
                seed: 0,
                status: RunStatus::Succeeded,
                root: dir.display().to_string(),
                metrics_head: None,
                started_at: String::new(),
                finished_at: None,
                error: None,
                pid: None,
                host: None,
            };
            let manifest = match verify_folder(&record) {
                Ok(m) => m,
                Err(e) => {
                    report.skipped.push(format!("run {run_id}: {e}"));
                    continue;
                }
            };
            let known = reg.slate(&manifest.slate_id)?.is_some()
                && reg.contest(&manifest.contest_id)?.is_some();
            if !known {
                report.skipped.push(format!(
                    "run {run_id}: its slate {} or contest {} is not in the root",
                    manifest.slate_id, manifest.contest_id
                ));
                continue;
            }
            let record = RunRecord {
                contest_id: manifest.contest_id.clone(),
                tag: manifest.tag.clone(),
                seed: manifest.seed,
                metrics_head: Some(manifest.metrics_head.clone()),
                started_at: manifest.created_at.clone(),
                ..record
            };
            if reg.put_run(&record)? {
                report.runs.push(run_id);
            }
        }
    }
    Ok(())
}

/// A slate folder's record from its inputs, when its record file is missing.
fn slate_from_inputs(root: &Path, id: &str, dir: &Path) -> Result<SlateRecord, OrchestratorError> {
    let salaries = dir.join("DKSalaries.csv");
    let projections = Some(dir.join("Projections.csv")).filter(|p| p.is_file());
    let (slate, _) = build(id, &salaries, projections.as_deref(), None)?;
    slate_record(root, &slate, &salaries, projections.as_deref())
}

/// A contest folder's record from its payout table, when its record file is missing.
fn contest_from_inputs(
    root: &Path,
    id: &str,
    dir: &Path,
) -> Result<ContestRecord, OrchestratorError> {
    let payouts = dir.join("payouts.csv");
    let contest = pipeline_io::inputs::read_payouts(&payouts, id, None, None)?;
    contest_record(root, &contest, &payouts)
}
