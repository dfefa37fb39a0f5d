//! The portfolio's figures are measured out of sample: with players all alike,
//! every lineup has the same true value, so picking the luckiest candidates on
//! pass A's draws must not show up as an edge in the portfolio's ROI.

mod common;

use common::*;
use gpp_sim::{GppSim, SimInput};
use schemas::{Stage, StageContext};

#[test]
fn lucky_selection_shows_no_edge_in_the_portfolio() {
    let slate = slate(&[(20.0, 6.0); 14]);
    let all: Vec<u32> = (0..14).collect();
    // Every 3-player lineup, once in the field and once as a candidate: the
    // candidates are exchangeable with the field, none has a true edge.
    let lineups = triples(&all);
    let field: Vec<_> = lineups.iter().map(|l| entrant(l, 1)).collect();
    let candidates: Vec<_> = lineups
        .iter()
        .enumerate()
        .map(|(i, l)| candidate(i as u32, l))
        .collect();
    // 364 field entries + 10 ours = 374, top 70 paid.
    let contest = contest(10.0, 374, &[(1, 1, 600.0), (2, 10, 120.0), (11, 70, 30.0)]);
    let input = SimInput {
        slate: &slate,
        contest: &contest,
        candidates: &candidates,
        field: &field,
        entries: 10,
        correlations: None,
        groups: None,
    };
    let (out, _) = GppSim
        .run(input, &config(400, 1.0), &StageContext::quiet(11))
        .unwrap();
    let m = &out.metrics;
    let chosen: Vec<f64> = out
        .results
        .iter()
        .filter(|r| r.selected)
        .map(|r| r.roi_mean)
        .collect();
    let in_sample = chosen.iter().sum::<f64>() / chosen.len() as f64;
    // The chosen candidates looked better than the field on the draws they were
    // chosen on ...
    assert!(
        in_sample > m.field_roi_mean + 0.2,
        "in-sample {in_sample}, field {}",
        m.field_roi_mean
    );
    // ... but on fresh draws the portfolio is no better than an average entrant
    // (a little worse: each of our entries duplicates a field lineup), within noise.
    assert!(
        m.roi_mean < m.field_roi_mean + 0.1,
        "portfolio {} vs field {}",
        m.roi_mean,
        m.field_roi_mean
    );
    assert!(
        m.roi_mean < in_sample - 0.3,
        "portfolio {} vs in-sample {in_sample}",
        m.roi_mean
    );
}
