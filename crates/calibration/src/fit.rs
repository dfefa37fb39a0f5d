//! Fitting the simulator's outcome model to real contests.
//!
//! A projection is an estimate. What a player really scores is fitted here
//! from contests whose actual points are known, by the same parametrisation
//! the simulator draws with (see `SimConfig` and `FieldSamplerConfig`):
//!
//! - mean: `w x projection + (1 - w) x salary's worth` (the slate's projected
//!   points per salary dollar times his salary), `w` by least squares;
//! - spread: `sqrt((floor x slate mean projection)^2 + (scale x std dev)^2)`,
//!   with a dud (uniformly between 0 and [`gpp_sim::DUD_SHARE`] of the mean)
//!   at rate `dud`, the rest log-normal with the mean and std dev that keep the
//!   mixture's: `floor`, `scale` and `dud` by maximum likelihood on a grid;
//! - field strength: the real field's mean lineup projection over the best
//!   lineup's, averaged over contests.
//!
//! [`leave_one_out`] fits on every contest but one, for each one, so that a
//! replay of a contest uses a model that never saw it.

use gpp_sim::DUD_SHARE;
use serde::Serialize;

/// One player of a real contest: what was known before lock and what he scored.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlayerOutcome {
    pub projection: f64,
    pub salary: f64,
    /// The std dev the simulator gets for him (the provider's, or the model's).
    pub std_dev: f64,
    /// His actual fantasy points.
    pub actual: f64,
}

/// What one real contest tells about the model.
#[derive(Debug, Clone, PartialEq)]
pub struct ContestEvidence {
    /// Players projected above 0 whose actual points are known.
    pub players: Vec<PlayerOutcome>,
    /// The real field's mean lineup projection (sum over players of real
    /// ownership x projection).
    pub field_projection: f64,
    /// The best lineup's projection under the sport's rules.
    pub best_projection: f64,
}

/// The fitted model: the sim and field-sampler keys it sets.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ModelFit {
    pub projection_weight: f64,
    pub std_dev_floor: f64,
    pub std_dev_scale: f64,
    pub dud_rate: f64,
    pub field_strength: f64,
    /// Players and contests the fit saw.
    pub players: usize,
    pub contests: usize,
}

/// Grid of the spread fit: dud rates, floors, scales.
const DUDS: [f64; 9] = [0.0, 0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.07, 0.08];
const FLOORS: [f64; 13] = [
    0.0, 0.06, 0.12, 0.18, 0.24, 0.3, 0.36, 0.42, 0.48, 0.54, 0.6, 0.66, 0.72,
];
const SCALES: [f64; 13] = [
    0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.3, 1.4,
];

/// Least actual points a log-normal density is taken at (a player can score 0).
const MIN_POINTS: f64 = 0.05;

/// A player seen through one contest's slate: mean ingredients and spread base.
#[derive(Debug, Clone, Copy)]
struct Obs {
    projection: f64,
    worth: f64,
    std_dev: f64,
    slate_mean: f64,
    actual: f64,
}

fn observations(contests: &[&ContestEvidence]) -> Vec<Obs> {
    let mut out = Vec::new();
    for c in contests {
        let ps: Vec<&PlayerOutcome> = c
            .players
            .iter()
            .filter(|p| p.projection > 0.0 && p.actual.is_finite())
            .collect();
        let points: f64 = ps.iter().map(|p| p.projection).sum();
        let dollars: f64 = ps.iter().map(|p| p.salary).sum();
        if ps.is_empty() || dollars <= 0.0 {
            continue;
        }
        let per_dollar = points / dollars;
        let slate_mean = points / ps.len() as f64;
        out.extend(ps.iter().map(|p| Obs {
            projection: p.projection,
            worth: per_dollar * p.salary,
            std_dev: p.std_dev,
            slate_mean,
            actual: p.actual,
        }));
    }
    out
}

/// `w` minimising the squared error of `w x projection + (1 - w) x worth`, in 0..1.
fn projection_weight(obs: &[Obs]) -> f64 {
    let (num, den) = obs.iter().fold((0.0, 0.0), |(n, d), o| {
        let x = o.projection - o.worth;
        (n + (o.actual - o.worth) * x, d + x * x)
    });
    if den > 0.0 {
        (num / den).clamp(0.0, 1.0)
    } else {
        1.0
    }
}

