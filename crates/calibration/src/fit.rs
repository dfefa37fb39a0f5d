//! Fitting the simulator's outcome model and the field's strength to real
//! contests, in the parametrisation the simulator and the sampler use
//! (`SimConfig`, `FieldSamplerConfig`):
//!
//! - `projection_weight` and `field_projection_weight`: a player's mean is
//!   `a x projection + b x field projection + (1 - a - b) x worth` (his
//!   salary at the slate's projected points per dollar), `a` and `b` by
//!   least squares on the actual points of the players with a field
//!   projection; `projection_alone_weight`: without one, `c x projection +
//!   (1 - c) x worth`, `c` by least squares on every player's.
//! - `field_news`: how strongly the field leans toward the lineups beating
//!   their means, such that the simulated field gains on a field at projected
//!   ownership what the real fields gained (see `gpp_sim`'s field news).
//! - `std_dev_scale` and `dud_rate`: a factor on every std dev, and the
//!   share of games scored between 0 and [`gpp_sim::DUD_SHARE`] of the mean
//!   beyond what a log-normal gives, by maximum likelihood of the players'
//!   actual points, each player weighed by his projected ownership. Lineups
//!   are made of those players: a bench player nobody rosters says little
//!   about the spread that decides who wins. (The
//!   real field's lineup spread, 99th percentile less median, is reported
//!   next to the simulated one as a check. Fitted to it instead, the scale
//!   came out near 0.93 where the rostered players spread about 1.2 times
//!   their std devs, and the replayed entries finished well short of the
//!   predictions: `dfs backtest --loo`.)
//! - `field_strength`: the real field's mean lineup projection over the best
//!   lineup's, averaged over contests (measured; the orchestrator does not
//!   apply it, see `configs/field_sampler/default.yaml`).
//!
//! [`leave_one_out`] fits on every contest but one, for each one, so that a
//! replay of a contest can use a model that never saw it.

use gpp_sim::{
    CopulaModel, DUD_SHARE, MeanWeights, OutcomeModel, blend_means, draw_iteration, scale_std_devs,
};
use rayon::prelude::*;
use schemas::{CorrelationTable, Marginal, Slate};
use serde::Serialize;

use crate::CalibrationError;

/// What one real contest tells about the model.
#[derive(Debug, Clone, PartialEq)]
pub struct ContestEvidence {
    /// The slate as the simulator receives it: projections, std devs, games.
    pub slate: Slate,
    /// The sport's correlation table (`None`: players independent).
    pub correlations: Option<CorrelationTable>,
    /// Actual points per slate row (`None`: unknown).
    pub actual: Vec<Option<f64>>,
    /// The real field's complete lineups, as slate rows.
    pub field: Vec<Vec<u32>>,
    /// Their DraftKings points, in the same order.
    pub field_points: Vec<f64>,
    /// The best lineup's projection under the sport's rules.
    pub best_projection: f64,
}

/// The fitted model: the sim and field-sampler keys it sets, and what it saw.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ModelFit {
    pub projection_weight: f64,
    pub field_projection_weight: f64,
    pub projection_alone_weight: f64,
    pub std_dev_scale: f64,
    pub dud_rate: f64,
    pub field_news: f64,
    pub field_strength: f64,
    /// Points per lineup the real fields gained, on average, over fields
    /// entered at projected ownership, on the players' actual points less
    /// their fitted means: what `field_news` reproduces.
    pub news_gain: f64,
    /// Players (projected above 0, actual points known) and contests seen.
    pub players: usize,
    pub contests: usize,
    /// Pooled over the contests: the real fields' lineup spread (99th
    /// percentile less median) and the simulated one at the fitted scale, a
    /// check the fit does not aim at.
    pub real_spread: f64,
    pub simulated_spread: f64,
}

/// Dud rates tried by the likelihood fit.
const DUDS: [f64; 11] = [
    0.0, 0.005, 0.01, 0.015, 0.02, 0.025, 0.03, 0.035, 0.04, 0.05, 0.06,
];

