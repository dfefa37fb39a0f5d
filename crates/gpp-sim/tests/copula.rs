//! The correlated outcome model: configured correlations come back from the
//! draws, marginals match each player's mean and std dev, captains are their
//! base player times the multiplier, and the draws are reproducible.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeMap;
use std::f64::consts::PI;

use common::{candidate, contest, entrant};
use gpp_sim::{
    CopulaModel, GppSim, OutcomeModel, SimInput, TruncatedNormal, draw_iteration, min_eigenvalue,
};
use schemas::{
    CaptainRule, CorrelationSource, CorrelationTable, Game, Marginal, Player, SimConfig, Slate,
    SlotRule, SportRules, Stage, StageContext,
};

const MARGINALS: [Marginal; 3] = [Marginal::Lognormal, Marginal::Gamma, Marginal::Normal];

/// Classic: one FLEX slot. Showdown (`captain`): slot 0 is CPT, slot 1 FLEX.
fn rules(captain: bool) -> SportRules {
    let positions: Vec<String> = ["QB", "RB", "WR", "TE", "DST"].map(String::from).to_vec();
    let slot = |name: &str| SlotRule {
        name: name.into(),
        eligible: positions.clone(),
    };
    SportRules {
        name: "test_nfl".into(),
        sport: "NFL".into(),
        slots: if captain {
            vec![slot("CPT"), slot("FLEX")]
        } else {
            vec![slot("FLEX")]
        },
        positions,
        salary_cap: 50_000,
        min_games: 1,
        max_players_per_team: None,
        captain: captain.then(|| CaptainRule {
            slot: "CPT".into(),
            multiplier: 1.5,
        }),
        default_std_dev_ratio: 0.4,
    }
}

/// Players as `(game, team, position, projection, std dev)`; games are
/// `AAA@BBB` (0) and `CCC@DDD` (1).
fn slate(players: &[(u32, &str, &str, f64, f64)]) -> Slate {
    let game = |a: &str, h: &str| Game {
        key: format!("{a}@{h}"),
        away: a.into(),
        home: h.into(),
        start: None,
    };
    Slate {
        id: "copula".into(),
        rules: rules(false),
        games: vec![game("AAA", "BBB"), game("CCC", "DDD")],
        players: players
            .iter()
            .enumerate()
            .map(|(i, &(g, team, pos, projection, std_dev))| Player {
                dk_id: 100 + i as i64,
                name: format!("P{i}"),
                positions: pos.split('/').map(String::from).collect(),
                slot_mask: 1,
                team: team.into(),
                opponent: None,
                game: g,
                salary: 5_000,
                projection,
                std_dev,
                ownership: 0.1,
                ceiling: None,
                floor: None,
                minutes: None,
                field_projection: None,
                locked: false,
                captain_of: None,
            })
            .collect(),
    }
}

fn pairs(entries: &[(&str, &str, f64)]) -> BTreeMap<String, BTreeMap<String, f64>> {
    let mut m: BTreeMap<String, BTreeMap<String, f64>> = BTreeMap::new();
    for &(a, b, v) in entries {
        m.entry(a.into()).or_default().insert(b.into(), v);
    }
    m
}

/// An NFL-like table, positive definite on the test slate.
fn table() -> CorrelationTable {
    CorrelationTable {
        sport: "NFL".into(),
        positions: ["QB", "RB", "WR", "TE", "DST"].map(String::from).to_vec(),
        same_team: pairs(&[
            ("QB", "WR", 0.45),
            ("QB", "TE", 0.3),
            ("QB", "RB", 0.1),
            ("WR", "WR", -0.05),
            ("RB", "DST", 0.2),
        ]),
        opponent: pairs(&[
            ("QB", "QB", 0.25),
            ("QB", "WR", 0.2),
            ("QB", "DST", -0.4),
            ("RB", "DST", -0.25),
        ]),
    }
}

