use schemas::{ContractError, StageError};
use thiserror::Error;

use crate::STAGE;

/// Why the field could not be sampled.
#[derive(Debug, Error)]
pub enum FieldSamplerError {
    /// The field must hold at least one entry.
    #[error("field_size must be at least 1")]
    EmptyField,
    /// The slate breaks its own contract (duplicate ids, non-finite numbers, ...).
    #[error("slate: {0}")]
    InvalidSlate(#[source] ContractError),
    /// No player a casual entrant can draw (ownership and projection above 0) fits this slot.
    #[error("no player with ownership and projection above 0 can fill slot {slot}")]
    EmptySlot {
        /// Slot name, e.g. `C`.
        slot: String,
    },
    /// Even the cheapest eligible players exceed the salary cap.
    #[error("the cheapest possible lineup costs {cheapest}, above the cap {cap}")]
    CapUnreachable {
        /// Sum of the cheapest eligible salary per slot.
        cheapest: u32,
        /// Salary cap.
        cap: u32,
    },
    /// Even the most expensive eligible players stay below the salary floor.
    #[error("salary_floor {floor} cannot be met: the most a lineup can cost is {most}")]
    FloorUnreachable {
        /// Salary floor, clamped to the cap.
        floor: u32,
        /// Sum of the dearest eligible salary per slot.
        most: u32,
    },
    /// The roster has more slots than the sampler's bounds hold.
    #[error("the roster has {slots} slots; the field sampler handles at most {most}")]
    RosterTooLarge {
        /// Slots in the roster.
        slots: usize,
        /// Most slots handled.
        most: usize,
    },
    /// An entrant found no valid lineup within the attempt budget.
    #[error(
        "no valid lineup (salary {floor}..={cap}, min games, team limits) in {attempts} \
         attempts; lower salary_floor or widen the player pool"
    )]
    NoValidLineup {
        /// Draws tried ([`crate::MAX_ATTEMPTS`]).
        attempts: u32,
        /// Salary floor, clamped to the cap.
        floor: u32,
        /// Salary cap.
        cap: u32,
    },
    /// The context's cancellation flag was set.
    #[error("cancelled")]
    Cancelled,
}

impl From<FieldSamplerError> for StageError {
    fn from(e: FieldSamplerError) -> Self {
        match e {
            FieldSamplerError::EmptyField => StageError::InvalidInput {
                stage: STAGE,
                field: "field_size".into(),
                message: e.to_string(),
            },
            FieldSamplerError::InvalidSlate(_) => StageError::InvalidInput {
                stage: STAGE,
                field: "slate".into(),
                message: e.to_string(),
            },
            FieldSamplerError::EmptySlot { .. }
            | FieldSamplerError::CapUnreachable { .. }
            | FieldSamplerError::FloorUnreachable { .. }
            | FieldSamplerError::RosterTooLarge { .. }
            | FieldSamplerError::NoValidLineup { .. } => StageError::Infeasible {
                stage: STAGE,
                message: e.to_string(),
            },
            FieldSamplerError::Cancelled => StageError::Cancelled { stage: STAGE },
        }
    }
}
