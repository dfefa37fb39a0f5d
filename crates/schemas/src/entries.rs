//! A DraftKings `DKEntries.csv`: the user's entries in the contests of one
//! draft group, each a row with its lineup so far. Filled (`dfs entries fill`)
//! and uploaded back as an edit; after lock, ` (LOCKED)` marks the players
//! whose games have started.

use serde::{Deserialize, Serialize};

/// The entries of a `DKEntries.csv` file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EntriesFile {
    /// The slot columns, in the file's order (`PG, SG, SF, PF, C, G, F, UTIL`).
    pub slots: Vec<String>,
    /// The entry rows, in file order.
    pub entries: Vec<EntryRow>,
}

/// One entry: its ids as DraftKings wrote them, and a cell per slot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EntryRow {
    /// 1-based line in the file, for error messages.
    pub line: u64,
    pub entry_id: String,
    pub contest_name: String,
    pub contest_id: String,
    /// As the file has it (`$4`, `$4 `, `$0.25`).
    pub entry_fee: String,
    /// Per slot: the player in it, or `None` (a reservation's empty cell).
    pub cells: Vec<Option<EntryCell>>,
}

/// A player in an entry's slot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EntryCell {
    /// DraftKings player id.
    pub dk_id: i64,
    /// The name before the id (empty when the cell was a bare id).
    pub name: String,
    /// ` (LOCKED)`: his game has started; he stays in this slot.
    pub locked: bool,
}

impl EntryRow {
    /// True when any of its players is locked.
    pub fn has_locked(&self) -> bool {
        self.cells.iter().flatten().any(|c| c.locked)
    }
}