/// Two games; one multi-position player; one player out, one with no spread.
fn game_slate() -> Slate {
    slate(&[
        (0, "AAA", "QB", 20.0, 7.0),
        (0, "AAA", "WR", 15.0, 8.0),
        (0, "AAA", "WR", 9.0, 6.0),
        (0, "AAA", "RB", 14.0, 7.0),
        (0, "AAA", "DST", 7.0, 5.0),
        (0, "BBB", "QB", 18.0, 6.5),
        (0, "BBB", "WR/TE", 11.0, 6.0),
        (0, "BBB", "RB", 12.0, 6.0),
        (0, "BBB", "DST", 6.0, 4.5),
        (1, "CCC", "QB", 22.0, 8.0),
        (1, "CCC", "TE", 8.0, 5.0),
        (1, "DDD", "WR", 13.0, 7.0),
        (1, "DDD", "QB", 0.0, 5.0),
        (1, "DDD", "RB", 10.0, 0.0),
    ])
}

/// The copula coefficient of two players, straight from the test's table
/// (mean over positions for a multi-position player; 0 across games).
fn configured(s: &Slate, t: &CorrelationTable, i: usize, j: usize) -> f64 {
    let (a, b) = (&s.players[i], &s.players[j]);
    if a.game != b.game {
        return 0.0;
    }
    let m = if a.team == b.team {
        &t.same_team
    } else {
        &t.opponent
    };
    let get = |x: &str, y: &str| {
        m.get(x)
            .and_then(|r| r.get(y))
            .or_else(|| m.get(y).and_then(|r| r.get(x)))
            .copied()
            .unwrap_or(0.0)
    };
    let mut sum = 0.0;
    for x in &a.positions {
        for y in &b.positions {
            sum += get(x, y);
        }
    }
    sum / (a.positions.len() * b.positions.len()) as f64
}

/// Ranks (0-based; no ties expected in continuous draws, but averaged if any).
fn ranks(xs: &[f32]) -> Vec<f64> {
    let mut idx: Vec<usize> = (0..xs.len()).collect();
    idx.sort_by(|&a, &b| xs[a].total_cmp(&xs[b]));
    let mut r = vec![0.0; xs.len()];
    let mut k = 0;
    while k < idx.len() {
        let mut e = k;
        while e + 1 < idx.len() && xs[idx[e + 1]] == xs[idx[k]] {
            e += 1;
        }
        let avg = (k + e) as f64 / 2.0;
        for &i in &idx[k..=e] {
            r[i] = avg;
        }
        k = e + 1;
    }
    r
}

fn pearson(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len() as f64;
    let (ma, mb) = (a.iter().sum::<f64>() / n, b.iter().sum::<f64>() / n);
    let (mut sab, mut saa, mut sbb) = (0.0, 0.0, 0.0);
    for (x, y) in a.iter().zip(b) {
        sab += (x - ma) * (y - mb);
        saa += (x - ma) * (x - ma);
        sbb += (y - mb) * (y - mb);
    }
    sab / (saa * sbb).sqrt()
}

/// Draws `n` iterations; column `k` holds player `k`'s points.
fn draws(model: &impl OutcomeModel, seed: u64, n: u64) -> Vec<Vec<f32>> {
    let p = model.player_count();
    let mut cols = vec![Vec::with_capacity(n as usize); p];
    let mut points = vec![0.0f32; p];
    for it in 0..n {
        draw_iteration(model, seed, it, &mut points);
        for (c, &x) in cols.iter_mut().zip(&points) {
            c.push(x);
        }
    }
    cols
}

