//! The solver against the one-binary-per-row MIP (good_lp + microlp) on every
//! salary file of the shared real-data folder (`../shared/data` next to the
//! workspace), with and without the projection file next to it: the optimum and
//! each lineup of a short sequence (every lineup sharing at most roster - 2
//! players with each earlier one) score the same to 1e-6.
//!
//! The folder is not part of the project: without it that test returns early. The
//! showdown salary files the project ships (`data/fixtures/showdown`) are checked
//! the same way, always. Run in release
//! (`cargo test --release -p optimizer --test real_oracle`).
#![allow(clippy::unwrap_used)]

mod common;

use std::path::{Path, PathBuf};
use std::time::Instant;

use common::mip_rows;
use optimizer::{SolveRules, solve};
use pipeline_io::inputs::{build_slate, detect_sport, read_projections, read_salaries};
use schemas::Slate;

/// Lineups per sequence, from the first (the optimum) on. With 10 the whole test
/// (29 slates: 15 salary files, 14 of them also with projections) ran in 14-22 s in
/// release on the shared 2-core machine, nearly all of it in the MIP; 20 took 74 s.
const SEQUENCE: usize = 10;

fn shared_data() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data");
    dir.is_dir().then_some(dir)
}

/// Every salary file (`DKSalaries.csv`, the pool in `DKEntries.csv`) under `data`, sorted.
fn salary_files(data: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for sport in ["nba", "nfl"] {
        let Ok(dirs) = std::fs::read_dir(data.join(sport)) else {
            continue;
        };
        for dir in dirs {
            let dir = dir.unwrap().path();
            for name in ["DKSalaries.csv", "DKEntries.csv"] {
                if dir.join(name).is_file() {
                    out.push(dir.join(name));
                }
            }
        }
    }
    out.sort();
    out
}

/// The projection file next to a salary file, if any.
fn projections_next_to(salaries: &Path) -> Option<PathBuf> {
    let dir = salaries.parent()?;
    [
        "Projections.csv",
        "fantasylabs_projections.csv",
        "model_projections.csv",
    ]
    .into_iter()
    .map(|n| dir.join(n))
    .find(|p| p.is_file())
}

/// Solves a sequence of `SEQUENCE` lineups and checks each against the MIP.
fn check(what: &str, slate: &Slate) {
    let points: Vec<f64> = slate.players.iter().map(|p| p.projection).collect();
    let max_overlap = slate.rules.roster_size() - 2;
    let rules = SolveRules {
        max_overlap: Some(max_overlap as u32),
        ..Default::default()
    };
    let mut earlier = Vec::new();
    let (mut solver_time, mut mip_time) = (0.0, 0.0);
    for rank in 1..=SEQUENCE {
        let t = Instant::now();
        let got = solve(slate, &points, &rules, &earlier).unwrap();
        solver_time += t.elapsed().as_secs_f64();
        let t = Instant::now();
        let want = mip_rows(slate, &points, max_overlap, &earlier);
        mip_time += t.elapsed().as_secs_f64();
        match (got, want) {
            (Some(g), Some(w)) => {
                assert!(
                    (g.score - w).abs() < 1e-6,
                    "{what} lineup {rank}: solver {} vs MIP {w}",
                    g.score
                );
                assert!(g.proven_optimal, "{what} lineup {rank}");
                g.lineup.check(slate).unwrap();
                earlier.push(g.lineup);
            }
            (None, None) => break,
            (g, w) => panic!(
                "{what} lineup {rank}: solver {:?} vs MIP {w:?}",
                g.map(|g| g.score)
            ),
        }
    }
    eprintln!(
        "{what}: {} players, {} lineups match; solver {solver_time:.2} s, MIP {mip_time:.2} s",
        slate.players.len(),
        earlier.len()
    );
}

#[test]
fn every_shared_salary_file_matches_the_mip() {
    let Some(data) = shared_data() else {
        eprintln!("shared data folder not found next to the workspace; skipping");
        return;
    };
    let files = salary_files(&data);
    assert!(!files.is_empty());
    for path in files {
        let what = path.strip_prefix(&data).unwrap().display().to_string();
        let salaries = read_salaries(&path).unwrap();
        let rules = detect_sport(&salaries).unwrap();
        let (slate, _) = build_slate("real", &salaries, None, rules.clone()).unwrap();
        check(&format!("{what} (averages)"), &slate);
        if let Some(proj) = projections_next_to(&path) {
            let proj = read_projections(proj).unwrap();
            let (slate, _) = build_slate("real", &salaries, Some(&proj), rules).unwrap();
            check(&format!("{what} (projections)"), &slate);
        }
    }
}

#[test]
fn shipped_showdown_salary_files_match_the_mip() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/fixtures/showdown");
    for name in ["nba_DKSalaries.csv", "nfl_DKSalaries.csv"] {
        let salaries = read_salaries(dir.join(name)).unwrap();
        let rules = detect_sport(&salaries).unwrap();
        assert!(rules.captain.is_some(), "{name}");
        let (slate, _) = build_slate("showdown", &salaries, None, rules).unwrap();
        check(name, &slate);
    }
}
