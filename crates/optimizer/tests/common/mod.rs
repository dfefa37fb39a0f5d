//! Synthetic slates, catalogs and a brute-force oracle shared by the integration tests.
#![allow(dead_code)]

use optimizer::SolveRules;
use rand::{Rng, SeedableRng};
use rand_distr::{Distribution, Normal};
use rand_pcg::Pcg64;
use schemas::{Lineup, Slate, SportRules, Variant, VariantCatalog};

pub use testkit::{nba_rules, nfl_rules, player, slate_of};

/// A random NBA slate: mixed single and dual positions, salaries 3,000..11,000 by 100,
/// projections about 5 points per 1,000 with noise, some players at 0.
pub fn nba_slate(n: usize, games: u32, seed: u64) -> Slate {
    const POS: [(&str, u32); 9] = [
        ("PG", 14),
        ("SG", 12),
        ("SF", 10),
        ("PF", 12),
        ("C", 14),
        ("PG/SG", 12),
        ("SG/SF", 9),
        ("SF/PF", 9),
        ("PF/C", 8),
    ];
    random_slate(nba_rules(), &POS, n, games, seed, 3_000..=11_000, 5.0)
}

/// A random NFL slate: QB, RB, WR, TE, DST in realistic shares.
pub fn nfl_slate(n: usize, games: u32, seed: u64) -> Slate {
    const POS: [(&str, u32); 5] = [("QB", 10), ("RB", 20), ("WR", 38), ("TE", 16), ("DST", 8)];
    random_slate(nfl_rules(), &POS, n, games, seed, 2_500..=9_500, 2.6)
}

fn random_slate(
    rules: SportRules,
    positions: &[(&str, u32)],
    n: usize,
    games: u32,
    seed: u64,
    salaries: std::ops::RangeInclusive<u32>,
    points_per_k: f64,
) -> Slate {
    let mut rng = Pcg64::seed_from_u64(seed);
    let total: u32 = positions.iter().map(|p| p.1).sum();
    let players = (0..n)
        .map(|k| {
            // The first players cover every position once, so small slates stay fillable.
            let pos = if k < positions.len() {
                positions[k].0
            } else {
                let mut x = rng.random_range(0..total);
                positions
                    .iter()
                    .find(|p| {
                        if x < p.1 {
                            true
                        } else {
                            x -= p.1;
                            false
                        }
                    })
                    .map_or(positions[0].0, |p| p.0)
            };
            let salary = rng.random_range(salaries.start() / 100..=salaries.end() / 100) * 100;
            let proj = if rng.random_bool(0.1) {
                0.0
            } else {
                (f64::from(salary) / 1000.0 * points_per_k * rng.random_range(0.6..1.4) * 100.0)
                    .round()
                    / 100.0
                    + rng.random_range(0.0..0.01)
            };
            let team = rng.random_range(0..2 * games);
            player(&rules, 1000 + k as i64, pos, team, salary, proj)
        })
        .collect();
    slate_of(rules, games, players)
}

/// A catalog: variant 0 is the base projection, others add 30% Gaussian noise (floored at 0).
pub fn catalog(slate: &Slate, variants: u32, seed: u64) -> VariantCatalog {
    let mut rng = Pcg64::seed_from_u64(seed);
    let noise = Normal::new(0.0, 0.3).expect("valid normal");
    let base: Vec<f64> = slate.players.iter().map(|p| p.projection).collect();
    VariantCatalog {
        player_ids: slate.players.iter().map(|p| p.dk_id).collect(),
        variants: (0..variants)
            .map(|v| Variant {
                variant_id: v,
                points: if v == 0 {
                    base.clone()
                } else {
                    base.iter()
                        .map(|&p| (p * (1.0 + noise.sample(&mut rng))).max(0.0))
                        .collect()
                },
            })
            .collect(),
    }
}

/// Every valid lineup set of a tiny slate (sorted slate indices) with its slot order.
pub fn all_lineups(slate: &Slate) -> Vec<Lineup> {
    let n = slate.players.len() as u32;
    let r = slate.rules.roster_size();
    let mut out = Vec::new();
    let mut set = Vec::with_capacity(r);
    fn rec(slate: &Slate, n: u32, r: usize, start: u32, set: &mut Vec<u32>, out: &mut Vec<Lineup>) {
        if set.len() == r {
            if let Some(l) = Lineup::from_set(slate, set).filter(|l| l.check(slate).is_ok()) {
                out.push(l);
            }
            return;
        }
        for i in start..n {
            set.push(i);
            rec(slate, n, r, i + 1, set, out);
            set.pop();
        }
    }
    rec(slate, n, r, 0, &mut set, &mut out);
    out
}

/// The brute-force best lineup under `rules`, given the earlier lineups.
pub fn brute_best(
    slate: &Slate,
    all: &[Lineup],
    points: &[f64],
    rules: &SolveRules,
    earlier: &[Lineup],
) -> Option<(Lineup, f64)> {
    let r = slate.rules.roster_size();
    let max_ov = rules.max_overlap.map_or(r - 1, |m| (m as usize).min(r - 1));
    let mut best: Option<(Lineup, f64)> = None;
    for l in all {
        let salary = l.salary(slate);
        if rules.min_salary.is_some_and(|m| salary < m)
            || rules.max_salary.is_some_and(|m| salary > m)
            || !rules.locks.iter().all(|x| l.players.contains(x))
            || rules.excludes.iter().any(|x| l.players.contains(x))
            || earlier
                .iter()
                .any(|e| e.players.iter().filter(|p| l.players.contains(p)).count() > max_ov)
        {
            continue;
        }
        let score: f64 = l.players.iter().map(|&i| points[i as usize]).sum();
        if best.as_ref().is_none_or(|b| score > b.1) {
            best = Some((l.clone(), score));
        }
    }
    best
}

/// Players shared by two lineups.
pub fn overlap(a: &[u32], b: &[u32]) -> usize {
    a.iter().filter(|p| b.contains(p)).count()
}
