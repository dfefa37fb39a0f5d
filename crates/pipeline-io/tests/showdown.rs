//! Showdown (captain mode) salary files: detection, pairing each captain row with its
//! person's base row, slot masks, and projections and ownership for both rows. Uses
//! the fixtures in `data/fixtures/showdown` (see its README).

// Test helpers may unwrap: a failure is the test failing.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::{Path, PathBuf};

use pipeline_io::inputs::{
    self, build_slate, builtin_sport, detect_sport, read_projections, read_salaries,
};
use schemas::Slate;
use tempfile::TempDir;

use common::write;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../../data/fixtures/showdown/{name}"))
}

fn message(err: impl std::fmt::Display) -> String {
    err.to_string()
}

/// Every captain row points at the base row of the same person, with the multiplier
/// applied to his points, and fits only the captain slot; base rows fit only the others.
fn assert_pairs(slate: &Slate, multiplier: f64) {
    let captain = slate.rules.captain_slots();
    let flex = slate.rules.all_slots() & !captain;
    let mut captains = 0;
    for (i, p) in slate.players.iter().enumerate() {
        let Some(b) = p.captain_of else {
            assert_eq!(p.slot_mask, flex, "{}", p.name);
            continue;
        };
        captains += 1;
        let base = &slate.players[b as usize];
        assert_ne!(b as usize, i);
        assert_eq!(p.slot_mask, captain, "{}", p.name);
        assert_eq!((&p.name, &p.team), (&base.name, &base.team));
        assert_eq!(p.positions, base.positions);
        assert_ne!(p.dk_id, base.dk_id);
        assert_eq!(f64::from(p.salary), multiplier * f64::from(base.salary));
        assert!((p.projection - multiplier * base.projection).abs() < 1e-9);
        assert!((p.std_dev - multiplier * base.std_dev).abs() < 1e-9);
        assert_eq!(slate.person(i as u32), b);
    }
    assert_eq!(2 * captains, slate.players.len());
}

#[test]
fn nba_showdown_file_reads_as_captain_and_util_pairs() {
    let salaries = read_salaries(fixture("nba_DKSalaries.csv")).unwrap();
    assert_eq!(salaries.rows.len(), 90);
    let rules = detect_sport(&salaries).unwrap();
    assert_eq!(rules.name, "nba_showdown");
    let (slate, report) = build_slate("sd", &salaries, None, rules).unwrap();
    assert_pairs(&slate, 1.5);
    assert_eq!(slate.games.len(), 1);
    // Captain rows inherit their person's projection and are not reported on their own.
    assert_eq!(report.players_without_projection.len(), 45);
    // The model: captain rows share the one captain slot, base rows the five others.
    let (mut cpt, mut util) = (0.0, 0.0);
    for p in &slate.players {
        if p.captain_of.is_some() {
            cpt += p.ownership;
        } else {
            util += p.ownership;
        }
    }
    assert!(
        (cpt - 1.0).abs() < 1e-9 && (util - 5.0).abs() < 1e-9,
        "{cpt} {util}"
    );
    let tatum = slate.players.iter().find(|p| p.dk_id == 21458175).unwrap();
    assert!((tatum.projection - 1.5 * 46.22).abs() < 1e-9);
}

#[test]
fn nfl_showdown_file_with_kickers_and_defenses() {
    let salaries = read_salaries(fixture("nfl_DKSalaries.csv")).unwrap();
    let rules = detect_sport(&salaries).unwrap();
    assert_eq!(rules.name, "nfl_showdown");
    let (slate, _) = build_slate("sd", &salaries, None, rules).unwrap();
    assert_pairs(&slate, 1.5);
    assert_eq!(slate.rules.slot_names()[1], "FLEX");
    let chiefs: Vec<_> = slate
        .players
        .iter()
        .filter(|p| p.name == "Chiefs")
        .collect();
    assert_eq!(chiefs.len(), 2);
    assert!(slate.players.iter().any(|p| p.positions == ["K"]));
}

#[test]
fn projections_attach_to_the_person_and_ownership_splits() {
    let dir = TempDir::new().unwrap();
    // One row per person: the figure is the person's ownership in any slot.
    let path = write(
        &dir,
        "proj.csv",
        "Name,Team,Fpts,Own%,StdDev\nPatrick Mahomes,KC,24,60,8\nJosh Allen,BUF,26,70,9\nChiefs,KC,7,20,5\n",
    );
    let proj = read_projections(&path).unwrap();
    let salaries = read_salaries(fixture("nfl_DKSalaries.csv")).unwrap();
    let rules = builtin_sport("nfl_showdown").unwrap();
    let (slate, report) = build_slate("sd", &salaries, Some(&proj), rules).unwrap();
    assert_eq!(report.matched(), 3, "{report:?}");
    assert!(report.unmatched_projections.is_empty());
    assert_pairs(&slate, 1.5);
    let rows = |name: &str| {
        let base = slate
            .players
            .iter()
            .position(|p| p.name == name && p.captain_of.is_none())
            .unwrap();
        let cpt = slate
            .players
            .iter()
            .position(|p| p.captain_of == Some(base as u32))
            .unwrap();
        (&slate.players[cpt], &slate.players[base])
    };
    let (cpt, base) = rows("Patrick Mahomes");
    assert_eq!((base.projection, base.std_dev), (24.0, 8.0));
    assert_eq!((cpt.projection, cpt.std_dev), (36.0, 12.0));
    // Split between the rows, the person's total kept, captaincy a minority share.
    assert!((cpt.ownership + base.ownership - 0.6).abs() < 1e-12);
    assert!(cpt.ownership > 0.0 && cpt.ownership < base.ownership);
    // A person the file does not list is projected at 0 ownership, both rows.
    let (cpt, base) = rows("Travis Kelce");
    assert_eq!((cpt.ownership, base.ownership), (0.0, 0.0));
    assert!((cpt.projection - 1.5 * 13.2).abs() < 1e-9);
}

