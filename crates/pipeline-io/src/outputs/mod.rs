//! Writing run artifacts: parquet tables, JSON, JSON lines, the DraftKings
//! upload CSV, and run folders that appear only when complete.
//!
//! Output bytes are deterministic: fixed column order, no timestamps inside
//! files, JSON keys in struct or `BTreeMap` order.

mod folder;
mod tables;

pub use folder::{RunFolder, RunLock, hash_artifacts, staged_runs, verify_artifacts, write_atomic};
pub use tables::{write_catalog, write_entrants, write_lineups, write_results};

use std::path::Path;

use schemas::{EntriesFile, Event, Slate};
use serde::Serialize;

use crate::IoError;

/// Writes `value` as pretty JSON with a trailing newline, atomically.
pub fn write_json<T: Serialize>(path: &Path, value: &T) -> Result<(), IoError> {
    let mut bytes = serde_json::to_vec_pretty(value)
        .map_err(|e| IoError::file(path, format!("cannot encode JSON: {e}")))?;
    bytes.push(b'\n');
    write_atomic(path, &bytes)
}

/// Writes events as JSON lines (one object per line), atomically.
pub fn write_jsonl(path: &Path, events: &[Event]) -> Result<(), IoError> {
    let mut bytes = Vec::new();
    for e in events {
        serde_json::to_writer(&mut bytes, e)
            .map_err(|err| IoError::file(path, format!("cannot encode event: {err}")))?;
        bytes.push(b'\n');
    }
    write_atomic(path, &bytes)
}

/// Writes the DraftKings upload CSV: a header of the sport's slot names, then
/// one row per lineup with cells `Name (ID)` in slot order.
pub fn write_dk_export(path: &Path, slate: &Slate, lineups: &[&[u32]]) -> Result<(), IoError> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let csv_err = |e: csv::Error| IoError::file(path, format!("cannot encode CSV: {e}"));
    w.write_record(slate.rules.slot_names()).map_err(csv_err)?;
    for (row, players) in lineups.iter().enumerate() {
        let mut cells = Vec::with_capacity(players.len());
        for &i in players.iter() {
            let p = slate.players.get(i as usize).ok_or_else(|| {
                IoError::file(
                    path,
                    format!("lineup {row} names player index {i}, not on the slate"),
                )
            })?;
            cells.push(format!("{} ({})", p.name, p.dk_id));
        }
        w.write_record(&cells).map_err(csv_err)?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| IoError::file(path, format!("cannot encode CSV: {e}")))?;
    write_atomic(path, &bytes)
}

/// Writes a `DKEntries.csv` as DraftKings takes it back in an edit upload:
/// its entry columns and a `Name (id)` cell per slot (empty for an empty
/// slot), without the instructions and the player pool; CRLF line ends.
pub fn write_dk_entries(path: &Path, file: &EntriesFile) -> Result<(), IoError> {
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    let csv_err = |e: csv::Error| IoError::file(path, format!("cannot encode CSV: {e}"));
    let header: Vec<&str> = crate::inputs::ENTRY_COLUMNS
        .iter()
        .copied()
        .chain(file.slots.iter().map(String::as_str))
        .collect();
    w.write_record(&header).map_err(csv_err)?;
    for e in &file.entries {
        let mut cells = vec![
            e.entry_id.clone(),
            e.contest_name.clone(),
            e.contest_id.clone(),
            e.entry_fee.clone(),
        ];
        cells.extend(e.cells.iter().map(|c| match c {
            Some(c) if c.name.is_empty() => c.dk_id.to_string(),
            Some(c) => format!("{} ({})", c.name, c.dk_id),
            None => String::new(),
        }));
        w.write_record(&cells).map_err(csv_err)?;
    }
    let bytes = w
        .into_inner()
        .map_err(|e| IoError::file(path, format!("cannot encode CSV: {e}")))?;
    write_atomic(path, &bytes)
}

/// Writes UTF-8 text atomically.
pub fn write_text(path: &Path, text: &str) -> Result<(), IoError> {
    write_atomic(path, text.as_bytes())
}

/// Copies a file into place atomically (used to keep imported inputs under the data root).
pub fn copy_file(from: &Path, to: &Path) -> Result<(), IoError> {
    let bytes = std::fs::read(from).map_err(|e| IoError::io(from, e))?;
    write_atomic(to, &bytes)
}
