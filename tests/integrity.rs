//! Nothing lost, nothing leaked, tried with real processes and signals:
//! concurrent identical runs, `kill -9`, SIGTERM and SIGINT, a lost registry,
//! damaged artifacts, exit codes, JSON errors and a closed stdout.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::*;

fn spawn_dfs(root: &Path, args: &[String]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_dfs"))
        .arg("--root")
        .arg(root)
        .args(args)
        .env_remove("DFS_HOME")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("dfs starts")
}

/// The registry's runs, as `dfs runs list --json` prints them.
fn runs(root: &Path) -> Vec<serde_json::Value> {
    serde_json::from_str(&dfs_ok(root, &["runs", "list", "--json"])).unwrap()
}

/// Hidden files and folders left under `runs/`: staging folders and run locks.
fn leftovers(root: &Path) -> Vec<String> {
    let mut found = Vec::new();
    let Ok(slates) = std::fs::read_dir(root.join("runs")) else {
        return found;
    };
    for slate in slates {
        for e in std::fs::read_dir(slate.unwrap().path()).unwrap() {
            let name = e.unwrap().file_name().to_string_lossy().into_owned();
            if name.starts_with('.') {
                found.push(name);
            }
        }
    }
    found
}

/// Configs whose simulation of `iterations` takes long enough to be
/// interrupted mid-run (400,000: several seconds).
fn slow_configs(root: &Path, iterations: u32) -> SmallConfigs {
    let cfg = small_configs(root);
    std::fs::write(
        &cfg.sim,
        format!("iterations: {iterations}\nentries: 10\nmax_exposure: 0.8\n"),
    )
    .unwrap();
    cfg
}

/// Starts a slow run and waits until its staging folder exists (the run is
/// reserved, locked and writing); the child is returned still running.
fn start_slow_run(root: &Path, cfg: &SmallConfigs, json: bool) -> Child {
    let extra: &[&str] = if json { &["--json"] } else { &[] };
    let child = spawn_dfs(root, &run_args(cfg, 5, extra));
    let deadline = Instant::now() + Duration::from_secs(120);
    while !leftovers(root).iter().any(|n| n.ends_with(".partial")) {
        assert!(Instant::now() < deadline, "the run never started writing");
        std::thread::sleep(Duration::from_millis(50));
    }
    child
}

fn signal(child: &Child, name: &str) {
    let status = Command::new("kill")
        .arg(format!("-{name}"))
        .arg(child.id().to_string())
        .status()
        .unwrap();
    assert!(status.success());
}

#[test]
fn sixteen_concurrent_identical_runs_all_succeed_in_their_own_verified_folders() {
    let root = tempfile::tempdir().unwrap();
    let cfg = small_configs(root.path());
    // A fresh root: the registry and the sample are created by the racing processes themselves.
    let args = run_args(&cfg, 7, &["--json"]);
    let children: Vec<Child> = (0..16).map(|_| spawn_dfs(root.path(), &args)).collect();
    let mut ids = std::collections::BTreeSet::new();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "stdout: {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let dir = Path::new(summary["artifact_path"].as_str().unwrap());
        assert!(dir.join("variants/catalog.parquet").is_file(), "{dir:?}");
        ids.insert(summary["run_id"].as_str().unwrap().to_string());
    }
    assert_eq!(ids.len(), 16, "distinct run ids");
    let listed = runs(root.path());
    assert_eq!(listed.len(), 16);
    assert!(listed.iter().all(|r| r["status"] == "succeeded"));
    let verify = dfs_ok(root.path(), &["runs", "verify"]);
    assert!(verify.contains("16 runs checked, 0 damaged"), "{verify}");
    assert!(
        leftovers(root.path()).is_empty(),
        "{:?}",
        leftovers(root.path())
    );
}

