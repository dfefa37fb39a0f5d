//! The README's first command, end to end: a full pipeline on the shipped sample
//! slate writes exactly the run folder of DESIGN.md section 5, with artifacts
//! that hold their contracts, and the registry records it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;

use common::*;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use schemas::{Lineup, Slate};

/// Column names and row count of a parquet artifact.
struct Table {
    columns: Vec<String>,
    rows: usize,
}

fn read_parquet(path: &Path) -> Table {
    let file = std::fs::File::open(path).unwrap();
    let builder = ParquetRecordBatchReaderBuilder::try_new(file).unwrap();
    let columns = builder
        .schema()
        .fields()
        .iter()
        .map(|f| f.name().clone())
        .collect();
    let rows = builder
        .build()
        .unwrap()
        .map(|b| b.unwrap().num_rows())
        .sum();
    Table { columns, rows }
}

fn validate(schema_name: &str, instance: &serde_json::Value) {
    let schema = json_file(
        &workspace()
            .join("schemas")
            .join(format!("{schema_name}.json")),
    );
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(instance)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{schema_name}: {errors:?}");
}

fn sample_slate() -> Slate {
    let salaries =
        pipeline_io::inputs::read_salaries(workspace().join("data/nba-2025-01-12/DKSalaries.csv"))
            .unwrap();
    let rules = pipeline_io::inputs::detect_sport(&salaries).unwrap();
    pipeline_io::inputs::build_slate(SAMPLE_SLATE, &salaries, None, rules)
        .unwrap()
        .0
}

