//! Exact ranks against an iteration's field without sorting it.
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
//!
//! The field is ranked [`LANES`] iterations at a time, in the layout
//! [`crate::score`] scores it in: one pass over the lineups buckets each
//! lineup in every lane.
//!
//! A field leaning toward the news ([`Copies::Leaning`], see [`crate::news`])
//! goes through the same pass with its lineups' base weights, in integer
//! units, for copies: each bucket's units times the bucket's factor are its
//! weight, and the entries above a score are the whole steps of systematic
//! resampling that the weight above it covers. Unit sums are exact, so the
//! weight above a score never exceeds the weight above a lower one, and the
//! counts are integers that add up to the field, tie groups whole.

use schemas::PrizeLadder;

use crate::score::{LANES, Lanes, LineupTable, PointsBatch};

/// Field lineups per bucket the grid aims at, at least: few enough buckets
/// that a lane's counters stay in cache (4,096 for an 80,000-lineup field).
const TARGET_PER_BUCKET: usize = 16;

/// Buckets per query the grid aims at, at least (but never fewer than 4
/// lineups a bucket): every lineup sharing a query's bucket is compared one
/// by one, so many queries want a finer grid.
const BUCKETS_PER_QUERY: usize = 32;

/// The bucket of `score` on the grid starting at `hi` with `scale` buckets per
/// point, `last` the last bucket (below 2^23): 0 holds the best scores.
///
/// Monotone: a higher score never lands in a later bucket. IEEE subtraction
/// and multiplication by a non-negative scale are monotone, and so are the two
/// clamps (written as the comparisons SSE's `maxps`/`minps` make, which also
/// send a NaN to 0) and adding 2^23, which leaves the rounded integer in the
/// low mantissa bits: all of it vectorizes, where `as u32` would saturate lane
/// by lane.
#[inline(always)]
fn bucket_on(hi: f32, scale: f32, last: f32, score: f32) -> u32 {
    const TWO_23: f32 = 8_388_608.0;
    let x = (hi - score) * scale;
    let x = if x > 0.0 { x } else { 0.0 };
    let x = if x < last { x } else { last };
    (x + TWO_23).to_bits() & 0x7F_FFFF
}

/// [`LANES`] iterations' fields, bucketed by score; reused across batches.
///
/// [`FieldRanks::rank`] buckets every field score and ranks each lane's query
/// scores against that lane's field exactly; [`FieldRanks::field_paid`] pays a
/// lane's paid places (the audit of the payout identity).
#[derive(Debug, Default)]
pub(crate) struct FieldRanks {
    buckets: usize,
    hi: Lanes,
    scale: Lanes,
    /// `hist[lane * buckets + b]`: the lane's field entries (copies counted) in
    /// bucket `b`, plus [`KEPT`] when one of the lane's queries falls in it.
    hist: Vec<u32>,
    /// `above[lane * (buckets + 1) + b]`: the lane's field entries (a leaning
    /// field's units) in buckets before `b`.
    above: Vec<u32>,
    /// A leaning field's weights and dealing ([`Copies::Leaning`]), `None`
    /// for a field as sampled.
    dealing: Option<Dealing>,
    /// `selected[lane * stride..][..selected_len[lane]]`: `(score, copies)` of
    /// the field lineups sharing a bucket with one of the lane's queries.
    selected: Vec<(f32, u32)>,
    stride: usize,
    selected_len: Lanes32,
    /// Scratch of one lane: its queries grouped by bucket as
    /// `(score, better, tied)`, where each bucket's group ends, and each
    /// query's place among them.
    by_bucket: Vec<(f32, u64, u64)>,
    query_bounds: Vec<u32>,
    listed_bucket: Vec<u32>,
    slot: Vec<u32>,
    /// Scratch: one block's scores, or the sample's.
    block: Vec<Lanes>,
    /// `(better, tied)` per query of each lane of the last [`Self::rank`].
    ranks: [Vec<(u64, u64)>; LANES],
}

