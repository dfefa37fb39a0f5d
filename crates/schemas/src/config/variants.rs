use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// variants: how many projection scenarios, and how noisy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct VariantsConfig {
    /// Number of variants, including variant 0 (the base projection).
    pub count: u32,
    /// Noise scale: each draw adds `randomness x std_dev x N(0,1)` per player (floored at 0).
    pub randomness: f64,
}

impl Default for VariantsConfig {
    fn default() -> Self {
        VariantsConfig {
            count: 10,
            randomness: 0.15,
        }
    }
}
