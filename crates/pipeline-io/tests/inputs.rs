//! Input readers on tiny fixtures written here, one quirk per test, plus the
//! sample slate shipped in `data/`.

// Test helpers may unwrap: a failure is the test failing.
#![allow(clippy::unwrap_used)]

mod common;

use std::path::{Path, PathBuf};

use pipeline_io::inputs::{
    self, GameInfo, OwnershipScale, SalaryLayout, build_slate, builtin_sport, read_payouts,
    read_projections, read_salaries,
};
use tempfile::TempDir;

use common::{HEADER, write};

/// A 2-game NBA slate, 12 players, in DKSalaries.csv layout.
fn nba_rows() -> Vec<String> {
    let players = [
        ("PG", "Trae Young", 1, 9800, "ATL@BOS", "ATL", "48.5"),
        ("SG", "Dyson Daniels", 2, 7000, "ATL@BOS", "ATL", "35.1"),
        ("PF", "Jalen Johnson", 3, 8000, "ATL@BOS", "ATL", "40.2"),
        ("C", "Clint Capela", 4, 5000, "ATL@BOS", "ATL", "22.0"),
        ("SF/PF", "Jayson Tatum", 5, 10500, "ATL@BOS", "BOS", "52.4"),
        ("PG/SG", "Jrue Holiday", 6, 5500, "ATL@BOS", "BOS", "25.0"),
        ("C", "Kristaps Porzingis", 7, 7500, "ATL@BOS", "BOS", "36.0"),
        ("PG", "Ja Morant", 8, 9000, "MEM@DEN", "MEM", "45.0"),
        (
            "PF/C",
            "Jaren Jackson Jr.",
            9,
            8500,
            "MEM@DEN",
            "MEM",
            "41.0",
        ),
        ("C", "Nikola Jokic", 10, 12500, "MEM@DEN", "DEN", "65.0"),
        ("SG", "Christian Braun", 11, 5200, "MEM@DEN", "DEN", "27.3"),
        (
            "PF",
            "Michael Porter Jr.",
            12,
            6400,
            "MEM@DEN",
            "DEN",
            "30.0",
        ),
    ];
    players
        .iter()
        .map(|(pos, name, id, sal, game, team, avg)| {
            let roster = match *pos {
                "PG" => "PG/G/UTIL",
                "SG" => "SG/G/UTIL",
                "PG/SG" => "PG/SG/G/UTIL",
                "PF" => "PF/F/UTIL",
                "SF/PF" => "SF/PF/F/UTIL",
                "PF/C" => "PF/C/F/UTIL",
                _ => "C/UTIL",
            };
            format!(
                "{pos},{name} ({id}),{name},{id},{roster},{sal},{game} 01/12/2025 07:00PM ET,{team},{avg}"
            )
        })
        .collect()
}

fn nba_salaries(dir: &TempDir) -> PathBuf {
    let text = std::iter::once(HEADER.to_owned())
        .chain(nba_rows())
        .collect::<Vec<_>>()
        .join("\n");
    write(dir, "DKSalaries.csv", &text)
}

fn message(err: impl std::fmt::Display) -> String {
    err.to_string()
}

#[test]
fn bom_crlf_locked_in_progress_and_final() {
    let dir = TempDir::new().unwrap();
    let mut rows = nba_rows();
    rows[0] = "PG,Trae Young (1) (LOCKED),Trae Young,1,PG/G/UTIL,9800,In Progress,ATL,48.5".into();
    rows[4] =
        "SF/PF,Jayson Tatum (5) (LOCKED),Jayson Tatum,5,SF/PF/F/UTIL,\"10,500\",Final,BOS,".into();
    let text = format!("\u{feff}{HEADER}\r\n{}\r\n", rows.join("\r\n"));
    let path = write(&dir, "DKSalaries.csv", &text);
    let file = read_salaries(&path).unwrap();
    assert_eq!(file.layout, SalaryLayout::Salaries);
    assert_eq!(file.rows.len(), 12);
    let trae = &file.rows[0];
    assert_eq!(trae.name, "Trae Young");
    assert_eq!(trae.row, 2);
    assert!(trae.locked);
    assert_eq!(trae.game, GameInfo::InProgress);
    let tatum = &file.rows[4];
    assert_eq!((tatum.salary, tatum.avg_points), (10_500, None));
    assert_eq!(tatum.game, GameInfo::Final);
    assert_eq!(tatum.positions, ["SF", "PF"]);
    assert!(!file.rows[1].locked);
    // ATL and BOS still play each other on the scheduled rows, so the locked players join that game.
    let (slate, _) = build_slate("t", &file, None, builtin_sport("nba").unwrap()).unwrap();
    assert_eq!(slate.games.len(), 2);
    assert_eq!(slate.players[0].opponent.as_deref(), Some("BOS"));
}

