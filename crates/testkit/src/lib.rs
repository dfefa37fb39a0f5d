//! Test fixtures shared by the crates' tests and benches (a dev-dependency only).
//!
//! Sport rules come from the same YAML the product ships (`configs/sports`), so
//! tests cannot drift from the real roster rules.

use schemas::{Game, Player, Slate, SportRules};

/// DraftKings NBA classic, from `configs/sports/nba_classic.yaml`.
pub fn nba_rules() -> SportRules {
    builtin("nba_classic")
}

/// DraftKings NFL classic, from `configs/sports/nfl_classic.yaml`.
pub fn nfl_rules() -> SportRules {
    builtin("nfl_classic")
}

fn builtin(name: &str) -> SportRules {
    match pipeline_io::inputs::builtin_sport(name) {
        Some(rules) => rules,
        None => panic!("the builtin sport {name} is missing"),
    }
}

/// A player with `positions` like `PG/SG` on team `T{team}`, playing team `T{team ^ 1}`
/// in game `team / 2`; std dev from the sport's ratio, ownership 0.1.
pub fn player(
    rules: &SportRules,
    id: i64,
    positions: &str,
    team: u32,
    salary: u32,
    proj: f64,
) -> Player {
    let positions: Vec<String> = positions.split('/').map(String::from).collect();
    Player {
        dk_id: id,
        name: format!("Player {id}"),
        slot_mask: rules.slot_mask(&positions),
        positions,
        team: format!("T{team}"),
        opponent: Some(format!("T{}", team ^ 1)),
        game: team / 2,
        salary,
        projection: proj,
        std_dev: proj * rules.default_std_dev_ratio,
        ownership: 0.1,
        ceiling: None,
        floor: None,
        minutes: None,
        field_projection: None,
        locked: false,
        captain_of: None,
    }
}

/// A slate of `players` over `games` games between teams `T0@T1`, `T2@T3`, ...
pub fn slate_of(rules: SportRules, games: u32, players: Vec<Player>) -> Slate {
    Slate {
        id: "test".into(),
        games: (0..games)
            .map(|g| Game {
                key: format!("T{}@T{}", 2 * g, 2 * g + 1),
                away: format!("T{}", 2 * g),
                home: format!("T{}", 2 * g + 1),
                start: None,
            })
            .collect(),
        rules,
        players,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_are_draftkings_classic() {
        let nba = nba_rules();
        assert_eq!(
            nba.slot_names(),
            ["PG", "SG", "SF", "PF", "C", "G", "F", "UTIL"]
        );
        assert_eq!((nba.salary_cap, nba.min_games), (50_000, 2));
        let nfl = nfl_rules();
        assert_eq!(
            nfl.slot_names(),
            ["QB", "RB", "RB", "WR", "WR", "WR", "TE", "FLEX", "DST"]
        );
        let p = player(&nfl, 1, "WR", 3, 5_000, 12.0);
        assert_eq!(
            p.slot_mask, 0b1011_1000,
            "WR fits the three WR slots and FLEX"
        );
        slate_of(nfl, 2, vec![p]).validate().unwrap();
    }
}
