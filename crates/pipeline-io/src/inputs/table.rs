//! Shared plumbing for the CSV readers: decoding, records with their row numbers,
//! header lookup by name, and the number formats users' files contain.

use std::path::Path;

use super::open::{FileRole, PathScope, read_input};
use crate::IoError;

/// The longest cell accepted, in characters. The longest real cells are the
/// standings' `Lineup` cells, at most 179 characters in the real exports (NBA
/// classic, 8 slots); names, ids and numbers are far shorter. A longer cell is not
/// DraftKings data, and refusing it keeps a wrong file from flooding reports.
pub(crate) const MAX_CELL_CHARS: usize = 1_024;

/// One CSV record and the 1-based row (line) it starts on, as a spreadsheet shows it.
#[derive(Debug)]
pub(crate) struct Row {
    pub line: u64,
    pub cells: Vec<String>,
}

impl Row {
    /// The trimmed cell at `index`, or `""` when the row is shorter.
    pub fn cell(&self, index: usize) -> &str {
        self.cells.get(index).map_or("", |c| c.trim())
    }

    /// True when every cell in `range` is blank (or absent).
    pub fn is_blank_in(&self, from: usize, to: usize) -> bool {
        (from..to).all(|i| self.cell(i).is_empty())
    }
}

/// Reads a whole CSV file into rows: strips a UTF-8 BOM, accepts LF or CRLF and
/// rows of any length (the readers check lengths themselves, naming the row).
/// Files that are not UTF-8 are decoded as Latin-1, which is what Windows
/// spreadsheet exports of DraftKings files are when they are not UTF-8.
///
/// The file is read through [`read_input`] with `role`'s size cap and `scope`, and
/// a cell longer than [`MAX_CELL_CHARS`] is an error naming its row and column.
pub(crate) fn read_rows(
    path: &Path,
    role: FileRole,
    scope: &PathScope,
) -> Result<Vec<Row>, IoError> {
    let bytes = read_input(path, role, scope)?;
    let text = decode(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows: Vec<Row> = Vec::new();
    let mut lines = LineCounter::default();
    for record in reader.records() {
        let record = record.map_err(|e| csv_error(path, &text, &e))?;
        let byte = record.position().map_or(0, csv::Position::byte);
        let line = lines.line_at(&text, byte);
        check_cell_lengths(path, rows.first(), line, &record)?;
        rows.push(Row {
            line,
            cells: record.iter().map(str::to_owned).collect(),
        });
    }
    Ok(rows)
}

/// Refuses a cell over [`MAX_CELL_CHARS`], naming the column by the first row's
/// name for it when there is one, else by its 1-based number.
fn check_cell_lengths(
    path: &Path,
    first: Option<&Row>,
    line: u64,
    record: &csv::StringRecord,
) -> Result<(), IoError> {
    for (i, cell) in record.iter().enumerate() {
        // A cell's characters are at most its bytes: count only the long ones.
        if cell.len() <= MAX_CELL_CHARS {
            continue;
        }
        let chars = cell.chars().count();
        if chars <= MAX_CELL_CHARS {
            continue;
        }
        let column = first
            .map(|r| r.cell(i))
            .filter(|name| !name.is_empty())
            .map_or_else(|| format!("column {}", i + 1), str::to_owned);
        return Err(IoError::field(
            path,
            line,
            column,
            format!("the cell is {chars} characters long; a cell may be at most {MAX_CELL_CHARS}"),
        ));
    }
    Ok(())
}

/// Turns a record's byte offset into the 1-based line its content starts on.
/// csv positions a record at the line break before it in CRLF files (and before
/// skipped blank lines), so line breaks at the offset are skipped first. Offsets
/// must come in increasing order.
#[derive(Debug, Default)]
struct LineCounter {
    byte: usize,
    newlines: u64,
}

impl LineCounter {
    fn line_at(&mut self, text: &str, byte: u64) -> u64 {
        let bytes = text.as_bytes();
        let mut to = usize::try_from(byte).unwrap_or(usize::MAX).min(bytes.len());
        while matches!(bytes.get(to), Some(b'\r' | b'\n')) {
            to += 1;
        }
        if let Some(chunk) = bytes.get(self.byte..to) {
            self.newlines += chunk.iter().filter(|&&b| b == b'\n').count() as u64;
            self.byte = to;
        }
        self.newlines + 1
    }
}

fn decode(mut bytes: Vec<u8>) -> String {
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    }
    match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => e.into_bytes().iter().map(|&b| char::from(b)).collect(),
    }
}

fn csv_error(path: &Path, text: &str, e: &csv::Error) -> IoError {
    match e.position() {
        Some(p) => {
            let line = LineCounter::default().line_at(text, p.byte());
            IoError::file(path, format!("row {line}: not valid CSV: {e}"))
        }
        None => IoError::file(path, format!("not valid CSV: {e}")),
    }
}

/// A header row: column names (trimmed) and where they sit.
#[derive(Debug)]
pub(crate) struct Header {
    pub line: u64,
    pub names: Vec<String>,
}

impl Header {
    pub fn new(row: &Row) -> Self {
        Header {
            line: row.line,
            names: row.cells.iter().map(|c| c.trim().to_owned()).collect(),
        }
    }

