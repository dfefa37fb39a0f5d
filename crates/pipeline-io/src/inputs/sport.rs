//! Sport rules from YAML (`configs/sports/*.yaml`), the rules built into the
//! binary, and detecting the sport of a salary file from its positions.

use std::collections::BTreeSet;
use std::path::Path;

use schemas::SportRules;

use super::SalaryFile;
use super::open::{FileRole, PathScope, read_text};
use crate::IoError;

/// The sport files shipped in `configs/sports/`, embedded so that the binary
/// works from any directory: `(name, yaml)`.
const BUILTIN: &[(&str, &str)] = &[
    (
        "nba_classic",
        include_str!("../../../../configs/sports/nba_classic.yaml"),
    ),
    (
        "nfl_classic",
        include_str!("../../../../configs/sports/nfl_classic.yaml"),
    ),
    (
        "nba_showdown",
        include_str!("../../../../configs/sports/nba_showdown.yaml"),
    ),
    (
        "nfl_showdown",
        include_str!("../../../../configs/sports/nfl_showdown.yaml"),
    ),
];

/// Short names users type for the builtin rules.
const ALIASES: &[(&str, &str)] = &[
    ("nba", "nba_classic"),
    ("nfl", "nfl_classic"),
    ("nba-showdown", "nba_showdown"),
    ("nfl-showdown", "nfl_showdown"),
];

/// Reads and validates sport rules from a YAML file.
pub fn load_sport_rules(path: impl AsRef<Path>) -> Result<SportRules, IoError> {
    let path = path.as_ref();
    parse_sport_rules(
        path,
        &read_text(path, FileRole::SportRules, &PathScope::Anywhere)?,
    )
}

fn parse_sport_rules(path: &Path, text: &str) -> Result<SportRules, IoError> {
    let rules: SportRules = serde_norway::from_str(text)
        .map_err(|e| IoError::file(path, format!("not valid sport rules: {e}")))?;
    rules
        .validate()
        .map_err(|e| IoError::file(path, e.to_string()))?;
    Ok(rules)
}

/// The rules built into the binary: `nba_classic` / `nba`, `nfl_classic` / `nfl`,
/// `nba_showdown`, `nfl_showdown` (case-insensitive). `None` for any other name.
pub fn builtin_sport(name: &str) -> Option<SportRules> {
    let name = name.trim().to_ascii_lowercase();
    let name = ALIASES
        .iter()
        .find(|(alias, _)| *alias == name)
        .map_or(name.as_str(), |(_, full)| full);
    let (file, yaml) = BUILTIN.iter().find(|(n, _)| *n == name)?;
    parse_sport_rules(Path::new(&format!("builtin:{file}.yaml")), yaml).ok()
}

/// Names of the builtin rules, for help texts and error messages.
pub fn builtin_sport_names() -> Vec<&'static str> {
    BUILTIN.iter().map(|(n, _)| *n).collect()
}

/// Whether a salary row is a captain row under `rules`: its `Roster Position`
/// names the captain slot (`CPT`).
pub(crate) fn is_captain_row(rules: &SportRules, roster_position: &str) -> bool {
    rules.captain.as_ref().is_some_and(|c| {
        roster_position
            .split('/')
            .any(|p| p.trim().eq_ignore_ascii_case(&c.slot))
    })
}

