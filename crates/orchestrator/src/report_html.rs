//! `export/report.html`: a run in one page for a browser. The headline figures,
//! four plots as inline SVG (the portfolio's ROI, where its entries finished,
//! exposure against the field's ownership, duplicates), the exported entries and
//! every figure of `summary.md`, from the rows [`crate::report`] builds for both.
//!
//! The page is self-contained: inline CSS, no scripts, no external resources,
//! so it opens offline from the run folder. It is a pure function of the run
//! (same run, same bytes), and every string that comes from a user (names,
//! ids, tags) is escaped.

use std::fmt::Write;

use schemas::HistogramBin;

use crate::report::{
    HEADLINE, RunPage, contest_line, entry_header, entry_rows, grouped, pct, player_label, rate,
    salary, share, slate_line, summary_rows,
};

/// Players the field owns at least this much are on the exposure plot even
/// when our entries hold none of them: the chalk we fade is part of the picture.
pub(crate) const EXPOSURE_FLOOR: f64 = 0.05;

/// Points of the exposure plot named beside their marker: those farthest
/// from the field's ownership.
const EXPOSURE_LABELS: usize = 5;

// Plot geometry in SVG user units; the page scales each plot to its width.
const WIDTH: f64 = 480.0;
const HEIGHT: f64 = 280.0;
const LEFT: f64 = 60.0;
const RIGHT: f64 = 14.0;
const TOP: f64 = 14.0;
const BOTTOM: f64 = 46.0;
/// Least room between two x tick labels.
const TICK_ROOM: f64 = 38.0;

/// The report's style sheet; the web page of `dfs-api` uses it too, so a run
/// looks the same in both.
pub const REPORT_STYLE: &str = "\
:root{color-scheme:light dark;--fg:#1d1f21;--bg:#fff;--muted:#5c6166;--line:#d5d8db;--bar:#2f6aa8;--mark:#b3261e}
@media (prefers-color-scheme:dark){:root{--fg:#e6e7e8;--bg:#17191b;--muted:#a3a8ad;--line:#3b4045;--bar:#78a9de;--mark:#f2867e}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:16px/1.5 system-ui,-apple-system,\"Segoe UI\",Roboto,sans-serif}
main{max-width:60rem;margin:0 auto;padding:1rem}
h1{font-size:1.5rem;margin:.5rem 0;overflow-wrap:anywhere}
h2{font-size:1.2rem;margin:2rem 0 .5rem;border-bottom:1px solid var(--line)}
.meta{color:var(--muted);margin:.25rem 0}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(8.5rem,1fr));gap:.5rem;margin:1rem 0;padding:0}
.cards div{border:1px solid var(--line);border-radius:.4rem;padding:.4rem .6rem}
.cards dt{color:var(--muted);font-size:.85rem}
.cards dd{margin:0;font-size:1.25rem;font-weight:600;font-variant-numeric:tabular-nums}
.plots{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,26rem),1fr));gap:1rem}
figure{margin:0}
figcaption{color:var(--muted);font-size:.9rem}
svg{display:block;width:100%;height:auto;color:var(--fg)}
svg text{fill:currentColor;font-size:12px}
.bar,.point{fill:var(--bar)}
.point{fill-opacity:.7}
.axis{stroke:var(--muted)}
.grid{stroke:var(--line)}
.mark{stroke:var(--mark);stroke-dasharray:4 3}
text.mark{stroke:none;fill:var(--mark)}
.scroll{overflow-x:auto}
table{border-collapse:collapse;font-size:.9rem;font-variant-numeric:tabular-nums}
th,td{padding:.25rem .5rem;border-bottom:1px solid var(--line);text-align:left;white-space:nowrap}
td.num,th.num{text-align:right}
details{margin:.25rem 0 0;font-size:.9rem}
summary{cursor:pointer;color:var(--muted)}
";

