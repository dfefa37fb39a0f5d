//! Lineups on actual points, and a sampled field's ownership against a real one.

use schemas::Player;
use serde::Serialize;

use crate::ScoreQuantiles;
use crate::error::{CalibrationError, check_finite};

/// A lineup's actual score: the sum of its players' points (`points` is
/// indexed by slate row, `None` where the points are unknown), and the players
/// whose points are unknown, in lineup order; they add nothing. An index past
/// `points` counts as unknown.
pub fn lineup_points(
    points: &[Option<f64>],
    players: impl IntoIterator<Item = usize>,
) -> (f64, Vec<usize>) {
    let mut sum = 0.0;
    let mut unknown = Vec::new();
    for i in players {
        match points.get(i).copied().flatten() {
            Some(p) => sum += p,
            None => unknown.push(i),
        }
    }
    (sum, unknown)
}

/// A field's lineups on actual points.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FieldScores {
    /// Over the entries whose every player's points are known.
    pub scored: ScoreQuantiles,
    /// Entries left out: they hold a player whose points are unknown.
    pub unscored: u64,
}

/// Scores a field's lineups, `(slate rows, copies)` each, on actual points
/// ([`lineup_points`]); a lineup with a player whose points are unknown is
/// left out rather than scored low.
pub fn field_scores<'a>(
    points: &[Option<f64>],
    lineups: impl IntoIterator<Item = (&'a [u32], u32)>,
) -> FieldScores {
    let mut unscored = 0;
    let mut scored = Vec::new();
    for (players, copies) in lineups {
        match lineup_points(points, players.iter().map(|&i| i as usize)) {
            (s, unknown) if unknown.is_empty() => scored.push((s, u64::from(copies))),
            _ => unscored += u64::from(copies),
        }
    }
    FieldScores {
        scored: ScoreQuantiles::of(scored),
        unscored,
    }
}

/// How densely a field surrounds some reference lineups (a slate's best by
/// the projections, say): per reference lineup, the field entries sharing
/// exactly `roster - 2`, `roster - 1` and all `roster` of its players. Real
/// fields hold many entries built like an optimizer's best; a sampled field
/// without them lets a simulated win go uncontested.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Neighbours {
    /// Entries per reference lineup sharing all but two of its players.
    pub all_but_two: f64,
    /// Sharing all but one.
    pub all_but_one: f64,
    /// Holding the same players (copies).
    pub same: f64,
}

/// [`Neighbours`] of the `reference` lineups (slate rows, each a set of
/// `roster` players) in a field of `(slate rows, copies)` lineups. Player
/// order does not matter; `None` without a reference lineup.
pub fn neighbours<'a>(
    reference: &[Vec<u32>],
    roster: usize,
    field: impl IntoIterator<Item = (&'a [u32], u32)>,
) -> Option<Neighbours> {
    if reference.is_empty() {
        return None;
    }
    let sorted = |l: &[u32]| {
        let mut v = l.to_vec();
        v.sort_unstable();
        v
    };
    let reference: Vec<Vec<u32>> = reference.iter().map(|l| sorted(l)).collect();
    let mut counts = [0u64; 3];
    for (players, copies) in field {
        let players = sorted(players);
        for r in &reference {
            let shared = players
                .iter()
                .filter(|p| r.binary_search(p).is_ok())
                .count();
            if let Some(k) = (shared + 2).checked_sub(roster).filter(|&k| k < 3) {
                counts[k] += u64::from(copies);
            }
        }
    }
    let per = |k: usize| counts[k] as f64 / reference.len() as f64;
    Some(Neighbours {
        all_but_two: per(0),
        all_but_one: per(1),
        same: per(2),
    })
}

/// The mean lineup projection of a field, `sum over players of ownership x
/// projection` (the slate's projections): how strong a field's picks are by
/// the projections, read from who it owns. Real against projected ownership
/// says whether the projected ownership (the sampler's calibration target)
/// sees the real field's strength.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct LineupProjection {
    /// By the real field's `%Drafted` (over the filled lineups).
    pub real: f64,
    /// By the slate's projected ownership.
    pub projected: f64,
    /// By the sampled field's ownership.
    pub sampled: f64,
}

