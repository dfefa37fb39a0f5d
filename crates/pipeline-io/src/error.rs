use std::path::PathBuf;

use thiserror::Error;

/// Why a file could not be read or written. Every variant names the file, and
/// where it applies the row (1-based, as a spreadsheet shows it) and the field.
#[derive(Debug, Error)]
pub enum IoError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: row {row}, field {field:?}: {message}")]
    Field {
        path: PathBuf,
        row: u64,
        field: String,
        message: String,
    },
    /// Writing our own output failed (disk full, permissions): not the user's input at fault.
    #[error("{path}: cannot write: {source}")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    File { path: PathBuf, message: String },
    #[error("{path}: parquet: {message}")]
    Parquet { path: PathBuf, message: String },
}

impl IoError {
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        IoError::Io {
            path: path.into(),
            source,
        }
    }

    pub fn write(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        IoError::Write {
            path: path.into(),
            source,
        }
    }

    pub fn file(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        IoError::File {
            path: path.into(),
            message: message.into(),
        }
    }

    pub fn field(
        path: impl Into<PathBuf>,
        row: u64,
        field: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        IoError::Field {
            path: path.into(),
            row,
            field: field.into(),
            message: message.into(),
        }
    }
}
