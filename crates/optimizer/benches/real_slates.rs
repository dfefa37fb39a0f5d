//! The optimizer on real DraftKings slates, side by side with pydfs-lineup-optimizer:
//! `cargo bench -p optimizer --bench real_slates`.
//!
//! Reads `../shared/data` (relative to the workspace; skipped with a message when
//! absent) through pipeline-io, times the four tasks, and when
//! `python3 -c "import pydfs_lineup_optimizer"` works, times the same work with
//! pydfs (`benches/peers/pydfs_bench.py`) on the very same points, and prints the
//! ratio. `DFS_BENCH_PEER_VARIANTS` (default 20) is how many of the 10,000
//! variants pydfs solves; its 10,000-variant time is extrapolated from them and
//! marked so. `DFS_BENCH_NO_PEERS=1` skips the peers. The shipped showdown salary
//! files (`data/fixtures/showdown`) are timed first, without a peer.

use std::path::Path;
use std::process::Command;
use std::time::Instant;

use optimizer::{Optimizer, OptimizerInput, SolveRules, solve};
use pipeline_io::inputs::{build_slate, detect_sport, read_projections, read_salaries};
use rand::SeedableRng;
use rand_distr::{Distribution, StandardNormal};
use rand_pcg::Pcg64Mcg;
use schemas::{OptimizerConfig, Slate, Stage, StageContext, Variant, VariantCatalog};

fn load(salaries: &Path, projections: Option<&Path>) -> Option<Slate> {
    let sal = read_salaries(salaries).ok()?;
    let rules = detect_sport(&sal).ok()?;
    let proj = projections.and_then(|p| read_projections(p).ok());
    build_slate("bench", &sal, proj.as_ref(), rules)
        .ok()
        .map(|(s, _)| s)
}

/// Variant 0 is the projection; others add N(0, std_dev) noise, floored at 0. A
/// showdown captain row scores the multiplier times his base row's draw.
fn catalog(slate: &Slate, variants: u32) -> VariantCatalog {
    let mut cat = independent_catalog(slate, variants);
    let multiplier = slate.rules.captain.as_ref().map_or(1.0, |c| c.multiplier);
    for v in &mut cat.variants {
        for (i, p) in slate.players.iter().enumerate() {
            if let Some(b) = p.captain_of {
                v.points[i] = multiplier * v.points[b as usize];
            }
        }
    }
    cat
}

fn independent_catalog(slate: &Slate, variants: u32) -> VariantCatalog {
    VariantCatalog {
        player_ids: slate.players.iter().map(|p| p.dk_id).collect(),
        variants: (0..variants)
            .map(|v| {
                let mut rng = Pcg64Mcg::seed_from_u64(u64::from(v) + 1);
                Variant {
                    variant_id: v,
                    points: slate
                        .players
                        .iter()
                        .map(|p| {
                            let z: f64 = StandardNormal.sample(&mut rng);
                            if v == 0 {
                                p.projection
                            } else {
                                (p.projection + p.std_dev * z).max(0.0)
                            }
                        })
                        .collect(),
                }
            })
            .collect(),
    }
}

/// Writes `dk_id,variant,points` for the peer to read.
fn write_points(path: &Path, cat: &VariantCatalog, variants: usize) -> std::io::Result<()> {
    let mut out = String::from("id,variant,points\n");
    for v in cat.variants.iter().take(variants) {
        for (id, p) in cat.player_ids.iter().zip(&v.points) {
            out.push_str(&format!("{id},{},{p:.6}\n", v.variant_id));
        }
    }
    std::fs::write(path, out)
}

