//! Stage config files (YAML). Every key is optional; a missing file means defaults.

use std::path::Path;

use serde::de::DeserializeOwned;

use crate::IoError;
use crate::inputs::open::read_text;
use crate::inputs::{FileRole, PathScope};

/// Reads a YAML config; unknown keys are errors that name the key and the file.
pub fn read_config<T: DeserializeOwned>(path: &Path) -> Result<T, IoError> {
    read_config_in(path, &PathScope::Anywhere)
}

/// [`read_config`] for a file that must lie within `scope` (the HTTP server's data
/// root); see [`crate::inputs::read_input`].
pub fn read_config_in<T: DeserializeOwned>(path: &Path, scope: &PathScope) -> Result<T, IoError> {
    parse_config(path, &read_text(path, FileRole::Config, scope)?)
}

/// Parses YAML config text; `path` is only used in errors. An empty document means defaults.
pub fn parse_config<T: DeserializeOwned>(path: &Path, text: &str) -> Result<T, IoError> {
    let text = if text.trim().is_empty() { "{}" } else { text };
    serde_norway::from_str(text).map_err(|e| match e.location() {
        Some(loc) => IoError::field(path, loc.line() as u64, "config", e.to_string()),
        None => IoError::file(path, format!("invalid config: {e}")),
    })
}
