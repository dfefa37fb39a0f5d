//! Draws many independent entrants in parallel, deterministically.
//!
//! An entrant of the final field first draws its kind (sharp with probability
//! `sharp_share`) from its own stream. Sharp entrants are built first (their
//! lineups do not depend on the draw weights); the casual entrants are drawn
//! after calibration, from the same stream re-seeded, so every entrant's result
//! depends only on `(seed, index)` and the weights.

use rand::{Rng, SeedableRng};
use rand_distr::StandardNormal;
use rand_pcg::Pcg64Mcg;
use rayon::prelude::*;
use schemas::{Player, StageContext, stream_seed};

use crate::pool::{Built, NONE, Pool, Prefs, Scratch};
use crate::stack::{StackPlan, Want};
use crate::{FieldSamplerError, STAGE};

/// Most draws one entrant may take before the stage gives up as infeasible.
pub const MAX_ATTEMPTS: u32 = 10_000;

/// Attempts a casual entrant makes with its preferences (tight salary use, the
/// projection floor) before it keeps to the hard rules only. Preferences are
/// soft: an entrant who cannot meet them quickly builds like one who has none.
pub const PREFERENCE_ATTEMPTS: u32 = 32;

/// Entrants drawn between two progress reports / cancellation checks.
const CHUNK: u32 = 4_096;

/// How entrants are drawn, resolved from the config against the slate.
#[derive(Debug)]
pub(crate) struct Plan {
    /// Share of sharp entrants in the final field.
    pub sharp_share: f64,
    /// A sharp entrant's own noise, in standard deviations.
    pub sharp_noise: f64,
    /// Share of sharp entrants who build on the projection as given.
    pub sharp_public_share: f64,
    /// Sources the other sharp entrants share (at least 1).
    pub sharp_sources: u32,
    /// Noise of a source, in standard deviations.
    pub sharp_source_noise: f64,
    /// Share of casual entrants held to `tight_floor`.
    pub tight_share: f64,
    /// Salary floor of a "tight" casual entrant (cap less the allowed leftover).
    pub tight_floor: u32,
    /// Least base projection of a casual lineup.
    pub min_proj: f64,
    /// Base projection of the best lineup the sharp search finds for the base projection.
    pub best: Option<f64>,
    /// Stacking habits of casual entrants.
    pub stacks: StackPlan,
}

/// A sampled batch of entrants.
#[derive(Debug)]
pub(crate) struct Sampled {
    /// Slot-ordered lineups, `roster` players each, in entrant order.
    pub players: Vec<u32>,
    pub roster: usize,
    /// Draws rejected (dead ends, broken rules, floors) over the whole batch.
    pub rejected: u64,
    /// Entrants whose lineup is optimizer-built.
    pub sharp: u64,
    /// Sharp entrants whose build could not be made valid and who were drawn casually instead.
    pub sharp_fallbacks: u64,
    /// Sharp entrants whose build broke a roster rule and was repaired.
    pub sharp_repaired: u64,
}

impl Sampled {
    /// Number of entrants.
    pub fn len(&self) -> usize {
        self.players.len() / self.roster.max(1)
    }

    /// Slot-ordered lineups in entrant order.
    pub fn lineups(&self) -> impl Iterator<Item = &[u32]> {
        self.players.chunks_exact(self.roster.max(1))
    }

    /// How many entrants hold each slate player.
    pub fn counts(&self, n_players: usize) -> Vec<u64> {
        counts(&self.players, n_players)
    }
}

fn counts(players: &[u32], n_players: usize) -> Vec<u64> {
    let mut counts = vec![0u64; n_players];
    for &p in players {
        counts[p as usize] += 1;
    }
    counts
}

/// Stream unit of entrant `i` in `round` (0 = the final field, 1.. the pilots).
fn unit(round: u32, i: u32) -> u64 {
    u64::from(round) << 32 | u64::from(i)
}

/// Maps `f` over `0..n` in parallel chunks, in index order, checking cancellation.
fn par_map<T: Send>(
    pool: &Pool<'_>,
    n: u32,
    ctx: &StageContext<'_>,
    progress: bool,
    f: impl Fn(u32, &mut Scratch) -> T + Sync + Send,
) -> Result<Vec<T>, FieldSamplerError> {
    let mut out = Vec::with_capacity(n as usize);
    let mut start = 0u32;
    while start < n {
        if ctx.cancelled() {
            return Err(FieldSamplerError::Cancelled);
        }
        let end = start.saturating_add(CHUNK).min(n);
        let chunk: Vec<T> = (start..end)
            .into_par_iter()
            .map_init(|| Scratch::new(pool), |scratch, i| f(i, scratch))
            .collect();
        out.extend(chunk);
        if progress {
            ctx.progress.advance(u64::from(end - start));
        }
        start = end;
    }
    Ok(out)
}