#[test]
fn draws_recover_the_configured_rank_correlations() {
    let s = game_slate();
    let t = table();
    let n = 40_000u64;
    // Spearman's rho has a standard error below 1/sqrt(n) for these
    // coefficients; 4 of them is the tolerance.
    let tol = 4.0 / (n as f64).sqrt();
    for marginal in MARGINALS {
        let model = CopulaModel::new(&s, Some(&t), marginal).unwrap();
        assert!(model.repairs().is_empty(), "the test table is PSD here");
        let cols = draws(&model, 5, n);
        let r: Vec<Vec<f64>> = cols.iter().map(|c| ranks(c)).collect();
        let mut checked = 0;
        let mut worst = 0.0f64;
        for i in 0..s.players.len() {
            for j in i + 1..s.players.len() {
                let (a, b) = (&s.players[i], &s.players[j]);
                if a.projection == 0.0
                    || a.std_dev == 0.0
                    || b.projection == 0.0
                    || b.std_dev == 0.0
                {
                    continue;
                }
                let rho = configured(&s, &t, i, j);
                assert_eq!(model.correlation(i, j), rho, "a PSD table is used as is");
                // Gaussian copula: Spearman = (6 / pi) asin(rho / 2).
                let want = 6.0 / PI * (rho / 2.0).asin();
                let got = pearson(&r[i], &r[j]);
                assert!(
                    (got - want).abs() < tol,
                    "{marginal:?}: players {i} ({:?}) and {j} ({:?}): spearman {got:.4}, want {want:.4}",
                    a.positions,
                    b.positions
                );
                checked += 1;
                worst = worst.max((got - want).abs());
            }
        }
        assert_eq!(checked, 12 * 11 / 2);
        println!(
            "{marginal:?}: largest |spearman - (6/pi) asin(rho/2)| over {checked} pairs: {worst:.4} (tolerance {tol:.4})"
        );
    }
}

/// Sample mean and std dev.
fn moments(xs: &[f32]) -> (f64, f64) {
    let n = xs.len() as f64;
    let mean = xs.iter().map(|&x| f64::from(x)).sum::<f64>() / n;
    let var = xs
        .iter()
        .map(|&x| (f64::from(x) - mean).powi(2))
        .sum::<f64>()
        / (n - 1.0);
    (mean, var.sqrt())
}

#[test]
fn marginals_match_mean_and_std_dev_and_stay_non_negative() {
    let players = [
        (0, "AAA", "QB", 20.0, 5.0),
        (0, "AAA", "WR", 5.0, 4.0),
        (0, "BBB", "QB", 45.0, 12.0),
        (0, "BBB", "WR", 8.0, 8.0),
        (1, "CCC", "TE", 3.0, 6.0),
        (1, "DDD", "QB", 0.0, 4.0),
        (1, "DDD", "WR", 7.5, 0.0),
    ];
    let s = slate(&players);
    let n = 200_000u64;
    for marginal in [Marginal::Lognormal, Marginal::Gamma] {
        let model = CopulaModel::new(&s, Some(&table()), marginal).unwrap();
        let cols = draws(&model, 9, n);
        for (k, &(_, _, _, mean, sd)) in players.iter().enumerate() {
            assert!(
                cols[k].iter().all(|&x| x >= 0.0 && x.is_finite()),
                "{marginal:?} player {k}: a negative or non-finite draw"
            );
            if mean == 0.0 {
                assert!(cols[k].iter().all(|&x| x == 0.0), "projected 0 scores 0");
                continue;
            }
            if sd == 0.0 {
                assert!(
                    cols[k].iter().all(|&x| x == mean as f32),
                    "std dev 0 scores the projection"
                );
                continue;
            }
            let (m, s_hat) = moments(&cols[k]);
            let se = sd / (n as f64).sqrt();
            assert!(
                (m - mean).abs() < 4.0 * se,
                "{marginal:?} player {k}: mean {m:.4}, want {mean} (se {se:.4})"
            );
            // The sample std dev of a heavy right tail converges slowly: 5%
            // for a coefficient of variation up to 1, 15% beyond.
            let rel = if sd <= mean { 0.05 } else { 0.15 };
            assert!(
                (s_hat - sd).abs() < rel * sd,
                "{marginal:?} player {k}: sd {s_hat:.4}, want {sd}"
            );
        }
        // Right-skewed: the median sits below the mean.
        let mut sorted = cols[1].clone();
        sorted.sort_by(f32::total_cmp);
        assert!(f64::from(sorted[sorted.len() / 2]) < 5.0);
    }
}

