//! The routes: each parses its request, calls the orchestrator on a blocking
//! thread with the server's one handle on the data root, and answers JSON.
//! Runs go through the job queue (`jobs.rs`).

use std::convert::Infallible;
use std::path::{Path as FsPath, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use axum::body::Body;
use axum::extract::multipart::MultipartRejection;
use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use futures_util::Stream;
use orchestrator::{
    BacktestRequest, ContestImport, Home, InlineConfigs, OrchestratorError, RunRequest, SlateImport,
};
use schemars::JsonSchema;
use schemas::RunStatus;
use serde::{Deserialize, Serialize};
use tokio::sync::watch;
use tower_http::trace::TraceLayer;

use crate::error::{ApiError, no_route, wrong_method};
use crate::jobs::{Cancelled, Jobs, RunState};
use crate::page;
use crate::uploads::{self, Field, FormSpec};

/// Longest `?wait` honoured, in seconds.
pub const MAX_WAIT_SECS: f64 = 60.0;

/// What every handler shares.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The data root, opened confined once for the process: every file a
    /// request names must lie inside it.
    pub home: Arc<Mutex<Home>>,
    /// The data root, absolute.
    pub root: Arc<PathBuf>,
    pub jobs: Arc<Jobs>,
    /// Bearer token every request must carry, when set.
    pub token: Option<Arc<str>>,
    /// Longest a synchronous route may take before it is answered 503.
    pub request_timeout: Duration,
    /// Largest upload (`multipart/form-data` body) accepted, in bytes.
    pub upload_limit: usize,
}

/// `POST /api/runs` body: mirrors `dfs run`'s flags, with each stage config
/// as a JSON object (the keys of its YAML file) instead of a file.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RunBody {
    /// A slate id (`GET /api/slates`).
    slate: String,
    /// A contest id (`GET /api/contests`).
    contest: String,
    #[serde(default = "default_seed")]
    #[schemars(default = "default_seed")]
    seed: u64,
    /// The variants config (the keys of its YAML file; missing keys: defaults).
    #[schemars(with = "Option<schemas::VariantsConfig>")]
    variants: Option<serde_json::Value>,
    #[schemars(with = "Option<schemas::OptimizerConfig>")]
    optimizer: Option<serde_json::Value>,
    #[schemars(with = "Option<schemas::FieldSamplerConfig>")]
    field_sampler: Option<serde_json::Value>,
    /// `correlations` may be `builtin` or `none`, not a file.
    #[schemars(with = "Option<schemas::SimConfig>")]
    sim: Option<serde_json::Value>,
    tag: Option<String>,
}

/// `202` to `POST /api/runs`: the run is queued.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Accepted {
    pub run_id: String,
    /// Always `queued`.
    pub status: RunStatus,
    /// Where its state is: `/api/runs/{run_id}`.
    pub status_url: String,
}

/// `GET /healthz`.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Health {
    /// Always `ok`.
    pub status: String,
}

fn default_seed() -> u64 {
    1337
}

#[derive(Debug, Deserialize)]
struct ListQuery {
    slate: Option<String>,
}

#[derive(Debug, Deserialize)]
struct WaitQuery {
    /// Seconds to wait for the run to end before answering.
    wait: Option<f64>,
}

/// Runs blocking orchestrator work off the async executor, with the data
/// root's one handle.
pub(crate) async fn with_home<T: Send + 'static>(
    state: &AppState,
    f: impl FnOnce(&Home) -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    let home = state.home.clone();
    blocking(move || {
        let home = home.lock().unwrap_or_else(PoisonError::into_inner);
        f(&home)
    })
    .await
}

/// [`with_home`] for long work (an import, a backtest, fill, late swap): the
/// shared handle is held only to open the request's own handle of the root,
/// so registry reads never wait behind the work.
pub(crate) async fn with_own_home<T: Send + 'static>(
    state: &AppState,
    f: impl FnOnce(&Home) -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    let home = state.home.clone();
    blocking(move || {
        let own = orch(home.lock().unwrap_or_else(PoisonError::into_inner).reopen())?;
        f(&own)
    })
    .await
}

