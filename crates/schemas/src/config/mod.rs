//! Stage configs, one file per stage. Every key is optional; defaults match
//! `configs/*/default.yaml` (a test holds them equal).

mod field_sampler;
mod optimizer;
mod sim;
mod variants;

pub use field_sampler::FieldSamplerConfig;
pub use optimizer::{GameStack, OptimizerConfig, PlayerExposure, PlayerGroup, QbStack, TeamStack};
pub use sim::{CorrelationSource, Marginal, SimConfig};
pub use variants::{VariantCenter, VariantsConfig};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A player named in a rule: by DraftKings id or by name (case-insensitive).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum PlayerRef {
    Id(i64),
    Name(String),
}

impl std::fmt::Display for PlayerRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PlayerRef::Id(id) => write!(f, "{id}"),
            PlayerRef::Name(n) => write!(f, "{n:?}"),
        }
    }
}