/// Per final-field entrant, its sharp lineup if it has one.
pub(crate) type SharpLineups = Vec<Option<Vec<u32>>>;

/// The sharp entrants of the final field.
#[derive(Debug)]
pub(crate) struct Sharp {
    /// `Some(lineup)` for entrant `i` when it is sharp and its build is valid,
    /// `None` for casual entrants (and for sharp ones whose build could not be
    /// made valid: they are drawn casually).
    pub lineups: SharpLineups,
    /// Sharp builds that could not be made valid.
    pub fallbacks: u64,
    /// Sharp builds that broke a roster rule and were repaired.
    pub repaired: u64,
}

/// The projection the field builds on: the field's projection of the player
/// where the slate gives one (`FieldFpts`, `Field Proj`: the provider's
/// estimate of what the field sees, news included), else his projection.
fn field_view(p: &Player) -> f64 {
    p.field_projection.unwrap_or(p.projection)
}

/// Builds the final field's sharp entrants. A sharp entrant's values are its
/// source's projection (around the [`field_view`]) plus its own noise; a
/// captain row moves with its base row (the same person, the same draw).
pub(crate) fn sharp_entrants(
    pool: &Pool<'_>,
    plan: &Plan,
    n: u32,
    ctx: &StageContext<'_>,
) -> Result<Sharp, FieldSamplerError> {
    let players = &pool.slate.players;
    // Each source's noisy projection, from its own stream (round u32::MAX).
    let sources: Vec<Vec<f64>> = (0..plan.sharp_sources.max(1))
        .map(|s| {
            let mut rng = Pcg64Mcg::seed_from_u64(stream_seed(ctx.seed, STAGE, unit(u32::MAX, s)));
            let z: Vec<f64> = players.iter().map(|_| rng.sample(StandardNormal)).collect();
            noisy(
                pool,
                &z,
                |i| field_view(&players[i]),
                plan.sharp_source_noise,
            )
        })
        .collect();
    // The projections file as it is, for its provider's own users.
    let public: Vec<f64> = players.iter().map(|p| p.projection).collect();
    let built = par_map(pool, n, ctx, false, |i, scratch| {
        let mut rng = Pcg64Mcg::seed_from_u64(stream_seed(ctx.seed, STAGE, unit(0, i)));
        if rng.random::<f64>() >= plan.sharp_share {
            return (None, Built::Valid);
        }
        let source = if rng.random::<f64>() < plan.sharp_public_share {
            &public
        } else {
            &sources[rng.random_range(0..sources.len())]
        };
        let want = plan.stacks.want(&mut rng);
        // The own noise reuses the values buffer: z first, then the values.
        for v in scratch.values.iter_mut() {
            *v = rng.sample(StandardNormal);
        }
        for (i, &t) in pool.twin.iter().enumerate() {
            if players[i].captain_of.is_some() && t != NONE {
                scratch.values[i] = scratch.values[t as usize];
            }
        }
        for ((v, p), &base) in scratch.values.iter_mut().zip(players).zip(source) {
            *v = base + plan.sharp_noise * p.std_dev * *v;
        }
        match pool.build_sharp(pool.floor, Some((&plan.stacks, &want)), scratch) {
            (built, Some(l)) => (Some(l.players.clone()), built),
            (_, None) => (None, Built::Failed),
        }
    })?;
    let count = |b: Built| built.iter().filter(|x| x.1 == b).count() as u64;
    Ok(Sharp {
        fallbacks: count(Built::Failed),
        repaired: count(Built::Repaired),
        lineups: built.into_iter().map(|b| b.0).collect(),
    })
}

/// `base(i) + noise x std_dev x z`, a captain row taking its base row's `z`.
fn noisy(pool: &Pool<'_>, z: &[f64], base: impl Fn(usize) -> f64, noise: f64) -> Vec<f64> {
    let players = &pool.slate.players;
    (0..players.len())
        .map(|i| {
            let zi = match (players[i].captain_of, pool.twin[i]) {
                (Some(_), t) if t != NONE => z[t as usize],
                _ => z[i],
            };
            base(i) + noise * players[i].std_dev * zi
        })
        .collect()
}