/// Runs `work` on tokio's blocking pool.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    match tokio::task::spawn_blocking(work).await {
        Ok(result) => result,
        Err(e) => Err(ApiError::internal(format_args!("worker failed: {e}"))),
    }
}

pub(crate) fn orch<T>(r: Result<T, OrchestratorError>) -> Result<T, ApiError> {
    r.map_err(ApiError::from)
}

/// `GET /api/openapi.json`: built once.
async fn openapi() -> Json<serde_json::Value> {
    static DOCUMENT: std::sync::OnceLock<serde_json::Value> = std::sync::OnceLock::new();
    Json(DOCUMENT.get_or_init(crate::openapi::document).clone())
}

async fn healthz() -> Json<Health> {
    Json(Health {
        status: "ok".into(),
    })
}

async fn post_run(
    State(state): State<AppState>,
    body: Result<Json<RunBody>, JsonRejection>,
) -> Result<Response, ApiError> {
    let Json(body) = body?;
    let req = RunRequest {
        slate: body.slate,
        contest: body.contest,
        seed: body.seed,
        inline_configs: InlineConfigs {
            variants: body.variants,
            optimizer: body.optimizer,
            field_sampler: body.field_sampler,
            sim: body.sim,
        },
        tag: body.tag,
        ..RunRequest::default()
    };
    let jobs = state.jobs.clone();
    let job = with_home(&state, move |home| {
        let queued = orch(orchestrator::queue_run(home, &req))?;
        jobs.submit(queued, home)
    })
    .await?;
    let run_id = job.state().run_id;
    let status_url = format!("/api/runs/{run_id}");
    let location = HeaderValue::from_str(&status_url);
    let mut response = (
        StatusCode::ACCEPTED,
        Json(Accepted {
            run_id,
            status: RunStatus::Queued,
            status_url,
        }),
    )
        .into_response();
    if let Ok(location) = location {
        response.headers_mut().insert(header::LOCATION, location);
    }
    Ok(response)
}

/// Seconds asked to wait: `?wait=N`, else a `Prefer: wait=N` header.
fn wait_asked(query: &WaitQuery, headers: &HeaderMap) -> Result<Option<Duration>, ApiError> {
    let prefer = headers
        .get_all("prefer")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split([',', ';']))
        .find_map(|p| p.trim().strip_prefix("wait="))
        .map(|n| {
            n.trim().parse::<f64>().map_err(|_| {
                ApiError::bad_request(format!("Prefer: wait={n}: not a number of seconds"))
            })
        })
        .transpose()?;
    let secs = query.wait.or(prefer);
    match secs {
        Some(s) if !(s.is_finite() && s >= 0.0) => Err(ApiError::bad_request(format!(
            "wait={s}: give a number of seconds, 0 or more"
        ))),
        Some(s) => Ok(Some(Duration::from_secs_f64(s.min(MAX_WAIT_SECS)))),
        None => Ok(None),
    }
}

/// A run's state: its job's, else the registry's.
async fn run_state(state: &AppState, run_id: String) -> Result<RunState, ApiError> {
    if let Some(job) = state.jobs.get(&run_id) {
        return Ok(job.state());
    }
    with_home(state, move |home| {
        Ok(RunState::from_record(&orch(home.run_record(&run_id))?))
    })
    .await
}

async fn get_run(
    State(state): State<AppState>,
    run_id: Result<Path<String>, PathRejection>,
    query: Result<Query<WaitQuery>, QueryRejection>,
    headers: HeaderMap,
) -> Result<Json<RunState>, ApiError> {
    let Path(run_id) = run_id?;
    let Query(query) = query?;
    let wait = wait_asked(&query, &headers)?;
    if let (Some(wait), Some(job)) = (wait, state.jobs.get(&run_id)) {
        let mut rx = job.subscribe();
        let _ = tokio::time::timeout(wait, rx.wait_for(|s| s.status.is_final())).await;
        return Ok(Json(job.state()));
    }
    Ok(Json(run_state(&state, run_id).await?))
}

