"""The simulator's work written the way the popular Python DFS tools write it:
numpy, a full argsort of the field per iteration, searchsorted for ranks.

Usage: numpy_sim.py DIR ROSTER ITERATIONS ENTRIES FEE
DIR holds the contest as raw little-endian arrays written by benches/sim.rs.
Runs pass A (every candidate against the field), picks the top ENTRIES by ROI,
runs pass B (the field plus those entries, fresh draws) and prints
"SECONDS <s>" for both passes together (loading excluded).
"""

import sys
import time

import numpy as np


def tied_payout(prefix, better, tied):
    """Average prize of the places better+1 ..= better+tied (0 past the paid places)."""
    paid = len(prefix) - 1
    lo = np.minimum(better, paid)
    hi = np.minimum(better + tied, paid)
    return (prefix[hi] - prefix[lo]) / np.maximum(tied, 1)


def ranks(field_scores, copies, queries):
    """Entries of the field strictly above, and tied with, each query score."""
    order = np.argsort(-field_scores, kind="stable")
    desc = -field_scores[order]
    cum = np.concatenate(([0], np.cumsum(copies[order])))
    left = np.searchsorted(desc, -queries, side="left")
    right = np.searchsorted(desc, -queries, side="right")
    return cum[left], cum[right] - cum[left]


def main():
    folder, roster, iterations, entries, fee = sys.argv[1:6]
    roster, iterations, entries, fee = int(roster), int(iterations), int(entries), float(fee)
    players = np.fromfile(f"{folder}/players.f64", dtype="<f8").reshape(-1, 2)
    mean, sd = players[:, 0], players[:, 1]
    field = np.fromfile(f"{folder}/field.i32", dtype="<i4").reshape(-1, roster)
    copies = np.fromfile(f"{folder}/copies.i32", dtype="<i4").astype(np.int64)
    cands = np.fromfile(f"{folder}/candidates.i32", dtype="<i4").reshape(-1, roster)
    prizes = np.fromfile(f"{folder}/prizes.f64", dtype="<f8")
    prefix = np.concatenate(([0.0], np.cumsum(prizes)))
    rng = np.random.default_rng(7)

    start = time.perf_counter()
    payout = np.zeros(len(cands))
    for _ in range(iterations):
        points = np.maximum(rng.normal(mean, sd), 0.0).astype(np.float32)
        fs = points[field].sum(axis=1)
        cs = points[cands].sum(axis=1)
        better, tied = ranks(fs, copies, cs)
        payout += tied_payout(prefix, better, tied + 1)
    roi = payout / iterations / fee - 1.0
    picked = np.argsort(-roi, kind="stable")[:entries]

    winnings = np.zeros(iterations)
    for it in range(iterations):
        points = np.maximum(rng.normal(mean, sd), 0.0).astype(np.float32)
        fs = points[field].sum(axis=1)
        ours = np.sort(points[cands[picked]].sum(axis=1))[::-1]
        better, tied = ranks(fs, copies, ours)
        # Our own entries above and tied with each of ours.
        above = np.searchsorted(-ours, -ours, side="left")
        same = np.searchsorted(-ours, -ours, side="right") - above
        winnings[it] = tied_payout(prefix, better + above, tied + same).sum()
    seconds = time.perf_counter() - start
    print(f"roi_mean {winnings.mean() / (fee * entries) - 1.0:.4f}")
    print(f"SECONDS {seconds:.4f}")


if __name__ == "__main__":
    main()
