//! DraftKings upload files: the entries a run exports (`optimizer/dk_export.csv`),
//! a header of slot names, then one entry a row with a `Name (id)` cell a slot.

use std::path::Path;

use super::open::{FileRole, PathScope, read_text};
use crate::IoError;

/// One entry of an upload file: the DraftKings id in each slot, in slot order.
pub type UploadEntry = Vec<i64>;

/// Reads an upload file: per entry, the DraftKings ids of its slots.
///
/// Every cell must end in a parenthesised id (`LaMelo Ball (37302944)`), as
/// DraftKings' upload template and `dfs` write them; an id alone is taken too.
/// Errors name the file, the 1-based row and the slot.
pub fn read_dk_upload(path: impl AsRef<Path>) -> Result<Vec<UploadEntry>, IoError> {
    let path = path.as_ref();
    let text = read_text(path, FileRole::Upload, &PathScope::Anywhere)?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(text.as_bytes());
    let slots: Vec<String> = reader
        .headers()
        .map_err(|e| IoError::file(path, format!("cannot read the header: {e}")))?
        .iter()
        .map(|s| s.trim().to_string())
        .collect();
    if slots.iter().all(String::is_empty) {
        return Err(IoError::file(path, "no header of slot names"));
    }
    let mut entries = Vec::new();
    for (k, record) in reader.records().enumerate() {
        let row = k as u64 + 2;
        let record = record.map_err(|e| IoError::file(path, format!("row {row}: {e}")))?;
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        if record.len() != slots.len() {
            return Err(IoError::field(
                path,
                row,
                "entry",
                format!(
                    "{} cells, the header names {} slots",
                    record.len(),
                    slots.len()
                ),
            ));
        }
        let mut ids = Vec::with_capacity(slots.len());
        for (cell, slot) in record.iter().zip(&slots) {
            ids.push(cell_id(cell).ok_or_else(|| {
                IoError::field(
                    path,
                    row,
                    slot.clone(),
                    format!("{:?} is not `Name (DraftKings id)`", cell.trim()),
                )
            })?);
        }
        entries.push(ids);
    }
    Ok(entries)
}

/// The id of a `Name (id)` cell, or of a bare id.
fn cell_id(cell: &str) -> Option<i64> {
    let cell = cell.trim();
    let inner = match cell.strip_suffix(')') {
        Some(rest) => &rest[rest.rfind('(')? + 1..],
        None => cell,
    };
    inner.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_give_their_ids() {
        assert_eq!(cell_id("LaMelo Ball (37302944)"), Some(37302944));
        assert_eq!(cell_id(" Smith (Jr.) (12) "), Some(12));
        assert_eq!(cell_id("37302944"), Some(37302944));
        assert_eq!(cell_id("LaMelo Ball"), None);
        assert_eq!(cell_id("Ball (x)"), None);
    }

    #[test]
    fn a_bad_cell_names_its_row_and_slot() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("up.csv");
        std::fs::write(&path, "PG,SG\r\nA (1),B (2)\r\nC (3),D\r\n").unwrap();
        let err = read_dk_upload(&path).unwrap_err().to_string();
        assert!(
            err.contains("up.csv") && err.contains('3') && err.contains("SG"),
            "{err}"
        );
        std::fs::write(&path, "\u{feff}PG,SG\r\nA (1),B (2)\r\n\r\n").unwrap();
        assert_eq!(read_dk_upload(&path).unwrap(), vec![vec![1, 2]]);
    }
}
