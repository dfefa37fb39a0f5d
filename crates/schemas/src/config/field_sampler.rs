use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// field-sampler: how the opponents' field is drawn.
///
/// The field mixes two kinds of entrants. *Sharp* entrants run an optimizer on
/// their own noisy copy of the public projection; *casual* entrants pick players
/// by (calibrated) ownership, within the salary and projection floors. The
/// defaults are chosen on principles (see `configs/field_sampler/default.yaml`),
/// not tuned per slate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct FieldSamplerConfig {
    /// Opponents' entries (`None`: the contest's field size less our entries).
    pub field_size: Option<u32>,
    /// Least salary any opponent's lineup uses, in dollars.
    pub salary_floor: u32,
    /// Share (0..1) of casual entrants who leave at most `tight_salary_left`
    /// dollars unspent; the others only respect `salary_floor`.
    pub tight_salary_share: f64,
    /// Most dollars a "tight" casual entrant leaves unspent.
    pub tight_salary_left: u32,
    /// Least base projection of a casual lineup, as a share (0..1) of the best
    /// lineup's base projection (0 turns the floor off).
    pub projection_floor: f64,
    /// Share (0..1) of entrants who are sharp: optimizer-built lineups.
    pub sharp_share: f64,
    /// A sharp entrant's own noise on top of its source's, in standard deviations
    /// per player: each builds its best lineup for
    /// `field + (sharp_source_noise x z_source + sharp_noise x z_own) x std_dev`,
    /// where `field` is the player's field projection if the slate has one,
    /// else his projection. Sharp builds may pick players projected at 0% owned.
    pub sharp_noise: f64,
    /// Share (0..1) of sharp entrants who build on the projections file as it
    /// is (its provider's own users, with their own noise): real fields hold
    /// copies of the file's optimal lineups.
    pub sharp_public_share: f64,
    /// Projection sources the other sharp entrants share (sites, models): each
    /// uses one at random, so sharp lineups cluster by source.
    pub sharp_sources: u32,
    /// Noise of a source against the field's projection (else the projection), in
    /// standard deviations per player.
    pub sharp_source_noise: f64,
    /// Rounds of weight calibration toward the target ownership.
    pub calibration_rounds: u32,
    /// How strong the field is: its mean lineup projection (the sum over players
    /// of ownership x projection) as a share (0..1) of the best lineup's base
    /// projection. Projected ownership is scaled to a full roster and tilted
    /// toward higher projections until the field is this strong; that is the
    /// ownership casual entrants are calibrated to. `None` calibrates to
    /// projected ownership as given. Real fields are stronger than projected
    /// ownership says (see `configs/field_sampler/default.yaml`).
    pub field_strength: Option<f64>,
    /// Stacking: positions of the stack's anchor (NFL: `QB`). The anchor's slot
    /// is filled first. Positions the sport does not know are ignored, so a
    /// sport without them (NBA) has no stacking.
    pub stack_anchor: Vec<String>,
    /// Positions of the anchor's teammates that count as his stack partners (NFL: `WR`, `TE`).
    pub stack_partners: Vec<String>,
    /// Positions of the anchor's opponents that count as a bring-back.
    pub stack_bring_back: Vec<String>,
    /// Share (0..1) of entrants holding exactly one partner of their anchor (sharp
    /// entrants' builds are repaired into their stack).
    pub stack_one_share: f64,
    /// Share (0..1) of entrants holding exactly two partners of their anchor; the
    /// rest hold none.
    pub stack_two_share: f64,
    /// Share (0..1) of stacking entrants who add one bring-back; the
    /// others hold no player of the anchor's opponent at those positions.
    pub bring_back_share: f64,
}

impl Default for FieldSamplerConfig {
    fn default() -> Self {
        FieldSamplerConfig {
            field_size: None,
            salary_floor: 47_000,
            tight_salary_share: 0.75,
            tight_salary_left: 1_000,
            projection_floor: 0.85,
            sharp_share: 0.35,
            sharp_noise: 0.25,
            sharp_public_share: 0.1,
            sharp_sources: 30,
            sharp_source_noise: 0.7,
            calibration_rounds: 8,
            field_strength: None,
            stack_anchor: vec!["QB".into()],
            stack_partners: vec!["WR".into(), "TE".into()],
            stack_bring_back: vec!["RB".into(), "WR".into(), "TE".into()],
            stack_one_share: 0.45,
            stack_two_share: 0.30,
            bring_back_share: 0.35,
        }
    }
}
