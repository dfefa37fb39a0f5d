//! Runs as jobs: `POST /api/runs` queues a run and answers at once; a fixed
//! number of worker threads take runs from a bounded queue, one at a time
//! each. Every job publishes its state (queued, running with its stage and
//! progress, then its end) on a watch channel, which status reads, `?wait`
//! and the events stream all follow.
//!
//! A run's id, inputs and configs are fixed and checked when it is queued
//! (`orchestrator::queue_run`), so a bad request is refused at the POST and a
//! queued run only waits for a worker. Cancelling a queued run ends it before
//! it starts; cancelling a running one raises its own cancel flag, which the
//! stages check.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;

use orchestrator::{ErrorKind, Home, OrchestratorError, Progress, QueuedRun, RunProgress};
use schemars::JsonSchema;
use schemas::{MetricsHead, RunStatus, RunSummary};
use serde::Serialize;
use tokio::sync::watch;

use crate::error::ApiError;

/// Finished jobs kept in memory; older ones are answered from the registry.
const KEPT_FINISHED: usize = 1024;

/// A run's state as the API reports it: `GET /api/runs/{id}` and every
/// server-sent event. A succeeded run carries `run_id`, `artifact_path` and
/// `metrics_head` exactly as `dfs run --json` prints them.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct RunState {
    pub run_id: String,
    pub status: RunStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub progress: Option<Progress>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub artifact_path: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metrics_head: Option<MetricsHead>,
    /// Why it failed or was cancelled: the error format's `error` kind ...
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// ... and its `detail` (never internal text).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

impl RunState {
    fn queued(run_id: &str) -> RunState {
        RunState {
            run_id: run_id.to_string(),
            status: RunStatus::Queued,
            progress: None,
            artifact_path: None,
            metrics_head: None,
            error: None,
            detail: None,
        }
    }

    fn succeeded(summary: RunSummary) -> RunState {
        RunState {
            status: RunStatus::Succeeded,
            progress: Some(Progress::finished()),
            artifact_path: Some(summary.artifact_path),
            metrics_head: Some(summary.metrics_head),
            ..RunState::queued(&summary.run_id)
        }
    }

    fn ended(run_id: &str, status: RunStatus, error: &ApiError) -> RunState {
        RunState {
            status,
            error: Some(error.kind().to_string()),
            detail: Some(error.detail().to_string()),
            ..RunState::queued(run_id)
        }
    }

    /// The state of a run the registry knows but no job holds (run before
    /// this server started, or by the CLI).
    pub fn from_record(r: &orchestrator::RunRecord) -> RunState {
        let (error, detail) = match r.status {
            RunStatus::Failed => (Some("failed".to_string()), r.error.clone()),
            RunStatus::Cancelled => (Some("cancelled".to_string()), r.error.clone()),
            _ => (None, None),
        };
        RunState {
            run_id: r.run_id.clone(),
            status: r.status,
            progress: None,
            artifact_path: (r.status == RunStatus::Succeeded).then(|| r.root.clone()),
            metrics_head: r.metrics_head.clone(),
            error,
            detail,
        }
    }
}

/// The progress a job's run reports, published into its state.
type JobProgress = RunProgress<Box<dyn Fn(Progress) + Send + Sync>>;

/// One queued or running run, and where it is.
#[derive(Debug)]
pub struct Job {
    run_id: String,
    /// The run until a worker takes it (or a cancel ends it first).
    queued: Mutex<Option<QueuedRun>>,
    /// This run's cancel flag, checked by the stages.
    cancel: AtomicBool,
    progress: JobProgress,
    state: watch::Sender<RunState>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl Job {
    fn new(run: QueuedRun) -> Job {
        let run_id = run.run_id().to_string();
        let state = watch::Sender::new(RunState::queued(&run_id));
        let publish = state.clone();
        let progress: JobProgress = RunProgress::new(Box::new(move |p| {
            publish.send_modify(|s| {
                if s.status == RunStatus::Running {
                    s.progress = Some(p);
                }
            })
        }));
        Job {
            run_id,
            queued: Mutex::new(Some(run)),
            cancel: AtomicBool::new(false),
            progress,
            state,
        }
    }

    /// Follows the job's state.
    pub fn subscribe(&self) -> watch::Receiver<RunState> {
        self.state.subscribe()
    }

    pub fn state(&self) -> RunState {
        self.state.borrow().clone()
    }
}

/// What a cancel request found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cancelled {
    /// It was waiting: ended now, it never starts.
    WasQueued,
    /// It was running: its flag is raised, it ends `cancelled` shortly.
    WasRunning,
    /// It had already ended.
    AlreadyEnded(RunStatus),
}

/// What happens to runs in flight when the server shuts down.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OnShutdown {
    /// Cancel every queued and running run (they end `cancelled`).
    Cancel,
    /// Let running runs finish; queued ones are cancelled.
    Finish,
}

/// The job table, the queue and its workers.
#[derive(Debug)]
pub struct Jobs {
    table: Mutex<HashMap<String, Arc<Job>>>,
    /// Finished run ids, oldest first, for trimming the table.
    finished: Mutex<std::collections::VecDeque<String>>,
    /// `None` once the server shuts down: no run is queued after.
    sender: Mutex<Option<SyncSender<Arc<Job>>>>,
    workers: Mutex<Vec<JoinHandle<()>>>,
}

