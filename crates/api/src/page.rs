//! The web page: server-rendered HTML with a little JavaScript, built into
//! the binary (no CDN, no build step). `/` lists the runs and starts one;
//! `/runs/{id}` follows a run live (the events stream), cancels it, and once
//! it has succeeded shows its report (the run folder's `export/report.html`:
//! lineups and plots), the upload file to download and a button copying it.
//! Everything the page does, it does through the JSON API.

use std::fmt::Write as _;
use std::path::Path as FsPath;

use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::response::Html;
use orchestrator::{ContestRecord, REPORT_STYLE, RunRecord, SlateRecord, escape_html as escape};
use schemas::RunStatus;

use crate::error::ApiError;
use crate::routes::{AppState, orch, with_home};

/// The page's own style, over the run report's (`REPORT_STYLE`): the same
/// look, plus the form, the buttons and the progress bar.
const STYLE: &str = include_str!("page/style.css");
/// The page's behaviour: the run form, live progress, cancel, copy.
const SCRIPT: &str = include_str!("page/app.js");

/// A whole page around `body`.
fn page(title: &str, body: &str) -> Html<String> {
    Html(format!(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title}</title>\n<style>\n{REPORT_STYLE}{STYLE}</style>\n</head>\n<body>\n\
         <header class=\"top\"><a class=\"home\" href=\"/\">dfs</a></header>\n<main>\n{body}</main>\n\
         <script>{SCRIPT}</script>\n</body>\n</html>\n",
        title = escape(title),
    ))
}

/// `GET /`: the runs, newest first, and the form that starts one.
pub async fn index(State(state): State<AppState>) -> Result<Html<String>, ApiError> {
    let (slates, contests, runs) = with_home(&state, |home| {
        Ok((
            orch(home.slates())?,
            orch(home.contests())?,
            orch(home.runs(None))?,
        ))
    })
    .await?;
    let mut body = String::new();
    body.push_str("<h1>Runs</h1>\n");
    body.push_str(&run_form(&slates, &contests));
    body.push_str(&runs_table(&runs));
    Ok(page("dfs: runs", &body))
}

fn run_form(slates: &[SlateRecord], contests: &[ContestRecord]) -> String {
    let options = |items: Vec<(&str, String)>| {
        items
            .into_iter()
            .map(|(id, label)| {
                format!(
                    "<option value=\"{}\">{}</option>",
                    escape(id),
                    escape(&label)
                )
            })
            .collect::<String>()
    };
    let slates = options(
        slates
            .iter()
            .map(|s| (s.id.as_str(), format!("{} ({} players)", s.id, s.players)))
            .collect(),
    );
    let contests = options(
        contests
            .iter()
            .map(|c| {
                (
                    c.id.as_str(),
                    format!("{}: {} entries at ${}", c.name, c.field_size, c.entry_fee),
                )
            })
            .collect(),
    );
    format!(
        "<section aria-labelledby=\"new-run\">\n<h2 id=\"new-run\">New run</h2>\n\
         <form id=\"run-form\">\n\
         <label>Slate <select name=\"slate\" id=\"slate\" required>{slates}</select></label>\n\
         <label>Contest <select name=\"contest\" id=\"contest\" required>{contests}</select></label>\n\
         <label>Seed <input type=\"number\" name=\"seed\" id=\"seed\" value=\"1337\" min=\"0\" required></label>\n\
         <label>Tag <input type=\"text\" name=\"tag\" id=\"tag\" maxlength=\"64\"></label>\n\
         <fieldset><legend>Knobs (empty: the defaults)</legend>\n\
         <label>Variants <input type=\"number\" name=\"variants.count\" id=\"variants-count\" min=\"1\"></label>\n\
         <label>Lineups per variant <input type=\"number\" name=\"optimizer.lineups_per_variant\" id=\"lineups-per-variant\" min=\"1\"></label>\n\
         <label>Sim iterations <input type=\"number\" name=\"sim.iterations\" id=\"sim-iterations\" min=\"1\"></label>\n\
         <label>Entries <input type=\"number\" name=\"sim.entries\" id=\"sim-entries\" min=\"1\"></label>\n\
         </fieldset>\n\
         <button type=\"submit\" id=\"start\">Start run</button>\n\
         <p id=\"form-error\" class=\"error\" role=\"alert\"></p>\n\
         </form>\n</section>\n"
    )
}