fn run_stage(
    slate: &Slate,
    cat: &VariantCatalog,
    per_variant: u32,
    max_overlap: Option<u32>,
) -> (f64, usize, bool) {
    let config = OptimizerConfig {
        lineups_per_variant: per_variant,
        max_overlap,
        ..Default::default()
    };
    let start = Instant::now();
    let out = Optimizer.run(
        OptimizerInput {
            slate,
            catalog: cat,
        },
        &config,
        &StageContext::quiet(1),
    );
    let secs = start.elapsed().as_secs_f64();
    match out {
        Ok((o, _)) => (secs, o.lineups.len(), o.proven_optimal),
        Err(e) => {
            println!("  optimizer failed: {e}");
            (secs, 0, false)
        }
    }
}

/// Times the peer: returns seconds, or a note why not.
fn peer(args: &[String]) -> Result<f64, String> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/peers/pydfs_bench.py");
    let out = Command::new("python3")
        .arg(script)
        .args(args)
        .output()
        .map_err(|e| e.to_string())?;
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines()
        .find_map(|l| l.strip_prefix("SECONDS "))
        .and_then(|s| s.trim().parse().ok())
        .ok_or_else(|| {
            format!(
                "pydfs failed: {}",
                String::from_utf8_lossy(&out.stderr)
                    .lines()
                    .last()
                    .unwrap_or("")
            )
        })
}

/// The showdown salary files the project ships (no peer: pydfs is timed on classic only).
fn showdown() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/fixtures/showdown");
    for (label, file) in [
        ("NBA showdown BOS@DET", "nba_DKSalaries.csv"),
        ("NFL showdown (synthetic)", "nfl_DKSalaries.csv"),
    ] {
        let Some(slate) = load(&dir.join(file), None) else {
            println!("skipped {label}: {file} not readable");
            continue;
        };
        let cat = catalog(&slate, 10_000);
        let one = VariantCatalog {
            player_ids: cat.player_ids.clone(),
            variants: cat.variants[..1].to_vec(),
        };
        let (s, k, proven) = run_stage(&slate, &one, 150, Some(4));
        println!(
            "{:<52} {s:>10.4} {:>12} {:>10}  {k} lineups, proven {proven}",
            format!(
                "{label} ({} rows): 150 lineups, overlap 4",
                slate.players.len()
            ),
            "-",
            "-"
        );
        let (s, k, proven) = run_stage(&slate, &cat, 1, None);
        println!(
            "{:<52} {s:>10.4} {:>12} {:>10}  {k} lineups, proven {proven}",
            format!("{label}: 10,000 variants x 1 lineup"),
            "-",
            "-"
        );
    }
}