#[test]
fn captain_specific_ownership_is_used_when_given() {
    let dir = TempDir::new().unwrap();
    let salaries = read_salaries(fixture("nfl_DKSalaries.csv")).unwrap();
    let rules = builtin_sport("nfl_showdown").unwrap();
    // A captain-ownership column on the person's row.
    let path = write(
        &dir,
        "cpt_col.csv",
        "Name,Team,Fpts,Own%,CptOwn%\nJosh Allen,BUF,26,70,25\n",
    );
    let proj = read_projections(&path).unwrap();
    let (slate, _) = build_slate("sd", &salaries, Some(&proj), rules.clone()).unwrap();
    let allen = |s: &Slate, cpt: bool| {
        s.players
            .iter()
            .find(|p| p.name == "Josh Allen" && p.captain_of.is_some() == cpt)
            .unwrap()
            .clone()
    };
    assert!((allen(&slate, true).ownership - 0.25).abs() < 1e-12);
    assert!((allen(&slate, false).ownership - 0.70).abs() < 1e-12);
    assert_eq!(allen(&slate, true).projection, 39.0);
    // A row for the captain entry itself, by its DraftKings id.
    let path = write(
        &dir,
        "cpt_row.csv",
        "ID,Name,Team,Fpts,Own%\n37110102,Josh Allen,BUF,26,70\n37110002,Josh Allen,BUF,39,30\n",
    );
    let proj = read_projections(&path).unwrap();
    let (slate, report) = build_slate("sd", &salaries, Some(&proj), rules).unwrap();
    assert_eq!(report.by_id, 2);
    assert!((allen(&slate, true).ownership - 0.30).abs() < 1e-12);
    assert!((allen(&slate, false).ownership - 0.70).abs() < 1e-12);
    assert_eq!(allen(&slate, true).projection, 39.0);
}

#[test]
fn captain_row_without_its_base_row_is_an_error_naming_file_and_row() {
    let dir = TempDir::new().unwrap();
    let text = std::fs::read_to_string(fixture("nba_DKSalaries.csv")).unwrap();
    let text: String = text
        .lines()
        .filter(|l| !l.contains("(21458220)"))
        .map(|l| format!("{l}\n"))
        .collect();
    let path = write(&dir, "DKSalaries.csv", &text);
    let salaries = read_salaries(&path).unwrap();
    let rules = detect_sport(&salaries).unwrap();
    let err = message(build_slate("sd", &salaries, None, rules).unwrap_err());
    assert!(
        err.contains("DKSalaries.csv: row 2, field \"Name\""),
        "{err}"
    );
    assert!(
        err.contains("Jayson Tatum (BOS) has no UTIL row with the same name and team"),
        "{err}"
    );
}

#[test]
fn sport_forced_against_the_file_is_an_error() {
    let salaries = read_salaries(fixture("nba_DKSalaries.csv")).unwrap();
    let err =
        message(build_slate("sd", &salaries, None, builtin_sport("nba").unwrap()).unwrap_err());
    assert!(
        err.contains("Roster Position") && err.contains("no captain slot"),
        "{err}"
    );
    // Forcing showdown on a showdown file is the same as detecting it.
    let forced = build_slate(
        "sd",
        &salaries,
        None,
        builtin_sport("nba_showdown").unwrap(),
    );
    let detected = build_slate("sd", &salaries, None, detect_sport(&salaries).unwrap());
    assert_eq!(forced.unwrap().0, detected.unwrap().0);
    // A classic file forced to showdown has no captain rows.
    let classic =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/nba-2025-01-12/DKSalaries.csv");
    let classic = read_salaries(classic).unwrap();
    assert_eq!(detect_sport(&classic).unwrap().name, "nba_classic");
    let err = message(
        build_slate("c", &classic, None, builtin_sport("nba_showdown").unwrap()).unwrap_err(),
    );
    assert!(err.contains("not a showdown salary file"), "{err}");
}

#[test]
fn showdown_sport_names_are_builtin() {
    let names = inputs::builtin_sport_names();
    assert!(names.contains(&"nba_showdown") && names.contains(&"nfl_showdown"));
    assert_eq!(builtin_sport("NFL-showdown").unwrap().name, "nfl_showdown");
}

#[test]
fn a_provider_row_marked_cpt_goes_to_the_captain_row() {
    let dir = TempDir::new().unwrap();
    let salaries = read_salaries(fixture("nfl_DKSalaries.csv")).unwrap();
    let rules = builtin_sport("nfl_showdown").unwrap();
    // The captain row first, without ids: it must not become the person's projection.
    let path = write(
        &dir,
        "two_rows.csv",
        "Name,Pos,Team,Fpts,Own%\nJosh Allen,CPT,BUF,39,30\nJosh Allen,QB,BUF,26,70\n",
    );
    let proj = read_projections(&path).unwrap();
    let (slate, report) = build_slate("sd", &salaries, Some(&proj), rules).unwrap();
    assert_eq!(report.matched(), 2, "{report:?}");
    let allen = |cpt: bool| {
        slate
            .players
            .iter()
            .find(|p| p.name == "Josh Allen" && p.captain_of.is_some() == cpt)
            .unwrap()
    };
    assert_eq!(
        (allen(false).projection, allen(false).ownership),
        (26.0, 0.7)
    );
    assert_eq!(allen(true).projection, 39.0);
    assert!((allen(true).ownership - 0.3).abs() < 1e-12);
}