fn runs_table(runs: &[RunRecord]) -> String {
    let mut out =
        String::from("<section aria-labelledby=\"runs-title\">\n<h2 id=\"runs-title\">Runs</h2>\n");
    if runs.is_empty() {
        out.push_str("<p id=\"no-runs\">No runs yet.</p>\n</section>\n");
        return out;
    }
    out.push_str(
        "<div class=\"scroll\"><table id=\"runs\">\n<thead><tr><th scope=\"col\">Run</th>\
         <th scope=\"col\">Slate</th><th scope=\"col\">Contest</th><th scope=\"col\">Tag</th>\
         <th scope=\"col\">Status</th><th scope=\"col\">Sim ROI</th>\
         <th scope=\"col\">Started (UTC)</th></tr></thead>\n<tbody>\n",
    );
    for r in runs {
        let roi = r
            .metrics_head
            .as_ref()
            .map(|h| orchestrator::pct(h.roi_mean))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "<tr><td><a href=\"/runs/{id}\">{id}</a></td><td>{slate}</td><td>{contest}</td>\
             <td>{tag}</td><td class=\"status-{status}\">{status}</td><td class=\"num\">{roi}</td>\
             <td>{started}</td></tr>",
            id = escape(&r.run_id),
            slate = escape(&r.slate_id),
            contest = escape(&r.contest_id),
            tag = escape(r.tag.as_deref().unwrap_or("")),
            status = r.status.as_str(),
            started = escape(&r.started_at),
        );
    }
    out.push_str("</tbody></table></div>\n</section>\n");
    out
}

/// `GET /runs/{id}`: one run, live while it runs, its report once done.
pub async fn run_page(
    State(state): State<AppState>,
    run_id: Result<Path<String>, PathRejection>,
) -> Result<Html<String>, ApiError> {
    let Path(run_id) = run_id?;
    let id = run_id.clone();
    let record = with_home(&state, move |home| orch(home.run_record(&id))).await?;
    // The job's state is fresher than the registry's while it runs.
    let status = state
        .jobs
        .get(&run_id)
        .map(|j| j.state().status)
        .unwrap_or(record.status);
    let mut body = String::new();
    let _ = write!(
        body,
        "<h1>Run <span id=\"run-id\">{id}</span></h1>\n\
         {facts}\
         <section id=\"live\" aria-labelledby=\"status-title\" data-run=\"{id}\" data-status=\"{status}\">\n\
         <h2 id=\"status-title\">Status: <span id=\"status\">{status}</span></h2>\n\
         <p><progress id=\"progress\" max=\"100\" value=\"{value}\" aria-label=\"Progress\"></progress> \
         <span id=\"percent\">{value}%</span> <span id=\"stage\"></span></p>\n\
         <p id=\"detail\" class=\"error\" role=\"alert\">{detail}</p>\n",
        id = escape(&record.run_id),
        // A succeeded run's report says it all again, and more.
        facts = if status == RunStatus::Succeeded {
            String::new()
        } else {
            format!(
                "<p class=\"meta\">Slate <b>{}</b> · contest <b>{}</b> · seed {}{}</p>\n",
                escape(&record.slate_id),
                escape(&record.contest_id),
                record.seed,
                record
                    .tag
                    .as_deref()
                    .map(|t| format!(" · tag {}", escape(t)))
                    .unwrap_or_default()
            )
        },
        status = status.as_str(),
        value = if status == RunStatus::Succeeded {
            100
        } else {
            0
        },
        detail = escape(record.error.as_deref().unwrap_or("")),
    );
    if !status.is_final() {
        body.push_str("<button type=\"button\" id=\"cancel\">Cancel run</button>\n");
    }
    body.push_str("</section>\n");
    if status == RunStatus::Succeeded {
        let folder = FsPath::new(&record.root).to_path_buf();
        let (csv, report) = tokio::task::spawn_blocking(move || {
            (
                std::fs::read_to_string(folder.join("optimizer/dk_export.csv")).ok(),
                std::fs::read_to_string(folder.join("export/report.html")).ok(),
            )
        })
        .await
        .map_err(|e| ApiError::internal(format_args!("reading a run's files: {e}")))?;
        body.push_str(&results(&record.run_id, csv.as_deref(), report.as_deref()));
    }
    Ok(page(&format!("dfs: run {}", record.run_id), &body))
}

