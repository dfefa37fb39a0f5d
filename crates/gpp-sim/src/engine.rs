//! The simulation itself: validation, pass A (candidates), selection, pass B (portfolio).

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

use rayon::prelude::*;
use schemas::{
    BaselineMetrics, CandidateLineup, Diagnostics, DupBins, LineupResult, PortfolioMetrics,
    PrizeLadder, SimConfig, SimOutput, StageContext,
};

use crate::histogram::{self, PERCENTILE_BINS, bin_of, quantile};
use crate::news::Lean;
use crate::outcome::{OutcomeModel, draw_iteration};
use crate::rank::{Copies, FieldRanks, pay_ours};
use crate::score::{LANES, LineupTable, PointsBatch};
use crate::selection::{InTheMoney, Picking, exposure_cap, select_marginal, select_top_roi};
use crate::{NAME, SimError, SimInput};

/// Iterations per work unit. Fixed, so that the chunking (and with it every
/// floating-point sum) is the same for any thread count.
pub const CHUNK: u32 = 128;

/// Field lineups scored first in each batch to place its grid of buckets.
const GRID_SAMPLE: usize = 1024;

/// Draws `iterations` (at most [`LANES`] of them) into `batch`, one lane
/// each, with `points` as scratch.
fn draw_batch<M: OutcomeModel + ?Sized>(
    model: &M,
    seed: u64,
    iterations: Range<u32>,
    points: &mut [f32],
    batch: &mut PointsBatch,
) {
    batch.reset(iterations.len());
    for (lane, it) in iterations.enumerate() {
        draw_iteration(model, seed, u64::from(it), points);
        batch.set_lane(lane, points);
    }
}

/// The batches of [`LANES`] iterations that cover `range`, in order.
fn batches(range: Range<u32>) -> impl Iterator<Item = Range<u32>> {
    range
        .clone()
        .step_by(LANES)
        .map(move |start| start..(start + LANES as u32).min(range.end))
}

/// Validated, preprocessed input.
struct Prepared {
    ladder: PrizeLadder,
    fee: f64,
    players: usize,
    field: LineupTable,
    /// Some of the field's lineups, evenly spaced: where each batch's grid comes from.
    field_sample: LineupTable,
    field_copies: Vec<u32>,
    /// [`SimConfig::field_news`], prepared; `None` at 0 (the field as sampled).
    lean: Option<Lean>,
    /// Opponents' entries (sum of copies).
    field_total: u64,
    /// Candidates in `lineup_id` order.
    cands: LineupTable,
    /// `order[j]`: index into the input's candidates of the `j`-th by `lineup_id`.
    order: Vec<usize>,
    /// Field copies of each candidate (same order as `cands`).
    cand_copies: Vec<u32>,
    entries: u32,
}

impl Prepared {
    /// The field of each lane of `batch` (iterations `its`): as sampled, or
    /// leaning toward the news (see [`crate::news`]).
    fn copies(&self, seed: u64, its: Range<u32>) -> Copies<'_> {
        match &self.lean {
            Some(lean) => lean.copies(seed, its),
            None => Copies::Shared(&self.field_copies),
        }
    }

    /// Ranks each lane's `queries` against the lane's field in `batch`.
    fn rank(
        &self,
        ranks: &mut FieldRanks,
        batch: &PointsBatch,
        copies: Copies<'_>,
        queries: &[Vec<f32>],
    ) {
        ranks.rank(&self.field, &self.field_sample, batch, copies, queries);
    }
}

fn sorted_key(
    players: &[u32],
    n_players: usize,
    width: usize,
    field: impl Fn() -> String,
) -> Result<Vec<u32>, SimError> {
    if players.is_empty() {
        return Err(SimError::invalid(field(), "lineup has no players"));
    }
    if players.len() != width {
        return Err(SimError::invalid(
            field(),
            format!(
                "lineup has {} players, the first field lineup has {width}",
                players.len()
            ),
        ));
    }
    if let Some(&bad) = players.iter().find(|&&p| p as usize >= n_players) {
        return Err(SimError::invalid(
            field(),
            format!("player index {bad} is not on the slate ({n_players} players)"),
        ));
    }
    let mut key = players.to_vec();
    key.sort_unstable();
    Ok(key)
}

