use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// gpp-sim: Monte Carlo size and how many entries to select.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct SimConfig {
    /// Simulated contests.
    pub iterations: u32,
    /// Entries to select and submit (`None`: the contest's max entries).
    pub entries: Option<u32>,
    /// Most share of the selected entries any one player may appear in (0..1).
    pub max_exposure: f64,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            iterations: 1_000,
            entries: None,
            max_exposure: 1.0,
        }
    }
}
