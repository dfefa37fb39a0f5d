//! Every byte in or out of the `dfs` pipeline.
//!
//! Inputs: DraftKings salary files (and the player pool inside `DKEntries.csv`),
//! provider projections through one alias table, payout tables, sport rules (YAML).
//! Outputs: parquet artifacts, JSON, JSON lines, the DraftKings upload CSV, and
//! run folders written atomically. Stage crates never touch files; this crate does.

pub mod config;
mod error;
pub mod inputs;
pub mod outputs;

pub use error::IoError;