/// One count per lane.
type Lanes32 = [usize; LANES];

/// How many times each field lineup was entered, in the lanes of a batch.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Copies<'a> {
    /// The same field in every lane: `copies[i]` of lineup `i`.
    Shared(&'a [u32]),
    /// Each lane's field leaning toward the lineups beating their means.
    Leaning(Leaning<'a>),
}

impl<'a> Copies<'a> {
    /// What the field pass counts per lineup: its copies, or its base weight's units.
    fn counted(self) -> &'a [u32] {
        match self {
            Copies::Shared(c) => c,
            Copies::Leaning(l) => l.units,
        }
    }
}

/// A field leaning toward the news in each lane (see [`crate::news`]):
/// lineup `i` weighs `units[i] * exp(lean * (its bucket's score - center))`
/// (units of a fixed fraction of a copy), and lane `l` deals its `total`
/// entries in score order with the uniform `shifts[l]`. The units sum below
/// [`KEPT`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct Leaning<'a> {
    pub units: &'a [u32],
    pub lean: f32,
    pub center: f32,
    pub total: u64,
    pub shifts: [f64; LANES],
}

/// A leaning field's weights and systematic resampling in each lane.
#[derive(Debug, Default)]
struct Dealing {
    buckets: usize,
    total: u64,
    shifts: [f64; LANES],
    /// The lane's whole weight.
    weight: [f64; LANES],
    /// `factor[lane * buckets + b]`: bucket `b`'s factor.
    factor: Vec<f32>,
    /// `weight_above[lane * (buckets + 1) + b]`: the weight in the buckets before `b`.
    weight_above: Vec<f64>,
}

impl Dealing {
    /// Entries of lane `lane` dealt to its lineups in the buckets before `b`
    /// and to the first `units` units of bucket `b`, in score order: every
    /// rank and every paid group is counted by this one sum, so they agree.
    #[inline]
    fn through(&self, lane: usize, b: usize, units: u64) -> u64 {
        let mut w = self.weight_above[lane * (self.buckets + 1) + b];
        if units > 0 {
            w += f64::from(self.factor[lane * self.buckets + b]) * units as f64;
        }
        self.entries(lane, w)
    }

    /// Entries of lane `lane` dealt to the lineups whose weight adds up to
    /// `w`, counted from the best: `floor(w / weight * total + shift)`. The
    /// whole weight counts exactly `total`.
    #[inline]
    fn entries(&self, lane: usize, w: f64) -> u64 {
        let weight = self.weight[lane];
        if !(weight > 0.0 && weight.is_finite()) {
            return 0;
        }
        // Not below 0, so the cast's truncation is the floor.
        let at = w / weight * self.total as f64 + self.shifts[lane];
        if at > 0.0 {
            (at as u64).min(self.total)
        } else {
            0
        }
    }
}

/// The mark of a bucket holding a query, in its count's top bit: the field
/// pass reads it with the count it updates. Counts stay below it because a
/// contest holds fewer than 2^31 entries (checked when the input is prepared).
const KEPT: u32 = 1 << 31;

/// Field lineups scored per block of the field pass: their scores in every
/// lane (32 KiB) stay in the first-level cache between scoring and bucketing.
const BLOCK: usize = 1024;

/// Bucket factors of a leaning field computed from one exponential (the
/// step's powers drift by at most 64 roundings, 4e-6).
const FACTOR_RUN: usize = 64;

/// Lanes the field pass takes at a time.
const GROUP: usize = 4;
const _: () = assert!(LANES.is_multiple_of(GROUP));

/// One field pass over lanes `from..from + GROUP` of a block: counts each
/// lineup into its bucket of `hist` (lane-major, `buckets` a lane) and lists
/// its `(score, copies)` in `selected` (lane-major, `selected.len() / GROUP` a
/// lane) when [`KEPT`] marks its bucket, after the `listed[l]` lineups lane
/// `l` listed so far (updated).
struct FieldPass<'a> {
    scores: &'a [Lanes],
    from: usize,
    /// `(hi, scale, last)` of the grid, the first two per lane.
    grid: (&'a [f32], &'a [f32], f32),
    buckets: usize,
    hist: &'a mut [u32],
    selected: &'a mut [(f32, u32)],
    listed: &'a mut [usize],
}

