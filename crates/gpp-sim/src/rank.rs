//! Exact ranks against one iteration's field without sorting it.
//!
//! A contest's payout depends on each entry's rank, but a rank is only a count:
//! the entries that scored strictly higher (`better`) and the entries tied with
//! it (`tied`). [`FieldRanks`] answers both exactly for any score after two
//! linear passes over the field: scores go into a grid of buckets spanning the
//! iteration's lowest to highest score (best first), `above[b]` counts the
//! entries in better buckets, and only the handful of field lineups sharing a
//! query's bucket are compared one by one. The bucket map is monotone, so a
//! bucket never holds a score better than an earlier bucket's: the counts are
//! exact, ties included, with no comparison sort of the field.

use schemas::PrizeLadder;

/// Field lineups per bucket the grid aims at, at least: few enough buckets
/// that the counters stay in L1 cache (4,096 for a 100,000-lineup field).
const TARGET_PER_BUCKET: usize = 16;

/// One iteration's field, bucketed by score; reused across iterations.
///
/// [`FieldRanks::rank`] buckets every field score and ranks a set of query
/// scores against them exactly; [`FieldRanks::field_paid`] pays the field's
/// paid places (the audit of the payout identity).
#[derive(Debug, Default)]
pub(crate) struct FieldRanks {
    hi: f32,
    scale: f32,
    buckets: usize,
    /// Per bucket: field entries (copies counted).
    hist: Vec<u32>,
    /// `above[b]`: field entries in buckets before `b`; `buckets + 1` long.
    above: Vec<u32>,
    /// Per bucket: 1 if a query falls in it.
    kept: Vec<u8>,
    /// Scratch: write cursors of the counting sort.
    cursor: Vec<u32>,
    /// Each field lineup's bucket.
    bucket_of: Vec<u16>,
    /// `selected[..selected_len]`: the field lineups sharing a bucket with a query.
    selected: Vec<u32>,
    selected_len: usize,
    /// The selected lineups' `(score, copies)` grouped by bucket:
    /// `grouped[group_start[b]..group_start[b + 1]]` is bucket `b`'s.
    grouped: Vec<(f32, u32)>,
    group_start: Vec<u32>,
    /// `(better, tied)` per query of the last [`Self::rank`].
    ranks: Vec<(u64, u64)>,
}

impl FieldRanks {
    /// The bucket of `score`: 0 holds the best scores. Monotone: a higher score
    /// never lands in a later bucket (IEEE subtraction, multiplication by a
    /// positive scale, `min` and the saturating cast are all monotone).
    #[inline]
    fn bucket(&self, score: f32) -> usize {
        usize::from(((self.hi - score) * self.scale).min((self.buckets - 1) as f32) as u16)
    }

