use schemas::StageError;
use thiserror::Error;

use crate::NAME;

/// Why the optimizer could not build its lineups.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum OptimizerError {
    /// The input or config breaks a rule the optimizer needs; `field` names the culprit.
    #[error("invalid {field}: {message}")]
    InvalidInput { field: String, message: String },
    /// A rule names a player that is not on the slate (by DraftKings id or name).
    #[error("{field} names player {player}, who is not on the slate")]
    UnknownPlayer { field: &'static str, player: String },
    /// The rules cannot all be met; the message says which rule fails.
    #[error("{0}")]
    Infeasible(String),
    /// Cancellation was asked for through the stage context.
    #[error("cancelled")]
    Cancelled,
}

impl OptimizerError {
    pub(crate) fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        OptimizerError::InvalidInput {
            field: field.into(),
            message: message.into(),
        }
    }
}

impl From<OptimizerError> for StageError {
    fn from(e: OptimizerError) -> Self {
        match e {
            OptimizerError::InvalidInput { field, message } => StageError::InvalidInput {
                stage: NAME,
                field,
                message,
            },
            OptimizerError::UnknownPlayer { field, player } => StageError::InvalidInput {
                stage: NAME,
                field: field.to_string(),
                message: format!("player {player} is not on the slate"),
            },
            OptimizerError::Infeasible(message) => StageError::Infeasible {
                stage: NAME,
                message,
            },
            OptimizerError::Cancelled => StageError::Cancelled { stage: NAME },
        }
    }
}
