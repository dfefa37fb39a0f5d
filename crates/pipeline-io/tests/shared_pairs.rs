//! Every real salary + projection pair of the shared real-data folder
//! (`../shared/data` next to the workspace) builds a slate, and how many of the
//! projection rows match. The folder is not part of the project: without it this
//! test returns early.

// Test helpers may unwrap: a failure is the test failing.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use pipeline_io::inputs::{build_slate, detect_sport, read_projections, read_salaries};

fn shared_data() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data");
    dir.is_dir().then_some(dir)
}

/// (folder, salary file, projection file): every pair the data README lists.
const PAIRS: &[(&str, &str, &str)] = &[
    (
        "nba/2024-12-13_marvalgames",
        "DKEntries.csv",
        "Projections.csv",
    ),
    (
        "nba/2024-12-14_marvalgames",
        "DKEntries.csv",
        "Projections.csv",
    ),
    (
        "nba/2025-01-12_marvalgames",
        "DKSalaries.csv",
        "Projections.csv",
    ),
    (
        "nba/2025-01-12_marvalgames",
        "DKEntries.csv",
        "Projections.csv",
    ),
    (
        "nba/2025-01-15_marvalgames",
        "DKSalaries.csv",
        "Projections.csv",
    ),
    (
        "nba/2025-01-15_marvalgames",
        "DKEntries.csv",
        "Projections.csv",
    ),
    (
        "nba/2025-01-18_marvalgames",
        "DKSalaries.csv",
        "Projections.csv",
    ),
    (
        "nba/2025-01-18_marvalgames",
        "DKEntries.csv",
        "Projections.csv",
    ),
    (
        "nba/2025-01-20_marvalgames",
        "DKSalaries.csv",
        "Projections.csv",
    ),
    (
        "nba/2025-01-20_marvalgames",
        "DKEntries.csv",
        "Projections.csv",
    ),
    (
        "nba/2025-02-13_marvalgames",
        "DKSalaries.csv",
        "Projections.csv",
    ),
    (
        "nba/2025-02-13_marvalgames",
        "DKEntries.csv",
        "Projections.csv",
    ),
    (
        "contests/nba-2024-12-05_marvalgames",
        "entries.csv",
        "fta.csv",
    ),
    (
        "contests/nba-2024-12-05_marvalgames",
        "DKSalaries_DERIVED.csv",
        "fta.csv",
    ),
    (
        "contests/nba-2024-12-10_marvalgames",
        "entries.csv",
        "fta.csv",
    ),
    (
        "contests/nba-2024-12-10_marvalgames",
        "DKSalaries_DERIVED.csv",
        "fta.csv",
    ),
    (
        "contests/nba-2024-12-19_marvalgames",
        "DKEntries1219.csv",
        "projections1219.csv",
    ),
    (
        "contests/nba-2024-12-23_marvalgames",
        "DKEntries1223.csv",
        "projections1223.csv",
    ),
    (
        "contests/nba-2024-12-26_marvalgames",
        "DKEntries1226.csv",
        "projections1226.csv",
    ),
    (
        "nfl/2025-09-14_speculati0n",
        "DKSalaries.csv",
        "fantasylabs_projections.csv",
    ),
    (
        "nfl/2025-09-07_uruley",
        "DKSalaries.csv",
        "model_projections.csv",
    ),
];

#[test]
fn every_real_salary_and_projection_pair_builds_a_slate() {
    let Some(data) = shared_data() else {
        eprintln!("shared data folder not found next to the workspace; skipping");
        return;
    };
    for &(folder, salaries, projections) in PAIRS {
        let dir = data.join(folder);
        let what = format!("{folder}/{salaries} + {projections}");
        let s = read_salaries(dir.join(salaries)).unwrap();
        let p = read_projections(dir.join(projections)).unwrap();
        let rules = detect_sport(&s).unwrap();
        let (_, report) =
            build_slate(folder, &s, Some(&p), rules).unwrap_or_else(|e| panic!("{what}: {e}"));
        eprintln!(
            "MATCH {what}: {} of {} projection rows ({:.3}), {} salary rows",
            report.matched(),
            p.rows.len(),
            report.matched() as f64 / p.rows.len() as f64,
            s.rows.len()
        );
    }
}
