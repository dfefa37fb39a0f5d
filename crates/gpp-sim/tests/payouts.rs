//! The pure paying function: ties split, payouts sum to the prize pool.

mod common;

use common::*;
use gpp_sim::{TruncatedNormal, draw_iteration, lineup_score, pay_iteration};
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64Mcg;

#[test]
fn hand_computed_ties() {
    // Pool: 100 + 2x50 + 2x20 + 5x5 = 265 over 14 entries.
    let c = contest(
        10.0,
        14,
        &[(1, 1, 100.0), (2, 3, 50.0), (4, 5, 20.0), (6, 10, 5.0)],
    );
    let ladder = c.ladder();
    // Entrants out of order: (score, copies, expected payout per entry, better, tied).
    let table: [(f32, u32, f64, u64, u64); 6] = [
        (80.0, 4, (20.0 + 5.0 + 5.0 + 5.0) / 4.0, 4, 4), // places 5-8
        (90.0, 2, (50.0 + 50.0 + 20.0) / 3.0, 1, 3),     // 2 copies tied with the next: places 2-4
        (100.0, 1, 100.0, 0, 1),                         // alone in first
        (90.0, 1, 40.0, 1, 3),                           // another lineup in the same tie
        (60.0, 3, 0.0, 11, 3),                           // places 12-14: unpaid
        (70.0, 3, 10.0 / 3.0, 8, 3),                     // places 9-11: 5 + 5 + 0
    ];
    let scores: Vec<f32> = table.iter().map(|r| r.0).collect();
    let copies: Vec<u32> = table.iter().map(|r| r.1).collect();
    let placings = pay_iteration(&ladder, &scores, &copies);
    for (p, row) in placings.iter().zip(&table) {
        assert!((p.payout - row.2).abs() < 1e-12, "score {}: {p:?}", row.0);
        assert_eq!((p.better, p.tied), (row.3, row.4), "score {}", row.0);
    }
    let total: f64 = placings
        .iter()
        .zip(&copies)
        .map(|(p, &c)| p.payout * f64::from(c))
        .sum();
    assert!((total - c.prize_pool()).abs() < 1e-9);
}

#[test]
fn payouts_sum_to_the_prize_pool_when_full() {
    // 40 unique lineups, 200 entries in all, 45 paid places.
    let s = varied_slate(12);
    let model = TruncatedNormal::from_slate(&s).unwrap();
    let lineups = triples(&(0..12).collect::<Vec<u32>>());
    let lineups = &lineups[..40];
    let copies: Vec<u32> = (0..40).map(|i| 1 + (i * 3 % 9)).collect();
    let size: u32 = copies.iter().sum();
    let c = contest(
        5.0,
        size,
        &[(1, 1, 150.0), (2, 5, 40.0), (6, 15, 12.0), (16, 45, 6.0)],
    );
    c.validate().unwrap();
    assert!(c.paid_places() <= size);
    let ladder = c.ladder();
    let pool = c.prize_pool();
    let mut rng = Pcg64Mcg::seed_from_u64(7);
    let mut points = vec![0.0f32; s.players.len()];
    for it in 0..2_000u64 {
        let mut scores: Vec<f32> = if it % 2 == 0 {
            draw_iteration(&model, 42, it, &mut points);
            lineups.iter().map(|l| lineup_score(&points, l)).collect()
        } else {
            // Coarse scores: many ties, some spanning the paid/unpaid boundary.
            (0..40)
                .map(|_| f32::from(rng.random_range(0u8..6)))
                .collect()
        };
        if it % 5 == 0 {
            scores.iter_mut().for_each(|x| *x = x.round());
        }
        let placings = pay_iteration(&ladder, &scores, &copies);
        let total: f64 = placings
            .iter()
            .zip(&copies)
            .map(|(p, &c)| p.payout * f64::from(c))
            .sum();
        assert!(
            (total - pool).abs() < 1e-9 * pool,
            "iteration {it}: {total} != {pool}"
        );
        // Ranks are consistent: better = entries strictly above.
        for (i, p) in placings.iter().enumerate() {
            let above: u64 = scores
                .iter()
                .zip(&copies)
                .filter(|(s, _)| **s > scores[i])
                .map(|(_, &c)| u64::from(c))
                .sum();
            assert_eq!(p.better, above);
        }
    }
}
