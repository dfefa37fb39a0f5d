//! Our entries paid among a real contest's field.

use gpp_sim::{TOP_SHARE, pay_iteration};
use schemas::Contest;
use serde::Serialize;

use crate::ScoreQuantiles;
use crate::error::{CalibrationError, check_finite};

/// Entries scored among a real contest's field.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Scored {
    /// Our entries.
    pub entries: u32,
    /// Real entries with a full lineup: the field ours join.
    pub real_entries: u64,
    /// Total entry fees of ours.
    pub fees: f64,
    /// What ours won in all.
    pub winnings: f64,
    /// `winnings / fees - 1`.
    pub realized_roi: f64,
    /// What ours won with each entry's prize capped at the prize of the last
    /// top-1% place ([`TOP_SHARE`]), and the ROI of that, as the simulator's
    /// `capped_roi_mean`.
    pub capped_winnings: f64,
    pub capped_roi: f64,
    /// Our entries that won a prize.
    pub cashed: u32,
    /// Best place one of ours took (1 = first; ties take the best place they span).
    pub best_place: u64,
    /// Mean over our entries of their finish percentile, as the simulator
    /// counts it: entries above plus half of those tied, over all the other
    /// entries (0 = first, 1 = last).
    pub mean_finish_percentile: f64,
    /// Our players whom no real entry drafted: the standings do not give
    /// their points, and they count 0. Left empty by [`score_among_field`],
    /// which sees only scores; the caller, who matched the names, fills it.
    pub unknown_players: Vec<String>,
    /// Our entries' actual scores.
    pub ours: ScoreQuantiles,
    /// The real field's scores.
    pub field: ScoreQuantiles,
    /// Our entries that finished in the top 1% ([`TOP_SHARE`]) of all
    /// entries: finish percentile below 0.01.
    pub top1: u32,
    /// Each of our entries' finish percentile, in the order given.
    pub finish_percentiles: Vec<f64>,
    /// What each of our entries won, in the order given.
    pub payouts: Vec<f64>,
}

/// Fantasy points to the cent, as DraftKings shows them: sums of a lineup's
/// players then compare equal to DraftKings' own totals.
fn to_score(points: f64) -> f32 {
    ((points * 100.0).round() / 100.0) as f32
}

/// Pays our entries among a real contest's field: `field` holds the real
/// entries' DraftKings points, `ours` our entries' actual points, one entry
/// each. Everyone is scored to the cent and ranked in one contest, and each
/// tie group, ours and real together, is paid the average prize of the places
/// it spans by `contest`'s table ([`gpp_sim::pay_iteration`]).
///
/// Fails when `ours` or `field` is empty or holds a value that is not finite.
pub fn score_among_field(
    contest: &Contest,
    field: &[f64],
    ours: &[f64],
) -> Result<Scored, CalibrationError> {
    if ours.is_empty() {
        return Err(CalibrationError::Empty("entries of ours to score"));
    }
    if field.is_empty() {
        return Err(CalibrationError::Empty("real entries to score ours among"));
    }
    check_finite("real entry score", field)?;
    check_finite("our entry score", ours)?;

    // Everyone in one contest: the real field, then ours.
    let scores: Vec<f32> = field.iter().chain(ours).map(|&p| to_score(p)).collect();
    let copies = vec![1u32; scores.len()];
    let placings = pay_iteration(&contest.ladder(), &scores, &copies);
    let ours_placed = &placings[field.len()..];
    let payouts: Vec<f64> = ours_placed.iter().map(|p| p.payout).collect();
    let winnings: f64 = payouts.iter().sum();
    let cap = contest
        .ladder()
        .prize_at_share(TOP_SHARE, scores.len() as u64);
    let capped_winnings: f64 = payouts.iter().map(|&p| p.min(cap)).sum();
    let fees = contest.entry_fee * ours.len() as f64;
    // As the simulator counts it: entries above plus half the others tied, over the others.
    let others = (scores.len() - 1).max(1) as f64;
    let finish_percentiles: Vec<f64> = ours_placed
        .iter()
        .map(|p| (p.better as f64 + p.tied.saturating_sub(1) as f64 / 2.0) / others)
        .collect();
    let mean_finish_percentile =
        finish_percentiles.iter().sum::<f64>() / finish_percentiles.len() as f64;
    Ok(Scored {
        entries: ours.len() as u32,
        real_entries: field.len() as u64,
        fees,
        winnings,
        realized_roi: if fees > 0.0 {
            winnings / fees - 1.0
        } else {
            0.0
        },
        capped_winnings,
        capped_roi: if fees > 0.0 {
            capped_winnings / fees - 1.0
        } else {
            0.0
        },
        cashed: payouts.iter().filter(|&&w| w > 0.0).count() as u32,
        best_place: ours_placed.iter().map(|p| p.better + 1).min().unwrap_or(0),
        mean_finish_percentile,
        unknown_players: Vec::new(),
        ours: ScoreQuantiles::of(ours.iter().map(|&p| (p, 1)).collect()),
        field: ScoreQuantiles::of(field.iter().map(|&p| (p, 1)).collect()),
        top1: finish_percentiles
            .iter()
            .filter(|&&f| f < TOP_SHARE)
            .count() as u32,
        finish_percentiles,
        payouts,
    })
}

