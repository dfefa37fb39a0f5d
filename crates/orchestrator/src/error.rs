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
}

impl OrchestratorError {
    /// True when the caller's input is at fault (a 4xx), false for our own faults (a 5xx).
    pub fn is_user_error(&self) -> bool {
        match self {
            OrchestratorError::Io(e) => !matches!(e, pipeline_io::IoError::Parquet { .. }),
            OrchestratorError::Registry(e) => matches!(
                e,
                registry::RegistryError::UnknownSlate { .. }
                    | registry::RegistryError::UnknownContest { .. }
                    | registry::RegistryError::UnknownRun(_)
            ),
            OrchestratorError::Stage(_)
            | OrchestratorError::Contract(_)
            | OrchestratorError::InputChanged { .. }
            | OrchestratorError::Request(_) => true,
            OrchestratorError::Boundary { .. } => false,
        }
    }

    /// True when the error is "no such thing" (a 404).
    pub fn is_not_found(&self) -> bool {
        matches!(
            self,
            OrchestratorError::Registry(
                registry::RegistryError::UnknownSlate { .. }
                    | registry::RegistryError::UnknownContest { .. }
                    | registry::RegistryError::UnknownRun(_)
            )
        )
    }
}
