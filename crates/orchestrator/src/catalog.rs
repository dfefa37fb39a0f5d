//! The data root: registry, imported inputs, the shipped sample, schema files.

use std::path::{Path, PathBuf};

use pipeline_io::inputs::{self, MatchReport, PathScope};
use pipeline_io::outputs::{copy_file, write_atomic, write_json, write_text};
use registry::{ContestRecord, Registry, RunRecord, SlateRecord};
use schemas::contracts::contracts;
use schemas::{Contest, InputFile, Slate};

use crate::OrchestratorError;

/// Id of the sample slate that ships with the project (real DraftKings NBA 2025-01-12 salaries).
pub const SAMPLE_SLATE: &str = "nba-2025-01-12";
/// Id of the sample contest (DraftKings' $20K Four Point Play: 5,945 entries at $4, 20 max).
pub const SAMPLE_CONTEST: &str = "nba-20k-four-point-play";

const SAMPLE_SALARIES: &[u8] = include_bytes!("../../../data/nba-2025-01-12/DKSalaries.csv");
const SAMPLE_PAYOUTS: &[u8] =
    include_bytes!("../../../data/nba-2025-01-12/payout_20K_Four_Point_Play.csv");
const SAMPLE_CONTEST_NAME: &str = "NBA $20K Four Point Play";
const SAMPLE_MAX_ENTRIES: u32 = 20;

/// A slate to import.
#[derive(Debug, Clone)]
pub struct SlateImport {
    pub id: String,
    pub salaries: PathBuf,
    pub projections: Option<PathBuf>,
    /// Sport rules name (`nba`, `nfl_classic`, ...); detected from positions when absent.
    pub sport: Option<String>,
}

/// A contest to import.
#[derive(Debug, Clone)]
pub struct ContestImport {
    pub id: String,
    pub payouts: PathBuf,
    pub name: Option<String>,
    pub max_entries: Option<u32>,
}

/// File of a slate's registry record, beside its inputs (what `dfs registry rebuild` reads).
pub(crate) const SLATE_RECORD: &str = "slate.json";
/// File of a contest's registry record, beside its payout table.
pub(crate) const CONTEST_RECORD: &str = "contest.json";

/// The data root (`--root`, `DFS_HOME`): `dfs.sqlite`, `slates/`, `contests/`, `runs/`.
#[derive(Debug)]
pub struct Home {
    root: PathBuf,
    registry: Registry,
    scope: PathScope,
}

impl Home {
    /// Opens the data root for a user at the command line, who may name files
    /// anywhere. Creates the root and its registry when needed; the shipped
    /// sample slate and contest are registered on first use; runs left
    /// `running` by processes that are gone are ended (`failed`) and their
    /// staging folders removed.
    pub fn open(root: &Path) -> Result<Home, OrchestratorError> {
        Home::open_scoped(root, false)
    }

    /// Opens the data root for a server: every file a request names must lie
    /// inside the root.
    pub fn open_confined(root: &Path) -> Result<Home, OrchestratorError> {
        Home::open_scoped(root, true)
    }

    fn open_scoped(root: &Path, confined: bool) -> Result<Home, OrchestratorError> {
        std::fs::create_dir_all(root).map_err(|e| pipeline_io::IoError::write(root, e))?;
        let root = std::path::absolute(root).map_err(|e| pipeline_io::IoError::io(root, e))?;
        check_registry_present(&root)?;
        let registry = Registry::open_in(&root)?;
        let scope = if confined {
            PathScope::Within(root.clone())
        } else {
            PathScope::Anywhere
        };
        let home = Home {
            root,
            registry,
            scope,
        };
        home.ensure_sample()?;
        crate::integrity::end_dead_runs(&home)?;
        Ok(home)
    }

    /// The same root opened again, with the same scope: a registry connection
    /// is not shared between threads, so each worker thread opens its own.
    pub fn reopen(&self) -> Result<Home, OrchestratorError> {
        Home::open_scoped(&self.root, matches!(self.scope, PathScope::Within(_)))
    }

