//! Run-level records: manifest, diagnostics file, summary and status.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::Diagnostics;

/// One input file of a run, with its content hash.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct InputFile {
    /// `salaries`, `projections`, `payouts`, `sport_rules`, `correlations`.
    pub role: String,
    pub path: String,
    /// Hex SHA-256 of the file's bytes.
    pub sha256: String,
}

/// One file of a finished run folder, with its size and content hash, so a
/// damaged or missing artifact is noticed before it is used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ArtifactFile {
    /// Path relative to the run folder, `/`-separated.
    pub path: String,
    /// Size in bytes.
    pub size: u64,
    /// Hex SHA-256 of the file's bytes.
    pub sha256: String,
}

/// Wall time of one stage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StageTiming {
    pub stage: String,
    pub millis: f64,
}

/// `manifest.json`: everything needed to reproduce and audit a run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RunManifest {
    pub run_id: String,
    pub slate_id: String,
    pub contest_id: String,
    pub tag: Option<String>,
    pub seed: u64,
    /// UTC, RFC 3339.
    pub created_at: String,
    /// Short git SHA of the build, when it was built from a checkout.
    pub git_sha: Option<String>,
    /// Module name -> crate version.
    pub versions: BTreeMap<String, String>,
    /// Stage name -> the seed its streams derive from.
    pub seeds: BTreeMap<String, u64>,
    /// Stage name -> hex SHA-256 of its effective config (canonical JSON).
    pub config_hashes: BTreeMap<String, String>,
    /// Stage name -> effective config.
    pub configs: BTreeMap<String, serde_json::Value>,
    pub inputs: Vec<InputFile>,
    /// Artifact name -> path relative to the run folder.
    pub paths: BTreeMap<String, String>,
    pub timings: Vec<StageTiming>,
    /// The run's headline figures, as the registry lists them (a lost registry
    /// is rebuilt from manifests).
    pub metrics_head: MetricsHead,
    /// Every file of the folder but `manifest.json`, by path: what `dfs runs
    /// verify` checks.
    pub artifacts: Vec<ArtifactFile>,
}

/// `diagnostics.json`: each module's diagnostics.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DiagnosticsReport {
    pub modules: BTreeMap<String, Diagnostics>,
}

/// The three figures a run is listed by.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MetricsHead {
    pub roi_mean: f64,
    pub roi_p50: f64,
    pub dup_p95: f64,
}

/// What `dfs run --json` prints and `POST /api/runs` returns.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RunSummary {
    pub run_id: String,
    /// Absolute path of the run folder.
    pub artifact_path: String,
    pub metrics_head: MetricsHead,
}

/// Life of a run in the registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum RunStatus {
    /// Accepted and waiting for a worker (the HTTP API's queue): its id and
    /// inputs are fixed, nothing is written yet.
    Queued,
    Running,
    Succeeded,
    Failed,
    /// Stopped on request (Ctrl-C, SIGTERM, a server shutting down); nothing was kept.
    Cancelled,
}

impl RunStatus {
    /// True once the run has ended: `succeeded`, `failed` or `cancelled`.
    pub fn is_final(self) -> bool {
        !matches!(self, RunStatus::Queued | RunStatus::Running)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            RunStatus::Queued => "queued",
            RunStatus::Running => "running",
            RunStatus::Succeeded => "succeeded",
            RunStatus::Failed => "failed",
            RunStatus::Cancelled => "cancelled",
        }
    }
}