    /// Buckets the field's lineup `scores` (each entered `copies[i]` times;
    /// the slices have the same length and the total fits a `u32`) and ranks
    /// every score of `queries` against them: see [`Self::ranks`].
    pub(crate) fn rank(&mut self, scores: &[f32], copies: &[u32], queries: &[f32]) {
        let n = scores.len().min(copies.len());
        let (lo, hi) = scores[..n]
            .iter()
            .fold((f32::INFINITY, f32::NEG_INFINITY), |(lo, hi), &s| {
                (lo.min(s), hi.max(s))
            });
        self.buckets = ((n / TARGET_PER_BUCKET).next_power_of_two() / 2).clamp(64, 1 << 16);
        self.hi = hi;
        let span = hi - lo;
        self.scale = if span > 0.0 && span.is_finite() {
            self.buckets as f32 / span
        } else {
            0.0
        };

        // The buckets the queries fall in.
        self.kept.clear();
        self.kept.resize(self.buckets, 0);
        for &q in queries {
            let b = self.bucket(q);
            self.kept[b] = 1;
        }

        // Over the field: every lineup's bucket (a loop that vectorizes), then
        // count every bucket and list (branch-free) the lineups that share a
        // bucket with a query.
        let (last, scale) = ((self.buckets - 1) as f32, self.scale);
        self.bucket_of.clear();
        self.bucket_of.extend(
            scores[..n]
                .iter()
                .map(|&s| ((hi - s) * scale).min(last) as u16),
        );
        self.hist.clear();
        self.hist.resize(self.buckets, 0);
        if self.selected.len() < n + 1 {
            self.selected.resize(n + 1, 0);
        }
        let (hist, kept, selected) = (&mut self.hist[..], &self.kept[..], &mut self.selected[..]);
        let mut k = 0usize;
        for (i, (&b, &c)) in self.bucket_of.iter().zip(&copies[..n]).enumerate() {
            let b = usize::from(b);
            hist[b] = hist[b].wrapping_add(c);
            selected[k] = i as u32;
            k += kept[b] as usize;
        }
        self.selected_len = k;
        self.above.clear();
        self.above.push(0);
        let mut entries = 0u32;
        for &h in &self.hist {
            entries = entries.wrapping_add(h);
            self.above.push(entries);
        }

        // Group the listed lineups by bucket (a counting sort over the buckets
        // that hold queries), then compare each query with its bucket's lineups
        // in registers, branch-free: scores near a query fall either side of it
        // at random.
        self.group_start.clear();
        self.group_start.resize(self.buckets + 1, 0);
        for &i in &self.selected[..self.selected_len] {
            self.group_start[usize::from(self.bucket_of[i as usize]) + 1] += 1;
        }
        for b in 0..self.buckets {
            self.group_start[b + 1] += self.group_start[b];
        }
        self.cursor.clear();
        self.cursor
            .extend_from_slice(&self.group_start[..self.buckets]);
        self.grouped.clear();
        self.grouped.resize(self.selected_len, (0.0, 0));
        for &i in &self.selected[..self.selected_len] {
            let b = usize::from(self.bucket_of[i as usize]);
            self.grouped[self.cursor[b] as usize] = (scores[i as usize], copies[i as usize]);
            self.cursor[b] += 1;
        }
        self.ranks.clear();
        for &q in queries {
            let b = self.bucket(q);
            let members =
                &self.grouped[self.group_start[b] as usize..self.group_start[b + 1] as usize];
            let (mut better, mut tied) = (u64::from(self.above[b]), 0u64);
            for &(s, c) in members {
                better += u64::from(c) * u64::from(s > q);
                tied += u64::from(c) * u64::from(s == q);
            }
            self.ranks.push((better, tied));
        }
    }

    /// `(better, tied)` of each query of the last [`Self::rank`], in order:
    /// the field entries scoring strictly above it, and equal to it.
    pub(crate) fn ranks(&self) -> &[(u64, u64)] {
        &self.ranks
    }

    /// Field entries in all.
    #[cfg(test)]
    fn total(&self) -> u64 {
        u64::from(self.above[self.buckets])
    }

    /// Total paid to the field's entries when `ours` (our entries' scores, best
    /// first) join the contest, after a [`Self::rank`] of the same field: each
    /// field lineup's tie group, ours included, is paid the tied share of the
    /// places it spans. Only the paid places are ordered: the buckets that
    /// start inside them are selected and only those lineups are sorted.
    pub(crate) fn field_paid(
        &mut self,
        scores: &[f32],
        copies: &[u32],
        ladder: &PrizeLadder,
        ours: &[f32],
    ) -> f64 {
        let paid = ladder.paid_places() as u64;
        let mut pb = 0;
        while pb < self.buckets && u64::from(self.above[pb]) < paid {
            pb += 1;
        }
        let n = scores.len().min(copies.len());
        let mut top: Vec<(f32, u32)> = (0..n)
            .filter(|&i| usize::from(self.bucket_of[i]) < pb)
            .map(|i| (scores[i], copies[i]))
            .collect();
        top.sort_unstable_by(|x, y| y.0.total_cmp(&x.0));
        let mut total = 0.0;
        let mut better = 0u64;
        let mut ours_above = 0usize;
        for group in top.chunk_by(|x, y| x.0 == y.0) {
            let s = group[0].0;
            let field_tied: u64 = group.iter().map(|&(_, c)| u64::from(c)).sum();
            while ours_above < ours.len() && ours[ours_above] > s {
                ours_above += 1;
            }
            let ours_tied = ours[ours_above..].iter().take_while(|&&o| o == s).count();
            let share = ladder.tied_share(
                (better + ours_above as u64) as usize,
                field_tied as usize + ours_tied,
            );
            total += field_tied as f64 * share;
            better += field_tied;
        }
        total
    }
}

