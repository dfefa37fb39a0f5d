//! Stacks, groups, team and game counts, DST conflicts and ownership caps: the
//! solver against exhaustive enumeration with an independent rule checker.

mod common;

use common::*;
use optimizer::{Group, SolveRules, solve};
use rand::{Rng, SeedableRng};
use rand_pcg::Pcg64;
use schemas::{GameStack, Lineup, QbStack, Slate, TeamStack};

/// Every rule of `r` on a full lineup, written independently of the solver.
fn rules_ok(slate: &Slate, r: &SolveRules, l: &Lineup) -> bool {
    let ps: Vec<&schemas::Player> = l
        .players
        .iter()
        .map(|&i| &slate.players[i as usize])
        .collect();
    let has = |p: &schemas::Player, pos: &str| p.positions.iter().any(|x| x == pos);
    let count = |f: &dyn Fn(&schemas::Player) -> bool| ps.iter().filter(|p| f(p)).count() as u32;
    let mut teams: Vec<&str> = ps.iter().map(|p| p.team.as_str()).collect();
    teams.sort_unstable();
    teams.dedup();
    let mut games: Vec<u32> = ps.iter().map(|p| p.game).collect();
    games.sort_unstable();
    games.dedup();
    if r.max_players_per_team
        .is_some_and(|m| teams.iter().any(|t| count(&|p| p.team == *t) > m))
    {
        return false;
    }
    if r.min_teams.is_some_and(|m| (teams.len() as u32) < m)
        || r.min_games.is_some_and(|m| (games.len() as u32) < m)
    {
        return false;
    }
    for g in &r.groups {
        let c = l.players.iter().filter(|i| g.players.contains(i)).count() as u32;
        if c < g.min || g.max.is_some_and(|m| c > m) {
            return false;
        }
    }
    if r.max_ownership_sum
        .is_some_and(|m| ps.iter().map(|p| p.ownership).sum::<f64>() > m + 1e-12)
    {
        return false;
    }
    if r.max_ownership_product
        .is_some_and(|m| ps.iter().map(|p| p.ownership).product::<f64>() > m * (1.0 + 1e-12))
    {
        return false;
    }
    if r.no_offense_vs_dst {
        for d in ps.iter().filter(|p| has(p, "DST")) {
            if ps
                .iter()
                .any(|p| !has(p, "DST") && Some(&p.team) == d.opponent.as_ref())
            {
                return false;
            }
        }
    }
    if let Some(q) = &r.qb_stack {
        for qb in ps.iter().filter(|p| has(p, "QB")) {
            let c = count(&|p| {
                p.team == qb.team
                    && (has(p, "WR") || has(p, "TE") || (q.include_rb && has(p, "RB")))
            });
            if c < q.min_catchers || q.max_catchers.is_some_and(|m| c > m) {
                return false;
            }
            let b = count(&|p| {
                Some(&p.team) == qb.opponent.as_ref()
                    && (has(p, "WR") || has(p, "TE") || has(p, "RB"))
            });
            if b < q.bring_back {
                return false;
            }
        }
    }
    // Stacks of one kind on distinct teams / games: try every assignment.
    fn assign(ps: &[&schemas::Player], stacks: &[TeamStack], used: &mut Vec<String>) -> bool {
        let Some((s, rest)) = stacks.split_first() else {
            return true;
        };
        let mut teams: Vec<String> = ps.iter().map(|p| p.team.clone()).collect();
        teams.sort();
        teams.dedup();
        for t in teams {
            if used.contains(&t) || (!s.teams.is_empty() && !s.teams.contains(&t)) {
                continue;
            }
            let c = ps
                .iter()
                .filter(|p| {
                    p.team == t
                        && (s.positions.is_empty()
                            || p.positions.iter().any(|x| s.positions.contains(x)))
                })
                .count() as u32;
            if c >= s.size {
                used.push(t);
                let ok = assign(ps, rest, used);
                used.pop();
                if ok {
                    return true;
                }
            }
        }
        false
    }
    if !assign(&ps, &r.team_stacks, &mut Vec::new()) {
        return false;
    }
    fn assign_games(
        slate: &Slate,
        ps: &[&schemas::Player],
        stacks: &[GameStack],
        used: &mut Vec<u32>,
    ) -> bool {
        let Some((s, rest)) = stacks.split_first() else {
            return true;
        };
        for g in 0..slate.games.len() as u32 {
            if used.contains(&g) {
                continue;
            }
            let side = |t: &str| ps.iter().filter(|p| p.game == g && p.team == t).count() as u32;
            let game = &slate.games[g as usize];
            let c = ps.iter().filter(|p| p.game == g).count() as u32;
            if c >= s.size
                && side(&game.away) >= s.min_per_team
                && side(&game.home) >= s.min_per_team
            {
                used.push(g);
                let ok = assign_games(slate, ps, rest, used);
                used.pop();
                if ok {
                    return true;
                }
            }
        }
        false
    }
    assign_games(slate, &ps, &r.game_stacks, &mut Vec::new())
}

fn brute(slate: &Slate, all: &[Lineup], points: &[f64], r: &SolveRules) -> Option<f64> {
    brute_best_where(slate, all, points, r, &[], &|l| rules_ok(slate, r, l)).map(|b| b.1)
}

/// The brute force of `common` restricted to lineups that pass `keep`.
fn brute_best_where(
    slate: &Slate,
    all: &[Lineup],
    points: &[f64],
    r: &SolveRules,
    earlier: &[Lineup],
    keep: &dyn Fn(&Lineup) -> bool,
) -> Option<(Lineup, f64)> {
    let kept: Vec<Lineup> = all.iter().filter(|l| keep(l)).cloned().collect();
    brute_best(slate, &kept, points, r, earlier)
}

