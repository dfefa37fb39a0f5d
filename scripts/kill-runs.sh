#!/usr/bin/env bash
# Kills `dfs run` with SIGKILL at random moments, then checks that nothing is
# lost or leaked: every run ends succeeded, failed or cancelled once any
# command has opened the root, no staging folder or run lock is left, and
# `dfs runs verify` passes for every succeeded run.
#
#   scripts/kill-runs.sh [RUNS=20] [MAX_DELAY_SECONDS=4]
#
# Not part of the test suite (it takes a minute or two); run it by hand.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-20}
max_delay=${2:-4}

cargo build --release --quiet --bin dfs
dfs="$PWD/target/release/dfs"
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
printf 'count: 16\nrandomness: 0.6\n' >"$root/variants.yaml"
printf 'iterations: 20000\nentries: 10\n' >"$root/sim.yaml"
flags=(--slate nba-2025-01-12 --contest nba-20k-four-point-play
  --variants-config "$root/variants.yaml" --sim-config "$root/sim.yaml")

for i in $(seq "$runs"); do
  "$dfs" --root "$root" run "${flags[@]}" --seed "$i" --tag "kill-$i" >/dev/null 2>&1 &
  pid=$!
  # A random moment between 0 and max_delay seconds, in milliseconds.
  delay_ms=$((RANDOM % (max_delay * 1000)))
  sleep "$(printf '%d.%03d' $((delay_ms / 1000)) $((delay_ms % 1000)))"
  kill -9 "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  echo "run $i: SIGKILL after ${delay_ms} ms"
done

# Any command that opens the root ends the runs whose owner is gone.
"$dfs" --root "$root" runs list
echo
statuses=$("$dfs" --root "$root" runs list --json | grep -o '"status": "[a-z]*"' | sort | uniq -c)
rows=$("$dfs" --root "$root" runs list --json | grep -c '"run_id"' || true)
echo "registry rows: $rows of $runs runs (a run killed before it reserved its id leaves no row)"
echo "statuses:"
echo "$statuses"
leftovers=$(find "$root/runs" -mindepth 2 -maxdepth 2 -name '.*' | wc -l)
echo "staging folders and run locks left: $leftovers"
"$dfs" --root "$root" runs verify
if echo "$statuses" | grep -q '"running"' || [ "$leftovers" -ne 0 ]; then
  echo "FAIL: a run was left running or files leaked"
  exit 1
fi
echo "OK: $runs runs killed, every one ended, nothing leaked, every succeeded run verifies"
