//! Throughput of the simulator on a contest of realistic size: 1,000
//! candidates against a 100,000-entry field (80,000 unique lineups) of
//! 8-player NBA lineups from a 160-player, 10-game slate, with the stage's
//! own outcome model (the builtin NBA correlation table, log-normal marginals).
//!
//! `cargo bench -p gpp-sim --bench sim [-- ITERATIONS]` (default 10,000).
//!
//! Prints the wall time, the peak memory of the process, lineup scores per
//! second next to the physical bound (the same machine streaming through the
//! lineups with nothing but the 8 gathers and adds each, on every thread) and
//! next to the bound of the sim's own layout (8 iterations a pass, one 8-wide
//! load and add per player), and,
//! when `python3 -c "import numpy"` works, the same simulation written the way
//! the popular Python tools write it (numpy, an argsort per iteration), timed
//! in this run on `DFS_BENCH_PEER_ITERATIONS` iterations (default 200) and
//! extrapolated. `DFS_BENCH_NO_PEERS=1` skips it.
//!
//! The model is the default one, the field leaning toward the news
//! (`field_news`); `DFS_BENCH_FIELD_NEWS=0` times the field as sampled, the
//! figure to compare with runs before the lean existed.

use std::collections::HashSet;
use std::io::Write;
use std::path::Path;
use std::process::Command;
use std::time::Instant;

use gpp_sim::{GppSim, SimInput};
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64Mcg;
use rayon::prelude::*;
use schemas::{
    CandidateLineup, Contest, FieldEntrant, PayoutTier, SimConfig, Slate, Stage, StageContext,
};

const PLAYERS: usize = 160;
const ROSTER: usize = 8;
const FIELD_UNIQUE: usize = 80_000;
const FIELD_ENTRIES: u32 = 100_000;
const CANDIDATES: usize = 1_000;
const ENTRIES: u32 = 150;

fn slate(rng: &mut Pcg64Mcg) -> Slate {
    let rules = testkit::nba_rules();
    let positions = ["PG", "SG", "SF", "PF", "C", "PG/SG", "SF/PF", "PF/C"];
    let players = (0..PLAYERS)
        .map(|i| {
            let projection = rng.random_range(5.0..50.0);
            let team = (i / 8) as u32;
            let mut p = testkit::player(
                &rules,
                10_000 + i as i64,
                positions[i % 8],
                team,
                5_000,
                projection,
            );
            p.std_dev = projection * rng.random_range(0.2..0.45);
            p
        })
        .collect();
    testkit::slate_of(rules, (PLAYERS / 16) as u32, players)
}

/// `n` distinct random lineups, not in `taken`.
fn lineups(rng: &mut Pcg64Mcg, n: usize, taken: &mut HashSet<Vec<u32>>) -> Vec<Vec<u32>> {
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        let mut l: Vec<u32> = Vec::with_capacity(ROSTER);
        while l.len() < ROSTER {
            let p = rng.random_range(0..PLAYERS as u32);
            if !l.contains(&p) {
                l.push(p);
            }
        }
        let mut key = l.clone();
        key.sort_unstable();
        if taken.insert(key) {
            out.push(l);
        }
    }
    out
}

fn contest() -> Contest {
    let size = FIELD_ENTRIES + ENTRIES;
    let paid = size / 5;
    let tiers = [
        (1, 1, 10_000.0),
        (2, 2, 5_000.0),
        (3, 10, 1_000.0),
        (11, 100, 100.0),
        (101, 1_000, 20.0),
        (1_001, paid, 6.0),
    ];
    Contest {
        id: "bench".into(),
        name: "bench".into(),
        entry_fee: 3.0,
        field_size: size,
        max_entries: ENTRIES,
        payouts: tiers
            .iter()
            .map(|&(first, last, prize)| PayoutTier { first, last, prize })
            .collect(),
    }
}

/// Peak resident memory of this process (Linux), in MiB.
fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

/// The physical bound: lineup scores per second when every thread does
/// nothing but stream through the field's lineups, 8 gathers and adds each.
fn scoring_bound(field: &[FieldEntrant], iterations: u32) -> f64 {
    let flat: Vec<u16> = field
        .iter()
        .flat_map(|e| e.players.iter().map(|&p| p as u16))
        .collect();
    let start = Instant::now();
    let checksum: f64 = (0..iterations)
        .into_par_iter()
        .map_init(
            || (vec![0.0f32; PLAYERS], Vec::with_capacity(field.len())),
            |(points, out), it| {
                for (i, x) in points.iter_mut().enumerate() {
                    *x = ((i as u32 * 2_654_435_761).wrapping_add(it) % 1000) as f32 * 0.05;
                }
                out.clear();
                out.extend(flat.as_chunks::<ROSTER>().0.iter().map(|l| {
                    let mut acc = 0.0f32;
                    for &p in l {
                        acc += points[p as usize];
                    }
                    acc
                }));
                f64::from(out[it as usize % out.len()])
            },
        )
        .sum();
    std::hint::black_box(checksum);
    (field.len() as f64 * f64::from(iterations)) / start.elapsed().as_secs_f64()
}

