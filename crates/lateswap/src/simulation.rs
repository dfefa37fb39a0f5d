//! Late swap by simulated payout: the completions are chosen the way a run
//! chooses its entries, among the sampled field, not by projection alone.
//!
//! 1. Candidates, per entry: the best completion of its started players
//!    under the projections and under each variant's points (the variants
//!    stage around the simulator's means), and the entry as it stands when
//!    it is complete and meets the rules. Each is the exact optimizer's
//!    answer on the entry's pinned slate, so every candidate keeps every
//!    started player in his slot.
//! 2. The field: the field sampler's opponents, as they entered before lock.
//! 3. The simulator scores every candidate against the field and picks one
//!    per entry, greedy by marginal expected portfolio payout (our entries
//!    compete with each other), under the exposure cap (started players
//!    exempt) and the overlap rule between entries ([`gpp_sim::EntryGroups`]).
//! 4. An entry the picks leave without a candidate that fits is completed by
//!    projection under the same caps, around the lineups picked.
//!
//! The players who have started are simulated like the others: the file
//! shows who started, not what they scored.

use std::collections::HashSet;

use field_sampler::{FieldInput, FieldSampler};
use gpp_sim::{EntryGroups, GppSim, MeanWeights, SimInput, blend_means};
use rayon::prelude::*;
use schemas::{
    CandidateLineup, Contest, CorrelationTable, FieldSamplerConfig, OptimizerConfig,
    PortfolioMetrics, SimConfig, Slate, Stage, StageContext, VariantCenter, VariantsConfig,
    stream_seed,
};
use variants::Variants;

use crate::{
    Completion, EntryLineup, LateSwapError, Swapped, check_input, swap_one, swapped_entry,
};

/// What the simulation needs beyond the entries: the contest and the run's
/// stage configs.
#[derive(Debug, Clone, Copy)]
pub struct SimulatedSwap<'a> {
    pub contest: &'a Contest,
    pub variants: &'a VariantsConfig,
    pub field_sampler: &'a FieldSamplerConfig,
    /// Its `max_exposure` and the optimizer config's both bind; `entries` is
    /// not read (the entries are the file's).
    pub sim: &'a SimConfig,
    /// The sport's correlation table, resolved by the caller.
    pub correlations: Option<&'a CorrelationTable>,
}

/// A late swap by simulation.
#[derive(Debug, Clone, PartialEq)]
pub struct SimulatedSwaps {
    /// Per entry, in order; `points_*` are projections.
    pub swapped: Vec<Swapped>,
    /// Per entry: the simulated ROI of the entry as it stood, alone against
    /// the field (`None`: incomplete, or it breaks the rules).
    pub roi_before: Vec<Option<f64>>,
    /// Per entry: the simulated ROI of its completion alone against the field
    /// (`None`: completed by projection, or not at all).
    pub roi_after: Vec<Option<f64>>,
    /// Candidates simulated, over all entries.
    pub candidates: usize,
    /// The picked completions as a portfolio, on fresh draws (`None`: no
    /// candidate to simulate).
    pub metrics: Option<PortfolioMetrics>,
}

