//! `dfs field compare`: real DraftKings standings against a sampled field.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;

/// A six-entry FINAL standings file on the shipped sample slate, written into `dir`:
/// lineups {a x3 (one of them with G and PG swapped), b x2, c x1}.
fn small_standings(dir: &std::path::Path) -> std::path::PathBuf {
    // Players of the shipped sample slate (all $3,000-$3,100, so every lineup fits).
    let a = standings_lineup([
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
    let a_swapped = standings_lineup([
        "Anthony Gill",
        "Jarace Walker",
        "JD Davison",
        "Drew Peterson",
        "Quenton Jackson",
        "Anton Watson",
        "Baylor Scheierman",
        "Tristan Thompson",
    ]);
    let b = standings_lineup([
        "Branden Carlson",
        "Jett Howard",
        "Isaiah Wong",
        "JT Thor",
        "Ajay Mitchell",
        "Luke Travers",
        "Alex Ducas",
        "Xavier Tillman",
    ]);
    let c = standings_lineup([
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
    let file = dir.join("contest-standings.csv");
    std::fs::write(&file, csv).unwrap();
    file
}

#[test]
fn known_answer_on_a_small_standings_file() {
    let root = tempfile::tempdir().unwrap();
    let file = small_standings(root.path());

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
    // Field strength: the real scores are the entries' points, nearest rank
    // over {210, 220, 230, 240, 250.5, 250.5}.
    let scores = &v["real_scores"];
    assert_eq!(scores["entries"], 6);
    for (q, want) in [
        ("p10", 210.0),
        ("p50", 230.0),
        ("p90", 250.5),
        ("max", 250.5),
    ] {
        assert_eq!(scores[q].as_f64().unwrap(), want, "{q}");
    }
    // Around the slate's 20 best lineups: no real entry (six $3,000 lineups)
    // holds six of a best lineup's players; the sampled field's six entries
    // count at most six times per lineup in all.
    let near = &v["near_best"];
    assert_eq!(
        (near["lineups"].as_u64(), near["roster"].as_u64()),
        (Some(20), Some(8))
    );
    for k in ["all_but_two", "all_but_one", "same"] {
        assert_eq!(near["real"][k].as_f64(), Some(0.0), "{k}");
    }
    let sampled: f64 = ["all_but_two", "all_but_one", "same"]
        .iter()
        .map(|k| near["sampled"][k].as_f64().unwrap())
        .sum();
    assert!((0.0..=6.0).contains(&sampled), "{sampled}");
    // Every sampled entry is scored or counted as holding an undrafted player.
    assert_eq!(
        v["sampled_scores"]["entries"].as_u64().unwrap() + v["sampled_unscored"].as_u64().unwrap(),
        6
    );
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
        text.contains("unique share")
            && text.contains("sampled")
            && text.contains("near the 20 best lineups"),
        "{text}"
    );
}

#[test]
fn compare_samples_the_same_field_as_a_run_with_the_same_seed() {
    let root = tempfile::tempdir().unwrap();
    let file = small_standings(root.path());
    let cfg = small_configs(root.path());
    // The run's field at the standings' size (6 filled lineups).
    std::fs::write(&cfg.sampler, "calibration_rounds: 2\nfield_size: 6\n").unwrap();
    let compare = |seed: &str| -> serde_json::Value {
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
                "--sampler-config",
                cfg.sampler.to_str().unwrap(),
                "--seed",
                seed,
                "--json",
            ],
        );
        serde_json::from_str(&out).unwrap()
    };
    let summary = sample_run(root.path(), &cfg, 7, &[]);
    let dir = std::path::Path::new(summary["artifact_path"].as_str().unwrap());
    let telemetry = json_file(&dir.join("field_sampler/telemetry.json"));
    let same = compare("7");
    assert_eq!(same["sampled"], telemetry["duplication"]);
    assert_eq!(
        same["ownership_mae_vs_target"], telemetry["ownership_mae"],
        "the same seed draws the same six lineups"
    );
    // Another seed draws another field (so the equality above is not a given).
    assert_ne!(
        compare("8")["ownership_mae_vs_target"],
        telemetry["ownership_mae"]
    );
}

/// What the data README says of a real standings file, by lineup as entered.
struct RealFile {
    dir: &'static str,
    standings: &'static str,
    payouts: &'static str,
    entries: u64,
    filled: u64,
    written_unique: std::ops::Range<f64>,
    written_max_copies: u64,
    /// The winning entry's points.
    best: f64,
}

#[test]
fn real_final_fields_against_the_sampler() {
    let files = [
        RealFile {
            dir: "2024-12-13_marvalgames",
            standings: "contest-standings-1213.csv",
            payouts: "payout_40K_Sharpshooter.csv",
            entries: 15_854,
            filled: 15_792,
            written_unique: 0.85..0.86,
            written_max_copies: 51,
            best: 332.5,
        },
        RealFile {
            dir: "2024-12-14_marvalgames",
            standings: "contest-standings-1214.csv",
            payouts: "payout_30K_Four_Point_Play.csv",
            entries: 8_917,
            filled: 8_858,
            written_unique: 0.82..0.83,
            written_max_copies: 35,
            best: 305.5,
        },
    ];
    for f in files {
        let data = workspace().join("../shared/data/nba").join(f.dir);
        if !data.is_dir() {
            eprintln!(
                "{} absent: real-field comparison not run here",
                data.display()
            );
            continue;
        }
        let root = tempfile::tempdir().unwrap();
        let path = |name: &str| data.join(name).display().to_string();
        dfs_ok(
            root.path(),
            &[
                "slates",
                "import",
                "--id",
                "real",
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
                "real",
                "--payouts",
                &path(f.payouts),
                "--max-entries",
                "20",
            ],
        );
        // The sampler at the real fields' measured strength.
        let config = root.path().join("field_sampler.yaml");
        std::fs::write(&config, "field_strength: 0.91\n").unwrap();
        let out = dfs_ok(
            root.path(),
            &[
                "field",
                "compare",
                "--standings",
                &path(f.standings),
                "--slate",
                "real",
                "--contest",
                "real",
                "--sampler-config",
                config.to_str().unwrap(),
                "--json",
            ],
        );
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        eprintln!("{}: {}", f.dir, v);
        // The real field, as the data README gives it.
        assert_eq!(v["entries"], f.entries);
        assert_eq!(
            v["real"]["entries"], f.filled,
            "entries without a lineup are left out"
        );
        let written = v["real_as_entered"]["unique_share"].as_f64().unwrap();
        assert!(f.written_unique.contains(&written), "{written}");
        assert_eq!(v["real_as_entered"]["max_copies"], f.written_max_copies);
        // By player set a real field is more duplicated than its lineup texts say.
        assert!(v["real"]["unique_share"].as_f64().unwrap() < written);
        // The sampled field: same size, as strong by the projections as the real
        // one (field_strength), nearer to it than projected ownership says, and
        // duplicated like a real field rather than all unique.
        assert_eq!(v["sampled"]["entries"], f.filled);
        let strength = |k: &str| v["lineup_projection"][k].as_f64().unwrap();
        assert!(
            (strength("sampled") - strength("real")).abs()
                < (strength("projected") - strength("real")).abs(),
            "{}",
            v["lineup_projection"]
        );
        let sampled = v["sampled"]["unique_share"].as_f64().unwrap();
        assert!(
            (0.55..0.95).contains(&sampled),
            "sampled unique share {sampled}"
        );
        assert!(v["sampled"]["max_copies"].as_u64().unwrap() >= 20);
        // Field strength on the actual points: the real best score is the
        // file's, every sampled lineup's players were drafted by someone, and
        // the sampled median is within 25 points of the real one (it sits 16
        // below on 12-13 and 5.5 below on 12-14: the sampled field is weaker).
        assert_eq!(v["real_scores"]["max"].as_f64().unwrap(), f.best);
        assert_eq!(v["sampled_unscored"], 0);
        assert_eq!(v["sampled_scores"]["entries"], f.filled);
        let gap = v["real_scores"]["p50"].as_f64().unwrap()
            - v["sampled_scores"]["p50"].as_f64().unwrap();
        assert!(gap.abs() < 25.0, "median gap {gap}");
        // Why the sampled field is weaker: the projected ownership it matches
        // owns weaker players than the real field did (mean lineup projection
        // 239 against 262 on 12-13, 248 against 262 on 12-14).
        let strength = &v["lineup_projection"];
        let (real, projected) = (
            strength["real"].as_f64().unwrap(),
            strength["projected"].as_f64().unwrap(),
        );
        assert!(real > projected + 10.0, "{strength}");
    }
}