impl FieldPass<'_> {
    /// Runs the pass with the block's `copies`, one per lineup.
    #[inline(always)]
    fn run(self, copies: &[u32]) {
        let FieldPass {
            scores,
            from,
            grid: (hi, scale, last),
            buckets,
            hist,
            selected,
            listed,
        } = self;
        let stride = selected.len() / GROUP;
        let hi: [f32; GROUP] = std::array::from_fn(|l| hi[l]);
        let scale: [f32; GROUP] = std::array::from_fn(|l| scale[l]);
        let offset: [u32; GROUP] = std::array::from_fn(|l| (l * buckets) as u32);
        let mut k: [usize; GROUP] = std::array::from_fn(|l| listed[l]);
        for (s, &c) in scores.iter().zip(copies) {
            let s: [f32; GROUP] = std::array::from_fn(|l| s[from + l]);
            let mut b = [0u32; GROUP];
            for l in 0..GROUP {
                b[l] = bucket_on(hi[l], scale[l], last, s[l]) + offset[l];
            }
            for l in 0..GROUP {
                let h = b[l] as usize;
                let count = hist[h].wrapping_add(c);
                hist[h] = count;
                selected[l * stride + k[l]] = (s[l], c);
                k[l] += (count >> 31) as usize;
            }
        }
        listed.copy_from_slice(&k);
    }
}

impl FieldRanks {
    #[inline]
    fn bucket(&self, lane: usize, score: f32) -> usize {
        bucket_on(
            self.hi[lane],
            self.scale[lane],
            (self.buckets - 1) as f32,
            score,
        ) as usize
    }

