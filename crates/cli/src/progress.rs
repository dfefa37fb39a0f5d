//! Progress bars on stderr (hidden when stderr is not a terminal): one per
//! stage, or one for a whole run.

use std::sync::Mutex;

use indicatif::{ProgressBar, ProgressStyle};
use orchestrator::{Progress, RunProgress};
use schemas::ProgressSink;

/// One bar at a time: each stage's `start` replaces the previous bar.
pub struct Bars {
    enabled: bool,
    bar: Mutex<Option<ProgressBar>>,
}

impl Bars {
    pub fn new(enabled: bool) -> Bars {
        Bars {
            enabled,
            bar: Mutex::new(None),
        }
    }

    pub fn finish(&self) {
        if let Ok(mut bar) = self.bar.lock()
            && let Some(b) = bar.take()
        {
            b.finish_and_clear();
        }
    }
}

impl ProgressSink for Bars {
    fn start(&self, stage: &str, total: u64) {
        if !self.enabled {
            return;
        }
        let bar = ProgressBar::new(total);
        if let Ok(style) =
            ProgressStyle::with_template("{prefix:>14} [{bar:40}] {pos}/{len} {elapsed}")
        {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_prefix(stage.to_string());
        if let Ok(mut slot) = self.bar.lock()
            && let Some(old) = slot.replace(bar)
        {
            old.finish_and_clear();
        }
    }

    fn advance(&self, steps: u64) {
        if let Ok(bar) = self.bar.lock()
            && let Some(b) = bar.as_ref()
        {
            b.inc(steps);
        }
    }
}

/// One bar for a whole `dfs run`: the run's percent and the stage at work, as
/// `orchestrator::RunProgress` gives them (the HTTP API's status and events
/// report the same figures).
pub struct RunBar {
    bar: Option<ProgressBar>,
}

impl RunBar {
    pub fn new(enabled: bool) -> RunBar {
        let bar = enabled.then(|| {
            let bar = ProgressBar::new(100);
            if let Ok(style) =
                ProgressStyle::with_template("{prefix:>14} [{bar:40}] {pos:>3}% {elapsed}")
            {
                bar.set_style(style.progress_chars("=> "));
            }
            bar
        });
        RunBar { bar }
    }

    /// The sink to hand the run.
    pub fn sink(&self) -> RunProgress<impl Fn(Progress) + Sync + use<>> {
        let bar = self.bar.clone();
        RunProgress::new(move |p: Progress| {
            if let Some(b) = &bar {
                b.set_prefix(p.stage);
                b.set_position(p.percent as u64);
            }
        })
    }

    pub fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}
