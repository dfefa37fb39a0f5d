//! Stage `variants`: projection scenarios for the optimizer.
//!
//! Variant 0 is the base projection. Variant `v > 0` adds independent noise
//! to every player: `points = max(0, projection + randomness * std_dev * z)`,
//! `z ~ N(0, 1)`, drawn from the stream `(seed, "variants", v)`. Players
//! projected at 0 (out) stay at 0 in every variant. A showdown captain row
//! scores its base row's draw times the captain multiplier: one person, one draw. The correlated "build from
//! sims" draws come with the simulator's outcome model.

use rand::SeedableRng;
use rand_distr::{Distribution, StandardNormal};
use rand_pcg::Pcg64Mcg;
use schemas::{
    Diagnostics, Slate, Stage, StageContext, StageError, Variant, VariantCatalog, VariantsConfig,
    stream_seed,
};

/// Most variants one run may ask for.
pub const MAX_VARIANTS: u32 = 1_000_000;

/// The variants stage.
#[derive(Debug, Default, Clone, Copy)]
pub struct Variants;

impl Stage for Variants {
    const NAME: &'static str = "variants";
    type Config = VariantsConfig;
    type Input<'a> = &'a Slate;
    type Output = VariantCatalog;

    fn run(
        &self,
        slate: &Slate,
        config: &VariantsConfig,
        ctx: &StageContext<'_>,
    ) -> Result<(VariantCatalog, Diagnostics), StageError> {
        validate(config)?;
        ctx.progress.start(Self::NAME, u64::from(config.count));
        let mut variants = Vec::with_capacity(config.count as usize);
        for v in 0..config.count {
            if ctx.cancelled() {
                return Err(StageError::Cancelled { stage: Self::NAME });
            }
            variants.push(Variant {
                variant_id: v,
                points: draw(slate, config.randomness, ctx.seed, v),
            });
            ctx.progress.advance(1);
        }
        let mut diagnostics = Diagnostics::default();
        diagnostics.count("variants", f64::from(config.count));
        diagnostics.count("players", slate.players.len() as f64);
        ctx.info(
            Self::NAME,
            "catalog built",
            &[("variants", config.count.into())],
        );
        Ok((
            VariantCatalog {
                player_ids: slate.players.iter().map(|p| p.dk_id).collect(),
                variants,
            },
            diagnostics,
        ))
    }
}

fn validate(config: &VariantsConfig) -> Result<(), StageError> {
    let invalid = |field: &str, message: String| StageError::InvalidInput {
        stage: Variants::NAME,
        field: field.to_string(),
        message,
    };
    if config.count == 0 || config.count > MAX_VARIANTS {
        return Err(invalid(
            "count",
            format!("must be 1..={MAX_VARIANTS}, got {}", config.count),
        ));
    }
    if !config.randomness.is_finite() || config.randomness < 0.0 {
        return Err(invalid(
            "randomness",
            format!("must be a finite number >= 0, got {}", config.randomness),
        ));
    }
    Ok(())
}

/// Points of every player in variant `v` (variant 0: the base projection).
fn draw(slate: &Slate, randomness: f64, seed: u64, v: u32) -> Vec<f64> {
    let base = slate.players.iter().map(|p| p.projection);
    if v == 0 || randomness == 0.0 {
        return base.collect();
    }
    let mut rng = Pcg64Mcg::seed_from_u64(stream_seed(seed, Variants::NAME, u64::from(v)));
    let mut points: Vec<f64> = slate
        .players
        .iter()
        .map(|p| {
            let z: f64 = StandardNormal.sample(&mut rng);
            if p.projection <= 0.0 {
                0.0
            } else {
                (p.projection + randomness * p.std_dev * z).max(0.0)
            }
        })
        .collect();
    // A showdown captain row is the same person as its base row: the same draw, multiplied.
    let multiplier = slate.rules.captain.as_ref().map_or(1.0, |c| c.multiplier);
    for (i, p) in slate.players.iter().enumerate() {
        if let Some(&base) = p.captain_of.and_then(|b| points.get(b as usize)) {
            points[i] = multiplier * base;
        }
    }
    points
}

#[cfg(test)]
mod tests {
    use super::*;
    use schemas::{Game, Player, SlotRule, SportRules};

