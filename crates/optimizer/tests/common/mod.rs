//! Synthetic slates, catalogs and a brute-force oracle shared by the integration tests.
#![allow(dead_code)]

use optimizer::SolveRules;
use rand::{Rng, SeedableRng};
use rand_distr::{Distribution, Normal};
use rand_pcg::Pcg64;
use schemas::{Lineup, Player, Slate, SportRules, Variant, VariantCatalog};

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

/// DraftKings NBA or NFL showdown rules, from `configs/sports/{name}.yaml`.
pub fn showdown_rules(name: &str) -> SportRules {
    match pipeline_io::inputs::builtin_sport(name) {
        Some(r) => r,
        None => panic!("the builtin sport {name} is missing"),
    }
}

/// A random showdown slate of `persons` people on teams T0 and T1 (one game): each
/// person is a base row (the flex slots) and a captain row (the captain slot, 1.5x
/// salary and points, `captain_of` = the base row). Rows come in a shuffled order so
/// that a captain row may sit before or after its base row.
pub fn showdown_slate(rules: SportRules, persons: usize, seed: u64) -> Slate {
    let mut rng = Pcg64::seed_from_u64(seed);
    let multiplier = rules.captain.as_ref().map_or(1.5, |c| c.multiplier);
    let captain = rules.captain_slots();
    let positions = rules.positions.clone();
    let mut rows: Vec<(usize, bool, Player)> = Vec::new();
    for k in 0..persons {
        let pos = &positions[rng.random_range(0..positions.len())];
        let salary = rng.random_range(10..=120) * 100;
        let proj = if rng.random_bool(0.1) {
            0.0
        } else {
            (f64::from(salary) / 1000.0 * 4.5 * rng.random_range(0.6..1.4) * 100.0).round() / 100.0
                + rng.random_range(0.0..0.01)
        };
        // Team 0 is stronger, so the team limit binds now and then.
        let team = u32::from(k % 3 == 2);
        let mut base = player(&rules, 2000 + k as i64, pos, team, salary, proj);
        base.slot_mask &= !captain;
        let mut cpt = player(
            &rules,
            3000 + k as i64,
            pos,
            team,
            salary * 3 / 2,
            proj * multiplier,
        );
        cpt.slot_mask &= captain;
        cpt.name = base.name.clone();
        rows.push((k, false, base));
        rows.push((k, true, cpt));
    }
    // Shuffle (Fisher-Yates), then link each captain row to its base row's index.
    for i in (1..rows.len()).rev() {
        let j = rng.random_range(0..=i);
        rows.swap(i, j);
    }
    let base_at: Vec<usize> = (0..persons)
        .map(|k| {
            rows.iter()
                .position(|(p, c, _)| *p == k && !*c)
                .unwrap_or(0)
        })
        .collect();
    let players = rows
        .into_iter()
        .map(|(k, is_cpt, mut p)| {
            if is_cpt {
                p.captain_of = Some(base_at[k] as u32);
            }
            p
        })
        .collect();
    let slate = slate_of(rules, 1, players);
    if let Err(e) = slate.validate() {
        panic!("synthetic showdown slate is invalid: {e}");
    }
    slate
}

