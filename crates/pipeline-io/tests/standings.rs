//! DraftKings contest-standings exports: small fixtures written here, and the
//! real FINAL files of the shared data folder when it exists.

// Test helpers may unwrap: a failure is the test failing.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use pipeline_io::IoError;
use pipeline_io::inputs::read_standings;

fn write(dir: &Path, text: &str) -> PathBuf {
    let path = dir.join("contest-standings-1.csv");
    std::fs::write(&path, text).unwrap();
    path
}

const FIXTURE: &str = "\u{feff}Rank,EntryId,EntryName,TimeRemaining,Points,Lineup,,Player,Roster Position,%Drafted,FPTS\r\n\
1,11,alice (1/2),0,300.5,C Joel Embiid F Jayson Tatum G C.J. McCollum PF Jaren Jackson Jr. PG Trae Young SF Mikal Bridges SG Jalen Green UTIL Nikola Jokic,,Nikola Jokic,UTIL,66.36%,39.75\r\n\
2,12,bob,0,290,C Joel Embiid F Jayson Tatum G C.J. McCollum PF Jaren Jackson Jr. PG Trae Young SF Mikal Bridges SG Jalen Green UTIL Nikola Jokic,,Trae Young,PG,50.00%,21\r\n\
2,13,alice (2/2),0,290,C Nikola Jokic F Jayson Tatum G C.J. McCollum PF Jaren Jackson Jr. PG Trae Young SF Mikal Bridges SG Jalen Green UTIL Joel Embiid,,,,,\r\n\
4,14,carol (1/1),12,88,C LOCKED F Jayson Tatum G LOCKED PF Jaren Jackson Jr. PG Trae Young SF Mikal Bridges SG Jalen Green UTIL LOCKED,,,,,\r\n\
5,15,dave (3/20),0,0,,,,\r\n";

#[test]
fn reads_both_tables_ties_locked_cells_and_names() {
    let dir = tempfile::TempDir::new().unwrap();
    let s = read_standings(write(dir.path(), FIXTURE)).unwrap();
    assert_eq!(s.entries.len(), 5);
    let ranks: Vec<u32> = s.entries.iter().map(|e| e.rank).collect();
    assert_eq!(ranks, [1, 2, 2, 4, 5]);
    assert_eq!(s.entries[0].user, "alice");
    assert_eq!(s.entries[0].entry_of, Some((1, 2)));
    assert_eq!(s.entries[1].entry_of, None);
    assert_eq!(s.entries[0].row, 2);
    assert_eq!(s.entries[0].lineup.len(), 8);
    assert_eq!(s.entries[0].lineup[2].slot, "G");
    assert_eq!(
        s.entries[0].lineup[2].player.as_deref(),
        Some("C.J. McCollum")
    );
    assert_eq!(
        s.entries[0].lineup[3].player.as_deref(),
        Some("Jaren Jackson Jr.")
    );
    // Same players in other slots: the same set.
    assert_eq!(s.entries[0].player_set(), s.entries[2].player_set());
    assert_ne!(s.entries[0].lineup, s.entries[2].lineup);
    assert!(!s.entries[3].is_complete());
    assert_eq!(s.entries[3].player_set(), None);
    assert_eq!(s.locked_slots(), 3);
    assert_eq!(s.empty_lineups(), 1);
    assert_eq!(s.players.len(), 2);
    assert_eq!(s.players[0].name, "Nikola Jokic");
    assert_eq!(s.players[0].roster_position, "UTIL");
    assert!((s.players[0].drafted - 0.6636).abs() < 1e-12);
    assert!((s.drafted_sum() - 1.1636).abs() < 1e-12);
}

