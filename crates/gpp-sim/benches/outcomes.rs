//! Cost of drawing one iteration's outcomes with the correlated model: a
//! 500-player NBA-like slate of 10 games, a third of the players out
//! (projection 0), with the builtin NBA table (every pair of a game in the
//! copula; teams of more than 14 drawn players need the PSD repair).
//!
//! `cargo bench -p gpp-sim --bench outcomes [-- ITERATIONS]` (default 10,000).
//! Prints, per marginal, construction time and nanoseconds per iteration and
//! per drawn player per iteration, on one core.

use std::hint::black_box;
use std::time::Instant;

use gpp_sim::{CopulaModel, OutcomeModel, TruncatedNormal, draw_iteration};
use pipeline_io::inputs::builtin_correlations;
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64Mcg;
use schemas::{Game, Marginal, Player, Slate, SlotRule, SportRules};

const PLAYERS: usize = 500;
const GAMES: usize = 10;
const POSITIONS: [&str; 5] = ["PG", "SG", "SF", "PF", "C"];

fn slate(rng: &mut Pcg64Mcg) -> Slate {
    let positions: Vec<String> = POSITIONS.map(String::from).to_vec();
    let rules = SportRules {
        name: "bench".into(),
        sport: "NBA".into(),
        slots: vec![SlotRule {
            name: "UTIL".into(),
            eligible: positions.clone(),
        }],
        positions,
        salary_cap: 50_000,
        min_games: 1,
        max_players_per_team: None,
        captain: None,
        default_std_dev_ratio: 0.3,
    };
    let games = (0..GAMES)
        .map(|g| Game {
            key: format!("A{g}@H{g}"),
            away: format!("A{g}"),
            home: format!("H{g}"),
            start: None,
        })
        .collect();
    let players = (0..PLAYERS)
        .map(|i| {
            let g = i % GAMES;
            let out = rng.random_range(0.0..1.0) < 1.0 / 3.0;
            let projection = if out {
                0.0
            } else {
                rng.random_range(5.0..55.0)
            };
            let p1 = POSITIONS[i % 5];
            let p2 = POSITIONS[(i / 5) % 5];
            Player {
                dk_id: 10_000 + i as i64,
                name: format!("P{i}"),
                positions: if p1 == p2 {
                    vec![p1.into()]
                } else {
                    vec![p1.into(), p2.into()]
                },
                slot_mask: 1,
                team: if (i / GAMES).is_multiple_of(2) {
                    format!("A{g}")
                } else {
                    format!("H{g}")
                },
                opponent: None,
                game: g as u32,
                salary: 5_000,
                projection,
                std_dev: projection * rng.random_range(0.25..0.45),
                ownership: 0.05,
                ceiling: None,
                floor: None,
                minutes: None,
                field_projection: None,
                locked: false,
                captain_of: None,
            }
        })
        .collect();
    Slate {
        id: "bench".into(),
        rules,
        games,
        players,
    }
}

fn time<M: OutcomeModel>(name: &str, model: &M, drawn: usize, iterations: u64, built: f64) {
    let mut points = vec![0.0f32; model.player_count()];
    let start = Instant::now();
    let mut sum = 0.0f64;
    for it in 0..iterations {
        draw_iteration(model, 1, it, &mut points);
        sum += f64::from(black_box(&points)[0]);
    }
    let secs = start.elapsed().as_secs_f64();
    black_box(sum);
    let per_it = secs * 1e9 / iterations as f64;
    println!(
        "  {name:<24} build {built:>7.1} ms   draws {:>7.1} ms   {per_it:>8.0} ns/iteration   {:>5.1} ns/drawn player",
        secs * 1e3,
        per_it / drawn as f64
    );
}

fn main() {
    let iterations: u64 = std::env::args()
        .skip(1)
        .find_map(|a| a.parse().ok())
        .unwrap_or(10_000);
    let mut rng = Pcg64Mcg::seed_from_u64(3);
    let s = slate(&mut rng);
    let t = builtin_correlations("NBA").expect("builtin NBA table");
    let drawn = s.players.iter().filter(|p| p.projection > 0.0).count();
    println!(
        "outcomes: {PLAYERS} players ({drawn} drawn) in {GAMES} games, {iterations} iterations, one core"
    );
    let start = Instant::now();
    let tn = TruncatedNormal::from_slate(&s).expect("valid slate");
    time(
        "independent trunc-normal",
        &tn,
        drawn,
        iterations,
        start.elapsed().as_secs_f64() * 1e3,
    );
    for (name, table, marginal) in [
        ("copula none lognormal", None, Marginal::Lognormal),
        ("copula lognormal", Some(&t), Marginal::Lognormal),
        ("copula gamma", Some(&t), Marginal::Gamma),
        ("copula normal", Some(&t), Marginal::Normal),
    ] {
        let start = Instant::now();
        let model = CopulaModel::new(&s, table, marginal).expect("valid slate");
        let built = start.elapsed().as_secs_f64() * 1e3;
        if !model.repairs().is_empty() {
            println!("  ({} games repaired)", model.repairs().len());
        }
        time(name, &model, drawn, iterations, built);
    }
}
