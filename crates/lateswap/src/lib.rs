//! Late swap: after the first games lock, each entry keeps its started
//! players in their slots and completes the others with players whose games
//! have not started, under the sport's rules and the run's optimizer config
//! (exposure across the entries, overlap between them, salary, stacks).
//!
//! Each entry is solved by the exact optimizer on a copy of the slate where
//! its locked players fit only the slot they hold, every other player fits
//! only the slots still open, and every started player not in it is left out:
//! the best completion under the rules, locked slots pinned by construction.
//! Entries go in file order; a player's exposure counts over all of them.
//!
//! [`late_swap`] maximises given points (the projections: the plain
//! optimizer's choice). [`late_swap_by_simulation`] chooses among each
//! entry's best completions by simulated payout among the sampled field, as a
//! run chooses its entries.
//!
//! Pure: no I/O, no clock, no global randomness; the simulation's streams
//! come from the caller's seed.

mod simulation;

use gpp_sim::exposure_cap;
use optimizer::{OptimizerError, SolveRules, solve, solve_rules};
use schemas::{Lineup, OptimizerConfig, Slate, StageError};

use serde::Serialize;
pub use simulation::{SimulatedSwap, SimulatedSwaps, late_swap_by_simulation};
use thiserror::Error;

/// Why a late swap could not be made.
#[derive(Debug, Error)]
pub enum LateSwapError {
    /// An entry's cells do not fit the slate (wrong count, index off the slate).
    #[error("entry {entry_id}: {message}")]
    InvalidEntry { entry_id: String, message: String },
    /// The points are not one per slate player, or not finite.
    #[error("points: {0}")]
    InvalidPoints(String),
    #[error(transparent)]
    Optimizer(#[from] OptimizerError),
    /// A stage of the simulation (variants, field sampler, simulator) failed.
    #[error(transparent)]
    Stage(#[from] StageError),
}

/// An entry as the file shows it after lock: per slot, the slate row of its
/// player (`None`: empty).
#[derive(Debug, Clone, PartialEq)]
pub struct EntryLineup {
    pub entry_id: String,
    pub slots: Vec<Option<u32>>,
}

/// What became of one entry.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Swapped {
    pub entry_id: String,
    /// Per slot, the player before (`None`: empty).
    pub before: Vec<Option<u32>>,
    /// Per slot, the player after; `None` when no valid lineup completes the
    /// locked players (the entry is left as it was).
    pub after: Option<Vec<u32>>,
    /// Slots whose player changed.
    pub changed: Vec<usize>,
    /// Points of the players before (empty slots count 0) and after.
    pub points_before: f64,
    pub points_after: f64,
}

/// Completes every entry (see the module docs) maximising `points`, one per
/// slate player.
pub fn late_swap(
    slate: &Slate,
    entries: &[EntryLineup],
    points: &[f64],
    config: &OptimizerConfig,
) -> Result<Vec<Swapped>, LateSwapError> {
    check_input(slate, entries, points)?;
    let mut fill = Completion::new(slate, entries, config)?;
    entries
        .iter()
        .map(|e| fill.complete(slate, e, points))
        .collect()
}

/// The entries' cells and the points, checked against the slate.
fn check_input(
    slate: &Slate,
    entries: &[EntryLineup],
    points: &[f64],
) -> Result<(), LateSwapError> {
    let n = slate.players.len();
    if points.len() != n {
        return Err(LateSwapError::InvalidPoints(format!(
            "{} values for {n} players",
            points.len()
        )));
    }
    if let Some(i) = points.iter().position(|p| !p.is_finite()) {
        return Err(LateSwapError::InvalidPoints(format!(
            "player {i}'s value is not a number"
        )));
    }
    let slots = slate.rules.slots.len();
    for e in entries {
        if e.slots.len() != slots {
            return Err(invalid(
                e,
                format!("{} cells for {slots} slots", e.slots.len()),
            ));
        }
        if let Some(i) = e.slots.iter().flatten().find(|&&i| i as usize >= n) {
            return Err(invalid(e, format!("player index {i} is not on the slate")));
        }
    }
    Ok(())
}

/// Entries completed one after another under the config's exposure cap
/// (started players exempt: the entries already hold them) and overlap rule
/// against every lineup completed before.
struct Completion {
    base: SolveRules,
    cap: u32,
    /// Per player: completed lineups holding him, started players counted
    /// once per entry holding him.
    held: Vec<u32>,
    earlier: Vec<Lineup>,
}

impl Completion {
    fn new(
        slate: &Slate,
        entries: &[EntryLineup],
        config: &OptimizerConfig,
    ) -> Result<Self, LateSwapError> {
        let base = solve_rules(slate, config)?;
        // Exposure: most entries one swappable player may be in, as a run's cap.
        let cap = exposure_cap(config.max_exposure.clamp(0.0, 1.0), entries.len() as u32);
        let mut held = vec![0u32; slate.players.len()];
        for e in entries {
            for &i in e.slots.iter().flatten() {
                if slate.players[i as usize].locked {
                    held[i as usize] += 1;
                }
            }
        }
        Ok(Completion {
            base,
            cap,
            held,
            earlier: Vec::new(),
        })
    }

