//! Synthetic DraftKings NBA classic slates for tests and benches.
#![allow(dead_code)]

use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64Mcg;
use schemas::{Game, Player, Slate};

pub use testkit::nba_rules;

/// Position lists of one team's roster, cycled over its players.
const ROSTER: [&str; 12] = [
    "PG", "SG", "SF", "PF", "C", "PG/SG", "SF/PF", "PF/C", "SG/SF", "PG", "C", "SF",
];

/// A seeded slate of `games` games with `per_team` players a team.
///
/// Salaries 3,000..=11,000 in $100 steps (skewed cheap, like real slates),
/// projections about 5 points per $1,000 with noise, ownership rising with
/// projection and value, normalised to sum 8.0 and capped at 1.0. The
/// ownership's salary tilt is tuned so the ownership-weighted lineup salary is
/// about $49,300, as in real fields (otherwise no salary floor could match it).
pub fn slate(seed: u64, games: usize, per_team: usize) -> Slate {
    let rules = nba_rules();
    let mut rng = Pcg64Mcg::seed_from_u64(seed);
    let mut game_rows = Vec::new();
    let mut players = Vec::new();
    for g in 0..games {
        let (away, home) = (format!("A{g}"), format!("H{g}"));
        game_rows.push(Game {
            key: format!("{away}@{home}"),
            away: away.clone(),
            home: home.clone(),
            start: Some("01/12/2025 07:00PM ET".into()),
        });
        for (team, opp) in [(&away, &home), (&home, &away)] {
            for k in 0..per_team {
                let positions: Vec<String> = ROSTER[k % ROSTER.len()]
                    .split('/')
                    .map(String::from)
                    .collect();
                let u: f64 = rng.random();
                let salary = 3_000 + (u.powf(1.6) * 80.0).round() as u32 * 100;
                let projection =
                    (salary as f64 / 1000.0 * 5.0 * rng.random_range(0.75..1.25)).max(1.0);
                players.push(Player {
                    dk_id: 100_000 + players.len() as i64,
                    name: format!("{team} player {k}"),
                    slot_mask: rules.slot_mask(&positions),
                    positions,
                    team: team.clone(),
                    opponent: Some(opp.clone()),
                    game: g as u32,
                    salary,
                    projection,
                    std_dev: projection * 0.3,
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
    }
    set_ownership(&mut players, 49_300.0);
    Slate {
        id: format!("synthetic-{seed}"),
        rules,
        games: game_rows,
        players,
    }
}

/// Ownership ∝ value^4 · salary^tilt, normalised to 8 with a 1.0 cap; `tilt`
/// bisected so that 8 x the ownership-weighted mean salary hits `target`.
fn set_ownership(players: &mut [Player], target: f64) {
    let own = |tilt: f64| -> Vec<f64> {
        let raw: Vec<f64> = players
            .iter()
            .map(|p| {
                let s = p.salary as f64 / 1000.0;
                (p.projection / s / 5.0).powi(4) * s.powf(tilt)
            })
            .collect();
        normalise(&raw)
    };
    let weighted = |o: &[f64]| -> f64 {
        o.iter()
            .zip(players.iter())
            .map(|(o, p)| o * p.salary as f64)
            .sum::<f64>()
    };
    let (mut lo, mut hi) = (-4.0, 8.0);
    for _ in 0..60 {
        let mid = (lo + hi) / 2.0;
        if weighted(&own(mid)) < target {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    let ownership = own((lo + hi) / 2.0);
    for (p, o) in players.iter_mut().zip(ownership) {
        p.ownership = o;
    }
}

/// Scales to sum 8.0, capping at 1.0 and spreading the excess over the rest.
fn normalise(raw: &[f64]) -> Vec<f64> {
    let total: f64 = raw.iter().sum();
    let mut own: Vec<f64> = raw.iter().map(|r| (r * 8.0 / total).min(1.0)).collect();
    for _ in 0..100 {
        let capped = own.iter().filter(|&&o| o >= 1.0).count() as f64;
        let free: f64 = own.iter().filter(|&&o| o < 1.0).sum();
        if (capped + free - 8.0).abs() < 1e-12 {
            break;
        }
        let scale = (8.0 - capped) / free;
        own.iter_mut()
            .filter(|o| **o < 1.0)
            .for_each(|o| *o = (*o * scale).min(1.0));
    }
    own
}