#[test]
fn full_run_on_the_sample_writes_the_exact_run_folder() {
    let root = tempfile::tempdir().unwrap();
    let cfg = small_configs(root.path());
    let summary = sample_run(root.path(), &cfg, 1337, &[]);

    // {run_id, artifact_path, metrics_head}
    let run_id = summary["run_id"].as_str().unwrap();
    let parts: Vec<&str> = run_id.split('-').collect();
    assert_eq!(parts.len(), 3, "{run_id}");
    assert!(parts[0].len() == 8 && parts[0].chars().all(|c| c.is_ascii_digit()));
    assert!(parts[1].len() == 6 && parts[1].chars().all(|c| c.is_ascii_digit()));
    assert!(parts[2].len() == 8 && parts[2].chars().all(|c| c.is_ascii_hexdigit()));
    let dir = Path::new(summary["artifact_path"].as_str().unwrap()).to_path_buf();
    assert!(dir.is_absolute());
    assert_eq!(
        dir,
        root.path()
            .canonicalize()
            .unwrap()
            .join("runs")
            .join(SAMPLE_SLATE)
            .join(run_id)
    );
    for key in ["roi_mean", "roi_p50", "dup_p95"] {
        assert!(summary["metrics_head"][key].is_number(), "{key}");
    }
    validate("run_summary", &summary);

    // Exactly the layout, no more and no less; no staging folder left beside it.
    assert_eq!(
        tree(&dir),
        [
            "diagnostics.json",
            "export/report.html",
            "export/summary.md",
            "field_sampler/entrants.parquet",
            "field_sampler/logs.jsonl",
            "field_sampler/metrics.json",
            "field_sampler/telemetry.json",
            "manifest.json",
            "optimizer/dk_export.csv",
            "optimizer/lineups.parquet",
            "optimizer/logs.jsonl",
            "optimizer/metrics.json",
            "sim/logs.jsonl",
            "sim/metrics.json",
            "sim/results.parquet",
            "variants/catalog.parquet",
            "variants/logs.jsonl",
            "variants/summary.json",
        ]
    );
    let siblings: Vec<_> = std::fs::read_dir(dir.parent().unwrap()).unwrap().collect();
    assert_eq!(siblings.len(), 1);

    // JSON artifacts hold their schemas.
    let manifest = json_file(&dir.join("manifest.json"));
    validate("run_manifest", &manifest);
    validate("diagnostics", &json_file(&dir.join("diagnostics.json")));
    let metrics = json_file(&dir.join("sim/metrics.json"));
    validate("sim_metrics", &metrics);
    assert_eq!(manifest["run_id"], run_id);
    assert_eq!(manifest["seed"], 1337);
    assert_eq!(
        manifest["inputs"].as_array().unwrap().len(),
        2,
        "salaries and payouts"
    );
    for line in std::fs::read_to_string(dir.join("sim/logs.jsonl"))
        .unwrap()
        .lines()
    {
        serde_json::from_str::<serde_json::Value>(line).expect("each log line is JSON");
    }

    // Parquet columns as the issue lists them.
    let lineups = read_parquet(&dir.join("optimizer/lineups.parquet"));
    for c in [
        "lineup_id",
        "variant_id",
        "player_ids",
        "salary",
        "proj",
        "score",
    ] {
        assert!(lineups.columns.contains(&c.to_string()), "lineups.{c}");
    }
    let entrants = read_parquet(&dir.join("field_sampler/entrants.parquet"));
    for c in ["player_ids", "copies", "salary", "proj"] {
        assert!(entrants.columns.contains(&c.to_string()), "entrants.{c}");
    }
    let results = read_parquet(&dir.join("sim/results.parquet"));
    for c in [
        "lineup_id",
        "roi_mean",
        "win_rate",
        "top1_rate",
        "cash_rate",
        "finish_p50",
        "field_copies",
        "selected",
    ] {
        assert!(results.columns.contains(&c.to_string()), "results.{c}");
    }
    assert_eq!(results.rows, lineups.rows, "one result per candidate");
    let catalog = read_parquet(&dir.join("variants/catalog.parquet"));
    assert_eq!(catalog.columns, ["variant_id", "player_id", "points"]);
    assert_eq!(catalog.rows, 8 * 209);

    // Metrics contract: the field fills the contest, so the mean ROI over every
    // entrant is exactly prize pool / total fees - 1.
    let pool = metrics["prize_pool"].as_f64().unwrap();
    let fee = metrics["entry_fee"].as_f64().unwrap();
    let size = metrics["field_size"].as_f64().unwrap();
    assert_eq!(size, 5945.0);
    assert_eq!(fee, 4.0);
    let expected = pool / (fee * size) - 1.0;
    let got = metrics["field_roi_mean"].as_f64().unwrap();
    assert!(
        (got - expected).abs() < 1e-9,
        "field_roi_mean {got}, expected {expected}"
    );
    assert_eq!(metrics["entries"], 10);
    assert_eq!(metrics["iterations"], 300);
    for key in ["0", "1", "2-4", "5-9", "10+"] {
        assert!(metrics["dup_bins"][key].is_u64(), "dup bin {key}");
    }
    let bins: u64 = metrics["dup_bins"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_u64().unwrap())
        .sum();
    assert_eq!(bins, 10, "every selected entry falls in one dup bin");
    let counted = |key: &str| -> u64 {
        metrics[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| b["count"].as_u64().unwrap())
            .sum()
    };
    assert_eq!(counted("roi_histogram"), 300, "one ROI per iteration");
    assert_eq!(
        counted("finish_histogram"),
        10 * 300,
        "one finish per entry and iteration"
    );

    // The upload file: DraftKings' header, one DK-valid lineup per selected entry.
    let slate = sample_slate();
    let csv = std::fs::read_to_string(dir.join("optimizer/dk_export.csv")).unwrap();
    let mut rows = csv.lines();
    assert_eq!(rows.next().unwrap(), "PG,SG,SF,PF,C,G,F,UTIL");
    let mut exported = 0;
    for row in rows {
        let players: Vec<u32> = row
            .split(',')
            .map(|cell| {
                let id: i64 = cell
                    .rsplit_once(" (")
                    .unwrap()
                    .1
                    .trim_end_matches(')')
                    .parse()
                    .unwrap();
                slate.index_of(id).unwrap()
            })
            .collect();
        Lineup { players }
            .check(&slate)
            .expect("every exported lineup is DK-valid");
        exported += 1;
    }
    assert_eq!(exported, 10);

    // The pages: summary.md lists the entries, report.html draws the run for a
    // browser, self-contained, with its four plots.
    let md = std::fs::read_to_string(dir.join("export/summary.md")).unwrap();
    assert!(
        md.contains("| # | PG | SG | SF | PF | C | G | F | UTIL |"),
        "{md}"
    );
    assert_eq!(
        md.lines().filter(|l| l.starts_with("| 10 | ")).count(),
        1,
        "{md}"
    );
    let html = std::fs::read_to_string(dir.join("export/report.html")).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains(run_id));
    for id in ["plot-roi", "plot-finish", "plot-exposure", "plot-dups"] {
        assert!(html.contains(&format!("<figure id=\"{id}\">")), "{id}");
    }
    assert_eq!(html.matches("<svg ").count(), 4);
    assert_eq!(html.matches("</svg>").count(), 4);
    assert!(!html.to_lowercase().contains("<script"));
    assert!(!html.contains("http://") && !html.contains("https://"));
    assert!(html.len() < 256 * 1024, "{} bytes", html.len());
    // The ROI plot draws one bar per non-empty bin of sim/metrics.json.
    let filled = metrics["roi_histogram"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["count"].as_u64().unwrap() > 0)
        .count();
    let roi = &html[html.find("<figure id=\"plot-roi\">").unwrap()..];
    let roi = &roi[..roi.find("</figure>").unwrap()];
    assert!(filled > 0);
    assert_eq!(roi.matches("<rect class=\"bar\"").count(), filled);
    let manifest_paths = &manifest["paths"];
    assert_eq!(manifest_paths["report"], "export/report.html");
    assert!(
        manifest["artifacts"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["path"] == "export/report.html"),
        "the manifest hashes the report"
    );

    // The registry knows the run.
    let runs: serde_json::Value =
        serde_json::from_str(&dfs_ok(root.path(), &["runs", "list", "--json"])).unwrap();
    assert_eq!(runs[0]["run_id"], run_id);
    assert_eq!(runs[0]["status"], "succeeded");
    assert_eq!(runs[0]["metrics_head"], summary["metrics_head"]);
    let shown: serde_json::Value =
        serde_json::from_str(&dfs_ok(root.path(), &["runs", "show", run_id, "--json"])).unwrap();
    assert_eq!(shown["root"], summary["artifact_path"]);
    let text = dfs_ok(root.path(), &["runs", "show", run_id]);
    assert!(text.contains("succeeded"), "{text}");
}

