//! Selection counts our entries' competition with each other: it is the exact
//! greedy choice by marginal portfolio payout, and it beats "top N by ROI" where
//! that matters.
#![allow(clippy::unwrap_used)]

mod common;

use common::*;
use gpp_sim::{
    EntryGroups, SimInput, TruncatedNormal, draw_iteration, exposure_cap, lineup_score,
    pay_iteration, simulate,
};
use schemas::{CandidateLineup, Contest, FieldEntrant, Slate, StageContext};

/// Our total payout per iteration, summed over pass A's draws, with `ours`
/// (candidate indices) entered alongside the field: a full sort of everyone.
fn brute_total(
    points: &[Vec<f32>],
    field: &[FieldEntrant],
    candidates: &[CandidateLineup],
    contest: &Contest,
    ours: &[usize],
) -> f64 {
    let ladder = contest.ladder();
    let key = |p: &[u32]| {
        let mut k = p.to_vec();
        k.sort_unstable();
        k
    };
    let mut total = 0.0;
    for pts in points {
        let mut scores: Vec<f32> = field
            .iter()
            .map(|e| lineup_score(pts, &key(&e.players)))
            .collect();
        let mut copies: Vec<u32> = field.iter().map(|e| e.copies).collect();
        for &j in ours {
            scores.push(lineup_score(pts, &key(&candidates[j].players)));
            copies.push(1);
        }
        let placings = pay_iteration(&ladder, &scores, &copies);
        total += placings[field.len()..]
            .iter()
            .map(|p| p.payout)
            .sum::<f64>();
    }
    total
}

fn pass_a_points(slate: &Slate, seed: u64, iterations: u32) -> Vec<Vec<f32>> {
    let model = TruncatedNormal::from_slate(slate).unwrap();
    (0..iterations)
        .map(|it| {
            let mut pts = vec![0.0f32; slate.players.len()];
            draw_iteration(&model, seed, u64::from(it), &mut pts);
            pts
        })
        .collect()
}

/// The first 40 triples as the field, 1 to 3 copies each.
fn first_forty_as_field(all: &[[u32; 3]]) -> Vec<FieldEntrant> {
    all[..40]
        .iter()
        .enumerate()
        .map(|(i, l)| entrant(l, 1 + (i as u32 * 7 % 3)))
        .collect()
}

/// A $5 contest of the field plus `ours` entries, paying the top 25 in tiers.
fn tiered_contest(field: &[FieldEntrant], ours: u32) -> Contest {
    let field_total: u32 = field.iter().map(|e| e.copies).sum();
    contest(
        5.0,
        field_total + ours,
        &[
            (1, 1, 200.0),
            (2, 2, 90.0),
            (3, 5, 40.0),
            (6, 12, 15.0),
            (13, 25, 8.0),
        ],
    )
}

#[test]
fn selection_is_the_exact_greedy_choice() {
    let slate = varied_slate(12);
    let all = triples(&(0..12).collect::<Vec<u32>>());
    let field = first_forty_as_field(&all);
    // Candidates in shuffled lineup_id order, some also in the field.
    let candidates: Vec<CandidateLineup> = all[30..54]
        .iter()
        .enumerate()
        .map(|(i, l)| candidate((i as u32 * 5) % 24, l))
        .collect();
    let contest = tiered_contest(&field, 6);
    let (seed, iterations, entries) = (77, 150, 6);
    let input = SimInput {
        slate: &slate,
        contest: &contest,
        candidates: &candidates,
        field: &field,
        entries,
        correlations: None,
        groups: None,
    };
    let model = TruncatedNormal::from_slate(&slate).unwrap();
    let (out, _) = simulate(
        &model,
        &input,
        &config(iterations, 1.0),
        &StageContext::quiet(seed),
    )
    .unwrap();
    assert_eq!(out.selected.len(), entries as usize);

    let points = pass_a_points(&slate, seed, iterations);
    let index_of = |id: u32| candidates.iter().position(|c| c.lineup_id == id).unwrap();
    let mut ours: Vec<usize> = Vec::new();
    for (step, &id) in out.selected.iter().enumerate() {
        let totals: Vec<f64> = (0..candidates.len())
            .map(|j| {
                if ours.contains(&j) {
                    f64::NEG_INFINITY
                } else {
                    let mut with = ours.clone();
                    with.push(j);
                    brute_total(&points, &field, &candidates, &contest, &with)
                }
            })
            .collect();
        let best = totals.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let pick = index_of(id);
        assert!(
            (totals[pick] - best).abs() <= 1e-9 * best.abs().max(1.0),
            "step {step}: picked lineup {id} worth {} but the best is {best}",
            totals[pick]
        );
        ours.push(pick);
    }
    // The first pick is simply the best single lineup.
    let best_roi = out
        .results
        .iter()
        .map(|r| r.roi_mean)
        .fold(f64::NEG_INFINITY, f64::max);
    let first = out
        .results
        .iter()
        .find(|r| r.lineup_id == out.selected[0])
        .unwrap();
    assert_eq!(first.roi_mean, best_roi);
}

