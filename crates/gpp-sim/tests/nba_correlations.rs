//! Measures NBA teammate and opponent correlations of fantasy-point residuals
//! from the shared real data (`../shared/data/nba`): each slate's projections
//! and std devs against the players' actual FPTS in the DraftKings contest
//! standings. This is where `configs/correlations/nba.yaml` gets its numbers;
//! the test checks the builtin table against the estimates and prints them.
//! The same players measure how well the projections predict the actual
//! points (`nba_projection_calibration`, behind `sim.projection_weight`):
//!
//! `cargo test --release -p gpp-sim --test nba_correlations -- --nocapture`
//!
//! Without the shared folder it returns early.
//!
//! Method. Most standings files are live snapshots, so first each game's
//! progress: an entry's `TimeRemaining` is the sum of its players' minutes
//! left (48 for each `LOCKED`, not yet started, slot), so a least-squares
//! solve over all entries gives every visible player's minutes left; a game's
//! is the median over its players. Games with at least 3/4 played are used; a
//! fraction `f` played scales the expectation to `f * projection` and the std
//! dev to `sqrt(f) * std_dev`. Players projected at 8 or more who appear in
//! the standings' player table give residuals `(fpts - f proj) / (sqrt(f) sd)`,
//! turned into normal scores by rank (`Φ⁻¹((rank + 1/2) / n)`), which is the
//! copula's scale. A correlation is the mean product of the centred scores
//! over all pairs of a kind, divided by their variance; its standard error is
//! the delete-one-game jackknife (pairs within a game are not independent).
#![allow(clippy::unwrap_used)]

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use gpp_sim::norm_quantile;
use pipeline_io::inputs::{
    build_slate, builtin_correlations, builtin_sport, normalise_name, read_projections,
    read_salaries, read_standings,
};
use schemas::PairKind;

/// Players projected below this are left out: deep bench, often DNP.
const MIN_PROJECTION: f64 = 8.0;
/// Games less played than this are left out of the main estimate (the
/// final games alone are printed too).
const MIN_PLAYED: f64 = 2.0 / 3.0;

fn shared_nba() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/nba");
    dir.is_dir().then_some(dir)
}

/// The slate folders under `dir`, in name order.
fn slate_folders(dir: &Path) -> Vec<PathBuf> {
    let mut folders: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    folders.sort();
    folders
}

/// The delete-one-game jackknife standard error of an estimate, from its
/// values with each game left out in turn.
fn jackknife_se(loo: &[f64]) -> f64 {
    let g = loo.len() as f64;
    let m = loo.iter().sum::<f64>() / g;
    ((g - 1.0) / g * loo.iter().map(|x| (x - m).powi(2)).sum::<f64>()).sqrt()
}

/// One used player: game key (slate, game), team, primary position, residual.
#[derive(Debug, Clone)]
struct Obs {
    game: (usize, u32),
    team: String,
    position: String,
    residual: f64,
    /// Fraction of the game played at the snapshot.
    played: f64,
    projection: f64,
    actual: f64,
    salary: f64,
    /// The slate's projected points per salary dollar.
    per_dollar: f64,
}

/// Solves the symmetric positive definite system `a x = b` (Cholesky).
fn solve_spd(a: &[f64], b: &[f64], n: usize) -> Vec<f64> {
    let mut l = vec![0.0; n * n];
    for j in 0..n {
        let mut d = a[j * n + j];
        for k in 0..j {
            d -= l[j * n + k] * l[j * n + k];
        }
        let d = d.max(1e-12).sqrt();
        l[j * n + j] = d;
        for i in j + 1..n {
            let mut s = a[i * n + j];
            for k in 0..j {
                s -= l[i * n + k] * l[j * n + k];
            }
            l[i * n + j] = s / d;
        }
    }
    let mut y = vec![0.0; n];
    for i in 0..n {
        let s: f64 = (0..i).map(|k| l[i * n + k] * y[k]).sum();
        y[i] = (b[i] - s) / l[i * n + i];
    }
    let mut x = vec![0.0; n];
    for i in (0..n).rev() {
        let s: f64 = (i + 1..n).map(|k| l[k * n + i] * x[k]).sum();
        x[i] = (y[i] - s) / l[i * n + i];
    }
    x
}