/// A catalog: variant 0 is the base projection, others add 30% Gaussian noise (floored at 0).
/// On showdown slates a captain row scores the multiplier times his base row, in every variant.
pub fn catalog(slate: &Slate, variants: u32, seed: u64) -> VariantCatalog {
    let mut rng = Pcg64::seed_from_u64(seed);
    let noise = Normal::new(0.0, 0.3).expect("valid normal");
    let base: Vec<f64> = slate.players.iter().map(|p| p.projection).collect();
    let multiplier = slate.rules.captain.as_ref().map_or(1.0, |c| c.multiplier);
    let captains = |mut points: Vec<f64>| {
        for (i, p) in slate.players.iter().enumerate() {
            if let Some(b) = p.captain_of {
                points[i] = multiplier * points[b as usize];
            }
        }
        points
    };
    VariantCatalog {
        player_ids: slate.players.iter().map(|p| p.dk_id).collect(),
        variants: (0..variants)
            .map(|v| Variant {
                variant_id: v,
                points: if v == 0 {
                    base.clone()
                } else {
                    captains(
                        base.iter()
                            .map(|&p| (p * (1.0 + noise.sample(&mut rng))).max(0.0))
                            .collect(),
                    )
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

/// Best objective by an independent MIP (good_lp + microlp) with one binary per
/// slate row: exactly a roster of rows; slots by Hall's condition (for every set
/// `T` of slots, the chosen rows that fit only slots of `T` number at most `|T|`,
/// which holds exactly when the rows can be given distinct eligible slots); a
/// showdown person once (captain row + its base row <= 1); the salary cap, the
/// sport's team limit and min games; at most `max_overlap` rows shared with each
/// earlier lineup. `None` when infeasible.
pub fn mip_rows(
    slate: &Slate,
    points: &[f64],
    max_overlap: usize,
    earlier: &[Lineup],
) -> Option<f64> {
    use good_lp::{
        Expression, ProblemVariables, ResolutionError, Solution as _, SolverModel, Variable,
        constraint, microlp, variable,
    };
    let n = slate.players.len();
    let slots = slate.rules.roster_size();
    let mut vars = ProblemVariables::new();
    let y: Vec<Variable> = (0..n).map(|_| vars.add(variable().binary())).collect();
    let z: Vec<Variable> = (0..slate.games.len())
        .map(|_| vars.add(variable().binary()))
        .collect();
    let sum = |rows: &mut dyn Iterator<Item = usize>| -> Expression { rows.map(|p| y[p]).sum() };
    let objective: Expression = (0..n).map(|p| points[p] * y[p]).sum();
    let mut model = vars.maximise(objective.clone()).using(microlp);
    let size = sum(&mut (0..n));
    model = model.with(constraint!(size == slots as f64));
    // Rows fitting no slot are out.
    for (p, &yp) in slate.players.iter().zip(&y) {
        if p.slot_mask == 0 {
            model = model.with(constraint!(yp == 0));
        }
    }
    // Hall: one constraint per distinct set of slot masks within T.
    let mut masks: Vec<u32> = slate.players.iter().map(|p| p.slot_mask).collect();
    masks.sort_unstable();
    masks.dedup();
    let mut seen = std::collections::HashSet::new();
    for t in 1u32..(1u32 << slots) {
        let inside: Vec<u32> = masks
            .iter()
            .copied()
            .filter(|&m| m != 0 && m & !t == 0)
            .collect();
        let rows: Vec<usize> = (0..n)
            .filter(|&p| inside.contains(&slate.players[p].slot_mask))
            .collect();
        if rows.len() <= t.count_ones() as usize || !seen.insert(inside) {
            continue;
        }
        let fit = sum(&mut rows.into_iter());
        model = model.with(constraint!(fit <= t.count_ones() as f64));
    }
    for (c, p) in slate.players.iter().enumerate() {
        if let Some(b) = p.captain_of {
            model = model.with(constraint!(y[c] + y[b as usize] <= 1));
        }
    }
    let salary: Expression = (0..n)
        .map(|p| f64::from(slate.players[p].salary) * y[p])
        .sum();
    model = model.with(constraint!(salary <= f64::from(slate.rules.salary_cap)));
    if let Some(max) = slate.rules.max_players_per_team {
        let mut teams: Vec<&str> = slate.players.iter().map(|p| p.team.as_str()).collect();
        teams.sort_unstable();
        teams.dedup();
        for t in teams {
            let on = sum(&mut (0..n).filter(|&p| slate.players[p].team == t));
            model = model.with(constraint!(on <= f64::from(max)));
        }
    }
    for (g, &zg) in z.iter().enumerate() {
        let in_game = sum(&mut (0..n).filter(|&p| slate.players[p].game as usize == g));
        model = model.with(constraint!(zg <= in_game));
    }
    let games: Expression = z.iter().copied().sum();
    model = model.with(constraint!(games >= f64::from(slate.rules.min_games)));
    for l in earlier {
        let shared = sum(&mut l.players.iter().map(|&p| p as usize));
        model = model.with(constraint!(shared <= max_overlap as f64));
    }
    match model.solve() {
        Ok(sol) => Some(sol.eval(&objective)),
        Err(ResolutionError::Infeasible) => None,
        Err(e) => panic!("MIP failed: {e}"),
    }
}
