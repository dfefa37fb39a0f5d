//! Small synthetic slates, contests and lineups for the simulator's tests.
#![allow(dead_code)]

use schemas::{
    CandidateLineup, Contest, CorrelationSource, FieldEntrant, Game, Marginal, PayoutTier, Player,
    SimConfig, Slate, SlotRule, SportRules,
};

/// A 3-slot sport where every player fits every slot.
pub fn rules() -> SportRules {
    let slot = |n: &str| SlotRule {
        name: n.into(),
        eligible: vec!["X".into()],
    };
    SportRules {
        name: "tiny".into(),
        sport: "TEST".into(),
        positions: vec!["X".into()],
        slots: vec![slot("A"), slot("B"), slot("C")],
        salary_cap: 50_000,
        min_games: 1,
        max_players_per_team: None,
        captain: None,
        default_std_dev_ratio: 0.3,
    }
}

/// A slate of players given as `(projection, std_dev)`; DK ids are `1000 + index`.
pub fn slate(players: &[(f64, f64)]) -> Slate {
    Slate {
        id: "s".into(),
        rules: rules(),
        games: vec![Game {
            key: "AAA@BBB".into(),
            away: "AAA".into(),
            home: "BBB".into(),
            start: None,
        }],
        players: players
            .iter()
            .enumerate()
            .map(|(i, &(projection, std_dev))| Player {
                dk_id: 1000 + i as i64,
                name: format!("P{i}"),
                positions: vec!["X".into()],
                slot_mask: 0b111,
                team: if i % 2 == 0 { "AAA" } else { "BBB" }.into(),
                opponent: None,
                game: 0,
                salary: 5_000,
                projection,
                std_dev,
                ownership: 0.1,
                ceiling: None,
                floor: None,
                minutes: None,
                field_projection: None,
                locked: false,
                captain_of: None,
            })
            .collect(),
    }
}

/// A contest from `(first, last, prize)` tiers.
pub fn contest(entry_fee: f64, field_size: u32, tiers: &[(u32, u32, f64)]) -> Contest {
    Contest {
        id: "c".into(),
        name: "test".into(),
        entry_fee,
        field_size,
        max_entries: 150,
        payouts: tiers
            .iter()
            .map(|&(first, last, prize)| PayoutTier { first, last, prize })
            .collect(),
    }
}

pub fn entrant(players: &[u32], copies: u32) -> FieldEntrant {
    FieldEntrant {
        players: players.to_vec(),
        player_ids: players.iter().map(|&p| 1000 + i64::from(p)).collect(),
        copies,
        salary: 15_000,
        proj: 0.0,
    }
}

pub fn candidate(lineup_id: u32, players: &[u32]) -> CandidateLineup {
    CandidateLineup {
        lineup_id,
        variant_id: 0,
        rank_in_variant: 1,
        players: players.to_vec(),
        player_ids: players.iter().map(|&p| 1000 + i64::from(p)).collect(),
        salary: 15_000,
        proj: 0.0,
        score: 0.0,
    }
}

pub fn config(iterations: u32, max_exposure: f64) -> SimConfig {
    SimConfig {
        iterations,
        max_exposure,
        marginal: Marginal::Normal,
        correlations: CorrelationSource::Independent,
        // The plain model: projections as means, std devs as given, no duds.
        projection_weight: 1.0,
        field_projection_weight: 0.0,
        projection_alone_weight: 1.0,
        std_dev_scale: 1.0,
        dud_rate: 0.0,
        field_news: 0.0,
        ..SimConfig::default()
    }
}

/// Every 3-player set of `players`, in lexicographic order.
pub fn triples(players: &[u32]) -> Vec<[u32; 3]> {
    let mut out = Vec::new();
    for (i, &a) in players.iter().enumerate() {
        for (j, &b) in players.iter().enumerate().skip(i + 1) {
            for &c in &players[j + 1..] {
                out.push([a, b, c]);
            }
        }
    }
    out
}

/// A slate of `n` players with varied projections and std devs.
pub fn varied_slate(n: usize) -> Slate {
    let players: Vec<(f64, f64)> = (0..n)
        .map(|i| (8.0 + (i * 7 % 13) as f64, 2.0 + (i % 5) as f64))
        .collect();
    slate(&players)
}
