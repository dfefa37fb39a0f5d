//! The stage end to end on small synthetic contests.

mod common;

use std::collections::BTreeMap;

use common::*;
use gpp_sim::{GppSim, MeanWeights, SimInput, exposure_cap, select_entries};
use schemas::{
    CandidateLineup, Contest, Diagnostics, FieldEntrant, SimConfig, SimOutput, Slate, Stage,
    StageContext, StageError,
};

fn run(
    slate: &Slate,
    contest: &Contest,
    candidates: &[CandidateLineup],
    field: &[FieldEntrant],
    entries: u32,
    config: &SimConfig,
) -> Result<(SimOutput, Diagnostics), StageError> {
    let input = SimInput {
        slate,
        contest,
        candidates,
        field,
        entries,
        correlations: None,
        groups: None,
    };
    GppSim.run(input, config, &StageContext::quiet(2024))
}

/// 12 varied players, a field of 30 unique lineups (97 entries) and 20 candidates.
fn full_contest() -> (Slate, Contest, Vec<CandidateLineup>, Vec<FieldEntrant>) {
    let s = varied_slate(12);
    let all = triples(&(0..12).collect::<Vec<u32>>());
    let mut field: Vec<FieldEntrant> = all[..30]
        .iter()
        .enumerate()
        .map(|(i, l)| entrant(l, 1 + (i as u32 * 5 % 4)))
        .collect();
    let total: u32 = field.iter().map(|e| e.copies).sum();
    assert!(total <= 97);
    field[0].copies += 97 - total;
    let candidates: Vec<CandidateLineup> = all[25..45]
        .iter()
        .enumerate()
        .map(|(i, l)| candidate(i as u32, &[l[2], l[0], l[1]]))
        .collect();
    let c = contest(
        20.0,
        100,
        &[
            (1, 1, 500.0),
            (2, 2, 300.0),
            (3, 5, 150.0),
            (6, 10, 80.0),
            (11, 20, 40.0),
        ],
    );
    (s, c, candidates, field)
}

