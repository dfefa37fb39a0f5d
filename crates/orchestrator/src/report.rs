//! Small derived reports: per-module metrics files, the CLI table, `export/summary.md`.

use std::fmt::Write;

use schemas::{
    Contest, FieldSamplerOutput, OptimizerOutput, Slate, VariantCatalog, VariantsConfig,
};
use serde_json::{Value, json};

use crate::RunOutcome;

/// `variants/summary.json`.
pub(crate) fn variants_summary(catalog: &VariantCatalog, config: &VariantsConfig) -> Value {
    let base: f64 = catalog
        .variants
        .first()
        .map_or(0.0, |v| v.points.iter().sum());
    json!({
        "variants": catalog.variants.len(),
        "players": catalog.player_ids.len(),
        "randomness": config.randomness,
        "base_points_total": base,
    })
}

/// `optimizer/metrics.json`.
pub(crate) fn optimizer_metrics(pool: &OptimizerOutput) -> Value {
    let n = pool.lineups.len().max(1) as f64;
    let mean =
        |f: fn(&schemas::CandidateLineup) -> f64| pool.lineups.iter().map(f).sum::<f64>() / n;
    json!({
        "lineups": pool.lineups.len(),
        "proven_optimal": pool.proven_optimal,
        "best_proj": pool.lineups.iter().map(|l| l.proj).fold(0.0, f64::max),
        "mean_proj": mean(|l| l.proj),
        "mean_salary": mean(|l| f64::from(l.salary)),
    })
}

/// `field_sampler/metrics.json`: the telemetry's headline figures.
pub(crate) fn field_metrics(field: &FieldSamplerOutput) -> Value {
    let t = &field.telemetry;
    json!({
        "field_size": t.duplication.entries,
        "unique_lineups": t.duplication.unique_lineups,
        "unique_share": t.duplication.unique_share,
        "duplicated_entry_share": t.duplication.duplicated_entry_share,
        "max_copies": t.duplication.max_copies,
        "ownership_mae": t.ownership_mae,
        "rejection_rate": t.rejection_rate,
    })
}

/// The short table `dfs run` prints.
pub fn summary_table(o: &RunOutcome) -> String {
    let m = &o.metrics;
    let mut s = String::new();
    let rows: Vec<(&str, String)> = vec![
        ("run_id", o.summary.run_id.clone()),
        ("artifacts", o.summary.artifact_path.clone()),
        ("candidates", o.candidates.to_string()),
        ("entries selected", m.entries.to_string()),
        (
            "field (unique)",
            format!("{} ({})", m.field_size, o.field_unique),
        ),
        ("ownership MAE", format!("{:.2} pts", o.ownership_mae)),
        ("iterations", m.iterations.to_string()),
        ("ROI mean", pct(m.roi_mean)),
        (
            "ROI, capped",
            format!(
                "{} mean with prizes capped at the last top-1% place's",
                pct(m.capped_roi_mean)
            ),
        ),
        ("ROI p50", pct(m.roi_p50)),
        ("P(profit)", format!("{:.1}%", 100.0 * m.profit_probability)),
        (
            "top-N by ROI",
            format!(
                "{} ROI mean (the naive pick, same draws)",
                pct(m.top_n_baseline.roi_mean)
            ),
        ),
        ("dup p95", format!("{:.1}", m.dup_p95)),
        ("field ROI mean", pct(m.field_roi_mean)),
    ];
    // How far to trust the ROI: the means it simulated around.
    let sim = o.manifest.configs.get("sim");
    let share = |key: &str| sim.and_then(|c| c.get(key)).and_then(Value::as_f64);
    let mut rows = rows;
    if let Some(w) = share("projection_weight") {
        let f = share("field_projection_weight").unwrap_or(0.0);
        let alone = share("projection_alone_weight").unwrap_or(w);
        let means = if w >= 1.0 && alone >= 1.0 {
            "projections taken as the truth: the ROI flatters entries built on them".to_string()
        } else {
            format!(
                "{w:.2} projection, {f:.2} field projection, {:.2} salary-implied \
                 ({alone:.2} projection where there is no field projection)",
                1.0 - w - f
            )
        };
        rows.push((
            "means",
            format!("{means}; `dfs runs backtest` scores entries on real results"),
        ));
    }
    for (k, v) in rows {
        let _ = writeln!(s, "{k:<18} {v}");
    }
    s
}

fn pct(x: f64) -> String {
    format!("{:+.1}%", 100.0 * x)
}

/// `export/summary.md`: the run in a page, with the selected entries.
pub(crate) fn summary_markdown(o: &RunOutcome, slate: &Slate, contest: &Contest) -> String {
    let m = &o.metrics;
    let mut s = String::new();
    let _ = writeln!(s, "# Run {}\n", o.summary.run_id);
    let _ = writeln!(
        s,
        "Slate `{}` ({}, {} players, {} games); contest `{}` ({}: {} entries at ${:.2}, prize pool ${:.2}).\n",
        slate.id,
        slate.rules.name,
        slate.players.len(),
        slate.games.len(),
        contest.id,
        contest.name,
        contest.field_size,
        contest.entry_fee,
        contest.prize_pool()
    );
    let _ = writeln!(s, "Seed {}.\n", o.manifest.seed);
    let _ = writeln!(s, "| metric | value |\n|---|---|");
    for line in summary_table(o).lines().skip(2) {
        if let Some((k, v)) = line.split_once("  ") {
            let _ = writeln!(s, "| {} | {} |", k.trim(), v.trim());
        }
    }
    let _ = writeln!(
        s,
        "\nDuplicate bins of the selected entries (field copies): 0: {}, 1: {}, 2-4: {}, 5-9: {}, 10+: {}.",
        m.dup_bins.zero,
        m.dup_bins.one,
        m.dup_bins.two_to_four,
        m.dup_bins.five_to_nine,
        m.dup_bins.ten_plus
    );
    let _ = writeln!(s, "\nThe upload file is `optimizer/dk_export.csv`.");
    s
}