/// The bound of the layout the sim scores in: lineup scores per second when
/// every thread does nothing but stream through the field's lineups once per
/// 8 iterations, with each player's 8 points side by side (one 8-wide load
/// and add per player, where the scalar bound gathers 8 times).
fn batched_bound(field: &[FieldEntrant], iterations: u32) -> f64 {
    const LANES: usize = 8;
    let flat: Vec<u16> = field
        .iter()
        .flat_map(|e| e.players.iter().map(|&p| p as u16))
        .collect();
    let batches = iterations.div_ceil(LANES as u32);
    let start = Instant::now();
    let checksum: f64 = (0..batches)
        .into_par_iter()
        .map_init(
            || {
                (
                    vec![[0.0f32; LANES]; PLAYERS],
                    Vec::with_capacity(field.len()),
                )
            },
            |(points, out), batch| {
                for (i, row) in points.iter_mut().enumerate() {
                    for (lane, x) in row.iter_mut().enumerate() {
                        let it = batch * LANES as u32 + lane as u32;
                        *x = ((i as u32 * 2_654_435_761).wrapping_add(it) % 1000) as f32 * 0.05;
                    }
                }
                out.clear();
                out.extend(flat.as_chunks::<ROSTER>().0.iter().map(|l| {
                    let mut acc = [0.0f32; LANES];
                    for &p in l {
                        for (a, &x) in acc.iter_mut().zip(&points[p as usize]) {
                            *a += x;
                        }
                    }
                    acc
                }));
                f64::from(out[batch as usize % out.len()][0])
            },
        )
        .sum();
    std::hint::black_box(checksum);
    (field.len() as f64 * f64::from(batches) * LANES as f64) / start.elapsed().as_secs_f64()
}

/// Writes the contest for the numpy peer as raw little-endian arrays.
fn write_peer_inputs(
    dir: &Path,
    slate: &Slate,
    field: &[FieldEntrant],
    candidates: &[CandidateLineup],
    contest: &Contest,
) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let mut f = std::fs::File::create(dir.join("players.f64"))?;
    for p in &slate.players {
        f.write_all(&p.projection.to_le_bytes())?;
        f.write_all(&p.std_dev.to_le_bytes())?;
    }
    let mut f = std::fs::File::create(dir.join("field.i32"))?;
    for e in field {
        for &p in &e.players {
            f.write_all(&(p as i32).to_le_bytes())?;
        }
    }
    let mut f = std::fs::File::create(dir.join("copies.i32"))?;
    for e in field {
        f.write_all(&(e.copies as i32).to_le_bytes())?;
    }
    let mut f = std::fs::File::create(dir.join("candidates.i32"))?;
    for c in candidates {
        for &p in &c.players {
            f.write_all(&(p as i32).to_le_bytes())?;
        }
    }
    let mut f = std::fs::File::create(dir.join("prizes.f64"))?;
    for t in &contest.payouts {
        for _ in t.first..=t.last {
            f.write_all(&t.prize.to_le_bytes())?;
        }
    }
    Ok(())
}

/// Runs the numpy peer; returns its seconds for `iterations`, or why not.
fn numpy_peer(dir: &Path, iterations: u32, entries: u32, fee: f64) -> Result<f64, String> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/peers/numpy_sim.py");
    let out = Command::new("python3")
        .arg(script)
        .arg(dir)
        .arg(ROSTER.to_string())
        .arg(iterations.to_string())
        .arg(entries.to_string())
        .arg(fee.to_string())
        .output()
        .map_err(|e| e.to_string())?;
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines()
        .find_map(|l| l.strip_prefix("SECONDS "))
        .and_then(|s| s.trim().parse().ok())
        .ok_or_else(|| {
            format!(
                "numpy peer failed: {}",
                String::from_utf8_lossy(&out.stderr)
                    .lines()
                    .last()
                    .unwrap_or("")
            )
        })
}

