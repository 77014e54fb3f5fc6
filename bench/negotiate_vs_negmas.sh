#!/usr/bin/env bash
# Negotiations per second, NegMAS vs detente, on the same bilateral negotiations: GENIUS domains
# Grocery (1,600 outcomes), Kitchen (15,625) and SupermarketA (112,896); Boulware vs Conceder
# and Boulware vs Boulware; 100 rounds; profile 1 vs profile 2 (file-name order on both sides).
# detente plays under its `negmas` preset (raw GENIUS evaluations, NegMAS's time-based
# negotiators), so both sides compute the same negotiation; the last two columns are the round
# of agreement on each side (NegMAS's state.step - 1), equal unless ties between equally valued
# outcomes decide the run (see bench/negmas_tb_model.py).
# NegMAS comes from PyPI into a throwaway venv deleted on exit (set NEGMAS_VENV to reuse one).
#
# Usage: bench/negotiate_vs_negmas.sh [NEGMAS_COUNT] [DETENTE_COUNT]
#   NEGMAS_COUNT  negotiations NegMAS runs per case (default 1000; it is the slow side)
#   DETENTE_COUNT negotiations detente runs per case (default 1000)
# detente is timed twice: "warm" loads the domain and sorts each profile's outcomes once and
# shares them (as a tournament does); "cold" reloads and re-sorts for every negotiation (as
# NegMAS's negotiators rebuild their inverse utility each time). The ratio uses warm and cold.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
negmas_n="${1:-1000}"
detente_n="${2:-1000}"
data="$root/crates/detente-models/tests/data/genius"
if [[ -n "${NEGMAS_VENV:-}" ]]; then
  venv="$NEGMAS_VENV"
else
  venv="$(mktemp -d)"
  trap 'rm -rf "$venv"' EXIT
  echo "installing negmas into a throwaway venv ($venv)..." >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check negmas
fi
echo "negmas $("$venv/bin/python" -c 'import negmas; print(negmas.__version__)')" >&2

cargo build --quiet --release --manifest-path "$root/crates/detente-negotiation/Cargo.toml" \
  --example negotiations
bin="$(cargo metadata --format-version 1 --no-deps --manifest-path "$root/Cargo.toml" |
  "$venv/bin/python" -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')/release/examples/negotiations"

field() { "$venv/bin/python" -c "import json,sys; print(json.loads(sys.argv[1])[sys.argv[2]])" "$1" "$2"; }

printf '%-13s %-20s %12s %14s %14s %10s %10s %8s %8s\n' domain agents "negmas/s" "detente warm/s" "detente cold/s" "warm x" "cold x" "negmas r" "detente r"
for domain in Grocery Kitchen SupermarketA; do
  folder="$data/$domain"
  # SupermarketA already lives with the bargaining tests; one copy is enough.
  [[ -d "$folder" ]] || folder="$root/crates/detente-models/tests/data/genius/$domain"
  for pair in "boulware conceder" "boulware boulware"; do
    set -- $pair
    n="$("$venv/bin/python" "$root/bench/negotiate_vs_negmas.py" "$folder" "$1" "$2" 100 "$negmas_n")"
    w="$("$bin" "$folder" "$1" "$2" 100 "$detente_n" --negmas)"
    c="$("$bin" "$folder" "$1" "$2" 100 "$(( detente_n < 200 ? detente_n : 200 ))" --cold --negmas)"
    ns="$(field "$n" per_second)"; ws="$(field "$w" per_second)"; cs="$(field "$c" per_second)"
    nr="$(field "$n" mean_round)"; dr="$(field "$w" last_round)"
    printf '%-13s %-20s %12.1f %14.0f %14.1f %10.0f %10.1f %8.0f %8d\n' "$domain" "$1-$2" "$ns" "$ws" "$cs" \
      "$("$venv/bin/python" -c "print($ws/$ns)")" "$("$venv/bin/python" -c "print($cs/$ns)")" \
      "$("$venv/bin/python" -c "print($nr - 1)")" "$dr"
    echo "  negmas:  $n" >&2
    echo "  detente: $w" >&2
  done
done
