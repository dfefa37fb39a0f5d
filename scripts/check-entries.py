#!/usr/bin/env python3
"""An independent check of an edit upload `dfs` wrote from a DKEntries file.

    scripts/check-entries.py ORIGINAL.csv WRITTEN.csv

ORIGINAL is the DKEntries.csv as DraftKings gave it (entries and player pool);
WRITTEN is what `dfs entries fill` or `dfs lateswap` wrote from it. Checks,
with nothing of dfs's own code:
  - every entry id kept, in order, with its contest and fee;
  - every lineup DraftKings-valid: 8 different players of the pool, salary at
    most 50,000, each slot held by a player whose Roster Position lists it;
  - every started player of the original (a `(LOCKED)` cell, or `In
    Progress`/`Final` in the pool) still in his slot, and no started player added.
Prints one line and exits 0, or names the first failure and exits 1.
"""
import csv
import re
import sys

CAP = 50_000
ID = re.compile(r"\((\d+)\)(?: \(LOCKED\))?\s*$")


def read(path):
    with open(path, newline="", encoding="utf-8-sig") as f:
        rows = list(csv.reader(f))
    header = rows[0]
    slots = [c for c in header[4:] if c.strip()]
    slots = slots[: slots.index("Instructions")] if "Instructions" in slots else slots
    entries, pool = [], {}
    pool_at = None
    for row in rows[1:]:
        # A row may hold an entry on the left and the pool (or its header) on
        # the right: DraftKings starts the pool beside the first entries.
        if pool_at is None and "Position" in row and "Roster Position" in row:
            pool_at = row.index("Position")
        elif pool_at is not None and len(row) > pool_at + 6 and row[pool_at + 3].strip():
            pid = int(row[pool_at + 3])
            started = "(LOCKED)" in row[pool_at + 1] or row[pool_at + 6].strip() in (
                "In Progress",
                "Final",
            )
            pool[pid] = (row[pool_at + 4].split("/"), int(row[pool_at + 5]), started)
        if row and row[0].strip().isdigit():
            cells = []
            for c in row[4 : 4 + len(slots)]:
                c = c.strip()
                if not c:
                    cells.append(None)
                    continue
                m = ID.search(c)
                pid = int(m.group(1)) if m else int(c)
                cells.append((pid, c.endswith("(LOCKED)")))
            entries.append((row[0].strip(), [c.strip() for c in row[1:4]], cells))
    return slots, entries, pool


def matches(players, slots, pool):
    """A perfect matching of players to slots by Roster Position (augmenting paths)."""
    holder = {}

    def place(p, seen):
        for s, name in enumerate(slots):
            if name in pool[p][0] and s not in seen:
                seen.add(s)
                if s not in holder or place(holder[s], seen):
                    holder[s] = p
                    return True
        return False

    return all(place(p, set()) for p in players)


def main(original, written):
    slots, before, pool = read(original)
    out_slots, after, _ = read(written)
    fail = lambda msg: sys.exit(f"{written}: {msg}")
    if out_slots != slots:
        fail(f"slots {out_slots}, the original has {slots}")
    if [e[0] for e in after] != [e[0] for e in before]:
        fail("entry ids changed or reordered")
    started = {pid for pid, (_, _, s) in pool.items() if s}
    for _, _, cells in before:
        started |= {c[0] for c in cells if c and c[1]}
    for (eid, meta, old), (_, meta2, new) in zip(before, after):
        if meta2 != meta:
            fail(f"entry {eid}: contest or fee changed: {meta} -> {meta2}")
        if any(c is None for c in new):
            fail(f"entry {eid}: an empty slot")
        ids = [c[0] for c in new]
        if len(set(ids)) != len(ids):
            fail(f"entry {eid}: a player twice")
        if any(i not in pool for i in ids):
            fail(f"entry {eid}: a player not in the file's pool")
        salary = sum(pool[i][1] for i in ids)
        if salary > CAP:
            fail(f"entry {eid}: salary {salary} over {CAP}")
        if not matches(ids, slots, pool):
            fail(f"entry {eid}: players do not fit the slots")
        for k, (o, n) in enumerate(zip(old, ids)):
            if o and o[0] in started and n != o[0]:
                fail(f"entry {eid}: started player {o[0]} left {slots[k]}")
            if n in started and (not o or o[0] != n):
                fail(f"entry {eid}: started player {n} added in {slots[k]}")
    print(f"{written}: {len(after)} entries kept, DraftKings-valid, started players in place")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
