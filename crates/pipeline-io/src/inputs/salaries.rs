//! DraftKings salary files: `DKSalaries.csv`, and the player pool DraftKings
//! appends to the right of the entries in `DKEntries.csv`.

use std::path::{Path, PathBuf};

use super::open::{FileRole, PathScope};
use super::table::{self, Header, Row};
use crate::IoError;

/// Column names of DraftKings' salary table. A row holding at least
/// [`MIN_KNOWN_COLUMNS`] of them is the table's header.
const KNOWN_COLUMNS: &[&str] = &[
    "Position",
    "Name + ID",
    "Name",
    "ID",
    "Roster Position",
    "Salary",
    "Game Info",
    "TeamAbbrev",
    "AvgPointsPerGame",
];
const MIN_KNOWN_COLUMNS: usize = 4;

/// Marker DraftKings appends to `Name + ID` once a player's game has started.
const LOCKED_MARKER: &str = "(LOCKED)";

/// Where the salary table sat in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SalaryLayout {
    /// A `DKSalaries.csv` export: the header is the first row.
    Salaries,
    /// The pool inside `DKEntries.csv`: its header sits below the top, right of the entries.
    EntriesPool,
}

/// Words DraftKings may print in `Game Info` for a game that will not be played as
/// scheduled. None occurs in the real files; they are kept as [`GameInfo::Other`].
const NOT_PLAYED: &[&str] = &["Postponed", "Cancelled", "Canceled", "Suspended"];

/// A game as the `Game Info` column describes it.
///
/// Every `Game Info` cell in the real salary and `DKEntries.csv` files is
/// `AWAY@HOME MM/DD/YYYY hh:mmPM ET`, `In Progress` or `Final` (none blank).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GameInfo {
    /// `AWAY@HOME MM/DD/YYYY hh:mmPM ET`: teams known, not started.
    Scheduled {
        away: String,
        home: String,
        /// Start as DraftKings prints it, e.g. `01/12/2025 06:00PM ET`.
        start: String,
    },
    /// `In Progress`: started; the opponent is no longer printed.
    InProgress,
    /// `Final`: over; the opponent is no longer printed.
    Final,
    /// A game that will not be played as scheduled: `Postponed`, `Cancelled`,
    /// `Canceled` or `Suspended` (spelled so, whatever the cell's case).
    Other(String),
}

impl GameInfo {
    /// Parses a `Game Info` cell: `AWAY@HOME MM/DD/YYYY hh:mmAM ET` (or `PM`),
    /// `In Progress`, `Final`, or one of the not-played words (`Postponed`, ...).
    /// Anything else, a blank cell included, is an error saying what is expected.
    pub fn parse(raw: &str) -> Result<GameInfo, String> {
        let s = raw.trim();
        if s.eq_ignore_ascii_case("In Progress") {
            return Ok(GameInfo::InProgress);
        }
        if s.eq_ignore_ascii_case("Final") {
            return Ok(GameInfo::Final);
        }
        if let Some(word) = NOT_PLAYED.iter().find(|w| s.eq_ignore_ascii_case(w)) {
            return Ok(GameInfo::Other((*word).to_owned()));
        }
        parse_scheduled(s).ok_or_else(|| {
            let shown: String = s.chars().take(40).collect();
            let more = if shown.len() < s.len() { "..." } else { "" };
            format!(
                "{shown:?}{more} is not a game (expected `AWAY@HOME MM/DD/YYYY hh:mmPM ET`, \
                 `In Progress`, `Final`, or {})",
                NOT_PLAYED.join("/")
            )
        })
    }

    /// True once the game has started (`In Progress` or `Final`).
    pub fn started(&self) -> bool {
        matches!(self, GameInfo::InProgress | GameInfo::Final)
    }
}

/// `AWAY@HOME MM/DD/YYYY hh:mm(AM|PM) ET`, with `hh:mm PM` (a space) taken too.
fn parse_scheduled(s: &str) -> Option<GameInfo> {
    let mut words = s.split_whitespace();
    let (away, home) = words.next()?.split_once('@')?;
    let team = |t: &str| (1..=5).contains(&t.len()) && t.chars().all(|c| c.is_ascii_alphanumeric());
    if !team(away) || !team(home) || away == home {
        return None;
    }
    let date = words.next()?;
    let time = words.next()?;
    let mut zone = words.next()?;
    let (clock, half) = match time.get(time.len().saturating_sub(2)..) {
        Some(h) if is_half(h) => (&time[..time.len() - 2], h),
        _ => {
            let half = zone;
            zone = words.next()?;
            (time, half)
        }
    };
    if words.next().is_some() || !is_half(half) || !zone.eq_ignore_ascii_case("ET") {
        return None;
    }
    if !is_date(date) || !is_clock(clock) {
        return None;
    }
    Some(GameInfo::Scheduled {
        away: away.to_owned(),
        home: home.to_owned(),
        start: s[s.find(char::is_whitespace)?..].trim().to_owned(),
    })
}

