//! A real contest in one folder, as a backtest replays it: a salary pool
//! (`DKSalaries.csv`, or the pool inside a `DKEntries.csv`), a projections file
//! made before lock, a payout table and a FINAL contest-standings export. The
//! files are told apart by their header rows, whatever they are called.

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::IoError;

/// The files of one real contest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContestFolder {
    pub dir: PathBuf,
    /// `DKSalaries` layout when the folder has one, else a `DKEntries` file's pool.
    pub salaries: PathBuf,
    pub projections: Option<PathBuf>,
    pub payouts: PathBuf,
    pub standings: PathBuf,
    /// The contest's name: the payout table's file name without `.csv`.
    pub name: String,
}

/// What a CSV's header row says it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Payouts,
    Standings,
    Salaries,
    Entries,
    Other,
}

fn kind_of(header: &str) -> Kind {
    let cells: Vec<&str> = header.split(',').map(str::trim).collect();
    let has = |name: &str| cells.contains(&name);
    if has("Place") && has("Payout") {
        Kind::Payouts
    } else if has("Rank") && has("EntryId") && has("Lineup") {
        Kind::Standings
    } else if has("Entry ID") && has("Contest Name") {
        Kind::Entries
    } else if has("Name + ID") && has("Roster Position") && has("Salary") {
        Kind::Salaries
    } else {
        Kind::Other
    }
}

/// The first line of a file (a UTF-8 BOM stripped), read from its first 64 KiB.
fn header_line(path: &Path) -> Result<String, IoError> {
    let mut head = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(64 * 1024).read_to_end(&mut head))
        .map_err(|e| IoError::io(path, e))?;
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&head);
    let text = String::from_utf8_lossy(head);
    Ok(text.lines().next().unwrap_or("").to_string())
}

/// Finds a contest's files in `dir` by their headers. Exactly one payout table
/// and one standings export must be there; a `DKSalaries` file is preferred to a
/// `DKEntries` pool; any other CSV is the projections (at most one).
pub fn detect_contest_folder(dir: &Path) -> Result<ContestFolder, IoError> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| IoError::io(dir, e))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x.eq_ignore_ascii_case("csv")))
        .collect();
    files.sort();
    let mut by_kind: Vec<(Kind, PathBuf)> = Vec::with_capacity(files.len());
    for f in files {
        by_kind.push((kind_of(&header_line(&f)?), f));
    }
    let of = |kind: Kind| -> Vec<PathBuf> {
        by_kind
            .iter()
            .filter(|(k, _)| *k == kind)
            .map(|(_, p)| p.clone())
            .collect()
    };
    let one = |kind: Kind, what: &str| -> Result<Option<PathBuf>, IoError> {
        let found = of(kind);
        match found.as_slice() {
            [] => Ok(None),
            [only] => Ok(Some(only.clone())),
            many => Err(IoError::file(
                dir,
                format!(
                    "{} files look like the {what}: {}; keep one",
                    many.len(),
                    names(many)
                ),
            )),
        }
    };
    let need = |found: Option<PathBuf>, what: &str| {
        found.ok_or_else(|| IoError::file(dir, format!("no {what} found among its CSV files")))
    };
    let payouts = need(
        one(Kind::Payouts, "payout table")?,
        "payout table (Place,Payout,...)",
    )?;
    let standings = need(
        one(Kind::Standings, "contest standings")?,
        "contest-standings export (Rank,EntryId,...,Lineup)",
    )?;
    let salaries = match one(Kind::Salaries, "salary file")? {
        Some(s) => s,
        None => need(
            one(Kind::Entries, "DKEntries file")?,
            "salary file (DKSalaries.csv or DKEntries.csv)",
        )?,
    };
    let projections = one(Kind::Other, "projections")?;
    let name = payouts
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    Ok(ContestFolder {
        dir: dir.to_path_buf(),
        salaries,
        projections,
        payouts,
        standings,
        name,
    })
}

fn names(paths: &[PathBuf]) -> String {
    paths
        .iter()
        .filter_map(|p| p.file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    fn write(dir: &Path, name: &str, text: &str) {
        std::fs::write(dir.join(name), text).unwrap();
    }

    #[test]
    fn files_are_told_apart_by_their_headers() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        write(
            d,
            "60K Four Point Play.csv",
            "Place,Payout,Field Size,Entry Fee\n1,10,5,4\n",
        );
        write(
            d,
            "standings.csv",
            "\u{feff}Rank,EntryId,EntryName,TimeRemaining,Points,Lineup,,Player\n",
        );
        write(
            d,
            "entries.csv",
            "Entry ID,Contest Name,Contest ID,Entry Fee,PG\n",
        );
        write(d, "proj.csv", "Name,Team,Fpts\n");
        let found = detect_contest_folder(d).unwrap();
        assert_eq!(found.payouts, d.join("60K Four Point Play.csv"));
        assert_eq!(found.standings, d.join("standings.csv"));
        assert_eq!(found.salaries, d.join("entries.csv"), "the DKEntries pool");
        assert_eq!(found.projections, Some(d.join("proj.csv")));
        assert_eq!(found.name, "60K Four Point Play");

        // A DKSalaries file is preferred to the pool.
        write(
            d,
            "DKSalaries.csv",
            "Position,Name + ID,Name,ID,Roster Position,Salary,Game Info\n",
        );
        assert_eq!(
            detect_contest_folder(d).unwrap().salaries,
            d.join("DKSalaries.csv")
        );

        // Two candidates for one role: an error naming both.
        write(d, "other proj.csv", "Name,Team,Proj\n");
        let err = detect_contest_folder(d).unwrap_err().to_string();
        assert!(
            err.contains("other proj.csv") && err.contains("proj.csv"),
            "{err}"
        );
        std::fs::remove_file(d.join("other proj.csv")).unwrap();
        std::fs::remove_file(d.join("standings.csv")).unwrap();
        let err = detect_contest_folder(d).unwrap_err().to_string();
        assert!(err.contains("no contest-standings export"), "{err}");
    }
}