fn prepare(
    input: &SimInput<'_>,
    config: &SimConfig,
    model_players: usize,
    diag: &mut Diagnostics,
) -> Result<Prepared, SimError> {
    if config.iterations == 0 {
        return Err(SimError::invalid("iterations", "must be at least 1"));
    }
    if !(config.max_exposure.is_finite() && config.max_exposure > 0.0 && config.max_exposure <= 1.0)
    {
        return Err(SimError::invalid(
            "max_exposure",
            format!("must be in (0, 1], got {}", config.max_exposure),
        ));
    }
    let lean = config.field_news;
    if !(lean.is_finite() && (0.0..=1.0).contains(&lean)) {
        return Err(SimError::invalid(
            "field_news",
            format!("must be in [0, 1] (per point), got {lean}"),
        ));
    }
    input
        .contest
        .validate()
        .map_err(|e| SimError::invalid("contest", e.to_string()))?;
    let players = input.slate.players.len();
    if players > usize::from(u16::MAX) + 1 {
        return Err(SimError::invalid(
            "slate.players",
            format!("{players} players, at most 65,536 supported"),
        ));
    }
    if model_players != players {
        return Err(SimError::invalid(
            "model",
            format!("outcome model draws {model_players} players, the slate has {players}"),
        ));
    }
    if input.candidates.is_empty() {
        return Err(SimError::invalid("candidates", "no candidate lineups"));
    }
    if input.field.is_empty() {
        return Err(SimError::invalid("field", "no field entrants"));
    }
    if input.entries == 0 {
        return Err(SimError::invalid("entries", "must be at least 1"));
    }
    if let Some(g) = &input.groups {
        if g.entry_of.len() != input.candidates.len() {
            return Err(SimError::invalid(
                "groups.entry_of",
                format!(
                    "{} entries for {} candidates",
                    g.entry_of.len(),
                    input.candidates.len()
                ),
            ));
        }
        if let Some(i) = g.entry_of.iter().position(|&e| e >= input.entries) {
            return Err(SimError::invalid(
                format!("groups.entry_of[{i}]"),
                format!("entry {} of {} entries", g.entry_of[i], input.entries),
            ));
        }
    }

    let width = input.field[0].players.len();
    let mut field = LineupTable::new(width);
    let mut field_copies = Vec::with_capacity(input.field.len());
    let mut field_means = Vec::with_capacity(input.field.len());
    let mut copies_of: HashMap<Vec<u32>, u64> = HashMap::with_capacity(input.field.len());
    let mut field_total = 0u64;
    for (i, e) in input.field.iter().enumerate() {
        let key = sorted_key(&e.players, players, width, || format!("field[{i}].players"))?;
        field.push(&key);
        field_copies.push(e.copies);
        field_means.push(
            key.iter()
                .map(|&p| input.slate.players[p as usize].projection as f32)
                .sum::<f32>(),
        );
        field_total += u64::from(e.copies);
        *copies_of.entry(key).or_default() += u64::from(e.copies);
    }
    if field_total == 0 {
        return Err(SimError::invalid("field", "every entrant has 0 copies"));
    }

    let mut order: Vec<usize> = (0..input.candidates.len()).collect();
    order.sort_by_key(|&i| input.candidates[i].lineup_id);
    if let Some(w) = order
        .windows(2)
        .find(|w| input.candidates[w[0]].lineup_id == input.candidates[w[1]].lineup_id)
    {
        return Err(SimError::invalid(
            format!("candidates[{}].lineup_id", w[1]),
            format!(
                "lineup_id {} appears twice",
                input.candidates[w[1]].lineup_id
            ),
        ));
    }
    let mut cands = LineupTable::new(width);
    let mut cand_copies = Vec::with_capacity(order.len());
    for &i in &order {
        let key = sorted_key(&input.candidates[i].players, players, width, || {
            format!("candidates[{i}].players")
        })?;
        let copies = copies_of.get(&key).copied().unwrap_or(0);
        cand_copies.push(u32::try_from(copies).unwrap_or(u32::MAX));
        cands.push(&key);
    }

    let mut entries = input.entries;
    if entries as usize > input.candidates.len() {
        diag.warn(format!(
            "{entries} entries asked for but only {} candidate lineups: selecting at most {}",
            input.candidates.len(),
            input.candidates.len()
        ));
        entries = input.candidates.len() as u32;
    }
    let contest_entries = field_total + u64::from(entries);
    // Ranks count entries in 31 bits (the top bit marks buckets, see rank.rs).
    const MOST: u64 = (1 << 31) - 1;
    if contest_entries > MOST || (input.field.len() + entries as usize) as u64 > MOST {
        return Err(SimError::invalid(
            "field",
            format!("{contest_entries} entries is too many (at most {MOST})"),
        ));
    }
    if contest_entries != u64::from(input.contest.field_size) {
        diag.warn(format!(
            "simulated contest has {contest_entries} entries ({field_total} field + {entries} ours), \
             the contest holds {}: prizes are paid as listed",
            input.contest.field_size
        ));
    }
    if entries > input.contest.max_entries {
        diag.warn(format!(
            "{entries} entries exceed the contest's max entries {}",
            input.contest.max_entries
        ));
    }
    Ok(Prepared {
        ladder: input.contest.ladder(),
        fee: input.contest.entry_fee,
        players,
        field_sample: field.sample(GRID_SAMPLE),
        field,
        lean: (lean > 0.0).then(|| Lean::new(&field_copies, &field_means, lean, field_total)),
        field_copies,
        field_total,
        cands,
        order,
        cand_copies,
        entries,
    })
}

