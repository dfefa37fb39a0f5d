use schemas::StageError;
use thiserror::Error;

use crate::NAME;

/// Why the simulator could not run.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum SimError {
    /// Input or config breaks a rule the simulator needs; `field` names the culprit
    /// (e.g. `iterations`, `field[3].players`, `slate.players[7].std_dev`).
    #[error("invalid {field}: {message}")]
    InvalidInput { field: String, message: String },
    /// No candidate could be selected under the exposure cap.
    #[error("infeasible: {0}")]
    Infeasible(String),
    /// The context's cancellation flag was raised.
    #[error("cancelled")]
    Cancelled,
    /// A self-check failed: a bug in the simulator, not in the input.
    #[error("internal error: {0}")]
    Internal(String),
}

impl SimError {
    pub(crate) fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        SimError::InvalidInput {
            field: field.into(),
            message: message.into(),
        }
    }
}

impl From<SimError> for StageError {
    fn from(e: SimError) -> Self {
        match e {
            SimError::InvalidInput { field, message } => StageError::InvalidInput {
                stage: NAME,
                field,
                message,
            },
            SimError::Infeasible(message) => StageError::Infeasible {
                stage: NAME,
                message,
            },
            SimError::Cancelled => StageError::Cancelled { stage: NAME },
            SimError::Internal(message) => StageError::Internal {
                stage: NAME,
                message,
            },
        }
    }
}