/// Spread factors the likelihood fit tries before refining the best.
const PLAYER_SCALES: [f64; 17] = [
    0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.3, 1.4, 1.5, 1.6, 1.8, 2.0, 2.5,
];

/// Golden-section steps refining the scale (the bracket shrinks to 0.2% of
/// its width).
const SCALE_STEPS: u32 = 13;

/// Simulated iterations per contest and most field lineups scored in each.
const ITERATIONS: u64 = 40;
const MAX_LINEUPS: usize = 5_000;

/// The lean at which the simulated field's news gain is measured, per point:
/// near the fitted one, where the gain is close to linear in the lean.
const PROBE_LEAN: f64 = 0.008;

/// Seed of the fit's draws: fixed, so a fit is a function of its evidence.
const SEED: u64 = 0x5eed_ca1b;

/// Least actual points a log-normal density is taken at (a player can score 0).
const MIN_POINTS: f64 = 0.05;

/// A player's mean ingredients, std dev and actual points.
#[derive(Debug, Clone, Copy)]
struct Obs {
    projection: f64,
    field: Option<f64>,
    worth: f64,
    std_dev: f64,
    actual: f64,
    /// How much the player counts in the spread fit: his share of the
    /// slate's projected ownership.
    weight: f64,
}

/// Players projected above 0 (base rows) with known actual points.
fn observations(c: &ContestEvidence) -> Vec<Obs> {
    let Some(per_dollar) = c.slate.points_per_dollar() else {
        return Vec::new();
    };
    let weights = ownership_shares(c);
    c.slate
        .players
        .iter()
        .zip(&c.actual)
        .zip(&weights)
        .filter(|((p, _), _)| p.captain_of.is_none() && p.projection > 0.0)
        .filter_map(|((p, a), &weight)| {
            let actual = (*a)?;
            actual.is_finite().then_some(Obs {
                projection: p.projection,
                field: p.field_projection,
                worth: per_dollar * f64::from(p.salary),
                std_dev: p.std_dev,
                actual,
                weight,
            })
        })
        .collect()
}

/// Per slate row, the player's share of the slate's projected ownership, a
/// captain row's counted for his base row (the row his outcome is drawn
/// for). Projected, not real: the real field leans toward the players who
/// then scored, and weighing by it would tilt the fit toward them.
fn ownership_shares(c: &ContestEvidence) -> Vec<f64> {
    let players = &c.slate.players;
    let mut shares = vec![0.0; players.len()];
    for (i, p) in players.iter().enumerate() {
        let base = p.captain_of.map_or(i, |b| b as usize);
        if let Some(s) = shares.get_mut(base) {
            *s += p.ownership.max(0.0);
        }
    }
    let total: f64 = shares.iter().sum();
    if total > 0.0 {
        shares.iter_mut().for_each(|s| *s /= total);
    }
    shares
}