/// Share of entrants holding each player among `sharp` lineups, per `n` entrants.
pub(crate) fn sharp_counts(sharp: &[Option<Vec<u32>>], n_players: usize) -> Vec<u64> {
    let players: Vec<u32> = sharp.iter().flatten().flatten().copied().collect();
    counts(&players, n_players)
}

/// Draws `n` casual entrants of pilot `round` (>= 1) with `weights`.
pub(crate) fn pilot(
    pool: &Pool<'_>,
    weights: &[f64],
    plan: &Plan,
    round: u32,
    n: u32,
    ctx: &StageContext<'_>,
) -> Result<Sampled, FieldSamplerError> {
    let drawn = par_map(pool, n, ctx, true, |i, scratch| {
        let mut rng = Pcg64Mcg::seed_from_u64(stream_seed(ctx.seed, STAGE, unit(round, i)));
        draw_casual(pool, weights, plan, &mut rng, scratch)
    })?;
    collect(
        pool,
        drawn.into_iter().map(|d| d.map(|(l, r)| (l, r, false))),
        0,
    )
}

/// The final field: sharp entrants as built, casual ones drawn with `weights`.
pub(crate) fn final_field(
    pool: &Pool<'_>,
    weights: &[f64],
    plan: &Plan,
    sharp: &Sharp,
    ctx: &StageContext<'_>,
) -> Result<Sampled, FieldSamplerError> {
    let Sharp {
        lineups: sharp,
        fallbacks,
        repaired,
    } = sharp;
    let n = sharp.len() as u32;
    let drawn = par_map(pool, n, ctx, true, |i, scratch| {
        if let Some(Some(lineup)) = sharp.get(i as usize) {
            return Some((lineup.clone(), 0, true));
        }
        let mut rng = Pcg64Mcg::seed_from_u64(stream_seed(ctx.seed, STAGE, unit(0, i)));
        // The kind draw, as in `sharp_entrants`, then a fresh part of the stream.
        let _kind: f64 = rng.random();
        let mut rng = Pcg64Mcg::seed_from_u64(rng.random());
        draw_casual(pool, weights, plan, &mut rng, scratch).map(|(l, r)| (l, r, false))
    })?;
    let mut field = collect(pool, drawn.into_iter(), *fallbacks)?;
    field.sharp_repaired = *repaired;
    Ok(field)
}

fn collect(
    pool: &Pool<'_>,
    drawn: impl Iterator<Item = Option<(Vec<u32>, u32, bool)>>,
    sharp_fallbacks: u64,
) -> Result<Sampled, FieldSamplerError> {
    let roster = pool.roster_size();
    let mut out = Sampled {
        players: Vec::new(),
        roster,
        rejected: 0,
        sharp: 0,
        sharp_fallbacks,
        sharp_repaired: 0,
    };
    for entrant in drawn {
        let (lineup, rejections, sharp) = entrant.ok_or(FieldSamplerError::NoValidLineup {
            attempts: MAX_ATTEMPTS,
            floor: pool.floor,
            cap: pool.cap,
        })?;
        out.players.extend_from_slice(&lineup);
        out.rejected += u64::from(rejections);
        out.sharp += u64::from(sharp);
    }
    Ok(out)
}

/// One casual entrant: its salary floor, then whole redraws until the lineup
/// is valid, at most [`MAX_ATTEMPTS`] times. The first [`PREFERENCE_ATTEMPTS`]
/// hold the entrant's preferences (tight salary use, the projection floor, its
/// stack); the
/// rest only the hard rules (cap, `salary_floor`, roster rules), so that
/// calibrated weights that make the preferences rare cannot fail or stall a run.
fn draw_casual<R: Rng>(
    pool: &Pool<'_>,
    weights: &[f64],
    plan: &Plan,
    rng: &mut R,
    scratch: &mut Scratch,
) -> Option<(Vec<u32>, u32)> {
    let floor = if rng.random::<f64>() < plan.tight_share {
        plan.tight_floor
    } else {
        pool.floor
    };
    let want = plan.stacks.want(rng);
    let none = Want::none();
    for attempt in 0..MAX_ATTEMPTS {
        let (floor, min_proj, want) = if attempt < PREFERENCE_ATTEMPTS {
            (floor, plan.min_proj, &want)
        } else {
            (pool.floor, 0.0, &none)
        };
        let prefs = Prefs {
            floor,
            min_proj,
            want,
            stacks: &plan.stacks,
        };
        if let Some(lineup) = pool.draw(weights, &prefs, rng, scratch) {
            return Some((lineup.players.clone(), attempt));
        }
    }
    None
}
