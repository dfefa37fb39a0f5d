//! The `Stage` implementation: resolves the config, checks the rules, builds the pool.

use schemas::{
    CandidateLineup, Diagnostics, OptimizerConfig, OptimizerOutput, PlayerRef, Slate, Stage,
    StageContext, StageError, VariantCatalog,
};

use rand::SeedableRng;
use rand_distr::{Distribution, StandardNormal};
use rand_pcg::Pcg64Mcg;
use rayon::prelude::*;
use schemas::stream_seed;

use crate::problem::{Extra, GroupRule, NO_PARTNER, Pool, Problem};
use crate::search::Model;
use crate::{Group, NAME, OptimizerError, SolveRules};

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
    let share = |field: &str, v: f64| {
        if (0.0..=1.0).contains(&v) {
            Ok(())
        } else {
            Err(OptimizerError::invalid(
                field,
                format!("must lie in 0..1, got {v}"),
            ))
        }
    };
    share("max_exposure", config.max_exposure)?;
    if !(config.randomness.is_finite() && config.randomness >= 0.0) {
        return Err(OptimizerError::invalid(
            "randomness",
            format!("must be a finite number >= 0, got {}", config.randomness),
        ));
    }
    for (field, v) in [
        ("max_ownership_sum", config.max_ownership_sum),
        ("max_ownership_product", config.max_ownership_product),
    ] {
        if let Some(v) = v.filter(|v| !(v.is_finite() && *v >= 0.0)) {
            return Err(OptimizerError::invalid(
                field,
                format!("must be a finite number >= 0, got {v}"),
            ));
        }
    }
    let variants = ordered_variants(slate, input.catalog)?;
    let rules = solve_rules(slate, config)?;
    let prob = Problem::new(slate, &rules)?;
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
    let cap_of = |share: f64| {
        if share >= 1.0 {
            usize::MAX
        } else {
            (share * total as f64 - 1e-9).ceil().max(0.0) as usize
        }
    };
    let min_of = |share: f64| (share * total as f64 - 1e-9).ceil().max(0.0) as usize;
    let lock_sets = resolve(slate, "locks", &config.locks)?;
    let units = exposure_units(slate, &lock_sets, config, &cap_of, &min_of, &share)?;
    if let Some(u) = units.iter().find(|u| u.cap == 0 && u.locked) {
        let p = &slate.players[u.rows[0] as usize];
        return Err(OptimizerError::Infeasible(format!(
            "{} ({}) is locked but his exposure cap lets him into none of the {total} lineups",
            p.name, p.dk_id
        )));
    }
    if units.iter().all(|u| u.cap == 0) {
        return Err(OptimizerError::Infeasible(format!(
            "max_exposure {} lets no player into any of the {total} lineups",
            config.max_exposure
        )));
    }
    let mut units_of_row: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (u, unit) in units.iter().enumerate() {
        for &r in &unit.rows {
            units_of_row[r as usize].push(u);
        }
    }
    let mut diag = Diagnostics::default();
    if !prob.locks.is_empty() && units.iter().any(|u| u.cap < total) {
        diag.warn("locked players are in every lineup whatever max_exposure says");
    }
    if prob.locks.len() > prob.max_overlap && total > 1 {
        diag.warn(format!(
            "{} locks exceed max_overlap {}: at most one lineup can be built",
            prob.locks.len(),
            prob.max_overlap
        ));
    }

    // The objective of lineup `slot` (variant position x lineups_per_variant + rank - 1).
    let objective = |vpos: usize, rank: usize| -> Vec<f64> {
        let base = &variants[vpos].points;
        if config.randomness <= 0.0 {
            return base.clone();
        }
        let slot = (vpos * per_variant + rank - 1) as u64;
        let mut rng = Pcg64Mcg::seed_from_u64(stream_seed(ctx.seed, NAME, slot));
        let z: Vec<f64> = (0..n).map(|_| StandardNormal.sample(&mut rng)).collect();
        // One draw per person: a captain row moves with his base row, scaled by
        // his (multiplied) std dev.
        base.iter()
            .zip(&slate.players)
            .enumerate()
            .map(|(i, (&p, pl))| {
                p + config.randomness * pl.std_dev * z[slate.person(i as u32) as usize]
            })
            .collect()
    };

    ctx.progress.start(NAME, total as u64);
    let mut pool = Pool::new(n);
    let mut lineups: Vec<CandidateLineup> = Vec::with_capacity(total);
    let mut appearances = vec![0usize; units.len()];
    let mut unavailable = vec![false; n];
    let mut capped_version = 0u64;
    let mut proven = true;
    let mut nodes = 0u64;
    let mut searches = 0u64;
    let mut coarsest_unit = 0u32;
    // Bound tables of a chunk of variants are built in parallel from the exposure
    // caps as they stand; the searches run in variant order, and a table built
    // before a cap changed is rebuilt, so the pool is the sequential one exactly.
    let chunk = (rayon::current_num_threads() * 8).max(1);
    // Bound tables' memory, handed from one chunk's models to the next.
    let mut spare: Vec<Vec<f64>> = Vec::new();
    let mut vpos = 0;
    while vpos < variants.len() {
        let end = (vpos + chunk).min(variants.len());
        let snapshot = capped_version;
        let scratch: Vec<Vec<f64>> = (vpos..end)
            .map(|_| spare.pop().unwrap_or_default())
            .collect();
        let mut built: Vec<Option<(Vec<f64>, Model<'_, '_>)>> = (vpos..end)
            .into_par_iter()
            .zip(scratch)
            .map(|(vp, scratch)| {
                let pts = objective(vp, 1);
                let model = Model::new(&prob, &pts, &unavailable, scratch);
                Some((pts, model))
            })
            .collect();
        for (offset, slot) in built.iter_mut().enumerate() {
            let vp = vpos + offset;
            let v = variants[vp];
            let Some((mut pts, mut model)) = slot.take() else {
                continue;
            };
            if capped_version != snapshot {
                model = Model::new(&prob, &pts, &unavailable, model.into_scratch());
            }
            for rank in 1..=per_variant {
                if ctx.cancelled() {
                    return Err(OptimizerError::Cancelled);
                }
                coarsest_unit = coarsest_unit.max(model.unit());
                let left = total - (vp * per_variant + rank - 1);
                let forced = forced_units(slate, &units, &appearances, left, total)?;
                let outcome = if forced.is_empty() {
                    model.search(&pool, Some(ctx.cancel))?
                } else {
                    // Players still short of their min exposure with just enough
                    // lineups left: this lineup holds each of them.
                    let mut must = prob.clone();
                    for &u in &forced {
                        let mut member = vec![false; n];
                        for &r in &units[u].rows {
                            member[r as usize] = true;
                        }
                        must.extra.groups.push(GroupRule {
                            member,
                            min: 1,
                            max: u32::MAX,
                        });
                    }
                    must.extra.active = true;
                    let o = Model::new(&must, &pts, &unavailable, Vec::new())
                        .search(&pool, Some(ctx.cancel))?;
                    if o.lineup.as_ref().is_none_or(|(p, _)| pool.contains(p)) {
                        return Err(OptimizerError::Infeasible(format!(
                            "player_exposure min: {} must be in lineup {} of {total} to reach \
                             their min exposure, but no lineup holds them under the rules",
                            names(slate, &units, &forced),
                            total - left + 1
                        )));
                    }
                    o
                };
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
                lineups.push(CandidateLineup::of_slate(
                    slate,
                    lineups.len() as u32,
                    v.variant_id,
                    rank as u32,
                    players.clone(),
                    players.iter().map(|&i| pts[i as usize]).sum(),
                ));
                ctx.progress.advance(1);
                let mut capped = false;
                let mut touched: Vec<usize> = players
                    .iter()
                    .flat_map(|&i| units_of_row[i as usize].iter().copied())
                    .collect();
                touched.sort_unstable();
                touched.dedup();
                for u in touched {
                    appearances[u] += 1;
                    if appearances[u] >= units[u].cap && !units[u].locked {
                        for &r in &units[u].rows {
                            capped |= !unavailable[r as usize];
                            unavailable[r as usize] = true;
                        }
                    }
                }
                if capped {
                    capped_version += 1;
                }
                if rank < per_variant && (capped || config.randomness > 0.0) {
                    pts = objective(vp, rank + 1);
                    model = Model::new(&prob, &pts, &unavailable, model.into_scratch());
                }
            }
            spare.push(model.into_scratch());
        }
        vpos = end;
    }
    if let Some((u, unit)) = units
        .iter()
        .enumerate()
        .find(|(u, unit)| !unit.locked && appearances[*u] < unit.min)
    {
        return Err(OptimizerError::Infeasible(format!(
            "player_exposure min: {} is in {} of the {} lineups built, short of his min {} \
             (variants ran out of lineups that meet the rules)",
            names(slate, &units, &[u]),
            appearances[u],
            lineups.len(),
            unit.min
        )));
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

/// Rows whose appearances are counted together against exposure bounds: a person
/// (on showdown slates both his rows), or the rows a `player_exposure` entry names.
#[derive(Debug, Clone)]
struct ExposureUnit {
    rows: Vec<u32>,
    /// Most lineups holding any of the rows (`usize::MAX`: no limit).
    cap: usize,
    /// Least lineups holding one of the rows.
    min: usize,
    /// A lock lies within the rows: the unit is in every lineup, whatever its bounds.
    locked: bool,
}

/// The exposure units: one per person under `max_exposure`, overridden by
/// `player_exposure` entries that name a whole person (by name), plus one unit per
/// entry that names a single row of a showdown person (by id).
fn exposure_units(
    slate: &Slate,
    lock_sets: &[Vec<u32>],
    config: &OptimizerConfig,
    cap_of: &dyn Fn(f64) -> usize,
    min_of: &dyn Fn(f64) -> usize,
    share: &dyn Fn(&str, f64) -> Result<(), OptimizerError>,
) -> Result<Vec<ExposureUnit>, OptimizerError> {
    let n = slate.players.len();
    let mut units: Vec<ExposureUnit> = Vec::new();
    let mut unit_of_person = vec![usize::MAX; n];
    for i in 0..n as u32 {
        let person = slate.person(i) as usize;
        if unit_of_person[person] == usize::MAX {
            unit_of_person[person] = units.len();
            units.push(ExposureUnit {
                rows: Vec::new(),
                cap: cap_of(config.max_exposure),
                min: 0,
                locked: false,
            });
        }
        units[unit_of_person[person]].rows.push(i);
    }
    for (k, e) in config.player_exposure.iter().enumerate() {
        let field = format!("player_exposure[{k}]");
        let mut rows =
            resolve(slate, "player_exposure", std::slice::from_ref(&e.player))?.swap_remove(0);
        rows.sort_unstable();
        if let Some(min) = e.min {
            share(&field, min)?;
        }
        if let Some(max) = e.max {
            share(&field, max)?;
        }
        if let (Some(min), Some(max)) = (e.min, e.max)
            && min > max
        {
            return Err(OptimizerError::invalid(
                field,
                format!("min {min} is above max {max}"),
            ));
        }
        let whole = unit_of_person[slate.person(rows[0]) as usize];
        let u = if units[whole].rows == rows {
            whole
        } else {
            units.push(ExposureUnit {
                rows: rows.clone(),
                cap: usize::MAX,
                min: 0,
                locked: false,
            });
            units.len() - 1
        };
        if let Some(max) = e.max {
            units[u].cap = cap_of(max);
        }
        if let Some(min) = e.min {
            units[u].min = min_of(min);
        }
        let person_cap = units[whole].cap;
        if units[u].min > units[u].cap.min(person_cap) {
            return Err(OptimizerError::Infeasible(format!(
                "{field}: min exposure asks for {} lineups but the max allows {}",
                units[u].min,
                units[u].cap.min(person_cap)
            )));
        }
    }
    // Locked: some lock (a row, or a person by name) is within the unit's rows.
    for u in &mut units {
        u.locked = lock_sets
            .iter()
            .any(|set| set.iter().all(|r| u.rows.contains(r)));
    }
    Ok(units)
}

/// Units still short of their min exposure that need every one of the `left`
/// lineups still to build (an error when even that is not enough).
fn forced_units(
    slate: &Slate,
    units: &[ExposureUnit],
    appearances: &[usize],
    left: usize,
    total: usize,
) -> Result<Vec<usize>, OptimizerError> {
    let mut forced = Vec::new();
    for (u, unit) in units.iter().enumerate() {
        if unit.locked || appearances[u] >= unit.min {
            continue;
        }
        let short = unit.min - appearances[u];
        if short > left {
            return Err(OptimizerError::Infeasible(format!(
                "player_exposure min: {} needs {} more of the {total} lineups, but only {left} \
                 are left (variants ran out of lineups that meet the rules)",
                names(slate, units, &[u]),
                short
            )));
        }
        if short == left {
            forced.push(u);
        }
    }
    Ok(forced)
}

/// `A (id), B (id)`: the first row of each unit, for messages.
fn names(slate: &Slate, units: &[ExposureUnit], which: &[usize]) -> String {
    which
        .iter()
        .map(|&u| {
            let p = &slate.players[units[u].rows[0] as usize];
            format!("{} ({})", p.name, p.dk_id)
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The config's rules for [`Problem::new`], players resolved to slate indices.
///
/// A name finds a person: on showdown slates both his rows (captain and base). A
/// name lock then asks for the person in either slot (a group of his rows, min 1),
/// a name exclude leaves out both rows, and a group counts him once. An id always
/// names one row (lock a captain row's id to force him captain).
pub fn solve_rules(slate: &Slate, config: &OptimizerConfig) -> Result<SolveRules, OptimizerError> {
    let mut groups = Vec::with_capacity(config.groups.len());
    for g in &config.groups {
        let mut players: Vec<u32> = resolve(slate, "groups", &g.players)?
            .into_iter()
            .flatten()
            .collect();
        players.sort_unstable();
        players.dedup();
        if let Some(max) = g.max
            && max < g.min.unwrap_or(0)
        {
            return Err(OptimizerError::Infeasible(format!(
                "a group asks for at least {} but at most {max} of its players",
                g.min.unwrap_or(0)
            )));
        }
        groups.push(Group {
            players,
            min: g.min.unwrap_or(0),
            max: g.max,
        });
    }
    let mut locks = Vec::new();
    for rows in resolve(slate, "locks", &config.locks)? {
        match rows[..] {
            [i] => locks.push(i),
            _ => groups.push(Group {
                players: rows,
                min: 1,
                max: None,
            }),
        }
    }
    Ok(SolveRules {
        locks,
        excludes: resolve(slate, "excludes", &config.excludes)?
            .into_iter()
            .flatten()
            .collect(),
        min_salary: config.min_salary,
        max_salary: config.max_salary,
        max_overlap: config.max_overlap,
        max_players_per_team: config.max_players_per_team,
        min_teams: config.min_teams,
        min_games: config.min_games,
        team_stacks: config.team_stacks.clone(),
        qb_stack: config.qb_stack.clone(),
        game_stacks: config.game_stacks.clone(),
        no_offense_vs_dst: config.no_offense_vs_dst,
        groups,
        max_ownership_sum: config.max_ownership_sum,
        max_ownership_product: config.max_ownership_product,
    })
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

/// Resolves player references by DraftKings id (one row) or case-insensitive name
/// (a person: one row, or on showdown slates his captain and base rows).
fn resolve(
    slate: &Slate,
    field: &'static str,
    refs: &[PlayerRef],
) -> Result<Vec<Vec<u32>>, OptimizerError> {
    refs.iter()
        .map(|r| match r {
            PlayerRef::Id(id) => {
                slate
                    .index_of(*id)
                    .map(|i| vec![i])
                    .ok_or(OptimizerError::UnknownPlayer {
                        field,
                        player: r.to_string(),
                    })
            }
            PlayerRef::Name(name) => {
                let want = name.trim().to_lowercase();
                let hits: Vec<u32> = slate
                    .players
                    .iter()
                    .enumerate()
                    .filter(|(_, p)| p.name.trim().to_lowercase() == want)
                    .map(|(i, _)| i as u32)
                    .collect();
                let one_person = hits
                    .iter()
                    .all(|&i| slate.person(i) == slate.person(hits[0]));
                match hits[..] {
                    [] => Err(OptimizerError::UnknownPlayer {
                        field,
                        player: r.to_string(),
                    }),
                    _ if one_person => Ok(hits),
                    _ => Err(OptimizerError::invalid(
                        field,
                        format!(
                            "name {r} matches {} players (ids {}); name the DraftKings id instead",
                            hits.len(),
                            hits.iter()
                                .map(|&i| slate.players[i as usize].dk_id.to_string())
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
    if let Some(&i) = prob.locks.iter().find(|&&i| {
        let other = prob.partner[i as usize];
        other != NO_PARTNER && prob.locks.binary_search(&other).is_ok()
    }) {
        return infeasible(format!(
            "{} is locked in both his captain and his base row; a lineup holds a person once",
            who(i)
        ));
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
    base.extra = Extra::default();
    if !feasible(&base) {
        return slot_shortage(prob)
            .unwrap_or_else(|| format!("no lineup can fill every slot {context}"));
    }
    let rules: [(String, Relax); 5] = [
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
        (extra_names(config), |b, p| b.extra = p.extra.clone()),
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

/// The extra rules the config sets, by key, for error messages.
fn extra_names(config: &OptimizerConfig) -> String {
    let mut names: Vec<&str> = Vec::new();
    let c = config;
    if !c.team_stacks.is_empty() {
        names.push("team_stacks");
    }
    if c.qb_stack.is_some() {
        names.push("qb_stack");
    }
    if !c.game_stacks.is_empty() {
        names.push("game_stacks");
    }
    if c.no_offense_vs_dst {
        names.push("no_offense_vs_dst");
    }
    if !c.groups.is_empty() {
        names.push("groups");
    }
    if c.min_teams.is_some() {
        names.push("min_teams");
    }
    if c.max_ownership_sum.is_some() {
        names.push("max_ownership_sum");
    }
    if c.max_ownership_product.is_some() {
        names.push("max_ownership_product");
    }
    if names.is_empty() {
        "the extra rules".to_string()
    } else {
        names.join(" + ")
    }
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
