//! Throughput of the simulator on a contest of realistic size:
//! 1,000 candidates against a 100,000-entry field (80,000 unique lineups),
//! 8-player lineups from a 160-player slate.
//!
//! `cargo bench -p gpp-sim --bench sim [-- ITERATIONS]` (default 1,000).

use std::collections::HashSet;
use std::time::Instant;

use gpp_sim::{GppSim, SimInput};
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64Mcg;
use schemas::{
    CandidateLineup, Contest, FieldEntrant, Game, PayoutTier, Player, SimConfig, Slate, SlotRule,
    SportRules, Stage, StageContext,
};

const PLAYERS: usize = 160;
const ROSTER: usize = 8;
const FIELD_UNIQUE: usize = 80_000;
const FIELD_ENTRIES: u32 = 100_000;
const CANDIDATES: usize = 1_000;
const ENTRIES: u32 = 150;

fn slate(rng: &mut Pcg64Mcg) -> Slate {
    let slots = (0..ROSTER)
        .map(|i| SlotRule {
            name: format!("S{i}"),
            eligible: vec!["X".into()],
        })
        .collect();
    let rules = SportRules {
        name: "bench".into(),
        sport: "BENCH".into(),
        positions: vec!["X".into()],
        slots,
        salary_cap: 50_000,
        min_games: 1,
        max_players_per_team: None,
        captain: None,
        default_std_dev_ratio: 0.3,
    };
    let players = (0..PLAYERS)
        .map(|i| {
            let projection = rng.random_range(5.0..50.0);
            Player {
                dk_id: 10_000 + i as i64,
                name: format!("P{i}"),
                positions: vec!["X".into()],
                slot_mask: (1 << ROSTER) - 1,
                team: format!("T{}", i % 10),
                opponent: None,
                game: 0,
                salary: 5_000,
                projection,
                std_dev: projection * rng.random_range(0.2..0.45),
                ownership: 0.05,
                ceiling: None,
                floor: None,
                minutes: None,
                locked: false,
                captain_of: None,
            }
        })
        .collect();
    Slate {
        id: "bench".into(),
        rules,
        games: vec![Game {
            key: "A@B".into(),
            away: "A".into(),
            home: "B".into(),
            start: None,
        }],
        players,
    }
}

/// `n` distinct random lineups, not in `taken`.
fn lineups(rng: &mut Pcg64Mcg, n: usize, taken: &mut HashSet<Vec<u32>>) -> Vec<Vec<u32>> {
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        let mut l: Vec<u32> = Vec::with_capacity(ROSTER);
        while l.len() < ROSTER {
            let p = rng.random_range(0..PLAYERS as u32);
            if !l.contains(&p) {
                l.push(p);
            }
        }
        let mut key = l.clone();
        key.sort_unstable();
        if taken.insert(key) {
            out.push(l);
        }
    }
    out
}

fn contest() -> Contest {
    let size = FIELD_ENTRIES + ENTRIES;
    let paid = size / 5;
    let tiers = [
        (1, 1, 10_000.0),
        (2, 2, 5_000.0),
        (3, 10, 1_000.0),
        (11, 100, 100.0),
        (101, 1_000, 20.0),
        (1_001, paid, 6.0),
    ];
    Contest {
        id: "bench".into(),
        name: "bench".into(),
        entry_fee: 3.0,
        field_size: size,
        max_entries: ENTRIES,
        payouts: tiers
            .iter()
            .map(|&(first, last, prize)| PayoutTier { first, last, prize })
            .collect(),
    }
}

fn main() {
    let iterations: u32 = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(1_000);
    let mut rng = Pcg64Mcg::seed_from_u64(1);
    let slate = slate(&mut rng);
    let mut taken = HashSet::new();
    let field: Vec<FieldEntrant> = lineups(&mut rng, FIELD_UNIQUE, &mut taken)
        .into_iter()
        .enumerate()
        .map(|(i, players)| FieldEntrant {
            player_ids: players.iter().map(|&p| 10_000 + i64::from(p)).collect(),
            players,
            // 20,000 lineups entered twice: 100,000 entries.
            copies: if i < (FIELD_ENTRIES as usize - FIELD_UNIQUE) {
                2
            } else {
                1
            },
            salary: 40_000,
            proj: 0.0,
        })
        .collect();
    let candidates: Vec<CandidateLineup> = lineups(&mut rng, CANDIDATES, &mut taken)
        .into_iter()
        .enumerate()
        .map(|(i, players)| CandidateLineup {
            lineup_id: i as u32,
            variant_id: 0,
            rank_in_variant: 1,
            player_ids: players.iter().map(|&p| 10_000 + i64::from(p)).collect(),
            players,
            salary: 40_000,
            proj: 0.0,
            score: 0.0,
        })
        .collect();
    let contest = contest();
    let config = SimConfig {
        iterations,
        entries: None,
        max_exposure: 0.5,
        ..SimConfig::default()
    };
    let input = SimInput {
        slate: &slate,
        contest: &contest,
        candidates: &candidates,
        field: &field,
        entries: ENTRIES,
        correlations: None,
    };

    let threads = rayon::current_num_threads();
    let start = Instant::now();
    let result = GppSim.run(input, &config, &StageContext::quiet(7));
    let secs = start.elapsed().as_secs_f64();
    match result {
        Ok((out, diag)) => {
            let scores = diag.counters.get("lineup_scores").copied().unwrap_or(0.0);
            println!(
                "sim: {iterations} iterations, {CANDIDATES} candidates, {FIELD_UNIQUE} unique field lineups \
                 ({FIELD_ENTRIES} entries), {} selected, {threads} threads",
                out.selected.len()
            );
            println!(
                "  total            {secs:.2} s ({:.2} ms/iteration)",
                secs * 1e3 / f64::from(iterations)
            );
            println!(
                "  lineup scores/s  {:.3e} ({scores:.3e} scored, both passes)",
                scores / secs
            );
            println!(
                "  portfolio roi_mean {:.4}, field_roi_mean {:.4}",
                out.metrics.roi_mean, out.metrics.field_roi_mean
            );
        }
        Err(e) => eprintln!("sim failed: {e}"),
    }
}