    /// The data root, absolute.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// Where files named in requests may be read from.
    pub fn scope(&self) -> &PathScope {
        &self.scope
    }

    /// The registry.
    pub fn registry(&self) -> &Registry {
        &self.registry
    }

    /// Where run folders go.
    pub fn runs_dir(&self) -> PathBuf {
        self.root.join("runs")
    }

    fn ensure_sample(&self) -> Result<(), OrchestratorError> {
        if self.registry.slate(SAMPLE_SLATE)?.is_none() {
            let dir = self.root.join("slates").join(SAMPLE_SLATE);
            let salaries = dir.join("DKSalaries.csv");
            write_atomic(&salaries, SAMPLE_SALARIES)?;
            let (slate, _) = build(SAMPLE_SLATE, &salaries, None, None)?;
            self.register_slate(&slate, &salaries, None)?;
        }
        if self.registry.contest(SAMPLE_CONTEST)?.is_none() {
            let payouts = self
                .root
                .join("contests")
                .join(SAMPLE_CONTEST)
                .join("payouts.csv");
            write_atomic(&payouts, SAMPLE_PAYOUTS)?;
            let contest = inputs::read_payouts(
                &payouts,
                SAMPLE_CONTEST,
                Some(SAMPLE_CONTEST_NAME),
                Some(SAMPLE_MAX_ENTRIES),
            )?;
            self.register_contest(&contest, &payouts)?;
        }
        Ok(())
    }

    /// Reads, checks and registers a slate; the files are copied under the data root
    /// so later runs do not depend on where they came from.
    pub fn import_slate(
        &self,
        req: &SlateImport,
    ) -> Result<(SlateRecord, MatchReport), OrchestratorError> {
        check_id("slate", &req.id)?;
        // Parse first: a bad file is reported before anything is copied or recorded.
        let (slate, report) = build(
            &req.id,
            &req.salaries,
            req.projections.as_deref(),
            req.sport.as_deref(),
        )?;
        let dir = self.root.join("slates").join(&req.id);
        let salaries = dir.join("DKSalaries.csv");
        copy_file(&req.salaries, &salaries)?;
        let projections = match &req.projections {
            Some(p) => {
                let to = dir.join("Projections.csv");
                copy_file(p, &to)?;
                Some(to)
            }
            None => {
                let stale = dir.join("Projections.csv");
                if stale.exists() {
                    std::fs::remove_file(&stale)
                        .map_err(|e| pipeline_io::IoError::io(&stale, e))?;
                }
                None
            }
        };
        let record = self.register_slate(&slate, &salaries, projections.as_deref())?;
        Ok((record, report))
    }

    /// Records a slate already read from `salaries` (and `projections`), which sit under the root.
    fn register_slate(
        &self,
        slate: &Slate,
        salaries: &Path,
        projections: Option<&Path>,
    ) -> Result<SlateRecord, OrchestratorError> {
        let record = slate_record(&self.root, slate, salaries, projections)?;
        self.registry.put_slate(&record)?;
        write_json(
            &self.root.join("slates").join(&slate.id).join(SLATE_RECORD),
            &record,
        )?;
        Ok(record)
    }

    /// Reads, checks and registers a payout table (copied under the data root).
    pub fn import_contest(&self, req: &ContestImport) -> Result<ContestRecord, OrchestratorError> {
        check_id("contest", &req.id)?;
        let contest =
            inputs::read_payouts(&req.payouts, &req.id, req.name.as_deref(), req.max_entries)?;
        let to = self.root.join("contests").join(&req.id).join("payouts.csv");
        copy_file(&req.payouts, &to)?;
        self.register_contest(&contest, &to)
    }

    /// Records a contest already read from `payouts`, which sits under the root.
    fn register_contest(
        &self,
        contest: &Contest,
        payouts: &Path,
    ) -> Result<ContestRecord, OrchestratorError> {
        let record = contest_record(&self.root, contest, payouts)?;
        self.registry.put_contest(&record)?;
        write_json(
            &self
                .root
                .join("contests")
                .join(&contest.id)
                .join(CONTEST_RECORD),
            &record,
        )?;
        Ok(record)
    }

