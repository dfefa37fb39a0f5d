//! Provider projection files, read through one header alias table.

use std::path::{Path, PathBuf};

use super::open::{FileRole, PathScope};
use super::table::{self, Header, Row};
use crate::IoError;

/// A column the pipeline understands in a projection file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ProjField {
    /// DraftKings player id.
    Id,
    /// Player name.
    Name,
    /// Team abbreviation.
    Team,
    /// Opponent's abbreviation (pairs teams whose DraftKings game info is gone after lock).
    Opponent,
    /// Position(s), `/`-separated.
    Position,
    /// Salary in dollars.
    Salary,
    /// Mean projected fantasy points.
    Projection,
    /// Projected ownership, 0..100 or 0..1 (see [`read_projections`]).
    Ownership,
    /// Showdown: projected ownership as captain, on the person's row (same scale as `Ownership`).
    CaptainOwnership,
    /// Std dev of fantasy points.
    StdDev,
    /// Ceiling (high-percentile) fantasy points.
    Ceiling,
    /// Floor (low-percentile) fantasy points.
    Floor,
    /// Projected minutes (NBA).
    Minutes,
    /// The provider's estimate of the field's projection (what opponents see).
    FieldProjection,
}

/// THE header alias table: every header name each field is accepted under.
/// Matching ignores case and whitespace; when several columns match, the alias
/// listed first wins, then the leftmost column. Add providers here, nowhere else.
pub const PROJECTION_ALIASES: &[(ProjField, &[&str])] = &[
    (ProjField::Id, &["ID", "DK ID", "DFS ID", "Id", "player_id"]),
    (ProjField::Name, &["Name", "Player"]),
    (ProjField::Team, &["Team", "TeamAbbrev"]),
    (ProjField::Opponent, &["Opp", "Opponent"]),
    (ProjField::Position, &["Position", "Pos"]),
    (ProjField::Salary, &["Salary"]),
    (
        ProjField::Projection,
        &[
            "Fpts",
            "Projected",
            "Proj",
            "projections_proj",
            "proj_points",
            "Projection",
            "FPTS",
        ],
    ),
    (
        ProjField::Ownership,
        &["Own%", "ProjOwn", "Ownership", "projections_projown", "Own"],
    ),
    (
        ProjField::CaptainOwnership,
        &[
            "CptOwn%",
            "CPT Own%",
            "CptOwn",
            "Captain Own%",
            "CPT Ownership",
        ],
    ),
    (ProjField::StdDev, &["StdDev", "Std Dev", "SD"]),
    (ProjField::Ceiling, &["Ceiling", "projections_ceiling"]),
    (ProjField::Floor, &["Floor", "projections_floor"]),
    (ProjField::Minutes, &["Minutes", "Min"]),
    (ProjField::FieldProjection, &["FieldFpts", "Field Proj"]),
];

/// How a file wrote ownership.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OwnershipScale {
    /// Percent, 0..100 (some value was above 1); values were divided by 100.
    Percent,
    /// Fractions, 0..1 (no value above 1); kept as they were.
    Fraction,
}

/// One projection row. Numbers are as the provider gave them, except ownership,
/// which is always a fraction 0..1 here.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ProjectionRow {
    /// 1-based row in the file.
    pub row: u64,
    /// DraftKings id, when the file has one (non-numeric provider ids are ignored).
    pub dk_id: Option<i64>,
    /// Player name as the provider writes it (empty when only an id is given).
    pub name: String,
    /// Team abbreviation, when given.
    pub team: Option<String>,
    /// Opponent's abbreviation, when given.
    pub opponent: Option<String>,
    /// Position(s) as written, e.g. `PG/SG`, `DST`, `D`.
    pub position: Option<String>,
    /// Salary in dollars, when given (informational; DraftKings' file rules).
    pub salary: Option<u32>,
    /// Mean fantasy points; `None` when the cell is blank.
    pub projection: Option<f64>,
    /// Ownership as a fraction 0..1.
    pub ownership: Option<f64>,
    /// Showdown: ownership as captain, a fraction 0..1.
    pub captain_ownership: Option<f64>,
    /// Std dev of fantasy points.
    pub std_dev: Option<f64>,
    /// Ceiling fantasy points.
    pub ceiling: Option<f64>,
    /// Floor fantasy points (may be negative).
    pub floor: Option<f64>,
    /// Projected minutes.
    pub minutes: Option<f64>,
    /// The provider's estimate of the field's projection.
    pub field_projection: Option<f64>,
}

