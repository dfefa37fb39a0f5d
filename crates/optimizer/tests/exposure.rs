//! Exposure rules across the pool, and showdown at the stage level: min player
//! exposure binds in the documented just-in-time order, a person counts once
//! whichever row he fills, and rules by name name the person.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::Path;

use common::*;
use optimizer::{Optimizer, OptimizerInput};
use schemas::{OptimizerConfig, OptimizerOutput, Slate, Stage, StageContext, StageError};

fn config(yaml: &str) -> OptimizerConfig {
    pipeline_io::config::parse_config(Path::new("optimizer.yaml"), yaml).unwrap()
}

fn run(slate: &Slate, yaml: &str) -> Result<OptimizerOutput, StageError> {
    let catalog = catalog(slate, 1, 3);
    Optimizer
        .run(
            OptimizerInput {
                slate,
                catalog: &catalog,
            },
            &config(yaml),
            &StageContext::quiet(1),
        )
        .map(|(out, _)| out)
}

fn valid(slate: &Slate, out: &OptimizerOutput) {
    for l in &out.lineups {
        schemas::Lineup {
            players: l.players.clone(),
        }
        .check(slate)
        .unwrap();
    }
}

/// Lineups holding any row of `person` (a base row index).
fn count_person(slate: &Slate, out: &OptimizerOutput, person: u32) -> usize {
    out.lineups
        .iter()
        .filter(|l| l.players.iter().any(|&i| slate.person(i) == person))
        .count()
}

const TEN: &str = "lineups_per_variant: 10\nmax_overlap: 6\n";

#[test]
fn min_exposure_binds_just_in_time() {
    let slate = nba_slate(60, 4, 7);
    let free = run(&slate, TEN).unwrap();
    assert_eq!(free.lineups.len(), 10);
    // The best-projected player the free pool never uses.
    let x = (0..slate.players.len() as u32)
        .filter(|&i| count_person(&slate, &free, i) == 0)
        .max_by(|&a, &b| {
            slate.players[a as usize]
                .projection
                .total_cmp(&slate.players[b as usize].projection)
        })
        .unwrap();
    let id = slate.players[x as usize].dk_id;
    let ruled = run(
        &slate,
        &format!("{TEN}player_exposure: [{{player: {id}, min: 0.4}}]\n"),
    )
    .unwrap();
    valid(&slate, &ruled);
    assert_eq!(ruled.lineups.len(), 10);
    let holding: Vec<bool> = ruled
        .lineups
        .iter()
        .map(|l| l.players.contains(&x))
        .collect();
    // 4 of 10, forced into the last 4: the first 6 are the free pool's.
    assert_eq!(holding, [vec![false; 6], vec![true; 4]].concat());
    for k in 0..6 {
        assert_eq!(ruled.lineups[k].players, free.lineups[k].players);
    }
    // A player already at his min is never forced.
    let top = free.lineups[0].players[0];
    let top_id = slate.players[top as usize].dk_id;
    let share = count_person(&slate, &free, top) as f64 / 10.0;
    let same = run(
        &slate,
        &format!("{TEN}player_exposure: [{{player: {top_id}, min: {share}}}]\n"),
    )
    .unwrap();
    assert_eq!(same.lineups, free.lineups);
}

#[test]
fn min_exposure_that_cannot_be_met_is_an_infeasible_error() {
    let slate = nba_slate(60, 4, 7);
    let (a, b) = (slate.players[20].dk_id, slate.players[21].dk_id);
    // At most one of the two in a lineup, but each in 6 of 10 lineups.
    let yaml = format!(
        "{TEN}groups: [{{players: [{a}, {b}], max: 1}}]\n\
         player_exposure: [{{player: {a}, min: 0.6}}, {{player: {b}, min: 0.6}}]\n"
    );
    match run(&slate, &yaml) {
        Err(StageError::Infeasible { message, .. }) => {
            assert!(message.starts_with("player_exposure min:"), "{message}");
            assert!(message.contains(&a.to_string()), "{message}");
        }
        other => panic!("expected Infeasible, got {other:?}"),
    }
    // min above max.
    let yaml = format!("{TEN}player_exposure: [{{player: {a}, min: 0.6, max: 0.3}}]\n");
    match run(&slate, &yaml) {
        Err(StageError::InvalidInput { field, message, .. }) => {
            assert_eq!(field, "player_exposure[0]");
            assert!(message.contains("above max"), "{message}");
        }
        other => panic!("expected InvalidInput, got {other:?}"),
    }
}