/// Log-likelihood of the actual points under the mixture with these parameters.
fn log_likelihood(obs: &[Obs], w: f64, floor: f64, scale: f64, dud: f64) -> f64 {
    let mut total = 0.0;
    for o in obs {
        let m = w * o.projection + (1.0 - w) * o.worth;
        if m <= 0.0 {
            continue;
        }
        let sd = (floor * o.slate_mean).hypot(scale * o.std_dev);
        let top = DUD_SHARE * m;
        let rest_mean = (m - dud * top / 2.0) / (1.0 - dud);
        let second = (m * m + sd * sd - dud * top * top / 3.0) / (1.0 - dud);
        let rest_var = second - rest_mean * rest_mean;
        let mut density = if dud > 0.0 && o.actual < top {
            dud / top
        } else {
            0.0
        };
        if rest_var > 0.0 && rest_mean > 0.0 {
            let s2 = (rest_var / (rest_mean * rest_mean)).ln_1p();
            let mu = rest_mean.ln() - s2 / 2.0;
            let x = o.actual.max(MIN_POINTS);
            let z = (x.ln() - mu) / s2.sqrt();
            density +=
                (1.0 - dud) * (-0.5 * z * z).exp() / (x * (2.0 * std::f64::consts::PI * s2).sqrt());
        }
        total += density.max(1e-300).ln();
    }
    total
}

/// Fits the model on `contests` (see the module docs). `None` when they hold
/// no usable player.
pub fn fit(contests: &[&ContestEvidence]) -> Option<ModelFit> {
    let obs = observations(contests);
    if obs.is_empty() {
        return None;
    }
    let w = projection_weight(&obs);
    let mut best = (f64::NEG_INFINITY, 0.0, 1.0, 0.0);
    for &dud in &DUDS {
        for &floor in &FLOORS {
            for &scale in &SCALES {
                let ll = log_likelihood(&obs, w, floor, scale, dud);
                // Strictly better only: the grid's order breaks ties, so the fit is deterministic.
                if ll > best.0 {
                    best = (ll, floor, scale, dud);
                }
            }
        }
    }
    let ratios: Vec<f64> = contests
        .iter()
        .filter(|c| c.best_projection > 0.0 && c.field_projection > 0.0)
        .map(|c| c.field_projection / c.best_projection)
        .collect();
    let field_strength = if ratios.is_empty() {
        0.0
    } else {
        ratios.iter().sum::<f64>() / ratios.len() as f64
    };
    Some(ModelFit {
        projection_weight: w,
        std_dev_floor: best.1,
        std_dev_scale: best.2,
        dud_rate: best.3,
        field_strength,
        players: obs.len(),
        contests: contests.len(),
    })
}

