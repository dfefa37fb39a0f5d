//! The builtin correlation tables on real slates: how many players each game
//! draws, whether the table's matrix needed the nearest-correlation repair
//! and by how much. The sample slate that ships with the project must not
//! need a repair large enough to warn; the shared real-data slates
//! (`../shared/data`, skipped when absent) are measured and printed:
//!
//! `cargo test --release -p gpp-sim --test real_tables -- --nocapture`
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use gpp_sim::{CopulaModel, REPAIR_WARNING, min_eigenvalue};
use pipeline_io::inputs::{
    build_slate, builtin_correlations, detect_sport, read_projections, read_salaries,
};
use schemas::{Marginal, PairKind, Slate};

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn slate(salaries: &Path, projections: Option<&Path>) -> Slate {
    let s = read_salaries(salaries).unwrap();
    let rules = detect_sport(&s).unwrap();
    let p = projections.map(|p| read_projections(p).unwrap());
    build_slate("real", &s, p.as_ref(), rules).unwrap().0
}

/// Builds the model with the sport's builtin table; checks every game's
/// matrix is a correlation matrix; returns (drawn players, largest change
/// between key players, measured here from the table, and as the model reports it).
fn measure(name: &str, s: &Slate) -> (usize, f64, f64) {
    let table = builtin_correlations(&s.rules.sport).unwrap();
    let model = CopulaModel::new(s, Some(&table), Marginal::Lognormal).unwrap();
    let mut largest_game = 0;
    // Largest change of a pair of two "key" players (std dev at least half
    // the game's largest), the pairs that move lineup scores.
    let mut key_change = 0.0f64;
    for g in 0..s.games.len() {
        let members: Vec<usize> = (0..s.players.len())
            .filter(|&i| {
                let p = &s.players[i];
                p.game as usize == g
                    && p.projection > 0.0
                    && p.std_dev > 0.0
                    && p.captain_of.is_none()
            })
            .collect();
        largest_game = largest_game.max(members.len());
        let n = members.len();
        let c: Vec<f64> = members
            .iter()
            .flat_map(|&i| members.iter().map(move |&j| (i, j)))
            .map(|(i, j)| model.correlation(i, j))
            .collect();
        assert!(
            min_eigenvalue(&c, n) >= -1e-9,
            "{name}: game {g} is not PSD"
        );
        let top = members
            .iter()
            .map(|&i| s.players[i].std_dev)
            .fold(0.0, f64::max);
        for &i in &members {
            for &j in &members {
                let (a, b) = (&s.players[i], &s.players[j]);
                if i == j || a.std_dev < top / 2.0 || b.std_dev < top / 2.0 {
                    continue;
                }
                let kind = if a.team == b.team {
                    PairKind::SameTeam
                } else {
                    PairKind::Opponent
                };
                let want = table.pair(kind, &a.positions, &b.positions);
                key_change = key_change.max((model.correlation(i, j) - want).abs());
            }
        }
    }
    let change = model
        .repairs()
        .iter()
        .map(|r| r.max_change)
        .fold(0.0, f64::max);
    println!(
        "{name}: {} games, {} drawn players (largest game {largest_game}), {} repaired, largest change {change:.4}, among key pairs {key_change:.4}",
        s.games.len(),
        model.drawn_players(),
        model.repairs().len()
    );
    let reported = model
        .repairs()
        .iter()
        .map(|r| r.key_change)
        .fold(0.0, f64::max);
    (model.drawn_players(), key_change, reported)
}

#[test]
fn the_sample_slate_needs_no_warning() {
    let dir = workspace().join("data/nba-2025-01-12");
    let s = slate(&dir.join("DKSalaries.csv"), None);
    let (drawn, key_change, reported) = measure("sample nba-2025-01-12", &s);
    assert!(drawn > 0);
    assert!(key_change <= REPAIR_WARNING, "{key_change}");
    assert!(
        (key_change - reported).abs() < 1e-9,
        "{key_change} vs {reported}"
    );
}

#[test]
fn shared_slates_are_measured() {
    let data = workspace().join("../shared/data");
    if !data.is_dir() {
        eprintln!("../shared/data is absent: skipping the real slates");
        return;
    }
    let cases = [
        (
            "nba/2025-01-12_marvalgames",
            "DKSalaries.csv",
            Some("Projections.csv"),
        ),
        (
            "nba/2025-01-15_marvalgames",
            "DKSalaries.csv",
            Some("Projections.csv"),
        ),
        (
            "nba/2025-02-13_marvalgames",
            "DKSalaries.csv",
            Some("Projections.csv"),
        ),
        (
            "nfl/2025-09-14_speculati0n",
            "DKSalaries.csv",
            Some("fantasylabs_projections.csv"),
        ),
        (
            "nfl/2025-09-07_uruley",
            "DKSalaries.csv",
            Some("model_projections.csv"),
        ),
        ("nfl/2022-12-25_swftskllz", "DKSalaries.csv", None),
    ];
    for (folder, salaries, projections) in cases {
        let dir = data.join(folder);
        let s = slate(
            &dir.join(salaries),
            projections.map(|p| dir.join(p)).as_deref(),
        );
        measure(folder, &s);
    }
}
