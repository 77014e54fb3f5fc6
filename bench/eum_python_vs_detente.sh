#!/usr/bin/env bash
# Times the Python replication of Scholz, Calbert & Smith's expected utility model
# (dmasad/bdm-scholz-expected-utility-model, Python 3) and detente's EUM (scholz preset) on the
# same data sets, 10 rounds each, and prints runs per second for both and the ratio. The
# replication is used from the checkout you name; nothing of it is copied into this repository.
#
# The replication recomputes its probability of success (an O(n³) normalising sum) inside
# every expected-utility evaluation, so it is slow by construction: beating it says little.
# detente's line also reports nanoseconds per actor triple per round, the figure to compare with
# the arithmetic the model needs.
#
# Usage: bench/eum_python_vs_detente.sh PATH/TO/bdm-scholz-expected-utility-model [CSV...]
#   e.g. git -C /work/.mirror/dmasad+bdm-scholz-expected-utility-model/repo/.git archive HEAD \
#          | tar -x -C /tmp/bdm && bench/eum_python_vs_detente.sh /tmp/bdm
# Default data set: the European Community example (10 actors) shipped with detente's tests.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
peer="${1:?usage: $0 PATH/TO/bdm-scholz-expected-utility-model [CSV...]}"
shift
if [[ ! -f "$peer/bdm_scholz_model.py" ]]; then
  echo "error: $peer/bdm_scholz_model.py not found; pass the replication's checkout" >&2
  exit 2
fi
if [[ $# -eq 0 ]]; then
  set -- "$root/crates/detente-models/tests/data/eum/scholz_ec.csv"
fi

echo "building detente's timing example (release)..." >&2
cargo build --quiet --release --manifest-path "$root/Cargo.toml" -p detente-sim \
  --example eum_throughput
bin="$root/target/release/examples/eum_throughput"

printf '%-14s %6s %16s %16s %10s %14s %s\n' data actors "python runs/s" "detente runs/s" ratio "ns/triple/rnd" "medians (py, detente)"
for csv in "$@"; do
  py="$(python3 - "$peer" "$csv" <<'PY'
import csv, json, sys, time
sys.path.insert(0, sys.argv[1])
import bdm_scholz_model as bdm
rows = list(csv.DictReader(open(sys.argv[2])))
runs, start = 0, time.perf_counter()
# At least one run and at least 3 seconds.
while runs == 0 or time.perf_counter() - start < 3:
    m = bdm.BDMScholzModel(rows, q=1.0, verbose=False)
    m.run_model(10)
    runs += 1
secs = time.perf_counter() - start
print(json.dumps({"runs_per_second": runs / secs, "median": m.median_position()}))
PY
)"
  ours="$("$bin" "$csv" 10)"
  python3 - "$(basename "$csv" .csv)" "$py" "$ours" <<'PY'
import json, sys
name, p, d = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3])
print(f"{name:<14} {d['actors']:>6} {p['runs_per_second']:>16.4f} {d['runs_per_second']:>16.1f} "
      f"{d['runs_per_second'] / p['runs_per_second']:>9.0f}x {d['ns_per_triple_round']:>14.2f} "
      f"({p['median']}, {d['median']})")
PY
done