/// `DELETE /api/runs/{id}` and `POST /api/runs/{id}/cancel`: a queued run
/// ends `cancelled` at once (200); a running one is asked to stop (202) and
/// ends `cancelled` shortly; an ended one is a 409.
async fn cancel_run(
    State(state): State<AppState>,
    run_id: Result<Path<String>, PathRejection>,
) -> Result<Response, ApiError> {
    let Path(run_id) = run_id?;
    let jobs = state.jobs.clone();
    let id = run_id.clone();
    // `Err(status)`: a run this server does not hold, as the registry has it.
    let found = with_home(&state, move |home| match jobs.cancel(&id, home) {
        Some(cancelled) => cancelled.map(Ok),
        None => Ok(Err(orch(home.run_record(&id))?.status)),
    })
    .await?;
    let ended = |status: RunStatus| {
        ApiError::conflict(format!(
            "run {run_id} has already ended ({})",
            status.as_str()
        ))
    };
    match found {
        Ok(Cancelled::WasQueued) => {
            let now = run_state(&state, run_id.clone()).await?;
            Ok((StatusCode::OK, Json(now)).into_response())
        }
        Ok(Cancelled::WasRunning) => {
            let now = run_state(&state, run_id.clone()).await?;
            Ok((StatusCode::ACCEPTED, Json(now)).into_response())
        }
        Ok(Cancelled::AlreadyEnded(status)) => Err(ended(status)),
        Err(status) if status.is_final() => Err(ended(status)),
        Err(status) => Err(ApiError::conflict(format!(
            "run {run_id} is {} in another process; this server cannot cancel it",
            status.as_str()
        ))),
    }
}

/// `GET /api/runs/{id}/events`: the run's state as server-sent events
/// (`event: state`, JSON data), one per change, the last one final.
async fn run_events(
    State(state): State<AppState>,
    run_id: Result<Path<String>, PathRejection>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, ApiError> {
    let Path(run_id) = run_id?;
    let rx = match state.jobs.get(&run_id) {
        Some(job) => job.subscribe(),
        None => {
            // Not this server's job: one event, the registry's state.
            let (tx, rx) = watch::channel(run_state(&state, run_id).await?);
            drop(tx);
            rx
        }
    };
    let stream = futures_util::stream::unfold((rx, false), |(mut rx, done)| async move {
        if done {
            return None;
        }
        let current = rx.borrow_and_update().clone();
        let last = current.status.is_final();
        let event = Event::default()
            .event("state")
            .json_data(&current)
            .unwrap_or_else(|_| Event::default().event("state"));
        if !last {
            // The next change (or the sender gone: then the state stands).
            if rx.changed().await.is_err() {
                return Some((Ok(event), (rx, true)));
            }
        }
        Some((Ok(event), (rx, last)))
    });
    Ok(Sse::new(stream).keep_alive(KeepAlive::default()))
}

/// `GET /api/runs/{id}/files/{*path}`: a file of a succeeded run's folder.
async fn run_file(
    State(state): State<AppState>,
    params: Result<Path<(String, String)>, PathRejection>,
) -> Result<Response, ApiError> {
    let Path((run_id, path)) = params?;
    let id = run_id.clone();
    let record = with_home(&state, move |home| orch(home.run_record(&id))).await?;
    if record.status != RunStatus::Succeeded {
        return Err(ApiError::not_found(format!(
            "run {run_id} has no files: it is {}",
            record.status.as_str()
        )));
    }
    let folder = PathBuf::from(&record.root);
    let file = confined_file(&folder, &path)
        .ok_or_else(|| ApiError::not_found(format!("run {run_id} has no file {path:?}")))?;
    let bytes = tokio::fs::read(&file)
        .await
        .map_err(|e| ApiError::internal(format_args!("{}: {e}", file.display())))?;
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(file_response(bytes, &name))
}

/// A file's bytes with its content type; a CSV (an upload file) as a download.
fn file_response(bytes: Vec<u8>, name: &str) -> Response {
    let mut response = Response::new(Body::from(bytes));
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(content_type(name)),
    );
    if name.ends_with(".csv")
        && let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\""))
    {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    response
}