/// `export/report.html` for a finished run.
pub(crate) fn report_html(page: &RunPage<'_>) -> String {
    let o = page.outcome;
    let m = &o.metrics;
    let run_id = &o.summary.run_id;
    let mut s = String::with_capacity(64 * 1024);
    s.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    s.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    let _ = writeln!(
        s,
        "<title>Run {} on {}</title>",
        escape(run_id),
        escape(&page.slate.id)
    );
    let _ = writeln!(
        s,
        "<style>\n{REPORT_STYLE}</style>\n</head>\n<body>\n<main>"
    );

    // Header: what ran, and how the portfolio did.
    let _ = writeln!(s, "<header>\n<h1>Run {}</h1>", escape(run_id));
    let _ = write!(
        s,
        "<p class=\"meta\">Slate <b>{}</b> ({}); contest <b>{}</b> ({}). Seed {}.",
        escape(&page.slate.id),
        escape(&slate_line(page.slate)),
        escape(&page.contest.id),
        escape(&contest_line(page.contest)),
        o.manifest.seed
    );
    if let Some(tag) = &o.manifest.tag {
        let _ = write!(s, " Tag <b>{}</b>.", escape(tag));
    }
    s.push_str("</p>\n<dl class=\"cards\">\n");
    let rows = summary_rows(o);
    for label in HEADLINE {
        if let Some((_, value)) = rows.iter().find(|(k, _)| *k == label) {
            let _ = writeln!(
                s,
                "<div><dt>{}</dt><dd>{}</dd></div>",
                escape(label),
                escape(value)
            );
        }
    }
    let _ = writeln!(
        s,
        "</dl>\n<p class=\"meta\">Simulated on {} fresh contests of {} entries, \
         {} of them ours.</p>\n</header>",
        grouped(&m.iterations.to_string()),
        grouped(&m.field_size.to_string()),
        m.entries
    );

    s.push_str("<section aria-labelledby=\"h-plots\">\n<h2 id=\"h-plots\">Plots</h2>\n<div class=\"plots\">\n");
    roi_figure(&mut s, page);
    finish_figure(&mut s, page);
    exposure_figure(&mut s, page);
    dups_figure(&mut s, page);
    s.push_str("</div>\n</section>\n");

    // The exported entries.
    s.push_str("<section aria-labelledby=\"h-entries\">\n<h2 id=\"h-entries\">Entries</h2>\n");
    let _ = writeln!(
        s,
        "<p class=\"meta\">The exported lineups ({}) as in \
         <code>optimizer/dk_export.csv</code>: upload order, players by slot.</p>",
        page.entries.len()
    );
    let header = entry_header(page.slate);
    let slots = header.len() - 4;
    let numeric: Vec<bool> = (0..header.len()).map(|i| i == 0 || i > slots).collect();
    let entries: Vec<Vec<String>> = entry_rows(page.slate, page.entries)
        .into_iter()
        .enumerate()
        .map(|(n, row)| {
            let mut cells = vec![(n + 1).to_string()];
            cells.extend(row.players);
            cells.push(salary(row.salary));
            cells.push(format!("{:.2}", row.proj));
            cells.push(row.field_copies.to_string());
            cells
        })
        .collect();
    table(&mut s, &header, &numeric, &entries);
    s.push_str("</section>\n");

    // Every figure of summary.md.
    s.push_str("<section aria-labelledby=\"h-figures\">\n<h2 id=\"h-figures\">All figures</h2>\n");
    let figures: Vec<Vec<String>> = rows
        .into_iter()
        .map(|(k, v)| vec![k.to_string(), v])
        .collect();
    table(&mut s, &["figure", "value"], &[false, false], &figures);
    s.push_str(
        "<p class=\"meta\">The same figures are in <code>export/summary.md</code>, \
         every metric in <code>sim/metrics.json</code>.</p>\n</section>\n",
    );
    s.push_str("</main>\n</body>\n</html>\n");
    s
}

/// `s` with `& < > " '` escaped for HTML text and attribute values.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A table in a horizontally scrolling box; every cell escaped, `numeric`
/// columns right-aligned.
fn table<H: AsRef<str>>(s: &mut String, header: &[H], numeric: &[bool], rows: &[Vec<String>]) {
    let class = |i: usize| {
        if numeric.get(i).copied().unwrap_or(false) {
            " class=\"num\""
        } else {
            ""
        }
    };
    s.push_str("<div class=\"scroll\"><table>\n<thead><tr>");
    for (i, h) in header.iter().enumerate() {
        let _ = write!(
            s,
            "<th scope=\"col\"{}>{}</th>",
            class(i),
            escape(h.as_ref())
        );
    }
    s.push_str("</tr></thead>\n<tbody>\n");
    for row in rows {
        s.push_str("<tr>");
        for (i, cell) in row.iter().enumerate() {
            let _ = write!(s, "<td{}>{}</td>", class(i), escape(cell));
        }
        s.push_str("</tr>\n");
    }
    s.push_str("</tbody></table></div>\n");
}

/// A figure: the plot, its caption, and its data as a table for readers
/// that cannot see the plot.
fn figure(s: &mut String, id: &str, svg: &str, caption: &str, data: (&[&str], &[Vec<String>])) {
    let _ = writeln!(s, "<figure id=\"{id}\">\n{svg}");
    let _ = writeln!(s, "<figcaption>{}</figcaption>", escape(caption));
    s.push_str("<details><summary>Data</summary>\n");
    let numeric: Vec<bool> = (0..data.0.len()).map(|i| i > 0).collect();
    table(s, data.0, &numeric, data.1);
    s.push_str("</details>\n</figure>\n");
}

/// `x` with at most `decimals` decimals, trailing zeros dropped (`-0` is `0`).
fn trimmed(x: f64, decimals: usize) -> String {
    let text = format!("{x:.decimals$}");
    let text = if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.')
    } else {
        &text
    };
    if text == "-0" { "0" } else { text }.to_string()
}

/// A share as a percentage with at most `decimals` decimals, trailing zeros dropped.
fn percent(x: f64, decimals: usize) -> String {
    format!("{}%", trimmed(100.0 * x, decimals))
}

/// A portfolio ROI edge as an axis label: `-100%`, `0%`, `+250%`, `+2.5k%`.
fn roi_label(roi: f64) -> String {
    let p = 100.0 * roi;
    let sign = if p > 0.0 { "+" } else { "" };
    if p.abs() >= 1000.0 {
        format!("{sign}{}k%", trimmed(p / 1000.0, 1))
    } else {
        format!("{sign}{}%", trimmed(p, 0))
    }
}

/// Tick values from 0 up to at least `max`: 3 to 5 steps of 1, 2 or 5 times
/// a power of ten (whole numbers when `whole`).
fn nice_ticks(max: f64, whole: bool) -> Vec<f64> {
    if !(max.is_finite() && max > 0.0) {
        return vec![0.0, 1.0];
    }
    let raw = max / 4.0;
    let magnitude = 10f64.powf(raw.log10().floor());
    let mut step = [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|k| k * magnitude)
        .find(|&step| step >= raw * (1.0 - 1e-9))
        .unwrap_or(10.0 * magnitude);
    if whole {
        step = step.max(1.0).round();
    }
    let steps = (max / step - 1e-9).ceil().max(1.0) as usize;
    (0..=steps).map(|k| k as f64 * step).collect()
}