fn showdown() -> Slate {
    showdown_slate(showdown_rules("nba_showdown"), 24, 5)
}

#[test]
fn showdown_pool_holds_a_person_once_and_one_captain_per_lineup() {
    let slate = showdown();
    let out = run(&slate, TEN).unwrap();
    assert_eq!(out.lineups.len(), 10);
    valid(&slate, &out);
    for l in &out.lineups {
        // Slot 0 is the captain slot; only captain rows fill it, and only it.
        assert!(slate.players[l.players[0] as usize].captain_of.is_some());
        assert!(
            l.players[1..]
                .iter()
                .all(|&i| slate.players[i as usize].captain_of.is_none())
        );
        let mut persons: Vec<u32> = l.players.iter().map(|&i| slate.person(i)).collect();
        persons.sort_unstable();
        persons.dedup();
        assert_eq!(persons.len(), 6);
    }
}

#[test]
fn showdown_exposure_counts_the_person_and_names_lock_the_person() {
    let slate = showdown();
    let free = run(&slate, TEN).unwrap();
    // The most used person of the free pool, over both his rows.
    let star = (0..slate.players.len() as u32)
        .filter(|&i| slate.players[i as usize].captain_of.is_none())
        .max_by_key(|&i| count_person(&slate, &free, i))
        .unwrap();
    assert!(count_person(&slate, &free, star) > 3);
    let capped = run(&slate, &format!("{TEN}max_exposure: 0.3\n")).unwrap();
    valid(&slate, &capped);
    for i in 0..slate.players.len() as u32 {
        if slate.players[i as usize].captain_of.is_none() {
            assert!(count_person(&slate, &capped, i) <= 3, "person {i}");
        }
    }
    // A name lock: the person in every lineup, in either slot.
    let unused = (0..slate.players.len() as u32)
        .find(|&i| {
            slate.players[i as usize].captain_of.is_none()
                && slate.players[i as usize].projection > 0.0
                && count_person(&slate, &free, i) == 0
        })
        .unwrap();
    let name = slate.players[unused as usize].name.clone();
    let locked = run(&slate, &format!("{TEN}locks: [\"{name}\"]\n")).unwrap();
    valid(&slate, &locked);
    assert_eq!(count_person(&slate, &locked, unused), locked.lineups.len());
    // An id lock on his captain row: captain in every lineup.
    let cpt = (0..slate.players.len())
        .find(|&i| slate.players[i].captain_of == Some(unused))
        .unwrap();
    let id = slate.players[cpt].dk_id;
    let as_captain = run(&slate, &format!("{TEN}locks: [{id}]\n")).unwrap();
    assert!(
        as_captain
            .lineups
            .iter()
            .all(|l| l.players[0] as usize == cpt)
    );
    // A name exclude leaves out both rows; min exposure by name counts the person.
    let star_name = slate.players[star as usize].name.clone();
    let out = run(&slate, &format!("{TEN}excludes: [\"{star_name}\"]\n")).unwrap();
    assert_eq!(count_person(&slate, &out, star), 0);
    let out = run(
        &slate,
        &format!("{TEN}player_exposure: [{{player: \"{name}\", min: 0.5}}]\n"),
    )
    .unwrap();
    valid(&slate, &out);
    assert_eq!(count_person(&slate, &out, unused), 5);
}

#[test]
fn a_person_locked_by_name_is_exempt_from_the_exposure_cap() {
    let slate = showdown();
    let base = (0..slate.players.len())
        .find(|&i| slate.players[i].captain_of.is_none() && slate.players[i].projection > 0.0)
        .unwrap();
    let name = slate.players[base].name.clone();
    let out = run(
        &slate,
        &format!("{TEN}max_exposure: 0.3\nlocks: [\"{name}\"]\n"),
    )
    .unwrap();
    valid(&slate, &out);
    assert_eq!(out.lineups.len(), 10);
    assert_eq!(count_person(&slate, &out, base as u32), 10);
}
