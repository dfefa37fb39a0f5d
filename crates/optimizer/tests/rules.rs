//! Every rule binds, infeasible rules are explained, output is valid and deterministic.

mod common;

use std::sync::atomic::AtomicBool;

use common::*;
use optimizer::{Optimizer, OptimizerInput, SolveRules, solve};
use schemas::{
    Diagnostics, NullSink, OptimizerConfig, OptimizerOutput, PlayerRef, Slate, Stage, StageContext,
    StageError,
};

fn run(
    slate: &Slate,
    variants: u32,
    config: &OptimizerConfig,
) -> Result<(OptimizerOutput, Diagnostics), StageError> {
    let catalog = catalog(slate, variants, 5);
    Optimizer.run(
        OptimizerInput {
            slate,
            catalog: &catalog,
        },
        config,
        &StageContext::quiet(0),
    )
}

fn infeasible(slate: &Slate, config: &OptimizerConfig) -> String {
    match run(slate, 2, config) {
        Err(StageError::Infeasible { message, .. }) => message,
        other => panic!("expected Infeasible, got {other:?}"),
    }
}

fn assert_valid(slate: &Slate, out: &OptimizerOutput) {
    for (k, l) in out.lineups.iter().enumerate() {
        assert_eq!(l.lineup_id as usize, k);
        let lineup = schemas::Lineup {
            players: l.players.clone(),
        };
        lineup.check(slate).expect("DK-valid");
        let ids: Vec<i64> = l
            .players
            .iter()
            .map(|&i| slate.players[i as usize].dk_id)
            .collect();
        assert_eq!(ids, l.player_ids);
        assert_eq!(l.salary, lineup.salary(slate));
        let proj: f64 = l
            .players
            .iter()
            .map(|&i| slate.players[i as usize].projection)
            .sum();
        assert!((proj - l.proj).abs() < 1e-9);
    }
    let mut keys: Vec<Vec<u32>> = out
        .lineups
        .iter()
        .map(|l| {
            let mut k = l.players.clone();
            k.sort_unstable();
            k
        })
        .collect();
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), out.lineups.len(), "no duplicate lineups");
}

#[test]
fn pool_follows_the_documented_order_and_is_valid() {
    let slate = nba_slate(120, 6, 1);
    let config = OptimizerConfig {
        lineups_per_variant: 3,
        max_overlap: Some(6),
        ..Default::default()
    };
    let (out, diag) = run(&slate, 5, &config).expect("feasible");
    assert!(out.proven_optimal);
    assert_eq!(out.lineups.len(), 15);
    assert!(diag.warnings.is_empty());
    assert_valid(&slate, &out);
    let cat = catalog(&slate, 5, 5);
    for (k, l) in out.lineups.iter().enumerate() {
        assert_eq!(l.variant_id as usize, k / 3);
        assert_eq!(l.rank_in_variant as usize, k % 3 + 1);
        let score: f64 = l
            .players
            .iter()
            .map(|&i| cat.variants[k / 3].points[i as usize])
            .sum();
        assert!((score - l.score).abs() < 1e-9);
        for e in &out.lineups[..k] {
            assert!(
                overlap(&l.players, &e.players) <= 6,
                "max_overlap binds pairwise"
            );
        }
        if l.rank_in_variant > 1 {
            assert!(
                l.score <= out.lineups[k - 1].score + 1e-9,
                "k-th best is no better"
            );
        }
    }
    // The first lineup of variant 0 is the unconstrained optimum.
    let best = solve(&slate, &cat.variants[0].points, &SolveRules::default(), &[])
        .expect("valid")
        .expect("feasible");
    assert!((best.score - out.lineups[0].score).abs() < 1e-9);
}

#[test]
fn locks_and_excludes_bind() {
    let slate = nba_slate(100, 5, 2);
    let lock_a = slate.players[10].dk_id;
    let lock_b = slate.players[20].name.to_uppercase();
    let config = OptimizerConfig {
        lineups_per_variant: 2,
        max_overlap: Some(6),
        locks: vec![PlayerRef::Id(lock_a), PlayerRef::Name(lock_b)],
        excludes: vec![
            PlayerRef::Id(slate.players[0].dk_id),
            PlayerRef::Name(slate.players[1].name.clone()),
        ],
        ..Default::default()
    };
    let (out, _) = run(&slate, 4, &config).expect("feasible");
    assert_valid(&slate, &out);
    assert_eq!(out.lineups.len(), 8);
    for l in &out.lineups {
        assert!(l.players.contains(&10) && l.players.contains(&20));
        assert!(!l.players.contains(&0) && !l.players.contains(&1));
    }
}