#[test]
fn field_roi_matches_the_rake_when_full() {
    let (s, c, cands, field) = full_contest();
    let (out, diag) = run(&s, &c, &cands, &field, 3, &config(500, 1.0)).unwrap();
    let m = &out.metrics;
    assert_eq!(m.field_size, 100);
    assert_eq!(m.entries, 3);
    assert_eq!(m.iterations, 500);
    assert!(diag.warnings.is_empty(), "{:?}", diag.warnings);
    let want = c.prize_pool() / (c.entry_fee * 100.0) - 1.0;
    assert!(
        (m.field_roi_mean - want).abs() < 1e-9,
        "{} vs {want}",
        m.field_roi_mean
    );
    assert_eq!(m.prize_pool, c.prize_pool());
    assert_eq!(m.entry_fee, 20.0);
    // 100 entrants: the top 1% is place 1, whose prize caps no prize.
    assert!(
        (m.capped_roi_mean - m.roi_mean).abs() < 1e-12,
        "{} vs {}",
        m.capped_roi_mean,
        m.roi_mean
    );
    // Every 64th iteration paid the whole paid part, field and ours, ties split,
    // and it summed to the prize pool.
    assert_eq!(diag.counters["payout_audits"], 8.0);
    assert!(diag.counters["payout_audit_max_gap"] < 1e-9 * c.prize_pool());
    // Shape of the output.
    assert_eq!(out.results.len(), cands.len());
    assert!(
        out.results
            .windows(2)
            .all(|w| w[0].lineup_id < w[1].lineup_id)
    );
    assert_eq!(out.selected.len(), 3);
    assert_eq!(out.results.iter().filter(|r| r.selected).count(), 3);
    for r in &out.results {
        assert!(r.finish_p10 <= r.finish_p50 && r.finish_p50 <= r.finish_p90);
        assert!((0.0..=1.0).contains(&r.cash_rate) && r.top1_rate <= r.top10_rate);
        assert!(r.win_rate <= r.top0_1_rate && r.top0_1_rate <= r.top1_rate);
        assert!(r.roi_mean >= -1.0);
    }
    // The copies of candidates that are also in the field (all[25..30]).
    for (i, r) in out.results.iter().enumerate() {
        let want = if i < 5 { field[25 + i].copies } else { 0 };
        assert_eq!(r.field_copies, want, "candidate {i}");
    }
    let keys: Vec<&str> = m.finish_percentiles.keys().map(String::as_str).collect();
    assert_eq!(keys, ["p1", "p10", "p50", "p90", "p99"]);
    assert!(m.finish_percentiles["p1"] <= m.finish_percentiles["p99"]);
    assert!((0.0..=1.0).contains(&m.profit_probability));
    // Per-entry deciles, one row per selected entry, ascending; the pooled
    // median lies between the entries' smallest and largest medians.
    assert_eq!(m.entry_finish_deciles.len(), out.selected.len());
    for d in &m.entry_finish_deciles {
        assert!(d.windows(2).all(|w| w[0] <= w[1]), "{d:?}");
    }
    let medians: Vec<f64> = m.entry_finish_deciles.iter().map(|d| d[4]).collect();
    let (lo, hi) = medians
        .iter()
        .fold((1.0f64, 0.0f64), |(lo, hi), &x| (lo.min(x), hi.max(x)));
    assert!(lo - 0.001 <= m.finish_percentiles["p50"] && m.finish_percentiles["p50"] <= hi + 0.001);
    assert!((0.0..=1.0).contains(&m.cash_rate) && (0.0..=1.0).contains(&m.top1_rate));
    assert!((0.0..=1.0).contains(&m.finish_percentile_mean));
    // The histograms: one ROI per iteration, one finish per entry and iteration,
    // every value at or above its bin's lower edge and below its upper one.
    let total = |h: &[schemas::HistogramBin]| h.iter().map(|b| b.count).sum::<u64>();
    assert_eq!(m.roi_histogram.len(), gpp_sim::ROI_BIN_EDGES.len());
    assert_eq!(total(&m.roi_histogram), 500);
    let iters = f64::from(m.iterations);
    let roi_floor: f64 = m.roi_histogram.iter().map(|b| b.lo * b.count as f64).sum();
    assert!(
        roi_floor / iters <= m.roi_mean + 1e-12,
        "{roi_floor} {}",
        m.roi_mean
    );
    let in_profit: u64 = m
        .roi_histogram
        .iter()
        .filter(|b| b.lo >= 0.0)
        .map(|b| b.count)
        .sum();
    assert!(m.profit_probability * iters <= in_profit as f64 + 1e-9);
    assert_eq!(m.finish_histogram.len(), gpp_sim::FINISH_HISTOGRAM_BINS);
    assert_eq!(total(&m.finish_histogram), 3 * 500);
    let n = (3 * 500) as f64;
    let lo: f64 = m
        .finish_histogram
        .iter()
        .map(|b| b.lo * b.count as f64)
        .sum();
    let hi: f64 = m
        .finish_histogram
        .iter()
        .map(|b| b.hi.unwrap() * b.count as f64)
        .sum();
    assert!(lo / n <= m.finish_percentile_mean && m.finish_percentile_mean <= hi / n);
    // The top-N baseline names its lineups, best single-lineup ROI first.
    assert_eq!(
        m.top_n_baseline.lineups.len() as u32,
        m.top_n_baseline.entries
    );
    let roi = |id: u32| {
        out.results
            .iter()
            .find(|r| r.lineup_id == id)
            .unwrap()
            .roi_mean
    };
    assert!(
        m.top_n_baseline
            .lineups
            .windows(2)
            .all(|w| roi(w[0]) >= roi(w[1]))
    );
}