#[test]
fn locked_teams_without_game_info_are_their_own_games() {
    let dir = TempDir::new().unwrap();
    let rows: Vec<String> = nba_rows()
        .into_iter()
        .map(|r| r.replace("MEM@DEN 01/12/2025 07:00PM ET", "In Progress"))
        .collect();
    let path = write(
        &dir,
        "DKSalaries.csv",
        &format!("{HEADER}\n{}", rows.join("\n")),
    );
    let file = read_salaries(&path).unwrap();
    let (slate, _) = build_slate("t", &file, None, builtin_sport("nba").unwrap()).unwrap();
    let keys: Vec<&str> = slate.games.iter().map(|g| g.key.as_str()).collect();
    assert_eq!(keys, ["ATL@BOS", "DEN", "MEM"]);
    let jokic = &slate.players[9];
    assert_eq!(jokic.opponent, None);
    assert_eq!(slate.games[jokic.game as usize].key, "DEN");
    assert!(jokic.locked);

    // With an opponent column in the projections, the two teams are paired again.
    let proj = write(
        &dir,
        "proj.csv",
        "Name,Team,Opp,Fpts\nNikola Jokic,DEN,MEM,60\nJa Morant,MEM,DEN,44\n",
    );
    let proj = read_projections(&proj).unwrap();
    let (slate, _) = build_slate("t", &file, Some(&proj), builtin_sport("nba").unwrap()).unwrap();
    let keys: Vec<&str> = slate.games.iter().map(|g| g.key.as_str()).collect();
    assert_eq!(keys, ["ATL@BOS", "DEN@MEM"]);
    assert_eq!(slate.players[9].opponent.as_deref(), Some("MEM"));
    assert_eq!(slate.players[7].opponent.as_deref(), Some("DEN"));
}

#[test]
fn entries_file_pool_with_leading_entries() {
    let dir = TempDir::new().unwrap();
    let left_header =
        "Entry ID,Contest Name,Contest ID,Entry Fee,PG,SG,SF,PF,C,G,F,UTIL,,Instructions";
    let entry = "4560953523,NBA $40K,171691346,$3 ,Trae Young (1) (LOCKED),Dyson Daniels (2),Jayson Tatum (5),Jalen Johnson (3),Clint Capela (4),Jrue Holiday (6),Michael Porter Jr. (12),Nikola Jokic (10),";
    let mut lines = vec![
        format!("{left_header},,,,,,,,"),
        format!("{entry},1. Column A lists all of your contest entries,,,,,,,,"),
        format!("{entry},{HEADER}"),
    ];
    let blank_left = ",".repeat(13);
    for r in nba_rows() {
        lines.push(format!("{blank_left}{r}"));
    }
    // An entry row below the pool with nothing in the pool columns.
    lines.push(format!("{entry},"));
    let path = write(&dir, "DKEntries.csv", &lines.join("\n"));
    let file = read_salaries(&path).unwrap();
    assert_eq!(file.layout, SalaryLayout::EntriesPool);
    assert_eq!(file.rows.len(), 12);
    assert_eq!(file.rows[0].row, 4);
    assert_eq!(file.rows[0].name, "Trae Young");
    assert_eq!(file.rows[11].dk_id, 12);
}

#[test]
fn dst_trailing_space_and_extra_columns() {
    let dir = TempDir::new().unwrap();
    let text = "Position,Name + ID,Name,ID,Roster Position,Salary,Game Info,TeamAbbrev,AvgPointsPerGame,Status\n\
        DST,Ravens  (39972347),Ravens ,39972347,DST,3700,CLE@BAL 09/14/2025 01:00PM ET,BAL,9.5,\n\
        RB,Derrick Henry (39971373),Derrick Henry,39971373,RB/FLEX,8200,CLE@BAL 09/14/2025 01:00PM ET,BAL,33.2,Q\n";
    let file = read_salaries(write(&dir, "DKSalaries.csv", text)).unwrap();
    assert_eq!(file.rows[0].name, "Ravens");
    assert_eq!(file.rows[0].positions, ["DST"]);
    assert_eq!(inputs::detect_sport(&file).unwrap().name, "nfl_classic");
}

