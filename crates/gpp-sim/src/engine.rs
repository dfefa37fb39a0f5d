//! The simulation itself: validation, pass A (candidates), selection, pass B (portfolio).

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;

use rayon::prelude::*;
use schemas::{
    CandidateLineup, Diagnostics, DupBins, LineupResult, PortfolioMetrics, PrizeLadder, SimConfig,
    SimOutput, StageContext,
};

use crate::histogram::{PERCENTILE_BINS, bin_of, quantile};
use crate::outcome::{OutcomeModel, draw_iteration};
use crate::payout::{Placing, Ranker, desc_key, lineup_score, score_of_key};
use crate::{NAME, SimError, SimInput};

/// Iterations per work unit. Fixed, so that the chunking (and with it every
/// floating-point sum) is the same for any thread count.
pub const CHUNK: u32 = 32;

/// Lineups as sorted player indices, flattened into one buffer.
#[derive(Debug, Default)]
struct LineupTable {
    players: Vec<u32>,
    offsets: Vec<usize>,
}

impl LineupTable {
    fn push(&mut self, sorted: &[u32]) {
        if self.offsets.is_empty() {
            self.offsets.push(0);
        }
        self.players.extend_from_slice(sorted);
        self.offsets.push(self.players.len());
    }

    fn len(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    fn get(&self, i: usize) -> &[u32] {
        &self.players[self.offsets[i]..self.offsets[i + 1]]
    }

    /// Scores every lineup of the table into `out` (cleared first).
    fn score_all(&self, points: &[f32], out: &mut Vec<f32>) {
        out.clear();
        out.extend(
            self.offsets
                .windows(2)
                .map(|w| lineup_score(points, &self.players[w[0]..w[1]])),
        );
    }
}

/// Validated, preprocessed input.
struct Prepared {
    ladder: PrizeLadder,
    fee: f64,
    players: usize,
    field: LineupTable,
    field_copies: Vec<u32>,
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

fn sorted_key(
    players: &[u32],
    n_players: usize,
    field: impl Fn() -> String,
) -> Result<Vec<u32>, SimError> {
    if players.is_empty() {
        return Err(SimError::invalid(field(), "lineup has no players"));
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
    input
        .contest
        .validate()
        .map_err(|e| SimError::invalid("contest", e.to_string()))?;
    let players = input.slate.players.len();
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

    let mut field = LineupTable::default();
    let mut field_copies = Vec::with_capacity(input.field.len());
    let mut copies_of: HashMap<Vec<u32>, u64> = HashMap::with_capacity(input.field.len());
    let mut field_total = 0u64;
    for (i, e) in input.field.iter().enumerate() {
        let key = sorted_key(&e.players, players, || format!("field[{i}].players"))?;
        field.push(&key);
        field_copies.push(e.copies);
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
    let mut cands = LineupTable::default();
    let mut cand_copies = Vec::with_capacity(order.len());
    for &i in &order {
        let key = sorted_key(&input.candidates[i].players, players, || {
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
    if contest_entries > u64::from(u32::MAX)
        || input.field.len() + entries as usize > u32::MAX as usize
    {
        return Err(SimError::invalid(
            "field",
            format!("{contest_entries} entries is too many"),
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
        field,
        field_copies,
        field_total,
        cands,
        order,
        cand_copies,
        entries,
    })
}

/// Pass A accumulators, per candidate (in `lineup_id` order).
#[derive(Debug)]
struct CandidateTally {
    payout: Vec<f64>,
    wins: Vec<u32>,
    top1: Vec<u32>,
    top10: Vec<u32>,
    cash: Vec<u32>,
    /// `PERCENTILE_BINS` counts per candidate, flattened.
    hist: Vec<u32>,
}

impl CandidateTally {
    fn new(n: usize) -> Self {
        CandidateTally {
            payout: vec![0.0; n],
            wins: vec![0; n],
            top1: vec![0; n],
            top10: vec![0; n],
            cash: vec![0; n],
            hist: vec![0; n * PERCENTILE_BINS],
        }
    }

    /// Adds `other` (a later chunk) into `self`.
    fn merge(&mut self, other: &Self) {
        fn add<T: Copy + std::ops::AddAssign>(a: &mut [T], b: &[T]) {
            for (x, &y) in a.iter_mut().zip(b) {
                *x += y;
            }
        }
        add(&mut self.payout, &other.payout);
        add(&mut self.wins, &other.wins);
        add(&mut self.top1, &other.top1);
        add(&mut self.top10, &other.top10);
        add(&mut self.cash, &other.cash);
        add(&mut self.hist, &other.hist);
    }
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
) -> CandidateTally {
    let n = prep.cands.len();
    let mut tally = CandidateTally::new(n);
    let mut points = vec![0.0f32; prep.players];
    let mut fscores = Vec::with_capacity(prep.field.len());
    let mut cscores = Vec::with_capacity(n);
    let mut keys: Vec<u64> = Vec::with_capacity(prep.field.len());
    // Distinct field scores, best first, with the entries above and at each.
    let mut levels: Vec<f32> = Vec::new();
    let mut above: Vec<u64> = Vec::new();
    let mut at: Vec<u64> = Vec::new();
    let field_total = prep.field_total;
    let contest_n = (field_total + 1) as f64;
    let score = |k: u64| score_of_key((k >> 32) as u32);

    for it in range {
        draw_iteration(model, seed, u64::from(it), &mut points);
        prep.field.score_all(&points, &mut fscores);
        keys.clear();
        keys.extend(
            fscores
                .iter()
                .zip(&prep.field_copies)
                .map(|(&s, &c)| (u64::from(desc_key(s)) << 32) | u64::from(c)),
        );
        keys.sort_unstable();
        levels.clear();
        above.clear();
        at.clear();
        let mut better = 0u64;
        for group in keys.chunk_by(|&a, &b| score(a) == score(b)) {
            let c: u64 = group.iter().map(|&k| k & u64::from(u32::MAX)).sum();
            levels.push(score(group[0]));
            above.push(better);
            at.push(c);
            better += c;
        }

        prep.cands.score_all(&points, &mut cscores);
        for (j, &s) in cscores.iter().enumerate() {
            let idx = levels.partition_point(|&x| x > s);
            let (g, t) = match levels.get(idx) {
                Some(&x) if x == s => (above[idx], at[idx]),
                Some(_) => (above[idx], 0),
                None => (field_total, 0),
            };
            let payout = prep.ladder.tied_share(g as usize, t as usize + 1);
            tally.payout[j] += payout;
            let g_f = g as f64;
            tally.wins[j] += u32::from(g == 0);
            tally.top1[j] += u32::from(g_f < 0.01 * contest_n);
            tally.top10[j] += u32::from(g_f < 0.10 * contest_n);
            tally.cash[j] += u32::from(payout > 0.0);
            let pct = (g_f + t as f64 / 2.0) / field_total as f64;
            tally.hist[j * PERCENTILE_BINS + bin_of(pct)] += 1;
        }
    }
    tally
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
    let wave = (2 * rayon::current_num_threads()).max(1) as u32;
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

/// Pass B per iteration: our winnings and the whole contest's payout.
#[derive(Debug, Default)]
struct PortfolioTally {
    winnings: Vec<f64>,
    paid: Vec<f64>,
    hist: Vec<u64>,
}

/// Pass B over one chunk: the field plus our selected entries, fully ranked.
fn chunk_b<M: OutcomeModel + ?Sized>(
    model: &M,
    prep: &Prepared,
    contest: &LineupTable,
    copies: &[u32],
    seed: u64,
    range: Range<u32>,
) -> PortfolioTally {
    let ours = prep.field.len();
    let others = copies
        .iter()
        .map(|&c| u64::from(c))
        .sum::<u64>()
        .saturating_sub(1)
        .max(1) as f64;
    let mut tally = PortfolioTally {
        winnings: Vec::with_capacity(range.len()),
        paid: Vec::with_capacity(range.len()),
        hist: vec![0; PERCENTILE_BINS],
    };
    let mut points = vec![0.0f32; prep.players];
    let mut scores = Vec::with_capacity(contest.len());
    let mut placings: Vec<Placing> = Vec::with_capacity(contest.len());
    let mut ranker = Ranker::default();
    for it in range {
        draw_iteration(model, seed, u64::from(it), &mut points);
        contest.score_all(&points, &mut scores);
        let paid = ranker.rank(&prep.ladder, &scores, copies, &mut placings);
        let mut won = 0.0;
        for p in &placings[ours..] {
            won += p.payout;
            let pct = (p.better as f64 + (p.tied - 1) as f64 / 2.0) / others;
            tally.hist[bin_of(pct)] += 1;
        }
        tally.winnings.push(won);
        tally.paid.push(paid);
    }
    tally
}

/// The exposure cap: most selected entries that may hold one player.
pub fn exposure_cap(max_exposure: f64, entries: u32) -> u32 {
    // The epsilon keeps 0.3 * 10 = 3.0000000000000004 at 3.
    (max_exposure * f64::from(entries) - 1e-9).ceil().max(0.0) as u32
}

/// Picks up to `entries` candidates, best `roi[i]` first (ties by `lineup_id`),
/// skipping any whose players would exceed [`exposure_cap`] among those picked.
///
/// `roi` is aligned with `candidates`. Returns indices into `candidates` in the
/// order chosen; fewer than `entries` when the cap leaves too few selectable.
pub fn select_entries(
    candidates: &[CandidateLineup],
    roi: &[f64],
    entries: u32,
    max_exposure: f64,
) -> Vec<usize> {
    let cap = exposure_cap(max_exposure, entries);
    let mut ranked: Vec<usize> = (0..candidates.len().min(roi.len())).collect();
    ranked.sort_by(|&a, &b| {
        roi[b]
            .total_cmp(&roi[a])
            .then(candidates[a].lineup_id.cmp(&candidates[b].lineup_id))
    });
    let mut held: HashMap<u32, u32> = HashMap::new();
    let mut picked = Vec::with_capacity(entries as usize);
    for i in ranked {
        if picked.len() >= entries as usize {
            break;
        }
        let mut players = candidates[i].players.clone();
        players.sort_unstable();
        players.dedup();
        if players
            .iter()
            .all(|p| held.get(p).copied().unwrap_or(0) < cap)
        {
            for p in players {
                *held.entry(p).or_default() += 1;
            }
            picked.push(i);
        }
    }
    picked
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
    let mut tally = CandidateTally::new(n);
    for_chunks(
        iterations,
        ctx,
        |range| chunk_a(model, &prep, seed, range),
        |part| tally.merge(&part),
    )?;

    let iters = f64::from(iterations);
    let mut results: Vec<LineupResult> = (0..n)
        .map(|j| {
            let hist = &tally.hist[j * PERCENTILE_BINS..(j + 1) * PERCENTILE_BINS];
            LineupResult {
                lineup_id: input.candidates[prep.order[j]].lineup_id,
                roi_mean: tally.payout[j] / iters / prep.fee - 1.0,
                win_rate: f64::from(tally.wins[j]) / iters,
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
    drop(tally);

    // Selection, over candidates in lineup_id order.
    let ordered: Vec<CandidateLineup> = prep
        .order
        .iter()
        .map(|&i| input.candidates[i].clone())
        .collect();
    let roi: Vec<f64> = results.iter().map(|r| r.roi_mean).collect();
    let picked = select_entries(&ordered, &roi, prep.entries, config.max_exposure);
    if picked.is_empty() {
        return Err(SimError::Infeasible(format!(
            "no candidate fits max_exposure {}",
            config.max_exposure
        )));
    }
    if picked.len() < prep.entries as usize {
        diag.warn(format!(
            "exposure cap {} (max_exposure {}) leaves {} of {} entries selectable",
            exposure_cap(config.max_exposure, prep.entries),
            config.max_exposure,
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
    let mut contest = LineupTable::default();
    for i in 0..prep.field.len() {
        contest.push(prep.field.get(i));
    }
    for &j in &picked {
        contest.push(prep.cands.get(j));
    }
    let mut copies = prep.field_copies.clone();
    copies.extend(std::iter::repeat_n(1u32, picked.len()));
    let contest_entries = prep.field_total + u64::from(entries);

    ctx.progress.start(NAME, u64::from(iterations));
    let mut portfolio = PortfolioTally {
        hist: vec![0; PERCENTILE_BINS],
        ..PortfolioTally::default()
    };
    for_chunks(
        iterations,
        ctx,
        |range| chunk_b(model, &prep, &contest, &copies, eval_seed, range),
        |part| {
            portfolio.winnings.extend(part.winnings);
            portfolio.paid.extend(part.paid);
            for (a, b) in portfolio.hist.iter_mut().zip(part.hist) {
                *a += b;
            }
        },
    )?;

    let our_fees = prep.fee * f64::from(entries);
    let all_fees = prep.fee * contest_entries as f64;
    let rois: Vec<f64> = portfolio
        .winnings
        .iter()
        .map(|w| w / our_fees - 1.0)
        .collect();
    let roi_mean = rois.iter().sum::<f64>() / iters;
    let profit = portfolio.winnings.iter().filter(|&&w| w > our_fees).count();
    let field_roi_mean = portfolio
        .paid
        .iter()
        .map(|p| p / all_fees - 1.0)
        .sum::<f64>()
        / iters;

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

    let metrics = PortfolioMetrics {
        roi_mean,
        roi_p50: median(rois),
        dup_p95,
        profit_probability: profit as f64 / iters,
        finish_percentiles,
        dup_bins,
        field_roi_mean,
        prize_pool: input.contest.prize_pool(),
        entry_fee: prep.fee,
        field_size: contest_entries as u32,
        iterations,
        entries,
        exposure,
    };
    let selected = picked.iter().map(|&j| results[j].lineup_id).collect();

    let scored = (n + prep.field.len() + contest.len()) as f64 * iters;
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
    ctx.info(
        NAME,
        format!(
            "simulated {iterations} contests of {contest_entries} entries: \
             {entries} selected, portfolio ROI {roi_mean:.4}"
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