/// Pass A accumulators, per candidate (in `lineup_id` order), with finish
/// percentile bins counted in `H`: a chunk counts in `u8` (at most [`CHUNK`]
/// iterations), which keeps its bins (a random write per candidate and
/// iteration) in a quarter of the cache; the whole pass in `u32`.
#[derive(Debug)]
struct CandidateTally<H> {
    payout: Vec<f64>,
    wins: Vec<u32>,
    top0_1: Vec<u32>,
    top1: Vec<u32>,
    top10: Vec<u32>,
    cash: Vec<u32>,
    /// `PERCENTILE_BINS` counts per candidate, flattened.
    hist: Vec<H>,
}

const _: () = assert!(CHUNK <= u8::MAX as u32, "a chunk's bins count in u8");

impl<H: Copy + Default> CandidateTally<H> {
    fn new(n: usize) -> Self {
        CandidateTally {
            payout: vec![0.0; n],
            wins: vec![0; n],
            top0_1: vec![0; n],
            top1: vec![0; n],
            top10: vec![0; n],
            cash: vec![0; n],
            hist: vec![H::default(); n * PERCENTILE_BINS],
        }
    }
}

impl CandidateTally<u32> {
    /// Adds `other` (a later chunk) into `self`.
    fn merge(&mut self, other: &CandidateTally<u8>) {
        fn add<T: Copy + std::ops::AddAssign>(a: &mut [T], b: &[T]) {
            for (x, &y) in a.iter_mut().zip(b) {
                *x += y;
            }
        }
        add(&mut self.payout, &other.payout);
        add(&mut self.wins, &other.wins);
        add(&mut self.top0_1, &other.top0_1);
        add(&mut self.top1, &other.top1);
        add(&mut self.top10, &other.top10);
        add(&mut self.cash, &other.cash);
        for (x, &y) in self.hist.iter_mut().zip(&other.hist) {
            *x += u32::from(y);
        }
    }
}

/// Pass A's result for one chunk: the tallies, and every (candidate, iteration)
/// in the money, in iteration order.
struct ChunkA {
    tally: CandidateTally<u8>,
    in_the_money: Vec<(u32, InTheMoney)>,
}

fn chunk_range(k: u32, iterations: u32) -> Range<u32> {
    let start = k * CHUNK;
    start..(start + CHUNK).min(iterations)
}