    /// Scores the `field` in every lane of `batch` and buckets the scores
    /// (lineup `i` entered `copies[i]` times; the total is below 2^31), then
    /// ranks each score of `queries[lane]` against lane `lane`'s field, for
    /// the first `queries.len()` (at most [`LANES`]) lanes: see
    /// [`Self::ranks`]. `sample` is some of the field's lineups
    /// ([`LineupTable::sample`]): the grid spans their scores with a margin.
    pub(crate) fn rank(
        &mut self,
        field: &LineupTable,
        sample: &LineupTable,
        batch: &PointsBatch,
        copies: Copies<'_>,
        queries: &[Vec<f32>],
    ) {
        let n = field.len().min(copies.counted().len());
        let live = queries.len().min(LANES);
        // The grid: the sample's range, widened by an eighth on each side.
        // A score outside it is clamped into the first or last bucket, which
        // costs comparisons, never exactness.
        sample.score(batch, &mut self.block);
        let (lo, hi) = self.block.iter().fold(
            ([f32::INFINITY; LANES], [f32::NEG_INFINITY; LANES]),
            |(mut lo, mut hi), s| {
                for l in 0..LANES {
                    lo[l] = lo[l].min(s[l]);
                    hi[l] = hi[l].max(s[l]);
                }
                (lo, hi)
            },
        );
        let most_queries = queries[..live].iter().map(Vec::len).max().unwrap_or(0);
        let aim = (n / TARGET_PER_BUCKET)
            .max((BUCKETS_PER_QUERY * most_queries).min(n / 4))
            .max(1);
        // The largest power of two not above the aim.
        let buckets = (1usize << aim.ilog2()).clamp(64, 1 << 16);
        self.buckets = buckets;
        for l in 0..LANES {
            let margin = (hi[l] - lo[l]) / 8.0;
            let (lo, hi) = (lo[l] - margin, hi[l] + margin);
            let span = hi - lo;
            self.hi[l] = if hi.is_finite() { hi } else { 0.0 };
            self.scale[l] = if span > 0.0 && span.is_finite() {
                buckets as f32 / span
            } else {
                0.0
            };
        }

        // Mark the buckets each lane's queries fall in.
        self.hist.clear();
        self.hist.resize(LANES * buckets, 0);
        for (l, qs) in queries[..live].iter().enumerate() {
            for &q in qs {
                let b = self.bucket(l, q);
                self.hist[l * buckets + b] = KEPT;
            }
        }

        // One pass over the field, a block at a time so that its scores stay
        // in cache: in every lane, count each lineup into its bucket and list
        // (branch-free) the lineups that share a bucket with a query.
        let stride = n + 1;
        self.stride = stride;
        if self.selected.len() < LANES * stride {
            self.selected.resize(LANES * stride, (0.0, 0));
        }
        let last = (buckets - 1) as f32;
        let mut k: Lanes32 = [0; LANES];
        for start in (0..n).step_by(BLOCK) {
            let rows = start..(start + BLOCK).min(n);
            field.score_rows(rows.clone(), batch, &mut self.block);
            let scores = &self.block[..];
            // Four lanes at a time: one SSE register of scores, and the
            // cursors and bases of four lanes fit the registers.
            for g in 0..LANES / GROUP {
                let lanes = g * GROUP..(g + 1) * GROUP;
                let pass = FieldPass {
                    scores,
                    from: g * GROUP,
                    grid: (&self.hi[lanes.clone()], &self.scale[lanes.clone()], last),
                    buckets,
                    hist: &mut self.hist[g * GROUP * buckets..(g + 1) * GROUP * buckets],
                    selected: &mut self.selected[g * GROUP * stride..(g + 1) * GROUP * stride],
                    listed: &mut k[lanes],
                };
                pass.run(&copies.counted()[rows.clone()]);
            }
        }
        self.selected_len = k;
        self.above.clear();
        for l in 0..LANES {
            let mut entries = 0u32;
            self.above.push(0);
            for &h in &self.hist[l * buckets..(l + 1) * buckets] {
                entries = entries.wrapping_add(h & !KEPT);
                self.above.push(entries);
            }
        }
        match copies {
            Copies::Shared(_) => self.dealing = None,
            Copies::Leaning(lean) => self.weigh_buckets(&lean),
        }

        for (l, qs) in queries[..live].iter().enumerate() {
            self.resolve(l, qs);
        }
    }

    /// Ranks lane `lane`'s `queries` after the field pass: the queries are
    /// grouped by bucket (a counting sort, queries are few), then each listed
    /// field lineup is compared with the queries in its bucket, branch-free:
    /// scores near a query fall either side of it at random.
    #[inline(never)]
    fn resolve(&mut self, lane: usize, queries: &[f32]) {
        let buckets = self.buckets;
        let (hi, scale, last) = (self.hi[lane], self.scale[lane], (buckets - 1) as f32);
        let above = &self.above[lane * (buckets + 1)..][..buckets + 1];
        let listed = &self.selected[lane * self.stride..][..self.selected_len[lane]];

        // Queries by bucket, a counting sort: `slot[j]` is query j's place in
        // `by_bucket`, and once they are placed bucket b's queries are
        // `by_bucket[bounds[b]..bounds[b + 1]]`.
        let bounds = &mut self.query_bounds;
        bounds.clear();
        bounds.resize(buckets + 2, 0);
        for &q in queries {
            bounds[bucket_on(hi, scale, last, q) as usize + 2] += 1;
        }
        for b in 0..buckets {
            bounds[b + 2] += bounds[b + 1];
        }
        self.slot.clear();
        self.by_bucket.clear();
        self.by_bucket.resize(queries.len(), (0.0, 0, 0));
        for &q in queries {
            let b = bucket_on(hi, scale, last, q) as usize;
            let at = bounds[b + 1] as usize;
            bounds[b + 1] += 1;
            self.slot.push(at as u32);
            // A leaning field counts its units within the bucket only.
            let before = if self.dealing.is_some() { 0 } else { above[b] };
            self.by_bucket[at] = (q, u64::from(before), 0);
        }
        // Every listed lineup's bucket (a loop that vectorizes), then its
        // comparisons with the queries there: most buckets hold one.
        self.listed_bucket.clear();
        self.listed_bucket
            .extend(listed.iter().map(|&(s, _)| bucket_on(hi, scale, last, s)));
        for (&(s, c), &b) in listed.iter().zip(&self.listed_bucket) {
            let c = u64::from(c);
            let (from, to) = (bounds[b as usize] as usize, bounds[b as usize + 1] as usize);
            for (q, better, tied) in &mut self.by_bucket[from..to] {
                *better += c * u64::from(s > *q);
                *tied += c * u64::from(s == *q);
            }
        }
        let ranks = &mut self.ranks[lane];
        ranks.clear();
        match &self.dealing {
            None => ranks.extend(self.slot.iter().map(|&at| {
                let (_, better, tied) = self.by_bucket[at as usize];
                (better, tied)
            })),
            // The weight above a query: the buckets before its own, and its
            // bucket's units above it at the bucket's factor.
            Some(dealing) => ranks.extend(self.slot.iter().map(|&at| {
                let (q, above, tied) = self.by_bucket[at as usize];
                let b = bucket_on(hi, scale, last, q) as usize;
                let better = dealing.through(lane, b, above);
                (better, dealing.through(lane, b, above + tied) - better)
            })),
        }
    }