#[test]
fn salary_bounds_bind() {
    let slate = nba_slate(100, 5, 3);
    let config = OptimizerConfig {
        lineups_per_variant: 2,
        min_salary: Some(47_000),
        max_salary: Some(47_500),
        ..Default::default()
    };
    let (out, _) = run(&slate, 4, &config).expect("feasible");
    assert_valid(&slate, &out);
    assert!(!out.lineups.is_empty());
    for l in &out.lineups {
        assert!((47_000..=47_500).contains(&l.salary), "salary {}", l.salary);
    }
}

#[test]
fn exposure_caps_bind() {
    let slate = nba_slate(100, 5, 4);
    let config = OptimizerConfig {
        lineups_per_variant: 4,
        max_overlap: Some(7),
        max_exposure: 0.3,
        ..Default::default()
    };
    let (out, _) = run(&slate, 5, &config).expect("feasible");
    assert_valid(&slate, &out);
    assert_eq!(out.lineups.len(), 20);
    let cap = 6; // ceil(0.3 x 20)
    for p in 0..slate.players.len() as u32 {
        let n = out
            .lineups
            .iter()
            .filter(|l| l.players.contains(&p))
            .count();
        assert!(n <= cap, "player {p} in {n} lineups");
    }
}

#[test]
fn team_limit_binds() {
    let mut slate = nba_slate(100, 3, 5);
    slate.rules.max_players_per_team = Some(2);
    let (out, _) = run(&slate, 4, &OptimizerConfig::default()).expect("feasible");
    assert_valid(&slate, &out);
    for l in &out.lineups {
        for t in 0..6 {
            let team = format!("T{t}");
            let n = l
                .players
                .iter()
                .filter(|&&i| slate.players[i as usize].team == team)
                .count();
            assert!(n <= 2);
        }
    }
}

#[test]
fn exhausted_overlap_warns_and_continues() {
    let slate = nba_slate(11, 2, 6);
    let config = OptimizerConfig {
        lineups_per_variant: 10,
        max_overlap: Some(5),
        ..Default::default()
    };
    let (out, diag) = run(&slate, 2, &config).expect("feasible");
    assert_valid(&slate, &out);
    assert!(out.lineups.len() < 20);
    assert!(
        diag.warnings.iter().any(|w| w.contains("variant 0")),
        "{:?}",
        diag.warnings
    );
}

/// PG/SG, PG x4, PF, PF/C, SF/PF: position counts pass but no slot assignment exists.
#[test]
fn hall_trap_is_never_optimal() {
    let r = nba_rules();
    let trap = ["PG/SG", "PG", "PG", "PG", "PG", "PF", "PF/C", "SF/PF"];
    let mut players: Vec<_> = trap
        .iter()
        .enumerate()
        .map(|(k, pos)| player(&r, k as i64, pos, (k % 4) as u32, 5_000, 60.0))
        .collect();
    for (k, pos) in ["C", "SG", "SF", "SG", "C", "SF", "PF", "PG"]
        .iter()
        .enumerate()
    {
        players.push(player(
            &r,
            100 + k as i64,
            pos,
            (k % 4) as u32,
            4_000,
            10.0 + k as f64,
        ));
    }
    let slate = slate_of(r, 2, players);
    let points: Vec<f64> = slate.players.iter().map(|p| p.projection).collect();
    let got = solve(&slate, &points, &SolveRules::default(), &[])
        .expect("valid")
        .expect("feasible");
    got.lineup.check(&slate).expect("DK-valid");
    assert_ne!(
        got.lineup.key(),
        (0..8).collect::<Vec<u32>>(),
        "trap chosen"
    );
    let want = brute_best(
        &slate,
        &all_lineups(&slate),
        &points,
        &SolveRules::default(),
        &[],
    )
    .expect("feasible");
    assert!((want.1 - got.score).abs() < 1e-9);
    assert!(got.score < 480.0);
}