/// A succeeded run's upload file (download, copy) and its report.
fn results(run_id: &str, csv: Option<&str>, report: Option<&str>) -> String {
    let mut out = String::from(
        "<section id=\"results\" aria-labelledby=\"results-title\">\n\
         <h2 id=\"results-title\">Upload file</h2>\n",
    );
    match csv {
        Some(csv) => {
            let _ = write!(
                out,
                "<p><a id=\"download\" class=\"button\" \
                 href=\"/api/runs/{id}/files/optimizer/dk_export.csv\" download=\"dk_export.csv\">\
                 Download the upload CSV</a> \
                 <button type=\"button\" id=\"copy\">Copy lineups</button> \
                 <span id=\"copied\" role=\"status\"></span></p>\n\
                 <textarea id=\"upload-csv\" readonly rows=\"6\" aria-label=\"The upload CSV\">{csv}</textarea>\n",
                id = escape(run_id),
                csv = escape(csv),
            );
        }
        None => out.push_str("<p>This run has no upload file.</p>\n"),
    }
    out.push_str("</section>\n");
    match report.and_then(report_body) {
        Some(fragment) => {
            out.push_str("<section id=\"report\" aria-label=\"Report\">\n");
            out.push_str(&fragment);
            out.push_str("\n</section>\n");
        }
        None => out.push_str(
            "<section id=\"report\"><p>This run has no report (it predates them).</p></section>\n",
        ),
    }
    out
}

/// What a report's `<main>` holds but its `<h1>` (the page has its own):
/// ours, written by the orchestrator.
fn report_body(html: &str) -> Option<String> {
    let start = html.find("<main>")? + "<main>".len();
    let end = html.rfind("</main>")?;
    let inner = html.get(start..end)?;
    Some(match (inner.find("<h1>"), inner.find("</h1>")) {
        (Some(a), Some(b)) if a < b => format!("{}{}", &inner[..a], &inner[b + "</h1>".len()..]),
        _ => inner.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_report_body_is_its_main_but_the_title() {
        let html = "<html><head><style>x</style></head><body><main><header><h1>Run r</h1>\
                    <p>m</p></header><svg></svg></main></body></html>";
        assert_eq!(
            report_body(html).as_deref(),
            Some("<header><p>m</p></header><svg></svg>")
        );
        assert_eq!(report_body("<p>no main</p>"), None);
    }

    #[test]
    fn the_runs_table_escapes_and_links() {
        let run = RunRecord {
            run_id: "r1".into(),
            slate_id: "s<1>".into(),
            contest_id: "c".into(),
            tag: Some("\"t\"".into()),
            seed: 1,
            status: RunStatus::Succeeded,
            root: "/x".into(),
            metrics_head: Some(schemas::MetricsHead {
                roi_mean: 0.25,
                roi_p50: -1.0,
                dup_p95: 1.0,
            }),
            started_at: "2026-12-02T00:00:00Z".into(),
            finished_at: None,
            error: None,
            pid: None,
            host: None,
        };
        let html = runs_table(&[run]);
        assert!(html.contains("<a href=\"/runs/r1\">r1</a>"), "{html}");
        assert!(html.contains("s&lt;1&gt;") && html.contains("&quot;t&quot;"));
        assert!(html.contains("+25.0%"));
        assert!(runs_table(&[]).contains("No runs yet."));
    }
}
