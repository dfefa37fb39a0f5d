//! The solver against an independent MIP (good_lp + microlp) on realistic slate sizes.

mod common;

use common::*;
use good_lp::{
    Expression, ProblemVariables, ResolutionError, Solution as _, SolverModel, Variable,
    constraint, microlp, variable,
};
use optimizer::{SolveRules, solve};
use schemas::{Lineup, Slate};

/// Best objective by MIP: one binary per eligible (player, slot), one per game used.
fn mip_best(slate: &Slate, points: &[f64], max_overlap: u32, earlier: &[Lineup]) -> Option<f64> {
    let mut vars = ProblemVariables::new();
    let slots = slate.rules.roster_size();
    let mut x: Vec<Vec<(usize, Variable)>> = vec![Vec::new(); slate.players.len()];
    for (p, player) in slate.players.iter().enumerate() {
        for s in 0..slots {
            if player.slot_mask & (1 << s) != 0 {
                x[p].push((s, vars.add(variable().binary())));
            }
        }
    }
    let z: Vec<Variable> = (0..slate.games.len())
        .map(|_| vars.add(variable().binary()))
        .collect();
    let y = |p: usize| -> Expression { x[p].iter().map(|&(_, v)| v).sum() };
    let objective: Expression = (0..slate.players.len()).map(|p| points[p] * y(p)).sum();
    let mut model = vars.maximise(objective.clone()).using(microlp);
    for s in 0..slots {
        let fill: Expression = x
            .iter()
            .flatten()
            .filter(|(t, _)| *t == s)
            .map(|&(_, v)| v)
            .sum();
        model = model.with(constraint!(fill == 1));
    }
    for p in 0..slate.players.len() {
        model = model.with(constraint!(y(p) <= 1));
    }
    let salary: Expression = (0..slate.players.len())
        .map(|p| f64::from(slate.players[p].salary) * y(p))
        .sum();
    model = model.with(constraint!(salary <= f64::from(slate.rules.salary_cap)));
    for (g, &zg) in z.iter().enumerate() {
        let in_game: Expression = (0..slate.players.len())
            .filter(|&p| slate.players[p].game as usize == g)
            .map(y)
            .sum();
        model = model.with(constraint!(zg <= in_game));
    }
    let games: Expression = z.iter().copied().sum();
    model = model.with(constraint!(games >= f64::from(slate.rules.min_games)));
    for l in earlier {
        let shared: Expression = l.players.iter().map(|&p| y(p as usize)).sum();
        model = model.with(constraint!(shared <= f64::from(max_overlap)));
    }
    match model.solve() {
        Ok(sol) => Some(sol.eval(&objective)),
        Err(ResolutionError::Infeasible) => None,
        Err(e) => panic!("MIP failed: {e}"),
    }
}

fn check_sequence(slate: &Slate, seed: u64, k: usize) {
    let points = catalog(slate, 2, seed).variants[1].points.clone();
    let rules = SolveRules {
        max_overlap: Some(6),
        ..Default::default()
    };
    let mut earlier = Vec::new();
    for rank in 1..=k {
        let got = solve(slate, &points, &rules, &earlier).expect("valid input");
        let want = mip_best(slate, &points, 6, &earlier);
        match (got, want) {
            (Some(g), Some(w)) => {
                assert!(
                    (g.score - w).abs() < 1e-6,
                    "seed {seed} lineup {rank}: solver {} vs MIP {w}",
                    g.score
                );
                assert!(g.proven_optimal);
                g.lineup.check(slate).expect("DK-valid");
                earlier.push(g.lineup);
            }
            (None, None) => break,
            (g, w) => panic!(
                "seed {seed} lineup {rank}: solver {:?} vs MIP {w:?}",
                g.map(|g| g.score)
            ),
        }
    }
}

#[test]
fn nba_first_lineup_matches_mip() {
    for seed in 0..2 {
        check_sequence(&nba_slate(60 + 30 * seed as usize, 5, seed), seed, 1);
    }
}

#[test]
fn nba_sequence_matches_mip() {
    check_sequence(&nba_slate(70, 6, 11), 11, 5);
}

#[test]
fn nfl_first_lineup_matches_mip() {
    for seed in 20..22 {
        check_sequence(&nfl_slate(90 + 15 * (seed as usize - 20), 6, seed), seed, 1);
    }
}

#[test]
fn nfl_sequence_matches_mip() {
    check_sequence(&nfl_slate(70, 6, 31), 31, 4);
}

/// The first `k` lineups of a sequence (each sharing at most `max_overlap` rows with
/// every earlier one) against the one-binary-per-row MIP.
fn check_rows_sequence(slate: &Slate, seed: u64, k: usize, max_overlap: u32) {
    let points = catalog(slate, 2, seed).variants[1].points.clone();
    let rules = SolveRules {
        max_overlap: Some(max_overlap),
        ..Default::default()
    };
    let mut earlier = Vec::new();
    for rank in 1..=k {
        let got = solve(slate, &points, &rules, &earlier).expect("valid input");
        let want = mip_rows(slate, &points, max_overlap as usize, &earlier);
        match (got, want) {
            (Some(g), Some(w)) => {
                assert!(
                    (g.score - w).abs() < 1e-6,
                    "{} seed {seed} lineup {rank}: solver {} vs MIP {w}",
                    slate.rules.name,
                    g.score
                );
                assert!(g.proven_optimal);
                g.lineup.check(slate).expect("DK-valid");
                earlier.push(g.lineup);
            }
            (None, None) => break,
            (g, w) => panic!(
                "seed {seed} lineup {rank}: solver {:?} vs MIP {w:?}",
                g.map(|g| g.score)
            ),
        }
    }
}

#[test]
fn showdown_sequences_match_mip() {
    for (name, persons, seed) in [
        ("nba_showdown", 24, 41),
        ("nfl_showdown", 34, 42),
        ("nba_showdown", 45, 43),
    ] {
        let slate = showdown_slate(showdown_rules(name), persons, seed);
        check_rows_sequence(&slate, seed, 5, 4);
    }
}

#[test]
fn row_mip_agrees_on_classic_sequences() {
    check_rows_sequence(&nba_slate(70, 6, 11), 11, 3, 6);
    check_rows_sequence(&nfl_slate(70, 6, 31), 31, 3, 7);
}