/// A projection file: its rows and which fields it had.
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectionFile {
    /// The file it came from.
    pub path: PathBuf,
    /// Fields found in the header, in [`PROJECTION_ALIASES`] order.
    pub fields: Vec<ProjField>,
    /// How ownership was written (`None` without an ownership column).
    pub ownership_scale: Option<OwnershipScale>,
    /// Data rows in file order (blank rows skipped).
    pub rows: Vec<ProjectionRow>,
}

impl ProjectionFile {
    /// True when the file had a column for `field`.
    pub fn has(&self, field: ProjField) -> bool {
        self.fields.contains(&field)
    }
}

/// Where each known field sits in the header.
#[derive(Debug)]
struct Columns {
    found: Vec<(ProjField, usize, String)>,
}

impl Columns {
    fn locate(header: &Header) -> Columns {
        let key = |s: &str| -> String {
            s.chars()
                .filter(|c| !c.is_whitespace())
                .flat_map(char::to_lowercase)
                .collect()
        };
        let keys: Vec<String> = header.names.iter().map(|n| key(n)).collect();
        let mut found = Vec::new();
        for (field, aliases) in PROJECTION_ALIASES {
            let hit = aliases
                .iter()
                .find_map(|a| keys.iter().position(|k| *k == key(a)));
            if let Some(i) = hit {
                found.push((*field, i, header.names[i].clone()));
            }
        }
        Columns { found }
    }

    fn get(&self, field: ProjField) -> Option<(usize, &str)> {
        self.found
            .iter()
            .find(|(f, _, _)| *f == field)
            .map(|(_, i, h)| (*i, h.as_str()))
    }
}

fn aliases_of(field: ProjField) -> String {
    PROJECTION_ALIASES
        .iter()
        .find(|(f, _)| *f == field)
        .map_or_else(String::new, |(_, a)| a.join(", "))
}

/// Reads a provider projection file. Columns are found through
/// [`PROJECTION_ALIASES`]; a projection column and a name or id column are required.
///
/// Numbers may be quoted, carry thousands separators (`"1,234"`) or a trailing `%`.
/// Ownership scale is decided per FILE: if any ownership value is above 1 the file is
/// in percent and every value is divided by 100; otherwise the values are fractions.
/// (A percent file in which every player is at most 1% owned would be misread, which
/// no real slate produces: ownership sums to 100% per roster slot.) Negative
/// ownership, std dev or minutes, and ownership above 100%, are errors naming file,
/// row and field (negative fantasy points are allowed: defenses score them). A
/// showdown captain-ownership column (`CptOwn%`) shares the ownership column's scale.
pub fn read_projections(path: impl AsRef<Path>) -> Result<ProjectionFile, IoError> {
    let path = path.as_ref();
    let rows = table::read_rows(path, FileRole::Projections, &PathScope::Anywhere)?;
    let Some((header_row, data)) = rows.split_first() else {
        return Err(IoError::file(path, "the file is empty"));
    };
    let header = Header::new(header_row);
    let cols = Columns::locate(&header);
    if cols.get(ProjField::Projection).is_none() {
        return Err(IoError::field(
            path,
            header.line,
            "projection",
            format!(
                "no projection column (accepted headers: {})",
                aliases_of(ProjField::Projection)
            ),
        ));
    }
    if cols.get(ProjField::Name).is_none() && cols.get(ProjField::Id).is_none() {
        return Err(IoError::field(
            path,
            header.line,
            "name",
            format!(
                "no name or id column (accepted headers: {}; {})",
                aliases_of(ProjField::Name),
                aliases_of(ProjField::Id)
            ),
        ));
    }
    let mut out = Vec::new();
    for row in data {
        if row.is_blank_in(0, row.cells.len()) {
            continue;
        }
        table::check_complete(path, &header, row)?;
        out.push(read_row(path, &cols, row)?);
    }
    let ownership_scale = cols
        .get(ProjField::Ownership)
        .or(cols.get(ProjField::CaptainOwnership))
        .map(|(_, h)| scale_ownership(path, h, &mut out))
        .transpose()?;
    Ok(ProjectionFile {
        path: path.to_owned(),
        fields: cols.found.iter().map(|(f, _, _)| *f).collect(),
        ownership_scale,
        rows: out,
    })
}

