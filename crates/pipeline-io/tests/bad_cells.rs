//! Inputs that used to be accepted and are now clear errors naming the file, the
//! row and the column: a `Game Info` cell that is not a game, an over-long cell,
//! and a projection file that does not fit the slate.

// Test helpers may unwrap: a failure is the test failing.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::PathBuf;

use pipeline_io::inputs::{
    GameInfo, MIN_PROJECTION_MATCH_SHARE, build_slate, builtin_sport, read_projections,
    read_salaries, read_standings,
};
use tempfile::TempDir;

use common::{HEADER, write};

/// A 2-game NBA slate of 10 players; `game_info(i)` gives row i's Game Info cell.
fn salaries(dir: &TempDir, game_info: impl Fn(usize, &str) -> String) -> PathBuf {
    let players = [
        ("PG", "Trae Young", "ATL@BOS", "ATL"),
        ("SG", "Dyson Daniels", "ATL@BOS", "ATL"),
        ("PF", "Jalen Johnson", "ATL@BOS", "ATL"),
        ("SF", "Jayson Tatum", "ATL@BOS", "BOS"),
        ("C", "Kristaps Porzingis", "ATL@BOS", "BOS"),
        ("PG", "Ja Morant", "MEM@DEN", "MEM"),
        ("PF", "Jaren Jackson Jr.", "MEM@DEN", "MEM"),
        ("C", "Nikola Jokic", "MEM@DEN", "DEN"),
        ("SG", "Christian Braun", "MEM@DEN", "DEN"),
        ("SF", "Michael Porter Jr.", "MEM@DEN", "DEN"),
    ];
    let mut lines = vec![HEADER.to_owned()];
    for (i, (pos, name, game, team)) in players.iter().enumerate() {
        let id = i + 1;
        let info = game_info(i, &format!("{game} 01/12/2025 07:00PM ET"));
        lines.push(format!(
            "{pos},{name} ({id}),{name},{id},{pos}/UTIL,5000,{info},{team},20"
        ));
    }
    write(dir, "DKSalaries.csv", &lines.join("\n"))
}

fn message(err: impl std::fmt::Display) -> String {
    err.to_string()
}

#[test]
fn a_game_info_cell_that_is_not_a_game_names_file_row_and_column() {
    let dir = TempDir::new().unwrap();
    for bad in ["garbage", "", "ATL@BOS", "ATL@BOS 13/45/2025 07:00PM ET"] {
        let path = salaries(&dir, |i, good| {
            if i == 2 {
                bad.to_owned()
            } else {
                good.to_owned()
            }
        });
        let err = message(read_salaries(&path).unwrap_err());
        assert!(
            err.starts_with(&format!("{}: row 4, field \"Game Info\": ", path.display())),
            "{bad:?}: {err}"
        );
        assert!(err.contains("is not a game"), "{bad:?}: {err}");
    }
}

#[test]
fn every_real_game_info_form_reads() {
    let dir = TempDir::new().unwrap();
    let path = salaries(&dir, |i, good| match i {
        0 => "In Progress".to_owned(),
        1 => "Final".to_owned(),
        2 => "Postponed".to_owned(),
        3 => good.replace("07:00PM", "11:30AM"),
        _ => good.to_owned(),
    });
    let file = read_salaries(&path).unwrap();
    assert_eq!(file.rows[0].game, GameInfo::InProgress);
    assert_eq!(file.rows[1].game, GameInfo::Final);
    assert_eq!(file.rows[2].game, GameInfo::Other("Postponed".into()));
    assert_eq!(
        file.rows[3].game,
        GameInfo::Scheduled {
            away: "ATL".into(),
            home: "BOS".into(),
            start: "01/12/2025 11:30AM ET".into()
        }
    );
}