#[test]
fn salary_errors_name_file_row_and_field() {
    let dir = TempDir::new().unwrap();
    let mut rows = nba_rows();
    rows[12 - 1] = rows[11].replace(",6400,", ",-4000,");
    let path = write(
        &dir,
        "DKSalaries.csv",
        &format!("{HEADER}\n{}", rows.join("\n")),
    );
    assert_eq!(
        message(read_salaries(&path).unwrap_err()),
        format!(
            "{}: row 13, field \"Salary\": \"-4000\" is not a salary (a whole number of dollars >= 0)",
            path.display()
        )
    );

    let mut rows = nba_rows();
    rows[2] = "PF,Jalen Johnson (3),Jalen Johnson,3,PF/F/UTIL,8000".into();
    let path = write(
        &dir,
        "DKSalaries.csv",
        &format!("{HEADER}\n{}", rows.join("\n")),
    );
    let err = message(read_salaries(&path).unwrap_err());
    assert!(
        err.contains("DKSalaries.csv: row 4, field \"Game Info\""),
        "{err}"
    );
    assert!(err.contains("truncated"), "{err}");

    let path = write(
        &dir,
        "DKSalaries.csv",
        "Position,Name + ID,Name,ID,Roster Position,Game Info,TeamAbbrev\nPG,A (1),A,1,PG,OKC@WAS,OKC\n",
    );
    let err = message(read_salaries(&path).unwrap_err());
    assert!(
        err.contains("row 1, field \"Salary\": required column is missing"),
        "{err}"
    );

    let mut rows = nba_rows();
    rows[0] = rows[0].replace(",48.5", ",lots");
    let path = write(
        &dir,
        "DKSalaries.csv",
        &format!("{HEADER}\n{}", rows.join("\n")),
    );
    let err = message(read_salaries(&path).unwrap_err());
    assert!(
        err.contains("row 2, field \"AvgPointsPerGame\": \"lots\" is not"),
        "{err}"
    );
}

#[test]
fn unknown_position_mix_is_an_error_naming_them() {
    let dir = TempDir::new().unwrap();
    let text = format!(
        "{HEADER}\nQB,A (1),A,1,QB,6000,X@Y 01/01/2025 01:00PM ET,X,20\nPG,B (2),B,2,PG/G/UTIL,6000,X@Y 01/01/2025 01:00PM ET,Y,20\n"
    );
    let file = read_salaries(write(&dir, "DKSalaries.csv", &text)).unwrap();
    let err = message(inputs::detect_sport(&file).unwrap_err());
    assert!(err.contains("PG, QB"), "{err}");
}

#[test]
fn ownership_percent_vs_fraction_and_thousands_separators() {
    let dir = TempDir::new().unwrap();
    let pct = write(
        &dir,
        "pct.csv",
        "Player,Team,Salary,Projection,Own%\nA,X,\"1,234\",\"1,034.5\",35%\nB,X,3000,10,0.5\n",
    );
    let pct = read_projections(&pct).unwrap();
    assert_eq!(pct.ownership_scale, Some(OwnershipScale::Percent));
    assert_eq!(pct.rows[0].salary, Some(1234));
    assert_eq!(pct.rows[0].projection, Some(1034.5));
    assert!((pct.rows[0].ownership.unwrap() - 0.35).abs() < 1e-12);
    assert!((pct.rows[1].ownership.unwrap() - 0.005).abs() < 1e-12);

    let frac = write(
        &dir,
        "frac.csv",
        "name,team,FPTS,ownership\nA,X,30,0.35\nB,X,10,0.5\n",
    );
    let frac = read_projections(&frac).unwrap();
    assert_eq!(frac.ownership_scale, Some(OwnershipScale::Fraction));
    assert!((frac.rows[0].ownership.unwrap() - 0.35).abs() < 1e-12);
}

