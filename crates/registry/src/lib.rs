//! The runs registry: an embedded SQLite catalogue of slates, contests and runs.
//!
//! One database file under the data root (`dfs.sqlite`, next to `runs/`), in
//! WAL mode with a busy timeout so that concurrent API runs and CLI calls never
//! corrupt it. Schema changes are numbered migrations applied in order and
//! recorded in `PRAGMA user_version`. Every write is one transaction.

use std::path::{Path, PathBuf};
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension, Row, params};
use schemas::{MetricsHead, RunStatus};
use serde::{Deserialize, Serialize};
use thiserror::Error;

/// File name of the database inside the data root.
pub const DB_FILE: &str = "dfs.sqlite";

/// Numbered schema migrations; index + 1 is the version each brings.
const MIGRATIONS: &[&str] = &[
    // 1: slates, contests, runs.
    "CREATE TABLE slates (
        id TEXT PRIMARY KEY,
        sport TEXT NOT NULL,
        salaries_path TEXT NOT NULL,
        salaries_sha256 TEXT NOT NULL,
        projections_path TEXT,
        projections_sha256 TEXT,
        players INTEGER NOT NULL,
        imported_at TEXT NOT NULL
    );
    CREATE TABLE contests (
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        payouts_path TEXT NOT NULL,
        payouts_sha256 TEXT NOT NULL,
        entry_fee REAL NOT NULL,
        field_size INTEGER NOT NULL,
        max_entries INTEGER NOT NULL,
        prize_pool REAL NOT NULL,
        imported_at TEXT NOT NULL
    );
    CREATE TABLE runs (
        run_id TEXT PRIMARY KEY,
        slate_id TEXT NOT NULL REFERENCES slates(id),
        contest_id TEXT NOT NULL REFERENCES contests(id),
        tag TEXT,
        seed INTEGER NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('running', 'succeeded', 'failed')),
        root TEXT NOT NULL,
        metrics_head TEXT,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        error TEXT
    );
    CREATE INDEX runs_by_slate ON runs(slate_id, started_at);",
    // 2: runs can end `cancelled`; a running row names the process that owns it.
    "CREATE TABLE runs_v2 (
        run_id TEXT PRIMARY KEY,
        slate_id TEXT NOT NULL REFERENCES slates(id),
        contest_id TEXT NOT NULL REFERENCES contests(id),
        tag TEXT,
        seed INTEGER NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('running', 'succeeded', 'failed', 'cancelled')),
        root TEXT NOT NULL,
        metrics_head TEXT,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        error TEXT,
        pid INTEGER,
        host TEXT
    );
    INSERT INTO runs_v2 (run_id, slate_id, contest_id, tag, seed, status, root, metrics_head,
        started_at, finished_at, error)
        SELECT run_id, slate_id, contest_id, tag, seed, status, root, metrics_head,
        started_at, finished_at, error FROM runs;
    DROP TABLE runs;
    ALTER TABLE runs_v2 RENAME TO runs;
    CREATE INDEX runs_by_slate ON runs(slate_id, started_at);
    CREATE INDEX runs_by_status ON runs(status);",
    // 3: runs can wait `queued` for a worker of the HTTP API.
    "CREATE TABLE runs_v3 (
        run_id TEXT PRIMARY KEY,
        slate_id TEXT NOT NULL REFERENCES slates(id),
        contest_id TEXT NOT NULL REFERENCES contests(id),
        tag TEXT,
        seed INTEGER NOT NULL,
        status TEXT NOT NULL
            CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
        root TEXT NOT NULL,
        metrics_head TEXT,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        error TEXT,
        pid INTEGER,
        host TEXT
    );
    INSERT INTO runs_v3 SELECT run_id, slate_id, contest_id, tag, seed, status, root,
        metrics_head, started_at, finished_at, error, pid, host FROM runs;
    DROP TABLE runs;
    ALTER TABLE runs_v3 RENAME TO runs;
    CREATE INDEX runs_by_slate ON runs(slate_id, started_at);
    CREATE INDEX runs_by_status ON runs(status);",
];

/// Why the registry could not answer.
#[derive(Debug, Error)]
pub enum RegistryError {
    #[error("registry {path}: {source}")]
    Sqlite {
        path: PathBuf,
        #[source]
        source: rusqlite::Error,
    },
    #[error("unknown slate {id:?}; known slates: {known}")]
    UnknownSlate { id: String, known: String },
    #[error("unknown contest {id:?}; known contests: {known}")]
    UnknownContest { id: String, known: String },
    #[error("unknown run {0:?}")]
    UnknownRun(String),
    /// The run is no longer `queued` or `running`: someone else ended it.
    #[error("run {0:?} has already ended")]
    RunEnded(String),
    #[error("registry {path}: database version {found} is newer than this build knows ({known})")]
    TooNew {
        path: PathBuf,
        found: i64,
        known: i64,
    },
    #[error("registry {path}: stored {what} is corrupt: {message}")]
    Corrupt {
        path: PathBuf,
        what: String,
        message: String,
    },
}

