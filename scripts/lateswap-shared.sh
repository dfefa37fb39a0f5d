#!/usr/bin/env bash
# Late swap replayed on real nights: every contest folder under DATA whose
# DKEntries file was downloaded after the first lock and whose FINAL
# standings are there. For each, `dfs lateswap` swaps the file's real entries
# at the state the file shows (it checks its own invariants before writing:
# every lineup DraftKings-valid, every started player still in his slot, none
# added, every entry id kept), scripts/check-entries.py checks the same again
# with its own reading of the files, and both the original and the swapped
# entries are scored on actual points among the real field (`dfs entries
# score`). Prints each night and the totals. Before that, every pre-lock
# DKEntries file there (no LOCKED cell) is filled with a run of its contest
# (`dfs entries fill`) and checked the same way.
#
#   scripts/lateswap-shared.sh [DATA=../shared/data] [--by simulation|projection] [--seed N]
#                              [--optimizer-config FILE] ...
#
# Not part of the test suite (it reads the shared data); run it by hand.
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:-../shared/data}
shift || true

cargo build --release --quiet --bin dfs
dfs="$PWD/target/release/dfs"
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT

folders=()
for dir in "$data"/contests/* "$data"/nba/*; do
  entries=$(ls "$dir"/DKEntries*.csv 2>/dev/null | head -1 || true)
  standings=$(ls "$dir"/contest-standings*.csv 2>/dev/null | head -1 || true)
  # A mid-slate DKEntries file, and FINAL standings (no LOCKED lineup cells).
  if [ -n "$entries" ] && [ -n "$standings" ] && grep -q "(LOCKED)" "$entries" \
    && ! grep -q "LOCKED" "$standings"; then
    folders+=("$dir")
  fi
done
[ ${#folders[@]} -gt 0 ] || { echo "no mid-slate DKEntries file with FINAL standings under $data" >&2; exit 1; }

# Pre-lock entries files: a DKEntries file, or a contest folder's entries.csv, with no LOCKED cell.
fills=()
for dir in "$data"/contests/* "$data"/nba/*; do
  file=$(ls "$dir"/DKEntries*.csv "$dir"/entries.csv 2>/dev/null | head -1 || true)
  standings=$(ls "$dir"/contest-standings*.csv 2>/dev/null | head -1 || true)
  if [ -n "$file" ] && [ -n "$standings" ] && ! grep -q "(LOCKED)" "$file" \
    && ! grep -q "LOCKED" "$standings"; then
    fills+=("$dir")
  fi
done

# Import each folder's slate and contest (as bt-<folder>) by replaying it once.
"$dfs" --root "$root" backtest --contests "${folders[@]}" "${fills[@]}" --entries 1 >/dev/null

for dir in "${fills[@]}"; do
  name="bt-$(basename "$dir")"
  file=$(ls "$dir"/DKEntries*.csv "$dir"/entries.csv 2>/dev/null | head -1 || true)
  rows=$(awk -F, '$1 ~ /^[0-9]+$/' "$file" | wc -l)
  printf 'entries: %s\n' "$rows" > "$root/sim-$name.yaml"
  run=$("$dfs" --root "$root" run --slate "$name" --contest "$name" --sim-config "$root/sim-$name.yaml" --json \
    | python3 -c 'import json, sys; print(json.load(sys.stdin)["run_id"])')
  "$dfs" --root "$root" entries fill --entries "$file" --run "$run" --out "$root/$name-filled.csv" >/dev/null
  python3 scripts/check-entries.py "$file" "$root/$name-filled.csv"
done

printf '%-32s %7s | %9s %8s %7s | %9s %8s %7s\n' night entries "won orig" "finish" "cashed" "won swap" "finish" "cashed"
fees=0; won_a=0; won_b=0; fin_a=0; fin_b=0; n=0
for dir in "${folders[@]}"; do
  name="bt-$(basename "$dir")"
  entries=$(ls "$dir"/DKEntries*.csv | head -1)
  standings=$(ls "$dir"/contest-standings*.csv | head -1)
  swapped="$root/$name-swapped.csv"
  "$dfs" --root "$root" lateswap --entries "$entries" --slate "$name" --contest "$name" \
    --out "$swapped" "$@" >/dev/null
  score() {
    "$dfs" --root "$root" entries score --entries "$1" --slate "$name" --contest "$name" \
      --standings "$standings" --json
  }
  python3 scripts/check-entries.py "$entries" "$swapped" >&2
  a=$(score "$entries"); b=$(score "$swapped")
  line=$(python3 - "$a" "$b" <<'PY'
import json, sys
a, b = json.loads(sys.argv[1]), json.loads(sys.argv[2])
assert a["entries"] == b["entries"], "entries lost"
print(a["entries"], a["fees"], a["winnings"], a["mean_finish_percentile"], a["cashed"],
      b["winnings"], b["mean_finish_percentile"], b["cashed"])
PY
)
  read -r k fee wa fa ca wb fb cb <<<"$line"
  printf '%-32s %7s | %9.2f %8.3f %7s | %9.2f %8.3f %7s\n' "$(basename "$dir")" "$k" "$wa" "$fa" "$ca" "$wb" "$fb" "$cb"
  fees=$(python3 -c "print($fees + $fee)"); won_a=$(python3 -c "print($won_a + $wa)"); won_b=$(python3 -c "print($won_b + $wb)")
  fin_a=$(python3 -c "print($fin_a + $fa)"); fin_b=$(python3 -c "print($fin_b + $fb)"); n=$((n + 1))
done
python3 - "$fees" "$won_a" "$won_b" "$fin_a" "$fin_b" "$n" <<'PY'
import sys
fees, wa, wb, fa, fb, n = map(float, sys.argv[1:])
print(f"all: fees {fees:.2f}; won {wa:.2f} as entered (ROI {wa / fees - 1:+.1%}), "
      f"{wb:.2f} swapped (ROI {wb / fees - 1:+.1%}); mean finish percentile "
      f"{fa / n:.3f} -> {fb / n:.3f} (0 = first)")
PY