#[test]
fn errors_name_file_row_and_field() {
    let dir = tempfile::TempDir::new().unwrap();
    let header = "Rank,EntryId,EntryName,TimeRemaining,Points,Lineup\n";
    let cases = [
        (format!("{header}1,11,a,0,1,C Joel Embiid\nx,12,b,0,1,C Joel Embiid\n"), 3, "Rank"),
        (format!("{header}1,eleven,a,0,1,C Joel Embiid\n"), 2, "EntryId"),
        (format!("{header}1,11,a,0,lots,C Joel Embiid\n"), 2, "Points"),
        (format!("{header}1,11,a,0,1,Joel Embiid C\n"), 2, "Lineup"),
        (format!("{header}1,11,,0,1,C Joel Embiid\n"), 2, "EntryName"),
        (
            "Rank,EntryId,EntryName,TimeRemaining,Points,Lineup,,Player,Roster Position,%Drafted,FPTS\n\
             1,11,a,0,1,C Joel Embiid,,Joel Embiid,C,150%,3\n"
                .to_string(),
            2,
            "%Drafted",
        ),
    ];
    for (text, want_row, want_field) in cases {
        let path = write(dir.path(), &text);
        match read_standings(&path).unwrap_err() {
            IoError::Field {
                path: p,
                row,
                field,
                ..
            } => {
                assert_eq!(p, path);
                assert_eq!((row, field.as_str()), (want_row, want_field), "{text}");
            }
            other => panic!("expected a field error for {text:?}, got {other}"),
        }
    }
    let path = write(
        dir.path(),
        "Rank,EntryId,EntryName,Points,Lineup\n1,2,a,3,C X\n",
    );
    let err = read_standings(&path).unwrap_err().to_string();
    assert!(err.contains("TimeRemaining"), "{err}");
    let path = write(dir.path(), "");
    assert!(
        read_standings(&path)
            .unwrap_err()
            .to_string()
            .contains("empty")
    );
}

fn shared_data() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data");
    dir.is_dir().then_some(dir)
}

#[test]
fn reads_the_real_final_standings() {
    let Some(data) = shared_data() else {
        eprintln!("../shared/data is absent: skipping the real standings files");
        return;
    };
    // (file, entries, players in the right table) from the data README.
    for (file, entries, players) in [
        (
            "nba/2024-12-13_marvalgames/contest-standings-1213.csv",
            15_854,
            156,
        ),
        (
            "nba/2024-12-14_marvalgames/contest-standings-1214.csv",
            8_917,
            56,
        ),
    ] {
        let s = read_standings(data.join(file)).unwrap();
        assert_eq!(s.entries.len(), entries, "{file}");
        assert_eq!(s.players.len(), players, "{file}");
        assert_eq!(s.locked_slots(), 0, "{file} is FINAL");
        assert!(s.entries.iter().all(|e| e.time_remaining == 0.0));
        let drafted = 100.0 * s.drafted_sum();
        assert!(
            (drafted - 800.0).abs() < 10.0,
            "{file}: %Drafted sums to {drafted}"
        );
        // Ranks never fall and ties repeat them.
        assert!(s.entries.windows(2).all(|w| w[0].rank <= w[1].rank));
        assert!(s.entries.windows(2).any(|w| w[0].rank == w[1].rank));
        // Every filled lineup has 8 NBA classic slots in alphabetical order.
        for e in s.entries.iter().filter(|e| !e.lineup.is_empty()) {
            let slots: Vec<&str> = e.lineup.iter().map(|l| l.slot.as_str()).collect();
            assert_eq!(
                slots,
                ["C", "F", "G", "PF", "PG", "SF", "SG", "UTIL"],
                "row {}",
                e.row
            );
        }
        // Each player's %Drafted is his share of entries' lineups (empty ones included).
        let mut held: BTreeMap<&str, u32> = BTreeMap::new();
        for e in &s.entries {
            for name in e.player_set().unwrap_or_default() {
                *held.entry(name).or_default() += 1;
            }
        }
        for p in &s.players {
            let share = f64::from(held.get(p.name.as_str()).copied().unwrap_or(0)) / entries as f64;
            assert!(
                (share - p.drafted).abs() < 0.0001,
                "{file}: {} {share} vs {}",
                p.name,
                p.drafted
            );
        }
    }
}