    /// Loads a registered slate, checking its files are the ones imported.
    pub fn load_slate(
        &self,
        r: &SlateRecord,
    ) -> Result<(Slate, Vec<InputFile>), OrchestratorError> {
        let salaries = self.verified("salaries", &r.salaries_path, &r.salaries_sha256)?;
        let projections = match (&r.projections_path, &r.projections_sha256) {
            (Some(p), Some(h)) => Some(self.verified("projections", p, h)?),
            _ => None,
        };
        let (slate, _) = build(
            &r.id,
            &self.root.join(&r.salaries_path),
            r.projections_path
                .as_ref()
                .map(|p| self.root.join(p))
                .as_deref(),
            Some(&r.sport),
        )?;
        Ok((
            slate,
            [Some(salaries), projections]
                .into_iter()
                .flatten()
                .collect(),
        ))
    }

    /// Loads a registered contest, checking its payout file is the one imported.
    pub fn load_contest(
        &self,
        r: &ContestRecord,
    ) -> Result<(Contest, InputFile), OrchestratorError> {
        let file = self.verified("payouts", &r.payouts_path, &r.payouts_sha256)?;
        let contest = inputs::read_payouts(
            self.root.join(&r.payouts_path),
            &r.id,
            Some(&r.name),
            Some(r.max_entries),
        )?;
        Ok((contest, file))
    }

    fn verified(
        &self,
        role: &str,
        rel: &str,
        expected: &str,
    ) -> Result<InputFile, OrchestratorError> {
        let path = self.root.join(rel);
        let found = inputs::sha256_file(&path)?;
        if found != expected {
            return Err(OrchestratorError::InputChanged {
                path,
                expected: expected.to_string(),
                found,
            });
        }
        Ok(InputFile {
            role: role.to_string(),
            path: rel.to_string(),
            sha256: found,
        })
    }

    /// Every registered slate.
    pub fn slates(&self) -> Result<Vec<SlateRecord>, OrchestratorError> {
        Ok(self.registry.slates()?)
    }

    /// Every registered contest.
    pub fn contests(&self) -> Result<Vec<ContestRecord>, OrchestratorError> {
        Ok(self.registry.contests()?)
    }

    /// Runs, newest first, optionally of one slate.
    pub fn runs(&self, slate: Option<&str>) -> Result<Vec<RunRecord>, OrchestratorError> {
        Ok(self.registry.runs(slate)?)
    }

    /// One run, as the registry records it.
    pub fn run_record(&self, run_id: &str) -> Result<RunRecord, OrchestratorError> {
        Ok(self.registry.run(run_id)?)
    }

    /// One run, its folder checked against its manifest when it succeeded:
    /// a run whose files are missing or changed is refused, naming the file.
    pub fn verified_run(&self, run_id: &str) -> Result<RunRecord, OrchestratorError> {
        let record = self.registry.run(run_id)?;
        if record.status == schemas::RunStatus::Succeeded {
            crate::integrity::verify_folder(&record)?;
        }
        Ok(record)
    }
}

/// The registry record of a slate read from `salaries` (and `projections`),
/// files under `root`: what an import records and a rebuild re-creates.
pub(crate) fn slate_record(
    root: &Path,
    slate: &Slate,
    salaries: &Path,
    projections: Option<&Path>,
) -> Result<SlateRecord, OrchestratorError> {
    Ok(SlateRecord {
        id: slate.id.clone(),
        sport: slate.rules.name.clone(),
        salaries_path: relative(root, salaries),
        salaries_sha256: inputs::sha256_file(salaries)?,
        projections_path: projections.map(|p| relative(root, p)),
        projections_sha256: projections.map(inputs::sha256_file).transpose()?,
        players: slate.players.len() as u32,
        imported_at: now(),
    })
}