#[test]
fn alias_headers_are_case_and_space_insensitive() {
    let dir = TempDir::new().unwrap();
    let path = write(
        &dir,
        "p.csv",
        ",DK ID,PLAYER,teamabbrev,Proj_Points,Std Dev,projections_ceiling,Floor,MIN,Field Proj\n\
         key,12,Michael Porter,DEN,31.5,9.1,45,20,32,30\n",
    );
    let file = read_projections(&path).unwrap();
    let r = &file.rows[0];
    assert_eq!(r.dk_id, Some(12));
    assert_eq!(r.name, "Michael Porter");
    assert_eq!(r.team.as_deref(), Some("DEN"));
    assert_eq!(
        (
            r.projection,
            r.std_dev,
            r.ceiling,
            r.floor,
            r.minutes,
            r.field_projection
        ),
        (
            Some(31.5),
            Some(9.1),
            Some(45.0),
            Some(20.0),
            Some(32.0),
            Some(30.0)
        )
    );
    assert_eq!(file.ownership_scale, None);
}

#[test]
fn projection_errors_name_file_row_and_field() {
    let dir = TempDir::new().unwrap();
    let path = write(&dir, "p.csv", "Name,Team,Fpts\nA,X,30\nB,X,thirty\n");
    let err = message(read_projections(&path).unwrap_err());
    assert_eq!(
        err,
        format!(
            "{}: row 3, field \"Fpts\": \"thirty\" is not a number of fantasy points",
            path.display()
        )
    );
    let path = write(&dir, "p.csv", "Name,Team,Salary\nA,X,3000\n");
    let err = message(read_projections(&path).unwrap_err());
    assert!(
        err.contains("row 1, field \"projection\": no projection column"),
        "{err}"
    );
    let path = write(&dir, "p.csv", "Name,Team,Fpts,Own%\nA,X,30,20\nB,X,10\n");
    let err = message(read_projections(&path).unwrap_err());
    assert!(err.contains("row 3, field \"Own%\""), "{err}");
    assert!(err.contains("truncated"), "{err}");
    let path = write(&dir, "p.csv", "Name,Team,Fpts,Own%\nA,X,30,120\n");
    let err = message(read_projections(&path).unwrap_err());
    assert!(
        err.contains("row 2, field \"Own%\": ownership 120% is above 100%"),
        "{err}"
    );
}

#[test]
fn matching_by_id_name_suffix_punctuation_and_dst_nickname() {
    let dir = TempDir::new().unwrap();
    let salaries = read_salaries(nba_salaries(&dir)).unwrap();
    let proj = write(
        &dir,
        "p.csv",
        "ID,Name,Team,Fpts,Own%,StdDev\n\
         10,N. Jokic,DEN,62,30,20\n\
         ,Jaren Jackson,MEM,40,12,\n\
         ,Michael Porter Jr,DEN,31,8,10\n\
         ,Jalen Johnson Sr.,ATL,0,0,0\n\
         ,Kristaps Porzingis,BOS,35,10,11\n\
         ,Nobody Here,BOS,5,1,2\n\
         ,Kristaps Porzingis,BOS,36,10,11\n",
    );
    let proj = read_projections(&proj).unwrap();
    let rules = builtin_sport("nba").unwrap();
    let (slate, report) = build_slate("t", &salaries, Some(&proj), rules).unwrap();
    assert_eq!(report.by_id, 1);
    assert_eq!(report.by_name_team, 4);
    assert_eq!(report.matched(), 5);
    let unmatched: Vec<(u64, &str)> = report
        .unmatched_projections
        .iter()
        .map(|u| (u.row, u.name.as_str()))
        .collect();
    assert_eq!(unmatched, [(7, "Nobody Here"), (8, "Kristaps Porzingis")]);
    assert_eq!(report.players_without_projection.len(), 7);
    assert!(
        report
            .players_without_projection
            .iter()
            .any(|p| p.name == "Trae Young")
    );

    let by_id = |id| &slate.players[slate.index_of(id).unwrap() as usize];
    assert_eq!(by_id(10).projection, 62.0);
    assert!((by_id(10).ownership - 0.30).abs() < 1e-12);
    // Blank std dev in the file: the model fills it in.
    let ratio = slate.rules.default_std_dev_ratio;
    assert!((by_id(9).std_dev - ratio * 40.0).abs() < 1e-9);
    // Projected at 0: stays, at 0.
    assert_eq!((by_id(3).projection, by_id(3).std_dev), (0.0, 0.0));
    // Unmatched: keeps AvgPointsPerGame; the file has ownership, so he gets 0.
    assert_eq!((by_id(1).projection, by_id(1).ownership), (48.5, 0.0));
    assert_eq!(by_id(1).slot_mask, 0b1010_0001);
}

