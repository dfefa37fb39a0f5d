//! The `Stage` implementation: resolves the config, checks the rules, builds the pool.

use schemas::{
    CandidateLineup, Diagnostics, OptimizerConfig, OptimizerOutput, PlayerRef, Slate, Stage,
    StageContext, StageError, VariantCatalog,
};

use crate::problem::{Pool, Problem};
use crate::search::Model;
use crate::{NAME, OptimizerError};

/// The optimizer stage: slate + variant catalog + rules -> the candidate pool.
#[derive(Debug, Default, Clone, Copy)]
pub struct Optimizer;

/// What the optimizer reads: the slate and the projection variants built for it.
#[derive(Debug, Clone, Copy)]
pub struct OptimizerInput<'a> {
    pub slate: &'a Slate,
    /// Variants, aligned with `slate.players` by DraftKings id.
    pub catalog: &'a VariantCatalog,
}

impl Stage for Optimizer {
    const NAME: &'static str = NAME;
    type Config = OptimizerConfig;
    type Input<'a> = OptimizerInput<'a>;
    type Output = OptimizerOutput;

    fn run(
        &self,
        input: OptimizerInput<'_>,
        config: &OptimizerConfig,
        ctx: &StageContext<'_>,
    ) -> Result<(OptimizerOutput, Diagnostics), StageError> {
        Ok(build_pool(input, config, ctx)?)
    }
}

fn build_pool(
    input: OptimizerInput<'_>,
    config: &OptimizerConfig,
    ctx: &StageContext<'_>,
) -> Result<(OptimizerOutput, Diagnostics), OptimizerError> {
    let slate = input.slate;
    let n = slate.players.len();
    if config.lineups_per_variant == 0 {
        return Err(OptimizerError::invalid(
            "lineups_per_variant",
            "must be at least 1",
        ));
    }
    if !(0.0..=1.0).contains(&config.max_exposure) {
        return Err(OptimizerError::invalid(
            "max_exposure",
            format!("must lie in 0..1, got {}", config.max_exposure),
        ));
    }
    let variants = ordered_variants(slate, input.catalog)?;
    let locks = resolve(slate, "locks", &config.locks)?;
    let excludes = resolve(slate, "excludes", &config.excludes)?;
    let prob = Problem::new(
        slate,
        &locks,
        &excludes,
        config.min_salary,
        config.max_salary,
        config.max_overlap,
    )?;
    for v in &variants {
        prob.check_points(&v.points).map_err(|e| match e {
            OptimizerError::InvalidInput { message, .. } => {
                OptimizerError::invalid(format!("catalog variant {}", v.variant_id), message)
            }
            other => other,
        })?;
    }
    check_rules(&prob, config)?;

    let per_variant = config.lineups_per_variant as usize;
    let total = variants.len() * per_variant;
    let exposure_cap = if config.max_exposure >= 1.0 {
        usize::MAX
    } else {
        (config.max_exposure * total as f64 - 1e-9).ceil().max(0.0) as usize
    };
    if exposure_cap == 0 {
        return Err(OptimizerError::Infeasible(format!(
            "max_exposure {} lets no player into any of the {total} lineups",
            config.max_exposure
        )));
    }
    let mut diag = Diagnostics::default();
    if !prob.locks.is_empty() && exposure_cap < total {
        diag.warn("locked players are in every lineup whatever max_exposure says");
    }
    if prob.locks.len() > prob.max_overlap && total > 1 {
        diag.warn(format!(
            "{} locks exceed max_overlap {}: at most one lineup can be built",
            prob.locks.len(),
            prob.max_overlap
        ));
    }

    ctx.progress.start(NAME, total as u64);
    let mut pool = Pool::new(n);
    let mut lineups: Vec<CandidateLineup> = Vec::with_capacity(total);
    let mut appearances = vec![0usize; n];
    let mut unavailable = vec![false; n];
    let mut proven = true;
    let mut nodes = 0u64;
    let mut searches = 0u64;
    let mut coarsest_unit = 0u32;
    let mut scratch = Vec::new();
    for v in &variants {
        let mut model = Model::new(&prob, &v.points, &unavailable, std::mem::take(&mut scratch));
        coarsest_unit = coarsest_unit.max(model.unit());
        for rank in 1..=per_variant {
            if ctx.cancelled() {
                return Err(OptimizerError::Cancelled);
            }
            let outcome = model.search(&pool, Some(ctx.cancel))?;
            searches += 1;
            nodes += outcome.nodes;
            proven &= outcome.exact;
            let Some((players, _)) = outcome.lineup.filter(|(p, _)| !pool.contains(p)) else {
                if pool.lineups.is_empty() {
                    return Err(OptimizerError::Infeasible(explain(&prob, config)));
                }
                diag.warn(format!(
                    "variant {}: built {} of {per_variant} lineups; no other lineup meets \
                     max_overlap {} and the exposure caps",
                    v.variant_id,
                    rank - 1,
                    prob.max_overlap
                ));
                ctx.progress.advance((per_variant - rank + 1) as u64);
                break;
            };
            pool.push(&players);
            lineups.push(CandidateLineup {
                lineup_id: lineups.len() as u32,
                variant_id: v.variant_id,
                rank_in_variant: rank as u32,
                player_ids: players
                    .iter()
                    .map(|&i| slate.players[i as usize].dk_id)
                    .collect(),
                salary: players
                    .iter()
                    .map(|&i| slate.players[i as usize].salary)
                    .sum(),
                proj: players
                    .iter()
                    .map(|&i| slate.players[i as usize].projection)
                    .sum(),
                score: players.iter().map(|&i| v.points[i as usize]).sum(),
                players: players.clone(),
            });
            ctx.progress.advance(1);
            let mut capped = false;
            for &i in &players {
                appearances[i as usize] += 1;
                if appearances[i as usize] >= exposure_cap
                    && prob.locks.binary_search(&i).is_err()
                    && !unavailable[i as usize]
                {
                    unavailable[i as usize] = true;
                    capped = true;
                }
            }
            if capped && rank < per_variant {
                model = Model::new(&prob, &v.points, &unavailable, model.into_scratch());
            }
        }
        scratch = model.into_scratch();
    }
    diag.count("variants", variants.len() as f64);
    diag.count("lineups", lineups.len() as f64);
    diag.count("searches", searches as f64);
    diag.count("search_nodes", nodes as f64);
    diag.count("bound_salary_unit", f64::from(coarsest_unit));
    diag.count(
        "players_capped_by_exposure",
        unavailable.iter().filter(|&&u| u).count() as f64,
    );
    Ok((
        OptimizerOutput {
            lineups,
            proven_optimal: proven,
        },
        diag,
    ))
}

