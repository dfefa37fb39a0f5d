//! Stage config files (YAML). Every key is optional; a missing file means defaults.

use std::path::Path;

use serde::de::DeserializeOwned;

use crate::IoError;

/// Reads a YAML config; unknown keys are errors that name the key and the file.
pub fn read_config<T: DeserializeOwned>(path: &Path) -> Result<T, IoError> {
    let text = std::fs::read_to_string(path).map_err(|e| IoError::io(path, e))?;
    parse_config(path, &text)
}

/// Parses YAML config text; `path` is only used in errors. An empty document means defaults.
pub fn parse_config<T: DeserializeOwned>(path: &Path, text: &str) -> Result<T, IoError> {
    let text = if text.trim().is_empty() { "{}" } else { text };
    serde_norway::from_str(text).map_err(|e| match e.location() {
        Some(loc) => IoError::field(path, loc.line() as u64, "config", e.to_string()),
        None => IoError::file(path, format!("invalid config: {e}")),
    })
}