    /// A leaning field after its pass: each bucket's factor, the weight
    /// before each bucket, and how each lane deals its entries.
    fn weigh_buckets(&mut self, lean: &Leaning<'_>) {
        let buckets = self.buckets;
        // The last batch's buffers, reused.
        let mut d = self.dealing.take().unwrap_or_default();
        d.factor.resize(LANES * buckets, 0.0);
        d.weight_above.resize(LANES * (buckets + 1), 0.0);
        let mut weight = [0.0f64; LANES];
        let mut powers = [1.0f32; FACTOR_RUN];
        for (l, lane_weight) in weight.iter_mut().enumerate() {
            // Bucket b holds the scores within half a bucket of its middle,
            // `hi - (b + 1/2) / scale`: the factors fall geometrically, each
            // run of them one exponential times the powers of one step.
            let (hi, scale) = (self.hi[l], self.scale[l]);
            let step = if scale > 0.0 {
                crate::news::exp(-lean.lean / scale)
            } else {
                1.0
            };
            for k in 1..FACTOR_RUN {
                powers[k] = powers[k - 1] * step;
            }
            let factor = &mut d.factor[l * buckets..(l + 1) * buckets];
            for (run, fs) in factor.chunks_mut(FACTOR_RUN).enumerate() {
                let first = run * FACTOR_RUN;
                let middle = if scale > 0.0 {
                    hi - (first as f32 + 0.5) / scale
                } else {
                    hi
                };
                let head = crate::news::exp(lean.lean * (middle - lean.center));
                for (f, &p) in fs.iter_mut().zip(&powers) {
                    *f = head * p;
                }
            }
            let above = &mut d.weight_above[l * (buckets + 1)..(l + 1) * (buckets + 1)];
            let mut w = 0.0f64;
            above[0] = 0.0;
            for ((a, &f), &units) in above[1..]
                .iter_mut()
                .zip(&*factor)
                .zip(&self.hist[l * buckets..(l + 1) * buckets])
            {
                w += f64::from(f) * f64::from(units & !KEPT);
                *a = w;
            }
            *lane_weight = w;
        }
        d.buckets = buckets;
        d.total = lean.total;
        d.shifts = lean.shifts;
        d.weight = weight;
        self.dealing = Some(d);
    }

    /// Field entries in lane `lane` before bucket `b` (`b <= buckets`).
    fn entries_before(&self, lane: usize, b: usize) -> u64 {
        match &self.dealing {
            None => u64::from(self.above[lane * (self.buckets + 1) + b]),
            Some(d) => d.through(lane, b, 0),
        }
    }