#[test]
fn candidate_tied_with_field_entries_earns_the_tied_share() {
    // Std dev 0: every iteration scores the projections. Integer points sum exactly.
    let mut players = vec![
        (12.0, 0.0), // 0
        (10.0, 0.0), // 1
        (8.0, 0.0),  // 2  A = {0,1,2} = 30
        (7.0, 0.0),  // 3
        (6.0, 0.0),  // 4
        (7.0, 0.0),  // 5  B = {3,4,5} = 20
        (3.0, 0.0),  // 6
        (3.0, 0.0),  // 7
        (4.0, 0.0),  // 8  C = {6,7,8} = 10
        (7.0, 0.0),  // 9  Y = {3,4,9} = 20, ties B
        (1.0, 0.0),  // 10 Z = {6,7,10} = 7, last
    ];
    players.push((0.0, 4.0)); // 11: never used; projection 0 scores 0
    let s = slate(&players);
    let field = vec![
        entrant(&[0, 1, 2], 3),
        entrant(&[3, 4, 5], 2),
        entrant(&[6, 7, 8], 5),
    ];
    let cands = vec![
        candidate(0, &[2, 0, 1]), // X: same lineup as A, slot order differs
        candidate(1, &[9, 3, 4]), // Y
        candidate(2, &[6, 7, 10]),
    ];
    let c = contest(10.0, 11, &[(1, 1, 50.0), (2, 3, 20.0), (4, 6, 10.0)]);
    let ladder = c.ladder();
    let (out, _) = run(&s, &c, &cands, &field, 1, &config(50, 1.0)).unwrap();
    let r = &out.results;

    // X ties A's 3 copies for first: places 1-4.
    assert_eq!(ladder.tied_share(0, 4), 25.0);
    assert!((r[0].roi_mean - 1.5).abs() < 1e-12);
    assert_eq!(
        (r[0].win_rate, r[0].cash_rate, r[0].field_copies),
        (1.0, 1.0, 3)
    );
    // Finish percentile (0 + 3/2) / 10 = 0.15, to the histogram's resolution.
    assert!(
        (r[0].finish_p50 - 0.15).abs() <= 0.001,
        "{}",
        r[0].finish_p50
    );
    // Y ties B's 2 copies behind A's 3: places 4-6 pay 10 each.
    assert_eq!(ladder.tied_share(3, 3), 10.0);
    assert!(r[1].roi_mean.abs() < 1e-12);
    assert_eq!(
        (r[1].win_rate, r[1].cash_rate, r[1].field_copies),
        (0.0, 1.0, 0)
    );
    // Z is last.
    assert_eq!((r[2].roi_mean, r[2].cash_rate), (-1.0, 0.0));
    assert!((r[2].finish_p50 - 1.0).abs() <= 0.001);

    // Portfolio: X is picked and shares first with A's 3 copies.
    assert_eq!(out.selected, vec![0]);
    let m = &out.metrics;
    assert!((m.roi_mean - 1.5).abs() < 1e-12 && (m.roi_p50 - 1.5).abs() < 1e-12);
    assert_eq!(
        (m.profit_probability, m.dup_p95, m.field_size),
        (1.0, 3.0, 11)
    );
    assert_eq!(m.dup_bins.two_to_four, 1);
    assert!((m.field_roi_mean - (c.prize_pool() / 110.0 - 1.0)).abs() < 1e-12);
    // Our finish: 3 others tied with us, (0 + 3/2) / 10.
    assert!((m.finish_percentiles["p50"] - 0.15).abs() <= 0.001);
    // Exactly, in the mean: 0.15 every iteration; it always cashes; 0 places
    // above it is within the top 1% of 11 entries.
    assert!((m.finish_percentile_mean - 0.15).abs() < 1e-12);
    assert_eq!((m.cash_rate, m.top1_rate), (1.0, 1.0));
    assert!(
        m.entry_finish_deciles[0]
            .iter()
            .all(|&d| (d - 0.15).abs() <= 0.001)
    );
    let exposure: BTreeMap<String, f64> = [("1000", 1.0), ("1001", 1.0), ("1002", 1.0)]
        .map(|(k, v)| (k.to_string(), v))
        .into();
    assert_eq!(m.exposure, exposure);
}

