//! Same inputs, configs and seed give byte-identical artifacts whatever the
//! thread count; another seed gives other artifacts.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::*;
use sha2::{Digest, Sha256};

const DETERMINISTIC: &[&str] = &[
    "variants/catalog.parquet",
    "variants/summary.json",
    "optimizer/lineups.parquet",
    "optimizer/dk_export.csv",
    "optimizer/metrics.json",
    "field_sampler/entrants.parquet",
    "field_sampler/telemetry.json",
    "field_sampler/metrics.json",
    "sim/results.parquet",
    "sim/metrics.json",
    "diagnostics.json",
];

fn hashes(run: &serde_json::Value) -> BTreeMap<&'static str, String> {
    let dir = Path::new(run["artifact_path"].as_str().unwrap());
    DETERMINISTIC
        .iter()
        .map(|f| {
            let digest = Sha256::digest(std::fs::read(dir.join(f)).unwrap());
            (*f, digest.iter().map(|b| format!("{b:02x}")).collect())
        })
        .collect()
}

#[test]
fn same_seed_same_bytes_across_thread_counts() {
    let root = tempfile::tempdir().unwrap();
    let cfg = small_configs(root.path());
    let one = sample_run(root.path(), &cfg, 42, &[("RAYON_NUM_THREADS", "1")]);
    let two = sample_run(root.path(), &cfg, 42, &[("RAYON_NUM_THREADS", "2")]);
    assert_ne!(
        one["run_id"], two["run_id"],
        "each run gets its own id and folder"
    );
    assert_eq!(hashes(&one), hashes(&two));
    assert_eq!(one["metrics_head"], two["metrics_head"]);

    let other = sample_run(root.path(), &cfg, 43, &[("RAYON_NUM_THREADS", "2")]);
    let (a, b) = (hashes(&one), hashes(&other));
    assert_ne!(a["variants/catalog.parquet"], b["variants/catalog.parquet"]);
    assert_ne!(a["sim/metrics.json"], b["sim/metrics.json"]);

    // Manifests agree on everything but time and the pages, which name the run.
    let manifest = |r: &serde_json::Value| {
        let mut m =
            json_file(&Path::new(r["artifact_path"].as_str().unwrap()).join("manifest.json"));
        for k in ["run_id", "created_at", "timings"] {
            m.as_object_mut().unwrap().remove(k);
        }
        let artifacts = m["artifacts"].as_array_mut().unwrap();
        let before = artifacts.len();
        artifacts.retain(|a| a["path"] != "export/summary.md" && a["path"] != "export/report.html");
        assert_eq!(
            artifacts.len() + 2,
            before,
            "the manifest lists the summary and the report"
        );
        m
    };
    assert_eq!(manifest(&one), manifest(&two));

    // The pages differ only by the run id they name.
    let page = |r: &serde_json::Value, file: &str| {
        let dir = Path::new(r["artifact_path"].as_str().unwrap());
        std::fs::read_to_string(dir.join(file))
            .unwrap()
            .replace(r["run_id"].as_str().unwrap(), "RUN")
    };
    for file in ["export/summary.md", "export/report.html"] {
        assert_eq!(page(&one, file), page(&two, file), "{file}");
        assert_ne!(page(&one, file), page(&other, file), "{file}: another seed");
    }
}