/// `path` inside `folder` as a regular file, or `None`: no `..`, no absolute
/// path, no symlink out of the folder.
fn confined_file(folder: &FsPath, path: &str) -> Option<PathBuf> {
    let relative = FsPath::new(path);
    let plain = relative
        .components()
        .all(|c| matches!(c, std::path::Component::Normal(_)));
    if !plain {
        return None;
    }
    let folder = folder.canonicalize().ok()?;
    let file = folder.join(relative).canonicalize().ok()?;
    (file.starts_with(&folder) && file.is_file()).then_some(file)
}

fn content_type(name: &str) -> &'static str {
    match name.rsplit_once('.').map(|(_, ext)| ext) {
        Some("csv") => "text/csv; charset=utf-8",
        Some("md") => "text/markdown; charset=utf-8",
        Some("json") => "application/json",
        Some("jsonl") => "application/x-ndjson",
        Some("html") => "text/html; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// The form of `POST /api/slates`.
pub const SLATE_FORM: &FormSpec = &[
    ("id", Field::Text, true),
    ("sport", Field::Text, false),
    ("salaries", Field::File, true),
    ("projections", Field::File, false),
];

/// The form of `POST /api/contests`.
pub const CONTEST_FORM: &FormSpec = &[
    ("id", Field::Text, true),
    ("name", Field::Text, false),
    ("max_entries", Field::Text, false),
    ("payouts", Field::File, true),
];

/// The form of `POST /api/entries/fill`.
pub const FILL_FORM: &FormSpec = &[
    ("entries", Field::File, true),
    ("runs", Field::Text, true),
    ("map", Field::Text, false),
    ("allow_partial", Field::Text, false),
];

/// `POST /api/entries/fill`: a DKEntries.csv filled with runs' lineups, as
/// `dfs entries fill` does; answers the edit-upload file. `runs` is a
/// comma-separated list of run ids, `map` of `CONTEST_ID=RUN_ID` pairs.
async fn post_fill(
    State(state): State<AppState>,
    form: Result<Multipart, MultipartRejection>,
) -> Result<Response, ApiError> {
    let upload = uploads::receive(&state.root, form, FILL_FORM).await?;
    let list = |name: &str| -> Vec<String> {
        upload
            .text(name)
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect()
    };
    let runs = list("runs");
    let map = list("map")
        .iter()
        .map(|pair| {
            orchestrator::parse_contest_run(pair)
                .map_err(|e| ApiError::invalid_input(format!("form field map: {e}")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let allow_partial = match upload.text("allow_partial").map(str::trim) {
        None | Some("" | "false" | "0") => false,
        Some("true" | "1") => true,
        Some(other) => {
            return Err(ApiError::invalid_input(format!(
                "form field allow_partial: {other:?} is not true or false"
            )));
        }
    };
    let bytes = with_own_home(&state, move |home| {
        let entries = upload
            .file("entries")
            .map(PathBuf::from)
            .unwrap_or_default();
        let out = entries.with_file_name("filled.csv");
        let req = orchestrator::FillRequest {
            entries,
            runs,
            map,
            allow_partial,
            out: out.clone(),
        };
        orchestrator::fill(home, &req).map_err(|e| named_upload(e, &upload))?;
        std::fs::read(&out).map_err(|e| ApiError::internal(format_args!("{}: {e}", out.display())))
    })
    .await?;
    Ok(file_response(bytes, "DKEntries-filled.csv"))
}

/// The form of `POST /api/lateswap`.
pub const LATESWAP_FORM: &FormSpec = &[
    ("entries", Field::File, true),
    ("slate", Field::Text, true),
    ("contest", Field::Text, false),
    ("seed", Field::Text, false),
    ("by", Field::Text, false),
    ("variants", Field::Text, false),
    ("optimizer", Field::Text, false),
    ("field_sampler", Field::Text, false),
    ("sim", Field::Text, false),
];

/// `POST /api/lateswap`: a DKEntries.csv after lock, late-swapped as `dfs
/// lateswap` does: `by` is `simulation` (the default; needs `contest`, seeded
/// by `seed`) or `projection`; `variants`, `optimizer`, `field_sampler` and
/// `sim` are stage configs as JSON objects. Answers the edit-upload file.
async fn post_lateswap(
    State(state): State<AppState>,
    form: Result<Multipart, MultipartRejection>,
) -> Result<Response, ApiError> {
    let upload = uploads::receive(&state.root, form, LATESWAP_FORM).await?;
    let object = |name: &str| -> Result<Option<serde_json::Value>, ApiError> {
        upload
            .optional_text(name)
            .map(|text| {
                serde_json::from_str::<serde_json::Value>(&text).map_err(|e| {
                    ApiError::invalid_input(format!("form field {name}: not a JSON object: {e}"))
                })
            })
            .transpose()
    };
    let inline_configs = orchestrator::InlineConfigs {
        variants: object("variants")?,
        optimizer: object("optimizer")?,
        field_sampler: object("field_sampler")?,
        sim: object("sim")?,
    };
    let by = match upload.optional_text("by").as_deref() {
        None | Some("simulation") => orchestrator::SwapBy::Simulation,
        Some("projection") => orchestrator::SwapBy::Projection,
        Some(other) => {
            return Err(ApiError::invalid_input(format!(
                "form field by: {other:?} is not simulation or projection"
            )));
        }
    };
    let seed = upload.number::<u64>("seed")?.unwrap_or_else(default_seed);
    let slate = upload.text("slate").unwrap_or_default().trim().to_string();
    let contest = upload.optional_text("contest");
    let bytes = with_own_home(&state, move |home| {
        let entries = upload
            .file("entries")
            .map(PathBuf::from)
            .unwrap_or_default();
        let out = entries.with_file_name("swapped.csv");
        let req = orchestrator::LateSwapRequest {
            entries,
            slate,
            contest,
            seed,
            inline_configs,
            by,
            out: out.clone(),
            ..orchestrator::LateSwapRequest::default()
        };
        orchestrator::late_swap(home, &req).map_err(|e| named_upload(e, &upload))?;
        std::fs::read(&out).map_err(|e| ApiError::internal(format_args!("{}: {e}", out.display())))
    })
    .await?;
    Ok(file_response(bytes, "DKEntries-swapped.csv"))
}

/// The form of `POST /api/runs/{run_id}/backtest`.
pub const BACKTEST_FORM: &FormSpec = &[("standings", Field::File, true)];

/// `201` to `POST /api/slates`: the slate and how its projections matched.
#[derive(Debug, Serialize, JsonSchema)]
pub struct SlateImported {
    pub slate: orchestrator::SlateRecord,
    /// The match report `dfs slates import` prints.
    pub report: orchestrator::MatchReport,
}

/// `POST /api/slates`: imports a salary file (and projections), uploaded.
async fn post_slate(
    State(state): State<AppState>,
    form: Result<Multipart, MultipartRejection>,
) -> Result<(StatusCode, Json<SlateImported>), ApiError> {
    let upload = uploads::receive(&state.root, form, SLATE_FORM).await?;
    let imported = with_own_home(&state, move |home| {
        let req = SlateImport {
            id: upload.text("id").unwrap_or_default().trim().to_string(),
            salaries: upload
                .file("salaries")
                .map(PathBuf::from)
                .unwrap_or_default(),
            projections: upload.file("projections").map(PathBuf::from),
            sport: upload.optional_text("sport"),
        };
        let (slate, report) = home
            .import_slate(&req)
            .map_err(|e| named_upload(e, &upload))?;
        Ok(SlateImported { slate, report })
    })
    .await?;
    Ok((StatusCode::CREATED, Json(imported)))
}

/// `POST /api/contests`: imports a payout table, uploaded.
async fn post_contest(
    State(state): State<AppState>,
    form: Result<Multipart, MultipartRejection>,
) -> Result<(StatusCode, Json<orchestrator::ContestRecord>), ApiError> {
    let upload = uploads::receive(&state.root, form, CONTEST_FORM).await?;
    let max_entries = upload.number::<u32>("max_entries")?;
    let record = with_own_home(&state, move |home| {
        let req = ContestImport {
            id: upload.text("id").unwrap_or_default().trim().to_string(),
            payouts: upload
                .file("payouts")
                .map(PathBuf::from)
                .unwrap_or_default(),
            name: upload.optional_text("name"),
            max_entries,
        };
        home.import_contest(&req)
            .map_err(|e| named_upload(e, &upload))
    })
    .await?;
    Ok((StatusCode::CREATED, Json(record)))
}

/// An orchestrator error about an uploaded file, naming the file as the
/// client named it rather than where the server saved it.
fn named_upload(e: OrchestratorError, upload: &uploads::Upload) -> ApiError {
    let mut error = ApiError::from(e);
    for field in ["salaries", "projections", "payouts", "standings", "entries"] {
        if let (Some(saved), Some(name)) = (upload.file(field), upload.file_name(field)) {
            error =
                error.replace_in_detail(&saved.display().to_string(), &format!("{field} ({name})"));
        }
    }
    error
}

/// `POST /api/runs/{run_id}/backtest`: the run's entries scored in a real
/// contest whose FINAL standings are uploaded.
async fn post_backtest(
    State(state): State<AppState>,
    run_id: Result<Path<String>, PathRejection>,
    form: Result<Multipart, MultipartRejection>,
) -> Result<Json<orchestrator::Backtest>, ApiError> {
    let Path(run_id) = run_id?;
    let upload = uploads::receive(&state.root, form, BACKTEST_FORM).await?;
    let backtest = with_own_home(&state, move |home| {
        let req = BacktestRequest {
            run_id,
            standings: upload
                .file("standings")
                .map(PathBuf::from)
                .unwrap_or_default(),
        };
        let mut backtest =
            orchestrator::backtest(home, &req).map_err(|e| named_upload(e, &upload))?;
        backtest.standings = upload
            .file_name("standings")
            .unwrap_or_default()
            .to_string();
        Ok(backtest)
    })
    .await?;
    Ok(Json(backtest))
}

async fn list_runs(
    State(state): State<AppState>,
    query: Result<Query<ListQuery>, QueryRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let Query(q) = query?;
    let runs = with_home(&state, move |home| orch(home.runs(q.slate.as_deref()))).await?;
    Ok(Json(runs))
}

async fn list_slates(State(state): State<AppState>) -> Result<impl IntoResponse, ApiError> {
    Ok(Json(with_home(&state, |home| orch(home.slates())).await?))
}

async fn list_contests(State(state): State<AppState>) -> Result<impl IntoResponse, ApiError> {
    Ok(Json(with_home(&state, |home| orch(home.contests())).await?))
}

/// Every request carries the bearer token, when one is set: in an
/// `Authorization: Bearer` header (programs), or in the `dfs_token` cookie
/// (the page; a first visit to `/?token=...` sets it).
async fn require_token(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Result<Response, ApiError> {
    let Some(token) = &state.token else {
        return Ok(next.run(request).await);
    };
    let headers = request.headers();
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    let cookie = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|c| c.trim().strip_prefix(TOKEN_COOKIE));
    let query = request
        .uri()
        .query()
        .into_iter()
        .flat_map(|q| q.split('&'))
        .find_map(|p| p.strip_prefix("token="));
    let matches =
        |given: Option<&str>| given.is_some_and(|g| same_secret(g.as_bytes(), token.as_bytes()));
    if matches(bearer) || matches(cookie) {
        return Ok(next.run(request).await);
    }
    if matches(query) {
        let mut response = next.run(request).await;
        let cookie = format!("{TOKEN_COOKIE}{token}; Path=/; HttpOnly; SameSite=Strict");
        if let Ok(v) = HeaderValue::from_str(&cookie) {
            response.headers_mut().insert(header::SET_COOKIE, v);
        }
        return Ok(response);
    }
    Err(ApiError::unauthorized())
}

/// The cookie that carries the token for the page, up to its value.
const TOKEN_COOKIE: &str = "dfs_token=";

/// Compares in time independent of where the two differ.
fn same_secret(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// A synchronous route answers within the request timeout, or 503.
async fn time_limit(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Result<Response, ApiError> {
    let limit = state.request_timeout;
    tokio::time::timeout(limit, next.run(request))
        .await
        .map_err(|_| {
            ApiError::unavailable(format!(
                "the request took longer than {} s",
                limit.as_secs_f64()
            ))
        })
}

/// The router: the API, JSON errors for everything else, a cap on request
/// bodies, the bearer token when set, and a time limit on every route but
/// the events stream.
pub fn app(state: AppState, body_limit: usize) -> Router {
    let timed = Router::new()
        .route("/", get(page::index))
        .route("/runs/{run_id}", get(page::run_page))
        .route("/healthz", get(healthz))
        .route("/api/openapi.json", get(openapi))
        .route(
            "/api/slates",
            get(list_slates)
                .post(post_slate)
                .layer(DefaultBodyLimit::max(state.upload_limit)),
        )
        .route(
            "/api/contests",
            get(list_contests)
                .post(post_contest)
                .layer(DefaultBodyLimit::max(state.upload_limit)),
        )
        .route("/api/runs", get(list_runs).post(post_run))
        .route("/api/runs/{run_id}", get(get_run).delete(cancel_run))
        .route("/api/runs/{run_id}/cancel", post(cancel_run))
        .route("/api/runs/{run_id}/files/{*path}", get(run_file))
        .route(
            "/api/lateswap",
            post(post_lateswap).layer(DefaultBodyLimit::max(state.upload_limit)),
        )
        .route(
            "/api/entries/fill",
            post(post_fill).layer(DefaultBodyLimit::max(state.upload_limit)),
        )
        .route(
            "/api/runs/{run_id}/backtest",
            post(post_backtest).layer(DefaultBodyLimit::max(state.upload_limit)),
        )
        .layer(middleware::from_fn_with_state(state.clone(), time_limit));
    Router::new()
        .route("/api/runs/{run_id}/events", get(run_events))
        .merge(timed)
        .method_not_allowed_fallback(wrong_method)
        .fallback(no_route)
        .layer(middleware::from_fn_with_state(state.clone(), require_token))
        .layer(DefaultBodyLimit::max(body_limit))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_stay_inside_the_run_folder() {
        let dir = tempfile::tempdir().unwrap();
        let run = dir.path().join("run");
        std::fs::create_dir_all(run.join("export")).unwrap();
        std::fs::write(run.join("export/summary.md"), "x").unwrap();
        std::fs::write(dir.path().join("secret"), "x").unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(dir.path().join("secret"), run.join("link")).unwrap();
        assert!(confined_file(&run, "export/summary.md").is_some());
        for bad in [
            "../secret",
            "/etc/passwd",
            "export/../../secret",
            "export",
            "link",
            "",
        ] {
            assert_eq!(confined_file(&run, bad), None, "{bad}");
        }
    }

    #[test]
    fn secrets_compare_whole() {
        assert!(same_secret(b"abc", b"abc"));
        assert!(!same_secret(b"abc", b"abd"));
        assert!(!same_secret(b"abc", b"abcd"));
        assert!(!same_secret(b"", b"a"));
    }

    #[test]
    fn wait_comes_from_the_query_or_prefer() {
        let mut headers = HeaderMap::new();
        let none = WaitQuery { wait: None };
        assert_eq!(wait_asked(&none, &headers).unwrap(), None);
        headers.insert("prefer", HeaderValue::from_static("respond-async, wait=5"));
        assert_eq!(
            wait_asked(&none, &headers).unwrap(),
            Some(Duration::from_secs(5))
        );
        let query = WaitQuery { wait: Some(1e9) };
        assert_eq!(
            wait_asked(&query, &headers).unwrap(),
            Some(Duration::from_secs_f64(MAX_WAIT_SECS))
        );
        assert!(wait_asked(&WaitQuery { wait: Some(-1.0) }, &headers).is_err());
        headers.insert("prefer", HeaderValue::from_static("wait=soon"));
        assert!(wait_asked(&none, &headers).is_err());
    }
}
