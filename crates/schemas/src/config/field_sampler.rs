use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// field-sampler: how the opponents' field is drawn.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct FieldSamplerConfig {
    /// Opponents' entries (`None`: the contest's field size less our entries).
    pub field_size: Option<u32>,
    /// Least salary an opponent's lineup uses, in dollars.
    pub salary_floor: u32,
    /// Rounds of weight calibration toward projected ownership.
    pub calibration_rounds: u32,
}

impl Default for FieldSamplerConfig {
    fn default() -> Self {
        FieldSamplerConfig {
            field_size: None,
            salary_floor: 48_500,
            calibration_rounds: 8,
        }
    }
}
