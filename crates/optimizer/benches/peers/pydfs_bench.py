#!/usr/bin/env python3
"""Times pydfs-lineup-optimizer on the same work as benches/real_slates.rs.

Reads the DraftKings salary file, overrides every player's points with the
`id,variant,points` file the Rust bench wrote (so both solve the same
objective), and builds `--lineups` lineups for each of the first `--variants`
variants, with `--max-overlap` as pydfs' max repeating players. Prints
`SECONDS <wall time of the optimisation>` (loading excluded).
"""
import argparse
import csv
import sys
import time

from pydfs_lineup_optimizer import Site, Sport, get_optimizer


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sport", choices=["nba", "nfl"], required=True)
    ap.add_argument("--salaries", required=True)
    ap.add_argument("--points", required=True)
    ap.add_argument("--lineups", type=int, default=1)
    ap.add_argument("--variants", type=int, default=1)
    ap.add_argument("--max-overlap", type=int, default=None)
    a = ap.parse_args()
    sport = Sport.BASKETBALL if a.sport == "nba" else Sport.FOOTBALL
    points = {}
    with open(a.points) as f:
        for row in csv.DictReader(f):
            points.setdefault(int(row["variant"]), {})[str(row["id"])] = float(row["points"])
    opt = get_optimizer(Site.DRAFTKINGS, sport)
    opt.load_players_from_csv(a.salaries)
    if a.max_overlap is not None:
        opt.set_max_repeating_players(a.max_overlap)
    players = opt.player_pool.all_players
    built = 0
    start = time.perf_counter()
    for v in sorted(points)[: a.variants]:
        pts = points[v]
        for p in players:
            p.fppg = pts.get(str(p.id), 0.0)
        for _ in opt.optimize(n=a.lineups):
            built += 1
    secs = time.perf_counter() - start
    print(f"LINEUPS {built}")
    print(f"SECONDS {secs:.6f}")


if __name__ == "__main__":
    sys.exit(main())