/// Variants in `variant_id` order, after checking the catalog lines up with the slate.
fn ordered_variants<'c>(
    slate: &Slate,
    catalog: &'c VariantCatalog,
) -> Result<Vec<&'c schemas::Variant>, OptimizerError> {
    let ids_match = catalog.player_ids.len() == slate.players.len()
        && catalog
            .player_ids
            .iter()
            .zip(&slate.players)
            .all(|(&id, p)| id == p.dk_id);
    if !ids_match {
        return Err(OptimizerError::invalid(
            "catalog.player_ids",
            "must list the slate's players' DraftKings ids in slate order",
        ));
    }
    if catalog.variants.is_empty() {
        return Err(OptimizerError::invalid(
            "catalog.variants",
            "the catalog has no variants",
        ));
    }
    let mut variants: Vec<&schemas::Variant> = catalog.variants.iter().collect();
    variants.sort_by_key(|v| v.variant_id);
    if let Some(w) = variants
        .windows(2)
        .find(|w| w[0].variant_id == w[1].variant_id)
    {
        return Err(OptimizerError::invalid(
            "catalog.variants",
            format!("variant_id {} appears twice", w[0].variant_id),
        ));
    }
    Ok(variants)
}

/// Resolves player references by DraftKings id or case-insensitive name.
fn resolve(
    slate: &Slate,
    field: &'static str,
    refs: &[PlayerRef],
) -> Result<Vec<u32>, OptimizerError> {
    refs.iter()
        .map(|r| match r {
            PlayerRef::Id(id) => slate.index_of(*id).ok_or(OptimizerError::UnknownPlayer {
                field,
                player: r.to_string(),
            }),
            PlayerRef::Name(name) => {
                let want = name.trim().to_lowercase();
                let hits: Vec<usize> = slate
                    .players
                    .iter()
                    .enumerate()
                    .filter(|(_, p)| p.name.trim().to_lowercase() == want)
                    .map(|(i, _)| i)
                    .collect();
                match hits[..] {
                    [i] => Ok(i as u32),
                    [] => Err(OptimizerError::UnknownPlayer {
                        field,
                        player: r.to_string(),
                    }),
                    _ => Err(OptimizerError::invalid(
                        field,
                        format!(
                            "name {r} matches {} players (ids {}); name the DraftKings id instead",
                            hits.len(),
                            hits.iter()
                                .map(|&i| slate.players[i].dk_id.to_string())
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    )),
                }
            }
        })
        .collect()
}

/// Rules that fail on their own, found without searching.
fn check_rules(prob: &Problem<'_>, config: &OptimizerConfig) -> Result<(), OptimizerError> {
    let slate = prob.slate;
    let players = &slate.players;
    let who = |i: u32| {
        let p = &players[i as usize];
        format!("{} ({})", p.name, p.dk_id)
    };
    let ceiling = || ceiling_name(prob, config);
    let infeasible = |m: String| Err(OptimizerError::Infeasible(m));

    if prob.min_salary > prob.max_salary {
        return infeasible(format!(
            "min_salary {} is above {}",
            money(prob.min_salary),
            ceiling()
        ));
    }
    if let Some(&i) = prob.locks.iter().find(|&&i| prob.excluded[i as usize]) {
        return infeasible(format!("{} is both locked and excluded", who(i)));
    }
    if prob.locks.len() > prob.roster {
        return infeasible(format!(
            "{} locks but a lineup has only {} slots",
            prob.locks.len(),
            prob.roster
        ));
    }
    if let Some(m) = locks_unslottable(prob) {
        return infeasible(m);
    }
    if let Some(max) = prob.max_per_team {
        let mut teams: Vec<&str> = prob
            .locks
            .iter()
            .map(|&i| players[i as usize].team.as_str())
            .collect();
        teams.sort_unstable();
        if let Some(t) = teams.chunk_by(|a, b| a == b).find(|t| t.len() as u32 > max) {
            return infeasible(format!(
                "locks hold {} players from {}, above max_players_per_team {max}",
                t.len(),
                t[0]
            ));
        }
    }
    let lock_salary: u32 = prob.locks.iter().map(|&i| players[i as usize].salary).sum();
    if lock_salary > prob.max_salary {
        return infeasible(format!(
            "locks exceed {} by {} (they cost {})",
            ceiling(),
            money(lock_salary - prob.max_salary),
            money(lock_salary)
        ));
    }
    // The cheapest players that could fill the other slots, slots aside.
    let open = prob.roster - prob.locks.len();
    let mut others: Vec<u32> = (0..players.len() as u32)
        .filter(|&i| {
            !prob.excluded[i as usize]
                && prob.locks.binary_search(&i).is_err()
                && prob.masks[i as usize] != 0
        })
        .map(|i| players[i as usize].salary)
        .collect();
    others.sort_unstable();
    if open > 0 && others.len() >= open {
        let fill: u32 = others[..open].iter().sum();
        if lock_salary + fill > prob.max_salary && !prob.locks.is_empty() {
            return infeasible(format!(
                "locks cost {} and the cheapest {open} other players {}: together they exceed {} by {}",
                money(lock_salary),
                money(fill),
                ceiling(),
                money(lock_salary + fill - prob.max_salary)
            ));
        }
    }
    Ok(())
}

/// `the cap 50,000` or `max_salary 45,000`, whichever binds.
fn ceiling_name(prob: &Problem<'_>, config: &OptimizerConfig) -> String {
    let cap = prob.slate.rules.salary_cap;
    match config.max_salary {
        Some(m) if m < cap => format!("max_salary {}", money(m)),
        _ => format!("the salary cap {}", money(cap)),
    }
}

/// A smallest set of locks that cannot all get a slot, as a message.
fn locks_unslottable(prob: &Problem<'_>) -> Option<String> {
    let masks: Vec<u32> = prob.locks.iter().map(|&i| prob.masks[i as usize]).collect();
    if prob
        .slate
        .rules
        .assign_slots(&pad(&masks, prob.roster))
        .is_some()
        || masks.is_empty()
    {
        return None;
    }
    let players = &prob.slate.players;
    let slot_names = |m: u32| {
        (0..prob.roster)
            .filter(|s| m & (1 << s) != 0)
            .map(|s| prob.slate.rules.slots[s].name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let k = masks.len();
    if k <= 16 {
        let mut subsets: Vec<u32> = (1u32..(1 << k)).collect();
        subsets.sort_by_key(|s| (s.count_ones(), *s));
        for s in subsets {
            let union = (0..k)
                .filter(|b| s & (1 << b) != 0)
                .fold(0, |u, b| u | masks[b]);
            if s.count_ones() > union.count_ones() {
                let names: Vec<String> = (0..k)
                    .filter(|b| s & (1 << b) != 0)
                    .map(|b| players[prob.locks[b] as usize].name.clone())
                    .collect();
                let slots = union.count_ones();
                return Some(format!(
                    "locks hold {} players ({}) who {}only fit {} {}",
                    names.len(),
                    names.join(", "),
                    if names.len() == 2 { "both " } else { "" },
                    if slots == 1 { "slot" } else { "slots" },
                    slot_names(union)
                ));
            }
        }
    }
    Some("the locks cannot all be given a slot".to_string())
}

/// The masks plus "fits anywhere" fillers up to the roster size, to test the locks alone.
fn pad(masks: &[u32], roster: usize) -> Vec<u32> {
    let any = if roster == 32 {
        u32::MAX
    } else {
        (1u32 << roster) - 1
    };
    let mut m = masks.to_vec();
    m.resize(roster.max(masks.len()), any);
    m
}

/// Puts one rule of the real problem (second) back into a relaxed one (first).
type Relax = fn(&mut Problem<'_>, &Problem<'_>);

/// Names the rule that leaves no lineup, by searching (objective 0) with rules relaxed.
fn explain(prob: &Problem<'_>, config: &OptimizerConfig) -> String {
    let zeros = vec![0.0; prob.slate.players.len()];
    let pool = Pool::new(prob.slate.players.len());
    // A search that hits its node limit counts as feasible: only proven failures are named.
    let feasible =
        |p: &Problem<'_>| Model::new(p, &zeros, &[], Vec::new()).any(&pool) != Some(false);
    let context = match (prob.locks.is_empty(), prob.excluded.iter().any(|&e| e)) {
        (false, true) => "with these locks and excludes",
        (false, false) => "with these locks",
        (true, true) => "with these excludes",
        (true, false) => "on this slate",
    };
    let mut base = prob.clone();
    base.min_salary = 0;
    base.max_salary = u32::MAX / 4;
    base.min_games = 0;
    base.max_per_team = None;
    if !feasible(&base) {
        return slot_shortage(prob)
            .unwrap_or_else(|| format!("no lineup can fill every slot {context}"));
    }
    let rules: [(String, Relax); 4] = [
        (ceiling_name(prob, config), |b, p| {
            b.max_salary = p.max_salary
        }),
        (format!("min_salary {}", money(prob.min_salary)), |b, p| {
            b.min_salary = p.min_salary
        }),
        (format!("min_games {}", prob.min_games), |b, p| {
            b.min_games = p.min_games
        }),
        (
            format!(
                "max_players_per_team {}",
                prob.max_per_team.map_or("none".into(), |m| m.to_string())
            ),
            |b, p| b.max_per_team = p.max_per_team,
        ),
    ];
    for (name, add) in &rules {
        let mut one = base.clone();
        add(&mut one, prob);
        if !feasible(&one) {
            return if name.starts_with("the salary cap") || name.starts_with("max_salary") {
                format!("no lineup fits under {name} {context}")
            } else {
                format!("no lineup satisfies {name} {context}")
            };
        }
    }
    let mut so_far: Vec<&str> = Vec::new();
    let mut acc = base.clone();
    for (name, add) in &rules {
        add(&mut acc, prob);
        if !feasible(&acc) {
            return format!(
                "no lineup satisfies {name} together with {} {context}",
                so_far.join(" and ")
            );
        }
        so_far.push(name);
    }
    format!("no lineup satisfies every rule {context}")
}

/// A smallest set of slots fewer available players can fill than it has slots.
fn slot_shortage(prob: &Problem<'_>) -> Option<String> {
    let r = prob.roster;
    if r > 16 {
        return None;
    }
    let masks: Vec<u32> = (0..prob.slate.players.len())
        .filter(|&i| !prob.excluded[i])
        .map(|i| prob.masks[i])
        .collect();
    let mut subsets: Vec<u32> = (1u32..(1 << r)).collect();
    subsets.sort_by_key(|s| (s.count_ones(), *s));
    subsets.into_iter().find_map(|t| {
        let fit = masks.iter().filter(|&&m| m & t != 0).count();
        (fit < t.count_ones() as usize).then(|| {
            let names: Vec<&str> = (0..r)
                .filter(|s| t & (1 << s) != 0)
                .map(|s| prob.slate.rules.slots[s].name.as_str())
                .collect();
            let who = match fit {
                0 => "no available player".to_string(),
                1 => "only 1 available player".to_string(),
                k => format!("only {k} available players"),
            };
            format!(
                "{who} can fill {} {} (after excludes)",
                if names.len() == 1 { "slot" } else { "slots" },
                names.join(", ")
            )
        })
    })
}

/// Dollars with thousands separators: `50,000`.
pub(crate) fn money(v: u32) -> String {
    let mut groups = Vec::new();
    let mut rest = v;
    while rest >= 1000 {
        groups.push(format!("{:03}", rest % 1000));
        rest /= 1000;
    }
    groups.push(rest.to_string());
    groups.reverse();
    groups.join(",")
}

#[cfg(test)]
mod tests {
    use super::money;

    #[test]
    fn money_groups_thousands() {
        assert_eq!(money(0), "0");
        assert_eq!(money(999), "999");
        assert_eq!(money(1_200), "1,200");
        assert_eq!(money(50_000), "50,000");
        assert_eq!(money(1_234_567), "1,234,567");
    }
}
