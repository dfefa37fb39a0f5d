//! `dfs-api`: the HTTP face of the pipeline (axum). Parses requests, calls the
//! orchestrator on a blocking thread, answers JSON. No pipeline logic lives here.
//!
//! The data root is opened confined (`Home::open_confined`) once for the
//! process, and once per worker: the files a request names must lie inside
//! the root. Runs are jobs (`jobs.rs`): queued at the POST, run by a fixed
//! number of workers. Errors are `{"error", "detail"}` (`error.rs`). On
//! SIGTERM or Ctrl-C the server stops accepting, cancels the queued runs and
//! (per `--on-shutdown`) the running ones, waits for every open request to be
//! answered and every worker to end, and exits 0.

mod error;
mod jobs;
mod openapi;
mod page;
mod routes;
mod uploads;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use anyhow::Context;
use clap::Parser;
use orchestrator::Home;

use crate::jobs::{Jobs, OnShutdown};
use crate::routes::{AppState, app};

/// HTTP API of the dfs pipeline.
#[derive(Debug, Parser)]
#[command(name = "dfs-api", version, about)]
struct Cli {
    /// Data root holding dfs.sqlite, slates/, contests/ and runs/. Every file a
    /// request names must lie inside it; relative names are taken from it.
    #[arg(long, env = "DFS_HOME", default_value = ".")]
    root: PathBuf,
    /// Address to listen on (port 0 picks a free port; the address is printed).
    #[arg(long, default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// Largest request body accepted, in bytes; a bigger one is answered 413.
    #[arg(long, value_name = "BYTES", default_value_t = 2 * 1024 * 1024)]
    body_limit: usize,
    /// Largest upload accepted (a slate, payout table or standings file,
    /// `multipart/form-data`), in bytes; a bigger one is answered 413.
    #[arg(long, value_name = "BYTES", default_value_t = 64 * 1024 * 1024)]
    upload_limit: usize,
    /// Runs executed at once. A run already uses every core, so 1 suits a
    /// small machine; more only interleave.
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u16).range(1..=64))]
    workers: u16,
    /// Runs that may wait for a worker; a POST beyond is answered 503.
    #[arg(long, default_value_t = 64, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    queue: u32,
    /// Bearer token every request must carry (`Authorization: Bearer ...`).
    /// Required to listen on an address other than loopback.
    #[arg(long, env = "DFS_API_TOKEN", hide_env_values = true)]
    token: Option<String>,
    /// At shutdown, cancel the running runs, or let them finish (queued runs
    /// are cancelled either way).
    #[arg(long, value_enum, default_value = "cancel")]
    on_shutdown: OnShutdown,
    /// Seconds a request may take before it is answered 503 (the events
    /// stream excepted).
    #[arg(long, value_name = "SECONDS", default_value_t = 120)]
    request_timeout: u64,
}

/// SIGTERM and SIGINT, listened for from start-up so that neither can kill the
/// process once the address is printed.
struct Signals {
    #[cfg(unix)]
    term: tokio::signal::unix::Signal,
    #[cfg(unix)]
    int: tokio::signal::unix::Signal,
}

impl Signals {
    fn install() -> anyhow::Result<Signals> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Ok(Signals {
                term: signal(SignalKind::terminate()).context("cannot listen for SIGTERM")?,
                int: signal(SignalKind::interrupt()).context("cannot listen for SIGINT")?,
            })
        }
        #[cfg(not(unix))]
        {
            Ok(Signals {})
        }
    }

    /// The next signal's name.
    async fn next(&mut self) -> &'static str {
        #[cfg(unix)]
        {
            tokio::select! {
                _ = self.term.recv() => "SIGTERM",
                _ = self.int.recv() => "SIGINT",
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
            "Ctrl-C"
        }
    }
}

/// Resolves at the first signal, after closing the queue and cancelling runs
/// per `mode`. A second signal ends the process at once (runs still in
/// flight are ended by the next start).
async fn shutdown(mut signals: Signals, state: AppState, mode: OnShutdown) {
    let name = signals.next().await;
    tracing::info!(
        signal = name,
        on_shutdown = ?mode,
        "shutting down: no new connections or runs"
    );
    let (jobs, home) = (state.jobs.clone(), state.home.clone());
    let stopped = tokio::task::spawn_blocking(move || {
        let home = home.lock().unwrap_or_else(PoisonError::into_inner);
        jobs.stop(mode, &home);
    });
    if let Err(e) = stopped.await {
        tracing::error!(error = %e, "cancelling runs at shutdown failed");
    }
    tokio::spawn(async move {
        let name = signals.next().await;
        tracing::warn!(signal = name, "second signal: exiting without waiting");
        std::process::exit(130);
    });
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
    let token = cli.token.filter(|t| !t.is_empty());
    if token.is_none() && !cli.addr.ip().is_loopback() {
        anyhow::bail!(
            "--addr {}: listening beyond this machine needs a token (--token or DFS_API_TOKEN)",
            cli.addr
        );
    }
    // Opened once: a bad root fails at start, and runs left by a process that
    // is gone are ended now.
    let home = Home::open_confined(&cli.root)
        .with_context(|| format!("cannot open data root {}", cli.root.display()))?;
    let root = home.root().to_path_buf();
    let jobs = Jobs::start(root.clone(), usize::from(cli.workers), cli.queue as usize)
        .context("cannot start the run workers")?;
    let state = AppState {
        home: Arc::new(Mutex::new(home)),
        root: Arc::new(root),
        jobs: jobs.clone(),
        token: token.map(Arc::from),
        request_timeout: Duration::from_secs(cli.request_timeout.max(1)),
        upload_limit: cli.upload_limit,
    };
    let signals = Signals::install()?;
    let listener = tokio::net::TcpListener::bind(cli.addr)
        .await
        .with_context(|| format!("cannot listen on {}", cli.addr))?;
    let addr = listener.local_addr()?;
    println!("listening on http://{addr}");
    tracing::info!(
        %addr,
        root = %state.root.display(),
        body_limit = cli.body_limit,
        workers = cli.workers,
        queue = cli.queue,
        token = state.token.is_some(),
        "dfs-api started"
    );
    axum::serve(listener, app(state.clone(), cli.body_limit))
        .with_graceful_shutdown(shutdown(signals, state, cli.on_shutdown))
        .await?;
    tokio::task::spawn_blocking(move || jobs.join()).await?;
    tracing::info!("dfs-api stopped: every request answered, every run ended");
    Ok(())
}