/// The registry record of a contest read from `payouts`, a file under `root`.
pub(crate) fn contest_record(
    root: &Path,
    contest: &Contest,
    payouts: &Path,
) -> Result<ContestRecord, OrchestratorError> {
    Ok(ContestRecord {
        id: contest.id.clone(),
        name: contest.name.clone(),
        payouts_path: relative(root, payouts),
        payouts_sha256: inputs::sha256_file(payouts)?,
        entry_fee: contest.entry_fee,
        field_size: contest.field_size,
        max_entries: contest.max_entries,
        prize_pool: contest.prize_pool(),
        imported_at: now(),
    })
}

/// `path` relative to the data root, as the registry stores it.
fn relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .to_string_lossy()
        .into_owned()
}

/// A registry that is missing or empty while the root holds slates, contests
/// or runs was lost, not new: opening it would silently forget them all.
fn check_registry_present(root: &Path) -> Result<(), OrchestratorError> {
    let db = root.join(registry::DB_FILE);
    let size = |p: &Path| std::fs::metadata(p).map(|m| m.len()).ok();
    let state = match size(&db) {
        None => "missing",
        // SQLite keeps a new database's first pages in the write-ahead log until a checkpoint.
        Some(0) if size(&root.join(format!("{}-wal", registry::DB_FILE))).unwrap_or(0) == 0 => {
            "empty (0 bytes)"
        }
        Some(_) => return Ok(()),
    };
    let has_data = ["slates", "contests", "runs"]
        .iter()
        .any(|d| std::fs::read_dir(root.join(d)).is_ok_and(|mut entries| entries.next().is_some()));
    if has_data {
        return Err(OrchestratorError::Conflict(format!(
            "{}: the registry is {state} but {} holds slates, contests or runs; \
             `dfs registry rebuild` re-creates it from their folders",
            db.display(),
            root.display()
        )));
    }
    Ok(())
}

/// Reads salaries (and projections) into a checked slate.
pub(crate) fn build(
    id: &str,
    salaries: &Path,
    projections: Option<&Path>,
    sport: Option<&str>,
) -> Result<(Slate, MatchReport), OrchestratorError> {
    let file = inputs::read_salaries(salaries)?;
    let rules = match sport {
        Some(name) => inputs::builtin_sport(name).ok_or_else(|| {
            OrchestratorError::Request(format!(
                "unknown sport {name:?}; known: {}",
                inputs::builtin_sport_names().join(", ")
            ))
        })?,
        None => inputs::detect_sport(&file)?,
    };
    let projections = projections.map(inputs::read_projections).transpose()?;
    Ok(inputs::build_slate(id, &file, projections.as_ref(), rules)?)
}

/// Ids become folder names: letters, digits, `.`, `_`, `-`; not starting with `.`.
fn check_id(what: &str, id: &str) -> Result<(), OrchestratorError> {
    let ok = !id.is_empty()
        && id.len() <= 64
        && !id.starts_with('.')
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    if ok {
        Ok(())
    } else {
        Err(OrchestratorError::Request(format!(
            "invalid {what} id {id:?}: use 1-64 letters, digits, '.', '_' or '-', not starting with '.'"
        )))
    }
}

/// UTC now, RFC 3339 with seconds.
pub(crate) fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Every contract's JSON Schema as `(file name, pretty JSON + newline)`.
pub fn schema_files() -> Vec<(String, String)> {
    contracts()
        .into_iter()
        .map(|c| {
            let mut text = serde_json::to_string_pretty(&c.schema).unwrap_or_default();
            text.push('\n');
            (format!("{}.json", c.name), text)
        })
        .collect()
}

/// Writes every contract's JSON Schema into `dir`; returns the files written.
pub fn export_schemas(dir: &Path) -> Result<Vec<PathBuf>, OrchestratorError> {
    schema_files()
        .into_iter()
        .map(|(name, text)| {
            let path = dir.join(name);
            write_text(&path, &text)?;
            Ok(path)
        })
        .collect()
}