/// A slate known to the registry; paths are relative to the data root.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SlateRecord {
    pub id: String,
    /// Sport rules name, e.g. `nba_classic`.
    pub sport: String,
    pub salaries_path: String,
    pub salaries_sha256: String,
    pub projections_path: Option<String>,
    pub projections_sha256: Option<String>,
    pub players: u32,
    pub imported_at: String,
}

/// A contest known to the registry; the payout table path is relative to the data root.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ContestRecord {
    pub id: String,
    pub name: String,
    pub payouts_path: String,
    pub payouts_sha256: String,
    pub entry_fee: f64,
    pub field_size: u32,
    pub max_entries: u32,
    pub prize_pool: f64,
    pub imported_at: String,
}

/// One run, from start to its end.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RunRecord {
    pub run_id: String,
    pub slate_id: String,
    pub contest_id: String,
    pub tag: Option<String>,
    pub seed: u64,
    pub status: RunStatus,
    /// Run folder, absolute.
    pub root: String,
    pub metrics_head: Option<MetricsHead>,
    pub started_at: String,
    pub finished_at: Option<String>,
    pub error: Option<String>,
    /// Process id of the run's owner (while it runs; kept after for the record).
    pub pid: Option<u32>,
    /// Host name of the run's owner.
    pub host: Option<String>,
}

