//! DraftKings standings files for the tests, written from a run's upload file;
//! no binary needed, so the API's tests use them too.
#![allow(dead_code, clippy::unwrap_used)]

use std::path::Path;

/// A lineup in DK standings text: players for C, F, G, PF, PG, SF, SG, UTIL,
/// the slot labels in alphabetical order as DraftKings writes them.
pub fn standings_lineup(players: [&str; 8]) -> String {
    let slots = ["C", "F", "G", "PF", "PG", "SF", "SG", "UTIL"];
    slots
        .iter()
        .zip(players)
        .map(|(slot, name)| format!("{slot} {name}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The names in each row of an upload file (`Name (id)` cells).
pub fn upload_names(path: &Path) -> Vec<Vec<String>> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .skip(1)
        .map(|l| {
            l.split(',')
                .map(|c| c[..c.rfind(" (").unwrap()].to_string())
                .collect()
        })
        .collect()
}

/// Quarter points from a name: a deterministic stand-in for a box score.
pub fn fake_fpts(name: &str) -> f64 {
    5.0 + f64::from(name.bytes().map(u32::from).sum::<u32>() % 160) * 0.25
}

/// A FINAL standings CSV whose real entries scored `field` (each lineup naming
/// the first upload entry's players) and whose table of drafted players gives
/// every player of `upload` his [`fake_fpts`].
pub fn standings_for(upload: &[Vec<String>], field: &[f64]) -> String {
    let drafted: std::collections::BTreeMap<&str, f64> = upload
        .iter()
        .flatten()
        .map(|n| (n.as_str(), fake_fpts(n)))
        .collect();
    let players: Vec<(&&str, &f64)> = drafted.iter().collect();
    let names: [&str; 8] = std::array::from_fn(|k| upload[0][k].as_str());
    let text = standings_lineup(names);
    let mut csv = String::from(
        "Rank,EntryId,EntryName,TimeRemaining,Points,Lineup,,Player,Roster Position,%Drafted,FPTS\r\n",
    );
    for i in 0..field.len().max(players.len()) {
        let left = field.get(i).map_or_else(
            || ",,,,,".to_string(),
            |points| format!("1,{},user{i},0,{points},{text}", 5000 + i),
        );
        let right = players
            .get(i)
            .map(|(n, f)| format!("{n},UTIL,10.00%,{f}"))
            .unwrap_or_else(|| ",,,".into());
        csv.push_str(&format!("{left},,{right}\r\n"));
    }
    csv
}

/// Prize of each place (index 0 = first) of a payout file (`Place,Payout,...`,
/// places `1` or ranges `7-8`, contiguous from first).
pub fn prizes(path: &Path) -> Vec<f64> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut out = Vec::new();
    for line in text.lines().skip(1) {
        let mut cells = line.split(',');
        let place = cells.next().unwrap();
        let prize: f64 = cells.next().unwrap().parse().unwrap();
        let (a, b) = match place.split_once('-') {
            Some((a, b)) => (a.parse::<usize>().unwrap(), b.parse::<usize>().unwrap()),
            None => (place.parse().unwrap(), place.parse().unwrap()),
        };
        assert_eq!(a, out.len() + 1);
        out.extend(std::iter::repeat_n(prize, b - a + 1));
    }
    out
}

/// What each of `ours` wins when it joins `field` (everyone one entry): the
/// average prize of the places its tie group spans, by counting everyone.
pub fn oracle(field: &[f64], ours: &[f64], prizes: &[f64]) -> Vec<f64> {
    let all: Vec<f64> = field.iter().chain(ours).copied().collect();
    ours.iter()
        .map(|&s| {
            let better = all.iter().filter(|&&x| x > s).count();
            let tied = all.iter().filter(|&&x| x == s).count();
            (better..better + tied)
                .map(|p| prizes.get(p).copied().unwrap_or(0.0))
                .sum::<f64>()
                / tied as f64
        })
        .collect()
}
