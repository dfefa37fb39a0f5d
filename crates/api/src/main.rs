//! `dfs-api`: the HTTP face of the pipeline (axum). Parses requests, calls the
//! orchestrator on a blocking thread, answers JSON. No pipeline logic lives here.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use anyhow::Context;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use clap::Parser;
use orchestrator::{BacktestRequest, Home, OrchestratorError, RunRequest};
use schemas::NullSink;
use serde::Deserialize;
use serde_json::json;
use tower_http::trace::TraceLayer;

/// HTTP API of the dfs pipeline.
#[derive(Debug, Parser)]
#[command(name = "dfs-api", version, about)]
struct Cli {
    /// Data root holding dfs.sqlite, slates/, contests/ and runs/.
    #[arg(long, env = "DFS_HOME", default_value = ".")]
    root: PathBuf,
    /// Address to listen on (port 0 picks a free port; the address is printed).
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
}

#[derive(Debug, Clone)]
struct AppState {
    root: Arc<PathBuf>,
}

/// `POST /api/runs` body: mirrors `dfs run`'s flags.
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
    /// A DraftKings contest-standings CSV (FINAL export), a path on the server.
    standings: PathBuf,
}

#[derive(Debug, Deserialize)]
struct ListQuery {
    slate: Option<String>,
}

/// An error answer: `{error, detail}` with the right status.
struct ApiError {
    status: StatusCode,
    error: &'static str,
    detail: String,
}

impl From<OrchestratorError> for ApiError {
    fn from(e: OrchestratorError) -> Self {
        let (status, error) = if e.is_not_found() {
            (StatusCode::NOT_FOUND, "not_found")
        } else if e.is_user_error() {
            (StatusCode::UNPROCESSABLE_ENTITY, "invalid_input")
        } else {
            (StatusCode::INTERNAL_SERVER_ERROR, "internal")
        };
        ApiError {
            status,
            error,
            detail: e.to_string(),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if self.status.is_server_error() {
            tracing::error!(detail = %self.detail, "request failed");
        }
        (
            self.status,
            Json(json!({"error": self.error, "detail": self.detail})),
        )
            .into_response()
    }
}

/// A JSON request body, or a 400 saying why it is not one.
fn json_body<T>(
    body: Result<Json<T>, axum::extract::rejection::JsonRejection>,
) -> Result<T, ApiError> {
    body.map(|Json(b)| b).map_err(|e| ApiError {
        status: StatusCode::BAD_REQUEST,
        error: "bad_request",
        detail: e.body_text(),
    })
}

/// Runs blocking orchestrator work off the async executor.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, OrchestratorError> + Send + 'static,
) -> Result<T, ApiError> {
    match tokio::task::spawn_blocking(f).await {
        Ok(result) => result.map_err(ApiError::from),
        Err(e) => Err(ApiError {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            error: "internal",
            detail: format!("worker failed: {e}"),
        }),
    }
}

async fn post_run(
    State(state): State<AppState>,
    body: Result<Json<RunBody>, axum::extract::rejection::JsonRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let body = json_body(body)?;
    let req = RunRequest {
        slate: body.slate,
        contest: body.contest,
        seed: body.seed,
        variants_config: body.variants_config,
        optimizer_config: body.optimizer_config,
        sampler_config: body.sampler_config,
        sim_config: body.sim_config,
        tag: body.tag,
    };
    let root = state.root.clone();
    let outcome = blocking(move || {
        let home = Home::open(&root)?;
        orchestrator::run(&home, &req, &NullSink, &AtomicBool::new(false))
    })
    .await?;
    Ok((StatusCode::CREATED, Json(outcome.summary)))
}

async fn get_run(
    State(state): State<AppState>,
    Path(run_id): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    let root = state.root.clone();
    let record = blocking(move || Home::open(&root)?.run_record(&run_id)).await?;
    Ok(Json(record))
}

async fn post_backtest(
    State(state): State<AppState>,
    Path(run_id): Path<String>,
    body: Result<Json<BacktestBody>, axum::extract::rejection::JsonRejection>,
) -> Result<impl IntoResponse, ApiError> {
    let body = json_body(body)?;
    let root = state.root.clone();
    let req = BacktestRequest {
        run_id,
        standings: body.standings,
    };
    let backtest = blocking(move || orchestrator::backtest(&Home::open(&root)?, &req)).await?;
    Ok(Json(backtest))
}

async fn list_runs(
    State(state): State<AppState>,
    Query(q): Query<ListQuery>,
) -> Result<impl IntoResponse, ApiError> {
    let root = state.root.clone();
    let runs = blocking(move || Home::open(&root)?.runs(q.slate.as_deref())).await?;
    Ok(Json(runs))
}

fn app(root: PathBuf) -> Router {
    Router::new()
        .route("/api/runs", get(list_runs).post(post_run))
        .route("/api/runs/{run_id}", get(get_run))
        .route("/api/runs/{run_id}/backtest", post(post_backtest))
        .layer(TraceLayer::new_for_http())
        .with_state(AppState {
            root: Arc::new(root),
        })
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    tracing_subscriber::fmt()
        .json()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let cli = Cli::parse();
    // Open once up front: a bad root fails at start, not on the first request.
    Home::open(&cli.root)
        .with_context(|| format!("cannot open data root {}", cli.root.display()))?;
    let listener = tokio::net::TcpListener::bind(cli.addr)
        .await
        .with_context(|| format!("cannot listen on {}", cli.addr))?;
    let addr = listener.local_addr()?;
    println!("listening on http://{addr}");
    tracing::info!(%addr, root = %cli.root.display(), "dfs-api started");
    axum::serve(listener, app(cli.root))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}