/// Pass A over one chunk: each candidate as a single entry against the field.
fn chunk_a<M: OutcomeModel + ?Sized>(
    model: &M,
    prep: &Prepared,
    seed: u64,
    range: Range<u32>,
) -> ChunkA {
    let n = prep.cands.len();
    let mut tally = CandidateTally::<u8>::new(n);
    let mut in_the_money = Vec::new();
    let mut points = vec![0.0f32; prep.players];
    let mut batch = PointsBatch::new(prep.players);
    let mut cscores = Vec::with_capacity(n);
    let mut queries: Vec<Vec<f32>> = (0..LANES).map(|_| Vec::with_capacity(n)).collect();
    let mut ranks = FieldRanks::default();
    let field_total = prep.field_total;
    let contest_n = (field_total + 1) as f64;
    let paid = prep.ladder.paid_places() as u64;

    for its in batches(range) {
        draw_batch(model, seed, its.clone(), &mut points, &mut batch);
        prep.cands.score(&batch, &mut cscores);
        let queries = &mut queries[..batch.live()];
        for (lane, q) in queries.iter_mut().enumerate() {
            q.clear();
            q.extend(cscores.iter().map(|s| s[lane]));
        }
        let copies = prep.copies(seed, its.clone());
        prep.rank(&mut ranks, &batch, copies, queries);
        for (lane, it) in its.enumerate() {
            for (j, (&s, &(g, t))) in queries[lane].iter().zip(ranks.ranks(lane)).enumerate() {
                let payout = prep.ladder.tied_share(g as usize, t as usize + 1);
                tally.payout[j] += payout;
                let g_f = g as f64;
                tally.wins[j] += u32::from(g == 0);
                tally.top0_1[j] += u32::from(g_f < 0.001 * contest_n);
                tally.top1[j] += u32::from(g_f < crate::TOP_SHARE * contest_n);
                tally.top10[j] += u32::from(g_f < 0.10 * contest_n);
                tally.cash[j] += u32::from(payout > 0.0);
                let pct = (g_f + t as f64 / 2.0) / field_total as f64;
                tally.hist[j * PERCENTILE_BINS + bin_of(pct)] += 1;
                if g < paid {
                    in_the_money.push((
                        j as u32,
                        InTheMoney {
                            iteration: it,
                            better: g as u32,
                            tied: t as u32,
                            score: s,
                        },
                    ));
                }
            }
        }
    }
    ChunkA {
        tally,
        in_the_money,
    }
}

/// Runs `work` over every chunk of iterations in parallel, folding the results
/// into `fold` in chunk order; at most `wave` chunk results are alive at once.
fn for_chunks<T: Send>(
    iterations: u32,
    ctx: &StageContext<'_>,
    work: impl Fn(Range<u32>) -> T + Sync,
    mut fold: impl FnMut(T),
) -> Result<(), SimError> {
    let chunks = iterations.div_ceil(CHUNK);
    let wave = (4 * rayon::current_num_threads()).max(1) as u32;
    let mut start = 0;
    while start < chunks {
        let end = start.saturating_add(wave).min(chunks);
        let parts: Vec<Option<T>> = (start..end)
            .into_par_iter()
            .map(|k| {
                if ctx.cancelled() {
                    return None;
                }
                let range = chunk_range(k, iterations);
                let steps = u64::from(range.end - range.start);
                let out = work(range);
                ctx.progress.advance(steps);
                Some(out)
            })
            .collect();
        for part in parts {
            fold(part.ok_or(SimError::Cancelled)?);
        }
        start = end;
    }
    Ok(())
}

/// Pass B per iteration: the winnings of the chosen portfolio and of the
/// baseline, and our entries' finish percentiles; plus the payout audits.
#[derive(Debug, Default)]
struct PortfolioTally {
    winnings: Vec<f64>,
    baseline: Vec<f64>,
    hist: Vec<u64>,
    /// `PERCENTILE_BINS` counts per chosen entry (in `picked` order), flattened.
    entry_hist: Vec<u64>,
    /// Entry-iterations that won a prize.
    cashed: u64,
    /// Entry-iterations finished in the top 1% of the contest's entries.
    top1: u64,
    /// Our winnings summed over iterations, each entry's prize capped at the
    /// prize of the last top-1% place.
    capped: f64,
    /// Sum of the entries' finish percentiles over entry-iterations.
    percentile_sum: f64,
    /// Iterations whose whole paid part was paid out and checked.
    audits: u32,
    /// Largest gap found between the prizes paid to every entrant and the prizes on offer.
    audit_gap: f64,
}

