//! `field_compare`: a sampled field against a real contest's final standings.
//!
//! The real field is read from a DraftKings contest-standings export; the
//! sampled field is drawn for the registered slate with the sampler config, at
//! the real field's count of filled lineups, from the same seed stream as `dfs
//! run` (so `--seed N` samples the field a run with seed N and that field size
//! would). Both duplication profiles come from [`schemas::DupProfile`].
//!
//! Duplication is counted by player set: two entries with the same eight
//! players score the same and split the prizes of the places they tie for,
//! whatever slots DraftKings shows them in, so the set is what duplication costs.
//! The sampler and the simulator use the same identity. The real profile by
//! lineup as entered (slot text, as a naive count of the `Lineup` column gives,
//! and as the figures commonly quoted for real fields are counted) is reported
//! alongside: it reads much less duplicated, above all on small slates, where
//! many players fit several slots. A sampled lineup has one canonical slot order,
//! so the sampled field has only the set figure.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::atomic::AtomicBool;

pub use calibration::{LineupProjection, Neighbours, ScoreQuantiles};
use calibration::{compare_ownership, field_scores, neighbours};
use field_sampler::{FieldInput, FieldSampler};
use pipeline_io::inputs::{actual_points, drafted_rows, entry_rows, read_standings_in};
use schemas::{DupProfile, FieldSamplerConfig, ProgressSink, Stage, StageContext, stream_seed};
use serde::Serialize;

use crate::OrchestratorError;
use crate::catalog::Home;
use crate::pipeline::load;
use crate::validate::check_field;

/// What to compare.
#[derive(Debug, Clone)]
pub struct FieldCompareRequest {
    /// A DraftKings contest-standings CSV (FINAL: no `LOCKED` cells).
    pub standings: PathBuf,
    /// Registered slate the contest was played on (with the projections public before lock).
    pub slate: String,
    /// Registered contest (checked to exist; the field size comes from the standings).
    pub contest: String,
    /// Field-sampler config (YAML); the default config when absent.
    pub sampler_config: Option<PathBuf>,
    /// Seed of the sampled field.
    pub seed: u64,
}

/// Real against sampled field.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldComparison {
    pub standings: String,
    pub slate_id: String,
    pub contest_id: String,
    pub seed: u64,
    /// Entries in the standings file.
    pub entries: u64,
    /// Entries that never filled a lineup (left out of both profiles).
    pub empty_lineups: u64,
    /// The real field by player set.
    pub real: DupProfile,
    /// The real field by lineup as entered (slot text: slot order included).
    pub real_as_entered: DupProfile,
    /// The sampled field (same entry count as `real`), by player set.
    pub sampled: DupProfile,
    /// Mean absolute error, in points, of sampled against real `%Drafted` over matched players.
    pub ownership_mae_vs_real: f64,
    /// Same, of projected against real (how far the projection itself was off).
    pub projected_mae_vs_real: f64,
    /// Sampled against projected ownership (the sampler's calibration target).
    pub ownership_mae_vs_target: f64,
    /// Real players matched to the slate by normalised name.
    pub players_matched: u32,
    /// Real players (with `%Drafted` > 0) not found on the slate.
    pub players_unmatched: Vec<String>,
    /// Share of sampled entries built by sharp entrants.
    pub sampled_sharp_share: f64,
    /// The real field's lineup scores, as DraftKings scored them: how strong
    /// the field a run's entries must beat really was.
    pub real_scores: ScoreQuantiles,
    /// The sampled field's lineup scores on the same players' actual points
    /// (the standings' FPTS). Below the real figures, the sampled field is
    /// weaker than the real one and a run's simulated ROI flatters its entries.
    pub sampled_scores: ScoreQuantiles,
    /// Sampled entries left out of `sampled_scores`: they hold a player no
    /// real entry drafted, whose points the standings do not give.
    pub sampled_unscored: u64,
    /// A field's mean lineup projection, as its ownership implies it.
    pub lineup_projection: LineupProjection,
    /// How densely each field surrounds the slate's best lineups by the
    /// projections (`None` when no lineup is valid).
    pub near_best: Option<NearBest>,
}

/// The real and the sampled field around the slate's [`NEAR_BEST_LINEUPS`]
/// best lineups by projection (the sport's rules alone).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct NearBest {
    /// Best lineups the figures are per (fewer when the slate has fewer).
    pub lineups: u32,
    /// Players per lineup.
    pub roster: u32,
    /// The real field (entries whose every player is on the slate).
    pub real: Neighbours,
    pub sampled: Neighbours,
}

/// How many of the slate's best lineups `dfs field compare` looks around.
pub const NEAR_BEST_LINEUPS: usize = 20;