impl Jobs {
    /// Starts `workers` threads, each with its own handle on the data root,
    /// serving a queue of `capacity` runs.
    pub fn start(root: PathBuf, workers: usize, capacity: usize) -> anyhow::Result<Arc<Jobs>> {
        let (sender, receiver) = std::sync::mpsc::sync_channel::<Arc<Job>>(capacity);
        let receiver = Arc::new(Mutex::new(receiver));
        let jobs = Arc::new(Jobs {
            table: Mutex::new(HashMap::new()),
            finished: Mutex::new(Default::default()),
            sender: Mutex::new(Some(sender)),
            workers: Mutex::new(Vec::new()),
        });
        let mut handles = Vec::with_capacity(workers);
        for n in 0..workers.max(1) {
            let home = Home::open_confined(&root)?;
            let receiver = receiver.clone();
            let jobs = Arc::downgrade(&jobs);
            let handle = std::thread::Builder::new()
                .name(format!("dfs-worker-{n}"))
                .spawn(move || work(&home, &receiver, &jobs))?;
            handles.push(handle);
        }
        *lock(&jobs.workers) = handles;
        Ok(jobs)
    }

    /// The job of a run this server queued, while it is kept.
    pub fn get(&self, run_id: &str) -> Option<Arc<Job>> {
        lock(&self.table).get(run_id).cloned()
    }

    /// Queues a run checked by `orchestrator::queue_run`. When the queue is
    /// full or closed, the run is ended `cancelled` through `home` and the
    /// answer is 503.
    pub fn submit(&self, run: QueuedRun, home: &Home) -> Result<Arc<Job>, ApiError> {
        let run_id = run.run_id().to_string();
        let job = Arc::new(Job::new(run));
        lock(&self.table).insert(run_id.clone(), job.clone());
        let refused = match lock(&self.sender).as_ref() {
            Some(sender) => match sender.try_send(job.clone()) {
                Ok(()) => None,
                Err(TrySendError::Full(_)) => Some("the run queue is full; try again later"),
                Err(TrySendError::Disconnected(_)) => Some("the server is shutting down"),
            },
            None => Some("the server is shutting down"),
        };
        let Some(why) = refused else {
            return Ok(job);
        };
        lock(&self.table).remove(&run_id);
        if let Some(run) = lock(&job.queued).take()
            && let Err(e) = run.cancel(home)
        {
            tracing::warn!(run_id, error = %e, "cannot end a refused run");
        }
        Err(ApiError::unavailable(why))
    }

    /// Cancels a run this server holds; `None` when it holds no such job.
    pub fn cancel(&self, run_id: &str, home: &Home) -> Option<Result<Cancelled, ApiError>> {
        let job = self.get(run_id)?;
        let state = job.state();
        if state.status.is_final() {
            return Some(Ok(Cancelled::AlreadyEnded(state.status)));
        }
        job.cancel.store(true, Ordering::SeqCst);
        // Taken here, the worker finds nothing to run.
        let queued = lock(&job.queued).take();
        Some(match queued {
            Some(run) => match run.cancel(home) {
                Ok(()) => {
                    let e = ApiError::from(OrchestratorError::Cancelled {
                        run_id: run_id.to_string(),
                    });
                    self.end(&job, RunState::ended(run_id, RunStatus::Cancelled, &e));
                    Ok(Cancelled::WasQueued)
                }
                Err(e) => Err(ApiError::from(e)),
            },
            None => Ok(Cancelled::WasRunning),
        })
    }

    /// Stops taking runs; cancels the queued ones and, per `mode`, the
    /// running ones.
    pub fn stop(&self, mode: OnShutdown, home: &Home) {
        lock(&self.sender).take();
        let jobs: Vec<Arc<Job>> = lock(&self.table).values().cloned().collect();
        for job in jobs {
            let queued = lock(&job.queued).is_some();
            if queued || mode == OnShutdown::Cancel {
                let _ = self.cancel(&job.run_id, home);
            }
        }
    }

    /// Waits for the workers to end (after [`Jobs::stop`]).
    pub fn join(&self) {
        let workers = std::mem::take(&mut *lock(&self.workers));
        for w in workers {
            let _ = w.join();
        }
    }

    /// Publishes a job's final state and keeps it among the finished.
    fn end(&self, job: &Job, state: RunState) {
        job.state.send_replace(state);
        let mut finished = lock(&self.finished);
        finished.push_back(job.run_id.clone());
        if finished.len() > KEPT_FINISHED
            && let Some(old) = finished.pop_front()
        {
            lock(&self.table).remove(&old);
        }
    }
}

/// A worker: takes runs off the queue until it closes.
fn work(home: &Home, receiver: &Mutex<Receiver<Arc<Job>>>, jobs: &std::sync::Weak<Jobs>) {
    loop {
        let next = lock(receiver).recv();
        let Ok(job) = next else {
            return; // the queue is closed and empty
        };
        let Some(run) = lock(&job.queued).take() else {
            continue; // cancelled while queued
        };
        job.state.send_modify(|s| s.status = RunStatus::Running);
        let result = run.execute(home, &job.progress, &job.cancel);
        let state = match result {
            Ok(outcome) => RunState::succeeded(outcome.summary),
            Err(e) => {
                let status = if e.kind() == ErrorKind::Cancelled {
                    RunStatus::Cancelled
                } else {
                    RunStatus::Failed
                };
                RunState::ended(&job.run_id, status, &ApiError::from(e))
            }
        };
        match jobs.upgrade() {
            Some(jobs) => jobs.end(&job, state),
            None => {
                job.state.send_replace(state);
            }
        }
    }
}
