//! Helpers shared by the end-to-end tests: run the real `dfs` binary against a
//! fresh data root, with small configs so a full pipeline takes seconds.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

mod standings;
#[allow(unused_imports)]
pub use standings::*;

/// The workspace root (tests/ sits beside crates/).
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .unwrap()
}

/// `dfs --root ROOT args...`, with extra environment.
pub fn dfs_env(root: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_dfs"));
    cmd.arg("--root")
        .arg(root)
        .args(args)
        .env_remove("DFS_HOME");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("dfs runs")
}

/// `dfs --root ROOT args...`.
pub fn dfs(root: &Path, args: &[&str]) -> Output {
    dfs_env(root, args, &[])
}

/// Runs `dfs` and asserts success; returns stdout.
pub fn dfs_ok(root: &Path, args: &[&str]) -> String {
    let out = dfs(root, args);
    assert!(
        out.status.success(),
        "dfs {args:?} failed\nstdout: {}\nstderr: {}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Small configs written into `dir`: a full sample run in a few seconds.
pub struct SmallConfigs {
    pub variants: PathBuf,
    pub optimizer: PathBuf,
    pub sampler: PathBuf,
    pub sim: PathBuf,
}

pub fn small_configs(dir: &Path) -> SmallConfigs {
    let write = |name: &str, text: &str| {
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        p
    };
    SmallConfigs {
        variants: write("variants.yaml", "count: 8\nrandomness: 0.6\n"),
        optimizer: write("optimizer.yaml", "lineups_per_variant: 3\nmax_overlap: 6\n"),
        sampler: write("sampler.yaml", "calibration_rounds: 4\n"),
        sim: write(
            "sim.yaml",
            "iterations: 300\nentries: 10\nmax_exposure: 0.8\n",
        ),
    }
}

impl SmallConfigs {
    /// The `dfs run` flags that use these configs.
    pub fn flags(&self) -> Vec<String> {
        vec![
            "--variants-config".into(),
            self.variants.display().to_string(),
            "--optimizer-config".into(),
            self.optimizer.display().to_string(),
            "--sampler-config".into(),
            self.sampler.display().to_string(),
            "--sim-config".into(),
            self.sim.display().to_string(),
        ]
    }
}

pub const SAMPLE_SLATE: &str = "nba-2025-01-12";
pub const SAMPLE_CONTEST: &str = "nba-20k-four-point-play";

/// `dfs run` flags on the sample slate and contest with these configs, then `extra`.
pub fn run_args(cfg: &SmallConfigs, seed: u64, extra: &[&str]) -> Vec<String> {
    let mut args: Vec<String> = [
        "run",
        "--slate",
        SAMPLE_SLATE,
        "--contest",
        SAMPLE_CONTEST,
        "--seed",
        &seed.to_string(),
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    args.extend(cfg.flags());
    args.extend(extra.iter().map(|s| s.to_string()));
    args
}

/// `dfs run --json` on the sample with small configs; returns the parsed summary.
pub fn sample_run(
    root: &Path,
    cfg: &SmallConfigs,
    seed: u64,
    env: &[(&str, &str)],
) -> serde_json::Value {
    let args = run_args(cfg, seed, &["--json"]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = dfs_env(root, &args, env);
    assert!(
        out.status.success(),
        "run failed\nstdout: {}\nstderr: {}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("--json prints one JSON object")
}

/// Every file under `dir`, as sorted relative paths.
pub fn tree(dir: &Path) -> Vec<String> {
    fn walk(base: &Path, dir: &Path, out: &mut Vec<String>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(base, &p, out);
            } else {
                out.push(p.strip_prefix(base).unwrap().to_string_lossy().into_owned());
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// Reads a JSON file.
pub fn json_file(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}
