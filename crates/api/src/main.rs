//! `dfs-api`: the HTTP face of the pipeline (axum). Parses requests, calls the
//! orchestrator on a blocking thread, answers JSON. No pipeline logic lives here.
//!
//! Every request opens the data root confined (`Home::open_confined`): the files
//! a request names must lie inside the root. Errors are `{"error", "detail"}`
//! (`error.rs`). On SIGTERM or Ctrl-C the server stops accepting, cancels the
//! runs in flight (they end `cancelled`, their staging folders removed), waits
//! for every open request to be answered, and exits 0.

mod error;
mod routes;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::Context;
use clap::Parser;
use orchestrator::Home;

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

/// Resolves at the first signal, after raising `cancel`. A second signal ends
/// the process at once (runs still in flight are ended by the next start).
async fn shutdown(mut signals: Signals, cancel: Arc<AtomicBool>) {
    let name = signals.next().await;
    tracing::info!(
        signal = name,
        "shutting down: no new connections, runs in flight cancelled"
    );
    cancel.store(true, Ordering::SeqCst);
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
    // Open once up front: a bad root fails at start, not on the first request.
    let home = Home::open_confined(&cli.root)
        .with_context(|| format!("cannot open data root {}", cli.root.display()))?;
    let state = AppState {
        root: Arc::new(home.root().to_path_buf()),
        cancel: Arc::new(AtomicBool::new(false)),
    };
    drop(home);
    let signals = Signals::install()?;
    let listener = tokio::net::TcpListener::bind(cli.addr)
        .await
        .with_context(|| format!("cannot listen on {}", cli.addr))?;
    let addr = listener.local_addr()?;
    println!("listening on http://{addr}");
    tracing::info!(%addr, root = %state.root.display(), body_limit = cli.body_limit, "dfs-api started");
    let cancel = state.cancel.clone();
    axum::serve(listener, app(state, cli.body_limit))
        .with_graceful_shutdown(shutdown(signals, cancel))
        .await?;
    tracing::info!("dfs-api stopped: every request answered");
    Ok(())
}