    /// `(better, tied)` of each query of lane `lane` in the last
    /// [`Self::rank`], in order: the lane's field entries scoring strictly
    /// above it, and equal to it.
    pub(crate) fn ranks(&self, lane: usize) -> &[(u64, u64)] {
        &self.ranks[lane]
    }

    /// Field entries in all (every lane holds them all).
    #[cfg(test)]
    fn total(&self, lane: usize) -> u64 {
        self.entries_before(lane, self.buckets)
    }

    /// Total paid to lane `lane`'s field entries when `ours` (our entries'
    /// scores, best first) join the contest, after a [`Self::rank`] of the
    /// same field: each field lineup's tie group, ours included, is paid the
    /// tied share of the places it spans. Only the paid places are ordered:
    /// the buckets that start inside them are selected and only those lineups
    /// are sorted.
    pub(crate) fn field_paid(
        &self,
        lane: usize,
        field: &LineupTable,
        batch: &PointsBatch,
        copies: Copies<'_>,
        ladder: &PrizeLadder,
        ours: &[f32],
    ) -> f64 {
        let paid = ladder.paid_places() as u64;
        let mut pb = 0;
        while pb < self.buckets && self.entries_before(lane, pb) < paid {
            pb += 1;
        }
        let mut scores = Vec::with_capacity(field.len());
        field.score(batch, &mut scores);
        let groups = self.paid_groups(lane, pb, &scores, copies.counted());
        let mut total = 0.0;
        let mut ours_above = 0usize;
        for (s, better, field_tied) in groups {
            while ours_above < ours.len() && ours[ours_above] > s {
                ours_above += 1;
            }
            let ours_tied = ours[ours_above..].iter().take_while(|&&o| o == s).count();
            let share = ladder.tied_share(
                (better + ours_above as u64) as usize,
                field_tied as usize + ours_tied,
            );
            total += field_tied as f64 * share;
        }
        total
    }

