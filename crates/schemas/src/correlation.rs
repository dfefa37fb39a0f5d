use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::ContractError;

/// How correlated two players' fantasy points are within one game, by position
/// pair: the parameters of the simulator's per-game Gaussian copula
/// (`configs/correlations/*.yaml`, one table per sport).
///
/// A coefficient is the correlation of the two players' *normal scores*
/// (`Φ⁻¹` of each one's outcome quantile), which the copula keeps whatever the
/// marginal; their rank correlation is `(6/π)·asin(ρ/2)`. Players of different
/// games are independent.
///
/// Pairs are symmetric: `same_team.QB.WR` is the correlation of a QB and a WR of
/// the same team, the same number as `same_team.WR.QB`, so give each pair once
/// (both orders are accepted when equal). `opponent.QB.WR` is a QB and a WR of
/// the team he plays against (equally `opponent.WR.QB`). Pairs not given are 0.
///
/// A player listed at several positions (`PG/SG`) takes, for each pair, the
/// mean of the coefficients over his positions (and the other player's).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CorrelationTable {
    /// The sport the table is for, as in the sport rules' `sport` (e.g. `NBA`).
    pub sport: String,
    /// Positions the table may name (those of the sport's rules).
    pub positions: Vec<String>,
    /// Teammates: `same_team[A][B]`, the correlation of an A and a B of one team.
    #[serde(default)]
    pub same_team: BTreeMap<String, BTreeMap<String, f64>>,
    /// Opponents: `opponent[A][B]`, an A and a B of the two teams of one game.
    #[serde(default)]
    pub opponent: BTreeMap<String, BTreeMap<String, f64>>,
}

/// Which side of a game a pair of players is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PairKind {
    /// Both players are on one team.
    SameTeam,
    /// The players are on the two teams of one game.
    Opponent,
}

impl CorrelationTable {
    /// Checks the table: positions declared once, every key a declared position,
    /// every coefficient a finite number in [-1, 1], and a pair given in both
    /// orders given equal. Errors name the field, e.g. `same_team.QB.WR`.
    pub fn validate(&self) -> Result<(), ContractError> {
        let what = |field: &str| format!("correlations {}: {field}", self.sport);
        if self.sport.trim().is_empty() {
            return Err(ContractError::invalid(what("sport"), "is empty"));
        }
        if self.positions.is_empty() {
            return Err(ContractError::invalid(what("positions"), "no positions"));
        }
        for (i, p) in self.positions.iter().enumerate() {
            if self.positions[..i]
                .iter()
                .any(|q| q.eq_ignore_ascii_case(p))
            {
                return Err(ContractError::invalid(
                    what("positions"),
                    format!("{p} appears twice"),
                ));
            }
        }
        for (name, pairs) in [("same_team", &self.same_team), ("opponent", &self.opponent)] {
            for (a, row) in pairs {
                if !self.knows(a) {
                    return Err(ContractError::invalid(
                        what(&format!("{name}.{a}")),
                        format!(
                            "unknown position {a} (positions: {})",
                            self.positions.join(", ")
                        ),
                    ));
                }
                for (b, &v) in row {
                    let field = what(&format!("{name}.{a}.{b}"));
                    if !self.knows(b) {
                        return Err(ContractError::invalid(
                            field,
                            format!(
                                "unknown position {b} (positions: {})",
                                self.positions.join(", ")
                            ),
                        ));
                    }
                    if !(v.is_finite() && (-1.0..=1.0).contains(&v)) {
                        return Err(ContractError::invalid(
                            field,
                            format!("must be a number in [-1, 1], got {v}"),
                        ));
                    }
                    if let Some(w) = lookup(pairs, b, a)
                        && w != v
                    {
                        return Err(ContractError::invalid(
                            field,
                            format!("{v}, but {name}.{b}.{a} is {w}: a pair has one coefficient"),
                        ));
                    }
                }
            }
        }
        Ok(())
    }

    /// True when the table declares this position (case-insensitive).
    pub fn knows(&self, position: &str) -> bool {
        self.positions
            .iter()
            .any(|p| p.eq_ignore_ascii_case(position))
    }

