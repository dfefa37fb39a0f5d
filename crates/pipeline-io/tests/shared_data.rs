//! Reads every salary, projection and payout file of the shared real-data folder
//! (`../shared/data` next to the workspace), building a slate for each.
//! The folder is not part of the project: without it this test returns early.

// Test helpers may unwrap: a failure is the test failing.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use pipeline_io::inputs::{
    self, ProjectionFile, SalaryLayout, build_slate, read_payouts, read_projections, read_salaries,
};

fn shared_data() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data");
    dir.is_dir().then_some(dir)
}

/// Player pools from the data README's table: (folder, file, players, sport).
const POOLS: &[(&str, &str, usize, &str)] = &[
    (
        "nba/2024-12-13_marvalgames",
        "DKEntries.csv",
        213,
        "nba_classic",
    ),
    (
        "nba/2024-12-14_marvalgames",
        "DKEntries.csv",
        71,
        "nba_classic",
    ),
    (
        "nba/2025-01-12_marvalgames",
        "DKSalaries.csv",
        209,
        "nba_classic",
    ),
    (
        "nba/2025-01-12_marvalgames",
        "DKEntries.csv",
        209,
        "nba_classic",
    ),
    (
        "nba/2025-01-15_marvalgames",
        "DKSalaries.csv",
        314,
        "nba_classic",
    ),
    (
        "nba/2025-01-15_marvalgames",
        "DKEntries.csv",
        314,
        "nba_classic",
    ),
    (
        "nba/2025-01-18_marvalgames",
        "DKSalaries.csv",
        173,
        "nba_classic",
    ),
    (
        "nba/2025-01-18_marvalgames",
        "DKEntries.csv",
        173,
        "nba_classic",
    ),
    (
        "nba/2025-01-20_marvalgames",
        "DKSalaries.csv",
        171,
        "nba_classic",
    ),
    (
        "nba/2025-01-20_marvalgames",
        "DKEntries.csv",
        171,
        "nba_classic",
    ),
    (
        "nba/2025-02-13_marvalgames",
        "DKSalaries.csv",
        170,
        "nba_classic",
    ),
    (
        "nba/2025-02-13_marvalgames",
        "DKEntries.csv",
        170,
        "nba_classic",
    ),
    (
        "nfl/2022-12-25_swftskllz",
        "DKSalaries.csv",
        155,
        "nfl_classic",
    ),
    (
        "nfl/2025-09-07_uruley",
        "DKSalaries.csv",
        720,
        "nfl_classic",
    ),
    (
        "nfl/2025-09-14_speculati0n",
        "DKSalaries.csv",
        589,
        "nfl_classic",
    ),
];

/// Payout tables: (file, field size, entry fee).
const PAYOUTS: &[(&str, u32, f64)] = &[
    (
        "nba/2024-12-13_marvalgames/payout_40K_Sharpshooter.csv",
        15_854,
        3.0,
    ),
    (
        "nba/2024-12-14_marvalgames/payout_30K_Four_Point_Play.csv",
        8_917,
        4.0,
    ),
    (
        "nba/2025-01-12_marvalgames/payout_20K_Four_Point_Play.csv",
        5_945,
        4.0,
    ),
    (
        "nba/2025-01-15_marvalgames/payout_30K_Excellent_Eights.csv",
        4_411,
        8.0,
    ),
    (
        "nba/2025-01-18_marvalgames/payout_25K_Four_Point_Play.csv",
        7_431,
        4.0,
    ),
    (
        "nba/2025-01-20_marvalgames/payout_30K_Four_Point_Play.csv",
        8_917,
        4.0,
    ),
    (
        "nba/2025-02-13_marvalgames/payout_60K_Four_Point_Play.csv",
        17_835,
        4.0,
    ),
];

/// The projection file sitting next to a salary file, if any.
fn projections_for(folder: &Path) -> Option<ProjectionFile> {
    let name = [
        "Projections.csv",
        "fantasylabs_projections.csv",
        "model_projections.csv",
    ]
    .into_iter()
    .find(|n| folder.join(n).is_file())?;
    Some(read_projections(folder.join(name)).unwrap())
}

