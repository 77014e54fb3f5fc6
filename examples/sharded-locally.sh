#!/bin/bash
# The sharding recipe on one machine: what a Slurm array or a Kubernetes Indexed Job does, with
# background processes. Run from the repository root; it checks that the merged output is the
# unsharded command's, byte for byte, and exits non-zero if not.
set -euo pipefail
detente=${DETENTE_BIN:-target/release/detente}
N=${N:-4}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
opts=(scenarios/istanbul-2025.toml --trials 2000 --seed 1 --model compromise,median,eum)
for i in $(seq 0 $((N - 1))); do
  "$detente" montecarlo "${opts[@]}" --shard "$i/$N" > "$dir/part-$i.json" &
done
wait
"$detente" merge "$dir"/part-*.json --format json > "$dir/merged.json"
"$detente" montecarlo "${opts[@]}" --format json > "$dir/whole.json"
cmp "$dir/merged.json" "$dir/whole.json"
echo "the merge of $N parts equals the unsharded run, byte for byte"