fn random_rules(slate: &Slate, rng: &mut Pcg64, nfl: bool) -> SolveRules {
    let n = slate.players.len() as u32;
    let mut r = SolveRules::default();
    if rng.random_bool(0.3) {
        r.max_players_per_team = Some(rng.random_range(2..=5));
    }
    if rng.random_bool(0.3) {
        r.min_teams = Some(rng.random_range(2..=4));
    }
    if rng.random_bool(0.2) {
        r.min_games = Some(rng.random_range(1..=3));
    }
    if rng.random_bool(0.4) {
        let positions = if nfl && rng.random_bool(0.5) {
            vec!["QB".to_string(), "WR".to_string(), "TE".to_string()]
        } else {
            Vec::new()
        };
        r.team_stacks.push(TeamStack {
            size: rng.random_range(2..=4),
            positions,
            teams: Vec::new(),
        });
        if rng.random_bool(0.3) {
            r.team_stacks.push(TeamStack {
                size: 2,
                positions: Vec::new(),
                teams: Vec::new(),
            });
        }
        if rng.random_bool(0.2) {
            r.team_stacks[0].teams = vec!["T1".into(), "T2".into()];
        }
    }
    if nfl && rng.random_bool(0.4) {
        r.qb_stack = Some(QbStack {
            min_catchers: rng.random_range(0..=2),
            max_catchers: rng.random_bool(0.5).then(|| rng.random_range(1..=2)),
            bring_back: rng.random_range(0..=1),
            include_rb: rng.random_bool(0.3),
        });
    }
    if rng.random_bool(0.3) {
        r.game_stacks.push(GameStack {
            size: rng.random_range(3..=5),
            min_per_team: rng.random_range(0..=2),
        });
    }
    if nfl && rng.random_bool(0.4) {
        r.no_offense_vs_dst = true;
    }
    if rng.random_bool(0.4) {
        let players: Vec<u32> = (0..4).map(|_| rng.random_range(0..n)).collect();
        let min = rng.random_range(0..=2);
        r.groups.push(Group {
            players,
            min,
            max: rng
                .random_bool(0.6)
                .then(|| rng.random_range(min.max(1)..=3)),
        });
    }
    if rng.random_bool(0.3) {
        r.max_ownership_sum = Some(rng.random_range(0.8..2.0));
    }
    if rng.random_bool(0.2) {
        r.max_ownership_product = Some(10f64.powf(rng.random_range(-9.0..-6.0)));
    }
    if rng.random_bool(0.2) {
        r.locks = vec![rng.random_range(0..n)];
    }
    r
}

fn agree_on(slate_of: &dyn Fn(u64) -> Slate, nfl: bool, seeds: std::ops::Range<u64>) -> usize {
    let mut binding = 0;
    for seed in seeds {
        let mut slate = slate_of(seed);
        let mut rng = Pcg64::seed_from_u64(seed ^ 0xabc);
        for p in &mut slate.players {
            p.ownership = rng.random_range(0.01..0.4);
        }
        let all = all_lineups(&slate);
        let points: Vec<f64> = slate.players.iter().map(|p| p.projection).collect();
        for _ in 0..4 {
            let r = random_rules(&slate, &mut rng, nfl);
            let want = brute(&slate, &all, &points, &r);
            let got = solve(&slate, &points, &r, &[]).expect("valid input");
            let free = brute(
                &slate,
                &all,
                &points,
                &SolveRules {
                    locks: r.locks.clone(),
                    ..Default::default()
                },
            );
            if want != free {
                binding += 1;
            }
            match (want, &got) {
                (None, None) => {}
                (Some(w), Some(g)) => {
                    assert!(
                        (w - g.score).abs() < 1e-6,
                        "seed {seed}: brute {w} vs solver {} ({r:?})",
                        g.score
                    );
                    assert!(g.proven_optimal);
                    g.lineup.check(&slate).expect("DK-valid");
                    assert!(
                        rules_ok(&slate, &r, &g.lineup),
                        "seed {seed}: solver lineup breaks {r:?}"
                    );
                }
                _ => panic!(
                    "seed {seed}: brute {want:?} vs solver {:?} ({r:?})",
                    got.map(|g| g.score)
                ),
            }
        }
    }
    binding
}

#[test]
fn extra_rules_match_brute_force_nfl() {
    let binding = agree_on(&|seed| nfl_slate(15, 2, seed), true, 0..40);
    assert!(binding > 40, "the random rules rarely bind ({binding})");
}

#[test]
fn extra_rules_match_brute_force_nba() {
    let binding = agree_on(&|seed| nba_slate(14, 2, seed), false, 100..130);
    assert!(binding > 25, "the random rules rarely bind ({binding})");
}

#[test]
fn extra_rules_match_brute_force_showdown() {
    let nba = agree_on(
        &|seed| showdown_slate(showdown_rules("nba_showdown"), 8, seed),
        false,
        500..520,
    );
    let nfl = agree_on(
        &|seed| showdown_slate(showdown_rules("nfl_showdown"), 8, seed),
        true,
        600..620,
    );
    eprintln!("showdown: the random rules bound {nba} (NBA) and {nfl} (NFL) times of 80 each");
    assert!(
        nba > 15 && nfl > 15,
        "the random rules rarely bind ({nba}, {nfl})"
    );
}