    /// Completes `e` by `points` and counts the result.
    fn complete(
        &mut self,
        slate: &Slate,
        e: &EntryLineup,
        points: &[f64],
    ) -> Result<Swapped, LateSwapError> {
        let swapped = swap_one(
            slate,
            e,
            points,
            &self.base,
            &self.held,
            self.cap,
            &self.earlier,
            false,
        )?;
        if let Some(after) = &swapped.after {
            self.add(slate, after);
        }
        Ok(swapped)
    }

    /// Counts a completed lineup.
    fn add(&mut self, slate: &Slate, lineup: &[u32]) {
        for &i in lineup {
            if !slate.players[i as usize].locked {
                self.held[i as usize] += 1;
            }
        }
        self.earlier.push(Lineup {
            players: lineup.to_vec(),
        });
    }
}

fn invalid(e: &EntryLineup, message: String) -> LateSwapError {
    LateSwapError::InvalidEntry {
        entry_id: e.entry_id.clone(),
        message,
    }
}

/// One entry: its pinned slate, then the exact optimizer. With `keep_all`
/// every filled cell is pinned, not only the started ones: the entry as it
/// stands, when it meets the rules.
#[allow(clippy::too_many_arguments)]
fn swap_one(
    slate: &Slate,
    e: &EntryLineup,
    points: &[f64],
    base: &SolveRules,
    held: &[u32],
    cap: u32,
    earlier: &[Lineup],
    keep_all: bool,
) -> Result<Swapped, LateSwapError> {
    let mut pinned = slate.clone();
    let mut open_mask = 0u32;
    let mut locks = Vec::new();
    for (slot, cell) in e.slots.iter().enumerate() {
        match cell {
            Some(i) if keep_all || slate.players[*i as usize].locked => {
                pinned.players[*i as usize].slot_mask = 1 << slot;
                locks.push(*i);
            }
            _ => open_mask |= 1 << slot,
        }
    }
    let mut rules = base.clone();
    for (i, p) in pinned.players.iter_mut().enumerate() {
        let i = i as u32;
        if locks.contains(&i) {
            continue;
        }
        p.slot_mask &= open_mask;
        // Started (and not ours) or at the exposure cap: out.
        if p.locked || p.slot_mask == 0 || held[i as usize] >= cap {
            rules.excludes.push(i);
        }
    }
    // A kept player the config excludes stays excluded unless he has started
    // (then the entry holds him whatever the config says).
    rules
        .excludes
        .retain(|i| !(locks.contains(i) && (slate.players[*i as usize].locked || !keep_all)));
    rules.locks.retain(|i| !slate.players[*i as usize].locked);
    rules.locks.extend(&locks);
    rules.locks.sort_unstable();
    rules.locks.dedup();
    let solution = match solve(&pinned, points, &rules, earlier) {
        Ok(s) => s,
        // Config locks that cannot all fit this entry: no completion.
        Err(OptimizerError::Infeasible(_)) => None,
        Err(e) => return Err(e.into()),
    };
    let after = solution.and_then(|s| {
        let mut masks: Vec<u32> = s
            .lineup
            .players
            .iter()
            .map(|&i| pinned.players[i as usize].slot_mask)
            .collect();
        // A player the entry already held keeps his slot where the others
        // still fit: only real changes show as changes.
        for (k, &i) in s.lineup.players.iter().enumerate() {
            if let Some(slot) = e.slots.iter().position(|&c| c == Some(i)) {
                let wide = masks[k];
                masks[k] &= 1 << slot;
                if masks[k] == 0 || pinned.rules.assign_slots(&masks).is_none() {
                    masks[k] = wide;
                }
            }
        }
        // For each slot, which of the lineup's players holds it.
        let holder = pinned.rules.assign_slots(&masks)?;
        Some(
            holder
                .iter()
                .map(|&k| s.lineup.players[k])
                .collect::<Vec<u32>>(),
        )
    });
    Ok(swapped_entry(e, after, points))
}

/// `e` completed as `after` (`None`: not completed, left as it was).
fn swapped_entry(e: &EntryLineup, after: Option<Vec<u32>>, points: &[f64]) -> Swapped {
    let points_before: f64 = e.slots.iter().flatten().map(|&i| points[i as usize]).sum();
    let (changed, points_after) = match &after {
        Some(a) => (
            (0..a.len()).filter(|&k| e.slots[k] != Some(a[k])).collect(),
            a.iter().map(|&i| points[i as usize]).sum(),
        ),
        None => (Vec::new(), points_before),
    };
    Swapped {
        entry_id: e.entry_id.clone(),
        before: e.slots.clone(),
        after,
        changed,
        points_before,
        points_after,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use testkit::{nba_rules, player, slate_of};

    /// 6 games, 5 players a position per team pair, salaries and projections varied.
    fn slate() -> Slate {
        let rules = nba_rules();
        let mut players = Vec::new();
        let positions = ["PG", "SG", "SF", "PF", "C", "PG/SG", "SF/PF", "PF/C"];
        let mut id = 1;
        for team in 0..12u32 {
            for (k, pos) in positions.iter().enumerate() {
                let salary = 3_000 + ((team * 7 + k as u32 * 13) % 20) * 400;
                let proj = salary as f64 / 1_000.0 * 5.0 + ((team + k as u32) % 5) as f64;
                players.push(player(&rules, id, pos, team, salary, proj));
                id += 1;
            }
        }
        slate_of(rules, 6, players)
    }

    fn points(s: &Slate) -> Vec<f64> {
        s.players.iter().map(|p| p.projection).collect()
    }

    /// Every completion of `e` by brute force over the open slots' candidates
    /// (small open sets only): the best points.
    fn brute_best(s: &Slate, e: &EntryLineup) -> Option<f64> {
        let open: Vec<usize> = (0..e.slots.len())
            .filter(|&k| !e.slots[k].is_some_and(|i| s.players[i as usize].locked))
            .collect();
        let fixed: Vec<u32> = e
            .slots
            .iter()
            .flatten()
            .copied()
            .filter(|&i| s.players[i as usize].locked)
            .collect();
        let mut best: Option<f64> = None;
        let mut chosen = vec![0u32; open.len()];
        #[allow(clippy::too_many_arguments)]
        fn go(
            s: &Slate,
            slots: &[u32],
            open: &[usize],
            fixed: &[u32],
            k: usize,
            chosen: &mut Vec<u32>,
            best: &mut Option<f64>,
        ) {
            if k == open.len() {
                // Slot order: the locked players where they are, the chosen in the open slots.
                let mut players: Vec<u32> = slots.to_vec();
                for (&slot, &i) in open.iter().zip(chosen.iter()) {
                    players[slot] = i;
                }
                let lineup = Lineup { players };
                if lineup.check(s).is_ok() {
                    let pts: f64 = lineup
                        .players
                        .iter()
                        .map(|&i| s.players[i as usize].projection)
                        .sum();
                    if best.is_none_or(|b| pts > b) {
                        *best = Some(pts);
                    }
                }
                return;
            }
            for (i, p) in s.players.iter().enumerate() {
                let i = i as u32;
                if p.locked
                    || p.slot_mask & (1 << open[k]) == 0
                    || chosen[..k].contains(&i)
                    || fixed.contains(&i)
                {
                    continue;
                }
                chosen[k] = i;
                go(s, slots, open, fixed, k + 1, chosen, best);
            }
        }
        let slots: Vec<u32> = e.slots.iter().map(|c| c.unwrap_or(u32::MAX)).collect();
        go(s, &slots, &open, &fixed, 0, &mut chosen, &mut best);
        best
    }

    #[test]
    fn locked_players_stay_in_their_slots_and_the_rest_is_the_best_completion() {
        let mut s = slate();
        // Games 0-3 have started.
        for p in &mut s.players {
            p.locked = p.game < 4;
        }
        let by_pos = |team: u32, k: usize| team * 8 + k as u32;
        // Locked: a PG in PG, an SF in UTIL, a C in F? (C cannot be F): a PF in F.
        let entry = EntryLineup {
            entry_id: "1".into(),
            slots: vec![
                Some(by_pos(0, 0)),
                Some(by_pos(9, 1)),
                None,
                Some(by_pos(10, 3)),
                None,
                Some(by_pos(11, 0)),
                Some(by_pos(2, 3)),
                Some(by_pos(3, 2)),
            ],
        };
        let out = late_swap(
            &s,
            std::slice::from_ref(&entry),
            &points(&s),
            &OptimizerConfig::default(),
        )
        .unwrap();
        let after = out[0].after.as_ref().unwrap();
        // Pinned.
        assert_eq!(after[0], by_pos(0, 0));
        assert_eq!(after[6], by_pos(2, 3));
        assert_eq!(after[7], by_pos(3, 2));
        // Valid, and no started player added.
        let lineup = Lineup {
            players: after.clone(),
        };
        lineup.check(&s).unwrap();
        for (k, &i) in after.iter().enumerate() {
            if s.players[i as usize].locked {
                assert_eq!(entry.slots[k], Some(i), "slot {k}: a started player added");
            }
            assert_ne!(
                s.players[i as usize].slot_mask & (1 << k),
                0,
                "slot {k} fits"
            );
        }
        // The best, by an independent brute force over a reduced pool.
        let mut small = s.clone();
        small.players.iter_mut().enumerate().for_each(|(i, p)| {
            // Keep the entry's players and half of the others not started.
            let keep = entry.slots.contains(&Some(i as u32)) || (!p.locked && i % 2 == 0);
            if !keep {
                p.projection = 0.0;
                p.locked = true;
            }
        });
        let ours = late_swap(
            &small,
            std::slice::from_ref(&entry),
            &points(&small),
            &OptimizerConfig::default(),
        )
        .unwrap();
        let brute = brute_best(&small, &entry).unwrap();
        assert!(
            (ours[0].points_after - brute).abs() < 1e-9,
            "{} vs {brute}",
            ours[0].points_after
        );
        assert!(ours[0].points_after >= ours[0].points_before);
    }

    #[test]
    fn by_simulation_keeps_the_rules_and_the_seed_decides() {
        use schemas::{
            Contest, FieldSamplerConfig, PayoutTier, SimConfig, StageContext, VariantsConfig,
        };
        let mut s = slate();
        for p in &mut s.players {
            p.locked = p.game < 2;
        }
        let by_pos = |team: u32, k: usize| team * 8 + k as u32;
        // Six entries, each a started PG-eligible player in PG and a started
        // player in UTIL; the last is complete (its other players unstarted).
        let mut entries: Vec<EntryLineup> = (0..6u32)
            .map(|k| {
                let mut slots = vec![None; 8];
                slots[0] = Some(by_pos(k % 4, if k < 4 { 0 } else { 5 }));
                slots[7] = Some(by_pos((k + 1) % 4, 4));
                EntryLineup {
                    entry_id: format!("e{k}"),
                    slots,
                }
            })
            .collect();
        let full = late_swap(&s, &entries[5..], &points(&s), &OptimizerConfig::default()).unwrap();
        entries[5].slots = full[0]
            .after
            .clone()
            .unwrap()
            .into_iter()
            .map(Some)
            .collect();
        let contest = Contest {
            id: "c".into(),
            name: "c".into(),
            entry_fee: 4.0,
            field_size: 300,
            max_entries: 20,
            payouts: vec![
                PayoutTier {
                    first: 1,
                    last: 1,
                    prize: 200.0,
                },
                PayoutTier {
                    first: 2,
                    last: 5,
                    prize: 50.0,
                },
                PayoutTier {
                    first: 6,
                    last: 60,
                    prize: 8.0,
                },
            ],
        };
        let sim = SimConfig {
            iterations: 300,
            ..SimConfig::default()
        };
        let config = OptimizerConfig {
            max_exposure: 0.5,
            ..OptimizerConfig::default()
        };
        let run = |seed: u64| {
            late_swap_by_simulation(
                &s,
                &entries,
                &config,
                SimulatedSwap {
                    contest: &contest,
                    variants: &VariantsConfig::default(),
                    field_sampler: &FieldSamplerConfig::default(),
                    sim: &sim,
                    correlations: None,
                },
                &StageContext::quiet(seed),
            )
            .unwrap()
        };
        let out = run(3);
        assert_eq!(out, run(3), "the same seed, the same swaps");
        assert!(out.candidates >= entries.len(), "{}", out.candidates);
        assert!(out.metrics.is_some());
        // The complete entry was simulated as it stood; the others were not complete.
        assert!(out.roi_before[5].is_some());
        assert!(out.roi_before[..5].iter().all(Option::is_none));
        let cap = exposure_cap(0.5, 6) as usize;
        let mut held = vec![0usize; s.players.len()];
        let mut lineups: Vec<Vec<u32>> = Vec::new();
        for (e, sw) in entries.iter().zip(&out.swapped) {
            let after = sw.after.clone().expect("completed");
            Lineup {
                players: after.clone(),
            }
            .check(&s)
            .unwrap();
            for (k, &i) in after.iter().enumerate() {
                if s.players[i as usize].locked {
                    assert_eq!(
                        e.slots[k],
                        Some(i),
                        "{}: slot {k}: started player added",
                        e.entry_id
                    );
                } else {
                    held[i as usize] += 1;
                }
            }
            for (k, cell) in e.slots.iter().enumerate() {
                if let Some(i) = cell
                    && s.players[*i as usize].locked
                {
                    assert_eq!(after[k], *i, "{}: a started player moved", e.entry_id);
                }
            }
            let mut set = after.clone();
            set.sort_unstable();
            for other in &lineups {
                let shared = set.iter().filter(|i| other.contains(i)).count();
                assert!(shared <= 6, "{}: shares {shared} players", e.entry_id);
            }
            lineups.push(set);
            if sw.changed.is_empty() {
                assert_eq!(e.slots.iter().flatten().count(), 8);
            }
        }
        assert!(
            held.iter().all(|&h| h <= cap),
            "exposure over {cap}: {held:?}"
        );
        assert!(out.roi_after.iter().any(Option::is_some));
    }

    #[test]
    fn exposure_and_overlap_hold_across_entries() {
        let mut s = slate();
        for p in &mut s.players {
            p.locked = p.game == 0;
        }
        let entries: Vec<EntryLineup> = (0..10)
            .map(|k| EntryLineup {
                entry_id: k.to_string(),
                slots: vec![
                    Some((k % 4) as u32 * 8),
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                    None,
                ],
            })
            .collect();
        let config = OptimizerConfig {
            max_exposure: 0.5,
            max_overlap: Some(5),
            ..OptimizerConfig::default()
        };
        let out = late_swap(&s, &entries, &points(&s), &config).unwrap();
        let mut count = vec![0u32; s.players.len()];
        let lineups: Vec<&Vec<u32>> = out.iter().map(|o| o.after.as_ref().unwrap()).collect();
        for l in &lineups {
            Lineup {
                players: (*l).clone(),
            }
            .check(&s)
            .unwrap();
            for &i in *l {
                count[i as usize] += 1;
            }
        }
        for (i, c) in count.iter().enumerate() {
            if !s.players[i].locked {
                assert!(*c <= 5, "player {i} in {c} of 10 entries");
            }
        }
        for (a, la) in lineups.iter().enumerate() {
            for lb in &lineups[..a] {
                let shared = la.iter().filter(|i| lb.contains(i)).count();
                assert!(shared <= 5, "{shared} shared");
            }
        }
    }

    #[test]
    fn an_entry_no_lineup_completes_is_left_as_it_was() {
        let mut s = slate();
        for p in &mut s.players {
            p.locked = p.game < 5;
        }
        // Locked players worth the whole cap: nothing fits beside them.
        let rich: Vec<u32> = (0..s.players.len() as u32)
            .filter(|&i| s.players[i as usize].locked)
            .collect();
        for &i in &rich {
            s.players[i as usize].salary = 12_000;
        }
        let entry = EntryLineup {
            entry_id: "9".into(),
            slots: vec![
                Some(rich[0]),
                Some(rich[9]),
                Some(rich[18]),
                Some(rich[3]),
                Some(rich[4]),
                None,
                None,
                None,
            ],
        };
        let out = late_swap(
            &s,
            std::slice::from_ref(&entry),
            &points(&s),
            &OptimizerConfig::default(),
        )
        .unwrap();
        assert_eq!(out[0].after, None);
        assert!(out[0].changed.is_empty());
        assert_eq!(out[0].points_after, out[0].points_before);
    }

    #[test]
    fn bad_input_is_refused() {
        let s = slate();
        let e = EntryLineup {
            entry_id: "7".into(),
            slots: vec![None; 3],
        };
        let err = late_swap(&s, &[e], &points(&s), &OptimizerConfig::default()).unwrap_err();
        assert!(err.to_string().contains("entry 7"), "{err}");
        let err = late_swap(&s, &[], &[1.0], &OptimizerConfig::default()).unwrap_err();
        assert!(err.to_string().contains("points"), "{err}");
    }
}
