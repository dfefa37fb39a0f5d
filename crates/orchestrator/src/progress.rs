//! A run's progress as one figure: the stage at work, its steps, and the whole
//! run's percent. The HTTP API's status and events and the CLI's bar of
//! `dfs run` both read it from a [`RunProgress`], the `ProgressSink` a run
//! is handed.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};

use schemars::JsonSchema;
use schemas::ProgressSink;
use serde::Serialize;

use crate::RUN_PHASES;

/// Where a run is.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Progress {
    /// The stage at work (`variants`, `optimizer`, `field_sampler`, `sim`).
    pub stage: String,
    pub done: u64,
    pub total: u64,
    /// The whole run's progress, 0 to 100 (100 only once it has succeeded).
    pub percent: f64,
}

impl Progress {
    /// A finished run's.
    pub fn finished() -> Progress {
        Progress {
            stage: "export".into(),
            done: 1,
            total: 1,
            percent: 100.0,
        }
    }
}

/// Keeps a run's [`Progress`] from its stages' `start` and `advance` calls,
/// and hands it to `on_change` each time the stage or the whole percent
/// changes (not on every step: a stage may take millions).
pub struct RunProgress<F: Fn(Progress) + Sync> {
    stage: Mutex<String>,
    phase: AtomicU64,
    done: AtomicU64,
    total: AtomicU64,
    /// Percent last handed on.
    published: AtomicU64,
    on_change: F,
}

impl<F: Fn(Progress) + Sync> std::fmt::Debug for RunProgress<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunProgress")
            .field("progress", &self.snapshot())
            .finish_non_exhaustive()
    }
}

/// The whole run's percent after `done` of `total` steps of the `phase`th
/// unit of work (1-based), below 100 until the run has succeeded.
fn percent(phase: u64, done: u64, total: u64) -> f64 {
    let within = if total == 0 {
        0.0
    } else {
        (done as f64 / total as f64).min(1.0)
    };
    ((phase.saturating_sub(1) as f64 + within) / RUN_PHASES as f64 * 100.0)
        .floor()
        .clamp(0.0, 99.0)
}

impl<F: Fn(Progress) + Sync> RunProgress<F> {
    pub fn new(on_change: F) -> Self {
        RunProgress {
            stage: Mutex::new(String::new()),
            phase: AtomicU64::new(0),
            done: AtomicU64::new(0),
            total: AtomicU64::new(0),
            published: AtomicU64::new(0),
            on_change,
        }
    }

    /// Where the run is now.
    pub fn snapshot(&self) -> Progress {
        let (phase, done, total) = (
            self.phase.load(Ordering::Relaxed),
            self.done.load(Ordering::Relaxed),
            self.total.load(Ordering::Relaxed),
        );
        Progress {
            stage: self
                .stage
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .clone(),
            done,
            total,
            percent: percent(phase, done, total),
        }
    }

    fn publish(&self) {
        let now = self.snapshot();
        self.published.store(now.percent as u64, Ordering::Relaxed);
        (self.on_change)(now);
    }
}

impl<F: Fn(Progress) + Sync> ProgressSink for RunProgress<F> {
    fn start(&self, stage: &str, total: u64) {
        *self.stage.lock().unwrap_or_else(PoisonError::into_inner) = stage.to_string();
        self.phase.fetch_add(1, Ordering::Relaxed);
        self.done.store(0, Ordering::Relaxed);
        self.total.store(total, Ordering::Relaxed);
        self.publish();
    }

    fn advance(&self, steps: u64) {
        let done = self.done.fetch_add(steps, Ordering::Relaxed) + steps;
        let now = percent(
            self.phase.load(Ordering::Relaxed),
            done,
            self.total.load(Ordering::Relaxed),
        );
        if now as u64 != self.published.load(Ordering::Relaxed) {
            self.publish();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_percent_spans_the_phases_and_is_published_on_change_only() {
        let seen = Mutex::new(Vec::new());
        let p = RunProgress::new(|x: Progress| seen.lock().unwrap().push(x));
        p.start("variants", 10);
        for _ in 0..10 {
            p.advance(1);
        }
        p.start("optimizer", 1_000);
        for _ in 0..1_000 {
            p.advance(1);
        }
        let seen = seen.lock().unwrap().clone();
        let percents: Vec<f64> = seen.iter().map(|x| x.percent).collect();
        // 20 points a phase: each whole percent once, stage starts included.
        assert_eq!(percents.first(), Some(&0.0));
        assert_eq!(percents.last(), Some(&40.0));
        assert!(percents.windows(2).all(|w| w[0] <= w[1]), "{percents:?}");
        assert!(seen.len() <= 42, "{} publications", seen.len());
        assert_eq!(seen.last().unwrap().stage, "optimizer");
        assert_eq!(p.snapshot().done, 1_000);
        // Never 100 while running, even past every phase.
        for _ in 0..RUN_PHASES {
            p.start("sim", 1);
            p.advance(1);
        }
        assert_eq!(p.snapshot().percent, 99.0);
        assert_eq!(Progress::finished().percent, 100.0);
    }
}