/// Every this many iterations pass B pays every entrant of the paid places
/// (field and ours, ties split) and checks the sum against the prizes the
/// places hold: an audit of the ranks at a fraction of their cost.
pub const AUDIT_EVERY: u32 = 64;

/// Column `lane` of `scores`, best first, into `out`.
fn lane_desc(scores: &[crate::score::Lanes], lane: usize, out: &mut Vec<f32>) {
    out.clear();
    out.extend(scores.iter().map(|s| s[lane]));
    out.sort_unstable_by(|a, b| b.total_cmp(a));
}

/// Column `lane` of `scores`, best first, into `out`, and in `order` which
/// row each of them is (ties in row order, so the result is deterministic).
fn lane_desc_rows(
    scores: &[crate::score::Lanes],
    lane: usize,
    order: &mut Vec<usize>,
    out: &mut Vec<f32>,
) {
    order.clear();
    order.extend(0..scores.len());
    order.sort_by(|&a, &b| scores[b][lane].total_cmp(&scores[a][lane]));
    out.clear();
    out.extend(order.iter().map(|&r| scores[r][lane]));
}

/// Pass B over one chunk: the field plus our chosen entries (and, apart, the
/// field plus the baseline's), on fresh draws.
fn chunk_b<M: OutcomeModel + ?Sized>(
    model: &M,
    prep: &Prepared,
    picked: &LineupTable,
    baseline: &LineupTable,
    seed: u64,
    range: Range<u32>,
) -> PortfolioTally {
    let others = (prep.field_total + picked.len() as u64)
        .saturating_sub(1)
        .max(1) as f64;
    let mut tally = PortfolioTally {
        winnings: Vec::with_capacity(range.len()),
        baseline: Vec::with_capacity(range.len()),
        hist: vec![0; PERCENTILE_BINS],
        entry_hist: vec![0; picked.len() * PERCENTILE_BINS],
        ..PortfolioTally::default()
    };
    let contest_entries = prep.field_total + picked.len() as u64;
    let top1_places = crate::TOP_SHARE * contest_entries as f64;
    let cap = prep
        .ladder
        .prize_at_share(crate::TOP_SHARE, contest_entries);
    let paid_out = prep.ladder.span_total(0, contest_entries as usize);
    let mut points = vec![0.0f32; prep.players];
    let mut batch = PointsBatch::new(prep.players);
    let (mut ours_lanes, mut theirs_lanes) = (Vec::new(), Vec::new());
    let mut theirs = Vec::with_capacity(baseline.len());
    // Per lane: our scores best first, then the baseline's best first.
    let mut queries: Vec<Vec<f32>> = (0..LANES)
        .map(|_| Vec::with_capacity(picked.len() + baseline.len()))
        .collect();
    let mut placed = Vec::with_capacity(picked.len());
    let mut ranks = FieldRanks::default();
    let ours_n = picked.len();
    // Per lane: which of our entries each of the lane's sorted scores is.
    let mut rows: Vec<Vec<usize>> = (0..LANES).map(|_| Vec::with_capacity(ours_n)).collect();
    for its in batches(range) {
        draw_batch(model, seed, its.clone(), &mut points, &mut batch);
        picked.score(&batch, &mut ours_lanes);
        baseline.score(&batch, &mut theirs_lanes);
        let queries = &mut queries[..batch.live()];
        for (lane, q) in queries.iter_mut().enumerate() {
            lane_desc_rows(&ours_lanes, lane, &mut rows[lane], q);
            lane_desc(&theirs_lanes, lane, &mut theirs);
            q.extend_from_slice(&theirs);
        }
        let copies = prep.copies(seed, its.clone());
        prep.rank(&mut ranks, &batch, copies, queries);
        for (lane, it) in its.enumerate() {
            let (ours, theirs) = queries[lane].split_at(ours_n);
            let lane_ranks = ranks.ranks(lane);
            pay_ours(&lane_ranks[..ours_n], &prep.ladder, ours, &mut placed);
            let mut won = 0.0;
            for (&(better, tied, payout), &row) in placed.iter().zip(&rows[lane]) {
                won += payout;
                let pct = (better as f64 + (tied - 1) as f64 / 2.0) / others;
                let bin = bin_of(pct);
                tally.hist[bin] += 1;
                tally.entry_hist[row * PERCENTILE_BINS + bin] += 1;
                tally.cashed += u64::from(payout > 0.0);
                tally.top1 += u64::from((better as f64) < top1_places);
                tally.capped += payout.min(cap);
                tally.percentile_sum += pct;
            }
            tally.winnings.push(won);
            if it % AUDIT_EVERY == 0 {
                // Pay the whole paid part of the contest and hold it to the prizes paid out.
                let field = ranks.field_paid(lane, &prep.field, &batch, copies, &prep.ladder, ours);
                let gap = (field + won - paid_out).abs();
                tally.audits += 1;
                tally.audit_gap = tally.audit_gap.max(gap);
            }

            pay_ours(&lane_ranks[ours_n..], &prep.ladder, theirs, &mut placed);
            tally.baseline.push(placed.iter().map(|p| p.2).sum());
        }
    }
    tally
}

