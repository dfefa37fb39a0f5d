//! `dfs field compare`: real DraftKings standings against a sampled field.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;

/// A lineup in DK standings text: players for C, F, G, PF, PG, SF, SG, UTIL,
/// the slot labels in alphabetical order as DraftKings writes them.
fn lineup(players: [&str; 8]) -> String {
    let slots = ["C", "F", "G", "PF", "PG", "SF", "SG", "UTIL"];
    slots
        .iter()
        .zip(players)
        .map(|(slot, name)| format!("{slot} {name}"))
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn known_answer_on_a_small_standings_file() {
    let root = tempfile::tempdir().unwrap();
    // Players of the shipped sample slate (all $3,000-$3,100, so every lineup fits).
    let a = lineup([
        "Anthony Gill",
        "Jarace Walker",
        "Quenton Jackson",
        "Drew Peterson",
        "JD Davison",
        "Anton Watson",
        "Baylor Scheierman",
        "Tristan Thompson",
    ]);
    // The same eight players with G and PG swapped: another text, the same lineup.
    let a_swapped = lineup([
        "Anthony Gill",
        "Jarace Walker",
        "JD Davison",
        "Drew Peterson",
        "Quenton Jackson",
        "Anton Watson",
        "Baylor Scheierman",
        "Tristan Thompson",
    ]);
    let b = lineup([
        "Branden Carlson",
        "Jett Howard",
        "Isaiah Wong",
        "JT Thor",
        "Ajay Mitchell",
        "Luke Travers",
        "Alex Ducas",
        "Xavier Tillman",
    ]);
    let c = lineup([
        "Tristan Vukcevic",
        "Ricky Council IV",
        "Kyle Lowry",
        "Dillon Jones",
        "Adam Flagler",
        "Jamal Cain",
        "Damion Lee",
        "Karlo Matkovic",
    ]);
    // Rank ties, `user (k/N)` names, a BOM, and the player table beside the entries.
    let entries = [
        ("1", "alice (1/2)", 250.5, &a),
        ("1", "bob", 250.5, &a),
        ("3", "carol (2/3)", 240.0, &a_swapped),
        ("4", "alice (2/2)", 230.0, &b),
        ("5", "dave", 220.0, &b),
        ("6", "erin", 210.0, &c),
    ];
    let mut csv = String::from(
        "\u{feff}Rank,EntryId,EntryName,TimeRemaining,Points,Lineup,,Player,Roster Position,%Drafted,FPTS\r\n",
    );
    let players = [
        ("Anthony Gill", "C", "50.00%", "20"),
        ("Jarace Walker", "F", "50.00%", "18"),
    ];
    for (i, (rank, user, points, text)) in entries.iter().enumerate() {
        let right = players
            .get(i)
            .map(|(n, pos, pct, fpts)| format!("{n},{pos},{pct},{fpts}"))
            .unwrap_or_else(|| ",,,".into());
        csv.push_str(&format!(
            "{rank},{},{user},0,{points},{text},,{right}\r\n",
            1000 + i
        ));
    }
    let file = root.path().join("contest-standings.csv");
    std::fs::write(&file, csv).unwrap();

    let out = dfs_ok(
        root.path(),
        &[
            "field",
            "compare",
            "--standings",
            file.to_str().unwrap(),
            "--slate",
            SAMPLE_SLATE,
            "--contest",
            SAMPLE_CONTEST,
            "--json",
        ],
    );
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["entries"], 6);
    // By player set: {a x3, b x2, c x1}.
    let real = &v["real"];
    assert_eq!(real["entries"], 6);
    assert_eq!(real["unique_lineups"], 3);
    assert_eq!(real["max_copies"], 3);
    assert!((real["duplicated_entry_share"].as_f64().unwrap() - 5.0 / 6.0).abs() < 1e-12);
    assert_eq!(real["dup_bins"]["1"], 1);
    assert_eq!(real["dup_bins"]["2-4"], 2);
    // As written: the swapped text counts apart, {a x2, a' x1, b x2, c x1}.
    let written = &v["real_as_entered"];
    assert_eq!(written["unique_lineups"], 4);
    assert_eq!(written["max_copies"], 2);
    // A sampled field of the same size, with its own profile.
    assert_eq!(v["sampled"]["entries"], 6);
    let text = dfs_ok(
        root.path(),
        &[
            "field",
            "compare",
            "--standings",
            file.to_str().unwrap(),
            "--slate",
            SAMPLE_SLATE,
            "--contest",
            SAMPLE_CONTEST,
        ],
    );
    assert!(
        text.contains("unique share") && text.contains("sampled"),
        "{text}"
    );
}

#[test]
fn real_final_field_against_the_sampler() {
    let data = workspace().join("../shared/data/nba/2024-12-13_marvalgames");
    if !data.is_dir() {
        eprintln!(
            "{} absent: real-field comparison not run here",
            data.display()
        );
        return;
    }
    let root = tempfile::tempdir().unwrap();
    let path = |f: &str| data.join(f).display().to_string();
    dfs_ok(
        root.path(),
        &[
            "slates",
            "import",
            "--id",
            "nba-2024-12-13",
            "--salaries",
            &path("DKEntries.csv"),
            "--projections",
            &path("Projections.csv"),
        ],
    );
    dfs_ok(
        root.path(),
        &[
            "contests",
            "import",
            "--id",
            "sharpshooter",
            "--payouts",
            &path("payout_40K_Sharpshooter.csv"),
            "--max-entries",
            "20",
        ],
    );
    let out = dfs_ok(
        root.path(),
        &[
            "field",
            "compare",
            "--standings",
            &path("contest-standings-1213.csv"),
            "--slate",
            "nba-2024-12-13",
            "--contest",
            "sharpshooter",
            "--json",
        ],
    );
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    // The real field, as the data README gives it.
    assert_eq!(v["entries"], 15_854);
    assert_eq!(
        v["real"]["entries"], 15_792,
        "62 entries never filled a lineup"
    );
    let written = v["real_as_entered"]["unique_share"].as_f64().unwrap();
    assert!((0.85..0.86).contains(&written), "{written}");
    assert_eq!(v["real_as_entered"]["max_copies"], 51);
    // The sampled field: same size, calibrated to projected ownership, and
    // duplicated like a real field rather than all unique.
    assert_eq!(v["sampled"]["entries"], 15_792);
    assert!(v["ownership_mae_vs_projected"].as_f64().unwrap() < 1.5);
    let sampled = v["sampled"]["unique_share"].as_f64().unwrap();
    assert!(
        (0.70..0.95).contains(&sampled),
        "sampled unique share {sampled}"
    );
    assert!(v["sampled"]["max_copies"].as_u64().unwrap() >= 10);
}
