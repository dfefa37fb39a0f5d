//! Bad input gets one clear line naming the file, row and field, a non-zero
//! exit, and nothing written: no registry row, no copied file, no run folder.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;

use common::*;

const HEADER: &str =
    "Position,Name + ID,Name,ID,Roster Position,Salary,Game Info,TeamAbbrev,AvgPointsPerGame";

fn stderr_of(root: &Path, args: &[&str]) -> String {
    let out = dfs(root, args);
    assert!(!out.status.success(), "dfs {args:?} should fail");
    String::from_utf8(out.stderr).unwrap()
}

/// The sample salaries with `edit` applied to the text.
fn edited_sample(dir: &Path, name: &str, edit: impl Fn(&str) -> String) -> String {
    let text =
        std::fs::read_to_string(workspace().join("data/nba-2025-01-12/DKSalaries.csv")).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, edit(&text)).unwrap();
    path.display().to_string()
}

fn assert_slate_not_imported(root: &Path, id: &str) {
    let slates = dfs_ok(root, &["slates", "list", "--json"]);
    assert!(!slates.contains(id), "no registry row for {id}");
    assert!(
        !root.join("slates").join(id).exists(),
        "no copied files for {id}"
    );
}

#[test]
fn truncated_csv_names_file_and_row() {
    let root = tempfile::tempdir().unwrap();
    let file = edited_sample(root.path(), "truncated.csv", |t| {
        // Cut the file in the middle of its 6th player row.
        let cut: usize = t.lines().take(6).map(|l| l.len() + 1).sum::<usize>() + 20;
        t[..cut].to_string()
    });
    let err = stderr_of(
        root.path(),
        &["slates", "import", "--id", "cut", "--salaries", &file],
    );
    assert!(err.contains("truncated.csv"), "{err}");
    assert!(err.contains("row 7"), "{err}");
    assert_eq!(err.lines().count(), 1, "one clear line: {err}");
    assert_slate_not_imported(root.path(), "cut");
}

#[test]
fn negative_salary_names_row_and_field() {
    let root = tempfile::tempdir().unwrap();
    let file = edited_sample(root.path(), "negative.csv", |t| {
        let mut lines: Vec<String> = t.lines().map(str::to_string).collect();
        lines[3] = lines[3].replacen(",9700,", ",-9700,", 1);
        assert!(
            lines[3].contains("-9700"),
            "fixture edit applies: {}",
            lines[3]
        );
        lines.join("\n")
    });
    let err = stderr_of(
        root.path(),
        &["slates", "import", "--id", "neg", "--salaries", &file],
    );
    assert!(err.contains("negative.csv"), "{err}");
    assert!(err.contains("row 4"), "{err}");
    assert!(err.contains("Salary"), "{err}");
    assert_slate_not_imported(root.path(), "neg");
}

#[test]
fn missing_column_is_named() {
    let root = tempfile::tempdir().unwrap();
    let path = root.path().join("nosalary.csv");
    std::fs::write(
        &path,
        format!(
            "{}\nPG,A B (1),A B,1,PG/G/UTIL,OKC@WAS 01/12/2025 06:00PM ET,OKC,50\n",
            HEADER.replace("Salary,", "")
        ),
    )
    .unwrap();
    let err = stderr_of(
        root.path(),
        &[
            "slates",
            "import",
            "--id",
            "x",
            "--salaries",
            path.to_str().unwrap(),
        ],
    );
    assert!(
        err.contains("nosalary.csv") && err.contains("Salary"),
        "{err}"
    );
}

#[test]
fn unknown_slate_and_contest_fail_before_anything_is_written() {
    let root = tempfile::tempdir().unwrap();
    let err = stderr_of(
        root.path(),
        &["run", "--slate", "nope", "--contest", SAMPLE_CONTEST],
    );
    assert!(err.contains("unknown slate \"nope\""), "{err}");
    assert!(err.contains(SAMPLE_SLATE), "lists the known slates: {err}");
    let err = stderr_of(
        root.path(),
        &["run", "--slate", SAMPLE_SLATE, "--contest", "nope"],
    );
    assert!(err.contains("unknown contest \"nope\""), "{err}");
    assert!(!root.path().join("runs").exists(), "no run folder");
    assert_eq!(
        dfs_ok(root.path(), &["runs", "list", "--json"]).trim(),
        "[]"
    );
}

#[test]
fn unknown_config_key_names_the_file_and_key() {
    let root = tempfile::tempdir().unwrap();
    let cfg = root.path().join("sim.yaml");
    std::fs::write(&cfg, "iterations: 100\niteratoins: 5\n").unwrap();
    let err = stderr_of(
        root.path(),
        &[
            "run",
            "--slate",
            SAMPLE_SLATE,
            "--contest",
            SAMPLE_CONTEST,
            "--sim-config",
            cfg.to_str().unwrap(),
        ],
    );
    assert!(
        err.contains("sim.yaml") && err.contains("iteratoins"),
        "{err}"
    );
    assert!(!root.path().join("runs").exists());
}