/// Late-swaps every entry by simulated payout (see the module docs). `ctx`'s
/// seed drives every stream; the same inputs and seed give the same swaps.
pub fn late_swap_by_simulation(
    slate: &Slate,
    entries: &[EntryLineup],
    config: &OptimizerConfig,
    sim: SimulatedSwap<'_>,
    ctx: &StageContext<'_>,
) -> Result<SimulatedSwaps, LateSwapError> {
    let projection: Vec<f64> = slate.players.iter().map(|p| p.projection).collect();
    check_input(slate, entries, &projection)?;
    if entries.is_empty() {
        return Err(LateSwapError::InvalidPoints("no entries to swap".into()));
    }
    let stage_ctx = |stage: &str| StageContext {
        seed: stream_seed(ctx.seed, stage, 0),
        progress: ctx.progress,
        events: ctx.events,
        cancel: ctx.cancel,
    };

    // 1. Candidates.
    let blended;
    let vslate = match sim.variants.center {
        VariantCenter::ModelMean => {
            blended = blend_means(slate, MeanWeights::of(sim.sim));
            &blended
        }
        VariantCenter::Projection => slate,
    };
    let (catalog, _) = Variants.run(vslate, sim.variants, &stage_ctx(Variants::NAME))?;
    let mut points_sets = vec![projection.clone()];
    points_sets.extend(catalog.variants.into_iter().map(|v| v.points));
    let base = optimizer::solve_rules(slate, config)?;
    let free = vec![0u32; slate.players.len()];
    // Each entry's completions, entries in parallel, collected in order.
    let found: Vec<Vec<(Vec<u32>, bool)>> = entries
        .par_iter()
        .map(|e| {
            if ctx.cancelled() {
                return Err(schemas::StageError::Cancelled { stage: "lateswap" }.into());
            }
            let mut found = Vec::with_capacity(points_sets.len() + 1);
            if e.slots.iter().all(Option::is_some)
                && let Some(lineup) =
                    swap_one(slate, e, &projection, &base, &free, u32::MAX, &[], true)?.after
            {
                found.push((lineup, true));
            }
            for points in &points_sets {
                let s = swap_one(slate, e, points, &base, &free, u32::MAX, &[], false)?;
                if let Some(lineup) = s.after {
                    found.push((lineup, false));
                }
            }
            Ok(found)
        })
        .collect::<Result<_, LateSwapError>>()?;
    let mut candidates: Vec<CandidateLineup> = Vec::new();
    let mut entry_of: Vec<u32> = Vec::new();
    let mut as_is: Vec<Option<u32>> = vec![None; entries.len()];
    for (k, found) in found.into_iter().enumerate() {
        let mut seen: HashSet<Vec<u32>> = HashSet::new();
        for (lineup, is_kept) in found {
            let mut key = lineup.clone();
            key.sort_unstable();
            if !seen.insert(key) {
                continue;
            }
            let id = candidates.len() as u32;
            if is_kept {
                as_is[k] = Some(id);
            }
            // Every candidate is scored by its projection.
            let mut candidate = CandidateLineup::of_slate(slate, id, 0, 1, lineup, 0.0);
            candidate.score = candidate.proj;
            candidates.push(candidate);
            entry_of.push(k as u32);
        }
    }

    // The simulation's caps: the tighter of the run's two exposure shares.
    let mut sim_config = sim.sim.clone();
    sim_config.max_exposure = sim.sim.max_exposure.min(config.max_exposure);
    let n = entries.len() as u32;
    let mut roi_before = vec![None; entries.len()];
    let mut roi_after = vec![None; entries.len()];
    let mut chosen: Vec<Option<Vec<u32>>> = vec![None; entries.len()];
    let mut metrics = None;
    if !candidates.is_empty() {
        // 2. The field, 3. the simulation and the picks.
        let field_size = sim
            .field_sampler
            .field_size
            .unwrap_or_else(|| sim.contest.field_size.saturating_sub(n).max(1));
        let (field, _) = FieldSampler.run(
            FieldInput { slate, field_size },
            sim.field_sampler,
            &stage_ctx(FieldSampler::NAME),
        )?;
        let (out, _) = GppSim.run(
            SimInput {
                slate,
                contest: sim.contest,
                candidates: &candidates,
                field: &field.entrants,
                entries: n,
                correlations: sim.correlations,
                groups: Some(EntryGroups {
                    entry_of: &entry_of,
                    max_overlap: config.max_overlap,
                }),
            },
            &sim_config,
            &stage_ctx(GppSim::NAME),
        )?;
        let roi: Vec<f64> = {
            let mut roi = vec![0.0; candidates.len()];
            for r in &out.results {
                roi[r.lineup_id as usize] = r.roi_mean;
            }
            roi
        };
        for (k, id) in as_is.iter().enumerate() {
            roi_before[k] = id.map(|j| roi[j as usize]);
        }
        for &id in &out.selected {
            let k = entry_of[id as usize] as usize;
            chosen[k] = Some(candidates[id as usize].players.clone());
            roi_after[k] = Some(roi[id as usize]);
        }
        metrics = Some(out.metrics);
    }

    // 4. The picks as they stand, then the entries left, by projection.
    let mut fill = Completion::new(slate, entries, &sim_config_optimizer(config, &sim_config))?;
    for lineup in chosen.iter().flatten() {
        fill.add(slate, lineup);
    }
    let mut swapped = Vec::with_capacity(entries.len());
    for (e, pick) in entries.iter().zip(&chosen) {
        swapped.push(match pick {
            Some(lineup) => swapped_entry(e, Some(lineup.clone()), &projection),
            None => fill.complete(slate, e, &projection)?,
        });
    }
    Ok(SimulatedSwaps {
        swapped,
        roi_before,
        roi_after,
        candidates: candidates.len(),
        metrics,
    })
}

/// The optimizer config with the simulation's exposure share, for the
/// entries completed by projection.
fn sim_config_optimizer(config: &OptimizerConfig, sim: &SimConfig) -> OptimizerConfig {
    OptimizerConfig {
        max_exposure: sim.max_exposure,
        ..config.clone()
    }
}