/// The used players of one slate folder.
fn slate_observations(k: usize, dir: &Path) -> Vec<Obs> {
    let salaries = if dir.join("DKSalaries.csv").is_file() {
        read_salaries(dir.join("DKSalaries.csv")).unwrap()
    } else {
        read_salaries(dir.join("DKEntries.csv")).unwrap()
    };
    let projections = read_projections(dir.join("Projections.csv")).unwrap();
    let rules = builtin_sport("nba").unwrap();
    let (slate, _) = build_slate("nba", &salaries, Some(&projections), rules).unwrap();
    let standings_path = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("contest-standings-"))
        })
        .unwrap();
    let standings = read_standings(&standings_path).unwrap();

    // Minutes left per visible player, by least squares over the entries.
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut rows: Vec<(Vec<usize>, f64)> = Vec::new();
    for e in &standings.entries {
        if e.lineup.is_empty() {
            continue;
        }
        let locked = e.lineup.iter().filter(|s| s.player.is_none()).count();
        let mut members = Vec::new();
        for s in &e.lineup {
            if let Some(name) = &s.player {
                let next = index.len();
                members.push(*index.entry(normalise_name(name)).or_insert(next));
            }
        }
        rows.push((members, e.time_remaining - 48.0 * locked as f64));
    }
    let n = index.len();
    let mut a = vec![0.0; n * n];
    let mut b = vec![0.0; n];
    for (members, y) in &rows {
        for &i in members {
            b[i] += y;
            for &j in members {
                a[i * n + j] += 1.0;
            }
        }
    }
    for i in 0..n {
        a[i * n + i] += 1e-6;
    }
    let left = solve_spd(&a, &b, n);

    let fpts: HashMap<String, f64> = standings
        .players
        .iter()
        .map(|p| (normalise_name(&p.name), p.fpts))
        .collect();
    // Per game: the median of its visible players' minutes left.
    let mut per_game: BTreeMap<u32, Vec<f64>> = BTreeMap::new();
    for p in &slate.players {
        if let Some(&i) = index.get(&normalise_name(&p.name)) {
            per_game.entry(p.game).or_default().push(left[i]);
        }
    }
    let played: BTreeMap<u32, f64> = per_game
        .into_iter()
        .map(|(g, mut v)| {
            v.sort_by(f64::total_cmp);
            (g, (1.0 - v[v.len() / 2] / 48.0).clamp(0.0, 1.0))
        })
        .collect();
    let (pts, dollars) = slate
        .players
        .iter()
        .filter(|p| p.projection > 0.0)
        .fold((0.0, 0.0), |(a, b), p| {
            (a + p.projection, b + f64::from(p.salary))
        });
    let per_dollar = pts / dollars;
    let mut out = Vec::new();
    for p in &slate.players {
        let f = played.get(&p.game).copied().unwrap_or(0.0);
        if f < MIN_PLAYED || p.projection < MIN_PROJECTION || p.std_dev <= 0.0 {
            continue;
        }
        let Some(&actual) = fpts.get(&normalise_name(&p.name)) else {
            continue;
        };
        out.push(Obs {
            game: (k, p.game),
            team: p.team.clone(),
            position: p.positions[0].clone(),
            residual: (actual - f * p.projection) / (f.sqrt() * p.std_dev),
            played: f,
            projection: p.projection,
            actual,
            salary: f64::from(p.salary),
            per_dollar,
        });
    }
    out
}

