#!/usr/bin/env bash
# Times NegMAS and detente on the same GENIUS domain (SupermarketA, 112,896 outcomes): the
# rational Pareto frontier plus the Nash, Kalai-Smorodinsky, egalitarian and utilitarian points,
# under GENIUS semantics on both sides. NegMAS comes from PyPI into a throwaway venv that is
# deleted on exit; nothing of it is vendored. Prints both times (best of a few runs each) and the
# ratio.
#
# Usage: bench/negmas_supermarket.sh [DOMAIN_FOLDER]
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
folder="${1:-$root/crates/detente-models/tests/data/genius/SupermarketA}"
venv="$(mktemp -d)"
trap 'rm -rf "$venv"' EXIT

echo "installing negmas into a throwaway venv ($venv)..." >&2
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check negmas

echo "building detente's example (release)..." >&2
cargo build --quiet --release --manifest-path "$root/crates/detente-models/Cargo.toml" \
  --example bargain_genius

echo "running both on $folder..." >&2
negmas_json="$("$venv/bin/python" "$root/bench/negmas_supermarket.py" "$folder" 3)"
detente_bin="$(cargo metadata --format-version 1 --no-deps \
  --manifest-path "$root/crates/detente-models/Cargo.toml" |
  "$venv/bin/python" -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')/release/examples/bargain_genius"
detente_json="$("$detente_bin" "$folder" --json --repeat 20)"

"$venv/bin/python" - "$negmas_json" "$detente_json" <<'PY'
import json, sys
n, d = json.loads(sys.argv[1]), json.loads(sys.argv[2])
ours = d["frontier_and_solutions_seconds"]
print(f"domain            {d['domain']} ({n['outcomes']} outcomes)")
print(f"frontier size     negmas {n['frontier_size']}, detente {d['frontier_size']}")
print(f"nash utilities    negmas {n['nash'][0]}, detente {d['nash']['utilities']}")
print(f"negmas {n['negmas_version']:<10} {n['seconds'] * 1e3:10.3f} ms  (frontier + 4 solutions, best of 3)")
print(f"detente           {ours * 1e3:10.3f} ms  (frontier + 4 solutions, best of 20)")
print(f"detente + zopa    {d['solve_seconds'] * 1e3:10.3f} ms  (also counts all rational packages)")
print(f"ratio             negmas / detente = {n['seconds'] / ours:,.0f}x")
PY