#[test]
fn duds_keep_each_players_mean_and_std_dev_and_happen_at_their_rate() {
    let players = [
        (0, "AAA", "QB", 20.0, 8.0),
        (0, "AAA", "WR", 12.0, 9.0),
        (0, "BBB", "QB", 45.0, 12.0),
        (1, "CCC", "TE", 30.0, 11.0),
    ];
    let s = slate(&players);
    let n = 200_000u64;
    let rate = 0.04;
    for marginal in [Marginal::Lognormal, Marginal::Gamma, Marginal::Normal] {
        let model = CopulaModel::new(&s, Some(&table()), marginal)
            .unwrap()
            .with_dud_rate(&s, marginal, rate);
        let cols = draws(&model, 5, n);
        for (k, &(_, _, _, mean, sd)) in players.iter().enumerate() {
            let (m, s_hat) = moments(&cols[k]);
            let se = sd / (n as f64).sqrt();
            // The truncated normal keeps neither moment once its std dev is
            // large (truncation lifts the mean), with or without duds.
            let keeps_moments = marginal != Marginal::Normal;
            assert!(
                !keeps_moments || (m - mean).abs() < 5.0 * se + 0.01 * mean,
                "{marginal:?} player {k}: mean {m:.3}, want {mean}"
            );
            assert!(
                !keeps_moments || (s_hat - sd).abs() < 0.06 * sd,
                "{marginal:?} player {k}: sd {s_hat:.3}, want {sd}"
            );
            // At least the duds score under DUD_SHARE of the mean; the rest of
            // the mixture adds little below it for these players.
            let low = cols[k]
                .iter()
                .filter(|&&x| f64::from(x) < gpp_sim::DUD_SHARE * mean)
                .count() as f64
                / n as f64;
            assert!(low >= rate - 0.003, "{marginal:?} player {k}: {low}");
            assert!(low < rate + 0.06, "{marginal:?} player {k}: {low}");
            assert!(cols[k].iter().all(|&x| x >= 0.0 && x.is_finite()));
        }
    }
    // Rate 0 is the plain model, draw for draw.
    let plain = CopulaModel::new(&s, Some(&table()), Marginal::Gamma).unwrap();
    let zero = plain.clone().with_dud_rate(&s, Marginal::Gamma, 0.0);
    assert_eq!(draws(&plain, 3, 100), draws(&zero, 3, 100));
}

#[test]
fn normal_marginal_is_the_truncated_normal() {
    // The copula's tabulated quantile against the independent model's
    // rejection sampler: two implementations, one distribution.
    let players = [
        (0, "AAA", "QB", 20.0, 5.0),
        (0, "BBB", "WR", 4.0, 5.0),
        (1, "CCC", "TE", 1.0, 3.0),
    ];
    let s = slate(&players);
    let n = 200_000u64;
    let copula = draws(
        &CopulaModel::new(&s, Some(&table()), Marginal::Normal).unwrap(),
        4,
        n,
    );
    let rejection = draws(&TruncatedNormal::from_slate(&s).unwrap(), 4, n);
    for k in 0..players.len() {
        let (m1, s1) = moments(&copula[k]);
        let (m2, s2) = moments(&rejection[k]);
        let se = (s1 * s1 / n as f64 + s2 * s2 / n as f64).sqrt();
        assert!((m1 - m2).abs() < 4.5 * se, "player {k}: mean {m1} vs {m2}");
        assert!((s1 - s2).abs() < 0.02 * s2, "player {k}: sd {s1} vs {s2}");
        let zeros = |c: &[f32]| c.iter().filter(|&&x| x == 0.0).count();
        assert!(copula[k].iter().all(|&x| x >= 0.0));
        // Truncation puts no mass at exactly 0.
        assert!(zeros(&copula[k]) < 10, "player {k}");
    }
}

#[test]
fn captain_rows_score_the_multiplier_times_their_base() {
    let mut s = slate(&[
        (0, "AAA", "QB", 20.0, 7.0),
        (0, "AAA", "WR", 14.0, 7.0),
        (0, "BBB", "QB", 18.0, 6.0),
        (0, "BBB", "RB", 0.0, 4.0),
    ]);
    s.rules = rules(true);
    s.games.truncate(1);
    let base = s.players.len();
    for p in &mut s.players {
        p.slot_mask = 0b10;
    }
    for b in 0..base {
        let mut c = s.players[b].clone();
        c.dk_id += 1_000;
        c.projection *= 1.5;
        c.std_dev *= 1.5;
        c.slot_mask = 0b01;
        c.captain_of = Some(b as u32);
        s.players.push(c);
    }
    s.validate().unwrap();
    for marginal in MARGINALS {
        let model = CopulaModel::new(&s, Some(&table()), marginal).unwrap();
        let mut points = vec![0.0f32; s.players.len()];
        for it in 0..2_000 {
            draw_iteration(&model, 77, it, &mut points);
            for b in 0..base {
                assert_eq!(
                    points[base + b],
                    1.5f32 * points[b],
                    "{marginal:?} iteration {it}"
                );
            }
            assert_eq!(points[base + 3], 0.0);
        }
    }
    // A captain row on a sport without a captain rule is refused.
    let mut bad = s.clone();
    bad.rules = rules(false);
    let err = CopulaModel::new(&bad, None, Marginal::Lognormal).unwrap_err();
    assert!(err.to_string().contains("captain_of"), "{err}");
}

