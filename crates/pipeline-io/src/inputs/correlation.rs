//! Correlation tables of the simulator's copula (`configs/correlations/*.yaml`):
//! the tables built into the binary, one per sport, and reading a user's file.

use std::path::Path;

use schemas::CorrelationTable;

use super::open::{FileRole, PathScope, read_text};
use crate::IoError;

/// The tables shipped in `configs/correlations/`, embedded so that the binary
/// works from any directory: `(sport, yaml)`.
const BUILTIN: &[(&str, &str)] = &[
    (
        "NBA",
        include_str!("../../../../configs/correlations/nba.yaml"),
    ),
    (
        "NFL",
        include_str!("../../../../configs/correlations/nfl.yaml"),
    ),
];

/// Reads and validates a correlation table from a YAML file. Errors name the
/// file, and the line or the field (`same_team.QB.WR`) at fault.
pub fn load_correlations(path: impl AsRef<Path>) -> Result<CorrelationTable, IoError> {
    load_correlations_in(path.as_ref(), &PathScope::Anywhere)
}

/// [`load_correlations`] for a file that must lie within `scope` (the HTTP server's
/// data root); see [`super::read_input`].
pub fn load_correlations_in(path: &Path, scope: &PathScope) -> Result<CorrelationTable, IoError> {
    parse_correlations(path, &read_text(path, FileRole::Correlations, scope)?)
}

/// Parses correlation table YAML; `path` is only used in errors.
pub fn parse_correlations(path: &Path, text: &str) -> Result<CorrelationTable, IoError> {
    let table: CorrelationTable = serde_norway::from_str(text).map_err(|e| match e.location() {
        Some(loc) => IoError::field(
            path,
            loc.line() as u64,
            "correlations",
            format!("not a valid correlation table: {e}"),
        ),
        None => IoError::file(path, format!("not a valid correlation table: {e}")),
    })?;
    table
        .validate()
        .map_err(|e| IoError::file(path, e.to_string()))?;
    Ok(table)
}

/// The table built in for a sport (`NBA`, `NFL`; case-insensitive), `None`
/// for a sport without one.
pub fn builtin_correlations(sport: &str) -> Option<CorrelationTable> {
    let (name, yaml) = BUILTIN
        .iter()
        .find(|(s, _)| s.eq_ignore_ascii_case(sport.trim()))?;
    let file = format!("builtin:correlations/{}.yaml", name.to_ascii_lowercase());
    parse_correlations(Path::new(&file), yaml).ok()
}

/// Sports with a builtin table.
pub fn builtin_correlation_sports() -> Vec<&'static str> {
    BUILTIN.iter().map(|(s, _)| *s).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use schemas::PairKind;

    #[test]
    fn builtin_tables_load_and_match_their_sports() {
        for sport in builtin_correlation_sports() {
            let t = builtin_correlations(sport).unwrap();
            assert_eq!(t.sport, sport);
            let rules = crate::inputs::builtin_sport(sport).unwrap();
            assert_eq!(t.positions, rules.positions, "{sport}");
        }
        assert!(builtin_correlations("nba").is_some());
        assert!(builtin_correlations("MLB").is_none());
    }

    #[test]
    fn config_files_match_the_builtin_copies() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../configs/correlations");
        for sport in builtin_correlation_sports() {
            let file = dir.join(format!("{}.yaml", sport.to_ascii_lowercase()));
            assert_eq!(
                Some(load_correlations(file).unwrap()),
                builtin_correlations(sport)
            );
        }
    }

    #[test]
    fn sim_configs_name_the_table_three_ways() {
        use schemas::{CorrelationSource, Marginal, SimConfig};
        let p = Path::new("sim.yaml");
        let c: SimConfig =
            crate::config::parse_config(p, "correlations: none\nmarginal: gamma\n").unwrap();
        assert_eq!(c.correlations, CorrelationSource::Independent);
        assert_eq!(c.marginal, Marginal::Gamma);
        let c: SimConfig =
            crate::config::parse_config(p, "correlations: tables/nfl.yaml\n").unwrap();
        assert_eq!(
            c.correlations,
            CorrelationSource::File("tables/nfl.yaml".into())
        );
        let c: SimConfig = crate::config::parse_config(p, "correlations: builtin\n").unwrap();
        assert_eq!(c, SimConfig::default());
        let err = crate::config::parse_config::<SimConfig>(p, "marginal: weibull\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("sim.yaml") && err.contains("weibull"), "{err}");
    }

    #[test]
    fn errors_name_the_file_and_the_field() {
        let p = Path::new("corr.yaml");
        let err = parse_correlations(
            p,
            "sport: NFL\npositions: [QB, WR]\nsame_team: {QB: {WR: 1.4}}\n",
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.starts_with("corr.yaml") && err.contains("same_team.QB.WR"),
            "{err}"
        );
        let err = parse_correlations(p, "sport: NFL\npositions: [QB]\nsame_tem: {}\n")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("corr.yaml") && err.contains("same_tem"),
            "{err}"
        );
        let err = parse_correlations(p, "sport: NFL\npositions: [QB]\nopponent: {QB: {K: 0.1}}\n")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("opponent.QB.K") && err.contains("unknown position K"),
            "{err}"
        );
        let ok = parse_correlations(
            p,
            "sport: NFL\npositions: [QB, WR]\nopponent: {WR: {QB: 0.2}}\n",
        )
        .unwrap();
        assert_eq!(ok.coefficient(PairKind::Opponent, "QB", "WR"), 0.2);
        let err = load_correlations("/definitely/not/here.yaml")
            .unwrap_err()
            .to_string();
        assert!(err.contains("/definitely/not/here.yaml"), "{err}");
    }
}
