//! NFL stacking habits on a synthetic NFL classic slate: the sampled rates of
//! QB + 1 / QB + 2 pass catchers and of bring-backs match the configured ones.
#![allow(clippy::unwrap_used)]

use field_sampler::{FieldInput, FieldSampler};
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64Mcg;
use schemas::{FieldSamplerConfig, FieldSamplerOutput, Lineup, Slate, Stage, StageContext};
use testkit::{nfl_rules, player, slate_of};

/// Per team: 2 QB, 4 RB, 6 WR, 3 TE, 1 DST; `games` games.
fn nfl_slate(seed: u64, games: u32) -> Slate {
    let rules = nfl_rules();
    let mut rng = Pcg64Mcg::seed_from_u64(seed);
    let mut players = Vec::new();
    let roster: [(&str, usize, u32, u32); 5] = [
        ("QB", 2, 5_000, 8_000),
        ("RB", 4, 4_000, 9_000),
        ("WR", 6, 3_000, 9_000),
        ("TE", 3, 2_500, 7_000),
        ("DST", 1, 2_000, 4_000),
    ];
    for team in 0..2 * games {
        for &(pos, count, lo, hi) in &roster {
            for _ in 0..count {
                let salary = rng.random_range(lo / 100..=hi / 100) * 100;
                let proj = salary as f64 / 1000.0 * rng.random_range(2.0..3.2);
                let id = 1_000 + players.len() as i64;
                players.push(player(&rules, id, pos, team, salary, proj));
            }
        }
    }
    // Ownership by value within each position, summing to the slots it fills.
    for &(pos, _, _, _) in &roster {
        let slots = match pos {
            "RB" => 2.3,
            "WR" => 3.5,
            "TE" => 1.2,
            _ => 1.0,
        };
        let value = |p: &schemas::Player| (p.projection / p.salary as f64 * 1000.0).powi(3);
        let total: f64 = players
            .iter()
            .filter(|p| p.positions[0] == pos)
            .map(value)
            .sum();
        for p in players.iter_mut().filter(|p| p.positions[0] == pos) {
            p.ownership = (slots * value(p) / total).min(0.9);
        }
    }
    slate_of(rules, games, players)
}

fn run(slate: &Slate, n: u32, config: &FieldSamplerConfig, seed: u64) -> FieldSamplerOutput {
    FieldSampler
        .run(
            FieldInput {
                slate,
                field_size: n,
            },
            config,
            &StageContext::quiet(seed),
        )
        .unwrap()
        .0
}

/// Shares of entries with exactly 1 and exactly 2 QB teammates at WR/TE, and of
/// stacking entries holding exactly one RB/WR/TE of the QB's opponent.
fn rates(slate: &Slate, out: &FieldSamplerOutput) -> (f64, f64, f64) {
    let (mut one, mut two, mut stacked, mut back, mut n) = (0u64, 0u64, 0u64, 0u64, 0u64);
    for e in &out.entrants {
        let players: Vec<&schemas::Player> = e
            .players
            .iter()
            .map(|&i| &slate.players[i as usize])
            .collect();
        let qb = players[0];
        assert_eq!(qb.positions[0], "QB");
        let opp = qb.opponent.as_deref().unwrap();
        let catchers = players[1..]
            .iter()
            .filter(|p| p.team == qb.team && (p.positions[0] == "WR" || p.positions[0] == "TE"))
            .count();
        let backs = players
            .iter()
            .filter(|p| p.team == opp && ["RB", "WR", "TE"].contains(&p.positions[0].as_str()))
            .count();
        let c = u64::from(e.copies);
        n += c;
        match catchers {
            1 => one += c,
            2 => two += c,
            _ => {}
        }
        if catchers > 0 {
            stacked += c;
            if backs == 1 {
                back += c;
            }
        }
    }
    (
        one as f64 / n as f64,
        two as f64 / n as f64,
        back as f64 / stacked.max(1) as f64,
    )
}

#[test]
fn sampled_stacking_rates_match_the_configured_ones() {
    let slate = nfl_slate(17, 6);
    for (one, two, bring_back) in [(0.45, 0.30, 0.35), (0.20, 0.60, 0.70)] {
        let config = FieldSamplerConfig {
            stack_one_share: one,
            stack_two_share: two,
            bring_back_share: bring_back,
            calibration_rounds: 3,
            ..FieldSamplerConfig::default()
        };
        let (out, diagnostics) = FieldSampler
            .run(
                FieldInput {
                    slate: &slate,
                    field_size: 20_000,
                },
                &config,
                &StageContext::quiet(5),
            )
            .unwrap();
        // Sharp entrants (optimizer builds) hold their stack too, repaired into it.
        assert!(out.telemetry.sharp_share > 0.3);
        assert_eq!(diagnostics.counters["sharp_fallbacks"], 0.0);
        for e in &out.entrants {
            Lineup {
                players: e.players.clone(),
            }
            .check(&slate)
            .unwrap();
        }
        let (s1, s2, sb) = rates(&slate, &out);
        eprintln!(
            "configured {one}/{two}/{bring_back}, sampled {s1:.3}/{s2:.3}/{sb:.3}, \
             ownership MAE {:.2}",
            out.telemetry.ownership_mae
        );
        // 20,000 entries: a share's standard error is under 0.004.
        assert!((s1 - one).abs() < 0.02, "QB + 1: {s1} vs {one}");
        assert!((s2 - two).abs() < 0.02, "QB + 2: {s2} vs {two}");
        assert!(
            (sb - bring_back).abs() < 0.02,
            "bring-back: {sb} vs {bring_back}"
        );
        assert!(out.telemetry.ownership_mae < 1.5);
    }
}

#[test]
fn no_stacking_without_the_anchor_position() {
    // The same slate with stacking pointed at a position the sport does not know:
    // the QB + 2 rate falls to what ownership alone gives.
    let slate = nfl_slate(17, 6);
    let config = FieldSamplerConfig {
        sharp_share: 0.0,
        stack_anchor: vec!["PITCHER".into()],
        stack_one_share: 0.0,
        stack_two_share: 1.0,
        calibration_rounds: 1,
        ..FieldSamplerConfig::default()
    };
    let (_, two, _) = rates(&slate, &run(&slate, 5_000, &config, 9));
    assert!(two < 0.2, "QB + 2 without stacking: {two}");
}

#[test]
fn stacked_fields_are_identical_for_any_thread_count() {
    let slate = nfl_slate(23, 4);
    let config = FieldSamplerConfig {
        calibration_rounds: 2,
        ..FieldSamplerConfig::default()
    };
    let in_pool = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| run(&slate, 6_000, &config, 11))
    };
    assert_eq!(in_pool(1), in_pool(2));
}
