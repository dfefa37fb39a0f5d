//! The committed JSON Schemas and default configs match the code.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use schemas::{FieldSamplerConfig, OptimizerConfig, SimConfig, VariantsConfig};

#[test]
fn committed_schemas_match_the_code() {
    let out = tempfile::tempdir().unwrap();
    dfs_ok(
        out.path(),
        &["schemas", "export", "--dir", out.path().to_str().unwrap()],
    );
    let committed = workspace().join("schemas");
    let mut names: Vec<String> = std::fs::read_dir(out.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".json"))
        .collect();
    names.sort();
    for required in [
        "variant_catalog.json",
        "optimizer_output.json",
        "field_sampler_output.json",
        "sim_metrics.json",
        "run_manifest.json",
        "diagnostics.json",
    ] {
        assert!(names.contains(&required.to_string()), "{required} exported");
    }
    let mut committed_names: Vec<String> = std::fs::read_dir(&committed)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    committed_names.sort();
    assert_eq!(
        committed_names, names,
        "schemas/ holds exactly the exported files"
    );
    for n in &names {
        let fresh = std::fs::read_to_string(out.path().join(n)).unwrap();
        let old = std::fs::read_to_string(committed.join(n)).unwrap();
        assert!(
            fresh == old,
            "schemas/{n} drifted from the code: run `dfs schemas export`"
        );
    }
}

#[test]
fn default_config_files_match_the_code_defaults() {
    let dir = workspace().join("configs");
    let read = |p: &str| dir.join(p);
    assert_eq!(
        pipeline_io::config::read_config::<VariantsConfig>(&read("variants/default.yaml")).unwrap(),
        VariantsConfig::default()
    );
    assert_eq!(
        pipeline_io::config::read_config::<OptimizerConfig>(&read("optimizer/default.yaml"))
            .unwrap(),
        OptimizerConfig::default()
    );
    assert_eq!(
        pipeline_io::config::read_config::<FieldSamplerConfig>(&read("field_sampler/default.yaml"))
            .unwrap(),
        FieldSamplerConfig::default()
    );
    assert_eq!(
        pipeline_io::config::read_config::<SimConfig>(&read("sim/default.yaml")).unwrap(),
        SimConfig::default()
    );
}