fn is_half(s: &str) -> bool {
    s.eq_ignore_ascii_case("AM") || s.eq_ignore_ascii_case("PM")
}

/// A number of 1..=`width` ASCII digits within `range`.
fn number_in(s: &str, width: usize, range: std::ops::RangeInclusive<u32>) -> bool {
    (1..=width).contains(&s.len())
        && s.bytes().all(|b| b.is_ascii_digit())
        && s.parse().is_ok_and(|n| range.contains(&n))
}

/// `MM/DD/YYYY`.
fn is_date(s: &str) -> bool {
    let mut parts = s.split('/');
    let (Some(m), Some(d), Some(y), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    number_in(m, 2, 1..=12)
        && number_in(d, 2, 1..=31)
        && y.len() == 4
        && number_in(y, 4, 1900..=2999)
}

/// `hh:mm` on a 12-hour clock.
fn is_clock(s: &str) -> bool {
    let Some((h, m)) = s.split_once(':') else {
        return false;
    };
    number_in(h, 2, 1..=12) && m.len() == 2 && number_in(m, 2, 0..=59)
}

/// One player row of a salary table, as DraftKings wrote it.
#[derive(Debug, Clone, PartialEq)]
pub struct SalaryRow {
    /// 1-based row in the file, for error messages and reports.
    pub row: u64,
    /// DraftKings player id (`ID`).
    pub dk_id: i64,
    /// `Name`, trimmed (DST names end with a space in DraftKings' files).
    pub name: String,
    /// `Position` split on `/`, e.g. `[SF, PF]`.
    pub positions: Vec<String>,
    /// `Roster Position` verbatim, e.g. `SF/PF/F/UTIL` (empty when the column is absent).
    pub roster_position: String,
    /// Salary in dollars.
    pub salary: u32,
    /// `Game Info`, parsed.
    pub game: GameInfo,
    /// `TeamAbbrev`.
    pub team: String,
    /// `AvgPointsPerGame`; `None` when blank or the column is absent.
    pub avg_points: Option<f64>,
    /// The player's game has started: `(LOCKED)` in `Name + ID`, or Game Info `In Progress`/`Final`.
    pub locked: bool,
}

/// A salary table read from a `DKSalaries.csv` or `DKEntries.csv`.
#[derive(Debug, Clone, PartialEq)]
pub struct SalaryFile {
    /// The file it came from (errors about the slate name it).
    pub path: PathBuf,
    /// Which of DraftKings' two layouts it was.
    pub layout: SalaryLayout,
    /// Player rows in file order.
    pub rows: Vec<SalaryRow>,
}

/// Column indices of the salary table.
#[derive(Debug)]
struct Columns {
    first: usize,
    name: usize,
    id: usize,
    position: usize,
    salary: usize,
    game_info: usize,
    team: usize,
    name_id: Option<usize>,
    roster_position: Option<usize>,
    avg_points: Option<usize>,
}

impl Columns {
    fn locate(path: &Path, header: &Header) -> Result<Columns, IoError> {
        let first = header
            .names
            .iter()
            .position(|n| KNOWN_COLUMNS.contains(&n.as_str()))
            .unwrap_or(0);
        let req = |name| header.require(path, name, first);
        Ok(Columns {
            first,
            name: req("Name")?,
            id: req("ID")?,
            position: req("Position")?,
            salary: req("Salary")?,
            game_info: req("Game Info")?,
            team: req("TeamAbbrev")?,
            name_id: header.find("Name + ID", first),
            roster_position: header.find("Roster Position", first),
            avg_points: header.find("AvgPointsPerGame", first),
        })
    }
}

/// Reads a DraftKings salary table from `DKSalaries.csv` or from the player pool
/// inside `DKEntries.csv` (found by its header row, wherever it sits).
///
/// Columns are found by name. Handles a UTF-8 BOM, LF or CRLF, ` (LOCKED)`,
/// `In Progress`/`Final` game info, DST names with trailing spaces, quoted numbers
/// and extra columns. Every error names the file, the 1-based row and the field.
pub fn read_salaries(path: impl AsRef<Path>) -> Result<SalaryFile, IoError> {
    read_salaries_in(path.as_ref(), &PathScope::Anywhere)
}

/// [`read_salaries`] of a file that must lie within `scope`.
pub fn read_salaries_in(path: &Path, scope: &PathScope) -> Result<SalaryFile, IoError> {
    let rows = table::read_rows(path, FileRole::Salaries, scope)?;
    let header_at = rows.iter().position(is_header).ok_or_else(|| {
        IoError::file(
            path,
            format!(
                "no DraftKings salary header found (expected columns such as {})",
                KNOWN_COLUMNS.join(", ")
            ),
        )
    })?;
    let header = Header::new(&rows[header_at]);
    let cols = Columns::locate(path, &header)?;
    let layout = if header_at == 0 {
        SalaryLayout::Salaries
    } else {
        SalaryLayout::EntriesPool
    };
    let mut players = Vec::new();
    for row in &rows[header_at + 1..] {
        if row.is_blank_in(cols.first, header.names.len()) {
            continue;
        }
        table::check_complete(path, &header, row)?;
        players.push(read_row(path, &cols, row)?);
    }
    if players.is_empty() {
        return Err(IoError::file(path, "the salary table has no player rows"));
    }
    Ok(SalaryFile {
        path: path.to_owned(),
        layout,
        rows: players,
    })
}

fn is_header(row: &Row) -> bool {
    let known = row
        .cells
        .iter()
        .filter(|c| KNOWN_COLUMNS.contains(&c.trim()))
        .count();
    known >= MIN_KNOWN_COLUMNS
}

fn read_row(path: &Path, cols: &Columns, row: &Row) -> Result<SalaryRow, IoError> {
    let dk_id = table::required(path, row, "ID", cols.id, parse_id)?;
    let name = strip_locked(row.cell(cols.name)).to_owned();
    if name.is_empty() {
        return Err(IoError::field(path, row.line, "Name", "value is missing"));
    }
    let positions = split_positions(row.cell(cols.position));
    if positions.is_empty() {
        return Err(IoError::field(
            path,
            row.line,
            "Position",
            "value is missing",
        ));
    }
    let salary = table::required(path, row, "Salary", cols.salary, table::parse_dollars)?;
    let team = row.cell(cols.team).to_owned();
    if team.is_empty() {
        return Err(IoError::field(
            path,
            row.line,
            "TeamAbbrev",
            "value is missing",
        ));
    }
    let game = GameInfo::parse(row.cell(cols.game_info))
        .map_err(|m| IoError::field(path, row.line, "Game Info", m))?;
    let avg_points = match cols.avg_points {
        Some(i) => table::parse_f64(row.cell(i), "a number of points")
            .map_err(|m| IoError::field(path, row.line, "AvgPointsPerGame", m))?,
        None => None,
    };
    let marked = cols
        .name_id
        .is_some_and(|i| row.cell(i).contains(LOCKED_MARKER));
    Ok(SalaryRow {
        row: row.line,
        dk_id,
        name,
        positions,
        roster_position: cols
            .roster_position
            .map_or_else(String::new, |i| row.cell(i).to_owned()),
        salary,
        locked: marked || game.started(),
        game,
        team,
        avg_points,
    })
}

fn parse_id(raw: &str) -> Result<Option<i64>, String> {
    let s = raw.trim();
    if s.is_empty() {
        return Ok(None);
    }
    s.parse::<i64>()
        .map(Some)
        .map_err(|_| format!("{s:?} is not a DraftKings player id (a whole number)"))
}

fn strip_locked(name: &str) -> &str {
    name.trim()
        .strip_suffix(LOCKED_MARKER)
        .map_or(name.trim(), str::trim_end)
}

fn split_positions(raw: &str) -> Vec<String> {
    raw.split('/')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn game_info_forms() {
        assert_eq!(
            GameInfo::parse("OKC@WAS 01/12/2025 06:00PM ET"),
            Ok(GameInfo::Scheduled {
                away: "OKC".into(),
                home: "WAS".into(),
                start: "01/12/2025 06:00PM ET".into()
            })
        );
        assert_eq!(
            GameInfo::parse("NO@GS 1/2/2025 9:30 am ET"),
            Ok(GameInfo::Scheduled {
                away: "NO".into(),
                home: "GS".into(),
                start: "1/2/2025 9:30 am ET".into()
            })
        );
        assert_eq!(GameInfo::parse(" In Progress "), Ok(GameInfo::InProgress));
        assert_eq!(GameInfo::parse("Final"), Ok(GameInfo::Final));
        assert_eq!(
            GameInfo::parse("Postponed"),
            Ok(GameInfo::Other("Postponed".into()))
        );
        assert!(GameInfo::Final.started());
        for bad in [
            "",
            "garbage",
            "OKC@WAS",
            "OKC@ 01/12/2025 06:00PM ET",
            "OKC@OKC 01/12/2025 06:00PM ET",
            "OKC@WAS 13/12/2025 06:00PM ET",
            "OKC@WAS 01/12/2025 06:61PM ET",
            "OKC@WAS 01/12/2025 06:00XM ET",
            "OKC@WAS 01/12/2025 06:00PM",
            "OKC@WAS 01/12/2025 06:00PM ET extra",
            "OKC@WAS tomorrow 06:00PM ET",
        ] {
            let err = GameInfo::parse(bad).unwrap_err();
            assert!(err.contains("is not a game"), "{bad:?}: {err}");
        }
        let long = "x".repeat(500);
        assert!(GameInfo::parse(&long).unwrap_err().len() < 200);
    }

    #[test]
    fn locked_marker_and_positions() {
        assert_eq!(strip_locked("Trae Young (LOCKED)"), "Trae Young");
        assert_eq!(strip_locked("Ravens "), "Ravens");
        assert_eq!(split_positions("PF/C"), ["PF", "C"]);
    }
}