/// One bar: its height in the chart's y unit, and its tooltip.
struct Bar {
    value: f64,
    tip: String,
}

/// A bar chart over equal slots: bar `i` fills slot `i`, and x positions
/// are in slots (0 = the left edge of the first bar).
struct BarChart<'a> {
    id: &'a str,
    title: &'a str,
    x_label: &'a str,
    y_label: &'a str,
    bars: Vec<Bar>,
    /// Labels along x, at slot positions.
    x_ticks: Vec<(f64, String)>,
    /// Dashed vertical lines with a label, at slot positions.
    marks: Vec<(f64, String)>,
    /// Whether y counts whole things (its ticks are then whole numbers).
    whole: bool,
    /// The y tick labels.
    y_tick: fn(f64) -> String,
}

/// Coordinates in SVG user units, one decimal.
fn at(x: f64) -> String {
    format!("{x:.1}")
}

/// Opens an accessible plot: `role="img"` named by its title.
fn svg_open(s: &mut String, id: &str, title: &str) {
    let _ = writeln!(
        s,
        "<svg viewBox=\"0 0 {WIDTH} {HEIGHT}\" role=\"img\" aria-labelledby=\"{id}-title\">\
         <title id=\"{id}-title\">{}</title>",
        escape(title)
    );
}

/// The axis lines and both axis labels.
fn axes(s: &mut String, x_label: &str, y_label: &str) {
    let (x0, x1, y1) = (LEFT, WIDTH - RIGHT, HEIGHT - BOTTOM);
    let _ = writeln!(
        s,
        "<line class=\"axis\" x1=\"{x0}\" y1=\"{y1}\" x2=\"{x1}\" y2=\"{y1}\"/>\
         <line class=\"axis\" x1=\"{x0}\" y1=\"{TOP}\" x2=\"{x0}\" y2=\"{y1}\"/>"
    );
    let _ = writeln!(
        s,
        "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
        at((x0 + x1) / 2.0),
        at(HEIGHT - 6.0),
        escape(x_label)
    );
    let mid = at((TOP + y1) / 2.0);
    let _ = writeln!(
        s,
        "<text x=\"12\" y=\"{mid}\" text-anchor=\"middle\" transform=\"rotate(-90 12 {mid})\">{}</text>",
        escape(y_label)
    );
}

/// Horizontal grid lines and labels for y ticks over `[0, top]`.
fn y_grid(s: &mut String, ticks: &[f64], label: fn(f64) -> String) {
    let top = ticks.last().copied().unwrap_or(1.0);
    let height = HEIGHT - BOTTOM - TOP;
    for &t in ticks {
        let y = at(HEIGHT - BOTTOM - t / top * height);
        let _ = writeln!(
            s,
            "<line class=\"grid\" x1=\"{LEFT}\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\"/>\
             <text x=\"{}\" y=\"{y}\" dy=\"4\" text-anchor=\"end\">{}</text>",
            WIDTH - RIGHT,
            LEFT - 6.0,
            escape(&label(t))
        );
    }
}

/// A tick and its label below the x axis at `x`.
fn x_tick(s: &mut String, x: f64, label: &str) {
    let y = HEIGHT - BOTTOM;
    let _ = writeln!(
        s,
        "<line class=\"axis\" x1=\"{x}\" y1=\"{y}\" x2=\"{x}\" y2=\"{}\"/>\
         <text x=\"{x}\" y=\"{}\" text-anchor=\"middle\">{}</text>",
        y + 4.0,
        y + 16.0,
        escape(label),
        x = at(x)
    );
}

/// A dashed vertical line over the plot at `x`, labelled at its top.
fn x_mark(s: &mut String, x: f64, label: &str) {
    let (anchor, dx) = if x > (LEFT + WIDTH - RIGHT) / 2.0 {
        ("end", -4.0)
    } else {
        ("start", 4.0)
    };
    let _ = writeln!(
        s,
        "<line class=\"mark\" x1=\"{x}\" y1=\"{TOP}\" x2=\"{x}\" y2=\"{}\"/>\
         <text class=\"mark\" x=\"{}\" y=\"{}\" text-anchor=\"{anchor}\">{}</text>",
        HEIGHT - BOTTOM,
        at(x + dx),
        TOP + 10.0,
        escape(label),
        x = at(x)
    );
}

/// The SVG of a bar chart. Bars are drawn for non-empty slots only, each
/// `value / top tick` of the plot's height.
fn bar_svg(c: &BarChart<'_>) -> String {
    let mut s = String::new();
    svg_open(&mut s, c.id, c.title);
    let max = c.bars.iter().map(|b| b.value).fold(0.0, f64::max);
    let ticks = nice_ticks(max, c.whole);
    let top = ticks.last().copied().unwrap_or(1.0);
    y_grid(&mut s, &ticks, c.y_tick);
    let height = HEIGHT - BOTTOM - TOP;
    let slot = (WIDTH - LEFT - RIGHT) / c.bars.len().max(1) as f64;
    let gap = (slot * 0.1).min(3.0);
    for (i, b) in c.bars.iter().enumerate() {
        if b.value <= 0.0 {
            continue;
        }
        let h = b.value / top * height;
        let _ = writeln!(
            s,
            "<rect class=\"bar\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\"><title>{}</title></rect>",
            at(LEFT + i as f64 * slot + gap),
            at(HEIGHT - BOTTOM - h),
            at(slot - 2.0 * gap),
            at(h),
            escape(&b.tip)
        );
    }
    if max <= 0.0 {
        let _ = writeln!(
            s,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">no data</text>",
            at((LEFT + WIDTH - RIGHT) / 2.0),
            at((TOP + HEIGHT - BOTTOM) / 2.0)
        );
    }
    for (pos, label) in &c.x_ticks {
        x_tick(&mut s, LEFT + pos * slot, label);
    }
    for (pos, label) in &c.marks {
        x_mark(&mut s, LEFT + pos * slot, label);
    }
    axes(&mut s, c.x_label, c.y_label);
    s.push_str("</svg>");
    s
}

