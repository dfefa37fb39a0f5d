//! A synthetic DraftKings showdown slate (CPT + 5 FLEX, captain rows at 1.5x):
//! the sampler knows showdown only from `SportRules::captain` and
//! `Player::captain_of`, never holds a person twice, and fills CPT by captain
//! ownership.
#![allow(clippy::unwrap_used)]

use field_sampler::{FieldInput, FieldSampler};
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64Mcg;
use schemas::{
    CaptainRule, FieldSamplerConfig, Game, Lineup, Player, Slate, SlotRule, SportRules, Stage,
    StageContext,
};

fn rules() -> SportRules {
    let all: Vec<String> = ["QB", "RB", "WR", "TE", "K", "DST"]
        .map(String::from)
        .to_vec();
    let slot = |name: &str| SlotRule {
        name: name.into(),
        eligible: all.clone(),
    };
    SportRules {
        name: "test_showdown".into(),
        sport: "NFL".into(),
        positions: all.clone(),
        slots: vec![
            slot("CPT"),
            slot("FLEX"),
            slot("FLEX"),
            slot("FLEX"),
            slot("FLEX"),
            slot("FLEX"),
        ],
        salary_cap: 50_000,
        min_games: 1,
        max_players_per_team: Some(5),
        captain: Some(CaptainRule {
            slot: "CPT".into(),
            multiplier: 1.5,
        }),
        default_std_dev_ratio: 0.45,
    }
}