    /// Index of the first column named exactly `name` (after trimming), at or after `from`.
    pub fn find(&self, name: &str, from: usize) -> Option<usize> {
        self.names
            .iter()
            .enumerate()
            .skip(from)
            .find(|(_, n)| n.as_str() == name)
            .map(|(i, _)| i)
    }

    /// Like [`Header::find`], but a missing column is an error naming it.
    pub fn require(&self, path: &Path, name: &str, from: usize) -> Result<usize, IoError> {
        self.find(name, from).ok_or_else(|| {
            IoError::field(
                path,
                self.line,
                name,
                format!(
                    "required column is missing (the header has: {})",
                    self.names[from.min(self.names.len())..]
                        .iter()
                        .filter(|n| !n.is_empty())
                        .map(String::as_str)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            )
        })
    }
}

/// Checks a data row is at least as long as its header, naming the first missing field.
pub(crate) fn check_complete(path: &Path, header: &Header, row: &Row) -> Result<(), IoError> {
    if row.cells.len() >= header.names.len() {
        return Ok(());
    }
    let missing = &header.names[row.cells.len()];
    Err(IoError::field(
        path,
        row.line,
        missing.as_str(),
        format!(
            "the row has {} fields but the header has {} (truncated file?)",
            row.cells.len(),
            header.names.len()
        ),
    ))
}

/// Strips what spreadsheets and providers wrap numbers in: spaces, `$`, thousands
/// separators and a trailing `%`. Returns `None` for a blank cell.
fn clean_number(raw: &str) -> Option<String> {
    let s = raw.trim().trim_matches('"').trim();
    if s.is_empty() {
        return None;
    }
    let s = s.strip_suffix('%').unwrap_or(s).trim_end();
    let (sign, s) = match s.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", s),
    };
    let s = s.strip_prefix('$').unwrap_or(s);
    Some(format!("{sign}{}", s.replace(',', "")))
}

/// Parses a decimal number (`12.5`, `"1,234"`, `45%`, `$1,000.00`); blank is `None`.
/// The error message quotes the cell and says what was expected.
pub(crate) fn parse_f64(raw: &str, what: &str) -> Result<Option<f64>, String> {
    let Some(s) = clean_number(raw) else {
        return Ok(None);
    };
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(Some(v)),
        _ => Err(format!("{:?} is not {what}", raw.trim())),
    }
}

/// Parses a whole number of dollars >= 0 (`10700`, `"10,700"`, `$4`).
pub(crate) fn parse_dollars(raw: &str) -> Result<Option<u32>, String> {
    let bad = || {
        format!(
            "{:?} is not a salary (a whole number of dollars >= 0)",
            raw.trim()
        )
    };
    let Some(s) = clean_number(raw) else {
        return Ok(None);
    };
    let s = s.strip_suffix(".00").unwrap_or(&s);
    s.parse::<u32>().map(Some).map_err(|_| bad())
}

/// Parses a required field with `parse`, turning blanks and failures into errors
/// naming file, row and field.
pub(crate) fn required<T>(
    path: &Path,
    row: &Row,
    field: &str,
    index: usize,
    parse: impl Fn(&str) -> Result<Option<T>, String>,
) -> Result<T, IoError> {
    match parse(row.cell(index)) {
        Ok(Some(v)) => Ok(v),
        Ok(None) => Err(IoError::field(path, row.line, field, "value is missing")),
        Err(message) => Err(IoError::field(path, row.line, field, message)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_in_the_formats_users_bring() {
        assert_eq!(parse_f64("1,234.5", "a number"), Ok(Some(1234.5)));
        assert_eq!(parse_f64(" 45.2% ", "a number"), Ok(Some(45.2)));
        assert_eq!(parse_f64("$1,000.00", "a number"), Ok(Some(1000.0)));
        assert_eq!(parse_f64("-3", "a number"), Ok(Some(-3.0)));
        assert_eq!(parse_f64("", "a number"), Ok(None));
        assert!(parse_f64("abc", "a number").is_err());
        assert!(parse_f64("NaN", "a number").is_err());
        assert_eq!(parse_dollars("\"10,700\""), Ok(Some(10_700)));
        assert_eq!(parse_dollars("$4"), Ok(Some(4)));
        assert!(parse_dollars("-4000").is_err());
        assert!(parse_dollars("12.5").is_err());
    }

    #[test]
    fn rows_are_numbered_alike_in_lf_and_crlf_files() {
        let dir = tempfile::TempDir::new().unwrap();
        for text in ["a,b\r\nc,d\r\n\r\ne,f\r\n", "a,b\nc,d\n\ne,f"] {
            let path = dir.path().join("x.csv");
            std::fs::write(&path, text).unwrap();
            let lines: Vec<u64> = read_rows(&path, FileRole::Salaries, &PathScope::Anywhere)
                .unwrap()
                .iter()
                .map(|r| r.line)
                .collect();
            assert_eq!(lines, [1, 2, 4], "{text:?}");
        }
    }

    #[test]
    fn bom_is_stripped_and_latin1_decoded() {
        assert_eq!(decode(b"\xEF\xBB\xBFa,b".to_vec()), "a,b");
        assert_eq!(decode(b"Jos\xE9".to_vec()), "José");
    }
}
