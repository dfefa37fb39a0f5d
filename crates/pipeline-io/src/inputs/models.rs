//! The project's own models for what a projection file may not give: std dev and
//! projected ownership. Pure functions of the slate's numbers, so they are easy to
//! test and to replace.

/// Smallest std dev given to a player projected above 0 (fantasy points). Keeps a
/// tiny projection from turning into a certainty in the simulator.
pub const MIN_STD_DEV: f64 = 0.1;

/// Exponent of points per $1K in the ownership weight (see [`ownership_weight`]).
pub const VALUE_EXPONENT: i32 = 3;

/// Std dev of a player's fantasy points when the provider gives none:
/// `ratio * projection` (the sport's `default_std_dev_ratio`), at least
/// [`MIN_STD_DEV`] for a player projected above 0, and 0 for a player projected
/// at 0 (or below, or not a number): nobody expects him to play.
///
/// Why proportional: fantasy scores are sums of many counting stats, and their
/// spread grows with the mean; one ratio per sport matches provider std devs well
/// (NBA ~0.30, NFL ~0.45, see `configs/sports/*.yaml`).
pub fn std_dev(projection: f64, ratio: f64) -> f64 {
    if projection.is_nan() || projection <= 0.0 {
        return 0.0;
    }
    (ratio * projection).max(MIN_STD_DEV)
}

/// Unnormalised ownership weight of a player: `projection * value^3`, where
/// value = projection per $1,000 of salary.
///
/// Why: the field builds lineups under a salary cap, so it crowds onto players who
/// score the most per dollar (value), and among equal values onto those who score
/// the most outright (a 50-point star at 5x beats a 15-point punt at 5x). The cube
/// makes ownership concentrate the way real GPP ownership does: the best values of
/// a slate draw 30-60%, players a little below them single digits. Players projected
/// at 0 (or below) get weight 0.
pub fn ownership_weight(projection: f64, salary: u32) -> f64 {
    if projection.is_nan() || projection <= 0.0 {
        return 0.0;
    }
    let thousands = (f64::from(salary) / 1000.0).max(0.1);
    let value = projection / thousands;
    projection * value.powi(VALUE_EXPONENT)
}

/// Projected ownership of every player, from `(projection, salary)` pairs.
///
/// Weights come from [`ownership_weight`] and are normalised so that the total is
/// `roster_size`: every lineup in the field rosters `roster_size` players, so
/// ownership sums to 100% per roster slot. No player can be in more than 100% of
/// lineups, so each share is capped at 1.0 and the excess is handed to the others
/// in proportion to their weights (see [`normalise_capped`]). Players projected at
/// 0 get 0.
pub fn ownership(players: &[(f64, u32)], roster_size: usize) -> Vec<f64> {
    let weights: Vec<f64> = players
        .iter()
        .map(|&(p, s)| ownership_weight(p, s))
        .collect();
    normalise_capped(&weights, roster_size as f64)
}

/// Scales non-negative `weights` to shares summing to `total`, no share above 1.
///
/// Water-filling: scale the uncapped weights to the remaining total; any share that
/// lands above 1 is fixed at 1 and the rest is scaled again, until none exceeds 1.
/// Zero weights stay 0. If fewer than `total` players have a positive weight, all of
/// them get 1 and the sum falls short of `total` (nothing else is possible).
pub fn normalise_capped(weights: &[f64], total: f64) -> Vec<f64> {
    let clean: Vec<f64> = weights
        .iter()
        .map(|&w| if w.is_finite() && w > 0.0 { w } else { 0.0 })
        .collect();
    let mut shares = vec![0.0; clean.len()];
    let mut capped = vec![false; clean.len()];
    loop {
        let remaining = total - capped.iter().filter(|&&c| c).count() as f64;
        let free_weight: f64 = clean
            .iter()
            .zip(&capped)
            .filter(|(_, c)| !**c)
            .map(|(w, _)| w)
            .sum();
        if remaining <= 0.0 || free_weight <= 0.0 {
            break;
        }
        let mut newly_capped = false;
        for i in 0..clean.len() {
            if capped[i] {
                continue;
            }
            let share = clean[i] / free_weight * remaining;
            if share > 1.0 {
                capped[i] = true;
                newly_capped = true;
            }
        }
        if !newly_capped {
            for i in 0..clean.len() {
                if !capped[i] {
                    shares[i] = clean[i] / free_weight * remaining;
                }
            }
            break;
        }
    }
    for (share, _) in shares.iter_mut().zip(&capped).filter(|(_, c)| **c) {
        *share = 1.0;
    }
    shares
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn std_dev_is_proportional_with_a_floor() {
        assert!((std_dev(40.0, 0.3) - 12.0).abs() < 1e-12);
        assert_eq!(std_dev(0.1, 0.3), MIN_STD_DEV);
        assert_eq!(std_dev(0.0, 0.3), 0.0);
        assert_eq!(std_dev(-2.0, 0.3), 0.0);
    }

    #[test]
    fn ownership_sums_to_roster_size_and_caps_at_one() {
        // One monster value play that would take > 100% uncapped.
        let mut players = vec![(60.0, 3000), (0.0, 3000), (55.0, 11000), (48.0, 10000)];
        for i in 0..40u32 {
            players.push((10.0 + f64::from(i), 3000 + 150 * i));
        }
        let own = ownership(&players, 8);
        let sum: f64 = own.iter().sum();
        assert!((sum - 8.0).abs() < 1e-9, "sum {sum}");
        assert!(own.iter().all(|&o| (0.0..=1.0).contains(&o)));
        assert_eq!(own[0], 1.0);
        assert_eq!(own[1], 0.0);
        // A better value at the same salary is owned more.
        assert!(own[10] > own[9]);
    }

    #[test]
    fn too_few_players_all_capped() {
        let own = normalise_capped(&[1.0, 2.0, 0.0], 8.0);
        assert_eq!(own, [1.0, 1.0, 0.0]);
    }
}