fn main() {
    showdown();
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data");
    if !data.is_dir() {
        println!("skipped: no data folder at {}", data.display());
        return;
    }
    let threads = rayon::current_num_threads();
    let peers_on = std::env::var("DFS_BENCH_NO_PEERS").is_err()
        && Command::new("python3")
            .args(["-c", "import pydfs_lineup_optimizer"])
            .status()
            .is_ok_and(|s| s.success());
    let peer_variants: usize = std::env::var("DFS_BENCH_PEER_VARIANTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20);
    println!(
        "optimizer on real slates ({threads} rayon threads); peer pydfs-lineup-optimizer: {}",
        if peers_on {
            "on"
        } else {
            "off (python3 -c 'import pydfs_lineup_optimizer' fails or DFS_BENCH_NO_PEERS)"
        }
    );
    println!(
        "{:<52} {:>10} {:>12} {:>10}  notes",
        "task", "dfs (s)", "pydfs (s)", "ratio"
    );
    let tmp = std::env::temp_dir().join(format!("dfs_bench_{}", std::process::id()));
    let _ = std::fs::create_dir_all(&tmp);

    let nba_dir = data.join("nba/2025-01-15_marvalgames");
    let nfl_dir = data.join("nfl/2025-09-14_speculati0n");
    let nba = load(
        &nba_dir.join("DKSalaries.csv"),
        Some(&nba_dir.join("Projections.csv")),
    );
    let nfl = load(
        &nfl_dir.join("DKSalaries.csv"),
        Some(&nfl_dir.join("fantasylabs_projections.csv")),
    );

    let row = |label: &str,
               secs: f64,
               note: String,
               sport: &str,
               sal: &Path,
               points: &Path,
               lineups: usize,
               overlap: Option<u32>,
               variants: usize,
               scale: f64| {
        let peer_secs = if peers_on {
            let mut args = vec![
                "--sport".to_string(),
                sport.to_string(),
                "--salaries".into(),
                sal.display().to_string(),
                "--points".into(),
                points.display().to_string(),
                "--lineups".into(),
                lineups.to_string(),
                "--variants".into(),
                variants.to_string(),
            ];
            if let Some(o) = overlap {
                args.extend(["--max-overlap".to_string(), o.to_string()]);
            }
            peer(&args).map(|s| s * scale)
        } else {
            Err("-".into())
        };
        match peer_secs {
            Ok(p) => println!(
                "{label:<52} {secs:>10.4} {p:>12.3} {:>9.0}x  {note}{}",
                p / secs,
                if scale > 1.0 {
                    " (pydfs extrapolated)"
                } else {
                    ""
                }
            ),
            Err(e) => println!(
                "{label:<52} {secs:>10.4} {:>12} {:>10}  {note} {e}",
                "-", "-"
            ),
        }
    };

    if let Some(slate) = &nba {
        let cat = catalog(slate, 10_000);
        let one = VariantCatalog {
            player_ids: cat.player_ids.clone(),
            variants: cat.variants[..1].to_vec(),
        };
        let pts = tmp.join("nba_points.csv");
        let _ = write_points(&pts, &cat, peer_variants.max(1));
        let sal = nba_dir.join("DKSalaries.csv");
        // First optimal lineup, in process (best of 5).
        let rules = SolveRules::default();
        let first = (0..5)
            .map(|_| {
                let t = Instant::now();
                let _ = solve(slate, &one.variants[0].points, &rules, &[]);
                t.elapsed().as_secs_f64()
            })
            .fold(f64::INFINITY, f64::min);
        row(
            &format!(
                "NBA 2025-01-15 ({} pl): first optimal lineup",
                slate.players.len()
            ),
            first,
            String::new(),
            "nba",
            &sal,
            &pts,
            1,
            None,
            1,
            1.0,
        );
        let (s, k, proven) = run_stage(slate, &one, 150, Some(7));
        row(
            "NBA 2025-01-15: 150 lineups, max_overlap 7",
            s,
            format!("{k} lineups, proven {proven}"),
            "nba",
            &sal,
            &pts,
            150,
            Some(7),
            1,
            1.0,
        );
        let (s, k, proven) = run_stage(slate, &cat, 1, None);
        let scale = 10_000.0 / peer_variants.max(1) as f64;
        row(
            "NBA 2025-01-15: 10,000 variants x 1 lineup",
            s,
            format!("{k} lineups, proven {proven}"),
            "nba",
            &sal,
            &pts,
            1,
            None,
            peer_variants.max(1),
            scale,
        );
    } else {
        println!("skipped NBA: {} not readable", nba_dir.display());
    }
    if let Some(slate) = &nfl {
        let cat = catalog(slate, 1);
        let pts = tmp.join("nfl_points.csv");
        let _ = write_points(&pts, &cat, 1);
        let sal = nfl_dir.join("DKSalaries.csv");
        let (s, k, proven) = run_stage(slate, &cat, 150, Some(7));
        row(
            &format!(
                "NFL 2025-09-14 ({} pl): 150 lineups, max_overlap 7",
                slate.players.len()
            ),
            s,
            format!("{k} lineups, proven {proven}"),
            "nfl",
            &sal,
            &pts,
            150,
            Some(7),
            1,
            1.0,
        );
    } else {
        println!("skipped NFL: {} not readable", nfl_dir.display());
    }
    let _ = std::fs::remove_dir_all(&tmp);
}