/// The weights minimising the squared error of the mean
/// ([`MeanWeights::mean`]) against the actual points. Where a player has a
/// field projection: least squares of `actual - worth` on `projection -
/// worth` and `field - worth`, over the players that have one; a solution
/// outside the simplex is clamped onto it. Where he has none: least squares
/// on `projection - worth` alone, over every player. Without any field
/// projection the first is the second, the field's weight 0.
fn mean_weights(obs: &[Obs]) -> MeanWeights {
    let one = |s: f64, sy: f64| {
        if s > 0.0 {
            (sy / s).clamp(0.0, 1.0)
        } else {
            1.0
        }
    };
    let (mut sxx, mut sxy) = (0.0, 0.0);
    for o in obs {
        let x = o.projection - o.worth;
        sxx += x * x;
        sxy += x * (o.actual - o.worth);
    }
    let alone = one(sxx, sxy);
    let only_projection = MeanWeights {
        projection: alone,
        field_projection: 0.0,
        projection_alone: alone,
    };
    let with: Vec<(&Obs, f64)> = obs.iter().filter_map(|o| o.field.map(|f| (o, f))).collect();
    if with.is_empty() {
        return only_projection;
    }
    let (mut s11, mut s12, mut s22, mut s1y, mut s2y) = (0.0, 0.0, 0.0, 0.0, 0.0);
    for &(o, f) in &with {
        let x1 = o.projection - o.worth;
        let x2 = f - o.worth;
        let y = o.actual - o.worth;
        s11 += x1 * x1;
        s12 += x1 * x2;
        s22 += x2 * x2;
        s1y += x1 * y;
        s2y += x2 * y;
    }
    let weights = |projection: f64, field_projection: f64| MeanWeights {
        projection,
        field_projection,
        projection_alone: alone,
    };
    let det = s11 * s22 - s12 * s12;
    // The field column adds nothing (a copy of the projection).
    if det.is_nan() || det <= 1e-9 * s11 * s22 {
        return weights(one(s11, s1y), 0.0);
    }
    let a = (s22 * s1y - s12 * s2y) / det;
    let b = (s11 * s2y - s12 * s1y) / det;
    if a >= 0.0 && b >= 0.0 && a + b <= 1.0 {
        return weights(a, b);
    }
    // The best point on the simplex's edges: one weight alone, or the two
    // summing to 1 (the worth left out).
    let sse = |w: MeanWeights| -> f64 {
        with.iter()
            .map(|&(o, f)| (o.actual - w.mean(o.projection, Some(f), o.worth)).powi(2))
            .sum()
    };
    let s_diff = s11 - 2.0 * s12 + s22;
    let on_sum = if s_diff > 0.0 {
        // actual - field = a (projection - field) with b = 1 - a.
        let a = ((s1y - s2y - s12 + s22) / s_diff).clamp(0.0, 1.0);
        weights(a, 1.0 - a)
    } else {
        weights(1.0, 0.0)
    };
    [
        weights(one(s11, s1y), 0.0),
        weights(0.0, one(s22, s2y)),
        on_sum,
    ]
    .into_iter()
    .min_by(|x, y| sse(*x).total_cmp(&sse(*y)))
    .unwrap_or(only_projection)
}

/// Log-likelihood of the actual points under the dud mixture: a dud uniform
/// in `[0, DUD_SHARE x m]`, the rest log-normal with the mixture's mean `m`
/// and std dev `scale x std dev` kept, as the simulator draws; each player's
/// term times his weight.
fn log_likelihood(obs: &[Obs], w: MeanWeights, scale: f64, dud: f64) -> f64 {
    let mut total = 0.0;
    for o in obs {
        let m = w.mean(o.projection, o.field, o.worth);
        let sd = scale * o.std_dev;
        if m <= 0.0 || sd <= 0.0 {
            continue;
        }
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
        total += o.weight * density.max(1e-300).ln();
    }
    total
}

/// The most likely `(scale, dud)` pair: the grid's best, its scale then
/// refined by golden-section search between the grid's neighbours (the
/// likelihood is smooth and single-peaked in the scale).
fn spread_and_duds(obs: &[Obs], w: MeanWeights) -> (f64, f64) {
    let mut best = (f64::NEG_INFINITY, 1.0, 0.0);
    for &dud in &DUDS {
        for &scale in &PLAYER_SCALES {
            let ll = log_likelihood(obs, w, scale, dud);
            // Strictly better only: the grid's order breaks ties deterministically.
            if ll > best.0 {
                best = (ll, scale, dud);
            }
        }
    }
    let (_, grid_scale, dud) = best;
    let at = PLAYER_SCALES
        .iter()
        .position(|&s| s == grid_scale)
        .unwrap_or(0);
    let (mut lo, mut hi) = (
        PLAYER_SCALES[at.saturating_sub(1)],
        PLAYER_SCALES[(at + 1).min(PLAYER_SCALES.len() - 1)],
    );
    let golden = (5f64.sqrt() - 1.0) / 2.0;
    for _ in 0..SCALE_STEPS {
        let (a, b) = (hi - golden * (hi - lo), lo + golden * (hi - lo));
        if log_likelihood(obs, w, a, dud) >= log_likelihood(obs, w, b, dud) {
            hi = b;
        } else {
            lo = a;
        }
    }
    (0.5 * (lo + hi), dud)
}

