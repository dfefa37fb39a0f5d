use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::PlayerRef;

/// optimizer: user rules applied to every lineup.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct OptimizerConfig {
    /// Best lineups built per variant (the k best under the overlap rule).
    pub lineups_per_variant: u32,
    /// Most players a lineup may share with any earlier lineup (`None`: lineups need only differ).
    pub max_overlap: Option<u32>,
    /// Least total salary.
    pub min_salary: Option<u32>,
    /// Most total salary (at most the cap).
    pub max_salary: Option<u32>,
    /// Most share of the pool's lineups any one player may appear in (0..1).
    pub max_exposure: f64,
    /// Players every lineup must hold.
    pub locks: Vec<PlayerRef>,
    /// Players no lineup may hold.
    pub excludes: Vec<PlayerRef>,
}

impl Default for OptimizerConfig {
    fn default() -> Self {
        OptimizerConfig {
            lineups_per_variant: 3,
            max_overlap: Some(6),
            min_salary: None,
            max_salary: None,
            max_exposure: 1.0,
            locks: Vec::new(),
            excludes: Vec::new(),
        }
    }
}