/// Median of `xs` (mean of the two middle values when the count is even).
fn median(mut xs: Vec<f64>) -> f64 {
    if xs.is_empty() {
        return 0.0;
    }
    xs.sort_by(f64::total_cmp);
    let n = xs.len();
    (xs[(n - 1) / 2] + xs[n / 2]) / 2.0
}

/// Seed of pass B's iteration streams: independent of pass A's, so the
/// portfolio is measured on draws that selection never saw.
pub fn portfolio_seed(seed: u64) -> u64 {
    schemas::stream_seed(seed, "sim/portfolio", 0)
}

/// ROI mean, ROI median and profit probability of per-iteration winnings.
fn roi_summary(winnings: &[f64], fees: f64) -> (f64, f64, f64) {
    let iters = winnings.len().max(1) as f64;
    let rois: Vec<f64> = winnings.iter().map(|w| w / fees - 1.0).collect();
    let mean = rois.iter().sum::<f64>() / iters;
    let profit = winnings.iter().filter(|&&w| w > fees).count() as f64 / iters;
    (mean, median(rois), profit)
}

/// Runs the whole simulation with `model`; see the crate docs for the method.
pub fn simulate<M: OutcomeModel + ?Sized>(
    model: &M,
    input: &SimInput<'_>,
    config: &SimConfig,
    ctx: &StageContext<'_>,
) -> Result<(SimOutput, Diagnostics), SimError> {
    let mut diag = Diagnostics::default();
    let prep = prepare(input, config, model.player_count(), &mut diag)?;
    let iterations = config.iterations;
    let seed = ctx.seed;
    let n = prep.cands.len();

    // Pass A: every candidate as a single entry against the field.
    ctx.progress.start(NAME, u64::from(iterations));
    let mut tally = CandidateTally::<u32>::new(n);
    let mut in_the_money: Vec<Vec<InTheMoney>> = vec![Vec::new(); n];
    for_chunks(
        iterations,
        ctx,
        |range| chunk_a(model, &prep, seed, range),
        |part| {
            tally.merge(&part.tally);
            for (j, r) in part.in_the_money {
                in_the_money[j as usize].push(r);
            }
        },
    )?;

    let iters = f64::from(iterations);
    let mut results: Vec<LineupResult> = (0..n)
        .map(|j| {
            let hist = &tally.hist[j * PERCENTILE_BINS..(j + 1) * PERCENTILE_BINS];
            LineupResult {
                lineup_id: input.candidates[prep.order[j]].lineup_id,
                roi_mean: tally.payout[j] / iters / prep.fee - 1.0,
                win_rate: f64::from(tally.wins[j]) / iters,
                top0_1_rate: f64::from(tally.top0_1[j]) / iters,
                top1_rate: f64::from(tally.top1[j]) / iters,
                top10_rate: f64::from(tally.top10[j]) / iters,
                cash_rate: f64::from(tally.cash[j]) / iters,
                finish_p10: quantile(hist, 0.10),
                finish_p50: quantile(hist, 0.50),
                finish_p90: quantile(hist, 0.90),
                field_copies: prep.cand_copies[j],
                selected: false,
            }
        })
        .collect();

    // Selection, over candidates in lineup_id order, on pass A's draws.
    let ordered: Vec<CandidateLineup> = prep
        .order
        .iter()
        .map(|&i| input.candidates[i].clone())
        .collect();
    let picking = || {
        let groups = input.groups.map(|g| {
            let entry_of = prep.order.iter().map(|&i| g.entry_of[i]).collect();
            (entry_of, g.max_overlap)
        });
        let started: Vec<bool> = input.slate.players.iter().map(|p| p.locked).collect();
        Picking::new(
            exposure_cap(config.max_exposure, prep.entries),
            &ordered,
            groups,
            &started,
        )
    };
    let (chosen, evaluations) = select_marginal(
        &ordered,
        &in_the_money,
        &tally.payout,
        &prep.ladder,
        iterations,
        prep.entries,
        picking(),
    );
    drop(in_the_money);
    drop(tally);
    let picked: Vec<usize> = chosen.iter().map(|&(j, _)| j).collect();
    let roi: Vec<f64> = results.iter().map(|r| r.roi_mean).collect();
    let baseline = select_top_roi(&ordered, &roi, prep.entries, picking());
    if picked.is_empty() {
        return Err(SimError::Infeasible(format!(
            "no candidate fits max_exposure {}",
            config.max_exposure
        )));
    }
    if picked.len() < prep.entries as usize {
        diag.warn(format!(
            "exposure cap {} (max_exposure {}){} leaves {} of {} entries selectable",
            exposure_cap(config.max_exposure, prep.entries),
            config.max_exposure,
            if input.groups.is_some() {
                " with one pick per entry and the overlap rule"
            } else {
                ""
            },
            picked.len(),
            prep.entries
        ));
    }
    for &j in &picked {
        results[j].selected = true;
    }
    let entries = picked.len() as u32;

    // Pass B: the field plus our entries, on fresh draws (out of sample).
    let eval_seed = portfolio_seed(seed);
    let contest_entries = prep.field_total + u64::from(entries);
    ctx.progress.start(NAME, u64::from(iterations));
    let mut portfolio = PortfolioTally {
        hist: vec![0; PERCENTILE_BINS],
        entry_hist: vec![0; picked.len() * PERCENTILE_BINS],
        ..PortfolioTally::default()
    };
    let (picked_table, baseline_table) = (prep.cands.rows(&picked), prep.cands.rows(&baseline));
    for_chunks(
        iterations,
        ctx,
        |range| {
            chunk_b(
                model,
                &prep,
                &picked_table,
                &baseline_table,
                eval_seed,
                range,
            )
        },
        |part| {
            portfolio.winnings.extend(part.winnings);
            portfolio.baseline.extend(part.baseline);
            portfolio.audits += part.audits;
            portfolio.audit_gap = portfolio.audit_gap.max(part.audit_gap);
            for (a, b) in portfolio.hist.iter_mut().zip(part.hist) {
                *a += b;
            }
            for (a, b) in portfolio.entry_hist.iter_mut().zip(part.entry_hist) {
                *a += b;
            }
            portfolio.cashed += part.cashed;
            portfolio.top1 += part.top1;
            portfolio.capped += part.capped;
            portfolio.percentile_sum += part.percentile_sum;
        },
    )?;

    let our_fees = prep.fee * f64::from(entries);
    let all_fees = prep.fee * contest_entries as f64;
    let (roi_mean, roi_p50, profit_probability) = roi_summary(&portfolio.winnings, our_fees);
    let (base_mean, base_p50, base_profit) =
        roi_summary(&portfolio.baseline, prep.fee * baseline.len().max(1) as f64);
    // Ties split the prizes of the places they span, so every iteration pays
    // out exactly the prizes of the first `contest_entries` places (audited
    // above); the mean ROI over all entrants follows.
    let paid_out = prep.ladder.span_total(0, contest_entries as usize);
    let field_roi_mean = paid_out / all_fees - 1.0;
    if portfolio.audit_gap > 1e-6 * paid_out.max(1.0) {
        return Err(SimError::Internal(format!(
            "payout audit: an iteration paid {} away from the {paid_out} on offer",
            portfolio.audit_gap
        )));
    }
    let mut dups: Vec<u32> = picked.iter().map(|&j| prep.cand_copies[j]).collect();
    dups.sort_unstable();
    let rank95 = ((0.95 * dups.len() as f64).ceil() as usize).clamp(1, dups.len());
    let dup_p95 = f64::from(dups[rank95 - 1]);
    let mut dup_bins = DupBins::default();
    for &d in &dups {
        dup_bins.add(u64::from(d), 1);
    }

    let mut held: BTreeMap<i64, u32> = BTreeMap::new();
    for &j in &picked {
        let mut ps = ordered[j].players.clone();
        ps.sort_unstable();
        ps.dedup();
        for p in ps {
            if let Some(player) = input.slate.players.get(p as usize) {
                *held.entry(player.dk_id).or_default() += 1;
            }
        }
    }
    let exposure = held
        .into_iter()
        .map(|(id, c)| (id.to_string(), f64::from(c) / f64::from(entries)))
        .collect();
    let finish_percentiles = [
        ("p1", 0.01),
        ("p10", 0.10),
        ("p50", 0.50),
        ("p90", 0.90),
        ("p99", 0.99),
    ]
    .into_iter()
    .map(|(k, q)| (k.to_string(), quantile(&portfolio.hist, q)))
    .collect();
    let entry_iterations = (f64::from(entries) * iters).max(1.0);
    let roi_histogram =
        histogram::roi_histogram(portfolio.winnings.iter().map(|w| w / our_fees - 1.0));
    let finish_histogram = histogram::finish_histogram(&portfolio.hist);
    let entry_finish_deciles = portfolio
        .entry_hist
        .chunks_exact(PERCENTILE_BINS)
        .map(|hist| std::array::from_fn(|d| quantile(hist, (d + 1) as f64 / 10.0)))
        .collect();

    let metrics = PortfolioMetrics {
        roi_mean,
        roi_p50,
        dup_p95,
        profit_probability,
        finish_percentiles,
        finish_percentile_mean: portfolio.percentile_sum / entry_iterations,
        cash_rate: portfolio.cashed as f64 / entry_iterations,
        top1_rate: portfolio.top1 as f64 / entry_iterations,
        capped_roi_mean: portfolio.capped / iters / our_fees - 1.0,
        roi_histogram,
        finish_histogram,
        entry_finish_deciles,
        dup_bins,
        field_roi_mean,
        prize_pool: input.contest.prize_pool(),
        entry_fee: prep.fee,
        field_size: contest_entries as u32,
        iterations,
        entries,
        exposure,
        selection: "marginal".into(),
        top_n_baseline: BaselineMetrics {
            entries: baseline.len() as u32,
            roi_mean: base_mean,
            roi_p50: base_p50,
            profit_probability: base_profit,
            shared_entries: baseline.iter().filter(|j| picked.contains(j)).count() as u32,
            lineups: baseline.iter().map(|&j| results[j].lineup_id).collect(),
        },
    };
    let selected = picked.iter().map(|&j| results[j].lineup_id).collect();

    let scored = (n + 2 * prep.field.len() + picked.len() + baseline.len()) as f64 * iters;
    diag.count("candidates", n as f64);
    diag.count("field_unique", prep.field.len() as f64);
    diag.count("field_entries", prep.field_total as f64);
    diag.count("contest_entries", contest_entries as f64);
    diag.count("entries", f64::from(entries));
    diag.count(
        "exposure_cap",
        f64::from(exposure_cap(config.max_exposure, prep.entries)),
    );
    diag.count("iterations", iters);
    diag.count("lineup_scores", scored);
    diag.count("selection_evaluations", evaluations as f64);
    diag.count("payout_audits", f64::from(portfolio.audits));
    diag.count("payout_audit_max_gap", portfolio.audit_gap);
    if let Some(&(_, gain)) = chosen.first() {
        diag.count("selection_first_gain", gain / iters);
    }
    ctx.info(
        NAME,
        format!(
            "simulated {iterations} contests of {contest_entries} entries: \
             {entries} selected, portfolio ROI {roi_mean:.4} (top-{} by ROI: {base_mean:.4})",
            baseline.len()
        ),
        &[],
    );

    Ok((
        SimOutput {
            results,
            selected,
            metrics,
        },
        diag,
    ))
}