#[test]
fn dst_rows_match_by_team_whatever_the_nickname() {
    let dir = TempDir::new().unwrap();
    let mut lines = vec![HEADER.to_owned()];
    let teams = [
        ("BAL", "Ravens "),
        ("CLE", "Browns "),
        ("NYJ", "Jets "),
        ("PIT", "Steelers "),
    ];
    for (i, (team, nick)) in teams.iter().enumerate() {
        let game = if i < 2 { "CLE@BAL" } else { "PIT@NYJ" };
        let id = 100 + i;
        lines.push(format!(
            "DST,{nick} ({id}),{nick},{id},DST,3000,{game} 09/14/2025 01:00PM ET,{team},6"
        ));
        for (j, pos) in ["QB", "RB", "WR", "TE"].iter().enumerate() {
            let id = 200 + 10 * i + j;
            lines.push(format!(
                "{pos},P{id} ({id}),P{id},{id},{pos}/FLEX,5000,{game} 09/14/2025 01:00PM ET,{team},10"
            ));
        }
    }
    let salaries = read_salaries(write(&dir, "DKSalaries.csv", &lines.join("\n"))).unwrap();
    let proj = write(
        &dir,
        "p.csv",
        "Name,Team,Position,Fpts\nBaltimore Ravens,BAL,DST,8\nBrowns,CLE,DST,5\nNew York,NYJ,D,4\nPittsburgh Steelers D/ST,PIT,,7\n",
    );
    let proj = read_projections(&proj).unwrap();
    let rules = inputs::detect_sport(&salaries).unwrap();
    let (slate, report) = build_slate("t", &salaries, Some(&proj), rules).unwrap();
    assert_eq!(report.matched(), 4, "{report:?}");
    assert!(report.unmatched_projections.is_empty());
    let proj_of = |id| slate.players[slate.index_of(id).unwrap() as usize].projection;
    assert_eq!(
        [proj_of(100), proj_of(101), proj_of(102), proj_of(103)],
        [8.0, 5.0, 4.0, 7.0]
    );
    // No ownership column: the model gives ownership summing to the roster size.
    let total: f64 = slate.players.iter().map(|p| p.ownership).sum();
    assert!((total - 9.0).abs() < 1e-9);
}

#[test]
fn no_projections_uses_averages_and_the_models() {
    let dir = TempDir::new().unwrap();
    let salaries = read_salaries(nba_salaries(&dir)).unwrap();
    let rules = builtin_sport("nba").unwrap();
    let (slate, report) = build_slate("t", &salaries, None, rules).unwrap();
    assert_eq!(report.players_without_projection.len(), 12);
    assert!(report.unmatched_projections.is_empty());
    let own: Vec<f64> = slate.players.iter().map(|p| p.ownership).collect();
    let total: f64 = own.iter().sum();
    assert!((total - 8.0).abs() < 1e-9, "total {total}");
    assert!(own.iter().all(|&o| (0.0..=1.0).contains(&o)));
    // 12 players for 8 slots: the best values are capped at 1.
    assert!(own.contains(&1.0));
    let jokic = &slate.players[9];
    assert_eq!(jokic.projection, 65.0);
    assert!((jokic.std_dev - slate.rules.default_std_dev_ratio * 65.0).abs() < 1e-9);
    assert_eq!(slate.games.len(), 2);
    assert_eq!(slate.games[1].key, "MEM@DEN");
    assert_eq!(jokic.opponent.as_deref(), Some("MEM"));
    assert_eq!(
        slate.games[jokic.game as usize].start.as_deref(),
        Some("01/12/2025 07:00PM ET")
    );
}

