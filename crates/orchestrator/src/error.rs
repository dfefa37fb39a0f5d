use std::path::PathBuf;

use thiserror::Error;

/// Why a pipeline call failed. Messages name the file, row and field at fault.
#[derive(Debug, Error)]
pub enum OrchestratorError {
    #[error(transparent)]
    Io(#[from] pipeline_io::IoError),
    #[error(transparent)]
    Registry(#[from] registry::RegistryError),
    #[error(transparent)]
    Stage(#[from] schemas::StageError),
    /// Contest-replay figures that the inputs cannot give (an empty field, a
    /// figure that is not a number).
    #[error(transparent)]
    Calibration(#[from] calibration::CalibrationError),
    /// A late swap that cannot be made as asked (an entry that does not fit
    /// the slate, an optimizer rule no lineup meets).
    #[error("late swap: {0}")]
    LateSwap(#[from] lateswap::LateSwapError),
    /// A slate or contest breaks its own contract after loading.
    #[error("{0}")]
    Contract(#[from] schemas::ContractError),
    /// A stage's output breaks its contract: a bug, reported rather than written.
    #[error("{stage} output breaks its contract: {message}")]
    Boundary { stage: String, message: String },
    /// An imported input changed on disk since it was imported.
    #[error(
        "{path}: changed since it was imported (sha256 {found}, expected {expected}); import it again"
    )]
    InputChanged {
        path: PathBuf,
        expected: String,
        found: String,
    },
    /// A request that cannot be served as asked (bad id, bad number).
    #[error("{0}")]
    Request(String),
    /// The run was stopped on request (Ctrl-C, SIGTERM, a server shutting down).
    #[error("run {run_id} cancelled; nothing was kept")]
    Cancelled { run_id: String },
    /// A finished run's files are missing or differ from its manifest.
    #[error("run {run_id} is damaged: {source}; `dfs runs verify` checks every run")]
    Damaged {
        run_id: String,
        #[source]
        source: pipeline_io::IoError,
    },
    /// The data root's state forbids the call (a registry lost next to its
    /// data, no free run id): nothing was changed.
    #[error("{0}")]
    Conflict(String),
}

/// What kind of failure an error is, for exit codes and HTTP statuses: a
/// program can act on the kind without reading the message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// The user's file, config or request is at fault (exit 3, HTTP 422).
    InvalidInput,
    /// No such slate, contest or run (exit 4, HTTP 404).
    NotFound,
    /// The data root's state disagrees: a damaged run, a folder or id taken,
    /// a lost registry (exit 5, HTTP 409).
    Conflict,
    /// The registry stayed locked by other writers (exit 5, HTTP 503).
    Busy,
    /// Stopped on request (exit 130, as after Ctrl-C; HTTP 503).
    Cancelled,
    /// Our own fault or the machine's: a bug, a full disk (exit 1, HTTP 500).
    Internal,
}

impl ErrorKind {
    /// The name programs see: `{"error": kind, ...}`.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::InvalidInput => "invalid_input",
            ErrorKind::NotFound => "not_found",
            ErrorKind::Conflict => "conflict",
            ErrorKind::Busy => "busy",
            ErrorKind::Cancelled => "cancelled",
            ErrorKind::Internal => "internal",
        }
    }

    /// The process exit code of `dfs` (README: exit codes). 2 is clap's, for usage.
    pub fn exit_code(self) -> u8 {
        match self {
            ErrorKind::InvalidInput => 3,
            ErrorKind::NotFound => 4,
            ErrorKind::Conflict | ErrorKind::Busy => 5,
            ErrorKind::Cancelled => 130,
            ErrorKind::Internal => 1,
        }
    }
}

impl OrchestratorError {
    /// The kind of failure.
    pub fn kind(&self) -> ErrorKind {
        use pipeline_io::IoError;
        use registry::RegistryError;
        match self {
            OrchestratorError::Io(e) => match e {
                IoError::Write { .. } | IoError::Parquet { .. } => ErrorKind::Internal,
                IoError::Io { .. } | IoError::Field { .. } | IoError::File { .. } => {
                    ErrorKind::InvalidInput
                }
            },
            OrchestratorError::Registry(e) => match e {
                RegistryError::UnknownSlate { .. }
                | RegistryError::UnknownContest { .. }
                | RegistryError::UnknownRun(_) => ErrorKind::NotFound,
                RegistryError::RunEnded(_) | RegistryError::TooNew { .. } => ErrorKind::Conflict,
                e if e.is_busy() => ErrorKind::Busy,
                RegistryError::Sqlite { .. } | RegistryError::Corrupt { .. } => ErrorKind::Internal,
            },
            OrchestratorError::Stage(schemas::StageError::Cancelled { .. })
            | OrchestratorError::Cancelled { .. } => ErrorKind::Cancelled,
            OrchestratorError::Stage(schemas::StageError::Internal { .. })
            | OrchestratorError::Boundary { .. } => ErrorKind::Internal,
            OrchestratorError::Stage(_)
            | OrchestratorError::Calibration(_)
            | OrchestratorError::LateSwap(_)
            | OrchestratorError::Contract(_)
            | OrchestratorError::InputChanged { .. }
            | OrchestratorError::Request(_) => ErrorKind::InvalidInput,
            OrchestratorError::Damaged { .. } | OrchestratorError::Conflict(_) => {
                ErrorKind::Conflict
            }
        }
    }
}
