//! Times a 100,000-entry field with calibration on a ~150-player synthetic slate
//! against the target (3 s on 2 cores), and the parts that make it up.
//!
//! `cargo bench -p field-sampler --bench sample` (plain main, no harness). Each
//! case runs `REPEATS` times; the best wall time is the figure (the machine is
//! shared), the spread shows the noise. CPU seconds (user + system, from
//! `/proc/self/stat` where it exists) show the work whatever the load.

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::Instant;

use field_sampler::{FieldInput, FieldSampler, PILOT_SIZE};
use schemas::{FieldSamplerConfig, Stage, StageContext};

const FIELD: u32 = 100_000;
const TARGET_SECONDS: f64 = 3.0;
const REPEATS: usize = 5;

/// Process CPU seconds so far, if the platform tells.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let rest = stat.get(stat.rfind(')')? + 2..)?;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

fn main() {
    let slate = common::slate(2025, 6, 12);
    let threads = rayon::current_num_threads();
    let default = FieldSamplerConfig::default();
    println!(
        "slate: {} players, {} games, {threads} threads; {REPEATS} runs per case, \
         pilot fields of {PILOT_SIZE}",
        slate.players.len(),
        slate.games.len()
    );
    let cases = [
        (
            "casual only, no calibration",
            FieldSamplerConfig {
                sharp_share: 0.0,
                calibration_rounds: 0,
                ..default.clone()
            },
        ),
        (
            "sharp only, no calibration",
            FieldSamplerConfig {
                sharp_share: 1.0,
                calibration_rounds: 0,
                ..default.clone()
            },
        ),
        (
            "default mix, no calibration",
            FieldSamplerConfig {
                calibration_rounds: 0,
                ..default.clone()
            },
        ),
        ("default (the target case)", default.clone()),
    ];
    for (name, config) in cases {
        let mut walls = Vec::with_capacity(REPEATS);
        let mut cpus = Vec::with_capacity(REPEATS);
        let mut last = None;
        for _ in 0..REPEATS {
            let cpu0 = cpu_seconds();
            let start = Instant::now();
            let result = FieldSampler.run(
                FieldInput {
                    slate: &slate,
                    field_size: FIELD,
                },
                &config,
                &StageContext::quiet(1),
            );
            walls.push(start.elapsed().as_secs_f64());
            if let (Some(a), Some(b)) = (cpu0, cpu_seconds()) {
                cpus.push(b - a);
            }
            match result {
                Ok((out, _)) => last = Some(out.telemetry),
                Err(e) => {
                    eprintln!("field sampler failed: {e}");
                    std::process::exit(1);
                }
            }
        }
        let best = walls.iter().copied().fold(f64::INFINITY, f64::min);
        let worst = walls.iter().copied().fold(0.0, f64::max);
        let cpu = cpus.iter().copied().fold(f64::INFINITY, f64::min);
        let Some(t) = last else { continue };
        println!(
            "{name}: {FIELD} entries, {} calibration rounds: best {best:.3} s (spread {:.3} s), \
             {:.2}x the {TARGET_SECONDS} s target; CPU {}; unique {}, MAE {:.3} pts, \
             rejections/entry {:.3}, max copies {}",
            config.calibration_rounds,
            worst - best,
            best / TARGET_SECONDS,
            if cpu.is_finite() {
                format!("{cpu:.2} s")
            } else {
                "n/a".into()
            },
            t.duplication.unique_lineups,
            t.ownership_mae,
            t.rejection_rate,
            t.duplication.max_copies
        );
    }
}