/// The slate's `n` best lineups by projection under the sport's rules alone,
/// each different from the ones before.
fn best_lineups(
    slate: &schemas::Slate,
    n: usize,
) -> Result<Vec<schemas::Lineup>, OrchestratorError> {
    let points: Vec<f64> = slate.players.iter().map(|p| p.projection).collect();
    let rules = optimizer::SolveRules::default();
    let mut best = Vec::with_capacity(n);
    while best.len() < n {
        let solution = optimizer::solve(slate, &points, &rules, &best)
            .map_err(|e| OrchestratorError::Request(format!("best lineups: {e}")))?;
        match solution {
            Some(s) => best.push(s.lineup),
            None => break,
        }
    }
    Ok(best)
}

/// Samples a field for the slate and compares it with real contest standings.
pub fn field_compare(
    home: &Home,
    req: &FieldCompareRequest,
    progress: &dyn ProgressSink,
    cancel: &AtomicBool,
) -> Result<FieldComparison, OrchestratorError> {
    let (slate_rec, contest_rec) = home.registry().resolve(&req.slate, &req.contest)?;
    let config: FieldSamplerConfig = load(req.sampler_config.as_deref(), home.scope())?;
    let standings = read_standings_in(&req.standings, home.scope())?;
    let locked = standings.locked_slots();
    if locked > 0 {
        return Err(OrchestratorError::Request(format!(
            "{}: {locked} lineup cells read LOCKED: a mid-slate snapshot hides players; \
             compare against a FINAL export",
            req.standings.display()
        )));
    }
    let sets: Vec<Vec<&str>> = standings
        .entries
        .iter()
        .filter_map(|e| e.player_set())
        .collect();
    if sets.is_empty() {
        return Err(OrchestratorError::Request(format!(
            "{}: no entry has a filled lineup",
            req.standings.display()
        )));
    }
    let real = DupProfile::from_keys(sets.iter());
    let real_as_entered = DupProfile::from_keys(
        standings
            .entries
            .iter()
            .filter(|e| e.is_complete())
            .map(|e| &e.lineup),
    );

    let (slate, _) = home.load_slate(&slate_rec)?;
    let ctx = StageContext {
        // The run's own stream for this stage: the same `--seed` samples the same
        // field as `dfs run` (for the same slate, config and field size).
        seed: stream_seed(req.seed, <FieldSampler as Stage>::NAME, 0),
        progress,
        events: &schemas::NullSink,
        cancel,
    };
    let field_size = u32::try_from(sets.len()).unwrap_or(u32::MAX);
    let (field, _) = FieldSampler
        .sample(
            FieldInput {
                slate: &slate,
                field_size,
            },
            &config,
            &ctx,
        )
        .map_err(schemas::StageError::from)?;
    check_field(&slate, &field, field_size)?;
    let t = &field.telemetry;
    let sampled = t.duplication.clone();

    // Real players on slate rows (by name, in pipeline-io), for the ownership figures.
    let mut real_own = Vec::new();
    let mut unmatched = Vec::new();
    for (p, row) in standings
        .players
        .iter()
        .zip(drafted_rows(&slate, &standings))
    {
        match row {
            Some(i) => real_own.push((i, p.drafted)),
            None if p.drafted > 0.0 => unmatched.push(p.name.clone()),
            None => {}
        }
    }
    let sampled_own: BTreeMap<i64, f64> = t
        .ownership
        .iter()
        .map(|r| (r.player_id, r.sampled))
        .collect();
    let sampled_by_row: Vec<f64> = slate
        .players
        .iter()
        .map(|p| sampled_own.get(&p.dk_id).copied().unwrap_or(0.0))
        .collect();
    let own = compare_ownership(
        &slate.players,
        &sampled_by_row,
        &real_own,
        standings.entries.len() as u64,
        sets.len() as u64,
    )?;
    // Both fields scored on what the players really scored.
    let real_scores = ScoreQuantiles::of(
        standings
            .entries
            .iter()
            .filter(|e| e.is_complete())
            .map(|e| (e.points, 1))
            .collect(),
    );
    let actual = actual_points(&slate, &standings);
    let sampled_scores = field_scores(
        &actual.points,
        field
            .entrants
            .iter()
            .map(|e| (e.players.as_slice(), e.copies)),
    );
    // Both fields around the projections' best lineups.
    let best: Vec<Vec<u32>> = best_lineups(&slate, NEAR_BEST_LINEUPS)?
        .into_iter()
        .map(|l| l.players)
        .collect();
    let roster = slate.rules.roster_size();
    let real_rows: Vec<Vec<u32>> = entry_rows(&slate, &standings)
        .into_iter()
        .flatten()
        .collect();
    let near_best = neighbours(&best, roster, real_rows.iter().map(|l| (l.as_slice(), 1)))
        .zip(neighbours(
            &best,
            roster,
            field
                .entrants
                .iter()
                .map(|e| (e.players.as_slice(), e.copies)),
        ))
        .map(|(real, sampled)| NearBest {
            lineups: best.len() as u32,
            roster: roster as u32,
            real,
            sampled,
        });
    Ok(FieldComparison {
        standings: req.standings.display().to_string(),
        slate_id: slate.id.clone(),
        contest_id: contest_rec.id,
        seed: req.seed,
        entries: standings.entries.len() as u64,
        empty_lineups: standings.empty_lineups() as u64,
        real,
        real_as_entered,
        sampled,
        ownership_mae_vs_real: own.ownership_mae_vs_real,
        projected_mae_vs_real: own.projected_mae_vs_real,
        ownership_mae_vs_target: t.ownership_mae,
        players_matched: own.players_matched,
        players_unmatched: unmatched,
        sampled_sharp_share: t.sharp_share,
        real_scores,
        sampled_scores: sampled_scores.scored,
        sampled_unscored: sampled_scores.unscored,
        lineup_projection: own.lineup_projection,
        near_best,
    })
}

