use std::path::PathBuf;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// gpp-sim: Monte Carlo size, how many entries to select, and the outcome model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct SimConfig {
    /// Simulated contests.
    pub iterations: u32,
    /// Entries to select and submit (`None`: the contest's max entries).
    pub entries: Option<u32>,
    /// Most share of the selected entries any one player may appear in (0..1).
    pub max_exposure: f64,
    /// Each player's distribution of fantasy points, matched to his projection
    /// (mean) and std dev.
    pub marginal: Marginal,
    /// Where the per-game correlations of teammates and opponents come from.
    pub correlations: CorrelationSource,
}

/// The family of a player's fantasy-points distribution.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Marginal {
    /// Log-normal with the projection as mean and the std dev as std dev:
    /// right-skewed, never below 0.
    Lognormal,
    /// Gamma with the projection as mean and the std dev as std dev: right-skewed,
    /// with a heavier left shoulder than the log-normal (more near-zero games).
    Gamma,
    /// `Normal(projection, std dev)` truncated at 0, the independent model's
    /// family: symmetric; truncation lifts the mean when the std dev is large.
    Normal,
}

/// Where the correlation table comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CorrelationSource {
    /// The table built in for the slate's sport (`configs/correlations/`);
    /// players are independent when the sport has none.
    Builtin,
    /// No correlation: every player drawn independently.
    #[serde(rename = "none")]
    Independent,
    /// A correlation table YAML file (`{file: path}`); a relative path is taken
    /// from the folder of the config file that names it.
    File(PathBuf),
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            iterations: 1_000,
            entries: None,
            max_exposure: 1.0,
            marginal: Marginal::Lognormal,
            correlations: CorrelationSource::Builtin,
        }
    }
}