/// How a run ended.
#[derive(Debug, Clone, Copy)]
pub enum RunEnd<'a> {
    Succeeded(&'a MetricsHead),
    Failed(&'a str),
    Cancelled(&'a str),
}

impl RegistryError {
    /// True when the database stayed locked by another writer past the busy timeout.
    pub fn is_busy(&self) -> bool {
        matches!(
            self,
            RegistryError::Sqlite {
                source: rusqlite::Error::SqliteFailure(e, _),
                ..
            } if matches!(
                e.code,
                rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked
            )
        )
    }
}

/// An open registry database.
#[derive(Debug)]
pub struct Registry {
    conn: Connection,
    path: PathBuf,
}

impl Registry {
    /// Opens (creating and migrating when needed) the registry in `root`.
    pub fn open_in(root: &Path) -> Result<Registry, RegistryError> {
        Registry::open(&root.join(DB_FILE))
    }

    /// Opens (creating and migrating when needed) the registry at `path`.
    pub fn open(path: &Path) -> Result<Registry, RegistryError> {
        let wrap = |source| RegistryError::Sqlite {
            path: path.to_path_buf(),
            source,
        };
        let conn = Connection::open(path).map_err(wrap)?;
        conn.busy_timeout(Duration::from_secs(30)).map_err(wrap)?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(wrap)?;
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(wrap)?;
        let mut registry = Registry {
            conn,
            path: path.to_path_buf(),
        };
        registry.migrate()?;
        Ok(registry)
    }

    /// Path of the database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    fn sql(&self, source: rusqlite::Error) -> RegistryError {
        RegistryError::Sqlite {
            path: self.path.clone(),
            source,
        }
    }

    fn migrate(&mut self) -> Result<(), RegistryError> {
        let known = MIGRATIONS.len() as i64;
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
            .map_err(|e| RegistryError::Sqlite {
                path: self.path.clone(),
                source: e,
            })?;
        let found: i64 = tx
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .map_err(|e| RegistryError::Sqlite {
                path: self.path.clone(),
                source: e,
            })?;
        if found > known {
            return Err(RegistryError::TooNew {
                path: self.path.clone(),
                found,
                known,
            });
        }
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
            tx.execute_batch(sql)
                .and_then(|_| tx.pragma_update(None, "user_version", i as i64 + 1))
                .map_err(|e| RegistryError::Sqlite {
                    path: self.path.clone(),
                    source: e,
                })?;
        }
        tx.commit().map_err(|e| RegistryError::Sqlite {
            path: self.path.clone(),
            source: e,
        })
    }

    /// Schema version of the open database.
    pub fn schema_version(&self) -> Result<i64, RegistryError> {
        self.conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .map_err(|e| self.sql(e))
    }

    /// Inserts or replaces a slate.
    pub fn put_slate(&self, s: &SlateRecord) -> Result<(), RegistryError> {
        self.conn
            .execute(
                "INSERT INTO slates (id, sport, salaries_path, salaries_sha256, projections_path,
                    projections_sha256, players, imported_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)
                 ON CONFLICT(id) DO UPDATE SET sport = excluded.sport,
                    salaries_path = excluded.salaries_path, salaries_sha256 = excluded.salaries_sha256,
                    projections_path = excluded.projections_path,
                    projections_sha256 = excluded.projections_sha256,
                    players = excluded.players, imported_at = excluded.imported_at",
                params![
                    s.id,
                    s.sport,
                    s.salaries_path,
                    s.salaries_sha256,
                    s.projections_path,
                    s.projections_sha256,
                    s.players,
                    s.imported_at
                ],
            )
            .map(drop)
            .map_err(|e| self.sql(e))
    }

    /// The slate with this id, if known.
    pub fn slate(&self, id: &str) -> Result<Option<SlateRecord>, RegistryError> {
        self.conn
            .query_row(
                &format!("SELECT {SLATE_COLUMNS} FROM slates WHERE id = ?1"),
                [id],
                slate_row,
            )
            .optional()
            .map_err(|e| self.sql(e))
    }

    /// Every slate, by id.
    pub fn slates(&self) -> Result<Vec<SlateRecord>, RegistryError> {
        self.query(
            &format!("SELECT {SLATE_COLUMNS} FROM slates ORDER BY id"),
            [],
            slate_row,
        )
    }

    /// Inserts or replaces a contest.
    pub fn put_contest(&self, c: &ContestRecord) -> Result<(), RegistryError> {
        self.conn
            .execute(
                "INSERT INTO contests (id, name, payouts_path, payouts_sha256, entry_fee,
                    field_size, max_entries, prize_pool, imported_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
                 ON CONFLICT(id) DO UPDATE SET name = excluded.name,
                    payouts_path = excluded.payouts_path, payouts_sha256 = excluded.payouts_sha256,
                    entry_fee = excluded.entry_fee, field_size = excluded.field_size,
                    max_entries = excluded.max_entries, prize_pool = excluded.prize_pool,
                    imported_at = excluded.imported_at",
                params![
                    c.id,
                    c.name,
                    c.payouts_path,
                    c.payouts_sha256,
                    c.entry_fee,
                    c.field_size,
                    c.max_entries,
                    c.prize_pool,
                    c.imported_at
                ],
            )
            .map(drop)
            .map_err(|e| self.sql(e))
    }

    /// The contest with this id, if known.
    pub fn contest(&self, id: &str) -> Result<Option<ContestRecord>, RegistryError> {
        self.conn
            .query_row(
                &format!("SELECT {CONTEST_COLUMNS} FROM contests WHERE id = ?1"),
                [id],
                contest_row,
            )
            .optional()
            .map_err(|e| self.sql(e))
    }

    /// Every contest, by id.
    pub fn contests(&self) -> Result<Vec<ContestRecord>, RegistryError> {
        self.query(
            &format!("SELECT {CONTEST_COLUMNS} FROM contests ORDER BY id"),
            [],
            contest_row,
        )
    }

    /// The slate and contest a run needs, or an error listing what is known.
    pub fn resolve(
        &self,
        slate_id: &str,
        contest_id: &str,
    ) -> Result<(SlateRecord, ContestRecord), RegistryError> {
        let slate = self.resolve_slate(slate_id)?;
        let contest = match self.contest(contest_id)? {
            Some(c) => c,
            None => {
                return Err(RegistryError::UnknownContest {
                    id: contest_id.to_string(),
                    known: known(self.contests()?.into_iter().map(|c| c.id)),
                });
            }
        };
        Ok((slate, contest))
    }

    /// The slate with this id; an unknown id is an error that lists the known ones.
    pub fn resolve_slate(&self, slate_id: &str) -> Result<SlateRecord, RegistryError> {
        match self.slate(slate_id)? {
            Some(s) => Ok(s),
            None => Err(RegistryError::UnknownSlate {
                id: slate_id.to_string(),
                known: known(self.slates()?.into_iter().map(|s| s.id)),
            }),
        }
    }

    /// Reserves a run id and records the run as `queued`; `false` when the id
    /// is taken. The primary key makes this the one arbiter between processes
    /// that pick the same id. [`Registry::start_run`] moves it to `running`.
    pub fn reserve_run(&self, r: &RunRecord) -> Result<bool, RegistryError> {
        self.put_run(&RunRecord {
            status: RunStatus::Queued,
            metrics_head: None,
            finished_at: None,
            error: None,
            ..r.clone()
        })
    }

    /// Records a run as it is (a finished one when a registry is rebuilt from
    /// run folders); `false` when the id is already there.
    pub fn put_run(&self, r: &RunRecord) -> Result<bool, RegistryError> {
        let head = r
            .metrics_head
            .as_ref()
            .map(|h| self.encode_head(h))
            .transpose()?;
        let inserted = self
            .conn
            .execute(
                "INSERT INTO runs (run_id, slate_id, contest_id, tag, seed, status, root,
                    metrics_head, started_at, finished_at, error, pid, host)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)
                 ON CONFLICT(run_id) DO NOTHING",
                params![
                    r.run_id,
                    r.slate_id,
                    r.contest_id,
                    r.tag,
                    r.seed as i64,
                    r.status.as_str(),
                    r.root,
                    head,
                    r.started_at,
                    r.finished_at,
                    r.error,
                    r.pid,
                    r.host
                ],
            )
            .map_err(|e| self.sql(e))?;
        Ok(inserted == 1)
    }

    fn encode_head(&self, head: &MetricsHead) -> Result<String, RegistryError> {
        serde_json::to_string(head).map_err(|e| RegistryError::Corrupt {
            path: self.path.clone(),
            what: "metrics_head".into(),
            message: e.to_string(),
        })
    }

    /// Moves a queued run to `running`, from `started_at`. Only a `queued` row
    /// moves: a run cancelled while it waited never starts.
    pub fn start_run(&self, run_id: &str, started_at: &str) -> Result<(), RegistryError> {
        let changed = self
            .conn
            .execute(
                "UPDATE runs SET status = 'running', started_at = ?2
                 WHERE run_id = ?1 AND status = 'queued'",
                params![run_id, started_at],
            )
            .map_err(|e| self.sql(e))?;
        self.moved(run_id, changed)
    }

    /// Moves a queued or running run to its final state. Only such a row
    /// moves, so an owner and a sweep for dead owners never both end one run.
    pub fn finish_run(
        &self,
        run_id: &str,
        end: RunEnd<'_>,
        finished_at: &str,
    ) -> Result<(), RegistryError> {
        let (status, head, error) = match end {
            RunEnd::Succeeded(head) => (RunStatus::Succeeded, Some(self.encode_head(head)?), None),
            RunEnd::Failed(message) => (RunStatus::Failed, None, Some(message.to_string())),
            RunEnd::Cancelled(message) => (RunStatus::Cancelled, None, Some(message.to_string())),
        };
        let changed = self
            .conn
            .execute(
                "UPDATE runs SET status = ?2, metrics_head = ?3, error = ?4, finished_at = ?5
                 WHERE run_id = ?1 AND status IN ('queued', 'running')",
                params![run_id, status.as_str(), head, error, finished_at],
            )
            .map_err(|e| self.sql(e))?;
        self.moved(run_id, changed)
    }

    /// `Ok` when an update moved the run's row; else why not: it has ended,
    /// or there is no such run.
    fn moved(&self, run_id: &str, changed: usize) -> Result<(), RegistryError> {
        if changed > 0 {
            return Ok(());
        }
        Err(match self.run(run_id) {
            Ok(_) => RegistryError::RunEnded(run_id.to_string()),
            Err(e) => e,
        })
    }

    /// Runs not ended yet (`queued` or `running`), oldest first.
    pub fn unfinished_runs(&self) -> Result<Vec<RunRecord>, RegistryError> {
        let raw = self.query(
            &format!(
                "SELECT {RUN_COLUMNS} FROM runs WHERE status IN ('queued', 'running')
                 ORDER BY started_at, run_id"
            ),
            [],
            raw_run_row,
        )?;
        raw.into_iter().map(|r| self.decode_run(r)).collect()
    }

    /// The run with this id.
    pub fn run(&self, run_id: &str) -> Result<RunRecord, RegistryError> {
        let row = self
            .conn
            .query_row(
                &format!("SELECT {RUN_COLUMNS} FROM runs WHERE run_id = ?1"),
                [run_id],
                raw_run_row,
            )
            .optional()
            .map_err(|e| self.sql(e))?;
        match row {
            Some(raw) => self.decode_run(raw),
            None => Err(RegistryError::UnknownRun(run_id.to_string())),
        }
    }

    /// Runs, newest first, optionally of one slate.
    pub fn runs(&self, slate_id: Option<&str>) -> Result<Vec<RunRecord>, RegistryError> {
        let raw = match slate_id {
            Some(id) => self.query(
                &format!(
                    "SELECT {RUN_COLUMNS} FROM runs WHERE slate_id = ?1
                     ORDER BY started_at DESC, run_id DESC"
                ),
                [id],
                raw_run_row,
            )?,
            None => self.query(
                &format!("SELECT {RUN_COLUMNS} FROM runs ORDER BY started_at DESC, run_id DESC"),
                [],
                raw_run_row,
            )?,
        };
        raw.into_iter().map(|r| self.decode_run(r)).collect()
    }

    fn query<T, P: rusqlite::Params>(
        &self,
        sql: &str,
        params: P,
        map: fn(&Row<'_>) -> rusqlite::Result<T>,
    ) -> Result<Vec<T>, RegistryError> {
        let mut stmt = self.conn.prepare(sql).map_err(|e| self.sql(e))?;
        let rows = stmt.query_map(params, map).map_err(|e| self.sql(e))?;
        rows.collect::<Result<Vec<T>, _>>().map_err(|e| self.sql(e))
    }

    fn decode_run(&self, raw: RawRun) -> Result<RunRecord, RegistryError> {
        let corrupt = |what: &str, message: String| RegistryError::Corrupt {
            path: self.path.clone(),
            what: format!("{what} of run {}", raw.run_id),
            message,
        };
        let status = match raw.status.as_str() {
            "queued" => RunStatus::Queued,
            "running" => RunStatus::Running,
            "succeeded" => RunStatus::Succeeded,
            "failed" => RunStatus::Failed,
            "cancelled" => RunStatus::Cancelled,
            other => return Err(corrupt("status", format!("unknown status {other:?}"))),
        };
        let metrics_head = raw
            .metrics_head
            .as_deref()
            .map(serde_json::from_str)
            .transpose()
            .map_err(|e| corrupt("metrics_head", e.to_string()))?;
        Ok(RunRecord {
            run_id: raw.run_id,
            slate_id: raw.slate_id,
            contest_id: raw.contest_id,
            tag: raw.tag,
            seed: raw.seed as u64,
            status,
            root: raw.root,
            metrics_head,
            started_at: raw.started_at,
            finished_at: raw.finished_at,
            error: raw.error,
            pid: raw.pid,
            host: raw.host,
        })
    }
}