#[test]
fn a_killed_run_is_failed_and_cleaned_by_the_next_command() {
    let root = tempfile::tempdir().unwrap();
    let cfg = slow_configs(root.path(), 400_000);
    let mut child = start_slow_run(root.path(), &cfg, false);
    // While its owner lives, other commands leave the run alone.
    let live = runs(root.path());
    assert_eq!(live[0]["status"], "running");
    assert_eq!(live[0]["pid"], child.id());
    child.kill().unwrap(); // SIGKILL: no handler runs
    child.wait().unwrap();
    assert!(
        !leftovers(root.path()).is_empty(),
        "kill -9 leaves the staging folder"
    );

    let after = runs(root.path());
    assert_eq!(after[0]["status"], "failed");
    let error = after[0]["error"].as_str().unwrap();
    assert!(error.contains("ended before the run finished"), "{error}");
    assert!(
        leftovers(root.path()).is_empty(),
        "{:?}",
        leftovers(root.path())
    );
}

#[test]
fn sigterm_and_sigint_cancel_a_run_and_remove_its_files() {
    let root = tempfile::tempdir().unwrap();
    let cfg = slow_configs(root.path(), 400_000);
    for (name, json) in [("TERM", true), ("INT", false)] {
        let child = start_slow_run(root.path(), &cfg, json);
        signal(&child, name);
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(130), "SIG{name}: {out:?}");
        if json {
            let err: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
            assert_eq!(err["error"], "cancelled", "{err}");
        } else {
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(stderr.contains("cancelled"), "{stderr}");
        }
        assert!(
            leftovers(root.path()).is_empty(),
            "{:?}",
            leftovers(root.path())
        );
        assert_eq!(runs(root.path())[0]["status"], "cancelled", "SIG{name}");
    }
}

