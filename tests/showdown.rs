//! Showdown end to end: the `dfs` binary imports DraftKings showdown salary files
//! (`data/fixtures/showdown`), optimizes them and writes a valid upload file.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::HashMap;
use std::path::Path;

use common::*;
use tempfile::TempDir;

/// A fixture's rows by DraftKings id: (name, team, roster position, salary).
fn rows(file: &str) -> HashMap<i64, (String, String, String, u32)> {
    let text = std::fs::read_to_string(workspace().join(file)).unwrap();
    text.lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let c: Vec<&str> = l.trim_end().split(',').collect();
            (
                c[3].parse().unwrap(),
                (
                    c[2].trim().to_string(),
                    c[7].to_string(),
                    c[4].to_string(),
                    c[5].parse().unwrap(),
                ),
            )
        })
        .collect()
}

/// Checks an upload file by DraftKings' showdown rules, from the salary file alone.
fn check_upload(path: &Path, fixture: &str, flex: &str, lineups: usize) -> Vec<Vec<String>> {
    let rows = rows(fixture);
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next().unwrap(),
        format!("CPT,{flex},{flex},{flex},{flex},{flex}")
    );
    let mut out = Vec::new();
    for line in lines {
        let cells: Vec<&str> = line.split(',').collect();
        assert_eq!(cells.len(), 6, "{line}");
        let mut names = Vec::new();
        let mut salary = 0;
        let mut teams: HashMap<&str, u32> = HashMap::new();
        for (slot, cell) in cells.iter().enumerate() {
            let id: i64 = cell
                .rsplit_once('(')
                .and_then(|(_, r)| r.strip_suffix(')'))
                .unwrap()
                .parse()
                .unwrap();
            let (name, team, roster, pay) = &rows[&id];
            assert_eq!(roster, if slot == 0 { "CPT" } else { flex }, "{line}");
            names.push(name.clone());
            salary += pay;
            *teams.entry(team).or_default() += 1;
        }
        let mut distinct = names.clone();
        distinct.sort();
        distinct.dedup();
        assert_eq!(distinct.len(), 6, "a person twice: {line}");
        assert!(salary <= 50_000, "{line}: salary {salary}");
        assert!(teams.values().all(|&n| n <= 5), "{line}");
        out.push(names);
    }
    assert_eq!(out.len(), lineups);
    out
}

#[test]
fn nba_showdown_imports_and_optimizes_to_a_valid_upload() {
    let root = TempDir::new().unwrap();
    let fixture = "data/fixtures/showdown/nba_DKSalaries.csv";
    let salaries = workspace().join(fixture);
    let out = dfs_ok(
        root.path(),
        &[
            "slates",
            "import",
            "--id",
            "nba-sd",
            "--salaries",
            salaries.to_str().unwrap(),
        ],
    );
    assert!(out.contains("90 players, sport nba_showdown"), "{out}");
    let upload = root.path().join("up.csv");
    dfs_ok(
        root.path(),
        &[
            "optimize",
            "--slate",
            "nba-sd",
            "--lineups",
            "5",
            "--out",
            upload.to_str().unwrap(),
        ],
    );
    check_upload(&upload, fixture, "UTIL", 5);
}

#[test]
fn nfl_showdown_forced_by_sport_with_a_name_lock() {
    let root = TempDir::new().unwrap();
    let fixture = "data/fixtures/showdown/nfl_DKSalaries.csv";
    let salaries = workspace().join(fixture);
    dfs_ok(
        root.path(),
        &[
            "slates",
            "import",
            "--id",
            "nfl-sd",
            "--salaries",
            salaries.to_str().unwrap(),
            "--sport",
            "nfl_showdown",
        ],
    );
    let cfg = root.path().join("o.yaml");
    std::fs::write(&cfg, "locks: [\"Travis Kelce\"]\nmax_overlap: 4\n").unwrap();
    let upload = root.path().join("up.csv");
    dfs_ok(
        root.path(),
        &[
            "optimize",
            "--slate",
            "nfl-sd",
            "--lineups",
            "4",
            "--optimizer-config",
            cfg.to_str().unwrap(),
            "--out",
            upload.to_str().unwrap(),
        ],
    );
    for names in check_upload(&upload, fixture, "FLEX", 4) {
        assert!(names.contains(&"Travis Kelce".to_string()), "{names:?}");
    }
}

#[test]
fn captain_row_without_its_flex_row_fails_naming_file_and_row() {
    let root = TempDir::new().unwrap();
    let text =
        std::fs::read_to_string(workspace().join("data/fixtures/showdown/nfl_DKSalaries.csv"))
            .unwrap();
    // Drop Josh Allen's FLEX row (id 37110102).
    let text: String = text
        .split_inclusive('\n')
        .filter(|l| !l.contains("(37110102)"))
        .collect();
    let path = root.path().join("DKSalaries.csv");
    std::fs::write(&path, text).unwrap();
    let out = dfs(
        root.path(),
        &[
            "slates",
            "import",
            "--id",
            "bad",
            "--salaries",
            path.to_str().unwrap(),
        ],
    );
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("DKSalaries.csv: row 2, field \"Name\""),
        "{err}"
    );
    assert!(err.contains("Josh Allen (BUF) has no FLEX row"), "{err}");
}

/// A full `dfs run` on the NBA showdown file with the sample contest and the
/// default field-sampler salary floor ($47,000): the field sampler must find
/// showdown lineups near the cap (each person once), and the run exports a
/// valid upload.
#[test]
fn nba_showdown_full_run_with_the_default_salary_floor_exports_a_valid_upload() {
    let root = TempDir::new().unwrap();
    let fixture = "data/fixtures/showdown/nba_DKSalaries.csv";
    let salaries = workspace().join(fixture);
    dfs_ok(
        root.path(),
        &[
            "slates",
            "import",
            "--id",
            "nba-sd",
            "--salaries",
            salaries.to_str().unwrap(),
        ],
    );
    // Small configs for speed; the sampler keeps its default salary floor.
    let cfg = small_configs(root.path());
    let mut args: Vec<String> = [
        "run",
        "--slate",
        "nba-sd",
        "--contest",
        SAMPLE_CONTEST,
        "--seed",
        "3",
        "--json",
    ]
    .map(String::from)
    .to_vec();
    args.extend(cfg.flags());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let summary: serde_json::Value =
        serde_json::from_str(&dfs_ok(root.path(), &args)).expect("--json prints one object");
    let dir = Path::new(summary["artifact_path"].as_str().unwrap()).to_path_buf();
    let sampler = json_file(&dir.join("field_sampler/metrics.json"));
    assert!(
        dir.join("field_sampler/entrants.parquet").is_file(),
        "{sampler}"
    );
    check_upload(&dir.join("optimizer/dk_export.csv"), fixture, "UTIL", 10);
}
