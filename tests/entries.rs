//! `dfs entries fill`: a run's lineups written into a DKEntries.csv the test
//! makes the way DraftKings does (entry rows, instructions, the player pool on
//! the right), then read back by our own reader: every entry id kept, every
//! lineup the run's, nothing else written; and the mistakes users make.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;

use common::*;
use pipeline_io::inputs::{PathScope, read_dk_entries, read_dk_upload};

const HEADER: &str =
    "Entry ID,Contest Name,Contest ID,Entry Fee,PG,SG,SF,PF,C,G,F,UTIL,,Instructions";

/// A DKEntries.csv for the sample slate: `rows` entries of `contest`, empty
/// (reservations), `locked` as a first cell of the first row when given, and
/// the slate's pool on the right (`extra_pool` rows appended to it).
fn entries_file(rows: usize, contest: &str, first_cell: &str, extra_pool: &[&str]) -> String {
    let salaries =
        std::fs::read_to_string(workspace().join("data/nba-2025-01-12/DKSalaries.csv")).unwrap();
    let mut lines = vec![HEADER.to_string()];
    for k in 0..rows {
        let first = if k == 0 { first_cell } else { "" };
        lines.push(format!(
            "{},NBA $20K Four Point Play,{contest},$4 ,{first},,,,,,,,,{}. Column A lists all of your contest entries",
            4_600_000_000u64 + k as u64,
            k + 1
        ));
    }
    let pool: Vec<String> = salaries
        .lines()
        .map(str::to_string)
        .chain(extra_pool.iter().map(|s| s.to_string()))
        .collect();
    for (k, row) in pool.iter().enumerate() {
        let line = match lines.get_mut(k + 1 + rows) {
            Some(l) => l,
            None => {
                lines.push(",,,,,,,,,,,,,".to_string());
                lines.last_mut().unwrap()
            }
        };
        line.push(',');
        line.push_str(row);
    }
    lines.join("\r\n") + "\r\n"
}

