//! Small derived reports: per-module metrics files, the CLI table, `export/summary.md`,
//! and what they share with `export/report.html` (`report_html`): the run's figures
//! and its entries as rows.

use std::fmt::Write;

use schemas::{
    CandidateLineup, Contest, FieldSamplerOutput, OptimizerOutput, OwnershipRow, Player, Slate,
    VariantCatalog, VariantsConfig,
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

/// The run's figures as (label, value) rows, in the order every page shows
/// them: the CLI table, `export/summary.md` and `export/report.html`.
pub(crate) fn summary_rows(o: &RunOutcome) -> Vec<(&'static str, String)> {
    let m = &o.metrics;
    let mut rows: Vec<(&'static str, String)> = vec![
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
        ("P(profit)", share(m.profit_probability)),
        ("cash rate", share(m.cash_rate)),
        (
            "finish mean",
            format!("top {}", share(m.finish_percentile_mean)),
        ),
        ("top-1% rate", rate(m.top1_rate)),
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
    let weight = |key: &str| sim.and_then(|c| c.get(key)).and_then(Value::as_f64);
    if let Some(w) = weight("projection_weight") {
        let f = weight("field_projection_weight").unwrap_or(0.0);
        let alone = weight("projection_alone_weight").unwrap_or(w);
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
    rows
}

/// The labels of [`summary_rows`] a page puts first: how the portfolio did.
pub(crate) const HEADLINE: [&str; 7] = [
    "ROI mean",
    "ROI p50",
    "P(profit)",
    "cash rate",
    "finish mean",
    "top-1% rate",
    "dup p95",
];

/// The short table `dfs run` prints.
pub fn summary_table(o: &RunOutcome) -> String {
    let mut s = String::new();
    let head = [
        ("run_id", o.summary.run_id.clone()),
        ("artifacts", o.summary.artifact_path.clone()),
    ];
    for (k, v) in head.into_iter().chain(summary_rows(o)) {
        let _ = writeln!(s, "{k:<18} {v}");
    }
    s
}

/// A signed change as a percentage: `+12.3%`.
pub fn pct(x: f64) -> String {
    format!("{:+.1}%", 100.0 * x)
}

/// A share as a percentage: `38.1%`.
pub(crate) fn share(x: f64) -> String {
    format!("{:.1}%", 100.0 * x)
}

/// A small rate as a percentage: `1.12%`.
pub(crate) fn rate(x: f64) -> String {
    format!("{:.2}%", 100.0 * x)
}

/// One exported entry: the selected lineup and how many opponents entered it too.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub lineup: CandidateLineup,
    pub field_copies: u32,
}

/// A finished run as its pages show it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RunPage<'a> {
    pub outcome: &'a RunOutcome,
    pub slate: &'a Slate,
    pub contest: &'a Contest,
    /// The exported entries, in the upload file's order.
    pub entries: &'a [Entry],
    /// The sampled field's ownership, when the run sampled a field; without
    /// it the pages compare exposure with the slate's projected ownership.
    pub field_ownership: Option<&'a [OwnershipRow]>,
}

/// What a page says of the slate: rules, players, games.
pub(crate) fn slate_line(slate: &Slate) -> String {
    format!(
        "{}, {} players, {} games",
        slate.rules.name,
        slate.players.len(),
        slate.games.len()
    )
}

/// What a page says of the contest: name, size, fee, prize pool.
pub(crate) fn contest_line(contest: &Contest) -> String {
    format!(
        "{}: {} entries at {}, prize pool {}",
        contest.name,
        grouped(&contest.field_size.to_string()),
        money(contest.entry_fee),
        money(contest.prize_pool())
    )
}

/// Digits with a comma every three from the right: `20000` -> `20,000`.
pub(crate) fn grouped(digits: &str) -> String {
    let n = digits.len();
    let mut out = String::with_capacity(n + n / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (n - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A salary in whole dollars, thousands grouped: `$49,800`.
pub(crate) fn salary(dollars: u32) -> String {
    format!("${}", grouped(&dollars.to_string()))
}

/// Dollars with cents and grouped thousands: `$20,000.00`.
pub(crate) fn money(x: f64) -> String {
    let text = format!("{:.2}", x.abs());
    let (whole, cents) = text.split_once('.').unwrap_or((&text, "00"));
    let sign = if x < 0.0 { "-" } else { "" };
    format!("{sign}${}.{cents}", grouped(whole))
}

/// A player as the pages name him: a showdown captain row carries its slot.
pub(crate) fn player_label(slate: &Slate, p: &Player) -> String {
    match (&slate.rules.captain, p.captain_of) {
        (Some(c), Some(_)) => format!("{} ({})", p.name, c.slot),
        _ => p.name.clone(),
    }
}

/// One row of the entries table both pages print.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct EntryRow {
    pub lineup_id: u32,
    /// Player labels in slot order (`?` for an index not on the slate).
    pub players: Vec<String>,
    pub salary: u32,
    pub proj: f64,
    pub field_copies: u32,
}

/// The exported entries as table rows, in upload order.
pub(crate) fn entry_rows(slate: &Slate, entries: &[Entry]) -> Vec<EntryRow> {
    entries
        .iter()
        .map(|e| EntryRow {
            lineup_id: e.lineup.lineup_id,
            players: e
                .lineup
                .players
                .iter()
                .map(|&i| {
                    slate
                        .players
                        .get(i as usize)
                        .map_or_else(|| "?".to_string(), |p| player_label(slate, p))
                })
                .collect(),
            salary: e.lineup.salary,
            proj: e.lineup.proj,
            field_copies: e.field_copies,
        })
        .collect()
}

/// The header cells of the entries table, slot names between `#` and the totals.
pub(crate) fn entry_header(slate: &Slate) -> Vec<&str> {
    let mut h = vec!["#"];
    h.extend(slate.rules.slot_names());
    h.extend(["salary", "proj", "field copies"]);
    h
}

/// A markdown table cell: pipes escaped, line breaks flattened.
fn md_cell(s: &str) -> String {
    s.replace('|', "\\|").replace(['\n', '\r'], " ")
}

/// `export/summary.md`: the run in a page, with the selected entries.
pub(crate) fn summary_markdown(page: &RunPage<'_>) -> String {
    let o = page.outcome;
    let m = &o.metrics;
    let mut s = String::new();
    let _ = writeln!(s, "# Run {}\n", o.summary.run_id);
    let _ = writeln!(
        s,
        "Slate `{}` ({}); contest `{}` ({}).\n",
        page.slate.id,
        slate_line(page.slate),
        page.contest.id,
        contest_line(page.contest)
    );
    let _ = writeln!(s, "Seed {}.\n", o.manifest.seed);
    let _ = writeln!(s, "| metric | value |\n|---|---|");
    for (k, v) in summary_rows(o) {
        let _ = writeln!(s, "| {} | {} |", k, md_cell(&v));
    }
    let bins: Vec<String> = m
        .dup_bins
        .labelled()
        .iter()
        .map(|(label, n)| format!("{label}: {n}"))
        .collect();
    let _ = writeln!(
        s,
        "\nDuplicate bins of the selected entries (field copies): {}.",
        bins.join(", ")
    );
    let header = entry_header(page.slate);
    let _ = writeln!(s, "\n## Entries\n\n| {} |", header.join(" | "));
    let _ = writeln!(s, "|{}", "---|".repeat(header.len()));
    for (n, row) in entry_rows(page.slate, page.entries).iter().enumerate() {
        let players: Vec<String> = row.players.iter().map(|p| md_cell(p)).collect();
        let _ = writeln!(
            s,
            "| {} | {} | {} | {:.2} | {} |",
            n + 1,
            players.join(" | "),
            salary(row.salary),
            row.proj,
            row.field_copies
        );
    }
    let _ = writeln!(
        s,
        "\nThe upload file is `optimizer/dk_export.csv`; the plots are in `export/report.html`."
    );
    s
}

/// A small finished run for the pages' tests: an NBA slate of 12 players (one
/// named with `<&"'|`), two entries and hand-made metrics.
#[cfg(test)]
pub(crate) mod fixture {
    use std::collections::BTreeMap;

    use schemas::{
        BaselineMetrics, DupBins, HistogramBin, MetricsHead, PayoutTier, PortfolioMetrics,
        RunManifest, RunSummary,
    };

    use super::*;

    /// The name with every character HTML and markdown tables must escape.
    pub const AWKWARD: &str = "Zach <O'Neil> & \"Co\" | Jr";

    /// Everything a [`RunPage`] borrows.
    #[derive(Debug, Clone)]
    pub struct Run {
        pub outcome: RunOutcome,
        pub slate: Slate,
        pub contest: Contest,
        pub entries: Vec<Entry>,
        pub ownership: Vec<OwnershipRow>,
    }

    impl Run {
        /// The page, with the sampled field's ownership.
        pub fn page(&self) -> RunPage<'_> {
            RunPage {
                outcome: &self.outcome,
                slate: &self.slate,
                contest: &self.contest,
                entries: &self.entries,
                field_ownership: Some(&self.ownership),
            }
        }
    }

    /// Bins over `edges` holding `counts`; the last one open when `open`.
    pub fn bins(edges: &[f64], counts: &[u64], open: bool) -> Vec<HistogramBin> {
        counts
            .iter()
            .enumerate()
            .map(|(i, &count)| HistogramBin {
                lo: edges[i],
                hi: if open && i + 1 == counts.len() {
                    None
                } else {
                    Some(edges[i + 1])
                },
                count,
            })
            .collect()
    }

    fn lineup(id: u32, players: [u32; 8]) -> Entry {
        Entry {
            lineup: CandidateLineup {
                lineup_id: id,
                variant_id: 0,
                rank_in_variant: 1,
                players: players.to_vec(),
                player_ids: players.iter().map(|&p| 100 + i64::from(p)).collect(),
                salary: players.iter().map(|&p| 4000 + 500 * p).sum(),
                proj: players.iter().map(|&p| 20.0 + f64::from(p)).sum(),
                score: 0.0,
            },
            field_copies: id,
        }
    }

    pub fn run() -> Run {
        let rules = testkit::nba_rules();
        let positions = ["PG", "SG", "SF", "PF", "C", "PG/SG", "SF/PF", "C"];
        let mut players: Vec<Player> = (0..12u32)
            .map(|i| {
                testkit::player(
                    &rules,
                    100 + i64::from(i),
                    positions[i as usize % 8],
                    i % 4,
                    4000 + 500 * i,
                    20.0 + f64::from(i),
                )
            })
            .collect();
        players[0].name = AWKWARD.into();
        let slate = Slate {
            id: "nba <main> & co".into(),
            ..testkit::slate_of(rules, 2, players)
        };
        let contest = Contest {
            id: "c<1>".into(),
            name: "Big & Small".into(),
            entry_fee: 4.0,
            field_size: 20_000,
            max_entries: 20,
            payouts: vec![PayoutTier {
                first: 1,
                last: 4_000,
                prize: 15.0,
            }],
        };
        // Two entries sharing players 0-5; player 9 and 10 are held by none.
        let entries = vec![
            lineup(0, [0, 1, 2, 3, 4, 5, 6, 7]),
            lineup(3, [0, 1, 2, 3, 4, 5, 8, 11]),
        ];
        let mut exposure = BTreeMap::new();
        for e in &entries {
            for id in &e.lineup.player_ids {
                *exposure.entry(id.to_string()).or_insert(0.0) += 0.5;
            }
        }
        // The field: player 10 is chalk we fade, 9 is below the plot's floor.
        let ownership = slate
            .players
            .iter()
            .map(|p| OwnershipRow {
                player_id: p.dk_id,
                name: p.name.clone(),
                projected: p.ownership,
                target: p.ownership,
                sampled: match p.dk_id {
                    109 => 0.01,
                    110 => 0.45,
                    id => 0.05 + 0.01 * (id - 100) as f64,
                },
            })
            .collect();
        let mut roi_counts = vec![0u64; gpp_sim::ROI_BIN_EDGES.len()];
        roi_counts[0] = 600;
        roi_counts[3] = 150;
        roi_counts[10] = 120;
        roi_counts[13] = 100;
        roi_counts[18] = 30;
        let finish_edges: Vec<f64> = (0..=20).map(|i| f64::from(i) * 0.05).collect();
        let mut finish_counts = vec![0u64; 20];
        finish_counts[0] = 90;
        finish_counts[4] = 310;
        finish_counts[9] = 800;
        finish_counts[19] = 800;
        let metrics = PortfolioMetrics {
            roi_mean: 0.123,
            roi_p50: -0.875,
            dup_p95: 3.0,
            profit_probability: 0.25,
            finish_percentiles: BTreeMap::new(),
            finish_percentile_mean: 0.4567,
            cash_rate: 0.2134,
            top1_rate: 0.0112,
            capped_roi_mean: -0.2,
            roi_histogram: bins(&gpp_sim::ROI_BIN_EDGES, &roi_counts, true),
            finish_histogram: bins(&finish_edges, &finish_counts, false),
            entry_finish_deciles: Vec::new(),
            dup_bins: DupBins {
                zero: 1,
                one: 0,
                two_to_four: 1,
                five_to_nine: 0,
                ten_plus: 0,
            },
            field_roi_mean: -0.15,
            prize_pool: 60_000.0,
            entry_fee: 4.0,
            field_size: 20_000,
            iterations: 1000,
            entries: 2,
            exposure,
            selection: "marginal".into(),
            top_n_baseline: BaselineMetrics {
                entries: 2,
                roi_mean: 0.05,
                roi_p50: -0.9,
                profit_probability: 0.2,
                shared_entries: 1,
                lineups: vec![0, 1],
            },
        };
        let head = MetricsHead {
            roi_mean: metrics.roi_mean,
            roi_p50: metrics.roi_p50,
            dup_p95: metrics.dup_p95,
        };
        let run_id = "20250112-120000-abcdef12".to_string();
        let manifest = RunManifest {
            run_id: run_id.clone(),
            slate_id: slate.id.clone(),
            contest_id: contest.id.clone(),
            tag: Some("<b>mine</b>".into()),
            seed: 1337,
            created_at: "2025-01-12T12:00:00Z".into(),
            git_sha: None,
            versions: BTreeMap::new(),
            seeds: BTreeMap::new(),
            config_hashes: BTreeMap::new(),
            configs: BTreeMap::new(),
            inputs: Vec::new(),
            paths: BTreeMap::new(),
            timings: Vec::new(),
            metrics_head: head.clone(),
            artifacts: Vec::new(),
        };
        Run {
            outcome: RunOutcome {
                summary: RunSummary {
                    run_id,
                    artifact_path: "/runs/x".into(),
                    metrics_head: head,
                },
                manifest,
                metrics,
                candidates: 24,
                top_n_lineups: Vec::new(),
                field_unique: 15_000,
                ownership_mae: 1.5,
            },
            slate,
            contest,
            entries,
            ownership,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_group_and_money_has_cents() {
        assert_eq!(grouped("0"), "0");
        assert_eq!(grouped("999"), "999");
        assert_eq!(grouped("1000"), "1,000");
        assert_eq!(grouped("20000"), "20,000");
        assert_eq!(grouped("1234567"), "1,234,567");
        assert_eq!(money(4.0), "$4.00");
        assert_eq!(money(20_000.0), "$20,000.00");
        assert_eq!(money(1234.567), "$1,234.57");
        assert_eq!(money(-0.5), "-$0.50");
    }

    #[test]
    fn every_page_shows_the_same_figures() {
        let run = fixture::run();
        let rows = summary_rows(&run.outcome);
        for label in HEADLINE {
            assert!(rows.iter().any(|(k, _)| *k == label), "{label} is a row");
        }
        let table = summary_table(&run.outcome);
        let md = summary_markdown(&run.page());
        for (k, v) in &rows {
            assert!(table.contains(&format!("{k:<18} {v}")), "table: {k}");
            assert!(md.contains(&format!("| {k} | {v} |")), "markdown: {k}");
        }
        assert!(table.starts_with("run_id             20250112-120000-abcdef12\n"));
        assert!(md.contains("| cash rate | 21.3% |"), "{md}");
        assert!(md.contains("| finish mean | top 45.7% |"), "{md}");
        assert!(md.contains("| top-1% rate | 1.12% |"), "{md}");
        assert!(md.contains("0: 1, 1: 0, 2-4: 1, 5-9: 0, 10+: 0."), "{md}");
        assert!(
            md.contains("20,000 entries at $4.00, prize pool $60,000.00"),
            "{md}"
        );
    }

    #[test]
    fn the_markdown_lists_the_entries_by_slot() {
        let run = fixture::run();
        let md = summary_markdown(&run.page());
        assert!(
            md.contains(
                "| # | PG | SG | SF | PF | C | G | F | UTIL | salary | proj | field copies |"
            ),
            "{md}"
        );
        let rows: Vec<&str> = md
            .lines()
            .skip_while(|l| !l.starts_with("## Entries"))
            .filter(|l| l.starts_with("| 1 ") || l.starts_with("| 2 "))
            .collect();
        assert_eq!(rows.len(), 2, "{md}");
        // A pipe in a name is escaped, so the row keeps its columns.
        assert!(
            rows[0].starts_with(r#"| 1 | Zach <O'Neil> & "Co" \| Jr | Player 101 |"#),
            "{}",
            rows[0]
        );
        assert_eq!(rows[0].matches(" | ").count(), 11, "{}", rows[0]);
        assert!(rows[0].ends_with("| $46,000 | 188.00 | 0 |"), "{}", rows[0]);
        assert!(rows[1].ends_with("| $49,000 | 194.00 | 3 |"), "{}", rows[1]);
    }

    #[test]
    fn entry_rows_name_players_in_slot_order() {
        let run = fixture::run();
        let mut entries = run.entries.clone();
        entries[1].lineup.players[7] = 999;
        let rows = entry_rows(&run.slate, &entries);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].players[1], "Player 101");
        assert_eq!(rows[0].players[0], fixture::AWKWARD);
        assert_eq!(rows[1].players[7], "?", "an index off the slate");
        assert_eq!(
            (rows[1].lineup_id, rows[1].salary, rows[1].field_copies),
            (3, 49_000, 3)
        );
        assert_eq!(entry_header(&run.slate).len(), 8 + 4);
    }
}
