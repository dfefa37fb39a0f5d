//! The routes: each parses its request, calls the orchestrator on a blocking
//! thread with the data root opened confined, and answers JSON.

use std::path::{Path as FsPath, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::{get, post};
use axum::{Json, Router};
use orchestrator::{BacktestRequest, Home, OrchestratorError, RunRequest};
use schemas::NullSink;
use serde::Deserialize;
use tower_http::trace::TraceLayer;

use crate::error::{ApiError, no_route, wrong_method};

/// What every handler shares.
#[derive(Debug, Clone)]
pub struct AppState {
    /// The data root, absolute. Opened confined on every request.
    pub root: Arc<PathBuf>,
    /// Raised at shutdown: every run in flight ends `cancelled`.
    pub cancel: Arc<AtomicBool>,
}

/// `POST /api/runs` body: mirrors `dfs run`'s flags. Relative config paths are
/// taken from the data root; every file must lie inside it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RunBody {
    slate: String,
    contest: String,
    #[serde(default = "default_seed")]
    seed: u64,
    variants_config: Option<PathBuf>,
    optimizer_config: Option<PathBuf>,
    sampler_config: Option<PathBuf>,
    sim_config: Option<PathBuf>,
    tag: Option<String>,
}

fn default_seed() -> u64 {
    1337
}

/// `POST /api/runs/{run_id}/backtest` body: mirrors `dfs runs backtest`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct BacktestBody {
    /// A DraftKings contest-standings CSV (FINAL export) inside the data root.
    standings: PathBuf,
}

#[derive(Debug, Deserialize)]
struct ListQuery {
    slate: Option<String>,
}

/// A path a caller named, taken from the data root when relative.
fn rooted(root: &FsPath, path: PathBuf) -> PathBuf {
    root.join(path)
}

/// Runs blocking orchestrator work off the async executor, with the data root
/// opened confined.
async fn with_home<T: Send + 'static>(
    state: &AppState,
    f: impl FnOnce(&Home) -> Result<T, OrchestratorError> + Send + 'static,
) -> Result<T, ApiError> {
    let root = state.root.clone();
    let work = move || {
        let home = Home::open_confined(&root)?;
        f(&home)
    };
    match tokio::task::spawn_blocking(work).await {
        Ok(result) => result.map_err(ApiError::from),
        Err(e) => Err(ApiError::internal(format_args!("worker failed: {e}"))),
    }
}

async fn post_run(
    State(state): State<AppState>,
    body: Result<Json<RunBody>, JsonRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let Json(body) = body?;
    let root = state.root.as_path();
    let config = |p: Option<PathBuf>| p.map(|p| rooted(root, p));
    let req = RunRequest {
        slate: body.slate,
        contest: body.contest,
        seed: body.seed,
        variants_config: config(body.variants_config),
        optimizer_config: config(body.optimizer_config),
        sampler_config: config(body.sampler_config),
        sim_config: config(body.sim_config),
        tag: body.tag,
        entries: None,
        model: None,
    };
    let cancel = state.cancel.clone();
    let outcome = with_home(&state, move |home| {
        orchestrator::run(home, &req, &NullSink, &cancel)
    })
    .await?;
    Ok((StatusCode::CREATED, Json(outcome.summary)))
}

async fn get_run(
    State(state): State<AppState>,
    run_id: Result<Path<String>, PathRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let Path(run_id) = run_id?;
    let record = with_home(&state, move |home| home.verified_run(&run_id)).await?;
    Ok(Json(record))
}

async fn post_backtest(
    State(state): State<AppState>,
    run_id: Result<Path<String>, PathRejection>,
    body: Result<Json<BacktestBody>, JsonRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let Path(run_id) = run_id?;
    let Json(body) = body?;
    let req = BacktestRequest {
        run_id,
        standings: rooted(&state.root, body.standings),
    };
    let backtest = with_home(&state, move |home| orchestrator::backtest(home, &req)).await?;
    Ok(Json(backtest))
}

async fn list_runs(
    State(state): State<AppState>,
    query: Result<Query<ListQuery>, QueryRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let Query(q) = query?;
    let runs = with_home(&state, move |home| home.runs(q.slate.as_deref())).await?;
    Ok(Json(runs))
}

/// The router: the four routes, JSON errors for everything else, and a cap on
/// request bodies.
pub fn app(state: AppState, body_limit: usize) -> Router {
    Router::new()
        .route("/api/runs", get(list_runs).post(post_run))
        .route("/api/runs/{run_id}", get(get_run))
        .route("/api/runs/{run_id}/backtest", post(post_backtest))
        .method_not_allowed_fallback(wrong_method)
        .fallback(no_route)
        .layer(DefaultBodyLimit::max(body_limit))
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}