fn read_row(path: &Path, cols: &Columns, row: &Row) -> Result<ProjectionRow, IoError> {
    let text = |field| {
        cols.get(field)
            .map(|(i, _)| row.cell(i))
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    // Fantasy points may be negative (a defense, a quarterback's interceptions);
    // ownership, std dev and minutes may not.
    let points = |field, what: &str| -> Result<Option<f64>, IoError> {
        let Some((i, header)) = cols.get(field) else {
            return Ok(None);
        };
        table::parse_f64(row.cell(i), what).map_err(|m| IoError::field(path, row.line, header, m))
    };
    let number = |field, what: &str| -> Result<Option<f64>, IoError> {
        let Some((i, header)) = cols.get(field) else {
            return Ok(None);
        };
        let v = table::parse_f64(row.cell(i), what)
            .map_err(|m| IoError::field(path, row.line, header, m))?;
        match v {
            Some(x) if x < 0.0 => Err(IoError::field(
                path,
                row.line,
                header,
                format!("{x} is negative; expected {what}"),
            )),
            _ => Ok(v),
        }
    };
    let salary = match cols.get(ProjField::Salary) {
        Some((i, header)) => table::parse_dollars(row.cell(i))
            .map_err(|m| IoError::field(path, row.line, header, m))?,
        None => None,
    };
    let dk_id = text(ProjField::Id).and_then(|s| s.parse::<i64>().ok());
    let name = text(ProjField::Name).unwrap_or_default();
    if name.is_empty() && dk_id.is_none() {
        let field = cols.get(ProjField::Name).map_or("name", |(_, h)| h);
        return Err(IoError::field(
            path,
            row.line,
            field,
            "the row has neither a name nor a DraftKings id",
        ));
    }
    Ok(ProjectionRow {
        row: row.line,
        dk_id,
        name,
        team: text(ProjField::Team),
        opponent: text(ProjField::Opponent),
        position: text(ProjField::Position),
        salary,
        projection: points(ProjField::Projection, "a number of fantasy points")?,
        ownership: number(ProjField::Ownership, "an ownership (0..100 or 0..1)")?,
        captain_ownership: number(ProjField::CaptainOwnership, "an ownership (0..100 or 0..1)")?,
        std_dev: number(ProjField::StdDev, "a std dev in fantasy points")?,
        ceiling: points(ProjField::Ceiling, "a number of fantasy points")?,
        floor: points(ProjField::Floor, "a number of fantasy points")?,
        minutes: number(ProjField::Minutes, "a number of minutes")?,
        field_projection: points(ProjField::FieldProjection, "a number of fantasy points")?,
    })
}

/// Decides the file's ownership scale and turns every value into a fraction.
fn scale_ownership(
    path: &Path,
    header: &str,
    rows: &mut [ProjectionRow],
) -> Result<OwnershipScale, IoError> {
    let percent = rows.iter().any(|r| {
        r.ownership
            .into_iter()
            .chain(r.captain_ownership)
            .any(|o| o > 1.0)
    });
    let (scale, divisor) = if percent {
        (OwnershipScale::Percent, 100.0)
    } else {
        (OwnershipScale::Fraction, 1.0)
    };
    for r in rows.iter_mut() {
        for o in r.ownership.iter_mut().chain(r.captain_ownership.iter_mut()) {
            *o /= divisor;
            if *o > 1.0 {
                return Err(IoError::field(
                    path,
                    r.row,
                    header,
                    format!("ownership {}% is above 100%", *o * 100.0),
                ));
            }
        }
    }
    Ok(scale)
}
