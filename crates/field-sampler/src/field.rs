//! Turns the sampled entrants into the stage's output: unique lineups and telemetry.

use schemas::{
    DupProfile, FieldEntrant, FieldSamplerOutput, FieldTelemetry, Lineup, OwnershipRow, SalaryBin,
    Slate,
};

use crate::sample::Sampled;
use crate::strength::lineup_projection;

/// Width of a salary histogram bin, in dollars.
pub const SALARY_BIN: u32 = 500;

/// Mean absolute error, in points (0..100), of sampled against target
/// ownership over the players with a target above 0 (players targeted at 0
/// are never drawn, so they would only dilute the figure).
pub(crate) fn ownership_mae(target: &[f64], counts: &[u64], entrants: f64) -> f64 {
    let (sum, n) = target
        .iter()
        .zip(counts)
        .filter(|(t, _)| **t > 0.0)
        .fold((0.0, 0u32), |(sum, n), (&t, &c)| {
            (sum + (t - c as f64 / entrants).abs(), n + 1)
        });
    if n == 0 {
        0.0
    } else {
        100.0 * sum / f64::from(n)
    }
}

/// What the output needs besides the field itself.
#[derive(Debug)]
pub(crate) struct Summary<'a> {
    pub calibration_rounds: u32,
    pub cap: u32,
    /// Ownership per slate player the field was calibrated to.
    pub target: &'a [f64],
    /// Base projection of the sampler's best lineup.
    pub best: f64,
}

/// Builds the output: one row per unique lineup (identity = sorted player set,
/// slot order from [`Lineup::from_set`]), ordered by copies descending then by
/// sorted key, plus the field's telemetry.
pub(crate) fn build_output(
    slate: &Slate,
    field: &Sampled,
    summary: &Summary<'_>,
) -> FieldSamplerOutput {
    let n = field.len();
    let keys: Vec<Vec<u32>> = field
        .lineups()
        .map(|l| {
            let mut k = l.to_vec();
            k.sort_unstable();
            k
        })
        .collect();
    let mut sorted: Vec<&[u32]> = keys.iter().map(Vec::as_slice).collect();
    sorted.sort_unstable();
    let mut groups: Vec<(&[u32], u32)> = sorted
        .chunk_by(|a, b| a == b)
        .map(|g| (g[0], g.len() as u32))
        .collect();
    // Stable sort: ties in copies keep the ascending key order.
    groups.sort_by_key(|g| std::cmp::Reverse(g.1));

    let dup = DupProfile::from_copies(groups.iter().map(|g| g.1));
    let entrants: Vec<FieldEntrant> = groups
        .iter()
        .map(|&(key, copies)| entrant(slate, key, copies))
        .collect();

    let counts = field.counts(slate.players.len());
    let size = n.max(1) as f64;
    let mut ownership: Vec<OwnershipRow> = slate
        .players
        .iter()
        .zip(&counts)
        .zip(summary.target)
        .map(|((p, &c), &target)| OwnershipRow {
            player_id: p.dk_id,
            name: p.name.clone(),
            projected: p.ownership,
            target,
            sampled: c as f64 / size,
        })
        .collect();
    ownership.sort_by_key(|r| r.player_id);

    let telemetry = FieldTelemetry {
        duplication: dup,
        sharp_share: field.sharp as f64 / size,
        ownership_mae: ownership_mae(summary.target, &counts, size),
        best_lineup_projection: summary.best,
        mean_lineup_projection: lineup_projection(
            slate,
            &counts.iter().map(|&c| c as f64 / size).collect::<Vec<_>>(),
        ),
        calibration_rounds: summary.calibration_rounds,
        rejection_rate: field.rejected as f64 / size,
        ownership,
        salary_histogram: salary_histogram(
            entrants.iter().map(|e| (e.salary, e.copies)),
            summary.cap,
        ),
    };
    FieldSamplerOutput {
        entrants,
        telemetry,
    }
}

fn entrant(slate: &Slate, key: &[u32], copies: u32) -> FieldEntrant {
    let players = Lineup::from_set(slate, key).map_or_else(|| key.to_vec(), |l| l.players);
    let rows = || players.iter().map(|&i| &slate.players[i as usize]);
    FieldEntrant {
        player_ids: rows().map(|p| p.dk_id).collect(),
        salary: rows().map(|p| p.salary).sum(),
        proj: rows().map(|p| p.projection).sum(),
        copies,
        players,
    }
}

/// Entries per `[lo, lo + 500)` salary bin, contiguous from the bin of the lowest
/// salary up to the bin holding the cap itself (so a lineup at the cap is counted).
fn salary_histogram(entries: impl Iterator<Item = (u32, u32)>, cap: u32) -> Vec<SalaryBin> {
    let entries: Vec<(u32, u32)> = entries.collect();
    let Some(lowest) = entries.iter().map(|&(s, _)| s).min() else {
        return Vec::new();
    };
    let first = lowest.min(cap) / SALARY_BIN;
    let last = cap / SALARY_BIN;
    let mut bins: Vec<SalaryBin> = (first..=last)
        .map(|b| SalaryBin {
            lo: b * SALARY_BIN,
            hi: (b + 1) * SALARY_BIN,
            count: 0,
        })
        .collect();
    for (salary, copies) in entries {
        let b = (salary / SALARY_BIN).clamp(first, last) - first;
        bins[b as usize].count += u64::from(copies);
    }
    bins
}
