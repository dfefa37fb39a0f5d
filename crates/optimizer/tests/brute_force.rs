//! The solver against exhaustive enumeration on tiny slates.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use optimizer::{SolveRules, solve};
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64;
use schemas::{Lineup, Slate};

fn assert_same(
    slate: &Slate,
    all: &[Lineup],
    points: &[f64],
    rules: &SolveRules,
    earlier: &[Lineup],
) -> Option<Lineup> {
    let want = brute_best(slate, all, points, rules, earlier);
    let got = solve(slate, points, rules, earlier).expect("valid input");
    match (&want, &got) {
        (None, None) => None,
        (Some((_, w)), Some(g)) => {
            assert!(
                (w - g.score).abs() < 1e-6,
                "brute {w} vs solver {} ({rules:?})",
                g.score
            );
            assert!(g.proven_optimal);
            g.lineup.check(slate).expect("solver lineup is DK-valid");
            Some(g.lineup.clone())
        }
        _ => panic!(
            "brute {:?} vs solver {:?} ({rules:?}, {} earlier)",
            want.map(|w| w.1),
            got.map(|g| g.score),
            earlier.len()
        ),
    }
}

fn run_case(slate: &Slate, seed: u64) {
    let all = all_lineups(slate);
    let mut rng = Pcg64::seed_from_u64(seed ^ 0xabcdef);
    let points = catalog(slate, 2, seed).variants[1].points.clone();
    let n = slate.players.len() as u32;

    assert_same(slate, &all, &points, &SolveRules::default(), &[]);
    let lock = SolveRules {
        locks: vec![rng.random_range(0..n)],
        ..Default::default()
    };
    assert_same(slate, &all, &points, &lock, &[]);
    let two_locks = SolveRules {
        locks: vec![rng.random_range(0..n), rng.random_range(0..n)],
        excludes: vec![rng.random_range(0..n)],
        ..Default::default()
    };
    assert_same(slate, &all, &points, &two_locks, &[]);
    let excludes = SolveRules {
        excludes: vec![rng.random_range(0..n), rng.random_range(0..n)],
        ..Default::default()
    };
    assert_same(slate, &all, &points, &excludes, &[]);
    let salary = SolveRules {
        min_salary: Some(rng.random_range(40..49) * 1000),
        max_salary: Some(rng.random_range(44..50) * 1000),
        ..Default::default()
    };
    assert_same(slate, &all, &points, &salary, &[]);

    // Sequences: each lineup the best under the overlap bound with all earlier ones.
    for max_overlap in [None, Some(5), Some(3)] {
        let rules = SolveRules {
            max_overlap,
            ..Default::default()
        };
        let mut earlier = Vec::new();
        for _ in 0..5 {
            match assert_same(slate, &all, &points, &rules, &earlier) {
                Some(l) => earlier.push(l),
                None => break,
            }
        }
    }
}

#[test]
fn nba_matches_brute_force() {
    for seed in 0..24 {
        let n = 14 + (seed % 5) as usize;
        let slate = nba_slate(n, 2 + (seed % 2) as u32, seed);
        run_case(&slate, seed);
    }
}

#[test]
fn nfl_matches_brute_force() {
    for seed in 100..116 {
        let n = 15 + (seed % 4) as usize;
        let slate = nfl_slate(n, 2, seed);
        run_case(&slate, seed);
    }
}

#[test]
fn team_limit_matches_brute_force() {
    for seed in 200..212 {
        let mut slate = nba_slate(16, 2, seed);
        slate.rules.max_players_per_team = Some(3);
        run_case(&slate, seed);
    }
}

#[test]
fn showdown_matches_brute_force() {
    for seed in 300..316 {
        let name = if seed % 2 == 0 {
            "nba_showdown"
        } else {
            "nfl_showdown"
        };
        let slate = showdown_slate(showdown_rules(name), 8 + (seed % 3) as usize, seed);
        run_case(&slate, seed);
        // A locked captain row keeps his base row out; a locked base row, his captain row.
        let all = all_lineups(&slate);
        let points = catalog(&slate, 2, seed).variants[1].points.clone();
        for (c, p) in slate.players.iter().enumerate().take(6) {
            let Some(b) = p.captain_of else { continue };
            for lock in [c as u32, b] {
                let rules = SolveRules {
                    locks: vec![lock],
                    ..Default::default()
                };
                assert_same(&slate, &all, &points, &rules, &[]);
            }
        }
    }
}

#[test]
fn showdown_team_limit_binds() {
    // Team T0's points doubled: without the limit the best 6 often all come from it.
    let mut bound = 0;
    for seed in 400..412 {
        let slate = showdown_slate(showdown_rules("nba_showdown"), 12, seed);
        let points: Vec<f64> = catalog(&slate, 2, seed).variants[1]
            .points
            .iter()
            .zip(&slate.players)
            .map(|(&x, p)| if p.team == "T0" { 2.0 * x } else { x })
            .collect();
        let mut free = slate.clone();
        free.rules.max_players_per_team = None;
        let limited = solve(&slate, &points, &SolveRules::default(), &[]).unwrap();
        let unlimited = solve(&free, &points, &SolveRules::default(), &[]).unwrap();
        if let (Some(l), Some(u)) = (limited, unlimited) {
            if u.score > l.score + 1e-9 {
                bound += 1;
            }
            l.lineup.check(&slate).unwrap();
        }
    }
    assert!(bound > 0, "the team limit never bound");
}