    /// The field's tie groups in lane `lane`'s buckets before `pb`, best
    /// first, as `(score, field entries above, field entries in it)`: lineup
    /// `i` counted `counted[i]` times, copies or (a leaning field) units
    /// dealt as [`Self::rank`] deals them.
    fn paid_groups(
        &self,
        lane: usize,
        pb: usize,
        scores: &[Lanes],
        counted: &[u32],
    ) -> Vec<(f32, u64, u64)> {
        let mut top: Vec<(f32, u32)> = scores
            .iter()
            .zip(counted)
            .map(|(s, &c)| (s[lane], c))
            .filter(|&(s, _)| self.bucket(lane, s) < pb)
            .collect();
        top.sort_unstable_by(|x, y| y.0.total_cmp(&x.0));
        // Within a bucket, the units above each group (bucket order is score order).
        let mut bucket = usize::MAX;
        let mut in_bucket = 0u64;
        let mut counted_above = 0u64;
        top.chunk_by(|x, y| x.0 == y.0)
            .map(|group| {
                let s = group[0].0;
                let n: u64 = group.iter().map(|&(_, c)| u64::from(c)).sum();
                let before = counted_above;
                counted_above += n;
                let Some(dealing) = &self.dealing else {
                    return (s, before, n);
                };
                let b = self.bucket(lane, s);
                if b != bucket {
                    (bucket, in_bucket) = (b, 0);
                }
                let better = dealing.through(lane, b, in_bucket);
                in_bucket += n;
                (s, better, dealing.through(lane, b, in_bucket) - better)
            })
            .collect()
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
    use crate::score::lone_players;
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
    fn ranks_and_field_payouts_match_a_full_sort_in_every_lane() {
        let mut rng = Pcg64Mcg::seed_from_u64(3);
        let mut ranks = FieldRanks::default();
        for round in 0..200 {
            // Now and then more lineups than a block of the field pass.
            let n = if round % 10 == 9 {
                rng.random_range(BLOCK..2 * BLOCK + 500)
            } else {
                rng.random_range(1..600)
            };
            let coarse = round % 3 == 0;
            let live = rng.random_range(1..=LANES);
            let draw = |rng: &mut Pcg64Mcg| {
                if coarse {
                    f32::from(rng.random_range(0u8..7))
                } else {
                    rng.random_range(0.0f32..300.0)
                }
            };
            // Every lane its own field scores; lanes past `live` hold zeros.
            let mut batch = vec![[0.0f32; LANES]; n];
            for row in &mut batch {
                for x in &mut row[..live] {
                    *x = draw(&mut rng);
                }
            }
            let lane_scores =
                |l: usize| -> Vec<f32> { batch.iter().map(|s| s[l]).collect::<Vec<f32>>() };
            // Lineup i is the lone player i, who scores `batch[i]`.
            let (field, points) = lone_players(n, |i, l| batch[i][l]);
            // A grid from every lineup, or from a few (scores outside it clamp).
            let sample = field.sample(if round % 2 == 0 { n } else { 5 });
            let copies: Vec<u32> = (0..n).map(|_| rng.random_range(0..5)).collect();
            // Every fourth round the field is dealt by weight, without a lean:
            // a unit a copy, dealt as many entries as there are units, must
            // count as the copies do, to the entry.
            let arg = if round % 4 == 1 {
                Copies::Leaning(Leaning {
                    units: &copies,
                    lean: 0.0,
                    center: 0.0,
                    total: copies.iter().map(|&c| u64::from(c)).sum(),
                    shifts: [0.5; LANES],
                })
            } else {
                Copies::Shared(&copies)
            };
            let copies_in = |_: usize| -> Vec<u32> { copies.clone() };
            let queries: Vec<Vec<f32>> = (0..live)
                .map(|l| {
                    let mut q: Vec<f32> = lane_scores(l).into_iter().step_by(7).collect();
                    q.extend([-1.0, 0.0, 1e9, 150.0, 3.0]);
                    q.extend((0..50).map(|_| rng.random_range(-10.0f32..320.0)));
                    q
                })
                .collect();
            ranks.rank(&field, &sample, &points, arg, &queries);
            for (l, qs) in queries.iter().enumerate() {
                let scores = lane_scores(l);
                let copies = copies_in(l);
                assert_eq!(
                    ranks.total(l),
                    copies.iter().map(|&c| u64::from(c)).sum::<u64>()
                );
                for (k, &q) in qs.iter().enumerate() {
                    assert_eq!(
                        ranks.ranks(l)[k],
                        brute(&scores, &copies, q),
                        "round {round} lane {l} q {q}"
                    );
                }
            }

            // Our entries join: the field's payouts agree with a full sort of everyone.
            let ours: Vec<Vec<f32>> = (0..live)
                .map(|_| {
                    let mut o: Vec<f32> = (0..rng.random_range(0..6))
                        .map(|_| draw(&mut rng))
                        .collect();
                    o.sort_unstable_by(|a, b| b.total_cmp(a));
                    o
                })
                .collect();
            let ladder = ladder(rng.random_range(1..n as u32 + 8));
            ranks.rank(&field, &sample, &points, arg, &ours);
            for (l, ours) in ours.iter().enumerate() {
                let scores = lane_scores(l);
                let copies = copies_in(l);
                let fast = ranks.field_paid(l, &field, &points, arg, &ladder, ours);
                let mut all_scores = scores.clone();
                all_scores.extend(ours);
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
                    "round {round} lane {l}: {fast} vs {slow}"
                );
                let mut mine = Vec::new();
                pay_ours(ranks.ranks(l), &ladder, ours, &mut mine);
                for (k, p) in placings[n..].iter().enumerate() {
                    assert_eq!(
                        (mine[k].0, mine[k].1),
                        (p.better, p.tied),
                        "round {round} lane {l}"
                    );
                    assert!((mine[k].2 - p.payout).abs() < 1e-9);
                }
            }
        }
    }