    fn slate() -> Slate {
        let rules = SportRules {
            name: "t".into(),
            sport: "T".into(),
            positions: vec!["X".into()],
            slots: vec![SlotRule {
                name: "X".into(),
                eligible: vec!["X".into()],
            }],
            salary_cap: 10,
            min_games: 1,
            max_players_per_team: None,
            captain: None,
            default_std_dev_ratio: 0.3,
        };
        let player = |id: i64, proj: f64| Player {
            dk_id: id,
            name: format!("p{id}"),
            positions: vec!["X".into()],
            slot_mask: 1,
            team: "A".into(),
            opponent: Some("B".into()),
            game: 0,
            salary: 1,
            projection: proj,
            std_dev: proj * 0.3,
            ownership: 0.1,
            ceiling: None,
            floor: None,
            minutes: None,
            field_projection: None,
            locked: false,
            captain_of: None,
        };
        Slate {
            id: "s".into(),
            rules,
            games: vec![Game {
                key: "B@A".into(),
                away: "B".into(),
                home: "A".into(),
                start: None,
            }],
            players: (0..200)
                .map(|i| player(i, if i % 10 == 0 { 0.0 } else { 25.0 }))
                .collect(),
        }
    }

    #[test]
    fn base_then_noisy_draws_with_the_right_spread() {
        let s = slate();
        let cfg = VariantsConfig {
            count: 50,
            randomness: 1.0,
            ..VariantsConfig::default()
        };
        let (cat, _) = Variants.run(&s, &cfg, &StageContext::quiet(7)).unwrap();
        assert_eq!(cat.variants.len(), 50);
        assert_eq!(
            cat.variants[0].points,
            s.players.iter().map(|p| p.projection).collect::<Vec<_>>()
        );
        let mut sum = 0.0;
        let mut sq = 0.0;
        let mut n = 0.0;
        for v in &cat.variants[1..] {
            for (p, &x) in s.players.iter().zip(&v.points) {
                assert!(x >= 0.0);
                if p.projection == 0.0 {
                    assert_eq!(x, 0.0, "players projected at 0 stay at 0");
                } else {
                    sum += x - p.projection;
                    sq += (x - p.projection).powi(2);
                    n += 1.0;
                }
            }
        }
        let mean = sum / n;
        let sd = (sq / n - mean * mean).sqrt();
        // sd of the noise is randomness * std_dev = 7.5; 8,820 draws.
        assert!(mean.abs() < 0.3, "noise mean {mean}");
        assert!((sd - 7.5).abs() < 0.3, "noise sd {sd}");
    }

    #[test]
    fn a_captain_row_scores_its_base_rows_draw_times_the_multiplier() {
        let mut s = slate();
        s.rules.captain = Some(schemas::CaptainRule {
            slot: "X".into(),
            multiplier: 1.5,
        });
        for i in 0..10 {
            s.players[100 + i].captain_of = Some(1 + i as u32);
            s.players[100 + i].projection = 1.5 * s.players[1 + i].projection;
        }
        let cfg = VariantsConfig {
            count: 20,
            randomness: 1.0,
            ..VariantsConfig::default()
        };
        let (cat, _) = Variants.run(&s, &cfg, &StageContext::quiet(3)).unwrap();
        for v in &cat.variants {
            for i in 0..10 {
                assert_eq!(
                    v.points[100 + i],
                    1.5 * v.points[1 + i],
                    "variant {}",
                    v.variant_id
                );
            }
        }
        assert_ne!(cat.variants[1].points[101], cat.variants[2].points[101]);
    }

    #[test]
    fn same_seed_same_catalog_other_seed_other_catalog() {
        let s = slate();
        let cfg = VariantsConfig {
            count: 5,
            randomness: 0.5,
            ..VariantsConfig::default()
        };
        let a = Variants.run(&s, &cfg, &StageContext::quiet(1)).unwrap().0;
        let b = Variants.run(&s, &cfg, &StageContext::quiet(1)).unwrap().0;
        let c = Variants.run(&s, &cfg, &StageContext::quiet(2)).unwrap().0;
        assert_eq!(a, b);
        assert_ne!(a, c);
    }

    #[test]
    fn bad_config_names_the_field() {
        let s = slate();
        let err = Variants
            .run(
                &s,
                &VariantsConfig {
                    count: 0,
                    randomness: 0.5,
                    ..VariantsConfig::default()
                },
                &StageContext::quiet(1),
            )
            .unwrap_err();
        assert!(err.to_string().contains("count"), "{err}");
        let err = Variants
            .run(
                &s,
                &VariantsConfig {
                    count: 3,
                    randomness: -1.0,
                    ..VariantsConfig::default()
                },
                &StageContext::quiet(1),
            )
            .unwrap_err();
        assert!(err.to_string().contains("randomness"), "{err}");
    }
}