#[test]
fn same_seed_same_bytes_and_iterations_differ() {
    let s = game_slate();
    for marginal in MARGINALS {
        let model = CopulaModel::new(&s, Some(&table()), marginal).unwrap();
        let again = CopulaModel::new(&s, Some(&table()), marginal).unwrap();
        assert_eq!(model, again);
        let p = s.players.len();
        let (mut a, mut b, mut c) = (vec![0.0f32; p], vec![0.0f32; p], vec![0.0f32; p]);
        draw_iteration(&model, 3, 9, &mut a);
        draw_iteration(&again, 3, 9, &mut b);
        draw_iteration(&model, 3, 10, &mut c);
        let bits = |v: &[f32]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&a), bits(&b));
        assert_ne!(bits(&a), bits(&c));
    }
}

#[test]
fn an_indefinite_table_is_repaired_to_the_nearest_correlation_matrix() {
    // Three same-team WRs at -0.6 each: eigenvalue 1 - 2 * 0.6 < 0. The
    // nearest correlation matrix of an equicorrelation is the equicorrelation
    // on the boundary, -1/2 (equal std devs: the weighted norm is symmetric too).
    let s = slate(&[
        (0, "AAA", "WR", 15.0, 6.0),
        (0, "AAA", "WR", 12.0, 6.0),
        (0, "AAA", "WR", 9.0, 6.0),
        (0, "BBB", "QB", 18.0, 6.0),
    ]);
    let mut t = table();
    t.same_team = pairs(&[("WR", "WR", -0.6)]);
    t.opponent = pairs(&[]);
    let model = CopulaModel::new(&s, Some(&t), Marginal::Lognormal).unwrap();
    assert_eq!(model.repairs().len(), 1);
    let c: Vec<f64> = (0..4)
        .flat_map(|i| (0..4).map(move |j| (i, j)))
        .map(|(i, j)| model.correlation(i, j))
        .collect();
    assert!(min_eigenvalue(&c, 4) >= -1e-9);
    for i in 0..3 {
        assert_eq!(c[i * 4 + i], 1.0);
        assert!(c[i * 4 + 3].abs() < 1e-9, "the QB stays independent");
        for j in 0..3 {
            if i != j {
                assert!((c[i * 4 + j] + 0.5).abs() < 1e-6, "{}", c[i * 4 + j]);
            }
        }
    }
    // The draws follow the repaired matrix.
    let n = 40_000;
    let cols = draws(&model, 1, n);
    let r: Vec<Vec<f64>> = cols.iter().map(|c| ranks(c)).collect();
    let want = 6.0 / PI * (-0.25f64).asin();
    for (i, j) in [(0, 1), (0, 2), (1, 2)] {
        let got = pearson(&r[i], &r[j]);
        assert!(
            (got - want).abs() < 4.0 / (n as f64).sqrt(),
            "{i}-{j}: {got} vs {want}"
        );
    }
}