#[test]
fn infeasible_rules_are_explained() {
    let slate = nba_slate(60, 4, 7);
    let m = infeasible(
        &slate,
        &OptimizerConfig {
            min_salary: Some(50_500),
            ..Default::default()
        },
    );
    assert!(
        m.contains("min_salary 50,500 is above the salary cap 50,000"),
        "{m}"
    );

    let mut rich = slate.clone();
    for p in &mut rich.players[..6] {
        p.salary = 9_000;
    }
    let locks: Vec<PlayerRef> = rich.players[..6]
        .iter()
        .map(|p| PlayerRef::Id(p.dk_id))
        .collect();
    let m = infeasible(
        &rich,
        &OptimizerConfig {
            locks,
            ..Default::default()
        },
    );
    assert!(
        m.contains("locks exceed the salary cap 50,000 by 4,000"),
        "{m}"
    );

    let nfl = nfl_slate(60, 4, 8);
    let qbs: Vec<PlayerRef> = nfl
        .players
        .iter()
        .filter(|p| p.positions == ["QB"])
        .take(2)
        .map(|p| PlayerRef::Name(p.name.clone()))
        .collect();
    let m = infeasible(
        &nfl,
        &OptimizerConfig {
            locks: qbs,
            ..Default::default()
        },
    );
    assert!(
        m.contains("locks hold 2 players") && m.contains("both only fit slot QB"),
        "{m}"
    );

    let other_games: Vec<PlayerRef> = slate
        .players
        .iter()
        .filter(|p| p.game != 0)
        .map(|p| PlayerRef::Id(p.dk_id))
        .collect();
    let mut one_game = slate.clone();
    // Make sure game 0 alone can fill a roster.
    for (k, pos) in ["PG", "SG", "SF", "PF", "C", "PG", "SF", "C"]
        .iter()
        .enumerate()
    {
        one_game.players.push(player(
            &one_game.rules,
            9_000 + k as i64,
            pos,
            0,
            3_000,
            10.0,
        ));
    }
    let m = infeasible(
        &one_game,
        &OptimizerConfig {
            excludes: other_games,
            ..Default::default()
        },
    );
    assert_eq!(m, "no lineup satisfies min_games 2 with these excludes");

    let centers: Vec<PlayerRef> = slate
        .players
        .iter()
        .filter(|p| p.positions.iter().any(|x| x == "C"))
        .map(|p| PlayerRef::Id(p.dk_id))
        .collect();
    let m = infeasible(
        &slate,
        &OptimizerConfig {
            excludes: centers,
            ..Default::default()
        },
    );
    assert!(m.contains("no available player can fill slot C"), "{m}");

    let m = infeasible(
        &slate,
        &OptimizerConfig {
            max_salary: Some(20_000),
            ..Default::default()
        },
    );
    assert!(m.contains("max_salary 20,000"), "{m}");
}

#[test]
fn unknown_players_are_named() {
    let slate = nba_slate(30, 2, 9);
    let config = OptimizerConfig {
        locks: vec![PlayerRef::Name("Nobody Here".into())],
        ..Default::default()
    };
    match run(&slate, 1, &config) {
        Err(StageError::InvalidInput { field, message, .. }) => {
            assert_eq!(field, "locks");
            assert!(message.contains("Nobody Here"), "{message}");
        }
        other => panic!("expected InvalidInput, got {other:?}"),
    }
    let config = OptimizerConfig {
        excludes: vec![PlayerRef::Id(123_456_789)],
        ..Default::default()
    };
    assert!(matches!(
        run(&slate, 1, &config),
        Err(StageError::InvalidInput { .. })
    ));
}

#[test]
fn runs_are_deterministic() {
    let slate = nfl_slate(150, 6, 10);
    let config = OptimizerConfig {
        lineups_per_variant: 3,
        max_exposure: 0.5,
        ..Default::default()
    };
    let a = run(&slate, 6, &config).expect("feasible");
    let b = run(&slate, 6, &config).expect("feasible");
    assert_eq!(a, b);
    assert_valid(&slate, &a.0);
}

#[test]
fn cancellation_stops_the_stage() {
    let slate = nba_slate(40, 2, 11);
    let catalog = catalog(&slate, 2, 1);
    let cancel = AtomicBool::new(true);
    let ctx = StageContext {
        seed: 0,
        progress: &NullSink,
        events: &NullSink,
        cancel: &cancel,
    };
    let r = Optimizer.run(
        OptimizerInput {
            slate: &slate,
            catalog: &catalog,
        },
        &OptimizerConfig::default(),
        &ctx,
    );
    assert!(matches!(r, Err(StageError::Cancelled { .. })));
}
