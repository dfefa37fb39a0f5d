//! The JSON Schema of every contract, generated from the types by schemars.
//! `dfs schemas export` writes them to `schemas/`; a test fails when the
//! committed files drift from the code; the orchestrator validates every
//! stage boundary against them at run time.

use schemars::{JsonSchema, Schema, schema_for};

use crate::{
    CorrelationTable, DiagnosticsReport, FieldSamplerConfig, FieldSamplerOutput, OptimizerConfig,
    OptimizerOutput, PortfolioMetrics, RunManifest, RunSummary, SimConfig, SimOutput,
    VariantCatalog, VariantsConfig,
};

/// A named contract: the file stem in `schemas/` and its schema.
#[derive(Debug, Clone)]
pub struct Contract {
    pub name: &'static str,
    pub schema: Schema,
}

fn contract<T: JsonSchema>(name: &'static str) -> Contract {
    Contract {
        name,
        schema: schema_for!(T),
    }
}

/// Every contract, in a fixed order.
pub fn contracts() -> Vec<Contract> {
    vec![
        contract::<VariantCatalog>("variant_catalog"),
        contract::<OptimizerOutput>("optimizer_output"),
        contract::<FieldSamplerOutput>("field_sampler_output"),
        contract::<SimOutput>("sim_output"),
        contract::<PortfolioMetrics>("sim_metrics"),
        contract::<RunManifest>("run_manifest"),
        contract::<DiagnosticsReport>("diagnostics"),
        contract::<RunSummary>("run_summary"),
        contract::<VariantsConfig>("variants_config"),
        contract::<OptimizerConfig>("optimizer_config"),
        contract::<FieldSamplerConfig>("field_sampler_config"),
        contract::<SimConfig>("sim_config"),
        contract::<CorrelationTable>("correlation_table"),
    ]
}

/// The contract with this name.
pub fn contract_named(name: &str) -> Option<Contract> {
    contracts().into_iter().find(|c| c.name == name)
}
