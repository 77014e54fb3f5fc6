#!/usr/bin/env bash
# KTAB's smpc vs detente's SMP on KTAB's five example CSV files, default parameters on both
# sides; prints both times and the ratio. Not part of CI: it needs a KTAB build.
#
# Usage: KTAB_SMPC=/path/to/smpc bench/smp_vs_ktab.sh [REPEAT]
#   KTAB_SMPC   the smpc binary (default /tmp/ktab-src/examples/smp/smpc); build it as
#               crates/detente-models/tests/data/ktab/README.md describes
#   KTAB_FULL_LOG=1  run smpc with its default database logging (gigabytes per run, many
#               minutes on SOE-Competitive); by default smpc runs with --logmin, the least
#               logging it allows, which does not change its results
#   REPEAT      detente runs per file; its time is the fastest (default 10). smpc runs once.
# smpc's time is wall-clock for the whole process (it always writes an SQLite database and a
# log); detente's is reading, parsing and running the model in-process.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
smpc="${KTAB_SMPC:-/tmp/ktab-src/examples/smp/smpc}"
repeat="${1:-10}"
data="$root/crates/detente-models/tests/data/ktab"
if [[ ! -x "$smpc" ]]; then
  echo "no smpc at $smpc; set KTAB_SMPC (see $data/README.md)" >&2
  exit 2
fi
logger="$(dirname "$smpc")/smpc-logger.conf"

cargo build --quiet --release --manifest-path "$root/crates/detente-models/Cargo.toml" \
  --example smp_ktab
target="$(cargo metadata --format-version 1 --no-deps --manifest-path "$root/Cargo.toml" |
  python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')"
detente="$target/release/examples/smp_ktab"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
logflag=(--logmin)
[[ "${KTAB_FULL_LOG:-0}" == 1 ]] && logflag=()

printf '%-22s %8s %12s %12s %10s\n' file turns "smpc s" "detente s" ratio
for f in SOE-Policy SOE-Competitive SOE-Pol-Comp dummyData_3Dim dummyData-a040; do
  dir="$work/$f"
  mkdir -p "$dir"
  cp "$data/$f.csv" "$dir/"
  [[ -f "$logger" ]] && cp "$logger" "$dir/"
  start=$(date +%s.%N)
  (cd "$dir" && "$smpc" --csv "$f.csv" "${logflag[@]}" \
    --connstr "Driver=QSQLITE;Database=$f" > /dev/null 2>&1)
  end=$(date +%s.%N)
  smpc_s=$(python3 -c "print(f'{$end - $start:.3f}')")
  rm -f "$dir/$f.db"
  read -r _ turns detente_s < <("$detente" --repeat "$repeat" "$data/$f.csv" | tail -n 1)
  ratio=$(python3 -c "print(f'{$smpc_s / $detente_s:.0f}x')")
  printf '%-22s %8s %12s %12s %10s\n' "$f" "$turns" "$smpc_s" "$detente_s" "$ratio"
done
