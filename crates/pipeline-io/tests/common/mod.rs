//! Helpers shared by the reader tests: fixtures are written into a temporary
//! folder, one quirk per file.
#![allow(dead_code, clippy::unwrap_used)]

use std::path::PathBuf;

use tempfile::TempDir;

/// The header row of a DraftKings classic salary export.
pub const HEADER: &str =
    "Position,Name + ID,Name,ID,Roster Position,Salary,Game Info,TeamAbbrev,AvgPointsPerGame";

/// Writes `text` to `name` in `dir` and returns its path.
pub fn write(dir: &TempDir, name: &str, text: &str) -> PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    path
}