#[test]
fn a_failing_run_is_recorded_as_failed_and_leaves_no_folder() {
    let root = tempfile::tempdir().unwrap();
    let cfg = small_configs(root.path());
    std::fs::write(&cfg.optimizer, "min_salary: 60000\n").unwrap();
    let mut args = vec![
        "run".to_string(),
        "--slate".into(),
        SAMPLE_SLATE.into(),
        "--contest".into(),
        SAMPLE_CONTEST.into(),
    ];
    args.extend(cfg.flags());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let err = stderr_of(root.path(), &args);
    assert!(
        err.contains("min_salary"),
        "says which rule cannot be met: {err}"
    );
    let runs: serde_json::Value =
        serde_json::from_str(&dfs_ok(root.path(), &["runs", "list", "--json"])).unwrap();
    assert_eq!(runs.as_array().unwrap().len(), 1);
    assert_eq!(runs[0]["status"], "failed");
    assert!(runs[0]["error"].as_str().unwrap().contains("min_salary"));
    let slate_runs = root.path().join("runs").join(SAMPLE_SLATE);
    let left: Vec<_> = std::fs::read_dir(&slate_runs)
        .map(|d| d.collect())
        .unwrap_or_default();
    assert!(
        left.is_empty(),
        "no run folder, finished or partial: {left:?}"
    );
}

#[test]
fn bad_payout_table_names_row_and_field() {
    let root = tempfile::tempdir().unwrap();
    let path = root.path().join("payouts.csv");
    std::fs::write(
        &path,
        "Place,Payout,Field Size,Entry Fee\n1,100,50,5\n2-x,50,,\n",
    )
    .unwrap();
    let err = stderr_of(
        root.path(),
        &[
            "contests",
            "import",
            "--id",
            "c",
            "--payouts",
            path.to_str().unwrap(),
        ],
    );
    assert!(
        err.contains("payouts.csv") && err.contains("row 3") && err.contains("Place"),
        "{err}"
    );
    let contests = dfs_ok(root.path(), &["contests", "list", "--json"]);
    assert!(!contests.contains("\"c\""), "no registry row");
}

/// Held-out kinds of bad input: each is refused at import with exit 3, one line
/// naming the file, row and column, and nothing imported.
#[test]
fn garbage_game_info_long_cells_and_unmatched_projections_are_refused() {
    let root = tempfile::tempdir().unwrap();
    let import = |id: &str, salaries: &str, projections: Option<&str>| {
        let mut args = vec!["slates", "import", "--id", id, "--salaries", salaries];
        if let Some(p) = projections {
            args.extend(["--projections", p]);
        }
        let out = dfs(root.path(), &args);
        assert_eq!(out.status.code(), Some(3), "{id}: {out:?}");
        let err = String::from_utf8(out.stderr).unwrap();
        assert_eq!(err.lines().count(), 1, "one clear line: {err}");
        err
    };

    let garbage = edited_sample(root.path(), "garbage.csv", |t| {
        let mut lines: Vec<String> = t.lines().map(str::to_string).collect();
        let game = lines[4].split(',').nth(6).unwrap().to_string();
        lines[4] = lines[4].replacen(&game, "garbage", 1);
        lines.join("\n")
    });
    let err = import("garbage", &garbage, None);
    assert!(
        err.contains("garbage.csv") && err.contains("row 5"),
        "{err}"
    );
    assert!(err.contains("Game Info"), "{err}");
    assert_slate_not_imported(root.path(), "garbage");

    let long = edited_sample(root.path(), "long.csv", |t| {
        let mut lines: Vec<String> = t.lines().map(str::to_string).collect();
        let name = lines[2].split(',').nth(2).unwrap().to_string();
        lines[2] = lines[2].replace(&name, &"x".repeat(1 << 20));
        lines.join("\n")
    });
    let err = import("long", &long, None);
    assert!(err.contains("long.csv") && err.contains("row 3"), "{err}");
    assert!(
        err.len() < 1_000,
        "the cell is not echoed: {} bytes",
        err.len()
    );
    assert_slate_not_imported(root.path(), "long");

    let salaries = workspace().join("data/nba-2025-01-12/DKSalaries.csv");
    let projections = root.path().join("other-slate.csv");
    std::fs::write(
        &projections,
        "Name,Team,Fpts\nTom Brady,TB,20.5\nPatrick Mahomes,KC,24.1\nJosh Allen,BUF,23.0\n",
    )
    .unwrap();
    let err = import(
        "unmatched",
        salaries.to_str().unwrap(),
        Some(projections.to_str().unwrap()),
    );
    assert!(
        err.contains("other-slate.csv") && err.contains("0 of 3"),
        "{err}"
    );
    assert_slate_not_imported(root.path(), "unmatched");
}