/// One game, 16 people a team; each person has a FLEX row (slots 1-5) and a
/// captain row (slot 0) at 1.5x salary and projection. FLEX ownership sums to
/// 5, captain ownership to 1, both rising with value.
fn slate(seed: u64) -> Slate {
    let rules = rules();
    let mut rng = Pcg64Mcg::seed_from_u64(seed);
    let positions = [
        "QB", "RB", "RB", "WR", "WR", "WR", "TE", "K", "DST", "WR", "RB", "TE", "WR", "QB", "RB",
        "WR",
    ];
    let mut base = Vec::new();
    for (team, opp) in [("AAA", "BBB"), ("BBB", "AAA")] {
        for pos in positions {
            let salary = rng.random_range(20u32..=120) * 100;
            let projection = salary as f64 / 1000.0 * rng.random_range(1.8..2.2);
            base.push(Player {
                dk_id: 0,
                name: format!("{team} {pos} {}", base.len()),
                positions: vec![pos.to_string()],
                slot_mask: 0b11_1110,
                team: team.into(),
                opponent: Some(opp.into()),
                game: 0,
                salary,
                projection,
                std_dev: projection * 0.45,
                ownership: 0.0,
                ceiling: None,
                floor: None,
                minutes: None,
                field_projection: None,
                locked: false,
                captain_of: None,
            });
        }
    }
    // Ownership ~ value^3 x salary^tilt, the tilt bisected so the ownership-weighted
    // lineup (5 FLEX + a 1.5x captain) costs $48,500, as real fields spend; else
    // no field could match ownership under the cap.
    let shape = |p: &Player, tilt: f64| {
        (p.projection / p.salary as f64 * 1000.0).powi(3) * (p.salary as f64 / 1000.0).powf(tilt)
    };
    let spend = |tilt: f64| {
        let total: f64 = base.iter().map(|p| shape(p, tilt)).sum();
        6.5 * base
            .iter()
            .map(|p| shape(p, tilt) * p.salary as f64)
            .sum::<f64>()
            / total
    };
    let (mut lo, mut hi) = (-6.0, 6.0);
    for _ in 0..60 {
        let mid = (lo + hi) / 2.0;
        if spend(mid) < 48_500.0 {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    let value = |p: &Player| shape(p, lo);
    let total: f64 = base.iter().map(value).sum();
    let n = base.len();
    let mut players = base.clone();
    for (i, p) in base.iter().enumerate() {
        players[i].ownership = (5.0 * value(p) / total).min(0.9);
        let mut c = p.clone();
        c.salary = p.salary * 3 / 2;
        c.projection = p.projection * 1.5;
        c.std_dev = p.std_dev * 1.5;
        c.slot_mask = 1;
        c.ownership = (value(p) / total).min(0.9);
        c.captain_of = Some(i as u32);
        players.push(c);
    }
    for (k, p) in players.iter_mut().enumerate() {
        p.dk_id = 10_000 + k as i64;
    }
    assert_eq!(players.len(), 2 * n);
    Slate {
        id: "showdown".into(),
        rules,
        games: vec![Game {
            key: "AAA@BBB".into(),
            away: "AAA".into(),
            home: "BBB".into(),
            start: None,
        }],
        players,
    }
}

#[test]
fn showdown_fields_hold_each_person_once_and_fill_cpt_by_captain_ownership() {
    let slate = slate(3);
    slate.validate().unwrap();
    let sample = |sharp_share: f64| {
        let config = FieldSamplerConfig {
            salary_floor: 45_000,
            sharp_share,
            field_strength: None,
            ..FieldSamplerConfig::default()
        };
        FieldSampler
            .run(
                FieldInput {
                    slate: &slate,
                    field_size: 10_000,
                },
                &config,
                &StageContext::quiet(8),
            )
            .unwrap()
    };
    // With the default share of sharp entrants (optimizer builds on this small
    // slate), then casual entrants only.
    for sharp_share in [FieldSamplerConfig::default().sharp_share, 0.0] {
        let (out, diagnostics) = sample(sharp_share);
        assert_eq!(diagnostics.counters["sharp_fallbacks"], 0.0);
        for e in &out.entrants {
            let lineup = Lineup {
                players: e.players.clone(),
            };
            lineup.check(&slate).unwrap();
            // The captain slot holds a captain row, whose person is not also a FLEX.
            let cpt = &slate.players[e.players[0] as usize];
            let base = cpt.captain_of.unwrap();
            assert!(!e.players[1..].contains(&base));
            assert!(
                e.players[1..]
                    .iter()
                    .all(|&p| slate.players[p as usize].captain_of.is_none())
            );
        }
    }
    // Casual entrants are drawn by ownership, captain rows by captain ownership.
    // (With sharp entrants the FLEX MAE here is about 2 points: their optimizer
    // builds favour value plays beyond this made-up ownership, and calibration
    // only moves casual entrants.)
    let (out, _) = sample(0.0);
    // Sampled ownership: captain rows sum to 100%, FLEX rows to 500%, and both
    // follow their own projection (the 1.5-point target on 10,000 entries).
    let t = &out.telemetry;
    let is_captain = |id: i64| slate.players[(id - 10_000) as usize].captain_of.is_some();
    let sum = |cpt: bool| -> f64 {
        t.ownership
            .iter()
            .filter(|r| is_captain(r.player_id) == cpt)
            .map(|r| r.sampled)
            .sum()
    };
    assert!((sum(true) - 1.0).abs() < 1e-9);
    assert!((sum(false) - 5.0).abs() < 1e-9);
    let mae = |cpt: bool| -> f64 {
        let rows: Vec<_> = t
            .ownership
            .iter()
            .filter(|r| is_captain(r.player_id) == cpt)
            .collect();
        100.0
            * rows
                .iter()
                .map(|r| (r.sampled - r.projected).abs())
                .sum::<f64>()
            / rows.len() as f64
    };
    eprintln!(
        "showdown ownership MAE: captain {:.2} pts, flex {:.2} pts",
        mae(true),
        mae(false)
    );
    assert!(mae(true) < 1.5, "captain MAE {}", mae(true));
    assert!(mae(false) < 1.5, "flex MAE {}", mae(false));
}

/// The DraftKings showdown salary files in `data/fixtures/showdown`, read as the
/// pipeline reads them (ownership and projections from the file alone).
fn fixture(name: &str) -> Slate {
    use pipeline_io::inputs::{build_slate, detect_sport, read_salaries};
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(format!("../../data/fixtures/showdown/{name}"));
    let salaries = read_salaries(path).unwrap();
    let rules = detect_sport(&salaries).unwrap();
    build_slate("sd", &salaries, None, rules).unwrap().0
}

/// Real showdown files with the default config (salary floor $47,000): the best
/// lineups sit near the cap, and the salary bound must count each person once (a
/// star's captain row and base row are one person), or nearly every draw dead-ends.
#[test]
fn real_showdown_slates_sample_with_the_default_salary_floor() {
    let config = FieldSamplerConfig::default();
    for name in ["nba_DKSalaries.csv", "nfl_DKSalaries.csv"] {
        let slate = fixture(name);
        let cap = slate.rules.salary_cap;
        let (out, diagnostics) = FieldSampler
            .run(
                FieldInput {
                    slate: &slate,
                    field_size: 10_000,
                },
                &config,
                &StageContext::quiet(3),
            )
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let mut tight = 0u64;
        let mut total = 0u64;
        for e in &out.entrants {
            let lineup = Lineup {
                players: e.players.clone(),
            };
            lineup.check(&slate).unwrap();
            let mut people: Vec<u32> = e.players.iter().map(|&p| slate.person(p)).collect();
            people.sort_unstable();
            people.dedup();
            assert_eq!(people.len(), e.players.len(), "{name}: a person twice");
            assert!(
                e.salary >= config.salary_floor && e.salary <= cap,
                "{name}: salary {}",
                e.salary
            );
            total += u64::from(e.copies);
            if e.salary + config.tight_salary_left >= cap {
                tight += u64::from(e.copies);
            }
        }
        assert_eq!(total, 10_000);
        // Three casual entrants in four leave at most $1,000 (sharp builds may too).
        let casual = total as f64 - diagnostics.counters["sharp_entrants"];
        assert!(
            tight as f64 >= 0.72 * casual,
            "{name}: {tight} tight lineups of {casual} casual"
        );
    }
}