    /// The coefficient of one position pair (0 when not given), either order.
    pub fn coefficient(&self, kind: PairKind, a: &str, b: &str) -> f64 {
        let pairs = match kind {
            PairKind::SameTeam => &self.same_team,
            PairKind::Opponent => &self.opponent,
        };
        lookup(pairs, a, b)
            .or_else(|| lookup(pairs, b, a))
            .unwrap_or(0.0)
    }

    /// The coefficient of two players by their listed positions: the mean over
    /// every pair of one position of each (0 when either list is empty).
    pub fn pair(&self, kind: PairKind, a: &[String], b: &[String]) -> f64 {
        if a.is_empty() || b.is_empty() {
            return 0.0;
        }
        let mut sum = 0.0;
        for pa in a {
            for pb in b {
                sum += self.coefficient(kind, pa, pb);
            }
        }
        sum / (a.len() * b.len()) as f64
    }
}

/// `pairs[a][b]`, keys matched case-insensitively.
fn lookup(pairs: &BTreeMap<String, BTreeMap<String, f64>>, a: &str, b: &str) -> Option<f64> {
    let row = pairs
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(a))
        .map(|(_, r)| r)?;
    row.iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(b))
        .map(|(_, &v)| v)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> CorrelationTable {
        let mut same_team = BTreeMap::new();
        same_team.insert(
            "QB".to_string(),
            BTreeMap::from([("WR".to_string(), 0.4), ("RB".to_string(), 0.1)]),
        );
        let mut opponent = BTreeMap::new();
        opponent.insert("QB".to_string(), BTreeMap::from([("WR".to_string(), 0.2)]));
        CorrelationTable {
            sport: "NFL".into(),
            positions: ["QB", "RB", "WR"].map(String::from).to_vec(),
            same_team,
            opponent,
        }
    }

    #[test]
    fn lookups_are_symmetric_and_default_to_zero() {
        let t = table();
        t.validate().unwrap();
        assert_eq!(t.coefficient(PairKind::SameTeam, "QB", "WR"), 0.4);
        assert_eq!(t.coefficient(PairKind::SameTeam, "wr", "qb"), 0.4);
        assert_eq!(t.coefficient(PairKind::Opponent, "WR", "QB"), 0.2);
        assert_eq!(t.coefficient(PairKind::SameTeam, "WR", "WR"), 0.0);
        let qb = vec!["QB".to_string()];
        let multi = vec!["WR".to_string(), "RB".to_string()];
        assert!((t.pair(PairKind::SameTeam, &qb, &multi) - 0.25).abs() < 1e-12);
        assert_eq!(t.pair(PairKind::SameTeam, &qb, &[]), 0.0);
    }

    #[test]
    fn bad_tables_name_the_field() {
        let mut t = table();
        t.same_team.get_mut("QB").unwrap().insert("WR".into(), 1.5);
        let e = t.validate().unwrap_err().to_string();
        assert!(
            e.contains("same_team.QB.WR") && e.contains("[-1, 1]"),
            "{e}"
        );

        let mut t = table();
        t.opponent
            .insert("K".into(), BTreeMap::from([("QB".to_string(), 0.1)]));
        let e = t.validate().unwrap_err().to_string();
        assert!(
            e.contains("opponent.K") && e.contains("unknown position K"),
            "{e}"
        );

        let mut t = table();
        t.same_team
            .insert("WR".into(), BTreeMap::from([("QB".to_string(), 0.3)]));
        let e = t.validate().unwrap_err().to_string();
        assert!(e.contains("one coefficient"), "{e}");

        let mut t = table();
        t.same_team
            .insert("WR".into(), BTreeMap::from([("QB".to_string(), 0.4)]));
        t.validate().unwrap();

        let mut t = table();
        t.positions.push("qb".into());
        assert!(t.validate().unwrap_err().to_string().contains("twice"));

        let mut t = table();
        t.opponent
            .get_mut("QB")
            .unwrap()
            .insert("RB".into(), f64::NAN);
        assert!(t.validate().is_err());
    }
}