#[test]
fn dominant_candidate_wins_every_iteration() {
    let mut players = vec![(100.0, 5.0); 3];
    players.extend([(10.0, 3.0); 9]);
    let s = slate(&players);
    let field: Vec<FieldEntrant> = triples(&(3..12).collect::<Vec<u32>>())
        .iter()
        .enumerate()
        .map(|(i, l)| entrant(l, 1 + i as u32 % 3))
        .collect();
    let cands = vec![candidate(7, &[0, 1, 2]), candidate(3, &[3, 4, 5])];
    let field_total: u32 = field.iter().map(|e| e.copies).sum();
    let c = contest(
        3.0,
        field_total + 1,
        &[(1, 1, 100.0), (2, 10, 10.0), (11, 30, 4.0)],
    );
    let (out, _) = run(&s, &c, &cands, &field, 1, &config(400, 1.0)).unwrap();
    let best = out.results.iter().find(|r| r.lineup_id == 7).unwrap();
    assert_eq!(best.win_rate, 1.0);
    assert_eq!(best.top1_rate, 1.0);
    assert!((best.roi_mean - (100.0 / 3.0 - 1.0)).abs() < 1e-12);
    assert!(best.finish_p90 < 0.001);
    assert_eq!(out.selected, vec![7]);
    assert!((out.metrics.roi_mean - (100.0 / 3.0 - 1.0)).abs() < 1e-12);
    // First every time: it cashes, finishes in the top 1% and at percentile 0.
    let m = &out.metrics;
    assert_eq!(
        (m.cash_rate, m.top1_rate, m.finish_percentile_mean),
        (1.0, 1.0, 0.0)
    );
    assert!(m.entry_finish_deciles[0].iter().all(|&d| d < 0.001));
    // 169 entrants: the top 1% ends at place 2, whose prize (10) caps the win.
    assert_eq!(field_total + 1, 169);
    assert!((m.capped_roi_mean - (10.0 / 3.0 - 1.0)).abs() < 1e-12);
    assert_eq!(out.metrics.profit_probability, 1.0);
    assert_eq!(out.metrics.dup_bins.zero, 1);
}

#[test]
fn identical_output_for_any_thread_count() {
    let (s, c, cands, field) = full_contest();
    let go = |threads: usize| {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        pool.install(|| run(&s, &c, &cands, &field, 5, &config(333, 0.6)).unwrap())
    };
    let (one, d1) = go(1);
    let (two, d2) = go(2);
    let (three, _) = go(3);
    assert_eq!(one, two);
    assert_eq!(d1, d2);
    let json = |o: &SimOutput| serde_json::to_string(o).unwrap();
    assert_eq!(json(&one), json(&two));
    assert_eq!(json(&one), json(&three));
    // A different seed gives different results.
    let input = SimInput {
        slate: &s,
        contest: &c,
        candidates: &cands,
        field: &field,
        entries: 5,
        correlations: None,
        groups: None,
    };
    let (other, _) = GppSim
        .run(input, &config(333, 0.6), &StageContext::quiet(1))
        .unwrap();
    assert_ne!(json(&one), json(&other));
}

#[test]
fn selection_respects_entries_and_exposure() {
    let cands = vec![
        candidate(0, &[0, 1, 2]),
        candidate(1, &[0, 3, 4]),
        candidate(2, &[0, 5, 6]),
        candidate(3, &[7, 8, 9]),
        candidate(4, &[1, 3, 5]),
    ];
    let roi = [3.0, 2.0, 1.5, 1.0, 0.5];
    assert_eq!(exposure_cap(0.5, 4), 2);
    assert_eq!(exposure_cap(0.3, 10), 3);
    assert_eq!(select_entries(&cands, &roi, 4, 0.5), vec![0, 1, 3, 4]);
    assert_eq!(select_entries(&cands, &roi, 4, 0.25), vec![0, 3]);
    assert_eq!(select_entries(&cands, &roi, 2, 1.0), vec![0, 1]);
    // Equal ROI: lower lineup_id first.
    assert_eq!(select_entries(&cands, &[1.0; 5], 2, 1.0), vec![0, 1]);

    let (s, c, cands, field) = full_contest();
    for (entries, max_exposure) in [(6, 0.5), (10, 0.3), (4, 1.0)] {
        let (out, diag) = run(&s, &c, &cands, &field, entries, &config(200, max_exposure)).unwrap();
        let cap = exposure_cap(max_exposure, entries);
        let n = out.selected.len() as u32;
        assert!(n <= entries);
        assert_eq!(
            n == entries,
            diag.warnings.iter().all(|w| !w.contains("exposure cap"))
        );
        assert_eq!(out.metrics.entries, n);
        for (id, share) in &out.metrics.exposure {
            let held = (share * f64::from(n)).round() as u32;
            assert!(held <= cap, "player {id} in {held} > {cap} lineups");
        }
        // The first pick is the best lineup alone; later picks weigh our own
        // entries' competition (tests/selection.rs checks them exactly).
        let best_roi = out
            .results
            .iter()
            .map(|r| r.roi_mean)
            .fold(f64::MIN, f64::max);
        assert_eq!(out.results[out.selected[0] as usize].roi_mean, best_roi);
        // The baseline is picked under the same cap.
        assert!(out.metrics.top_n_baseline.entries <= entries);
        assert!(out.metrics.top_n_baseline.shared_entries <= n);
        let flagged: Vec<u32> = out
            .results
            .iter()
            .filter(|r| r.selected)
            .map(|r| r.lineup_id)
            .collect();
        let mut sorted = out.selected.clone();
        sorted.sort_unstable();
        assert_eq!(flagged, sorted);
    }

    // More entries than candidates: clamped, with a warning.
    let (out, diag) = run(&s, &c, &cands[..2], &field, 5, &config(50, 1.0)).unwrap();
    assert_eq!(out.selected.len(), 2);
    assert!(
        diag.warnings.iter().any(|w| w.contains("only 2 candidate")),
        "{:?}",
        diag.warnings
    );
}

