//! The ownership a field is calibrated to, and how strong that makes it.
//!
//! A field's mean lineup projection is the sum over players of ownership x
//! projection, whatever lineups hold them. Real DraftKings fields are stronger
//! than the projected ownership they are sampled by says: the real field
//! concentrates on better-projected players, and above all on value (points
//! above a player's salary's worth). `field_strength` sets that strength as a
//! share of the best lineup; the projected ownership is scaled to a full
//! roster and tilted by `exp(lambda x (projection + VALUE_TILT x (projection -
//! worth)) / mean projection)`, with `lambda` solved so the tilted ownership
//! reaches it. Casual entrants
//! cannot follow a target exactly (salary, floors, slots), so calibration
//! moves the goal it tilts to by what each round's pilot field missed.

use schemas::{Diagnostics, Slate};

/// Most tilt either way, in units of the drawable players' mean projection.
const MAX_TILT: f64 = 40.0;

/// Weight of value (projection less salary's worth at the slate's projected
/// points per dollar) against projection in the tilt. On the seven real NBA
/// contests at hand, log(real / projected ownership) rises 1.45 per mean
/// projection of value and 0.65 per mean projection of projection: about 2:1.
pub const VALUE_TILT: f64 = 2.2;

/// Target ownership per slate player (0 for players never drawn) and the tilt used.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Target {
    pub ownership: Vec<f64>,
    pub tilt: f64,
}

/// Mean lineup projection of `ownership` on `slate`.
pub(crate) fn lineup_projection(slate: &Slate, ownership: &[f64]) -> f64 {
    slate
        .players
        .iter()
        .zip(ownership)
        .map(|(p, &o)| o * p.projection)
        .sum()
}

fn drawable(p: &schemas::Player) -> bool {
    p.projection > 0.0 && p.ownership > 0.0
}

/// Projected ownership tilted by `tilt` and scaled to `roster` players per lineup.
fn tilted(slate: &Slate, roster: f64, mean: f64, per_dollar: f64, tilt: f64) -> Vec<f64> {
    let raw: Vec<f64> = slate
        .players
        .iter()
        .map(|p| {
            if drawable(p) {
                let value = p.projection - per_dollar * f64::from(p.salary);
                let score = (p.projection + VALUE_TILT * value) / mean;
                p.ownership * (tilt * score).exp()
            } else {
                0.0
            }
        })
        .collect();
    let total: f64 = raw.iter().sum();
    if total > 0.0 {
        raw.iter().map(|w| roster * w / total).collect()
    } else {
        raw
    }
}

/// The projected ownership of the drawable players (0 for the others).
pub(crate) fn projected(slate: &Slate) -> Target {
    Target {
        ownership: slate
            .players
            .iter()
            .map(|p| if drawable(p) { p.ownership } else { 0.0 })
            .collect(),
        tilt: 0.0,
    }
}

/// The mean lineup projection `field_strength` asks for: `strength x best`,
/// `None` without a strength or a best lineup (projected ownership as given).
pub(crate) fn goal(
    best: Option<f64>,
    strength: Option<f64>,
    diagnostics: &mut Diagnostics,
) -> Option<f64> {
    let (strength, best) = (strength?, best?);
    if !(strength.is_finite() && (0.0..=1.0).contains(&strength)) {
        diagnostics.warn(format!(
            "field_strength {strength} is outside 0..1; projected ownership used"
        ));
        return None;
    }
    Some(strength * best)
}

/// Projected ownership scaled to a full roster and tilted until its mean
/// lineup projection is `goal`; a goal out of reach takes the nearest
/// reachable tilt (`reached` says whether it was reached).
pub(crate) fn tilted_to(slate: &Slate, goal: f64) -> (Target, bool) {
    let roster = slate.rules.slots.len() as f64;
    let (n, sum, dollars) = slate
        .players
        .iter()
        .filter(|p| drawable(p))
        .fold((0usize, 0.0, 0.0), |(n, s, d), p| {
            (n + 1, s + p.projection, d + f64::from(p.salary))
        });
    if n == 0 || roster == 0.0 || dollars <= 0.0 {
        return (projected(slate), false);
    }
    let mean = sum / n as f64;
    let per_dollar = sum / dollars;
    let at = |t: f64| lineup_projection(slate, &tilted(slate, roster, mean, per_dollar, t));
    // The tilted mean projection rises with the tilt (its derivative is a variance).
    let (mut lo, mut hi) = (-MAX_TILT, MAX_TILT);
    if goal <= at(lo) || goal >= at(hi) {
        let t = if goal <= at(lo) { lo } else { hi };
        let target = Target {
            ownership: tilted(slate, roster, mean, per_dollar, t),
            tilt: t,
        };
        return (target, false);
    }
    for _ in 0..100 {
        let mid = 0.5 * (lo + hi);
        if at(mid) < goal {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    let t = 0.5 * (lo + hi);
    let target = Target {
        ownership: tilted(slate, roster, mean, per_dollar, t),
        tilt: t,
    };
    (target, true)
}
