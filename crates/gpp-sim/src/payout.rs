//! Scoring lineups and paying one ranked iteration with ties split.

use schemas::PrizeLadder;

/// A lineup's score: its players' points summed in the order given.
///
/// Callers pass the lineup's *sorted* player indices, so two entries of the
/// same player set add the same floats in the same order and tie exactly.
pub fn lineup_score(points: &[f32], sorted_players: &[u32]) -> f32 {
    sorted_players
        .iter()
        .fold(0.0f32, |acc, &p| acc + points[p as usize])
}

/// Where one entrant (a unique lineup, possibly entered several times) finished
/// in one iteration, and what each of its entries won.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Placing {
    /// Prize per entry: the tied share of the places its tie group spans.
    pub payout: f64,
    /// Entries (all entrants' copies) that scored strictly higher.
    pub better: u64,
    /// Entries in its tie group, its own copies included.
    pub tied: u64,
}

/// Ranks one iteration's entrants and pays them.
///
/// `scores[i]` is entrant `i`'s score and `copies[i]` how many entries hold it
/// (the two slices have the same length). Entrants are ranked by score, higher
/// first; every group of equal scores, spanning places `better+1 ..=
/// better+tied`, is paid [`PrizeLadder::tied_share`]. Returns one [`Placing`]
/// per entrant, in input order.
pub fn pay_iteration(ladder: &PrizeLadder, scores: &[f32], copies: &[u32]) -> Vec<Placing> {
    let mut ranker = Ranker::default();
    let mut out = Vec::new();
    ranker.rank(ladder, scores, copies, &mut out);
    out
}

/// Reusable buffers for [`pay_iteration`], so the simulator's inner loop does not allocate.
#[derive(Debug, Default)]
pub(crate) struct Ranker {
    keys: Vec<u64>,
}

impl Ranker {
    /// As [`pay_iteration`], writing into `out`; returns the total paid to all entries.
    ///
    /// Entrants beyond `u32::MAX` are not supported (the simulator validates this).
    pub(crate) fn rank(
        &mut self,
        ladder: &PrizeLadder,
        scores: &[f32],
        copies: &[u32],
        out: &mut Vec<Placing>,
    ) -> f64 {
        let n = scores.len().min(copies.len());
        self.keys.clear();
        self.keys.extend(
            scores[..n]
                .iter()
                .enumerate()
                .map(|(i, &s)| (u64::from(desc_key(s)) << 32) | i as u64),
        );
        self.keys.sort_unstable();
        out.clear();
        out.resize(
            n,
            Placing {
                payout: 0.0,
                better: 0,
                tied: 0,
            },
        );
        let mut total = 0.0;
        let mut better = 0u64;
        for group in self
            .keys
            .chunk_by(|a, b| scores[entrant(*a)] == scores[entrant(*b)])
        {
            let tied: u64 = group.iter().map(|&k| u64::from(copies[entrant(k)])).sum();
            let span = ladder.span_total(better as usize, tied as usize);
            total += span;
            let payout = if tied == 0 { 0.0 } else { span / tied as f64 };
            for &k in group {
                out[entrant(k)] = Placing {
                    payout,
                    better,
                    tied,
                };
            }
            better += tied;
        }
        total
    }
}

fn entrant(key: u64) -> usize {
    (key & u64::from(u32::MAX)) as usize
}

/// A `u32` whose ascending order is the descending order of `score`
/// (IEEE total order, so sorting plain integers ranks scores best first).
pub(crate) fn desc_key(score: f32) -> u32 {
    let b = score.to_bits();
    let ascending = if b & 0x8000_0000 != 0 {
        !b
    } else {
        b | 0x8000_0000
    };
    !ascending
}

/// Inverse of [`desc_key`].
#[cfg(test)]
fn score_of_key(key: u32) -> f32 {
    let ascending = !key;
    let b = if ascending & 0x8000_0000 != 0 {
        ascending & 0x7fff_ffff
    } else {
        !ascending
    };
    f32::from_bits(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_order_scores_descending_and_round_trip() {
        let xs = [-3.5f32, -0.0, 0.0, 1e-30, 2.0, 2.5, 100.0, f32::MAX];
        for w in xs.windows(2) {
            assert!(desc_key(w[0]) > desc_key(w[1]), "{} vs {}", w[0], w[1]);
        }
        for &x in &xs {
            assert_eq!(score_of_key(desc_key(x)).to_bits(), x.to_bits());
        }
    }
}
