use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// variants: how many projection scenarios, how noisy, and around what.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct VariantsConfig {
    /// Number of variants, including variant 0 (the base projection).
    pub count: u32,
    /// Noise scale: each draw adds `randomness x std_dev x N(0,1)` per player (floored at 0).
    pub randomness: f64,
    /// What the scenarios are drawn around, set by the pipeline that hands
    /// the stage its slate (the stage draws around the projections it is
    /// given).
    pub center: VariantCenter,
}

/// What the variants, and with them the candidate lineups, are built around.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum VariantCenter {
    /// The simulator's mean of each player (`sim.projection_weight`,
    /// `sim.field_projection_weight`, the rest his salary's worth): the
    /// candidates are the lineups the simulation believes in.
    ModelMean,
    /// The projections file as it is: the plain optimizer's lineups.
    Projection,
}

impl Default for VariantsConfig {
    fn default() -> Self {
        VariantsConfig {
            count: 10,
            randomness: 0.15,
            center: VariantCenter::ModelMean,
        }
    }
}