#[test]
fn an_overlong_cell_names_file_row_column_length_and_cap() {
    let dir = TempDir::new().unwrap();
    let huge = "x".repeat(1_000_000);
    let path = salaries(&dir, |_, good| good.to_owned());
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replace(",Nikola Jokic,", &format!(",{huge},"));
    let path = write(&dir, "DKSalaries.csv", &text);
    let err = message(read_salaries(&path).unwrap_err());
    assert_eq!(
        err,
        format!(
            "{}: row 9, field \"Name\": the cell is 1000000 characters long; a cell may be at most 1024",
            path.display()
        )
    );

    // A cell past the header's columns is named by its number; a huge projections
    // cell is refused the same way.
    let proj = write(
        &dir,
        "proj.csv",
        &format!("Name,Team,Fpts\nNikola Jokic,DEN,60\nJa Morant,MEM,44,{huge}\n"),
    );
    let err = message(read_projections(&proj).unwrap_err());
    assert!(
        err.ends_with("row 3, field \"column 4\": the cell is 1000000 characters long; a cell may be at most 1024"),
        "{err}"
    );

    // At the cap it reads; the cap counts characters, not bytes.
    let at_cap = "é".repeat(1_024);
    let proj = write(
        &dir,
        "proj.csv",
        &format!("Name,Team,Fpts\n{at_cap},DEN,60\n"),
    );
    assert_eq!(read_projections(&proj).unwrap().rows[0].name, at_cap);

    // A standings Lineup cell.
    let lineup = "C ".repeat(600);
    let standings = write(
        &dir,
        "contest-standings-1.csv",
        &format!("Rank,EntryId,EntryName,TimeRemaining,Points,Lineup\n1,11,alice,0,300,{lineup}\n"),
    );
    let err = message(read_standings(&standings).unwrap_err());
    assert!(
        err.contains("row 2, field \"Lineup\": the cell is 1200 characters long"),
        "{err}"
    );
}

#[test]
fn projections_that_match_no_slate_player_are_refused() {
    let dir = TempDir::new().unwrap();
    let file = read_salaries(salaries(&dir, |_, good| good.to_owned())).unwrap();
    let rules = || builtin_sport("nba").unwrap();
    let proj = write(
        &dir,
        "nfl_proj.csv",
        "Name,Team,Fpts\nJosh Allen,BUF,25\nDerrick Henry,BAL,20\nJa'Marr Chase,CIN,22\n",
    );
    let proj = read_projections(&proj).unwrap();
    let err = message(build_slate("t", &file, Some(&proj), rules()).unwrap_err());
    assert!(
        err.starts_with(&format!(
            "{}: no projection row matches",
            proj.path.display()
        )),
        "{err}"
    );
    assert!(err.contains("0 of 3 rows"), "{err}");
    assert!(err.contains("DKSalaries.csv"), "{err}");
}

#[test]
fn projections_that_mostly_miss_the_slate_are_refused() {
    assert_eq!(MIN_PROJECTION_MATCH_SHARE, 0.25);
    let dir = TempDir::new().unwrap();
    let file = read_salaries(salaries(&dir, |_, good| good.to_owned())).unwrap();
    let rules = || builtin_sport("nba").unwrap();
    let others: String = (0..8)
        .map(|k| format!("Somebody Else{k},LAL,20\n"))
        .collect();
    // 2 of 10 rows match: refused.
    let text = format!("Name,Team,Fpts\nNikola Jokic,DEN,60\nJa Morant,MEM,44\n{others}");
    let proj = read_projections(write(&dir, "proj.csv", &text)).unwrap();
    let err = message(build_slate("t", &file, Some(&proj), rules()).unwrap_err());
    assert!(
        err.starts_with(&format!(
            "{}: only 2 of 10 projection rows match",
            proj.path.display()
        )),
        "{err}"
    );
    assert!(err.contains("at least 25%"), "{err}");
    // 3 of 11 (27%) pass, with the misses in the report.
    let text = format!("{text}Trae Young,ATL,48\n");
    let proj = read_projections(write(&dir, "proj.csv", &text)).unwrap();
    let (_, report) = build_slate("t", &file, Some(&proj), rules()).unwrap();
    assert_eq!(report.matched(), 3);
    assert_eq!(report.unmatched_projections.len(), 8);
}
