//! DraftKings `DKEntries.csv` files: the entry rows (`Entry ID, Contest Name,
//! Contest ID, Entry Fee`, then a cell per slot) at the top left; DraftKings
//! puts its instructions and the player pool to their right, which this
//! reader leaves to [`super::read_salaries`]. Real files carry trailing empty
//! columns, fees like `$4 `, several contests, empty cells for reservations,
//! and ` (LOCKED)` after players whose games have started.

use std::path::Path;

use schemas::{EntriesFile, EntryCell, EntryRow};

use super::open::{FileRole, PathScope};
use super::table::read_rows;
use crate::IoError;

/// The columns before the slots, as DraftKings names them.
pub const ENTRY_COLUMNS: [&str; 4] = ["Entry ID", "Contest Name", "Contest ID", "Entry Fee"];

/// What follows a started player's cell.
const LOCKED_SUFFIX: &str = "(LOCKED)";

/// Reads the entries of a `DKEntries.csv` file (see the module docs). Errors
/// name the file, the line and the column.
pub fn read_dk_entries(path: &Path, scope: &PathScope) -> Result<EntriesFile, IoError> {
    let rows = read_rows(path, FileRole::Salaries, scope)?;
    let header_at = rows
        .iter()
        .position(|r| (0..4).all(|i| r.cell(i) == ENTRY_COLUMNS[i]))
        .ok_or_else(|| {
            IoError::file(
                path,
                format!(
                    "no DKEntries header: expected a row starting {}, then the slots",
                    ENTRY_COLUMNS.join(", ")
                ),
            )
        })?;
    let header = &rows[header_at];
    let slots: Vec<String> = (4..header.cells.len())
        .map(|i| header.cell(i).to_string())
        .take_while(|c| !c.is_empty())
        .collect();
    if slots.is_empty() {
        return Err(IoError::field(
            path,
            header.line,
            "Entry Fee",
            "no slot columns follow it",
        ));
    }
    let mut entries = Vec::new();
    for row in &rows[header_at + 1..] {
        let entry_id = row.cell(0);
        if entry_id.is_empty() {
            // The pool's rows below the entries hold cells only on the right.
            continue;
        }
        if !entry_id.chars().all(|c| c.is_ascii_digit()) {
            return Err(IoError::field(
                path,
                row.line,
                "Entry ID",
                format!("{entry_id:?} is not a DraftKings entry id"),
            ));
        }
        let contest_id = row.cell(2);
        if contest_id.is_empty() {
            return Err(IoError::field(path, row.line, "Contest ID", "empty"));
        }
        let mut cells = Vec::with_capacity(slots.len());
        for (k, slot) in slots.iter().enumerate() {
            let raw = row.cell(4 + k);
            cells.push(if raw.is_empty() {
                None
            } else {
                Some(parse_cell(raw).ok_or_else(|| {
                    IoError::field(
                        path,
                        row.line,
                        slot.clone(),
                        format!("{raw:?} is not `Name (DraftKings id)` or an id"),
                    )
                })?)
            });
        }
        entries.push(EntryRow {
            line: row.line,
            entry_id: entry_id.to_string(),
            contest_name: row.cell(1).to_string(),
            contest_id: contest_id.to_string(),
            entry_fee: row.cell(3).to_string(),
            cells,
        });
    }
    if entries.is_empty() {
        return Err(IoError::file(
            path,
            format!(
                "no entry rows under the header on row {}: enter the contest on DraftKings, \
                 then download its DKEntries file",
                header.line
            ),
        ));
    }
    Ok(EntriesFile { slots, entries })
}

/// `Name (id)`, `Name (id) (LOCKED)` or a bare id.
fn parse_cell(raw: &str) -> Option<EntryCell> {
    let (rest, locked) = match raw.trim().strip_suffix(LOCKED_SUFFIX) {
        Some(rest) => (rest.trim_end(), true),
        None => (raw.trim(), false),
    };
    if let Ok(dk_id) = rest.parse::<i64>() {
        return Some(EntryCell {
            dk_id,
            name: String::new(),
            locked,
        });
    }
    let inner = rest.strip_suffix(')')?;
    let open = inner.rfind('(')?;
    let dk_id = inner[open + 1..].trim().parse().ok()?;
    Some(EntryCell {
        dk_id,
        name: inner[..open].trim().to_string(),
        locked,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Result<EntriesFile, IoError> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("DKEntries.csv");
        std::fs::write(&path, text).unwrap();
        read_dk_entries(&path, &PathScope::Anywhere)
    }

    #[test]
    fn reads_entries_with_their_quirks_and_leaves_the_pool() {
        let text = "\u{feff}Entry ID,Contest Name,Contest ID,Entry Fee,PG,SG,,Instructions\r\n\
            4568909220,NBA $50K,171905802,$4 ,A B (11) (LOCKED),C D (12),,1. Column A\r\n\
            4568909221,NBA $50K,171905802,$4,,,,2. blank for reservations\r\n\
            4568909222,Other,171905803,$0.25,13,E F (14),,\r\n\
            ,,,,,,,Position,Name + ID,Name,ID\r\n\
            ,,,,,,,PG,A B (11),A B,11\r\n";
        let f = read(text).unwrap();
        assert_eq!(f.slots, ["PG", "SG"]);
        assert_eq!(f.entries.len(), 3);
        let e = &f.entries[0];
        assert_eq!(
            (e.line, e.entry_id.as_str(), e.entry_fee.as_str()),
            (2, "4568909220", "$4")
        );
        assert_eq!(
            e.cells[0],
            Some(EntryCell {
                dk_id: 11,
                name: "A B".into(),
                locked: true
            })
        );
        assert!(!e.cells[1].as_ref().unwrap().locked);
        assert!(e.has_locked());
        assert_eq!(f.entries[1].cells, [None, None]);
        assert_eq!(f.entries[2].contest_id, "171905803");
        assert_eq!(f.entries[2].cells[0].as_ref().unwrap().dk_id, 13);
    }

    #[test]
    fn bad_files_are_named_with_line_and_column() {
        let e = read("Name,ID\nA,1\n").unwrap_err().to_string();
        assert!(e.contains("no DKEntries header"), "{e}");
        let e = read("Entry ID,Contest Name,Contest ID,Entry Fee,PG\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("no entry rows"), "{e}");
        let e = read("Entry ID,Contest Name,Contest ID,Entry Fee,PG\n1,c,2,$1,Nobody\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("row 2") && e.contains("PG") && e.contains("Nobody"),
            "{e}"
        );
        let e = read("Entry ID,Contest Name,Contest ID,Entry Fee,PG\nx1,c,2,$1,\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("Entry ID") && e.contains("x1"), "{e}");
        let e = read("Entry ID,Contest Name,Contest ID,Entry Fee\n1,c,2,$1\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("no slot columns"), "{e}");
    }
}