/// A table row: its label and how to print one profile's figure.
type Row = (&'static str, fn(&DupProfile) -> String);

/// A score row: its label and which quantile.
type ScoreRow = (&'static str, fn(&ScoreQuantiles) -> f64);

/// A neighbours row: its label and which count.
type NeighbourRow = (String, fn(&Neighbours) -> f64);

/// The comparison as a plain-text table, real and sampled side by side.
pub fn comparison_table(c: &FieldComparison) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "standings {} ({} entries, {} without a lineup)\nslate {}, contest {}, seed {}",
        c.standings, c.entries, c.empty_lineups, c.slate_id, c.contest_id, c.seed
    );
    let _ = writeln!(
        out,
        "{:<26} {:>12} {:>12} {:>12}",
        "", "real (set)", "real (slots)", "sampled (set)"
    );
    let rows: [Row; 9] = [
        ("entries", |p| p.entries.to_string()),
        ("unique lineups", |p| p.unique_lineups.to_string()),
        ("unique share", |p| {
            format!("{:.1}%", 100.0 * p.unique_share)
        }),
        ("duplicated entry share", |p| {
            format!("{:.1}%", 100.0 * p.duplicated_entry_share)
        }),
        ("max copies", |p| p.max_copies.to_string()),
        ("lineups with 1 copy", |p| p.dup_bins.one.to_string()),
        ("lineups with 2-4", |p| p.dup_bins.two_to_four.to_string()),
        ("lineups with 5-9", |p| p.dup_bins.five_to_nine.to_string()),
        ("lineups with 10+", |p| p.dup_bins.ten_plus.to_string()),
    ];
    for (name, f) in rows {
        let _ = writeln!(
            out,
            "{name:<26} {:>12} {:>12} {:>12}",
            f(&c.real),
            f(&c.real_as_entered),
            f(&c.sampled)
        );
    }
    let _ = writeln!(
        out,
        "ownership MAE: sampled vs real {:.2} pts, projected vs real {:.2} pts, sampled vs target {:.2} pts ({} players matched, {} unmatched)",
        c.ownership_mae_vs_real,
        c.projected_mae_vs_real,
        c.ownership_mae_vs_target,
        c.players_matched,
        c.players_unmatched.len()
    );
    let _ = writeln!(
        out,
        "sampled sharp share {:.1}%",
        100.0 * c.sampled_sharp_share
    );
    let _ = writeln!(
        out,
        "{:<26} {:>12} {:>12}",
        "scores on actual points", "real", "sampled"
    );
    let rows: [ScoreRow; 5] = [
        ("p10", |s| s.p10),
        ("median", |s| s.p50),
        ("p90", |s| s.p90),
        ("p99", |s| s.p99),
        ("best", |s| s.max),
    ];
    for (name, f) in rows {
        let _ = writeln!(
            out,
            "{name:<26} {:>12.2} {:>12.2}",
            f(&c.real_scores),
            f(&c.sampled_scores)
        );
    }
    let _ = writeln!(
        out,
        "({} sampled entries scored; {} hold a player no real entry drafted, left out)",
        c.sampled_scores.entries, c.sampled_unscored
    );
    let p = &c.lineup_projection;
    let _ = writeln!(
        out,
        "mean lineup projection by ownership: real {:.2}, projected {:.2}, sampled {:.2}",
        p.real, p.projected, p.sampled
    );
    if let Some(n) = &c.near_best {
        let _ = writeln!(
            out,
            "{:<26} {:>12} {:>12}",
            format!("near the {} best lineups", n.lineups),
            "real",
            "sampled"
        );
        let rows: [NeighbourRow; 3] = [
            (format!("sharing {} of {}", n.roster - 2, n.roster), |x| {
                x.all_but_two
            }),
            (format!("sharing {} of {}", n.roster - 1, n.roster), |x| {
                x.all_but_one
            }),
            ("copies".to_string(), |x| x.same),
        ];
        for (name, f) in rows {
            let _ = writeln!(
                out,
                "{name:<26} {:>12.1} {:>12.1}",
                f(&n.real),
                f(&n.sampled)
            );
        }
        let _ = writeln!(
            out,
            "(entries per best lineup by projection; a sampled field far below the real \
             one leaves its simulated wins uncontested)"
        );
    }
    out
}
