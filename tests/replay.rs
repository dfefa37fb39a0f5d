//! `dfs backtest`: a contest folder replayed end to end. Its scoring is the one
//! `dfs runs backtest` uses, and both agree with a full-sort oracle; the
//! baseline is what `dfs optimize` builds.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::{Path, PathBuf};

use common::*;

/// What the entries of an upload file win among `field`, by counting everyone.
fn oracle_winnings(upload: &Path, field: &[f64], prizes: &[f64]) -> f64 {
    let ours: Vec<f64> = upload_names(upload)
        .iter()
        .map(|e| e.iter().map(|n| fake_fpts(n)).sum())
        .collect();
    oracle(field, &ours, prizes).iter().sum()
}

#[test]
fn a_contest_folder_replays_with_one_scoring_and_the_optimizer_as_baseline() {
    let root = tempfile::tempdir().unwrap();
    let cfg = small_configs(root.path());
    // A FINAL standings export: every slate player drafted with his fake
    // points, and a real field spread across the range our entries reach.
    let field: Vec<f64> = (0..600).map(|i| 150.0 + f64::from(i) * 0.25).collect();
    let contest = fixture_contest(root.path(), "my contest", &field);
    let payouts = contest.join("20K Four Point Play.csv");
    let standings = contest.join("contest-standings.csv");

    let mut args: Vec<String> = ["backtest", "--contests"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    args.push(contest.display().to_string());
    args.extend(["--entries", "5", "--seed", "9", "--json"].map(String::from));
    args.extend(cfg.flags());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let replay: serde_json::Value = serde_json::from_str(&dfs_ok(root.path(), &args)).unwrap();
    let c = &replay["contests"][0];
    let run_id = c["run_id"].as_str().unwrap();
    assert_eq!(c["slate_id"], "bt-my-contest");
    assert_eq!(c["real_entries"], 600);
    // As many baseline lineups as the run selected (up to --entries; its exposure cap may stop it sooner).
    let entries = c["run"]["entries"].as_u64().unwrap();
    assert!((1..=5).contains(&entries), "{entries}");
    assert_eq!(c["projection_optimal"]["entries"], entries);

    // The run's entries score as `dfs runs backtest` scores them.
    let single: serde_json::Value = serde_json::from_str(&dfs_ok(
        root.path(),
        &[
            "runs",
            "backtest",
            run_id,
            "--standings",
            standings.to_str().unwrap(),
            "--json",
        ],
    ))
    .unwrap();
    assert_eq!(c["run"]["winnings"], single["winnings"]);
    assert_eq!(c["run"]["roi"], single["realized_roi"]);
    assert_eq!(
        c["run"]["mean_finish_percentile"],
        single["mean_finish_percentile"]
    );

    // Both portfolios are paid as a full sort of everyone pays them.
    let prizes = prizes(&payouts);
    let upload = root
        .path()
        .join("runs/bt-my-contest")
        .join(run_id)
        .join("optimizer/dk_export.csv");
    let baseline = root
        .path()
        .join("backtests")
        .join(run_id)
        .join("projection_optimal.csv");
    for (file, key) in [(&upload, "run"), (&baseline, "projection_optimal")] {
        let expected = oracle_winnings(file, &field, &prizes);
        let got = c[key]["winnings"].as_f64().unwrap();
        assert!(
            (got - expected).abs() < 1e-6,
            "{key}: {got} against {expected}"
        );
    }
    assert!(
        c["run"]["winnings"].as_f64().unwrap() > 0.0,
        "the fixture's field lets some entries cash"
    );

    // The baseline is what `dfs optimize` builds with the same optimizer config.
    let optimized = root.path().join("optimized.csv");
    dfs_ok(
        root.path(),
        &[
            "optimize",
            "--slate",
            "bt-my-contest",
            "--lineups",
            &entries.to_string(),
            "--optimizer-config",
            cfg.optimizer.to_str().unwrap(),
            "--out",
            optimized.to_str().unwrap(),
        ],
    );
    assert_eq!(
        std::fs::read(&optimized).unwrap(),
        std::fs::read(&baseline).unwrap()
    );

    // A folder that is not a contest: exit 3, naming what is missing.
    let empty = root.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let out = dfs(
        root.path(),
        &["backtest", "--contests", empty.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(3), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("no payout table"));
}

/// The sum of a JSON array of counts.
fn count(v: &serde_json::Value) -> u64 {
    v.as_array()
        .unwrap()
        .iter()
        .map(|k| k.as_u64().unwrap())
        .sum()
}

/// A contest folder made from the shipped sample slate, with a FINAL
/// standings export whose field spreads over `field`.
fn fixture_contest(root: &Path, name: &str, field: &[f64]) -> PathBuf {
    let sample = workspace().join("data/nba-2025-01-12");
    let contest = root.join(name);
    std::fs::create_dir(&contest).unwrap();
    std::fs::copy(
        sample.join("DKSalaries.csv"),
        contest.join("DKSalaries.csv"),
    )
    .unwrap();
    std::fs::copy(
        sample.join("payout_20K_Four_Point_Play.csv"),
        contest.join("20K Four Point Play.csv"),
    )
    .unwrap();
    let names: Vec<String> = std::fs::read_to_string(contest.join("DKSalaries.csv"))
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(2).unwrap().to_string())
        .collect();
    std::fs::write(
        contest.join("contest-standings.csv"),
        standings_for(&[names], field),
    )
    .unwrap();
    contest
}

#[test]
fn leave_one_out_replays_each_contest_with_a_model_that_never_saw_it() {
    let root = tempfile::tempdir().unwrap();
    let cfg = small_configs(root.path());
    let a = fixture_contest(
        root.path(),
        "contest a",
        &(0..500)
            .map(|i| 150.0 + f64::from(i) * 0.3)
            .collect::<Vec<_>>(),
    );
    let b = fixture_contest(
        root.path(),
        "contest b",
        &(0..400)
            .map(|i| 180.0 + f64::from(i) * 0.2)
            .collect::<Vec<_>>(),
    );
    let report = root.path().join("report.json");
    let mut args: Vec<String> = ["backtest", "--loo", "--contests"]
        .map(String::from)
        .to_vec();
    args.extend([a.display().to_string(), b.display().to_string()]);
    args.extend(["--entries", "4", "--seed", "5", "--json", "--out"].map(String::from));
    args.push(report.display().to_string());
    args.extend(cfg.flags());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let printed = dfs_ok(root.path(), &args);
    let r: serde_json::Value = serde_json::from_str(&printed).unwrap();
    // --out holds the same report.
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert_eq!(r, written);

    // Each contest ran with the fit on the other one; the report also gives the fit on both.
    let all = &r["fit"];
    assert_eq!(all["contests"], 2);
    let mut total_entries = 0;
    for c in r["contests"].as_array().unwrap() {
        let fit = &c["fit"];
        assert_eq!(fit["contests"], 1, "{c}");
        let w = fit["projection_weight"].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&w), "{fit}");
        assert!(fit["std_dev_scale"].as_f64().unwrap() > 0.0);
        // The run's manifest holds the fitted keys.
        let manifest: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(
                root.path()
                    .join("runs")
                    .join(c["slate_id"].as_str().unwrap())
                    .join(c["run_id"].as_str().unwrap())
                    .join("manifest.json"),
            )
            .unwrap(),
        )
        .unwrap();
        assert_eq!(
            manifest["configs"]["sim"]["projection_weight"],
            fit["projection_weight"]
        );
        assert_eq!(manifest["configs"]["sim"]["dud_rate"], fit["dud_rate"]);
        // The field's strength is measured, not applied.
        assert!(fit["field_strength"].as_f64().unwrap() > 0.0);
        assert_eq!(
            manifest["configs"]["field_sampler"]["field_strength"],
            serde_json::Value::Null
        );
        // Every exported entry lands in one PIT bin; the baselines are as many.
        let entries = c["run"]["entries"].as_u64().unwrap();
        assert_eq!(count(&c["pit"]), entries);
        assert_eq!(c["top_n"]["entries"], entries);
        assert_eq!(c["projection_optimal"]["entries"], entries);
        for key in ["cash_rate", "mean_finish_percentile", "top1_rate"] {
            let p = c["predicted"][key].as_f64().unwrap();
            assert!((0.0..=1.0).contains(&p), "{key} {p}");
        }
        total_entries += entries;
    }
    assert_eq!(count(&r["pit"]), total_entries);
    // Bootstrap intervals hold their point estimate.
    for key in [
        "run_roi",
        "run_cash_rate",
        "run_finish_percentile",
        "top_n_roi",
    ] {
        let e = &r[key];
        let (lo, v, hi) = (
            e["lo"].as_f64().unwrap(),
            e["value"].as_f64().unwrap(),
            e["hi"].as_f64().unwrap(),
        );
        assert!(lo <= v + 1e-12 && v <= hi + 1e-12, "{key}: {e}");
    }

    // One contest cannot be left out of anything.
    let out = dfs(
        root.path(),
        &["backtest", "--loo", "--contests", a.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(3), "{out:?}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("at least two"));
}