/// The 99th percentile less the median of `scores` (sorted in place).
fn spread(scores: &mut [f64]) -> f64 {
    if scores.is_empty() {
        return 0.0;
    }
    scores.sort_by(f64::total_cmp);
    let at = |q: f64| scores[((q * (scores.len() - 1) as f64).round()) as usize];
    at(0.99) - at(0.5)
}

/// Every how many real lineups one is simulated: at most [`MAX_LINEUPS`].
fn step(c: &ContestEvidence) -> usize {
    c.field.len().div_ceil(MAX_LINEUPS).max(1)
}

/// The real field's lineups to simulate.
fn lineups(c: &ContestEvidence) -> impl Iterator<Item = &Vec<u32>> {
    c.field.iter().step_by(step(c))
}

/// The model of a contest's slate and the means it draws around.
fn model_of(
    k: usize,
    c: &ContestEvidence,
    w: MeanWeights,
    scale: f64,
    dud: f64,
) -> Result<(CopulaModel, Vec<f64>), CalibrationError> {
    let slate = scale_std_devs(&blend_means(&c.slate, w), scale);
    let model = CopulaModel::new(&slate, c.correlations.as_ref(), Marginal::Lognormal)
        .map_err(|e| CalibrationError::Model {
            contest: k,
            message: e.to_string(),
        })?
        .with_dud_rate(&slate, Marginal::Lognormal, dud);
    Ok((model, slate.players.iter().map(|p| p.projection).collect()))
}

/// The mean simulated spread of a contest's real field under the model.
fn simulated_spread(
    k: usize,
    c: &ContestEvidence,
    w: MeanWeights,
    scale: f64,
    dud: f64,
) -> Result<f64, CalibrationError> {
    let (model, _) = model_of(k, c, w, scale, dud)?;
    let mut points = vec![0.0f32; model.player_count()];
    let mut total = 0.0;
    for it in 0..ITERATIONS {
        draw_iteration(&model, SEED, it, &mut points);
        let mut scores: Vec<f64> = lineups(c)
            .map(|l| l.iter().map(|&i| f64::from(points[i as usize])).sum())
            .collect();
        total += spread(&mut scores);
    }
    Ok(total / ITERATIONS as f64)
}

/// Points per lineup the real field gained over a field entered at projected
/// ownership, on actual points less the means: the sum over players of
/// (real share - projected share) x (actual - mean), shares of lineups
/// holding the player (a lineup's players sum to its size). `None` without a
/// field or projected ownership.
fn real_news_gain(c: &ContestEvidence, means: &[f64]) -> Option<f64> {
    let size = c.field.first()?.len() as f64;
    let owned: f64 = c.slate.players.iter().map(|p| p.ownership).sum();
    if owned <= 0.0 {
        return None;
    }
    let mut held = vec![0u64; c.slate.players.len()];
    for &i in c.field.iter().flatten() {
        held[i as usize] += 1;
    }
    let lineups = c.field.len() as f64;
    let gain = c
        .slate
        .players
        .iter()
        .zip(&held)
        .zip(means.iter().zip(&c.actual))
        .filter_map(|((p, &h), (&m, a))| {
            let real = h as f64 / lineups;
            let projected = p.ownership * size / owned;
            a.map(|a| (real - projected) * (a - m))
        })
        .sum();
    Some(gain)
}