/// Pair correlation of `kind` (and of one position pair if given), leaving
/// out one game (`skip`).
fn correlation(
    obs: &[Obs],
    scores: &[f64],
    kind: PairKind,
    positions: Option<(&str, &str)>,
    skip: Option<(usize, u32)>,
) -> (f64, usize) {
    let keep: Vec<usize> = (0..obs.len())
        .filter(|&i| Some(obs[i].game) != skip)
        .collect();
    let n = keep.len() as f64;
    let mean = keep.iter().map(|&i| scores[i]).sum::<f64>() / n;
    let var = keep
        .iter()
        .map(|&i| (scores[i] - mean).powi(2))
        .sum::<f64>()
        / n;
    let (mut sum, mut count) = (0.0, 0usize);
    for (x, &i) in keep.iter().enumerate() {
        for &j in &keep[x + 1..] {
            let (a, b) = (&obs[i], &obs[j]);
            if a.game != b.game || (a.team == b.team) != (kind == PairKind::SameTeam) {
                continue;
            }
            if let Some((pa, pb)) = positions
                && !((a.position == pa && b.position == pb)
                    || (a.position == pb && b.position == pa))
            {
                continue;
            }
            sum += (scores[i] - mean) * (scores[j] - mean);
            count += 1;
        }
    }
    (sum / count.max(1) as f64 / var, count)
}

/// Estimate and jackknife standard error over games.
fn estimate(
    obs: &[Obs],
    scores: &[f64],
    kind: PairKind,
    positions: Option<(&str, &str)>,
) -> (f64, f64, usize) {
    let (r, count) = correlation(obs, scores, kind, positions, None);
    let mut games: Vec<(usize, u32)> = obs.iter().map(|o| o.game).collect();
    games.sort_unstable();
    games.dedup();
    let loo: Vec<f64> = games
        .iter()
        .map(|&skip| correlation(obs, scores, kind, positions, Some(skip)).0)
        .collect();
    (r, jackknife_se(&loo), count)
}