/// Where `value` falls on a histogram's slot axis: bin `i` spans `[i, i + 1)`,
/// linear within a bounded bin; `None` outside the bins.
fn slot_of(bins: &[HistogramBin], value: f64) -> Option<f64> {
    bins.iter().enumerate().find_map(|(i, b)| {
        let hi = b.hi?;
        (b.lo <= value && value <= hi && hi > b.lo).then(|| i as f64 + (value - b.lo) / (hi - b.lo))
    })
}

/// Edge labels for a histogram: every `k`-th edge, `k` keeping labels `TICK_ROOM` apart.
fn edge_ticks(bins: &[HistogramBin], label: fn(f64) -> String) -> Vec<(f64, String)> {
    let slot = (WIDTH - LEFT - RIGHT) / bins.len().max(1) as f64;
    let every = (TICK_ROOM / slot).ceil().max(1.0) as usize;
    let mut edges: Vec<f64> = bins.iter().map(|b| b.lo).collect();
    if let Some(hi) = bins.last().and_then(|b| b.hi) {
        edges.push(hi);
    }
    edges
        .iter()
        .enumerate()
        .filter(|(i, _)| i % every == 0)
        .map(|(i, &e)| (i as f64, label(e)))
        .collect()
}

/// A histogram's bins as shares of its total, with their tooltips and data rows.
fn shares(
    bins: &[HistogramBin],
    range: impl Fn(&HistogramBin) -> String,
) -> (Vec<Bar>, Vec<Vec<String>>) {
    let total: u64 = bins.iter().map(|b| b.count).sum();
    let share = |b: &HistogramBin| {
        if total == 0 {
            0.0
        } else {
            b.count as f64 / total as f64
        }
    };
    let bars = bins
        .iter()
        .map(|b| Bar {
            value: share(b),
            tip: format!("{}: {} ({})", range(b), percent(share(b), 2), b.count),
        })
        .collect();
    let rows = bins
        .iter()
        .map(|b| vec![range(b), percent(share(b), 2), b.count.to_string()])
        .collect();
    (bars, rows)
}

fn roi_figure(s: &mut String, page: &RunPage<'_>) {
    let m = &page.outcome.metrics;
    let bins = &m.roi_histogram;
    let range = |b: &HistogramBin| match b.hi {
        Some(hi) => format!("{} to {}", roi_label(b.lo), roi_label(hi)),
        None => format!("{} or more", roi_label(b.lo)),
    };
    let (bars, rows) = shares(bins, range);
    let chart = BarChart {
        id: "plot-roi",
        title: "Simulated portfolio ROI",
        x_label: "portfolio ROI in one contest (bins widen above 0%)",
        y_label: "share of contests",
        bars,
        x_ticks: edge_ticks(bins, roi_label),
        marks: slot_of(bins, 0.0)
            .map(|x| (x, "break-even".to_string()))
            .into_iter()
            .collect(),
        whole: false,
        y_tick: |v| percent(v, 2),
    };
    let caption = format!(
        "The portfolio's ROI over {} simulated contests on fresh draws: mean {}, median {}, \
         a profit in {} of them. With each prize capped at the last top-1% place's, the \
         mean is {}: the rest comes from the rare top finishes.",
        grouped(&m.iterations.to_string()),
        pct(m.roi_mean),
        pct(m.roi_p50),
        share(m.profit_probability),
        pct(m.capped_roi_mean)
    );
    figure(
        s,
        chart.id,
        &bar_svg(&chart),
        &caption,
        (&["portfolio ROI", "share", "contests"], &rows),
    );
}

fn finish_figure(s: &mut String, page: &RunPage<'_>) {
    let m = &page.outcome.metrics;
    let bins = &m.finish_histogram;
    let range = |b: &HistogramBin| {
        format!(
            "{} to {}",
            percent(b.lo, 0),
            percent(b.hi.unwrap_or(1.0), 0)
        )
    };
    let (bars, rows) = shares(bins, range);
    let paid = f64::from(page.contest.paid_places()) / f64::from(m.field_size.max(1));
    let chart = BarChart {
        id: "plot-finish",
        title: "Finish percentile of the selected entries",
        x_label: "finish percentile (0% = first place)",
        y_label: "share of entries' finishes",
        bars,
        x_ticks: edge_ticks(bins, |e| percent(e, 0)),
        marks: slot_of(bins, paid)
            .map(|x| (x, "paid places".to_string()))
            .into_iter()
            .collect(),
        whole: false,
        y_tick: |v| percent(v, 2),
    };
    let caption = format!(
        "Where the {} selected entries finished over {} simulated contests: on average in the \
         top {}; {} of finishes cashed and {} were in the top 1%.",
        m.entries,
        grouped(&m.iterations.to_string()),
        share(m.finish_percentile_mean),
        share(m.cash_rate),
        rate(m.top1_rate)
    );
    figure(
        s,
        chart.id,
        &bar_svg(&chart),
        &caption,
        (&["finish percentile", "share", "finishes"], &rows),
    );
}

