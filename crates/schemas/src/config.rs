//! Stage configs. Every key is optional; defaults match `configs/*/default.yaml`.

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
            count: 40,
            randomness: 0.5,
        }
    }
}

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
