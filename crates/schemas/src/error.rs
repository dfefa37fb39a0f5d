use thiserror::Error;

/// Why a stage could not produce its output.
#[derive(Debug, Error)]
pub enum StageError {
    /// The stage's input or config breaks a rule the stage needs; names the field at fault.
    #[error("{stage}: invalid {field}: {message}")]
    InvalidInput {
        stage: &'static str,
        field: String,
        message: String,
    },
    /// The rules cannot all be met (e.g. locks exceed the salary cap).
    #[error("{stage}: infeasible: {message}")]
    Infeasible {
        stage: &'static str,
        message: String,
    },
    /// The run was cancelled through the context's flag.
    #[error("{stage}: cancelled")]
    Cancelled { stage: &'static str },
    /// A stage's self-check failed: a bug, not bad input.
    #[error("{stage}: internal error: {message}")]
    Internal {
        stage: &'static str,
        message: String,
    },
}

/// A domain object that breaks its own contract (bad payout table, bad sport rules).
#[derive(Debug, Error, Clone, PartialEq)]
pub enum ContractError {
    #[error("{what}: {message}")]
    Invalid { what: String, message: String },
}

impl ContractError {
    pub(crate) fn invalid(what: impl Into<String>, message: impl Into<String>) -> Self {
        ContractError::Invalid {
            what: what.into(),
            message: message.into(),
        }
    }
}
