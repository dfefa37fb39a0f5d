//! Domain types and stage contracts of the `dfs` pipeline.
//!
//! Everything that crosses a crate boundary is defined here as plain data
//! (serde + schemars), so that the stage crates, the orchestrator and users'
//! own tools speak one vocabulary. This crate does no I/O.

mod config;
mod contest;
pub mod contracts;
mod correlation;
mod entries;
mod error;
mod lineup;
mod outputs;
mod run;
mod seed;
mod slate;
mod sport;
mod stage;

pub use config::{
    CorrelationSource, FieldSamplerConfig, GameStack, Marginal, OptimizerConfig, PlayerExposure,
    PlayerGroup, PlayerRef, QbStack, SimConfig, TeamStack, VariantCenter, VariantsConfig,
};
pub use contest::{Contest, PayoutTier, PrizeLadder};
pub use correlation::{CorrelationTable, PairKind};
pub use entries::{EntriesFile, EntryCell, EntryRow};
pub use error::{ContractError, StageError};
pub use lineup::{Lineup, LineupViolation};
pub use outputs::{
    BaselineMetrics, CandidateLineup, DupBins, DupProfile, FieldEntrant, FieldSamplerOutput,
    FieldTelemetry, HistogramBin, LineupResult, OptimizerOutput, OwnershipRow, PortfolioMetrics,
    SalaryBin, SimOutput, Variant, VariantCatalog,
};
pub use run::{
    ArtifactFile, DiagnosticsReport, InputFile, MetricsHead, RunManifest, RunStatus, RunSummary,
    StageTiming,
};
pub use seed::stream_seed;
pub use slate::{Game, MAX_SALARY, Player, Slate};
pub use sport::{CaptainRule, SlotRule, SportRules};
pub use stage::{Diagnostics, Event, EventSink, NullSink, ProgressSink, Stage, StageContext};