#[test]
fn payout_ranges_and_amounts() {
    let dir = TempDir::new().unwrap();
    let path = write(
        &dir,
        "payouts.csv",
        "\u{feff}Place,Payout,Field Size,Entry Fee\r\n1,\"$1,000.00\",\"1,000\",$5\r\n2,450,1000,5\r\n3 - 5,200,,\r\n6-10,50,,\r\n",
    );
    let c = read_payouts(&path, "c1", None, None).unwrap();
    assert_eq!((c.field_size, c.entry_fee, c.max_entries), (1000, 5.0, 150));
    assert_eq!(c.name, "payouts");
    let tiers: Vec<(u32, u32, f64)> = c
        .payouts
        .iter()
        .map(|t| (t.first, t.last, t.prize))
        .collect();
    assert_eq!(
        tiers,
        [(1, 1, 1000.0), (2, 2, 450.0), (3, 5, 200.0), (6, 10, 50.0)]
    );
    let c = read_payouts(&path, "c1", Some("Big One"), Some(20)).unwrap();
    assert_eq!((c.name.as_str(), c.max_entries), ("Big One", 20));
}

#[test]
fn payout_errors_name_file_row_and_field() {
    let dir = TempDir::new().unwrap();
    let cases = [
        (
            "Place,Payout,Field Size,Entry Fee\n1,100,10,5\n3,50,,\n",
            "row 3, field \"Place\": places 3-3 do not continue from place 2",
        ),
        (
            "Place,Payout,Field Size,Entry Fee\n1,100,10,5\n2,150,,\n",
            "row 3, field \"Payout\"",
        ),
        (
            "Place,Payout,Field Size,Entry Fee\n1,100,,5\n",
            "row 2, field \"Field Size\": required on the first row",
        ),
        (
            "Place,Payout,Field Size,Entry Fee\n1,100,10,5\n2,50,12,\n",
            "row 3, field \"Field Size\": differs",
        ),
        (
            "Place,Payout,Field Size,Entry Fee\n1-x,100,10,5\n",
            "row 2, field \"Place\"",
        ),
        (
            "Place,Payout,Field Size,Entry Fee\n1,lots,10,5\n",
            "row 2, field \"Payout\": \"lots\" is not",
        ),
        (
            "Place,Payout,Field Size\n1,100,10\n",
            "row 1, field \"Entry Fee\": required column is missing",
        ),
        (
            "Place,Payout,Field Size,Entry Fee\n1-20,100,10,5\n",
            "20 places paid but the field has 10 entries",
        ),
    ];
    for (text, expected) in cases {
        let path = write(&dir, "payouts.csv", text);
        let err = message(read_payouts(&path, "c", None, None).unwrap_err());
        assert!(err.contains("payouts.csv"), "{err}");
        assert!(err.contains(expected), "{err} does not contain {expected}");
    }
}

#[test]
fn sha256_of_a_file() {
    let dir = TempDir::new().unwrap();
    let path = write(&dir, "x.txt", "abc");
    assert_eq!(
        inputs::sha256_file(&path).unwrap(),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
    assert!(inputs::sha256_file(dir.path().join("missing")).is_err());
}

#[test]
fn shipped_sample_slate_and_contest() {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/nba-2025-01-12");
    let salaries = read_salaries(data.join("DKSalaries.csv")).unwrap();
    assert_eq!(salaries.rows.len(), 209);
    let rules = inputs::detect_sport(&salaries).unwrap();
    assert_eq!(rules.name, "nba_classic");
    let (slate, report) = build_slate("nba-2025-01-12", &salaries, None, rules).unwrap();
    assert_eq!(slate.players.len(), 209);
    assert_eq!(slate.games.len(), 6);
    assert_eq!(report.players_without_projection.len(), 209);
    let total: f64 = slate.players.iter().map(|p| p.ownership).sum();
    assert!((total - 8.0).abs() < 1e-9);
    let sga = &slate.players[slate.index_of(37302935).unwrap() as usize];
    assert_eq!((sga.salary, sga.projection), (10_700, 52.93));
    assert_eq!(slate.games[sga.game as usize].key, "OKC@WAS");

    let contest = read_payouts(
        data.join("payout_20K_Four_Point_Play.csv"),
        "173036248",
        None,
        None,
    )
    .unwrap();
    assert_eq!((contest.field_size, contest.entry_fee), (5945, 4.0));
    assert!(
        (contest.prize_pool() - 20_000.0).abs() < 1.0,
        "{}",
        contest.prize_pool()
    );
}
