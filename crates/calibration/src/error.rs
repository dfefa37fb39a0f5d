use thiserror::Error;

/// Why a calibration figure cannot be computed: the inputs are not what the
/// figure needs. Every variant names the input at fault.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum CalibrationError {
    /// An input that must hold something is empty.
    #[error("no {0}")]
    Empty(&'static str),
    /// Two inputs that pair up item by item differ in length.
    #[error("{what}: {found} given for {expected}")]
    LengthMismatch {
        what: &'static str,
        expected: usize,
        found: usize,
    },
    /// A value that must be a finite number is not.
    #[error("{what} {index} is {value}, not a finite number")]
    NotFinite {
        what: &'static str,
        index: usize,
        value: f64,
    },
    /// A weight or denominator that must be positive is not.
    #[error("{what} {index} is {value}, not positive")]
    NotPositive {
        what: &'static str,
        index: usize,
        value: f64,
    },
    /// An entry's predicted deciles do not ascend.
    #[error("predicted deciles of entry {index} do not ascend")]
    UnsortedDeciles { index: usize },
    /// A slate row index past the slate's players.
    #[error("player index {index} is not on the slate ({players} players)")]
    PlayerIndex { index: usize, players: usize },
    /// The simulator refused a contest's slate while fitting.
    #[error("contest {contest}: {message}")]
    Model { contest: usize, message: String },
    /// A confidence level outside (0, 1).
    #[error("confidence level {0} is not between 0 and 1")]
    Level(f64),
}

/// `Err(NotFinite)` for the first value of `values` that is not finite.
pub(crate) fn check_finite(what: &'static str, values: &[f64]) -> Result<(), CalibrationError> {
    match values.iter().position(|x| !x.is_finite()) {
        Some(index) => Err(CalibrationError::NotFinite {
            what,
            index,
            value: values[index],
        }),
        None => Ok(()),
    }
}