#[test]
fn nba_residual_correlations_match_the_builtin_table() {
    let Some(dir) = shared_nba() else {
        eprintln!("../shared/data/nba is absent: skipping the NBA correlation measurement");
        return;
    };
    let folders = slate_folders(&dir);
    let mut all = Vec::new();
    for (k, f) in folders.iter().enumerate() {
        let o = slate_observations(k, f);
        let games: std::collections::BTreeSet<_> = o.iter().map(|x| x.game).collect();
        let finals: std::collections::BTreeSet<_> = o
            .iter()
            .filter(|x| x.played >= 0.999)
            .map(|x| x.game)
            .collect();
        println!(
            "{}: {} games used ({} final), {} players",
            f.file_name().unwrap().to_string_lossy(),
            games.len(),
            finals.len(),
            o.len()
        );
        all.extend(o);
    }
    let finals: Vec<Obs> = all.iter().filter(|o| o.played >= 0.999).cloned().collect();
    let table = builtin_correlations("NBA").unwrap();
    let mut failures = Vec::new();
    for (label, obs) in [("games >= 2/3 played", &all), ("final games only", &finals)] {
        println!("== {label}: {} players", obs.len());
        failures.extend(report(obs, &table, label == "games >= 2/3 played"));
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

/// Prints the estimates; returns the disagreements with the table.
fn report(obs: &[Obs], table: &schemas::CorrelationTable, check: bool) -> Vec<String> {
    let mut failures = Vec::new();
    // Normal scores by rank.
    let mut order: Vec<usize> = (0..obs.len()).collect();
    order.sort_by(|&a, &b| obs[a].residual.total_cmp(&obs[b].residual));
    let mut scores = vec![0.0; obs.len()];
    for (r, &i) in order.iter().enumerate() {
        scores[i] = norm_quantile((r as f64 + 0.5) / obs.len() as f64);
    }
    let raw: Vec<f64> = obs.iter().map(|o| o.residual).collect();
    println!("kind, positions: normal-score estimate (jackknife se), raw-residual estimate, pairs");
    for kind in [PairKind::SameTeam, PairKind::Opponent] {
        let (r, se, count) = estimate(obs, &scores, kind, None);
        let (raw_r, _, _) = estimate(obs, &raw, kind, None);
        println!("{kind:?}, all: {r:.3} ({se:.3}), {raw_r:.3}, {count}");
        // The table's mean coefficient over the measured pairs' positions
        // must sit within 3 standard errors of the estimate.
        let mut sum = 0.0;
        let mut n = 0.0;
        for (x, a) in obs.iter().enumerate() {
            for b in &obs[x + 1..] {
                if a.game == b.game && (a.team == b.team) == (kind == PairKind::SameTeam) {
                    sum += table.coefficient(kind, &a.position, &b.position);
                    n += 1.0;
                }
            }
        }
        let table_mean = sum / n;
        if check && (table_mean - r).abs() >= 3.0 * se {
            failures.push(format!(
                "{kind:?}: the builtin table averages {table_mean:.3}, the data say {r:.3} (se {se:.3})"
            ));
        }
        for (i, pa) in ["PG", "SG", "SF", "PF", "C"].iter().enumerate() {
            for pb in &["PG", "SG", "SF", "PF", "C"][i..] {
                let (r, se, count) = estimate(obs, &scores, kind, Some((pa, pb)));
                println!("{kind:?}, {pa}-{pb}: {r:.3} ({se:.3}), {count}");
            }
        }
    }
    failures
}

/// How well the projections predict the actual points, on the players of
/// [`slate_observations`] (a fraction `f` played scales every expectation):
/// the blend weight `w` of `actual = f (w proj + (1 - w) k salary)`, `k` the
/// slate's projected points per salary dollar, by least squares with a
/// delete-one-game jackknife standard error (the figure behind
/// `SimConfig::projection_weight`'s docs), and the misses in std devs.
#[test]
fn nba_projection_calibration() {
    let Some(dir) = shared_nba() else {
        return;
    };
    let folders = slate_folders(&dir);
    let mut obs = Vec::new();
    for (k, f) in folders.iter().enumerate() {
        obs.extend(slate_observations(k, f));
    }
    let blend = |skip: Option<(usize, u32)>| {
        let (mut sxx, mut sxy) = (0.0, 0.0);
        for o in obs.iter().filter(|o| Some(o.game) != skip) {
            let implied = o.played * o.per_dollar * o.salary;
            let x = o.played * o.projection - implied;
            sxx += x * x;
            sxy += x * (o.actual - implied);
        }
        sxy / sxx
    };
    let w = blend(None);
    let mut games: Vec<(usize, u32)> = obs.iter().map(|o| o.game).collect();
    games.sort_unstable();
    games.dedup();
    let g = games.len();
    let loo: Vec<f64> = games.iter().map(|&s| blend(Some(s))).collect();
    let se = jackknife_se(&loo);

    let n = obs.len() as f64;
    let mean = obs.iter().map(|o| o.residual).sum::<f64>() / n;
    let sd = (obs.iter().map(|o| (o.residual - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
    let projected = obs.iter().map(|o| o.played * o.projection).sum::<f64>() / n;
    let actual = obs.iter().map(|o| o.actual).sum::<f64>() / n;
    println!(
        "{} players in {g} games: projection weight {w:.3} (jackknife se {se:.3}); \
         mean projection {projected:.2} against {actual:.2} actual; misses in std devs: \
         mean {mean:.3}, sd {sd:.3}",
        obs.len()
    );
    // The figures the config docs quote, and std devs that fit the misses.
    assert!(
        (w - 0.62).abs() < 0.005 && (se - 0.16).abs() < 0.005,
        "{w} {se}"
    );
    assert!((0.85..1.25).contains(&sd), "misses have sd {sd} std devs");
}
