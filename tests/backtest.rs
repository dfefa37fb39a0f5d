//! `dfs runs backtest`: a run's exported entries scored on a real contest's
//! actual points and paid among its real field, against a full-sort oracle.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;

use common::*;

#[test]
fn backtest_pays_the_exported_entries_among_the_real_field() {
    let root = tempfile::tempdir().unwrap();
    let cfg = small_configs(root.path());
    let summary = sample_run(root.path(), &cfg, 5, &[]);
    let run_id = summary["run_id"].as_str().unwrap();
    let dir = Path::new(summary["artifact_path"].as_str().unwrap());
    let ours = upload_names(&dir.join("optimizer/dk_export.csv"));
    assert!(!ours.is_empty());
    let ours_points: Vec<f64> = ours
        .iter()
        .map(|e| e.iter().map(|n| fake_fpts(n)).sum())
        .collect();
    // A real field of 2,000 entries from 40 points below our worst to just
    // below our best, and one tied with our best: it shares first place with
    // ours, where every place pays differently. Lineups name our first
    // entry's players (the points are the file's, as DraftKings totals them).
    let best = ours_points.iter().copied().fold(f64::MIN, f64::max);
    let worst = ours_points.iter().copied().fold(f64::MAX, f64::min);
    let steps = ((best - worst + 40.0) * 4.0) as usize;
    let field: Vec<f64> = (0..2000)
        .map(|i| {
            if i == 0 {
                best
            } else {
                best - 0.25 - ((i * 37) % steps) as f64 * 0.25
            }
        })
        .collect();
    let standings = root.path().join("standings.csv");
    std::fs::write(&standings, standings_for(&ours, &field)).unwrap();

    let backtest = |file: &Path, extra: &[&str]| {
        let mut args = vec![
            "runs",
            "backtest",
            run_id,
            "--standings",
            file.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        dfs(root.path(), &args)
    };
    let out = backtest(&standings, &["--json"]);
    assert!(out.status.success(), "{out:?}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let expect = oracle(
        &field,
        &ours_points,
        &prizes(&workspace().join("data/nba-2025-01-12/payout_20K_Four_Point_Play.csv")),
    );
    let won: f64 = expect.iter().sum();
    let fees = 4.0 * ours.len() as f64;
    assert_eq!(v["entries"], ours.len());
    assert_eq!(v["real_entries"], 2000);
    assert!((v["winnings"].as_f64().unwrap() - won).abs() < 1e-9, "{v}");
    assert!((v["realized_roi"].as_f64().unwrap() - (won / fees - 1.0)).abs() < 1e-12);
    assert_eq!(
        v["cashed"],
        expect.iter().filter(|&&w| w > 0.0).count(),
        "{v}"
    );
    assert_eq!(v["unknown_players"], serde_json::json!([]));
    assert_eq!(v["simulated_roi_mean"], summary["metrics_head"]["roi_mean"]);
    assert_eq!(v["ours"]["max"].as_f64().unwrap(), best);
    assert_eq!(v["best_place"], 1, "our best ties the field's best");

    // The text report says the same.
    let table = String::from_utf8(backtest(&standings, &[]).stdout).unwrap();
    assert!(
        table.contains("realized ROI") && table.contains("simulated ROI"),
        "{table}"
    );

    // Standings of another slate: refused, naming the file.
    let other = root.path().join("other.csv");
    std::fs::write(
        &other,
        format!(
            "Rank,EntryId,EntryName,TimeRemaining,Points,Lineup,,Player,Roster Position,%Drafted,FPTS\r\n\
             1,1,x,0,200,{},,Nobody Here,UTIL,10.00%,20\r\n",
            standings_lineup(std::array::from_fn(|k| ours[0][k].as_str()))
        ),
    )
    .unwrap();
    let out = backtest(&other, &[]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("other.csv") && err.contains("players"),
        "{err}"
    );
}