/// The simulated news gain per unit of lean: the real field's lineups,
/// weighed by `exp(PROBE_LEAN x (points - mean points))` in each iteration,
/// gain this much over the same lineups unweighed, on points less means,
/// divided by the lean.
fn news_gain_per_lean(model: &CopulaModel, means: &[f64], c: &ContestEvidence) -> f64 {
    let mut points = vec![0.0f32; model.player_count()];
    let mut total = 0.0;
    for it in 0..ITERATIONS {
        draw_iteration(model, SEED ^ 0x6e65_7773, it, &mut points);
        let residuals: Vec<f64> = lineups(c)
            .map(|l| {
                l.iter()
                    .map(|&i| f64::from(points[i as usize]) - means[i as usize])
                    .sum()
            })
            .collect();
        let n = residuals.len().max(1) as f64;
        let (mut weighed, mut weights) = (0.0, 0.0);
        for &r in &residuals {
            let w = (PROBE_LEAN * r).exp();
            weighed += w * r;
            weights += w;
        }
        if weights > 0.0 {
            total += weighed / weights - residuals.iter().sum::<f64>() / n;
        }
    }
    total / ITERATIONS as f64 / PROBE_LEAN
}

/// The lean that gives the simulated fields of `contests` the news gain the
/// real ones had, pooled, and the real gain per contest: `(lean, gain)`.
fn field_news(
    contests: &[(usize, &ContestEvidence)],
    w: MeanWeights,
    scale: f64,
    dud: f64,
) -> Result<(f64, f64), CalibrationError> {
    let parts: Result<Vec<Option<(f64, f64)>>, CalibrationError> = contests
        .par_iter()
        .map(|&(k, c)| {
            let (model, means) = model_of(k, c, w, scale, dud)?;
            Ok(real_news_gain(c, &means).map(|g| (g, news_gain_per_lean(&model, &means, c))))
        })
        .collect();
    let parts: Vec<(f64, f64)> = parts?.into_iter().flatten().collect();
    let real: f64 = parts.iter().map(|p| p.0).sum();
    let per_lean: f64 = parts.iter().map(|p| p.1).sum();
    let lean = if per_lean > 0.0 {
        (real / per_lean).clamp(0.0, 1.0)
    } else {
        0.0
    };
    Ok((lean, real / parts.len().max(1) as f64))
}

/// Pooled simulated spread of `contests` at `scale`, contests in parallel.
fn pooled_spread(
    contests: &[(usize, &ContestEvidence)],
    w: MeanWeights,
    scale: f64,
    dud: f64,
) -> Result<f64, CalibrationError> {
    let parts: Result<Vec<f64>, CalibrationError> = contests
        .par_iter()
        .map(|&(k, c)| simulated_spread(k, c, w, scale, dud))
        .collect();
    Ok(parts?.iter().sum())
}

/// Fits the model on `contests` (see the module docs); the indices name a
/// contest in errors. `Ok(None)` when they hold no usable player.
fn fit(contests: &[(usize, &ContestEvidence)]) -> Result<Option<ModelFit>, CalibrationError> {
    let obs: Vec<Obs> = contests.iter().flat_map(|(_, c)| observations(c)).collect();
    if obs.is_empty() {
        return Ok(None);
    }
    let w = mean_weights(&obs);
    let (scale, dud) = spread_and_duds(&obs, w);
    let with_field: Vec<(usize, &ContestEvidence)> = contests
        .iter()
        .copied()
        .filter(|(_, c)| !c.field.is_empty() && c.field.len() == c.field_points.len())
        .collect();
    let real_spread: f64 = with_field
        .iter()
        .map(|(_, c)| {
            let mut real: Vec<f64> = c.field_points.iter().step_by(step(c)).copied().collect();
            spread(&mut real)
        })
        .sum();
    let simulated = pooled_spread(&with_field, w, scale, dud)?;
    let (news, news_gain) = field_news(&with_field, w, scale, dud)?;
    let ratios: Vec<f64> = contests
        .iter()
        .filter(|(_, c)| c.best_projection > 0.0 && !c.field.is_empty())
        .map(|(_, c)| mean_field_projection(c) / c.best_projection)
        .collect();
    let field_strength = if ratios.is_empty() {
        0.0
    } else {
        ratios.iter().sum::<f64>() / ratios.len() as f64
    };
    Ok(Some(ModelFit {
        projection_weight: w.projection,
        field_projection_weight: w.field_projection,
        projection_alone_weight: w.projection_alone,
        std_dev_scale: scale,
        dud_rate: dud,
        field_news: news,
        field_strength,
        news_gain,
        players: obs.len(),
        contests: contests.len(),
        real_spread,
        simulated_spread: simulated,
    }))
}