/// Late swap's selection: one pick per entry, the overlap rule between picks,
/// the exposure cap on every player but the started ones; within those rules,
/// each pick is still the exact greedy choice by marginal portfolio payout.
#[test]
fn one_pick_per_entry_is_the_exact_greedy_choice_within_the_rules() {
    let mut slate = varied_slate(12);
    // Player 0 has started: every entry holds him, so he is exempt from the cap.
    slate.players[0].locked = true;
    let all = triples(&(0..12).collect::<Vec<u32>>());
    let field = first_forty_as_field(&all);
    // The candidates: the triples holding player 0, dealt to 5 entries.
    let with0: Vec<[u32; 3]> = all.iter().filter(|l| l[0] == 0).copied().collect();
    let candidates: Vec<CandidateLineup> = with0
        .iter()
        .enumerate()
        .map(|(i, l)| candidate((i as u32 * 7) % with0.len() as u32, l))
        .collect();
    let entry_of: Vec<u32> = (0..candidates.len() as u32).map(|i| i % 5).collect();
    let contest = tiered_contest(&field, 5);
    let (seed, iterations, entries, max_exposure) = (91, 150, 5, 0.4);
    let input = SimInput {
        slate: &slate,
        contest: &contest,
        candidates: &candidates,
        field: &field,
        entries,
        correlations: None,
        groups: Some(EntryGroups {
            entry_of: &entry_of,
            max_overlap: Some(1),
        }),
    };
    let model = TruncatedNormal::from_slate(&slate).unwrap();
    let (out, _) = simulate(
        &model,
        &input,
        &config(iterations, max_exposure),
        &StageContext::quiet(seed),
    )
    .unwrap();

    let cap = exposure_cap(max_exposure, entries);
    let allowed = |ours: &[usize], j: usize| {
        let shares = |a: usize, b: usize| {
            candidates[a]
                .players
                .iter()
                .filter(|p| candidates[b].players.contains(p))
                .count()
        };
        !ours.iter().any(|&k| entry_of[k] == entry_of[j])
            && ours.iter().all(|&k| shares(j, k) <= 1)
            && candidates[j].players.iter().all(|&p| {
                p == 0
                    || ours
                        .iter()
                        .filter(|&&k| candidates[k].players.contains(&p))
                        .count()
                        < cap as usize
            })
    };
    let points = pass_a_points(&slate, seed, iterations);
    let index_of = |id: u32| candidates.iter().position(|c| c.lineup_id == id).unwrap();
    let mut ours: Vec<usize> = Vec::new();
    for (step, &id) in out.selected.iter().enumerate() {
        let pick = index_of(id);
        assert!(
            allowed(&ours, pick),
            "step {step}: lineup {id} breaks a rule"
        );
        let best = (0..candidates.len())
            .filter(|&j| allowed(&ours, j))
            .map(|j| {
                let mut with = ours.clone();
                with.push(j);
                brute_total(&points, &field, &candidates, &contest, &with)
            })
            .fold(f64::NEG_INFINITY, f64::max);
        let mut with = ours.clone();
        with.push(pick);
        let total = brute_total(&points, &field, &candidates, &contest, &with);
        assert!(
            (total - best).abs() <= 1e-9 * best.abs().max(1.0),
            "step {step}: picked lineup {id} worth {total} but the best allowed is {best}"
        );
        ours.push(pick);
    }
    // Greedy stops only when no allowed candidate is left.
    assert!(
        (0..candidates.len()).all(|j| ours.contains(&j) || !allowed(&ours, j)),
        "an allowed candidate was left"
    );
    assert!(ours.len() >= 3, "{} picks", ours.len());
    // The started player is in every pick, beyond the cap.
    assert!(ours.len() > cap as usize);
}