#[test]
fn a_lost_registry_is_an_error_and_rebuild_brings_every_row_back() {
    let root = tempfile::tempdir().unwrap();
    let cfg = small_configs(root.path());
    let run = sample_run(root.path(), &cfg, 3, &[]);
    let before = runs(root.path());
    let db = root.path().join("dfs.sqlite");

    for damage in ["truncate", "delete"] {
        match damage {
            "truncate" => std::fs::write(&db, b"").unwrap(),
            _ => std::fs::remove_file(&db).unwrap(),
        }
        let out = dfs(root.path(), &["runs", "list"]);
        assert_eq!(out.status.code(), Some(5), "{damage}: {out:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("dfs registry rebuild"), "{stderr}");
        assert!(
            !db.exists() || std::fs::metadata(&db).unwrap().len() == 0,
            "nothing re-created"
        );

        let rebuilt = dfs_ok(root.path(), &["registry", "rebuild"]);
        assert!(rebuilt.contains("1 runs"), "{rebuilt}");
        let after = runs(root.path());
        assert_eq!(after.len(), 1);
        for key in ["run_id", "slate_id", "contest_id", "seed", "status", "root"] {
            assert_eq!(after[0][key], before[0][key], "{key}");
        }
        assert_eq!(after[0]["metrics_head"], run["metrics_head"]);
        let contests = dfs_ok(root.path(), &["contests", "list"]);
        assert!(contests.contains("NBA $20K Four Point Play"), "{contests}");
    }
    // A registry with rows is replaced only with --force, and kept.
    let out = dfs(root.path(), &["registry", "rebuild"]);
    assert_eq!(out.status.code(), Some(5), "{out:?}");
    let forced = dfs_ok(root.path(), &["registry", "rebuild", "--force"]);
    assert!(forced.contains("previous registry kept as"), "{forced}");
    assert_eq!(runs(root.path()).len(), 1);
}

#[test]
fn a_damaged_run_is_refused_by_show_backtest_and_verify_naming_the_file() {
    let root = tempfile::tempdir().unwrap();
    let cfg = small_configs(root.path());
    let run = sample_run(root.path(), &cfg, 11, &[]);
    let id = run["run_id"].as_str().unwrap();
    let upload = Path::new(run["artifact_path"].as_str().unwrap()).join("optimizer/dk_export.csv");
    let text = std::fs::read_to_string(&upload).unwrap();

    let cut: String = text.lines().take(3).map(|l| format!("{l}\r\n")).collect();
    for damaged in [cut.as_str(), "garbage\n"] {
        std::fs::write(&upload, damaged).unwrap();
        for args in [
            vec!["runs", "verify"],
            vec!["runs", "verify", id],
            vec!["runs", "show", id],
            vec!["runs", "backtest", id, "--standings", "standings.csv"],
        ] {
            let out = dfs(root.path(), &args);
            assert_eq!(out.status.code(), Some(5), "{args:?}: {out:?}");
            let said = format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            assert!(said.contains("dk_export.csv"), "{args:?}: {said}");
        }
    }
    std::fs::write(&upload, &text).unwrap();
    dfs_ok(root.path(), &["runs", "verify", id]);
    dfs_ok(root.path(), &["runs", "show", id]);
    std::fs::remove_file(&upload).unwrap();
    let out = dfs(root.path(), &["runs", "verify", id, "--json"]);
    assert_eq!(out.status.code(), Some(5));
    let checks: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let problem = checks[0]["problem"].as_str().unwrap();
    assert!(
        problem.contains("dk_export.csv") && problem.contains("missing"),
        "{problem}"
    );
}

#[test]
fn exit_codes_say_what_kind_of_error_and_json_errors_go_to_stdout() {
    let root = tempfile::tempdir().unwrap();
    let cfg = small_configs(root.path());
    // Usage: clap's 2.
    assert_eq!(
        dfs(root.path(), &["run", "--no-such-flag"]).status.code(),
        Some(2)
    );
    // Not found: 4, as JSON on stdout under --json.
    let out = dfs(
        root.path(),
        &[
            "run",
            "--slate",
            "nope",
            "--contest",
            SAMPLE_CONTEST,
            "--json",
        ],
    );
    assert_eq!(out.status.code(), Some(4), "{out:?}");
    let err: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(err["error"], "not_found");
    assert!(err["detail"].as_str().unwrap().contains("nope"), "{err}");
    assert!(out.stderr.is_empty() || !String::from_utf8_lossy(&out.stderr).contains("error:"));
    assert_eq!(
        dfs(root.path(), &["runs", "show", "nope"]).status.code(),
        Some(4)
    );
    // The user's config: 3, with nothing recorded.
    std::fs::write(&cfg.sim, "iterations: lots\n").unwrap();
    let out = dfs(
        root.path(),
        &run_args(&cfg, 1, &["--json"])
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
    );
    assert_eq!(out.status.code(), Some(3), "{out:?}");
    let err: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(err["error"], "invalid_input");
    assert!(
        err["detail"].as_str().unwrap().contains("sim.yaml"),
        "{err}"
    );
    assert!(runs(root.path()).is_empty());
    // A config path that is no regular file: 3, at once.
    let out = dfs(
        root.path(),
        &[
            "run",
            "--slate",
            SAMPLE_SLATE,
            "--contest",
            SAMPLE_CONTEST,
            "--sim-config",
            "/dev/zero",
        ],
    );
    assert_eq!(out.status.code(), Some(3), "{out:?}");
}

#[test]
fn a_closed_stdout_ends_quietly_and_the_run_is_kept() {
    let root = tempfile::tempdir().unwrap();
    let cfg = small_configs(root.path());
    let mut child = spawn_dfs(root.path(), &run_args(&cfg, 13, &[]));
    drop(child.stdout.take()); // the reader is gone before anything is printed
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{:?}: {stderr}", out.status);
    assert!(!stderr.contains("panicked"), "{stderr}");
    let listed = runs(root.path());
    assert_eq!(listed.len(), 1);
    assert_eq!(listed[0]["status"], "succeeded");
    dfs_ok(root.path(), &["runs", "verify"]);
}

#[test]
fn a_run_whose_folder_appears_meanwhile_fails_and_says_so() {
    let root = tempfile::tempdir().unwrap();
    let cfg = slow_configs(root.path(), 50_000);
    let child = start_slow_run(root.path(), &cfg, true);
    let running = runs(root.path());
    let id = running[0]["run_id"].as_str().unwrap();
    // Something else puts a folder where the run's will go.
    let target = Path::new(running[0]["root"].as_str().unwrap());
    std::fs::create_dir(target).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(5), "{out:?}");
    let err: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(err["error"], "conflict");
    let after = runs(root.path());
    assert_eq!(after[0]["run_id"], id);
    assert_eq!(after[0]["status"], "failed");
    assert!(
        after[0]["error"]
            .as_str()
            .unwrap()
            .contains("already exists"),
        "{after:?}"
    );
    assert!(
        leftovers(root.path()).is_empty(),
        "{:?}",
        leftovers(root.path())
    );
    assert!(target.is_dir(), "the other folder is left alone");
}