fn dups_figure(s: &mut String, page: &RunPage<'_>) {
    let m = &page.outcome.metrics;
    let bins = m.dup_bins.labelled();
    let bars = bins
        .iter()
        .map(|&(label, n)| Bar {
            value: n as f64,
            tip: format!("{label} field copies: {n} entries"),
        })
        .collect();
    let chart = BarChart {
        id: "plot-dups",
        title: "Selected entries by duplicates in the field",
        x_label: "opponents who entered the same lineup",
        y_label: "selected entries",
        bars,
        x_ticks: bins
            .iter()
            .enumerate()
            .map(|(i, (label, _))| (i as f64 + 0.5, label.to_string()))
            .collect(),
        marks: Vec::new(),
        whole: true,
        y_tick: |v| format!("{v:.0}"),
    };
    let rows: Vec<Vec<String>> = bins
        .iter()
        .map(|(label, n)| vec![label.to_string(), n.to_string()])
        .collect();
    let caption = format!(
        "How many opponents in the sampled field entered each selected lineup too \
         (95th percentile: {:.0}). A duplicated lineup splits what it wins.",
        m.dup_p95
    );
    figure(
        s,
        chart.id,
        &bar_svg(&chart),
        &caption,
        (&["field copies", "entries"], &rows),
    );
}

/// One player of the exposure plot.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct ExposurePoint {
    pub name: String,
    /// Share of our entries holding him.
    pub ours: f64,
    /// The field's ownership of him.
    pub field: f64,
}

/// The players the exposure plot shows, in slate order: every player our
/// entries hold, and every player the field owns at [`EXPOSURE_FLOOR`] or more.
/// The field's ownership is the sampled field's when the run has one, else the
/// slate's projection; the flag says which.
pub(crate) fn exposure_points(page: &RunPage<'_>) -> (Vec<ExposurePoint>, bool) {
    let sampled = page.field_ownership.filter(|rows| !rows.is_empty());
    let points = page
        .slate
        .players
        .iter()
        .filter_map(|p| {
            let ours = page
                .outcome
                .metrics
                .exposure
                .get(&p.dk_id.to_string())
                .copied()
                .unwrap_or(0.0);
            let field = match sampled {
                Some(rows) => rows
                    .iter()
                    .find(|r| r.player_id == p.dk_id)
                    .map_or(0.0, |r| r.sampled),
                None => p.ownership,
            };
            (ours > 0.0 || field >= EXPOSURE_FLOOR).then(|| ExposurePoint {
                name: player_label(page.slate, p),
                ours,
                field,
            })
        })
        .collect();
    (points, sampled.is_some())
}

/// A point's name placed beside it on the exposure plot.
#[derive(Debug, Clone, PartialEq)]
struct NameLabel {
    point: usize,
    /// Text anchor position and alignment (`start`: the text runs right of `x`).
    x: f64,
    y: f64,
    anchor: &'static str,
    /// The box the text takes, estimated: `[x0, x1] x [y0, y1]`.
    bounds: [f64; 4],
}

/// Names for up to [`EXPOSURE_LABELS`] points, those farthest from the
/// field's ownership first: each above its point, else below it, on the side
/// with room, inside the plot and clear of the names already placed; a point
/// with no such place goes unnamed (its tooltip and the data table name it).
fn name_labels(points: &[ExposurePoint], centers: &[(f64, f64)]) -> Vec<NameLabel> {
    // Width of a character of the 12-unit font, generously.
    const CHAR: f64 = 7.0;
    let mut by_gap: Vec<usize> = (0..points.len()).collect();
    let gap = |p: &ExposurePoint| (p.ours - p.field).abs();
    by_gap.sort_by(|&a, &b| gap(&points[b]).total_cmp(&gap(&points[a])).then(a.cmp(&b)));
    let mut placed: Vec<NameLabel> = Vec::new();
    for i in by_gap {
        if placed.len() == EXPOSURE_LABELS {
            break;
        }
        let (Some(p), Some(&(cx, cy))) = (points.get(i), centers.get(i)) else {
            continue;
        };
        let width = CHAR * p.name.chars().count() as f64;
        let (anchor, x, x0) = if cx + 7.0 + width <= WIDTH - RIGHT {
            ("start", cx + 7.0, cx + 7.0)
        } else {
            ("end", cx - 7.0, cx - 7.0 - width)
        };
        let fits = |y: f64| {
            let bounds = [x0, x0 + width, y - 11.0, y + 3.0];
            let inside = bounds[0] >= LEFT && bounds[2] >= 0.0 && bounds[3] <= HEIGHT - BOTTOM;
            let clear = placed.iter().all(|l| {
                bounds[1] <= l.bounds[0]
                    || l.bounds[1] <= bounds[0]
                    || bounds[3] <= l.bounds[2]
                    || l.bounds[3] <= bounds[2]
            });
            (inside && clear).then_some(bounds)
        };
        if let Some((y, bounds)) = [cy - 5.0, cy + 15.0]
            .into_iter()
            .find_map(|y| fits(y).map(|b| (y, b)))
        {
            placed.push(NameLabel {
                point: i,
                x,
                y,
                anchor,
                bounds,
            });
        }
    }
    placed
}