    #[test]
    fn a_leaning_field_keeps_its_size_its_order_and_its_prizes() {
        let mut rng = Pcg64Mcg::seed_from_u64(11);
        let mut ranks = FieldRanks::default();
        for round in 0..60 {
            let n = rng.random_range(1..3 * BLOCK);
            let coarse = round % 3 == 0;
            let scores: Vec<[f32; LANES]> = (0..n)
                .map(|_| {
                    std::array::from_fn(|_| {
                        if coarse {
                            f32::from(rng.random_range(0u8..9)) * 10.0
                        } else {
                            rng.random_range(100.0f32..300.0)
                        }
                    })
                })
                .collect();
            let (field, points) = lone_players(n, |i, l| scores[i][l]);
            let units: Vec<u32> = (0..n).map(|_| rng.random_range(0..3000)).collect();
            let total = rng.random_range(1..5 * n as u64);
            let shifts: [f64; LANES] = std::array::from_fn(|_| rng.random_range(0.0..1.0));
            let arg = Copies::Leaning(Leaning {
                units: &units,
                lean: rng.random_range(0.0f32..0.05),
                center: 200.0,
                total,
                shifts,
            });
            let sample = field.sample(if round % 2 == 0 { n } else { 7 });
            let queries: Vec<Vec<f32>> = (0..LANES)
                .map(|_| {
                    let mut q: Vec<f32> =
                        (0..40).map(|_| rng.random_range(50.0f32..350.0)).collect();
                    q.extend([-1.0, 0.0, 40.0, 1e9]);
                    q.sort_unstable_by(|a, b| b.total_cmp(a));
                    q
                })
                .collect();
            ranks.rank(&field, &sample, &points, arg, &queries);
            for l in 0..LANES {
                assert_eq!(
                    ranks.total(l),
                    total,
                    "round {round}: the lane holds the field"
                );
                let r = ranks.ranks(l);
                // Best first: entries above never fall, and a query counts
                // no more entries above and tied than the field holds.
                assert!(r.windows(2).all(|w| w[0].0 <= w[1].0), "round {round}");
                assert!(r.iter().all(|&(b, t)| b + t <= total));
                assert_eq!(r[r.len() - 1], (total, 0), "below everyone");
                // A query's tied entries end where the next lower query's
                // entries above begin, or before.
                assert!(r.windows(2).all(|w| w[0].0 + w[0].1 <= w[1].0 + w[1].1));
            }
            // The prizes: every place paid once, ties split, ours included.
            let ours: Vec<Vec<f32>> = queries
                .iter()
                .map(|q| q[..rng.random_range(0..6)].to_vec())
                .collect();
            let ladder = ladder(rng.random_range(1..total as u32 + 8));
            ranks.rank(&field, &sample, &points, arg, &ours);
            for (l, ours) in ours.iter().enumerate() {
                let field_paid = ranks.field_paid(l, &field, &points, arg, &ladder, ours);
                let mut mine = Vec::new();
                pay_ours(ranks.ranks(l), &ladder, ours, &mut mine);
                let ours_paid: f64 = mine.iter().map(|m| m.2).sum();
                let pool = ladder.span_total(0, total as usize + ours.len());
                assert!(
                    (field_paid + ours_paid - pool).abs() < 1e-9 * pool.max(1.0),
                    "round {round} lane {l}: {field_paid} + {ours_paid} against {pool}"
                );
            }
        }
    }

    #[test]
    fn one_distinct_score_is_one_tie() {
        let mut ranks = FieldRanks::default();
        let mut field = LineupTable::new(1);
        for i in 0..10 {
            field.push(&[i]);
        }
        let mut points = PointsBatch::new(10);
        points.reset(1);
        points.set_lane(0, &[5.0; 10]);
        ranks.rank(
            &field,
            &field,
            &points,
            Copies::Shared(&[2; 10]),
            &[vec![5.0, 6.0, 4.0]],
        );
        assert_eq!(ranks.ranks(0), [(0, 20), (0, 0), (20, 0)]);
    }
}