#[cfg(test)]
mod tests {
    use schemas::PayoutTier;

    use super::*;

    /// 10 entries, $5 each; places 1: 50, 2: 30, 3: 20, 4-5: 10.
    fn contest() -> Contest {
        let tier = |first, last, prize| PayoutTier { first, last, prize };
        Contest {
            id: "c".into(),
            name: "ten".into(),
            entry_fee: 5.0,
            field_size: 10,
            max_entries: 3,
            payouts: vec![
                tier(1, 1, 50.0),
                tier(2, 2, 30.0),
                tier(3, 3, 20.0),
                tier(4, 5, 10.0),
            ],
        }
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    #[test]
    fn ten_entries_by_hand_ties_split_at_the_cent() {
        let field = [100.0, 90.0, 90.0, 80.0, 70.0, 60.0, 50.0];
        // 89.996 shows as 90.00 on DraftKings: it ties the two real 90s.
        let ours = [110.0, 89.996, 55.0];
        let s = score_among_field(&contest(), &field, &ours).unwrap();
        // Order: 110 (ours), 100, 90 x3 (two real, ours), 80, 70, 60, 55 (ours), 50.
        // The tie spans places 3-5: (20 + 10 + 10) / 3 each.
        let tie = 40.0 / 3.0;
        assert_eq!(s.payouts.len(), 3);
        assert!(close(s.payouts[0], 50.0) && close(s.payouts[1], tie));
        assert_eq!(s.payouts[2], 0.0);
        assert!(close(s.winnings, 50.0 + tie));
        assert!(close(s.fees, 15.0));
        assert!(close(s.realized_roi, (50.0 + tie) / 15.0 - 1.0));
        assert_eq!(
            (s.entries, s.real_entries, s.cashed, s.best_place),
            (3, 7, 2, 1)
        );
        // Percentiles over the 9 others: first 0; the tie 2 above + 2/2 tied; 8 above.
        let expect = [0.0, 3.0 / 9.0, 8.0 / 9.0];
        for (got, want) in s.finish_percentiles.iter().zip(expect) {
            assert!(close(*got, want), "{:?}", s.finish_percentiles);
        }
        assert!(close(s.mean_finish_percentile, 11.0 / 27.0));
        assert_eq!(s.top1, 1, "only the winner is in the top 1%");
        // Quantiles of the raw points, not the cents.
        assert_eq!((s.ours.entries, s.ours.p50, s.ours.max), (3, 89.996, 110.0));
        assert_eq!((s.field.entries, s.field.max), (7, 100.0));
        assert!(s.unknown_players.is_empty());
        // Ten entrants: the top 1% is place 1, whose prize caps nothing here.
        assert!(close(s.capped_winnings, s.winnings) && close(s.capped_roi, s.realized_roi));
    }

    #[test]
    fn the_capped_roi_pays_no_prize_above_the_last_top_one_percent_place() {
        // 148 entrants: the top 1% ends at place 2 (30), so our win counts 30.
        let field = [10.0; 146];
        let s = score_among_field(&contest(), &field, &[110.0, 90.0]).unwrap();
        assert!(close(s.winnings, 80.0) && close(s.capped_winnings, 60.0));
        assert!(close(s.realized_roi, 80.0 / 10.0 - 1.0));
        assert!(close(s.capped_roi, 60.0 / 10.0 - 1.0));
    }

    #[test]
    fn the_prize_pool_is_paid_when_all_tie() {
        // Ten equal scores share the whole pool (50 + 30 + 20 + 10 + 10) equally.
        let s = score_among_field(&contest(), &[70.0; 8], &[70.0, 70.0]).unwrap();
        assert!(s.payouts.iter().all(|&w| close(w, 12.0)), "{:?}", s.payouts);
        // Nobody above, 9 tied others: 4.5 / 9.
        assert!(s.finish_percentiles.iter().all(|&f| close(f, 0.5)));
        assert_eq!((s.best_place, s.top1, s.cashed), (1, 0, 2));
    }

    #[test]
    fn bad_inputs_are_named() {
        let c = contest();
        assert_eq!(
            score_among_field(&c, &[1.0], &[]),
            Err(CalibrationError::Empty("entries of ours to score"))
        );
        assert!(matches!(
            score_among_field(&c, &[], &[1.0]),
            Err(CalibrationError::Empty(_))
        ));
        assert!(matches!(
            score_among_field(&c, &[1.0, f64::NAN], &[1.0]),
            Err(CalibrationError::NotFinite { index: 1, .. })
        ));
    }
}