#[test]
fn every_shared_file_reads_and_builds_a_slate() {
    let Some(data) = shared_data() else {
        eprintln!("shared data folder not found next to the workspace; skipping");
        return;
    };
    for &(folder, file, players, sport) in POOLS {
        let dir = data.join(folder);
        let what = format!("{folder}/{file}");
        let salaries = read_salaries(dir.join(file)).unwrap();
        assert_eq!(salaries.rows.len(), players, "{what}");
        let expected_layout = if file == "DKEntries.csv" {
            SalaryLayout::EntriesPool
        } else {
            SalaryLayout::Salaries
        };
        assert_eq!(salaries.layout, expected_layout, "{what}");
        let rules = inputs::detect_sport(&salaries).unwrap();
        assert_eq!(rules.name, sport, "{what}");
        let roster = rules.roster_size() as f64;
        let projections = projections_for(&dir);

        let (slate, report) = build_slate(folder, &salaries, projections.as_ref(), rules).unwrap();
        assert_eq!(slate.players.len(), players, "{what}");
        assert!(slate.games.len() >= 2, "{what}");
        assert!(
            slate.games.windows(2).all(|w| w[0].key < w[1].key),
            "{what}"
        );
        assert_eq!(
            report.players_without_projection.len() + report.matched(),
            players,
            "{what}"
        );
        if let Some(p) = &projections {
            eprintln!(
                "{what}: {} of {} projection rows matched (id {}, name+team {}, name {}, dst {}); unmatched {:?}",
                report.matched(),
                p.rows.len(),
                report.by_id,
                report.by_name_team,
                report.by_name_only,
                report.by_defense_team,
                report
                    .unmatched_projections
                    .iter()
                    .map(|u| &u.name)
                    .collect::<Vec<_>>()
            );
            let share = report.matched() as f64 / p.rows.len() as f64;
            assert!(
                share > 0.9,
                "{what}: only {} of {} projection rows matched: {:?}",
                report.matched(),
                p.rows.len(),
                report.unmatched_projections
            );
            assert_eq!(
                report.matched() + report.unmatched_projections.len(),
                p.rows.len()
            );
        } else {
            // No projections: the ownership model fills the roster exactly.
            let total: f64 = slate.players.iter().map(|p| p.ownership).sum();
            assert!(
                (total - roster).abs() < 1e-6,
                "{what}: total ownership {total}"
            );
        }
        // Locked players are those DraftKings marked; a pre-lock export has none.
        let locked = slate.players.iter().filter(|p| p.locked).count();
        if folder.ends_with("2024-12-13_marvalgames") {
            assert_eq!(locked, 69, "{what}");
        }
        if file == "DKSalaries.csv" && folder.starts_with("nba") {
            assert_eq!(locked, 0, "{what}");
        }
    }
}

#[test]
fn shared_projection_files_read_with_the_right_columns() {
    let Some(data) = shared_data() else {
        eprintln!("shared data folder not found next to the workspace; skipping");
        return;
    };
    use inputs::{OwnershipScale, ProjField};
    let labs =
        read_projections(data.join("nfl/2025-09-14_speculati0n/fantasylabs_projections.csv"))
            .unwrap();
    assert_eq!(labs.rows.len(), 226);
    assert_eq!(labs.ownership_scale, Some(OwnershipScale::Percent));
    assert!(labs.rows.iter().all(|r| r.dk_id.is_some()));
    assert!(labs.has(ProjField::Ceiling) && labs.has(ProjField::Floor));

    let model = read_projections(data.join("nfl/2025-09-07_uruley/model_projections.csv")).unwrap();
    assert_eq!(model.rows.len(), 720);
    assert_eq!(model.ownership_scale, None);

    let nba = read_projections(data.join("nba/2025-01-12_marvalgames/Projections.csv")).unwrap();
    assert_eq!(nba.rows.len(), 209);
    assert_eq!(nba.ownership_scale, Some(OwnershipScale::Percent));
    let own: f64 = nba.rows.iter().filter_map(|r| r.ownership).sum();
    assert!((own - 8.0).abs() < 0.1, "NBA ownership sums to 800%: {own}");
    assert!(nba.has(ProjField::Minutes) && nba.has(ProjField::FieldProjection));
}

#[test]
fn every_shared_payout_table_reads() {
    let Some(data) = shared_data() else {
        eprintln!("shared data folder not found next to the workspace; skipping");
        return;
    };
    for &(file, field_size, fee) in PAYOUTS {
        let c = read_payouts(data.join(file), file, None, None).unwrap();
        assert_eq!((c.field_size, c.entry_fee), (field_size, fee), "{file}");
        assert!(
            c.rake() > 0.0 && c.rake() < 0.25,
            "{file}: rake {}",
            c.rake()
        );
    }
    let mut nfl = 0;
    for entry in std::fs::read_dir(data.join("nfl/payouts")).unwrap() {
        let path = entry.unwrap().path();
        let c = read_payouts(&path, "nfl", None, Some(1)).unwrap();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        // Derived tables pay exactly the advertised pool: "..._100K_..." = $100,000.
        if let Some(k) = name
            .split('_')
            .find_map(|w| w.strip_suffix('K')?.parse::<f64>().ok())
        {
            assert!(
                (c.prize_pool() - k * 1000.0).abs() < 1.0,
                "{name}: {}",
                c.prize_pool()
            );
        }
        nfl += 1;
    }
    assert_eq!(nfl, 8);
}
