//! Each rule, written in YAML as a user writes it, binds on the stage's output:
//! without it the best lineups break it, with it every lineup keeps it, and the
//! best score cannot rise.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;

use common::*;
use optimizer::{Optimizer, OptimizerInput};
use schemas::{OptimizerConfig, OptimizerOutput, Player, Slate, Stage, StageContext};

fn config(yaml: &str) -> OptimizerConfig {
    pipeline_io::config::parse_config(Path::new("optimizer.yaml"), yaml).unwrap()
}

fn run_seeded(slate: &Slate, yaml: &str, seed: u64) -> OptimizerOutput {
    let catalog = catalog(slate, 1, 3);
    Optimizer
        .run(
            OptimizerInput {
                slate,
                catalog: &catalog,
            },
            &config(yaml),
            &StageContext::quiet(seed),
        )
        .unwrap()
        .0
}

fn players<'a>(slate: &'a Slate, lineup: &[u32]) -> Vec<&'a Player> {
    lineup.iter().map(|&i| &slate.players[i as usize]).collect()
}

/// An NFL slate whose ownership rises with projection (the fixture's is flat).
fn nfl() -> Slate {
    let mut slate = nfl_slate(120, 4, 17);
    for p in &mut slate.players {
        p.ownership = (p.projection / 40.0).min(1.0);
    }
    slate
}

const BASE: &str = "lineups_per_variant: 6\nmax_overlap: 7\n";

/// Asserts `rule` binds: broken by some lineup without it, kept by all with it.
fn binds(slate: &Slate, rule: &str, holds: impl Fn(&[&Player]) -> bool) {
    let free = run_seeded(slate, BASE, 1);
    assert!(
        free.lineups
            .iter()
            .any(|l| !holds(&players(slate, &l.players))),
        "the rule must bind on this slate: {rule}"
    );
    let ruled = run_seeded(slate, &format!("{BASE}{rule}"), 1);
    assert_eq!(ruled.lineups.len(), 6, "{rule}");
    for l in &ruled.lineups {
        let ps = players(slate, &l.players);
        assert!(holds(&ps), "{rule}: lineup {:?} breaks it", l.player_ids);
        schemas::Lineup {
            players: l.players.clone(),
        }
        .check(slate)
        .unwrap();
    }
    assert!(ruled.lineups[0].score <= free.lineups[0].score + 1e-9);
    assert!(ruled.proven_optimal);
}

fn count_by<K: Ord>(ps: &[&Player], key: impl Fn(&Player) -> K) -> usize {
    let mut keys: Vec<K> = ps.iter().map(|p| key(p)).collect();
    keys.sort();
    keys.chunk_by(|a, b| a == b)
        .map(<[K]>::len)
        .max()
        .unwrap_or(0)
}

fn is(p: &Player, pos: &str) -> bool {
    p.positions.iter().any(|x| x == pos)
}

#[test]
fn team_stack_binds() {
    binds(&nfl(), "team_stacks: [{size: 4}]\n", |ps| {
        count_by(ps, |p| p.team.clone()) >= 4
    });
}

#[test]
fn game_stack_binds() {
    binds(&nfl(), "game_stacks: [{size: 5}]\n", |ps| {
        count_by(ps, |p| p.game) >= 5
    });
}

#[test]
fn qb_stack_with_bring_back_binds() {
    binds(
        &nfl(),
        "qb_stack: {min_catchers: 2, max_catchers: 2, bring_back: 1}\n",
        |ps| {
            ps.iter().filter(|q| is(q, "QB")).all(|q| {
                let catchers = ps
                    .iter()
                    .filter(|p| p.team == q.team && (is(p, "WR") || is(p, "TE")))
                    .count();
                let back = ps
                    .iter()
                    .filter(|p| {
                        q.opponent.as_deref() == Some(p.team.as_str())
                            && (is(p, "RB") || is(p, "WR") || is(p, "TE"))
                    })
                    .count();
                catchers == 2 && back >= 1
            })
        },
    );
}

#[test]
fn no_offense_against_own_dst_binds() {
    binds(&nfl(), "no_offense_vs_dst: true\n", |ps| {
        ps.iter().filter(|d| is(d, "DST")).all(|d| {
            ps.iter()
                .all(|p| is(p, "DST") || p.opponent.as_deref() != Some(d.team.as_str()))
        })
    });
}

#[test]
fn ownership_sum_cap_binds() {
    let slate = nfl();
    let free = run_seeded(&slate, BASE, 1);
    let own = |l: &schemas::CandidateLineup| -> f64 {
        players(&slate, &l.players)
            .iter()
            .map(|p| p.ownership)
            .sum()
    };
    let cap = own(&free.lineups[0]) - 0.05;
    binds(&slate, &format!("max_ownership_sum: {cap}\n"), |ps| {
        ps.iter().map(|p| p.ownership).sum::<f64>() <= cap + 1e-9
    });
}

#[test]
fn group_by_name_binds() {
    let slate = nfl();
    let free = run_seeded(&slate, BASE, 1);
    // Two players of the best lineup, named as a user would: at most one of them.
    let a = slate.players[free.lineups[0].players[0] as usize]
        .name
        .clone();
    let b = slate.players[free.lineups[0].players[1] as usize]
        .name
        .clone();
    binds(
        &slate,
        &format!("groups: [{{players: [\"{a}\", \"{b}\"], max: 1}}]\n"),
        |ps| ps.iter().filter(|p| p.name == a || p.name == b).count() <= 1,
    );
}

#[test]
fn min_teams_binds() {
    binds(&nfl(), "min_teams: 7\n", |ps| {
        let mut teams: Vec<&str> = ps.iter().map(|p| p.team.as_str()).collect();
        teams.sort_unstable();
        teams.dedup();
        teams.len() >= 7
    });
}

#[test]
fn randomness_is_seeded_and_changes_lineups() {
    let slate = nba_slate(120, 4, 9);
    let yaml = "lineups_per_variant: 8\nmax_overlap: 7\nrandomness: 1.0\n";
    let a = run_seeded(&slate, yaml, 1);
    let b = run_seeded(&slate, yaml, 1);
    let c = run_seeded(&slate, yaml, 2);
    assert_eq!(a, b, "same seed, same lineups");
    assert_ne!(a, c, "another seed, other lineups");
    // The score is each lineup's own noisy objective, not its base projection.
    assert!(a.lineups.iter().any(|l| (l.score - l.proj).abs() > 1e-6));
    let plain = run_seeded(&slate, "lineups_per_variant: 8\nmax_overlap: 7\n", 1);
    assert!(
        plain
            .lineups
            .iter()
            .all(|l| (l.score - l.proj).abs() < 1e-6)
    );
}
