use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};

use schemars::JsonSchema;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::StageError;

/// One pipeline stage: typed input and config in, typed output and diagnostics out.
///
/// Implementations are pure: no filesystem, clock, environment or global RNG.
/// Randomness comes from [`StageContext::seed`] through [`crate::stream_seed`].
pub trait Stage {
    /// Module name, also the artifact folder's name (`variants`, `optimizer`, ...).
    const NAME: &'static str;
    type Config: DeserializeOwned + JsonSchema + Default;
    type Input<'a>;
    type Output: Serialize + JsonSchema;

    fn run(
        &self,
        input: Self::Input<'_>,
        config: &Self::Config,
        ctx: &StageContext<'_>,
    ) -> Result<(Self::Output, Diagnostics), StageError>;
}

/// Receives progress of a stage: the CLI draws a bar, the API reports it on the run.
pub trait ProgressSink: Sync {
    /// A new unit of work with `total` steps begins.
    fn start(&self, stage: &str, total: u64);
    /// `steps` more steps are done.
    fn advance(&self, steps: u64);
}

/// Receives structured events; the orchestrator writes them to `{module}/logs.jsonl`.
pub trait EventSink: Sync {
    fn emit(&self, event: Event);
}

/// A structured log event of a stage.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Event {
    pub stage: String,
    /// `info`, `warn` or `debug`.
    pub level: String,
    pub message: String,
    #[serde(default)]
    pub fields: BTreeMap<String, serde_json::Value>,
}

/// Progress and event sink that drops everything.
#[derive(Debug, Default, Clone, Copy)]
pub struct NullSink;

impl ProgressSink for NullSink {
    fn start(&self, _: &str, _: u64) {}
    fn advance(&self, _: u64) {}
}

impl EventSink for NullSink {
    fn emit(&self, _: Event) {}
}

/// What a stage gets besides its input and config.
pub struct StageContext<'a> {
    /// The run's seed; stages derive their streams from it.
    pub seed: u64,
    pub progress: &'a dyn ProgressSink,
    pub events: &'a dyn EventSink,
    /// Set to ask the stage to stop early with [`StageError::Cancelled`].
    pub cancel: &'a AtomicBool,
}

impl std::fmt::Debug for StageContext<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StageContext")
            .field("seed", &self.seed)
            .finish_non_exhaustive()
    }
}

static NEVER: AtomicBool = AtomicBool::new(false);

impl StageContext<'static> {
    /// A context with no sinks and no cancellation, for tests and library users.
    pub fn quiet(seed: u64) -> Self {
        StageContext {
            seed,
            progress: &NullSink,
            events: &NullSink,
            cancel: &NEVER,
        }
    }
}

impl StageContext<'_> {
    /// True once cancellation was asked for.
    pub fn cancelled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }

    /// Emits an info event with fields.
    pub fn info(
        &self,
        stage: &str,
        message: impl Into<String>,
        fields: &[(&str, serde_json::Value)],
    ) {
        self.events.emit(Event {
            stage: stage.to_string(),
            level: "info".into(),
            message: message.into(),
            fields: fields
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
        });
    }
}

/// What a stage reports about its own run: warnings and named figures.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Diagnostics {
    pub warnings: Vec<String>,
    /// Named figures (counts, timings in work units, errors), in key order.
    pub counters: BTreeMap<String, f64>,
}

impl Diagnostics {
    pub fn warn(&mut self, message: impl Into<String>) {
        self.warnings.push(message.into());
    }

    pub fn count(&mut self, name: &str, value: f64) {
        self.counters.insert(name.to_string(), value);
    }
}