#[test]
fn fill_writes_the_runs_lineups_into_the_entries() {
    let root = tempfile::tempdir().unwrap();
    let cfg = small_configs(root.path());
    std::fs::write(&cfg.sim, "iterations: 200\nentries: 5\nmax_exposure: 0.8\n").unwrap();
    let summary = sample_run(root.path(), &cfg, 9, &[]);
    let run_id = summary["run_id"].as_str().unwrap();
    let run_dir = Path::new(summary["artifact_path"].as_str().unwrap());
    let lineups = read_dk_upload(run_dir.join("optimizer/dk_export.csv")).unwrap();
    assert_eq!(lineups.len(), 5);

    let input = root.path().join("DKEntries.csv");
    std::fs::write(&input, entries_file(5, "173036248", "", &[])).unwrap();
    let out = dfs_ok(
        root.path(),
        &[
            "entries",
            "fill",
            "--entries",
            input.to_str().unwrap(),
            "--run",
            run_id,
            "--json",
        ],
    );
    let filled: serde_json::Value = serde_json::from_str(&out).unwrap();
    let written = root.path().join("DKEntries-filled.csv");
    assert_eq!(filled["out"], written.to_str().unwrap());
    assert_eq!(filled["contests"][0]["filled"], 5);

    // Our own reader takes it back: the same entries, the run's lineups in
    // the run's order, and nothing else (no instructions, no pool).
    let before = read_dk_entries(&input, &PathScope::Anywhere).unwrap();
    let after = read_dk_entries(&written, &PathScope::Anywhere).unwrap();
    assert_eq!(after.slots, before.slots);
    assert_eq!(after.entries.len(), 5);
    for ((a, b), lineup) in after.entries.iter().zip(&before.entries).zip(&lineups) {
        assert_eq!(
            (&a.entry_id, &a.contest_id, &a.contest_name, &a.entry_fee),
            (&b.entry_id, &b.contest_id, &b.contest_name, &b.entry_fee)
        );
        let ids: Vec<i64> = a.cells.iter().map(|c| c.as_ref().unwrap().dk_id).collect();
        assert_eq!(&ids, lineup);
        assert!(a.cells.iter().all(|c| !c.as_ref().unwrap().locked));
    }
    let text = std::fs::read_to_string(&written).unwrap();
    assert!(!text.contains("Instructions") && !text.contains("Roster Position"));
    assert_eq!(text.lines().count(), 6, "{text}");
    // Scored among a real field, the filled entries are the run's: the same
    // figures as `dfs runs backtest` gives its upload file.
    let names = upload_names(&run_dir.join("optimizer/dk_export.csv"));
    let standings = root.path().join("standings.csv");
    std::fs::write(&standings, standings_for(&names, &[300.0, 250.0, 200.0])).unwrap();
    let args = |sub: &[&str]| -> serde_json::Value {
        let mut a: Vec<&str> = sub.to_vec();
        a.extend(["--standings", standings.to_str().unwrap(), "--json"]);
        serde_json::from_str(&dfs_ok(root.path(), &a)).unwrap()
    };
    let entries_score = args(&[
        "entries",
        "score",
        "--entries",
        written.to_str().unwrap(),
        "--slate",
        SAMPLE_SLATE,
        "--contest",
        SAMPLE_CONTEST,
    ]);
    let run_score = args(&["runs", "backtest", run_id]);
    for key in [
        "entries",
        "real_entries",
        "winnings",
        "mean_finish_percentile",
        "cashed",
        "ours",
    ] {
        assert_eq!(entries_score[key], run_score[key], "{key}");
    }
    // Empty entries (the input, never filled) have nothing to score.
    let out = dfs(
        root.path(),
        &[
            "entries",
            "score",
            "--entries",
            input.to_str().unwrap(),
            "--slate",
            SAMPLE_SLATE,
            "--contest",
            SAMPLE_CONTEST,
            "--standings",
            standings.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no complete entry"));

    // The filled cells are the upload file's, DraftKings' `Name (id)`.
    let export = std::fs::read_to_string(run_dir.join("optimizer/dk_export.csv")).unwrap();
    let first_cells = export.lines().nth(1).unwrap();
    assert!(
        text.lines().nth(1).unwrap().ends_with(first_cells),
        "{text}"
    );
}

#[test]
fn fill_refuses_what_does_not_fit() {
    let root = tempfile::tempdir().unwrap();
    let cfg = small_configs(root.path());
    std::fs::write(&cfg.sim, "iterations: 200\nentries: 5\nmax_exposure: 0.8\n").unwrap();
    let summary = sample_run(root.path(), &cfg, 9, &[]);
    let run_id = summary["run_id"].as_str().unwrap();
    let fill = |name: &str, text: &str, extra: &[&str]| {
        let input = root.path().join(name);
        std::fs::write(&input, text).unwrap();
        let mut args = vec![
            "entries",
            "fill",
            "--entries",
            input.to_str().unwrap(),
            "--run",
            run_id,
        ];
        args.extend_from_slice(extra);
        let out = dfs(root.path(), &args);
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let invalid = Some(3);

    // Six entries, five lineups.
    let (code, err) = fill("six.csv", &entries_file(6, "173036248", "", &[]), &[]);
    assert_eq!(code, invalid, "{err}");
    assert!(
        err.contains("6 entries") && err.contains("5 lineups"),
        "{err}"
    );
    assert!(
        !root.path().join("six-filled.csv").exists(),
        "nothing written"
    );
    let (code, err) = fill(
        "six2.csv",
        &entries_file(6, "173036248", "", &[]),
        &["--allow-partial"],
    );
    assert_eq!(code, Some(0), "{err}");
    let after =
        read_dk_entries(&root.path().join("six2-filled.csv"), &PathScope::Anywhere).unwrap();
    assert_eq!(
        after
            .entries
            .iter()
            .filter(|e| e.cells[0].is_some())
            .count(),
        5
    );
    assert_eq!(after.entries.len(), 6, "every entry id kept");

    // A file of another slate: its pool holds players this slate lacks.
    let other = "C,Nobody Here (99999999),Nobody Here,99999999,C/UTIL,3000,AAA@BBB 01/12/2025 07:00PM ET,AAA,1.0";
    let (code, err) = fill(
        "other.csv",
        &entries_file(5, "173036248", "", &[other]),
        &[],
    );
    assert_eq!(code, invalid, "{err}");
    assert!(
        err.contains("99999999") && err.contains("another slate"),
        "{err}"
    );

    // After lock: late swap's job, not fill's.
    let locked = "Shai Gilgeous-Alexander (37302935) (LOCKED)";
    let (code, err) = fill(
        "locked.csv",
        &entries_file(5, "173036248", locked, &[]),
        &[],
    );
    assert_eq!(code, invalid, "{err}");
    assert!(
        err.contains("4600000000") && err.contains("lateswap"),
        "{err}"
    );

    // Two contests and one run: say which.
    let mut two = entries_file(5, "173036248", "", &[]);
    two = two.replacen(
        "4600000004,NBA $20K Four Point Play,173036248",
        "4600000004,Other,555",
        1,
    );
    let (code, err) = fill("two.csv", &two, &[]);
    assert_eq!(code, invalid, "{err}");
    assert!(
        err.contains("has no run: give --map 173036248=RUN_ID"),
        "{err}"
    );

    // ... or map each contest to its run.
    let map1 = format!("173036248={run_id}");
    let map2 = format!("555={run_id}");
    let args = [
        "--map",
        map1.as_str(),
        "--map",
        map2.as_str(),
        "--allow-partial",
    ];
    let (code, err) = fill("two2.csv", &two, &args);
    assert_eq!(code, Some(0), "{err}");
    let after =
        read_dk_entries(&root.path().join("two2-filled.csv"), &PathScope::Anywhere).unwrap();
    assert!(
        after
            .entries
            .iter()
            .all(|e| e.cells.iter().all(Option::is_some))
    );
    assert_eq!(after.entries[4].contest_id, "555");

    // No entry rows; a cell that is not a player.
    let (code, err) = fill("none.csv", &format!("{HEADER}\r\n"), &[]);
    assert_eq!(code, invalid, "{err}");
    assert!(err.contains("no entry rows"), "{err}");
    let (code, err) = fill("bad.csv", &entries_file(5, "173036248", "LaMelo", &[]), &[]);
    assert_eq!(code, invalid, "{err}");
    assert!(
        err.contains("row 2") && err.contains("PG") && err.contains("LaMelo"),
        "{err}"
    );
}

/// The sample slate's first game (OKC@WAS) has started: in the pool its
/// players read `(LOCKED)` and `In Progress`, as DraftKings writes them.
fn started_pool() -> (Vec<String>, Vec<i64>) {
    let salaries =
        std::fs::read_to_string(workspace().join("data/nba-2025-01-12/DKSalaries.csv")).unwrap();
    let mut started = Vec::new();
    let rows = salaries
        .lines()
        .map(|l| {
            if !l.contains("OKC@WAS") {
                return l.to_string();
            }
            let cells: Vec<&str> = l.split(',').collect();
            started.push(cells[3].parse::<i64>().unwrap());
            let mut out: Vec<String> = cells.iter().map(|c| c.to_string()).collect();
            out[1] = format!("{} (LOCKED)", cells[1]);
            out[6] = "In Progress".into();
            out.join(",")
        })
        .collect();
    (rows, started)
}

#[test]
fn lateswap_keeps_started_players_and_completes_the_rest() {
    let root = tempfile::tempdir().unwrap();
    dfs_ok(root.path(), &["slates", "list"]); // registers the sample
    let slate = {
        let file = pipeline_io::inputs::read_salaries(
            workspace().join("data/nba-2025-01-12/DKSalaries.csv"),
        )
        .unwrap();
        let rules = pipeline_io::inputs::builtin_sport("nba_classic").unwrap();
        pipeline_io::inputs::build_slate("s", &file, None, rules)
            .unwrap()
            .0
    };
    let (pool, started) = started_pool();
    let name_of = |id: i64| {
        let p = slate.players.iter().find(|p| p.dk_id == id).unwrap();
        format!("{} ({id})", p.name)
    };
    // Entry 1: two started players (a PG in PG, any in UTIL), the rest empty.
    // Entry 2: a full lineup of unstarted players, one started in G.
    let pg = *started
        .iter()
        .find(|&&id| {
            slate
                .players
                .iter()
                .any(|p| p.dk_id == id && p.positions[0] == "PG")
        })
        .unwrap();
    let util = *started.iter().find(|&&id| id != pg).unwrap();
    let g = *started
        .iter()
        .find(|&&id| {
            id != pg
                && id != util
                && slate
                    .players
                    .iter()
                    .any(|p| p.dk_id == id && p.positions.iter().any(|x| x == "PG" || x == "SG"))
        })
        .unwrap();
    let mut lines = vec![HEADER.to_string()];
    lines.push(format!(
        "4700000001,NBA $20K,173036248,$4,{} (LOCKED),,,,,,,{} (LOCKED),,1. note",
        name_of(pg),
        name_of(util)
    ));
    lines.push(format!(
        "4700000002,NBA $20K,173036248,$4,,,,,,{} (LOCKED),,,,2. note",
        name_of(g)
    ));
    for row in &pool {
        lines.push(format!(",,,,,,,,,,,,,{row}"));
    }
    let input = root.path().join("DKEntries-late.csv");
    std::fs::write(&input, lines.join("\r\n") + "\r\n").unwrap();
    let swap = |by: &str, seed: &str, out: &std::path::Path| {
        dfs_ok(
            root.path(),
            &[
                "lateswap",
                "--entries",
                input.to_str().unwrap(),
                "--slate",
                "nba-2025-01-12",
                "--contest",
                "nba-20k-four-point-play",
                "--by",
                by,
                "--seed",
                seed,
                "--out",
                out.to_str().unwrap(),
                "--json",
            ],
        )
    };
    for by in ["simulation", "projection"] {
        let path = root.path().join(format!("swapped-{by}.csv"));
        let out = swap(by, "5", &path);
        let report: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(report["by"], by);
        let reported = report["entries"].as_array().unwrap();
        assert_eq!(reported.len(), 2);
        // By simulation every entry reports its completion's simulated ROI.
        for e in reported {
            assert_eq!(e["roi_after"].is_number(), by == "simulation", "{e}");
        }
        let written = read_dk_entries(&path, &PathScope::Anywhere).unwrap();
        let ids: Vec<&str> = written
            .entries
            .iter()
            .map(|e| e.entry_id.as_str())
            .collect();
        assert_eq!(ids, ["4700000001", "4700000002"]);
        let pinned = [vec![(0, pg), (7, util)], vec![(5, g)]];
        let mut lineups = Vec::new();
        for (e, pins) in written.entries.iter().zip(&pinned) {
            let players: Vec<i64> = e.cells.iter().map(|c| c.as_ref().unwrap().dk_id).collect();
            for &(slot, id) in pins {
                assert_eq!(
                    players[slot], id,
                    "{by}: entry {}: a locked player moved",
                    e.entry_id
                );
            }
            for (slot, id) in players.iter().enumerate() {
                if started.contains(id) {
                    assert!(
                        pins.contains(&(slot, *id)),
                        "{by}: entry {}: started {id} added",
                        e.entry_id
                    );
                }
            }
            // DraftKings-valid: our own rules say so.
            let rows: Vec<u32> = players
                .iter()
                .map(|id| slate.players.iter().position(|p| p.dk_id == *id).unwrap() as u32)
                .collect();
            schemas::Lineup {
                players: rows.clone(),
            }
            .check(&slate)
            .unwrap();
            let mut set = rows;
            set.sort_unstable();
            lineups.push(set);
        }
        assert_ne!(lineups[0], lineups[1], "{by}: the entries must differ");
    }
    // The same seed gives the same file, byte for byte.
    let again = root.path().join("swapped-again.csv");
    swap("simulation", "5", &again);
    assert_eq!(
        std::fs::read(&again).unwrap(),
        std::fs::read(root.path().join("swapped-simulation.csv")).unwrap()
    );
    // By simulation (the default) needs the contest.
    let out = dfs(
        root.path(),
        &[
            "lateswap",
            "--entries",
            input.to_str().unwrap(),
            "--slate",
            "nba-2025-01-12",
        ],
    );
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--contest"), "{err}");
    assert!(!root.path().join("DKEntries-late-swapped.csv").exists());

    // A locked player who is not on the slate: the file, row and column named.
    let other = input.with_file_name("DKEntries-other.csv");
    let text = std::fs::read_to_string(&input).unwrap().replacen(
        &format!("{} (LOCKED)", name_of(pg)),
        "Nobody (99999999) (LOCKED)",
        1,
    );
    std::fs::write(&other, text).unwrap();
    let out = dfs(
        root.path(),
        &[
            "lateswap",
            "--entries",
            other.to_str().unwrap(),
            "--slate",
            "nba-2025-01-12",
            "--contest",
            "nba-20k-four-point-play",
        ],
    );
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("DKEntries-other.csv")
            && err.contains("row 2")
            && err.contains("PG")
            && err.contains("99999999"),
        "{err}"
    );
    assert!(!root.path().join("DKEntries-other-swapped.csv").exists());

    // Locked players no valid lineup completes under the config: the entry named.
    let tight = root.path().join("DKEntries-tight.csv");
    std::fs::write(
        &tight,
        format!(
            "{HEADER}\r\n4700000009,NBA,173036248,$4,Shai Gilgeous-Alexander (37302935) (LOCKED),,,,,,,,,\r\n\
             4700000010,NBA,173036248,$4,,,,,,,,,,\r\n"
        ),
    )
    .unwrap();
    let cap = root.path().join("cap.yaml");
    std::fs::write(&cap, "max_salary: 28000\n").unwrap();
    let out = dfs(
        root.path(),
        &[
            "lateswap",
            "--entries",
            tight.to_str().unwrap(),
            "--slate",
            "nba-2025-01-12",
            "--contest",
            "nba-20k-four-point-play",
            "--optimizer-config",
            cap.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("entry 4700000009 ") && !err.contains("4700000010"),
        "{err}"
    );
    assert!(!root.path().join("DKEntries-tight-swapped.csv").exists());
}

/// Showdown is one game: before its lock late swap re-optimizes each entry
/// (captain rules kept: the CPT slot holds a captain row, a person once);
/// after it every player has started, so a complete entry stays as it is and
/// an incomplete one cannot be completed (named).
#[test]
fn lateswap_on_showdown_keeps_the_captain_rules() {
    use pipeline_io::inputs::{build_slate, detect_sport, read_salaries};
    let root = tempfile::tempdir().unwrap();
    let salaries_path = workspace().join("data/fixtures/showdown/nba_DKSalaries.csv");
    dfs_ok(
        root.path(),
        &[
            "slates",
            "import",
            "--id",
            "sd",
            "--salaries",
            salaries_path.to_str().unwrap(),
        ],
    );
    let salaries = read_salaries(&salaries_path).unwrap();
    let slate = build_slate("sd", &salaries, None, detect_sport(&salaries).unwrap())
        .unwrap()
        .0;
    let pool_text = std::fs::read_to_string(&salaries_path).unwrap();
    // A valid lineup: the captain row of the sixth cheapest person, the base
    // rows of the five cheapest.
    let mut base: Vec<&schemas::Player> = slate
        .players
        .iter()
        .filter(|p| p.captain_of.is_none())
        .collect();
    base.sort_by_key(|p| (p.salary, p.dk_id));
    let captain = slate
        .players
        .iter()
        .find(|p| {
            p.captain_of
                .is_some_and(|b| slate.players[b as usize].dk_id == base[5].dk_id)
        })
        .unwrap();
    let cell = |p: &schemas::Player| format!("{} ({})", p.name, p.dk_id);
    let full: Vec<String> = std::iter::once(cell(captain))
        .chain(base[..5].iter().map(|p| cell(p)))
        .collect();
    let file = |started: bool, rows: &[Option<&[String]>]| -> String {
        let mut lines = vec![
            "Entry ID,Contest Name,Contest ID,Entry Fee,CPT,UTIL,UTIL,UTIL,UTIL,UTIL,,Instructions"
                .to_string(),
        ];
        for (k, cells) in rows.iter().enumerate() {
            let cells: Vec<String> = match cells {
                Some(c) if started => c.iter().map(|x| format!("{x} (LOCKED)")).collect(),
                Some(c) => c.to_vec(),
                None => vec![String::new(); 6],
            };
            lines.push(format!(
                "{},NBA Showdown,180000000,$5,{},,{}. note",
                4_800_000_000u64 + k as u64,
                cells.join(","),
                k + 1
            ));
        }
        for row in pool_text.lines() {
            let row = if started && !row.starts_with("Position") {
                let mut c: Vec<String> = row.split(',').map(str::to_string).collect();
                c[6] = "In Progress".into();
                c.join(",")
            } else {
                row.to_string()
            };
            lines.push(format!("{},{row}", ",".repeat(10)));
        }
        lines.join("\r\n") + "\r\n"
    };
    let swap = |name: &str, text: &str, by: &str| {
        let input = root.path().join(name);
        std::fs::write(&input, text).unwrap();
        let out = root.path().join(format!("out-{name}"));
        let status = dfs(
            root.path(),
            &[
                "lateswap",
                "--entries",
                input.to_str().unwrap(),
                "--slate",
                "sd",
                "--contest",
                "nba-20k-four-point-play",
                "--by",
                by,
                "--out",
                out.to_str().unwrap(),
            ],
        );
        (status, out)
    };
    let rows_of = |path: &Path| -> Vec<Vec<u32>> {
        read_dk_entries(path, &PathScope::Anywhere)
            .unwrap()
            .entries
            .iter()
            .map(|e| {
                e.cells
                    .iter()
                    .map(|c| {
                        let id = c.as_ref().unwrap().dk_id;
                        slate.players.iter().position(|p| p.dk_id == id).unwrap() as u32
                    })
                    .collect()
            })
            .collect()
    };

    // Before lock: both entries re-optimized, by either way.
    for by in ["simulation", "projection"] {
        let (out, path) = swap(
            &format!("pre-{by}.csv"),
            &file(false, &[Some(&full), None]),
            by,
        );
        assert!(
            out.status.success(),
            "{by}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let lineups = rows_of(&path);
        assert_eq!(lineups.len(), 2);
        for players in lineups {
            assert!(
                slate.players[players[0] as usize].captain_of.is_some(),
                "{by}: CPT slot"
            );
            schemas::Lineup { players }.check(&slate).unwrap();
        }
    }

    // After lock: a complete entry stays exactly as it was.
    let (out, path) = swap("post.csv", &file(true, &[Some(&full)]), "simulation");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let kept = rows_of(&path);
    let ids: Vec<String> = kept[0]
        .iter()
        .map(|&i| cell(&slate.players[i as usize]))
        .collect();
    assert_eq!(ids, full);
    // ... and an incomplete one cannot be completed: named, nothing written.
    let (out, path) = swap("post2.csv", &file(true, &[Some(&full), None]), "simulation");
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("entry 4800000001") && !err.contains("4800000000,"),
        "{err}"
    );
    assert!(!path.exists());
}
