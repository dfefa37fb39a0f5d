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
    /// Where the per-game correlations of teammates and opponents come from:
    /// `builtin` (the table of the slate's sport; independent for a sport
    /// without one), `none` (independent), or the path of a table YAML file
    /// (relative to the folder of this config file).
    #[schemars(with = "String")]
    pub correlations: CorrelationSource,
    /// How much of each player's simulated mean is his projection (0..1); the
    /// rest is the field's projection of him and his salary's worth at the slate's projected points per salary
    /// dollar. 1 takes projections as the truth, which flatters lineups built
    /// on them; salary knows something the projections miss. Fitted on real
    /// contests' actual points (see `configs/sim/default.yaml`).
    pub projection_weight: f64,
    /// How much of each player's simulated mean is the field's projection of
    /// him where the projections file gives one (`FieldFpts`, `Field Proj`).
    /// The crowd's view knows things a single provider misses, and lineups
    /// built on one provider's numbers are exactly the ones his errors
    /// flatter. The worth takes `1 - projection_weight -
    /// field_projection_weight`. Fitted on real contests' actual points (see
    /// `configs/sim/default.yaml`).
    pub field_projection_weight: f64,
    /// How much of a player's simulated mean is his projection where the
    /// file gives no field projection of him (0..1; the worth takes the
    /// rest). Without the crowd's view the projection alone carries more
    /// than `projection_weight`, but less than the two together: fitted on
    /// real contests' actual points with the projection alone.
    #[serde(default = "default_projection_alone_weight")]
    pub projection_alone_weight: f64,
    /// Factor on every player's std dev in the simulation. Provider std devs
    /// are too narrow for the players lineups are made of; fitted by the
    /// likelihood of real players' actual points, weighed by projected
    /// ownership (see `configs/sim/default.yaml`).
    pub std_dev_scale: f64,
    /// Probability (0..1) that a player has a dud: he scores uniformly between
    /// 0 and 15% of his mean (sat late, left hurt, benched in a blowout). The
    /// rest of his distribution is rescaled so his mean and std dev stay.
    pub dud_rate: f64,
    /// How strongly each simulated contest's field leans toward the lineups
    /// beating their means, per point: a field lineup is entered in proportion
    /// to its sampled copies times `exp(field_news x (its points - its mean
    /// points))`. Real fields enter after late news and gain on lineups built
    /// from projections alone; 0 leaves the field as sampled. Fitted on real
    /// fields' ownership against actual points (see `configs/sim/default.yaml`).
    pub field_news: f64,
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

/// Where the correlation table comes from. In YAML a string: `builtin`,
/// `none`, or the path of a table file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum CorrelationSource {
    /// `builtin`: the table built in for the slate's sport
    /// (`configs/correlations/`); players are independent when the sport has none.
    Builtin,
    /// `none`: no correlation, every player drawn independently.
    Independent,
    /// Any other string: a correlation table YAML file; a relative path is
    /// taken from the folder of the config file that names it.
    File(PathBuf),
}

impl TryFrom<String> for CorrelationSource {
    type Error = String;

    fn try_from(s: String) -> Result<Self, String> {
        let t = s.trim();
        if t.is_empty() {
            return Err(
                "correlations: expected builtin, none or a file path, got an empty string".into(),
            );
        }
        Ok(if t.eq_ignore_ascii_case("builtin") {
            CorrelationSource::Builtin
        } else if t.eq_ignore_ascii_case("none") {
            CorrelationSource::Independent
        } else {
            CorrelationSource::File(PathBuf::from(t))
        })
    }
}

impl From<CorrelationSource> for String {
    fn from(c: CorrelationSource) -> String {
        match c {
            CorrelationSource::Builtin => "builtin".into(),
            CorrelationSource::Independent => "none".into(),
            CorrelationSource::File(p) => p.to_string_lossy().into_owned(),
        }
    }
}

/// [`SimConfig::projection_alone_weight`]'s default (configs written before
/// the key existed read it too).
fn default_projection_alone_weight() -> f64 {
    0.74
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            iterations: 1_000,
            entries: None,
            max_exposure: 1.0,
            marginal: Marginal::Lognormal,
            correlations: CorrelationSource::Builtin,
            projection_weight: 0.45,
            field_projection_weight: 0.37,
            projection_alone_weight: default_projection_alone_weight(),
            std_dev_scale: 1.17,
            dud_rate: 0.02,
            field_news: 0.0042,
        }
    }
}