#[test]
fn sample_is_known_without_an_import_and_lists() {
    let root = tempfile::tempdir().unwrap();
    let slates: serde_json::Value =
        serde_json::from_str(&dfs_ok(root.path(), &["slates", "list", "--json"])).unwrap();
    assert_eq!(slates[0]["id"], SAMPLE_SLATE);
    assert_eq!(slates[0]["players"], 209);
    assert_eq!(slates[0]["sport"], "nba_classic");
    let contests: serde_json::Value =
        serde_json::from_str(&dfs_ok(root.path(), &["contests", "list", "--json"])).unwrap();
    assert_eq!(contests[0]["id"], SAMPLE_CONTEST);
    assert_eq!(contests[0]["field_size"], 5945);
    assert_eq!(contests[0]["max_entries"], 20);
    assert_eq!(contests[0]["entry_fee"], 4.0);
}

#[test]
fn optimize_writes_an_upload_file_of_valid_lineups() {
    let root = tempfile::tempdir().unwrap();
    let out = root.path().join("upload.csv");
    let stdout = dfs_ok(
        root.path(),
        &[
            "optimize",
            "--slate",
            SAMPLE_SLATE,
            "--lineups",
            "12",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert!(stdout.contains("12 lineups"), "{stdout}");
    let slate = sample_slate();
    let csv = std::fs::read_to_string(&out).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines.len(), 13);
    let mut sets = std::collections::BTreeSet::new();
    for row in &lines[1..] {
        let players: Vec<u32> = row
            .split(',')
            .map(|cell| {
                slate
                    .index_of(
                        cell.rsplit_once(" (")
                            .unwrap()
                            .1
                            .trim_end_matches(')')
                            .parse()
                            .unwrap(),
                    )
                    .unwrap()
            })
            .collect();
        let lineup = Lineup { players };
        lineup.check(&slate).unwrap();
        assert!(sets.insert(lineup.key()), "lineups are unique");
    }
}

#[test]
fn imports_every_salary_file_in_shared_data() {
    // Real files users bring; present on developer machines and in CI beside the
    // clone, absent on a bare clone (where the shipped sample still covers the format).
    let shared = workspace().join("../shared/data");
    if !shared.is_dir() {
        eprintln!(
            "{} absent: real-data import check not run here",
            shared.display()
        );
        return;
    }
    let root = tempfile::tempdir().unwrap();
    let mut imported = 0;
    for sport in ["nba", "nfl"] {
        for entry in std::fs::read_dir(shared.join(sport)).unwrap() {
            let dir = entry.unwrap().path();
            for name in ["DKSalaries.csv", "DKEntries.csv"] {
                let file = dir.join(name);
                if !file.exists() {
                    continue;
                }
                let id = format!(
                    "{}-{}",
                    dir.file_name().unwrap().to_string_lossy().replace('_', "-"),
                    name.trim_end_matches(".csv").to_lowercase()
                );
                let stdout = dfs_ok(
                    root.path(),
                    &[
                        "slates",
                        "import",
                        "--id",
                        &id,
                        "--salaries",
                        file.to_str().unwrap(),
                    ],
                );
                assert!(stdout.contains("imported"), "{stdout}");
                imported += 1;
            }
        }
    }
    assert!(imported >= 12, "imported {imported} salary files");
}

#[test]
fn the_run_table_says_what_means_it_simulated_around() {
    let root = tempfile::tempdir().unwrap();
    let cfg = small_configs(root.path());
    let table = |sim: &str| {
        std::fs::write(&cfg.sim, sim).unwrap();
        let mut args: Vec<String> = ["run", "--slate", SAMPLE_SLATE, "--contest", SAMPLE_CONTEST]
            .map(String::from)
            .to_vec();
        args.extend(cfg.flags());
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        dfs_ok(root.path(), &args)
    };
    let base = "iterations: 100\nentries: 5\n";
    let fitted = table(base);
    assert!(
        fitted.contains(
            "0.45 projection, 0.37 field projection, 0.18 salary-implied \
             (0.74 projection where there is no field projection)"
        ),
        "the default blend: {fitted}"
    );
    let truth = table(&format!(
        "{base}projection_weight: 1.0\nfield_projection_weight: 0.0\nprojection_alone_weight: 1.0\n"
    ));
    assert!(
        truth.contains("means") && truth.contains("projections taken as the truth"),
        "{truth}"
    );
    let blended = table(&format!("{base}projection_weight: 0.62\n"));
    assert!(
        blended.contains("0.62 projection, 0.37 field projection, 0.01 salary-implied"),
        "{blended}"
    );
}