fn known(ids: impl Iterator<Item = String>) -> String {
    let ids: Vec<String> = ids.collect();
    if ids.is_empty() {
        "(none)".to_string()
    } else {
        ids.join(", ")
    }
}

const SLATE_COLUMNS: &str = "id, sport, salaries_path, salaries_sha256, projections_path, \
    projections_sha256, players, imported_at";

fn slate_row(r: &Row<'_>) -> rusqlite::Result<SlateRecord> {
    Ok(SlateRecord {
        id: r.get(0)?,
        sport: r.get(1)?,
        salaries_path: r.get(2)?,
        salaries_sha256: r.get(3)?,
        projections_path: r.get(4)?,
        projections_sha256: r.get(5)?,
        players: r.get(6)?,
        imported_at: r.get(7)?,
    })
}

const CONTEST_COLUMNS: &str = "id, name, payouts_path, payouts_sha256, entry_fee, field_size, \
    max_entries, prize_pool, imported_at";

fn contest_row(r: &Row<'_>) -> rusqlite::Result<ContestRecord> {
    Ok(ContestRecord {
        id: r.get(0)?,
        name: r.get(1)?,
        payouts_path: r.get(2)?,
        payouts_sha256: r.get(3)?,
        entry_fee: r.get(4)?,
        field_size: r.get(5)?,
        max_entries: r.get(6)?,
        prize_pool: r.get(7)?,
        imported_at: r.get(8)?,
    })
}

const RUN_COLUMNS: &str = "run_id, slate_id, contest_id, tag, seed, status, root, metrics_head, \
    started_at, finished_at, error, pid, host";

/// A runs row before its status and metrics are decoded.
struct RawRun {
    run_id: String,
    slate_id: String,
    contest_id: String,
    tag: Option<String>,
    seed: i64,
    status: String,
    root: String,
    metrics_head: Option<String>,
    started_at: String,
    finished_at: Option<String>,
    error: Option<String>,
    pid: Option<u32>,
    host: Option<String>,
}

fn raw_run_row(r: &Row<'_>) -> rusqlite::Result<RawRun> {
    Ok(RawRun {
        run_id: r.get(0)?,
        slate_id: r.get(1)?,
        contest_id: r.get(2)?,
        tag: r.get(3)?,
        seed: r.get(4)?,
        status: r.get(5)?,
        root: r.get(6)?,
        metrics_head: r.get(7)?,
        started_at: r.get(8)?,
        finished_at: r.get(9)?,
        error: r.get(10)?,
        pid: r.get(11)?,
        host: r.get(12)?,
    })
}
