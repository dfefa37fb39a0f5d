//! Late swap of a 150-entry file on a 10-game NBA slate (300 players), the
//! first three games started: each entry holds two or three started players
//! in their slots and five or six open ones. Prints the time against the 2 s
//! target, best of three: by projection, and by simulation (the default: 11
//! completions an entry, a 20,000-entry field sampled, 1,000 iterations).
//!
//! `cargo bench -p lateswap --bench lateswap`

use std::time::Instant;

use lateswap::{EntryLineup, SimulatedSwap, late_swap, late_swap_by_simulation};
use schemas::{
    Contest, FieldSamplerConfig, OptimizerConfig, PayoutTier, SimConfig, StageContext,
    VariantsConfig,
};
use testkit::{nba_rules, player, slate_of};

const ENTRIES: usize = 150;
const TARGET_SECS: f64 = 2.0;

fn main() {
    let rules = nba_rules();
    let positions = [
        "PG", "SG", "SF", "PF", "C", "PG/SG", "SF/PF", "PF/C", "SG/SF", "PG", "C", "SF", "SG",
        "PF", "PG/SG",
    ];
    let mut players = Vec::new();
    let mut id = 1;
    for team in 0..20u32 {
        for (k, pos) in positions.iter().enumerate() {
            // A deterministic spread of salaries and values.
            let h = (team * 31 + k as u32 * 17) % 29;
            let salary = 3_000 + h * 300;
            let proj = f64::from(salary) / 1_000.0 * 4.6 + f64::from((team + 3 * k as u32) % 7);
            players.push(player(&rules, id, pos, team, salary, proj));
            id += 1;
        }
    }
    let mut slate = slate_of(rules, 10, players);
    for p in &mut slate.players {
        p.locked = p.game < 3;
    }
    let started: Vec<u32> = (0..slate.players.len() as u32)
        .filter(|&i| slate.players[i as usize].locked)
        .collect();
    // Each entry: a started PG-eligible player in PG, one in UTIL, and for
    // every other entry one more in G; the other slots open.
    let fits = |i: u32, slot: usize| slate.players[i as usize].slot_mask & (1 << slot) != 0;
    let entries: Vec<EntryLineup> = (0..ENTRIES)
        .map(|k| {
            let mut slots = vec![None; 8];
            let pick = |slot: usize, skip: usize| {
                started
                    .iter()
                    .copied()
                    .filter(|&i| fits(i, slot))
                    .nth((k * 7 + skip) % 20)
            };
            slots[0] = pick(0, 0);
            slots[7] = pick(7, 3).filter(|i| Some(*i) != slots[0]);
            if k % 2 == 0 {
                slots[5] = pick(5, 11).filter(|i| Some(*i) != slots[0] && Some(*i) != slots[7]);
            }
            EntryLineup {
                entry_id: format!("{}", 4_700_000_000u64 + k as u64),
                slots,
            }
        })
        .collect();
    let points: Vec<f64> = slate.players.iter().map(|p| p.projection).collect();
    let config = OptimizerConfig {
        max_exposure: 0.6,
        ..OptimizerConfig::default()
    };
    let mut best = f64::MAX;
    let mut completed = 0;
    for _ in 0..3 {
        let t = Instant::now();
        let out = late_swap(&slate, &entries, &points, &config).expect("late swap");
        best = best.min(t.elapsed().as_secs_f64());
        completed = out.iter().filter(|s| s.after.is_some()).count();
    }
    println!(
        "late swap: {ENTRIES} entries, 10 games ({} players, {} started), {completed} completed: \
         {best:.3} s (best of 3); time / target {:.2} (target {TARGET_SECS} s)",
        slate.players.len(),
        started.len(),
        best / TARGET_SECS
    );

    let contest = Contest {
        id: "bench".into(),
        name: "bench".into(),
        entry_fee: 20.0,
        field_size: 20_000,
        max_entries: 150,
        payouts: vec![
            PayoutTier {
                first: 1,
                last: 1,
                prize: 50_000.0,
            },
            PayoutTier {
                first: 2,
                last: 50,
                prize: 1_000.0,
            },
            PayoutTier {
                first: 51,
                last: 4_500,
                prize: 50.0,
            },
        ],
    };
    let (variants, field_sampler, sim) = (
        VariantsConfig::default(),
        FieldSamplerConfig::default(),
        SimConfig::default(),
    );
    let mut best = f64::MAX;
    let mut candidates = 0;
    for _ in 0..3 {
        let t = Instant::now();
        let out = late_swap_by_simulation(
            &slate,
            &entries,
            &config,
            SimulatedSwap {
                contest: &contest,
                variants: &variants,
                field_sampler: &field_sampler,
                sim: &sim,
                correlations: None,
            },
            &StageContext::quiet(1337),
        )
        .expect("late swap by simulation");
        best = best.min(t.elapsed().as_secs_f64());
        completed = out.swapped.iter().filter(|s| s.after.is_some()).count();
        candidates = out.candidates;
    }
    println!(
        "late swap by simulation: {ENTRIES} entries, {candidates} completions, field {}, {} \
         iterations, {completed} completed: {best:.3} s (best of 3); time / target {:.2} \
         (target {TARGET_SECS} s)",
        contest.field_size - ENTRIES as u32,
        sim.iterations,
        best / TARGET_SECS
    );
}