/// What each of our entries earns when they all join the field: `ours` are
/// our entries' scores, best first, and `field` their `(better, tied)` against
/// the field alone; each earns the tied share of the places its tie group
/// (field and ours) spans. Returns `(better, tied, payout)` per entry, in order.
pub(crate) fn pay_ours(
    field: &[(u64, u64)],
    ladder: &PrizeLadder,
    ours: &[f32],
    out: &mut Vec<(u64, u64, f64)>,
) {
    out.clear();
    let mut k = 0;
    while k < ours.len() {
        let s = ours[k];
        let group = ours[k..].iter().take_while(|&&o| o == s).count();
        let (better, tied) = field[k];
        let g = better + k as u64;
        let t = tied + group as u64;
        let payout = ladder.tied_share(g as usize, t as usize);
        out.extend(std::iter::repeat_n((g, t, payout), group));
        k += group;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::payout::pay_iteration;
    use rand::{Rng, SeedableRng};
    use rand_pcg::Pcg64Mcg;
    use schemas::{Contest, PayoutTier};

    fn brute(scores: &[f32], copies: &[u32], x: f32) -> (u64, u64) {
        let mut better = 0;
        let mut tied = 0;
        for (&s, &c) in scores.iter().zip(copies) {
            if s > x {
                better += u64::from(c);
            } else if s == x {
                tied += u64::from(c);
            }
        }
        (better, tied)
    }

    fn ladder(places: u32) -> PrizeLadder {
        Contest {
            id: "c".into(),
            name: "c".into(),
            entry_fee: 1.0,
            field_size: 10_000,
            max_entries: 10,
            payouts: (1..=places)
                .map(|p| PayoutTier {
                    first: p,
                    last: p,
                    prize: 1000.0 / f64::from(p),
                })
                .collect(),
        }
        .ladder()
    }

    #[test]
    fn ranks_and_field_payouts_match_a_full_sort() {
        let mut rng = Pcg64Mcg::seed_from_u64(3);
        let mut ranks = FieldRanks::default();
        for round in 0..300 {
            let n = rng.random_range(1..600);
            let coarse = round % 3 == 0;
            let draw = |rng: &mut Pcg64Mcg| {
                if coarse {
                    f32::from(rng.random_range(0u8..7))
                } else {
                    rng.random_range(0.0f32..300.0)
                }
            };
            let scores: Vec<f32> = (0..n).map(|_| draw(&mut rng)).collect();
            let copies: Vec<u32> = (0..n).map(|_| rng.random_range(1..5)).collect();
            let mut queries: Vec<f32> = scores.iter().step_by(7).copied().collect();
            queries.extend([-1.0, 0.0, 1e9, 150.0, 3.0]);
            queries.extend((0..50).map(|_| rng.random_range(-10.0f32..320.0)));
            ranks.rank(&scores, &copies, &queries);
            assert_eq!(
                ranks.total(),
                copies.iter().map(|&c| u64::from(c)).sum::<u64>()
            );
            for (k, &q) in queries.iter().enumerate() {
                assert_eq!(
                    ranks.ranks()[k],
                    brute(&scores, &copies, q),
                    "round {round} q {q}"
                );
            }

            // Our entries join: the field's payouts agree with a full sort of everyone.
            let mut ours: Vec<f32> = (0..rng.random_range(0..6))
                .map(|_| draw(&mut rng))
                .collect();
            ours.sort_unstable_by(|a, b| b.total_cmp(a));
            let ladder = ladder(rng.random_range(1..n as u32 + 8));
            ranks.rank(&scores, &copies, &ours);
            let fast = ranks.field_paid(&scores, &copies, &ladder, &ours);
            let mut all_scores = scores.clone();
            all_scores.extend(&ours);
            let mut all_copies = copies.clone();
            all_copies.extend(std::iter::repeat_n(1, ours.len()));
            let placings = pay_iteration(&ladder, &all_scores, &all_copies);
            let slow: f64 = placings[..n]
                .iter()
                .zip(&copies)
                .map(|(p, &c)| p.payout * f64::from(c))
                .sum();
            assert!(
                (fast - slow).abs() < 1e-9 * slow.max(1.0),
                "round {round}: {fast} vs {slow}"
            );
            let mut mine = Vec::new();
            pay_ours(ranks.ranks(), &ladder, &ours, &mut mine);
            for (k, p) in placings[n..].iter().enumerate() {
                assert_eq!((mine[k].0, mine[k].1), (p.better, p.tied), "round {round}");
                assert!((mine[k].2 - p.payout).abs() < 1e-9);
            }
        }
    }

    #[test]
    fn one_distinct_score_is_one_tie() {
        let mut ranks = FieldRanks::default();
        ranks.rank(&[5.0; 10], &[2; 10], &[5.0, 6.0, 4.0]);
        assert_eq!(ranks.ranks(), [(0, 20), (0, 0), (20, 0)]);
    }
}