fn main() {
    let iterations: u32 = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(10_000);
    let mut rng = Pcg64Mcg::seed_from_u64(1);
    let slate = slate(&mut rng);
    let mut taken = HashSet::new();
    let field: Vec<FieldEntrant> = lineups(&mut rng, FIELD_UNIQUE, &mut taken)
        .into_iter()
        .enumerate()
        .map(|(i, players)| FieldEntrant {
            player_ids: players.iter().map(|&p| 10_000 + i64::from(p)).collect(),
            players,
            // 20,000 lineups entered twice: 100,000 entries.
            copies: if i < (FIELD_ENTRIES as usize - FIELD_UNIQUE) {
                2
            } else {
                1
            },
            salary: 40_000,
            proj: 0.0,
        })
        .collect();
    let candidates: Vec<CandidateLineup> = lineups(&mut rng, CANDIDATES, &mut taken)
        .into_iter()
        .enumerate()
        .map(|(i, players)| CandidateLineup {
            lineup_id: i as u32,
            variant_id: 0,
            rank_in_variant: 1,
            player_ids: players.iter().map(|&p| 10_000 + i64::from(p)).collect(),
            players,
            salary: 40_000,
            proj: 0.0,
            score: 0.0,
        })
        .collect();
    let contest = contest();
    let table = pipeline_io::inputs::builtin_correlations("NBA");
    let config = SimConfig {
        iterations,
        max_exposure: 0.5,
        field_news: std::env::var("DFS_BENCH_FIELD_NEWS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(SimConfig::default().field_news),
        ..SimConfig::default()
    };
    let input = SimInput {
        slate: &slate,
        contest: &contest,
        candidates: &candidates,
        field: &field,
        entries: ENTRIES,
        correlations: table.as_ref(),
        groups: None,
    };

    let threads = rayon::current_num_threads();
    let rss_before = peak_rss_mib();
    let start = Instant::now();
    let result = GppSim.run(input, &config, &StageContext::quiet(7));
    let secs = start.elapsed().as_secs_f64();
    let rss = peak_rss_mib();
    let (out, diag) = match result {
        Ok(r) => r,
        Err(e) => {
            eprintln!("sim failed: {e}");
            return;
        }
    };
    let scores = diag.counters.get("lineup_scores").copied().unwrap_or(0.0);
    println!(
        "sim: {iterations} iterations, {CANDIDATES} candidates, {FIELD_UNIQUE} unique field lineups \
         ({FIELD_ENTRIES} entries), {} selected, {threads} threads, field_news {}",
        out.selected.len(),
        config.field_news
    );
    println!(
        "  total              {secs:.2} s ({:.3} ms/iteration; target 10,000 iterations < 10 s)",
        secs * 1e3 / f64::from(iterations)
    );
    if let (Some(before), Some(peak)) = (rss_before, rss) {
        println!(
            "  peak memory        {peak:.0} MiB (inputs alone {before:.0} MiB; target < 1,024)"
        );
    }
    let bound = scoring_bound(&field, iterations.min(2_000));
    println!(
        "  lineup scores/s    {:.3e} ({scores:.3e} scored: the field twice, pass A and fresh pass B)",
        scores / secs
    );
    println!(
        "  physical bound     {bound:.3e} lineup scores/s (8 gathers + adds per lineup, all threads, nothing else): \
         the sim runs at {:.0}% of it",
        100.0 * scores / secs / bound
    );
    let batched = batched_bound(&field, iterations.min(2_000));
    println!(
        "  batched bound      {batched:.3e} lineup scores/s (the sim's layout: 8 iterations a pass, one 8-wide \
         load + add per player, nothing else): the sim runs at {:.0}% of it",
        100.0 * scores / secs / batched
    );
    println!(
        "  selection          {} candidate evaluations for {} picks from {CANDIDATES}",
        diag.counters
            .get("selection_evaluations")
            .copied()
            .unwrap_or(0.0),
        out.selected.len()
    );
    println!(
        "  portfolio roi_mean {:.4}; top-{} by ROI {:.4} ({} entries shared)",
        out.metrics.roi_mean,
        out.metrics.top_n_baseline.entries,
        out.metrics.top_n_baseline.roi_mean,
        out.metrics.top_n_baseline.shared_entries
    );

    if std::env::var("DFS_BENCH_NO_PEERS").is_ok() {
        println!("  numpy peer         off (DFS_BENCH_NO_PEERS)");
        return;
    }
    let numpy = Command::new("python3")
        .args(["-c", "import numpy"])
        .status()
        .is_ok_and(|s| s.success());
    if !numpy {
        println!("  numpy peer         off (python3 -c 'import numpy' fails; pip install numpy)");
        return;
    }
    let peer_iterations: u32 = std::env::var("DFS_BENCH_PEER_ITERATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let dir = std::env::temp_dir().join(format!("dfs_sim_bench_{}", std::process::id()));
    if let Err(e) = write_peer_inputs(&dir, &slate, &field, &candidates, &contest) {
        println!("  numpy peer         failed to write its inputs: {e}");
        return;
    }
    match numpy_peer(&dir, peer_iterations, ENTRIES, contest.entry_fee) {
        Ok(peer_secs) => {
            let full = peer_secs * f64::from(iterations) / f64::from(peer_iterations);
            println!(
                "  numpy peer         {peer_secs:.2} s for {peer_iterations} iterations -> {full:.0} s for {iterations} \
                 (extrapolated): dfs is {:.0}x faster",
                full / secs
            );
        }
        Err(e) => println!("  numpy peer         {e}"),
    }
    let _ = std::fs::remove_dir_all(&dir);
}