/// For each contest, the fit on all the others (`None` with fewer than two contests).
pub fn leave_one_out(contests: &[ContestEvidence]) -> Vec<Option<ModelFit>> {
    (0..contests.len())
        .map(|k| {
            let others: Vec<&ContestEvidence> = contests
                .iter()
                .enumerate()
                .filter(|&(i, _)| i != k)
                .map(|(_, c)| c)
                .collect();
            if others.is_empty() {
                None
            } else {
                fit(&others)
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::{Rng, SeedableRng};
    use rand_pcg::Pcg64Mcg;

    /// A contest drawn from a known model: projections are the truth's
    /// estimate with error, salaries price the truth, outcomes log-normal
    /// around the truth with duds.
    fn synthetic(seed: u64, w: f64, floor: f64, scale: f64, dud: f64) -> ContestEvidence {
        let mut rng = Pcg64Mcg::seed_from_u64(seed);
        let normal = |rng: &mut Pcg64Mcg| -> f64 {
            // Box-Muller: the test needs no distribution crate.
            let (u, v): (f64, f64) = (rng.random::<f64>().max(1e-12), rng.random());
            (-2.0 * u.ln()).sqrt() * (2.0 * std::f64::consts::PI * v).cos()
        };
        let n = 2000;
        let salaries: Vec<f64> = (0..n)
            .map(|_| 3000.0 + 8000.0 * rng.random::<f64>())
            .collect();
        // Projection and worth scatter around a common truth so that the best
        // linear mean is w x projection + (1 - w) x worth.
        let worth: Vec<f64> = salaries.iter().map(|s| s * 0.005).collect();
        let projections: Vec<f64> = worth
            .iter()
            .map(|&v| (v + 6.0 * normal(&mut rng)).max(1.0))
            .collect();
        let std_devs: Vec<f64> = projections.iter().map(|p| 0.3 * p).collect();
        let points: f64 = projections.iter().sum();
        let dollars: f64 = salaries.iter().sum();
        let slate_mean = points / n as f64;
        let players = (0..n)
            .map(|i| {
                let m = w * projections[i] + (1.0 - w) * points / dollars * salaries[i];
                let sd = (floor * slate_mean).hypot(scale * std_devs[i]);
                let top = DUD_SHARE * m;
                let actual = if rng.random::<f64>() < dud {
                    top * rng.random::<f64>()
                } else {
                    let rest_mean = (m - dud * top / 2.0) / (1.0 - dud);
                    let second = (m * m + sd * sd - dud * top * top / 3.0) / (1.0 - dud);
                    let s2 = ((second - rest_mean * rest_mean) / (rest_mean * rest_mean)).ln_1p();
                    (rest_mean.ln() - s2 / 2.0 + s2.sqrt() * normal(&mut rng)).exp()
                };
                PlayerOutcome {
                    projection: projections[i],
                    salary: salaries[i],
                    std_dev: std_devs[i],
                    actual,
                }
            })
            .collect();
        ContestEvidence {
            players,
            field_projection: 0.9 * 300.0,
            best_projection: 300.0,
        }
    }

    #[test]
    fn fit_recovers_the_model_that_drew_the_outcomes() {
        let contests: Vec<ContestEvidence> =
            (0..4).map(|s| synthetic(s, 0.7, 0.36, 0.6, 0.04)).collect();
        let refs: Vec<&ContestEvidence> = contests.iter().collect();
        let f = fit(&refs).unwrap();
        assert!((f.projection_weight - 0.7).abs() < 0.05, "{f:?}");
        assert!((f.std_dev_floor - 0.36).abs() <= 0.06 + 1e-9, "{f:?}");
        assert!((f.std_dev_scale - 0.6).abs() <= 0.2 + 1e-9, "{f:?}");
        assert!((f.dud_rate - 0.04).abs() <= 0.01 + 1e-9, "{f:?}");
        assert!((f.field_strength - 0.9).abs() < 1e-12);
        assert_eq!((f.players, f.contests), (8000, 4));
    }

    #[test]
    fn no_duds_and_no_floor_are_found_when_there_are_none() {
        let contests = [
            synthetic(9, 1.0, 0.0, 1.0, 0.0),
            synthetic(10, 1.0, 0.0, 1.0, 0.0),
        ];
        let f = fit(&contests.iter().collect::<Vec<_>>()).unwrap();
        assert!(
            f.dud_rate <= 0.01 + 1e-9 && f.std_dev_floor <= 0.06 + 1e-9,
            "{f:?}"
        );
        assert!((f.std_dev_scale - 1.0).abs() <= 0.1 + 1e-9, "{f:?}");
        assert!(f.projection_weight > 0.95, "{f:?}");
    }

    #[test]
    fn leave_one_out_never_sees_the_contest_it_predicts() {
        // One contest drawn from a very different model: only the folds that
        // keep it move toward it.
        let mut contests: Vec<ContestEvidence> = (0..3)
            .map(|s| synthetic(20 + s, 0.8, 0.3, 0.6, 0.02))
            .collect();
        contests.push(synthetic(99, 0.2, 0.3, 0.6, 0.02));
        let folds = leave_one_out(&contests);
        assert_eq!(folds.len(), 4);
        let w: Vec<f64> = folds.iter().map(|f| f.unwrap().projection_weight).collect();
        // The fold without contest 3 fits the three alike ones.
        assert!((w[3] - 0.8).abs() < 0.05, "{w:?}");
        assert!(w[..3].iter().all(|&x| x < w[3] - 0.05), "{w:?}");
        assert!(folds.iter().all(|f| f.unwrap().contests == 3));
        assert_eq!(leave_one_out(&contests[..1]), vec![None]);
    }
}