#[test]
fn bad_tables_and_numbers_name_the_field() {
    let s = game_slate();
    let mut t = table();
    t.sport = "NBA".into();
    let err = CopulaModel::new(&s, Some(&t), Marginal::Gamma).unwrap_err();
    assert!(err.to_string().contains("correlations.sport"), "{err}");
    let mut t = table();
    t.opponent = pairs(&[("QB", "WR", -1.2)]);
    let err = CopulaModel::new(&s, Some(&t), Marginal::Gamma).unwrap_err();
    assert!(err.to_string().contains("opponent.QB.WR"), "{err}");
    let mut bad = game_slate();
    bad.players[3].std_dev = f64::INFINITY;
    let err = CopulaModel::new(&bad, None, Marginal::Lognormal).unwrap_err();
    assert!(
        err.to_string().contains("slate.players[3].std_dev"),
        "{err}"
    );
}

#[test]
fn the_stage_is_identical_for_any_thread_count_with_correlations() {
    let s = game_slate();
    let t = table();
    let live: Vec<u32> = vec![0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13];
    let triple = |k: usize| {
        [
            live[k % live.len()],
            live[(k * 5 + 1) % live.len()],
            live[(k * 7 + 3) % live.len()],
        ]
    };
    let mut field = Vec::new();
    let mut cands = Vec::new();
    for k in 0..40 {
        let mut l = triple(k).to_vec();
        l.sort_unstable();
        l.dedup();
        if l.len() == 3 {
            if k % 2 == 0 {
                field.push(entrant(&l, 1 + (k as u32 % 3)));
            } else {
                cands.push(candidate(cands.len() as u32, &l));
            }
        }
    }
    let c = contest(10.0, 60, &[(1, 1, 200.0), (2, 5, 40.0), (6, 12, 15.0)]);
    let config = SimConfig {
        iterations: 300,
        entries: None,
        max_exposure: 1.0,
        marginal: Marginal::Gamma,
        correlations: CorrelationSource::Builtin,
        projection_weight: 1.0,
        field_projection_weight: 0.0,
        projection_alone_weight: 1.0,
        std_dev_scale: 1.0,
        dud_rate: 0.0,
        field_news: 0.0,
    };
    let run = || {
        let input = SimInput {
            slate: &s,
            contest: &c,
            candidates: &cands,
            field: &field,
            entries: 3,
            correlations: Some(&t),
            groups: None,
        };
        let (out, diag) = GppSim.run(input, &config, &StageContext::quiet(8)).unwrap();
        assert!(
            diag.warnings.iter().all(|w| !w.contains("correlation")),
            "{:?}",
            diag.warnings
        );
        serde_json::to_string(&out).unwrap()
    };
    let pool = |n| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .unwrap()
    };
    let one = pool(1).install(run);
    let three = pool(3).install(run);
    assert_eq!(one, three);
}

#[test]
fn a_game_of_many_players_draws_the_same_correlations() {
    // 150 players in one game: beyond the stack buffer, the in-place path.
    let positions = ["QB", "RB", "WR", "TE"];
    let players: Vec<(u32, &str, &str, f64, f64)> = (0..150)
        .map(|i| {
            let team = if i % 2 == 0 { "AAA" } else { "BBB" };
            let pos = if i < 12 { positions[i / 2 % 4] } else { "RB" };
            (0, team, pos, 10.0 + (i % 7) as f64, 5.0)
        })
        .collect();
    let s = slate(&players);
    let mut t = table();
    t.same_team = pairs(&[("QB", "WR", 0.3), ("QB", "TE", 0.2)]);
    t.opponent = pairs(&[("QB", "QB", 0.1)]);
    let model = CopulaModel::new(&s, Some(&t), Marginal::Lognormal).unwrap();
    assert!(model.repairs().is_empty());
    let n = 40_000;
    let cols = draws(&model, 2, n);
    // QB 0 with WR 4 and TE 6 (teammates), with QB 1 (opponents); QB 1 with
    // WR 5; two RBs.
    for (i, j) in [(0, 4), (0, 6), (0, 1), (1, 5), (140, 148), (0, 149)] {
        let rho = configured(&s, &t, i, j);
        let want = 6.0 / PI * (rho / 2.0).asin();
        let got = pearson(&ranks(&cols[i]), &ranks(&cols[j]));
        assert!(
            (got - want).abs() < 4.0 / (n as f64).sqrt(),
            "{i}-{j}: {got} vs {want}"
        );
    }
    assert!(configured(&s, &t, 0, 6) > 0.0 && configured(&s, &t, 1, 5) > 0.0);
}
