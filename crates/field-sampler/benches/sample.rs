//! Times a 100,000-entry field with calibration on a ~150-player synthetic slate.
//!
//! `cargo bench -p field-sampler --bench sample` (plain main, no harness).

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::Instant;

use field_sampler::{FieldInput, FieldSampler};
use schemas::{FieldSamplerConfig, Stage, StageContext};

fn main() {
    let slate = common::slate(2025, 6, 12);
    let threads = rayon::current_num_threads();
    println!(
        "slate: {} players, {} games, {threads} threads",
        slate.players.len(),
        slate.games.len()
    );
    for (field_size, rounds) in [
        (100_000, 0),
        (100_000, FieldSamplerConfig::default().calibration_rounds),
    ] {
        let config = FieldSamplerConfig {
            calibration_rounds: rounds,
            ..FieldSamplerConfig::default()
        };
        let start = Instant::now();
        let result = FieldSampler.run(
            FieldInput {
                slate: &slate,
                field_size,
            },
            &config,
            &StageContext::quiet(1),
        );
        let elapsed = start.elapsed();
        match result {
            Ok((out, _)) => {
                let t = &out.telemetry;
                println!(
                    "field {field_size}, {rounds} calibration rounds: {:.3} s; unique {}, MAE {:.3} pts, \
                     rejection rate {:.3}, max copies {}",
                    elapsed.as_secs_f64(),
                    t.duplication.unique_lineups,
                    t.ownership_mae,
                    t.rejection_rate,
                    t.duplication.max_copies
                );
            }
            Err(e) => {
                eprintln!("field sampler failed: {e}");
                std::process::exit(1);
            }
        }
    }
}