/// Picks the builtin rules that fit the salary file: its positions all known to the
/// rules, and captain rows (a `Roster Position` naming the rules' captain slot, `CPT`)
/// present exactly when the rules have a captain. QB/RB/WR/TE/DST: NFL classic;
/// PG/SG/SF/PF/C: NBA classic; the same with CPT rows (and K in NFL): showdown.
///
/// A mix no builtin sport knows is refused; the error lists the positions.
pub fn detect_sport(salaries: &SalaryFile) -> Result<SportRules, IoError> {
    let path = salaries.path.as_path();
    if salaries.rows.is_empty() {
        return Err(IoError::file(path, "no players, so no sport to detect"));
    }
    let present: BTreeSet<&str> = salaries
        .rows
        .iter()
        .flat_map(|r| r.positions.iter().map(String::as_str))
        .collect();
    let all: Vec<SportRules> = builtin_sport_names()
        .into_iter()
        .filter_map(builtin_sport)
        .collect();
    // A row is a captain row if it names the captain slot of any builtin showdown.
    let captain_rows = salaries.rows.iter().any(|r| {
        all.iter()
            .any(|rules| is_captain_row(rules, &r.roster_position))
    });
    for rules in all {
        if rules.captain.is_some() == captain_rows
            && present.iter().all(|p| rules.position_bit(p).is_some())
        {
            return Ok(rules);
        }
    }
    Err(IoError::file(
        path,
        format!(
            "cannot tell the sport from positions {}{}: no builtin rules ({}) cover them all",
            present.into_iter().collect::<Vec<_>>().join(", "),
            if captain_rows {
                " with captain (CPT) rows"
            } else {
                ""
            },
            builtin_sport_names().join(", ")
        ),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_rules_load_and_validate() {
        let nba = builtin_sport("nba").unwrap();
        assert_eq!(nba.name, "nba_classic");
        assert_eq!(
            nba.slot_names(),
            ["PG", "SG", "SF", "PF", "C", "G", "F", "UTIL"]
        );
        assert_eq!((nba.salary_cap, nba.min_games), (50_000, 2));
        assert!((nba.default_std_dev_ratio - 0.35).abs() < 1e-12);
        let nfl = builtin_sport("NFL_classic").unwrap();
        assert_eq!(
            nfl.slot_names(),
            ["QB", "RB", "RB", "WR", "WR", "WR", "TE", "FLEX", "DST"]
        );
        assert_eq!((nfl.salary_cap, nfl.min_games), (50_000, 2));
        assert!((nfl.default_std_dev_ratio - 0.45).abs() < 1e-12);
        assert!(builtin_sport("mlb").is_none());
    }

    #[test]
    fn showdown_rules_have_a_captain_and_five_others() {
        for (name, flex) in [("nba_showdown", "UTIL"), ("nfl_showdown", "FLEX")] {
            let r = builtin_sport(name).unwrap();
            assert_eq!(r.slot_names(), ["CPT", flex, flex, flex, flex, flex]);
            assert_eq!((r.salary_cap, r.min_games), (50_000, 1));
            assert_eq!(r.max_players_per_team, Some(5));
            let c = r.captain.as_ref().unwrap();
            assert_eq!((c.slot.as_str(), c.multiplier), ("CPT", 1.5));
            assert_eq!(r.captain_slots(), 1);
        }
        let nfl = builtin_sport("nfl_showdown").unwrap();
        assert!(nfl.position_bit("K").is_some());
        assert!(
            builtin_sport("nfl_classic")
                .unwrap()
                .position_bit("K")
                .is_none()
        );
        assert_eq!(builtin_sport("nba_classic").unwrap().captain_slots(), 0);
    }

    #[test]
    fn flex_takes_rb_wr_te_but_not_qb() {
        let nfl = builtin_sport("nfl").unwrap();
        let flex = 1 << 7;
        assert_ne!(nfl.slot_mask(&["TE".into()]) & flex, 0);
        assert_eq!(nfl.slot_mask(&["QB".into()]) & flex, 0);
    }

    #[test]
    fn config_files_match_the_builtin_copies() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../configs/sports");
        for name in builtin_sport_names() {
            let from_file = load_sport_rules(dir.join(format!("{name}.yaml"))).unwrap();
            assert_eq!(Some(from_file), builtin_sport(name));
        }
    }

    #[test]
    fn bad_yaml_is_an_error_naming_the_file() {
        let err = parse_sport_rules(Path::new("x.yaml"), "name: [").unwrap_err();
        assert!(err.to_string().starts_with("x.yaml: not valid sport rules"));
        let yaml = include_str!("../../../../configs/sports/nba_classic.yaml")
            .replace("salary_cap: 50000", "salary_cap: 0");
        let err = parse_sport_rules(Path::new("x.yaml"), &yaml).unwrap_err();
        assert!(err.to_string().contains("salary_cap is 0"), "{err}");
    }
}