#[test]
fn selection_spreads_out_where_top_n_stacks_up() {
    // Two pairs of volatile stars: A (players 0, 1) a little better than B (2, 3),
    // and steady role players 4..14. A lineup with a star pair has the best ROI
    // alone, but the lineups of one pair boom and bust together: in a top-heavy
    // contest a second A lineup mostly takes second place from the first, while a
    // B lineup wins in other worlds.
    let mut players = vec![(22.0, 22.0), (22.0, 22.0), (20.0, 22.0), (20.0, 22.0)];
    players.extend([(19.0, 6.0); 10]);
    let slate = slate(&players);
    let role: Vec<u32> = (4..14).collect();
    let field: Vec<FieldEntrant> = triples(&role)
        .iter()
        .enumerate()
        .map(|(i, l)| entrant(l, 1 + (i as u32 % 4)))
        .chain((4..14).map(|p| entrant(&[p % 4, p, if p == 13 { 4 } else { p + 1 }], 1)))
        .collect();
    let candidates: Vec<CandidateLineup> = (4..14)
        .map(|p| candidate(p - 4, &[0, 1, p]))
        .chain((4..14).map(|p| candidate(p + 6, &[2, 3, p])))
        .collect();
    let field_total: u32 = field.iter().map(|e| e.copies).sum();
    let entries = 6;
    let contest = contest(
        10.0,
        field_total + entries,
        &[
            (1, 1, 3000.0),
            (2, 2, 300.0),
            (3, 3, 150.0),
            (4, 10, 40.0),
            (11, 40, 15.0),
        ],
    );
    let input = SimInput {
        slate: &slate,
        contest: &contest,
        candidates: &candidates,
        field: &field,
        entries,
        correlations: None,
        groups: None,
    };
    let model = TruncatedNormal::from_slate(&slate).unwrap();
    let (out, _) = simulate(&model, &input, &config(6000, 1.0), &StageContext::quiet(5)).unwrap();
    let m = &out.metrics;
    let pair_a = |id: u32| id < 10;
    eprintln!(
        "selected {:?}: ROI {:.4}; top-{} by ROI: {:.4} ({} shared)",
        out.selected,
        m.roi_mean,
        m.top_n_baseline.entries,
        m.top_n_baseline.roi_mean,
        m.top_n_baseline.shared_entries
    );
    // Top N by single ROI takes pair A only; the marginal choice takes both pairs.
    let mut by_roi: Vec<_> = out.results.iter().collect();
    by_roi.sort_by(|a, b| b.roi_mean.total_cmp(&a.roi_mean));
    assert!(
        by_roi[..entries as usize]
            .iter()
            .all(|r| pair_a(r.lineup_id))
    );
    let from_a = out.selected.iter().filter(|&&id| pair_a(id)).count();
    assert!(
        (1..entries as usize).contains(&from_a),
        "selected {:?}",
        out.selected
    );
    assert!(m.top_n_baseline.shared_entries < entries);
    // And on fresh draws the spread-out portfolio earns more.
    assert!(
        m.roi_mean > m.top_n_baseline.roi_mean,
        "marginal {} vs top-N {}",
        m.roi_mean,
        m.top_n_baseline.roi_mean
    );
}