#[test]
fn invalid_input_names_the_field() {
    let (s, c, cands, field) = full_contest();
    let field_of = |r: Result<(SimOutput, Diagnostics), StageError>| match r {
        Err(StageError::InvalidInput { stage, field, .. }) => {
            assert_eq!(stage, "sim");
            field
        }
        other => panic!("expected invalid input, got {other:?}"),
    };
    assert_eq!(
        field_of(run(&s, &c, &cands, &field, 3, &config(0, 1.0))),
        "iterations"
    );
    assert_eq!(
        field_of(run(&s, &c, &[], &field, 3, &config(10, 1.0))),
        "candidates"
    );
    assert_eq!(
        field_of(run(&s, &c, &cands, &[], 3, &config(10, 1.0))),
        "field"
    );
    assert_eq!(
        field_of(run(&s, &c, &cands, &field, 0, &config(10, 1.0))),
        "entries"
    );
    assert_eq!(
        field_of(run(&s, &c, &cands, &field, 3, &config(10, 0.0))),
        "max_exposure"
    );
    let mut bad = c.clone();
    bad.payouts[1].first = 3;
    assert_eq!(
        field_of(run(&s, &bad, &cands, &field, 3, &config(10, 1.0))),
        "contest"
    );
    let mut bad_field = field.clone();
    bad_field[4].players[1] = 99;
    assert_eq!(
        field_of(run(&s, &c, &cands, &bad_field, 3, &config(10, 1.0))),
        "field[4].players"
    );
    let mut dup = cands.clone();
    dup[3].lineup_id = 1;
    assert!(field_of(run(&s, &c, &dup, &field, 3, &config(10, 1.0))).ends_with(".lineup_id"));
    let mut weight = config(10, 1.0);
    weight.projection_weight = 1.5;
    assert_eq!(
        field_of(run(&s, &c, &cands, &field, 3, &weight)),
        "projection_weight"
    );
    // The shares leave the worth a share of 0 or more.
    weight.projection_weight = 0.7;
    weight.field_projection_weight = 0.4;
    assert_eq!(
        field_of(run(&s, &c, &cands, &field, 3, &weight)),
        "field_projection_weight"
    );
    // Ranks count in 31 bits: a contest of 2^31 entries or more is refused.
    let mut huge = field.clone();
    huge[0].copies = 1 << 31;
    assert_eq!(
        field_of(run(&s, &c, &cands, &huge, 3, &config(10, 1.0))),
        "field"
    );
}

#[test]
fn cancellation_stops_the_run() {
    let (s, c, cands, field) = full_contest();
    let cancel = std::sync::atomic::AtomicBool::new(true);
    let ctx = StageContext {
        seed: 1,
        progress: &schemas::NullSink,
        events: &schemas::NullSink,
        cancel: &cancel,
    };
    let input = SimInput {
        slate: &s,
        contest: &c,
        candidates: &cands,
        field: &field,
        entries: 3,
        correlations: None,
        groups: None,
    };
    let err = GppSim.run(input, &config(100, 1.0), &ctx).unwrap_err();
    assert!(matches!(err, StageError::Cancelled { stage: "sim" }));
}

