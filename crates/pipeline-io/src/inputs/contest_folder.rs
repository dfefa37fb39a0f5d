//! A real contest in one folder, as a backtest replays it: a salary pool
//! (`DKSalaries.csv`, or the pool inside a `DKEntries.csv`), a projections file
//! made before lock, a payout table and a FINAL contest-standings export. The
//! files are told apart by their header rows, whatever they are called; an
//! optional `contest.yaml` names any of them when the headers leave it open.

use std::io::Read;
use std::path::{Component, Path, PathBuf};

use serde::Deserialize;

use crate::IoError;
use crate::config::read_config;

/// The optional file of a contest folder that names its files.
pub const CONTEST_MANIFEST: &str = "contest.yaml";

/// `contest.yaml`: file names in the folder, each overriding detection for its
/// role, and the contest's name.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Named {
    salaries: Option<String>,
    projections: Option<String>,
    payouts: Option<String>,
    standings: Option<String>,
    name: Option<String>,
}

impl Named {
    /// The manifest of `dir`, or all roles left to detection when there is none.
    fn read(dir: &Path) -> Result<Named, IoError> {
        let path = dir.join(CONTEST_MANIFEST);
        if !path.exists() {
            return Ok(Named::default());
        }
        read_config(&path)
    }

    /// The file a key names: a plain file name in `dir` that exists.
    fn file(dir: &Path, key: &str, name: Option<&String>) -> Result<Option<PathBuf>, IoError> {
        let Some(name) = name else { return Ok(None) };
        let manifest = dir.join(CONTEST_MANIFEST);
        let plain = Path::new(name)
            .components()
            .all(|c| matches!(c, Component::Normal(_)));
        if !plain || name.is_empty() {
            return Err(IoError::file(
                &manifest,
                format!("{key}: {name:?} is not a file name in the folder"),
            ));
        }
        let path = dir.join(name);
        if !path.is_file() {
            return Err(IoError::file(
                &manifest,
                format!("{key}: {name} is not a file in {}", dir.display()),
            ));
        }
        Ok(Some(path))
    }
}

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

/// Finds a contest's files in `dir`: those `contest.yaml` names, the others by
/// their headers among the remaining CSV files. Exactly one payout table and one
/// standings export must be there; a `DKSalaries` file is preferred to a
/// `DKEntries` pool; any other CSV is the projections (at most one).
pub fn detect_contest_folder(dir: &Path) -> Result<ContestFolder, IoError> {
    let named = Named::read(dir)?;
    let salaries_named = Named::file(dir, "salaries", named.salaries.as_ref())?;
    let projections_named = Named::file(dir, "projections", named.projections.as_ref())?;
    let payouts_named = Named::file(dir, "payouts", named.payouts.as_ref())?;
    let standings_named = Named::file(dir, "standings", named.standings.as_ref())?;
    let taken: Vec<&PathBuf> = [
        &salaries_named,
        &projections_named,
        &payouts_named,
        &standings_named,
    ]
    .into_iter()
    .flatten()
    .collect();
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| IoError::io(dir, e))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.is_file() && p.extension().is_some_and(|x| x.eq_ignore_ascii_case("csv")))
        .filter(|p| !taken.contains(&p))
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
    let payouts = match payouts_named {
        Some(p) => p,
        None => need(
            one(Kind::Payouts, "payout table")?,
            "payout table (Place,Payout,...)",
        )?,
    };
    let standings = match standings_named {
        Some(p) => p,
        None => need(
            one(Kind::Standings, "contest standings")?,
            "contest-standings export (Rank,EntryId,...,Lineup)",
        )?,
    };
    let salaries = match salaries_named {
        Some(p) => p,
        None => match one(Kind::Salaries, "salary file")? {
            Some(s) => s,
            None => need(
                one(Kind::Entries, "DKEntries file")?,
                "salary file (DKSalaries.csv or DKEntries.csv)",
            )?,
        },
    };
    let projections = match projections_named {
        Some(p) => Some(p),
        None => one(Kind::Other, "projections")?,
    };
    let name = named.name.unwrap_or_else(|| {
        payouts
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default()
    });
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

    #[test]
    fn contest_yaml_names_the_files_the_headers_leave_open() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        write(
            d,
            "payouts.csv",
            "Place,Payout,Field Size,Entry Fee\n1,10,5,4\n",
        );
        write(
            d,
            "final.csv",
            "Rank,EntryId,EntryName,TimeRemaining,Points,Lineup\n",
        );
        write(
            d,
            "DKSalaries.csv",
            "Position,Name + ID,Name,ID,Roster Position,Salary,Game Info\n",
        );
        // Two projection files: ambiguous by headers alone.
        write(d, "site a.csv", "Name,Team,Fpts\n");
        write(d, "site b.csv", "Name,Team,Proj\n");
        assert!(detect_contest_folder(d).is_err());
        write(
            d,
            "contest.yaml",
            "projections: site b.csv\nname: Night Owl\n",
        );
        let found = detect_contest_folder(d).unwrap();
        assert_eq!(found.projections, Some(d.join("site b.csv")));
        assert_eq!(found.name, "Night Owl");
        assert_eq!(found.standings, d.join("final.csv"), "still detected");
        // A name that is not a file of the folder, an unknown key, a path out:
        for (yaml, says) in [
            ("projections: site c.csv\n", "site c.csv is not a file"),
            ("projection: site b.csv\n", "unknown field"),
            (
                "payouts: ../payouts.csv\n",
                "is not a file name in the folder",
            ),
        ] {
            write(d, "contest.yaml", yaml);
            let err = detect_contest_folder(d).unwrap_err().to_string();
            assert!(
                err.contains("contest.yaml") && err.contains(says),
                "{yaml}: {err}"
            );
        }
    }
}