/// The real field's mean lineup projection.
fn mean_field_projection(c: &ContestEvidence) -> f64 {
    let total: f64 = c
        .field
        .iter()
        .map(|l| {
            l.iter()
                .map(|&i| c.slate.players[i as usize].projection)
                .sum::<f64>()
        })
        .sum();
    total / c.field.len().max(1) as f64
}

/// Checks that every lineup row is on its slate, so the fit can index freely.
fn check(contests: &[ContestEvidence]) -> Result<(), CalibrationError> {
    for c in contests {
        let players = c.slate.players.len();
        if c.actual.len() != players {
            return Err(CalibrationError::LengthMismatch {
                what: "actual points",
                expected: players,
                found: c.actual.len(),
            });
        }
        if let Some(&index) = c.field.iter().flatten().find(|&&i| i as usize >= players) {
            return Err(CalibrationError::PlayerIndex {
                index: index as usize,
                players,
            });
        }
    }
    Ok(())
}

/// The fit on every contest.
pub fn fit_all(contests: &[ContestEvidence]) -> Result<Option<ModelFit>, CalibrationError> {
    check(contests)?;
    let all: Vec<(usize, &ContestEvidence)> = contests.iter().enumerate().collect();
    fit(&all)
}

/// For each contest, the fit on all the others (`None` with fewer than two contests).
pub fn leave_one_out(
    contests: &[ContestEvidence],
) -> Result<Vec<Option<ModelFit>>, CalibrationError> {
    check(contests)?;
    (0..contests.len())
        .map(|k| {
            let others: Vec<(usize, &ContestEvidence)> = contests
                .iter()
                .enumerate()
                .filter(|&(i, _)| i != k)
                .collect();
            if others.is_empty() {
                Ok(None)
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

    /// A contest drawn from a known model: each player's actual points are
    /// the simulator's own draw of the model (`w`, `scale`, `dud`), and the
    /// field's points are its lineups summed over those actual points.
    /// The field is drawn leaning by `lean` per point toward the lineups
    /// beating their means, as the simulator's field does.
    /// Each player has a projection and a field projection: his salary's
    /// worth, each with its own noise.
    /// Means from the projection (share `w`) and the worth only.
    fn only(w: f64) -> MeanWeights {
        MeanWeights {
            projection: w,
            field_projection: 0.0,
            projection_alone: w,
        }
    }

    fn synthetic(seed: u64, w: MeanWeights, scale: f64, dud: f64, lean: f64) -> ContestEvidence {
        let rules = testkit::nba_rules();
        let mut rng = Pcg64Mcg::seed_from_u64(seed);
        let positions = ["PG", "SG", "SF", "PF", "C", "PG/SG", "SF/PF", "PF/C"];
        let players = (0..400u32)
            .map(|i| {
                let salary = 3000 + 100 * rng.random_range(0..80u32);
                let projection =
                    (f64::from(salary) * 0.005 + 20.0 * (rng.random::<f64>() - 0.5)).max(1.0);
                let mut p = testkit::player(
                    &rules,
                    i64::from(i),
                    positions[i as usize % 8],
                    i % 20,
                    salary,
                    projection,
                );
                p.field_projection =
                    Some((f64::from(salary) * 0.005 + 20.0 * (rng.random::<f64>() - 0.5)).max(1.0));
                p
            })
            .collect();
        let slate = testkit::slate_of(rules, 10, players);
        // Actual points: one draw of the model being fitted.
        let truth = scale_std_devs(&blend_means(&slate, w), scale);
        let model = CopulaModel::new(&truth, None, Marginal::Lognormal)
            .unwrap()
            .with_dud_rate(&truth, Marginal::Lognormal, dud);
        let mut points = vec![0.0f32; model.player_count()];
        draw_iteration(&model, seed, 0, &mut points);
        let actual: Vec<Option<f64>> = points.iter().map(|&x| Some(f64::from(x))).collect();
        // Random lineups, then 3,000 of them drawn by their weights.
        let pool: Vec<Vec<u32>> = (0..30_000)
            .map(|_| {
                let mut l: Vec<u32> = Vec::with_capacity(8);
                while l.len() < 8 {
                    let i = rng.random_range(0..400u32);
                    if !l.contains(&i) {
                        l.push(i);
                    }
                }
                l
            })
            .collect();
        let mut cumulative = Vec::with_capacity(pool.len());
        let mut total = 0.0;
        for l in &pool {
            let beat: f64 = l
                .iter()
                .map(|&i| f64::from(points[i as usize]) - truth.players[i as usize].projection)
                .sum();
            total += (lean * beat).exp();
            cumulative.push(total);
        }
        let field: Vec<Vec<u32>> = (0..3000)
            .map(|_| {
                let at = rng.random::<f64>() * total;
                pool[cumulative.partition_point(|&c| c <= at).min(pool.len() - 1)].clone()
            })
            .collect();
        let field_points = field
            .iter()
            .map(|l| l.iter().map(|&i| actual[i as usize].unwrap()).sum())
            .collect();
        ContestEvidence {
            slate,
            correlations: None,
            actual,
            field,
            field_points,
            best_projection: 400.0,
        }
    }

    #[test]
    fn fit_recovers_the_model_that_drew_the_outcomes() {
        let contests: Vec<ContestEvidence> = (0..4)
            .map(|s| synthetic(s, only(0.7), 0.8, 0.04, 0.0))
            .collect();
        let f = fit_all(&contests).unwrap().unwrap();
        assert!((f.projection_weight - 0.7).abs() < 0.1, "{f:?}");
        assert!((f.dud_rate - 0.04).abs() <= 0.015 + 1e-9, "{f:?}");
        assert!((f.std_dev_scale - 0.8).abs() < 0.05, "{f:?}");
        // The model that drew the outcomes spreads its lineups as they did.
        assert!(
            (f.simulated_spread / f.real_spread - 1.0).abs() < 0.1,
            "{f:?}"
        );
        let mean_field: f64 = contests
            .iter()
            .map(|c| mean_field_projection(c) / 400.0)
            .sum::<f64>()
            / 4.0;
        assert!((f.field_strength - mean_field).abs() < 1e-12);
        assert_eq!(f.contests, 4);
        // A field drawn at its projected ownership learned nothing.
        assert!(f.field_news < 0.004, "{f:?}");
    }

    #[test]
    fn fit_recovers_the_shares_of_projection_and_field_projection() {
        let truth = MeanWeights {
            projection: 0.4,
            field_projection: 0.35,
            projection_alone: 0.75,
        };
        let contests: Vec<ContestEvidence> = (30..34)
            .map(|s| synthetic(s, truth, 0.8, 0.0, 0.0))
            .collect();
        let f = fit_all(&contests).unwrap().unwrap();
        assert!((f.projection_weight - 0.4).abs() < 0.08, "{f:?}");
        assert!((f.field_projection_weight - 0.35).abs() < 0.08, "{f:?}");
        // Without field projections in the files, the field's share is 0 and
        // its part is noise to the projection (the two err independently).
        let mut blind = contests.clone();
        for c in &mut blind {
            for p in &mut c.slate.players {
                p.field_projection = None;
            }
        }
        let f = fit_all(&blind).unwrap().unwrap();
        assert_eq!(f.field_projection_weight, 0.0);
        assert!((f.projection_weight - 0.4).abs() < 0.08, "{f:?}");
        assert_eq!(f.projection_alone_weight, f.projection_weight);
    }

    #[test]
    fn fit_recovers_the_lean_of_a_field_that_saw_the_news() {
        let contests: Vec<ContestEvidence> = (0..4)
            .map(|s| synthetic(s, only(0.7), 0.8, 0.04, 0.015))
            .collect();
        let f = fit_all(&contests).unwrap().unwrap();
        assert!((f.field_news - 0.015).abs() < 0.005, "{f:?}");
        assert!(f.news_gain > 0.0, "{f:?}");
    }

    #[test]
    fn a_model_without_duds_fits_none_and_a_wider_one_a_wider_scale() {
        let narrow: Vec<ContestEvidence> = (10..13)
            .map(|s| synthetic(s, only(1.0), 0.7, 0.0, 0.0))
            .collect();
        let wide: Vec<ContestEvidence> = (10..13)
            .map(|s| synthetic(s, only(1.0), 1.3, 0.0, 0.0))
            .collect();
        let (n, w) = (
            fit_all(&narrow).unwrap().unwrap(),
            fit_all(&wide).unwrap().unwrap(),
        );
        assert!(n.dud_rate <= 0.01 + 1e-9, "{n:?}");
        assert!(w.std_dev_scale > n.std_dev_scale + 0.3, "{n:?} {w:?}");
        assert!(n.projection_weight > 0.9, "{n:?}");
    }

    #[test]
    fn the_spread_is_fitted_on_the_players_the_field_owns() {
        // Half the players (the owned ones) spread at one scale, the other
        // half at another: the fit follows the owned half.
        let mixed = |owned_scale: f64, other_scale: f64| -> Vec<ContestEvidence> {
            (40..43)
                .map(|s| {
                    let mut c = synthetic(s, only(0.7), owned_scale, 0.0, 0.0);
                    let other = synthetic(s, only(0.7), other_scale, 0.0, 0.0);
                    for (i, p) in c.slate.players.iter_mut().enumerate() {
                        if i % 2 == 0 {
                            p.ownership = 0.2;
                        } else {
                            p.ownership = 0.0001;
                            c.actual[i] = other.actual[i];
                        }
                    }
                    c
                })
                .collect()
        };
        let wide = fit_all(&mixed(1.3, 0.6)).unwrap().unwrap();
        let narrow = fit_all(&mixed(0.6, 1.3)).unwrap().unwrap();
        assert!((wide.std_dev_scale - 1.3).abs() < 0.1, "{wide:?}");
        assert!((narrow.std_dev_scale - 0.6).abs() < 0.1, "{narrow:?}");
    }

    #[test]
    fn leave_one_out_never_sees_the_contest_it_predicts() {
        // One contest drawn from a very different mean: only the folds that
        // keep it move toward it.
        let mut contests: Vec<ContestEvidence> = (20..23)
            .map(|s| synthetic(s, only(0.9), 1.0, 0.02, 0.0))
            .collect();
        contests.push(synthetic(99, only(0.1), 1.0, 0.02, 0.0));
        let folds = leave_one_out(&contests).unwrap();
        let w: Vec<f64> = folds.iter().map(|f| f.unwrap().projection_weight).collect();
        assert!(w[..3].iter().all(|&x| x < w[3] - 0.05), "{w:?}");
        assert!(folds.iter().all(|f| f.unwrap().contests == 3));
        assert_eq!(leave_one_out(&contests[..1]).unwrap(), vec![None]);
        // A lineup off the slate is an error, not a panic.
        contests[0].field[0][0] = 10_000;
        assert!(matches!(
            fit_all(&contests),
            Err(CalibrationError::PlayerIndex { index: 10_000, .. })
        ));
    }
}