/// A sampled field's and the projection's ownership against the real field's.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OwnershipComparison {
    /// Mean absolute error, in points, of sampled against real ownership over matched players.
    pub ownership_mae_vs_real: f64,
    /// Same, of projected against real (how far the projection itself was off).
    pub projected_mae_vs_real: f64,
    /// Real players matched to a slate row.
    pub players_matched: u32,
    pub lineup_projection: LineupProjection,
}

/// Compares ownership over a slate's `players`:
/// - `sampled[i]`: the sampled field's share of lineups holding slate row `i`;
/// - `real`: each real player matched to a slate row, `(row, %Drafted / 100)`,
///   as DraftKings counts it: over all `entries`, lineups never filled
///   included. Shares are rescaled to the `filled` lineups, the field that
///   plays.
///
/// Fails when `sampled` does not pair with `players`, a row is past the
/// slate, a share is not finite, or no lineup was filled.
pub fn compare_ownership(
    players: &[Player],
    sampled: &[f64],
    real: &[(usize, f64)],
    entries: u64,
    filled: u64,
) -> Result<OwnershipComparison, CalibrationError> {
    if sampled.len() != players.len() {
        return Err(CalibrationError::LengthMismatch {
            what: "sampled ownership of slate players",
            expected: players.len(),
            found: sampled.len(),
        });
    }
    check_finite("sampled ownership of slate row", sampled)?;
    if filled == 0 {
        return Err(CalibrationError::Empty("filled lineups in the real field"));
    }
    // Real %Drafted counts empty lineups in the denominator; rescale to filled ones.
    let scale = entries as f64 / filled as f64;
    let (mut vs_real, mut proj_vs_real, mut matched) = (0.0, 0.0, 0u32);
    let mut real_projection = 0.0;
    for (k, &(i, drafted)) in real.iter().enumerate() {
        let Some(player) = players.get(i) else {
            return Err(CalibrationError::PlayerIndex {
                index: i,
                players: players.len(),
            });
        };
        if !drafted.is_finite() {
            return Err(CalibrationError::NotFinite {
                what: "real ownership of matched player",
                index: k,
                value: drafted,
            });
        }
        let real_share = drafted * scale;
        real_projection += real_share * player.projection;
        vs_real += (sampled[i] - real_share).abs();
        proj_vs_real += (player.ownership - real_share).abs();
        matched += 1;
    }
    let mean_projection = |share: &dyn Fn(usize, &Player) -> f64| -> f64 {
        players
            .iter()
            .enumerate()
            .map(|(i, p)| share(i, p) * p.projection)
            .sum()
    };
    let mean = |sum: f64| {
        if matched == 0 {
            0.0
        } else {
            100.0 * sum / f64::from(matched)
        }
    };
    Ok(OwnershipComparison {
        ownership_mae_vs_real: mean(vs_real),
        projected_mae_vs_real: mean(proj_vs_real),
        players_matched: matched,
        lineup_projection: LineupProjection {
            real: real_projection,
            projected: mean_projection(&|_, p| p.ownership),
            sampled: mean_projection(&|i, _| sampled[i]),
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    #[test]
    fn lineups_sum_known_points_and_name_the_unknown() {
        let points = [Some(10.0), None, Some(2.5), Some(-1.0)];
        assert_eq!(lineup_points(&points, [0, 2, 3]), (11.5, vec![]));
        assert_eq!(lineup_points(&points, [1, 0, 9]), (10.0, vec![1, 9]));
    }

    #[test]
    fn fields_leave_out_lineups_with_unknown_points_copies_counted() {
        let points = [Some(10.0), None, Some(2.0), Some(30.0)];
        let lineups: [(&[u32], u32); 3] = [(&[0, 2], 3), (&[0, 1], 2), (&[3, 2], 1)];
        let f = field_scores(&points, lineups);
        assert_eq!(f.unscored, 2);
        // Four entries: 12, 12, 12, 32.
        assert_eq!(
            (f.scored.entries, f.scored.p50, f.scored.max),
            (4, 12.0, 32.0)
        );
    }

    #[test]
    fn neighbours_count_copies_by_players_shared_in_any_order() {
        // Reference lineups of 4 players; a field of 6 distinct lineups.
        let reference = vec![vec![1, 2, 3, 4], vec![5, 6, 7, 8]];
        let field: [(&[u32], u32); 6] = [
            (&[4, 3, 2, 1], 5),   // the first, reordered: 5 copies
            (&[1, 2, 3, 9], 2),   // 3 of the first
            (&[1, 2, 9, 10], 1),  // 2 of the first
            (&[1, 9, 10, 11], 7), // 1: counts nowhere
            (&[5, 6, 7, 1], 1),   // 3 of the second, 1 of the first
            (&[5, 6, 2, 3], 4),   // 2 of each
        ];
        let n = neighbours(&reference, 4, field).unwrap();
        // Per reference lineup: (1 + 4 + 4) / 2, (2 + 1) / 2, 5 / 2.
        assert_eq!((n.all_but_two, n.all_but_one, n.same), (4.5, 1.5, 2.5));
        assert_eq!(neighbours(&[], 4, field), None);
    }

    #[test]
    fn neighbours_agree_with_a_brute_force_count() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_pcg::Pcg64Mcg::seed_from_u64(7);
        let lineup = |rng: &mut rand_pcg::Pcg64Mcg| {
            let mut l: Vec<u32> = Vec::new();
            while l.len() < 8 {
                let p = rng.random_range(0..14);
                if !l.contains(&p) {
                    l.push(p);
                }
            }
            l
        };
        let reference: Vec<Vec<u32>> = (0..5).map(|_| lineup(&mut rng)).collect();
        let field: Vec<(Vec<u32>, u32)> = (0..300)
            .map(|_| (lineup(&mut rng), rng.random_range(1..4)))
            .collect();
        let n = neighbours(&reference, 8, field.iter().map(|(l, c)| (l.as_slice(), *c))).unwrap();
        let mut brute = [0u32; 9];
        for r in &reference {
            for (l, c) in &field {
                brute[l.iter().filter(|p| r.contains(p)).count()] += c;
            }
        }
        let per = |k: usize| f64::from(brute[k]) / 5.0;
        assert_eq!(
            (n.all_but_two, n.all_but_one, n.same),
            (per(6), per(7), per(8))
        );
        assert!(
            n.all_but_two > 0.0,
            "the random field reaches 6 shared players"
        );
    }

    /// A player of `projection` points projected at `ownership`.
    fn player(projection: f64, ownership: f64) -> Player {
        Player {
            ownership,
            ..testkit::player(&testkit::nba_rules(), 0, "PG", 0, 5000, projection)
        }
    }

    #[test]
    fn ownership_errors_and_lineup_projections_by_hand() {
        let players = [player(40.0, 0.5), player(20.0, 0.2), player(10.0, 0.1)];
        let sampled = [0.6, 0.1, 0.3];
        // 100 entries, 80 filled: DraftKings' 40% is 50% of the filled field,
        // 8% is 10%. Row 2 was drafted by nobody real.
        let real = [(0, 0.40), (1, 0.08)];
        let c = compare_ownership(&players, &sampled, &real, 100, 80).unwrap();
        assert_eq!(c.players_matched, 2);
        // |0.6 - 0.5| + |0.1 - 0.1| over 2 players, in points.
        assert!(close(c.ownership_mae_vs_real, 5.0));
        // |0.5 - 0.5| + |0.2 - 0.1| over 2.
        assert!(close(c.projected_mae_vs_real, 5.0));
        let p = c.lineup_projection;
        assert!(close(p.real, 0.5 * 40.0 + 0.1 * 20.0));
        assert!(close(p.projected, 0.5 * 40.0 + 0.2 * 20.0 + 0.1 * 10.0));
        assert!(close(p.sampled, 0.6 * 40.0 + 0.1 * 20.0 + 0.3 * 10.0));

        let none = compare_ownership(&players, &sampled, &[], 100, 80).unwrap();
        assert_eq!((none.players_matched, none.ownership_mae_vs_real), (0, 0.0));
    }

    #[test]
    fn ownership_inputs_are_checked() {
        let players = [player(40.0, 0.5)];
        assert!(matches!(
            compare_ownership(&players, &[], &[], 1, 1),
            Err(CalibrationError::LengthMismatch { .. })
        ));
        assert_eq!(
            compare_ownership(&players, &[0.1], &[(3, 0.1)], 1, 1),
            Err(CalibrationError::PlayerIndex {
                index: 3,
                players: 1
            })
        );
        assert!(matches!(
            compare_ownership(&players, &[0.1], &[], 1, 0),
            Err(CalibrationError::Empty(_))
        ));
    }
}
