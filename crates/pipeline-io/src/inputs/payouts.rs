//! Contest payout tables: `Place,Payout,Field Size,Entry Fee`.

use std::path::Path;

use schemas::{Contest, PayoutTier};

use super::open::{FileRole, PathScope};
use super::table::{self, Header, Row};
use crate::IoError;

/// Entries one user may submit when the caller does not say (DraftKings' usual
/// GPP limit).
pub const DEFAULT_MAX_ENTRIES: u32 = 150;

/// Contest-wide numbers given on the first data row of a payout table.
#[derive(Debug, Clone, Copy)]
struct Terms {
    field_size: u32,
    entry_fee: f64,
}

/// Column indices of a payout table.
#[derive(Debug)]
struct Columns {
    place: usize,
    payout: usize,
    field_size: usize,
    entry_fee: usize,
}

/// Reads a payout table into a [`Contest`].
///
/// Places are `1`, `6-7` or `11 - 15`; payouts `450` or `$1,000.00`. `Field Size` and
/// `Entry Fee` are read from the first data row; later rows may leave them blank or
/// repeat them (a different value is an error). `name` defaults to the file name,
/// `max_entries` to [`DEFAULT_MAX_ENTRIES`]. Places must continue from the row
/// before and prizes must not rise; every error names file, row and field.
pub fn read_payouts(
    path: impl AsRef<Path>,
    id: &str,
    name: Option<&str>,
    max_entries: Option<u32>,
) -> Result<Contest, IoError> {
    let path = path.as_ref();
    let rows = table::read_rows(path, FileRole::Payouts, &PathScope::Anywhere)?;
    let Some((header_row, data)) = rows.split_first() else {
        return Err(IoError::file(path, "the file is empty"));
    };
    let header = Header::new(header_row);
    let cols = Columns {
        place: header.require(path, "Place", 0)?,
        payout: header.require(path, "Payout", 0)?,
        field_size: header.require(path, "Field Size", 0)?,
        entry_fee: header.require(path, "Entry Fee", 0)?,
    };
    let mut terms: Option<Terms> = None;
    let mut payouts: Vec<PayoutTier> = Vec::new();
    for row in data {
        if row.is_blank_in(0, row.cells.len()) {
            continue;
        }
        let row_terms = read_terms(path, &cols, row, terms)?;
        terms = Some(row_terms);
        let tier = read_tier(path, &cols, row)?;
        check_continues(path, row, &tier, payouts.last())?;
        payouts.push(tier);
    }
    let Some(terms) = terms else {
        return Err(IoError::file(path, "the payout table has no rows"));
    };
    let contest = Contest {
        id: id.to_owned(),
        name: name.map_or_else(|| default_name(path), str::to_owned),
        entry_fee: terms.entry_fee,
        field_size: terms.field_size,
        max_entries: max_entries.unwrap_or(DEFAULT_MAX_ENTRIES),
        payouts,
    };
    contest
        .validate()
        .map_err(|e| IoError::file(path, e.to_string()))?;
    Ok(contest)
}

fn default_name(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().replace('_', " "))
        .unwrap_or_default()
}

/// Field size and entry fee: required on the first row, blank or equal after.
fn read_terms(
    path: &Path,
    cols: &Columns,
    row: &Row,
    known: Option<Terms>,
) -> Result<Terms, IoError> {
    let size = table::parse_dollars(row.cell(cols.field_size)).map_err(|_| {
        IoError::field(
            path,
            row.line,
            "Field Size",
            format!(
                "{:?} is not a field size (a whole number of entries)",
                row.cell(cols.field_size)
            ),
        )
    })?;
    let fee = parse_amount(path, row, "Entry Fee", cols.entry_fee)?;
    let Some(known) = known else {
        let missing = |field| IoError::field(path, row.line, field, "required on the first row");
        return Ok(Terms {
            field_size: size.ok_or_else(|| missing("Field Size"))?,
            entry_fee: fee.ok_or_else(|| missing("Entry Fee"))?,
        });
    };
    if size.is_some_and(|s| s != known.field_size) {
        return Err(IoError::field(
            path,
            row.line,
            "Field Size",
            format!("differs from the first row's {}", known.field_size),
        ));
    }
    if fee.is_some_and(|f| (f - known.entry_fee).abs() > 1e-9) {
        return Err(IoError::field(
            path,
            row.line,
            "Entry Fee",
            format!("differs from the first row's {}", known.entry_fee),
        ));
    }
    Ok(known)
}

fn parse_amount(path: &Path, row: &Row, field: &str, index: usize) -> Result<Option<f64>, IoError> {
    let v = table::parse_f64(row.cell(index), "an amount of dollars")
        .map_err(|m| IoError::field(path, row.line, field, m))?;
    match v {
        Some(x) if x < 0.0 => Err(IoError::field(
            path,
            row.line,
            field,
            format!("{x} is negative; expected an amount of dollars"),
        )),
        _ => Ok(v),
    }
}

fn read_tier(path: &Path, cols: &Columns, row: &Row) -> Result<PayoutTier, IoError> {
    let raw = row.cell(cols.place);
    let (first, last) = parse_places(raw).ok_or_else(|| {
        IoError::field(
            path,
            row.line,
            "Place",
            format!("{raw:?} is not a place or range of places (like 1 or 6-7)"),
        )
    })?;
    let prize = table::required(path, row, "Payout", cols.payout, |s| {
        table::parse_f64(s, "an amount of dollars")
    })?;
    if prize < 0.0 {
        return Err(IoError::field(
            path,
            row.line,
            "Payout",
            format!("{prize} is negative"),
        ));
    }
    Ok(PayoutTier { first, last, prize })
}

/// `1` -> (1, 1); `6-7` / `11 - 15` -> (6, 7) / (11, 15). Places start at 1.
fn parse_places(raw: &str) -> Option<(u32, u32)> {
    let num = |s: &str| s.trim().replace(',', "").parse::<u32>().ok();
    let (first, last) = match raw.split_once('-') {
        Some((a, b)) => (num(a)?, num(b)?),
        None => {
            let n = num(raw)?;
            (n, n)
        }
    };
    (first >= 1 && last >= first).then_some((first, last))
}

fn check_continues(
    path: &Path,
    row: &Row,
    tier: &PayoutTier,
    previous: Option<&PayoutTier>,
) -> Result<(), IoError> {
    let next = previous.map_or(1, |p| p.last + 1);
    if tier.first != next {
        return Err(IoError::field(
            path,
            row.line,
            "Place",
            format!(
                "places {}-{} do not continue from place {next}",
                tier.first, tier.last
            ),
        ));
    }
    if let Some(p) = previous.filter(|p| tier.prize > p.prize + 1e-9) {
        return Err(IoError::field(
            path,
            row.line,
            "Payout",
            format!(
                "{} is more than the {} paid to the places before",
                tier.prize, p.prize
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn place_forms() {
        assert_eq!(parse_places("1"), Some((1, 1)));
        assert_eq!(parse_places("6-7"), Some((6, 7)));
        assert_eq!(parse_places("11 - 15"), Some((11, 15)));
        assert_eq!(parse_places("1,001-2,000"), Some((1001, 2000)));
        assert_eq!(parse_places("0"), None);
        assert_eq!(parse_places("7-6"), None);
        assert_eq!(parse_places("first"), None);
    }
}