#[test]
fn blended_means_move_each_projection_toward_its_salary_worth() {
    let mut s = slate(&[(40.0, 10.0), (10.0, 4.0), (0.0, 0.0), (25.0, 8.0)]);
    for (p, salary) in s.players.iter_mut().zip([6_000, 6_000, 9_000, 3_000]) {
        p.salary = salary;
    }
    // The slate's points per dollar, over the players projected above 0: 75 / 15,000.
    let worth = |salary: f64| 75.0 / 15_000.0 * salary;
    let weights = |projection: f64, field_projection: f64, projection_alone: f64| MeanWeights {
        projection,
        field_projection,
        projection_alone,
    };
    assert_eq!(gpp_sim::blend_means(&s, MeanWeights::PROJECTION), s);
    let zero = gpp_sim::blend_means(&s, weights(0.0, 0.0, 0.0));
    let half = gpp_sim::blend_means(&s, weights(0.5, 0.0, 0.5));
    // Without a field projection, the projection alone's share decides.
    assert_eq!(gpp_sim::blend_means(&s, weights(0.3, 0.2, 0.5)), half);
    for (i, p) in s.players.iter().enumerate() {
        let expect = if p.projection > 0.0 {
            worth(f64::from(p.salary))
        } else {
            0.0
        };
        assert!(
            (zero.players[i].projection - expect).abs() < 1e-9,
            "player {i}"
        );
        assert!(
            (half.players[i].projection - (p.projection + expect) / 2.0).abs() < 1e-9,
            "player {i}"
        );
        assert_eq!(zero.players[i].std_dev, p.std_dev);
    }
    // The total projected points of the slate are kept.
    let total = |s: &Slate| s.players.iter().map(|p| p.projection).sum::<f64>();
    assert!((total(&zero) - total(&s)).abs() < 1e-9);
    // With one: a share of it, the projection's share, the worth the rest.
    let mut crowd = s.clone();
    crowd.players[0].field_projection = Some(30.0);
    let mixed = gpp_sim::blend_means(&crowd, weights(0.5, 0.3, 0.9));
    let want = 0.5 * 40.0 + 0.3 * 30.0 + 0.2 * worth(6_000.0);
    assert!((mixed.players[0].projection - want).abs() < 1e-9);
    // The others have none: 0.9 of their projection, 0.1 of their worth.
    let want = 0.9 * 10.0 + 0.1 * worth(6_000.0);
    assert!((mixed.players[1].projection - want).abs() < 1e-9);
}

#[test]
fn a_field_that_saw_the_news_is_harder_to_beat_and_pays_out_the_same() {
    let (s, c, cands, field) = full_contest();
    let plain = config(1000, 1.0);
    let leaning = SimConfig {
        field_news: 0.05,
        ..plain.clone()
    };
    let (before, _) = run(&s, &c, &cands, &field, 3, &plain).unwrap();
    let (after, diag) = run(&s, &c, &cands, &field, 3, &leaning).unwrap();
    // Each iteration's field keeps its size: the prizes still all go out,
    // every audited iteration pays exactly the pool.
    assert!(diag.counters["payout_audits"] > 0.0);
    assert!(diag.counters["payout_audit_max_gap"] < 1e-9 * c.prize_pool());
    let want = c.prize_pool() / (c.entry_fee * 100.0) - 1.0;
    assert!((after.metrics.field_roi_mean - want).abs() < 1e-9);
    // The field leans toward the lineups doing well, so ours earn less.
    let mean_roi =
        |o: &SimOutput| o.results.iter().map(|r| r.roi_mean).sum::<f64>() / o.results.len() as f64;
    assert!(
        mean_roi(&after) < mean_roi(&before) - 0.05,
        "{} vs {}",
        mean_roi(&after),
        mean_roi(&before)
    );
    assert!(after.metrics.finish_percentile_mean > before.metrics.finish_percentile_mean);
    // Still a function of the seed alone.
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap();
    let (one, _) = pool.install(|| run(&s, &c, &cands, &field, 3, &leaning).unwrap());
    assert_eq!(one, after);
}

#[test]
fn a_lean_outside_zero_to_one_is_refused() {
    let (s, c, cands, field) = full_contest();
    for bad in [-0.1, 1.5, f64::NAN] {
        let config = SimConfig {
            field_news: bad,
            ..config(10, 1.0)
        };
        let err = run(&s, &c, &cands, &field, 3, &config).unwrap_err();
        assert!(err.to_string().contains("field_news"), "{err}");
    }
}
