//! The one entry point of the `dfs` pipeline: [`run`] turns a slate, a contest,
//! configs and a seed into a finished run folder and a registry row.
//!
//! The orchestrator is thin: it resolves inputs through `registry` and
//! `pipeline-io`, calls the stages in order, validates every boundary against
//! its JSON Schema, and writes artifacts. The CLI and the HTTP API both call
//! it; neither does pipeline work of its own.

mod backtest;
mod catalog;
mod entries;
mod error;
mod field_compare;
mod integrity;
mod pipeline;
mod progress;
mod replay;
mod report;
mod report_html;
mod validate;

pub use backtest::{Backtest, BacktestRequest, Scored, backtest, backtest_table};
pub use catalog::{
    ContestImport, Home, SAMPLE_CONTEST, SAMPLE_SLATE, SlateImport, export_schemas, schema_files,
};
pub use entries::{
    EntriesScoreRequest, FillRequest, Filled, FilledContest, LateSwapRequest, LateSwapSimulation,
    LateSwapped, SwapBy, SwappedEntry, fill, late_swap, late_swap_table, parse_contest_run,
    score_entries,
};
pub use error::{ErrorKind, OrchestratorError};
pub use field_compare::{
    FieldCompareRequest, FieldComparison, LineupProjection, ScoreQuantiles, comparison_table,
    field_compare,
};
pub use integrity::{Rebuild, RunCheck, rebuild_registry};
pub use pipeline::{
    InlineConfigs, OptimizeRequest, QueuedRun, RUN_PHASES, RunOutcome, RunRequest, optimize,
    queue_run, run,
};
pub use pipeline_io::inputs::MatchReport;
pub use progress::{Progress, RunProgress};
pub use registry::{ContestRecord, RunRecord, SlateRecord};
pub use replay::{
    BOOTSTRAP_LEVEL, BOOTSTRAP_RESAMPLES, ContestReplay, Estimate, Predicted, Realized, Replay,
    ReplayRequest, replay, replay_table, write_report,
};
pub use report::{pct, summary_table};
pub use report_html::{REPORT_STYLE, escape as escape_html};
