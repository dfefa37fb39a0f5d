//! Draws many independent entrants in parallel, deterministically.

use rand::SeedableRng;
use rand_pcg::Pcg64Mcg;
use rayon::prelude::*;
use schemas::{StageContext, stream_seed};

use crate::pool::{Pool, Scratch};
use crate::{FieldSamplerError, STAGE};

/// Most draws one entrant may take before the stage gives up as infeasible.
pub const MAX_ATTEMPTS: u32 = 10_000;

/// Entrants drawn between two progress reports / cancellation checks.
const CHUNK: u32 = 4_096;

/// A sampled batch of entrants.
#[derive(Debug)]
pub(crate) struct Sampled {
    /// Slot-ordered lineups, `roster` players each, in entrant order.
    pub players: Vec<u32>,
    pub roster: usize,
    /// Draws rejected (dead ends, broken rules) over the whole batch.
    pub rejected: u64,
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
        let mut counts = vec![0u64; n_players];
        for &p in &self.players {
            counts[p as usize] += 1;
        }
        counts
    }
}

/// Draws `n` entrants with `weights`. Entrant `i` of `round` uses its own
/// stream `stream_seed(seed, "field_sampler", round << 32 | i)`, so the result
/// does not depend on the thread count or on chunking.
pub(crate) fn sample(
    pool: &Pool<'_>,
    weights: &[f64],
    round: u32,
    n: u32,
    ctx: &StageContext<'_>,
) -> Result<Sampled, FieldSamplerError> {
    let roster = pool.roster_size();
    let mut players = Vec::with_capacity(n as usize * roster);
    let mut rejected = 0u64;
    let mut start = 0u32;
    while start < n {
        if ctx.cancelled() {
            return Err(FieldSamplerError::Cancelled);
        }
        let end = start.saturating_add(CHUNK).min(n);
        let drawn: Vec<Option<(Vec<u32>, u32)>> = (start..end)
            .into_par_iter()
            .map_init(
                || Scratch::new(pool),
                |scratch, i| {
                    let unit = u64::from(round) << 32 | u64::from(i);
                    draw_entrant(pool, weights, stream_seed(ctx.seed, STAGE, unit), scratch)
                },
            )
            .collect();
        for entrant in drawn {
            let (lineup, rejections) = entrant.ok_or(FieldSamplerError::NoValidLineup {
                attempts: MAX_ATTEMPTS,
                floor: pool.floor,
                cap: pool.cap,
            })?;
            players.extend_from_slice(&lineup);
            rejected += u64::from(rejections);
        }
        ctx.progress.advance(u64::from(end - start));
        start = end;
    }
    Ok(Sampled {
        players,
        roster,
        rejected,
    })
}

/// One entrant: redraw the whole lineup until it is valid, at most [`MAX_ATTEMPTS`] times.
fn draw_entrant(
    pool: &Pool<'_>,
    weights: &[f64],
    seed: u64,
    scratch: &mut Scratch,
) -> Option<(Vec<u32>, u32)> {
    let mut rng = Pcg64Mcg::seed_from_u64(seed);
    for attempt in 0..MAX_ATTEMPTS {
        if let Some(lineup) = pool.draw(weights, &mut rng, scratch) {
            return Some((lineup.players.clone(), attempt));
        }
    }
    None
}