fn exposure_figure(s: &mut String, page: &RunPage<'_>) {
    let (points, sampled) = exposure_points(page);
    let source = if sampled { "sampled" } else { "projected" };
    let max = points
        .iter()
        .map(|p| p.ours.max(p.field))
        .fold(0.0, f64::max);
    let ticks = nice_ticks(max, false);
    let top = ticks.last().copied().unwrap_or(1.0);
    let (width, height) = (WIDTH - LEFT - RIGHT, HEIGHT - BOTTOM - TOP);
    let x = |v: f64| LEFT + v / top * width;
    let y = |v: f64| HEIGHT - BOTTOM - v / top * height;

    let mut svg = String::new();
    let id = "plot-exposure";
    svg_open(&mut svg, id, "Our exposure against the field's ownership");
    y_grid(&mut svg, &ticks, |v| percent(v, 1));
    for &t in &ticks {
        x_tick(&mut svg, x(t), &percent(t, 1));
    }
    let _ = writeln!(
        svg,
        "<line class=\"mark\" x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{}\"/>",
        at(x(0.0)),
        at(y(0.0)),
        at(x(top)),
        at(y(top))
    );
    let centers: Vec<(f64, f64)> = points.iter().map(|p| (x(p.field), y(p.ours))).collect();
    for (p, &(cx, cy)) in points.iter().zip(&centers) {
        let _ = writeln!(
            svg,
            "<circle class=\"point\" cx=\"{}\" cy=\"{}\" r=\"4\"><title>{}: {} of our entries, {} {} field ownership</title></circle>",
            at(cx),
            at(cy),
            escape(&p.name),
            percent(p.ours, 1),
            percent(p.field, 1),
            source
        );
    }
    for label in name_labels(&points, &centers) {
        let _ = writeln!(
            svg,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"{}\">{}</text>",
            at(label.x),
            at(label.y),
            label.anchor,
            escape(&points[label.point].name)
        );
    }
    axes(
        &mut svg,
        &format!("field ownership ({source})"),
        "share of our entries",
    );
    svg.push_str("</svg>");

    let mut order: Vec<&ExposurePoint> = points.iter().collect();
    order.sort_by(|a, b| {
        b.ours
            .total_cmp(&a.ours)
            .then(b.field.total_cmp(&a.field))
            .then_with(|| a.name.cmp(&b.name))
    });
    let rows: Vec<Vec<String>> = order
        .iter()
        .map(|p| {
            vec![
                p.name.clone(),
                percent(p.ours, 1),
                percent(p.field, 1),
                format!("{:+.1}", 100.0 * (p.ours - p.field)),
            ]
        })
        .collect();
    let caption = format!(
        "Each player's share of our {} entries against his {source} ownership in the field. \
         Above the dashed line we hold him more than the field does. Players the field owns \
         at {} or more are shown even when we hold none.",
        page.outcome.metrics.entries,
        percent(EXPOSURE_FLOOR, 0)
    );
    figure(
        s,
        id,
        &svg,
        &caption,
        (&["player", "ours", "field", "difference (pts)"], &rows),
    );
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixture;

    const IDS: [&str; 4] = ["plot-roi", "plot-finish", "plot-exposure", "plot-dups"];

    /// The `<figure id="{id}">` element of a page.
    fn figure_of<'a>(html: &'a str, id: &str) -> &'a str {
        let open = format!("<figure id=\"{id}\">");
        let start = html.find(&open).unwrap_or_else(|| panic!("{id} missing"));
        let end = html[start..].find("</figure>").unwrap() + start;
        &html[start..end]
    }

    /// The values of attribute `name` on every `<{tag} class="{class}"` in `s`, in order.
    fn attrs(s: &str, tag: &str, class: &str, name: &str) -> Vec<f64> {
        s.split(&format!("<{tag} class=\"{class}\""))
            .skip(1)
            .map(|el| {
                let key = format!(" {name}=\"");
                let from = el.find(&key).unwrap() + key.len();
                let len = el[from..].find('"').unwrap();
                el[from..from + len].parse().unwrap()
            })
            .collect()
    }

    /// Asserts bar heights are proportional to `values` (the non-empty ones, in order).
    fn assert_proportional(heights: &[f64], values: &[f64]) {
        assert_eq!(heights.len(), values.len(), "{heights:?} for {values:?}");
        // The scale from the tallest bar, whose rounding matters least.
        let top = (0..values.len())
            .max_by(|&a, &b| values[a].total_cmp(&values[b]))
            .unwrap();
        let scale = heights[top] / values[top];
        for (h, v) in heights.iter().zip(values) {
            // Heights are written to 0.1 units.
            assert!((h - v * scale).abs() <= 0.1, "{heights:?} for {values:?}");
        }
    }

    #[test]
    fn the_page_is_well_formed_and_self_contained() {
        let html = report_html(&fixture::run().page());
        assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
        assert!(html.ends_with("</html>\n"));
        assert!(html.contains("<meta name=\"viewport\""));
        for (open, close, n) in [
            ("<svg ", "</svg>", 4),
            ("<figure ", "</figure>", 4),
            ("<figcaption>", "</figcaption>", 4),
            ("<details>", "</details>", 4),
            ("<table>", "</table>", 6),
            ("<section ", "</section>", 3),
            ("<rect ", "</rect>", 5 + 4 + 2),
            ("<circle ", "</circle>", 11),
        ] {
            assert_eq!(html.matches(open).count(), n, "{open}");
            assert_eq!(html.matches(close).count(), n, "{close}");
        }
        for id in IDS {
            let fig = figure_of(&html, id);
            assert_eq!(fig.matches("<svg ").count(), 1, "{id}");
            assert!(fig.contains("role=\"img\""), "{id}");
            assert!(
                fig.contains(&format!("aria-labelledby=\"{id}-title\"")),
                "{id}"
            );
            assert!(fig.contains(&format!("<title id=\"{id}-title\">")), "{id}");
            assert!(fig.contains("<figcaption>"), "{id}");
            assert!(
                fig.contains("text-anchor=\"middle\" transform=\"rotate(-90"),
                "{id}: y label"
            );
        }
        let lower = html.to_lowercase();
        for banned in [
            "<script",
            "javascript:",
            "http://",
            "https://",
            " src=",
            " href=",
            "@import",
            "url(",
        ] {
            assert!(!lower.contains(banned), "{banned}");
        }
    }

    #[test]
    fn user_strings_are_escaped() {
        let html = report_html(&fixture::run().page());
        assert!(html.contains("Zach &lt;O&#39;Neil&gt; &amp; &quot;Co&quot; | Jr"));
        assert!(!html.contains(fixture::AWKWARD));
        assert!(!html.contains("<O'Neil>"));
        for raw in ["nba <main>", "c<1>", "Big & Small", "<b>mine</b>"] {
            assert!(!html.contains(raw), "{raw}");
        }
        for escaped in [
            "nba &lt;main&gt; &amp; co",
            "c&lt;1&gt;",
            "Big &amp; Small",
            "&lt;b&gt;mine&lt;/b&gt;",
        ] {
            assert!(html.contains(escaped), "{escaped}");
        }
        assert_eq!(escape("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&#39;");
    }

    #[test]
    fn bars_are_the_non_empty_bins_at_proportional_heights() {
        let run = fixture::run();
        let html = report_html(&run.page());
        let m = &run.outcome.metrics;
        for (id, bins) in [
            ("plot-roi", &m.roi_histogram),
            ("plot-finish", &m.finish_histogram),
        ] {
            let fig = figure_of(&html, id);
            let values: Vec<f64> = bins
                .iter()
                .filter(|b| b.count > 0)
                .map(|b| b.count as f64)
                .collect();
            assert_proportional(&attrs(fig, "rect", "bar", "height"), &values);
            // Each bar stands in its bin's slot, left to right.
            let xs = attrs(fig, "rect", "bar", "x");
            let slot = (WIDTH - LEFT - RIGHT) / bins.len() as f64;
            let filled: Vec<usize> = (0..bins.len()).filter(|&i| bins[i].count > 0).collect();
            for (x, i) in xs.iter().zip(&filled) {
                assert!(
                    (x - (LEFT + *i as f64 * slot)).abs() <= 3.1,
                    "{id}: {x} in slot {i}"
                );
            }
        }
        // The tallest bar reaches no higher than the plot's top.
        let roi = attrs(figure_of(&html, "plot-roi"), "rect", "bar", "y");
        assert!(roi.iter().all(|&y| y >= TOP - 0.05), "{roi:?}");
        assert!(figure_of(&html, "plot-roi").contains(">break-even</text>"));
        assert!(figure_of(&html, "plot-finish").contains(">paid places</text>"));
        // Duplicates: two non-empty bins of one entry each.
        let dups = figure_of(&html, "plot-dups");
        assert_proportional(&attrs(dups, "rect", "bar", "height"), &[1.0, 1.0]);
        for label in ["0", "1", "2-4", "5-9", "10+"] {
            assert!(dups.contains(&format!(">{label}</text>")), "{label}");
        }
        // An empty histogram draws no bars and says so.
        let mut empty = run.clone();
        empty.outcome.metrics.roi_histogram.clear();
        let html = report_html(&empty.page());
        let fig = figure_of(&html, "plot-roi");
        assert_eq!(fig.matches("<rect class=\"bar\"").count(), 0);
        assert!(fig.contains(">no data</text>"));
    }

    #[test]
    fn exposure_points_are_the_players_held_or_owned() {
        let run = fixture::run();
        let (points, sampled) = exposure_points(&run.page());
        assert!(sampled);
        // Players 0-8 and 11 are held; 10 is chalk we fade; 9 is under the floor.
        assert_eq!(points.len(), 11);
        assert!(!points.iter().any(|p| p.name == "Player 109"));
        let fade = points.iter().find(|p| p.name == "Player 110").unwrap();
        assert_eq!((fade.ours, fade.field), (0.0, 0.45));
        let shared = points.iter().find(|p| p.name == "Player 101").unwrap();
        assert_eq!(shared.ours, 1.0);
        assert!((shared.field - 0.06).abs() < 1e-12);
        let html = report_html(&run.page());
        let fig = figure_of(&html, "plot-exposure");
        assert_eq!(fig.matches("<circle class=\"point\"").count(), 11);
        assert!(fig.contains("field ownership (sampled)"));
        // x is the field's ownership, y ours, on one scale: the player we hold
        // in every entry sits on the top tick, the fade on the x axis.
        let (cx, cy) = (
            attrs(fig, "circle", "point", "cx"),
            attrs(fig, "circle", "point", "cy"),
        );
        let i = points.iter().position(|p| p.name == "Player 101").unwrap();
        assert!((cy[i] - TOP).abs() < 0.05, "{}", cy[i]);
        let f = points.iter().position(|p| p.name == "Player 110").unwrap();
        assert!((cy[f] - (HEIGHT - BOTTOM)).abs() < 0.05);
        assert!(
            (cx[f] - (LEFT + 0.45 * (WIDTH - LEFT - RIGHT))).abs() < 0.05,
            "{}",
            cx[f]
        );

        // Without a sampled field: the slate's projected ownership (0.1 each).
        let page = RunPage {
            field_ownership: None,
            ..run.page()
        };
        let (points, sampled) = exposure_points(&page);
        assert!(!sampled);
        assert_eq!(points.len(), 12);
        assert!(points.iter().all(|p| p.field == 0.1));
        assert!(report_html(&page).contains("field ownership (projected)"));
    }

    #[test]
    fn names_on_the_exposure_plot_never_overlap() {
        // A crowd of points on one spot: few names fit, none over another.
        let points: Vec<ExposurePoint> = (0..40)
            .map(|i| ExposurePoint {
                name: format!("Player number {i}"),
                ours: 0.5 + 0.001 * f64::from(i),
                field: 0.2,
            })
            .collect();
        let centers: Vec<(f64, f64)> = points
            .iter()
            .map(|p| (LEFT + p.field * 400.0, TOP + (1.0 - p.ours) * 200.0))
            .collect();
        let labels = name_labels(&points, &centers);
        assert!(
            !labels.is_empty() && labels.len() < EXPOSURE_LABELS,
            "{labels:?}"
        );
        for (a, la) in labels.iter().enumerate() {
            let b = la.bounds;
            assert!(
                b[0] >= LEFT && b[1] <= WIDTH - RIGHT && b[3] <= HEIGHT - BOTTOM,
                "{b:?}"
            );
            for lb in &labels[a + 1..] {
                let c = lb.bounds;
                assert!(
                    b[1] <= c[0] || c[1] <= b[0] || b[3] <= c[2] || c[3] <= b[2],
                    "{b:?} {c:?}"
                );
            }
        }
        // The farthest from the field first; spread points all get names.
        assert_eq!(labels[0].point, 39);
        let spread: Vec<(f64, f64)> = (0..6)
            .map(|i| (LEFT + 10.0, TOP + 30.0 + 20.0 * f64::from(i)))
            .collect();
        let labels = name_labels(&points[..6], &spread);
        assert_eq!(labels.len(), EXPOSURE_LABELS, "{labels:?}");
        assert!(
            labels.iter().all(|l| l.point != 0),
            "the nearest goes unnamed"
        );
        // A name near the right edge runs to the left of its point.
        let edge = name_labels(&points[..1], &[(WIDTH - RIGHT - 5.0, 100.0)]);
        assert_eq!(edge[0].anchor, "end");
        assert!(edge[0].bounds[1] <= WIDTH - RIGHT);
    }

    #[test]
    fn the_entries_table_lists_players_by_slot() {
        let run = fixture::run();
        let html = report_html(&run.page());
        assert!(html.contains("<th scope=\"col\">PG</th><th scope=\"col\">SG</th>"));
        assert!(html.contains("<td class=\"num\">$46,000</td><td class=\"num\">188.00</td>"));
        assert!(html.contains(
            "<td class=\"num\">$49,000</td><td class=\"num\">194.00</td><td class=\"num\">3</td>"
        ));
        for value in [
            "+12.3%",
            "-87.5%",
            "25.0%",
            "21.3%",
            "top 45.7%",
            "1.12%",
            "3.0",
        ] {
            assert!(html.contains(&format!("<dd>{value}</dd>")), "{value}");
        }
    }

    #[test]
    fn the_page_is_deterministic() {
        let run = fixture::run();
        let a = report_html(&run.page());
        let b = report_html(&run.clone().page());
        assert_eq!(a, b);
        let mut other = run.clone();
        other.outcome.metrics.roi_histogram[0].count += 1;
        assert_ne!(a, report_html(&other.page()));
    }

    #[test]
    fn ticks_and_labels() {
        assert_eq!(
            nice_ticks(0.62, false),
            [0.0, 0.2, 0.4, 0.6000000000000001, 0.8]
        );
        assert_eq!(nice_ticks(1.0, true), [0.0, 1.0]);
        assert_eq!(nice_ticks(3.0, true), [0.0, 1.0, 2.0, 3.0]);
        assert_eq!(nice_ticks(17.0, true), [0.0, 5.0, 10.0, 15.0, 20.0]);
        assert_eq!(nice_ticks(0.0, false), [0.0, 1.0]);
        assert_eq!(nice_ticks(f64::NAN, false), [0.0, 1.0]);
        for max in [0.003, 0.07, 0.5, 1.0, 2.5, 1234.0] {
            let t = nice_ticks(max, false);
            assert!(
                (3..=6).contains(&t.len()) && *t.last().unwrap() >= max,
                "{max}: {t:?}"
            );
        }
        assert_eq!(percent(0.25, 1), "25%");
        assert_eq!(percent(0.0125, 2), "1.25%");
        assert_eq!(percent(0.6000000000000001, 2), "60%");
        assert_eq!(percent(-0.0, 1), "0%");
        assert_eq!(roi_label(-1.0), "-100%");
        assert_eq!(roi_label(0.0), "0%");
        assert_eq!(roi_label(0.25), "+25%");
        assert_eq!(roi_label(10.0), "+1k%");
        assert_eq!(roi_label(25.0), "+2.5k%");
        assert_eq!(roi_label(-0.5), "-50%");
        assert_eq!(roi_label(100.0), "+10k%");
    }
}
