//! Timings of the optimizer stage on synthetic slates: `cargo bench -p optimizer`.
//!
//! Prints, for each scenario, the wall time to build 150 unique lineups with
//! max_overlap 6, and the branch and bound's node count.

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::Instant;

use optimizer::{Optimizer, OptimizerInput};
use schemas::{OptimizerConfig, Slate, Stage, StageContext};

fn scenario(label: &str, slate: &Slate, variants: u32, per_variant: u32) {
    let catalog = common::catalog(slate, variants, 7);
    let config = OptimizerConfig {
        lineups_per_variant: per_variant,
        max_overlap: Some(6),
        ..Default::default()
    };
    let input = OptimizerInput {
        slate,
        catalog: &catalog,
    };
    let start = Instant::now();
    let result = Optimizer.run(input, &config, &StageContext::quiet(1));
    let elapsed = start.elapsed();
    match result {
        Ok((out, diag)) => println!(
            "{label:<44} {:>4} lineups  {:>8.3} s  {:>12} nodes  proven {}",
            out.lineups.len(),
            elapsed.as_secs_f64(),
            diag.counters.get("search_nodes").copied().unwrap_or(0.0),
            out.proven_optimal
        ),
        Err(e) => println!("{label:<44} failed: {e}"),
    }
}

fn main() {
    let nba = common::nba_slate(300, 10, 42);
    let nfl = common::nfl_slate(500, 14, 43);
    scenario("NBA 300 players, 150 variants x 1", &nba, 150, 1);
    scenario("NBA 300 players, 50 variants x 3", &nba, 50, 3);
    scenario("NBA 300 players, 1 variant x 150", &nba, 1, 150);
    scenario("NFL 500 players, 150 variants x 1", &nfl, 150, 1);
    scenario("NFL 500 players, 50 variants x 3", &nfl, 50, 3);
    scenario("NFL 500 players, 1 variant x 150", &nfl, 1, 150);
}
