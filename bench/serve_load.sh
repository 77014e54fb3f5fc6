#!/usr/bin/env bash
# Bounded load test of `detente serve` on loopback (not part of CI).
#
# Starts the release server on a free 127.0.0.1 port, then wrk (Debian package `wrk`) keeps
# CONN connections busy for DURATION seconds, each posting the bundled Istanbul scenario to
# ENDPOINT (default /api/forecast: all four models, EUM 10 rounds). While it runs, the server's
# resident memory (VmRSS) is sampled every second. Prints throughput, latency percentiles
# (p50/p90/p99), non-2xx responses and socket errors (must be 0), and RSS at start, peak and end.
# Traffic goes only to 127.0.0.1 and stops by itself after DURATION seconds.
#
# With BACKGROUND=N, N Monte Carlo jobs (POST /api/montecarlo, JOB_TRIALS trials each, default
# 20000, of JOB_MODEL, default all: the four spatial models, package bargaining and the delay
# model, several minutes of work each) are started just before the measured run, so the figures show interactive
# requests sharing the server with background jobs (which hold at most `background_jobs` of the
# `concurrent_jobs` slots); the jobs' states are printed after the run, and the jobs cancelled.
#
# Usage: bench/serve_load.sh            (CONN=8 DURATION=20 ENDPOINT=/api/forecast)
#        CONN=32 DURATION=30 ENDPOINT='/api/bargain?step=10' bench/serve_load.sh
#        BACKGROUND=2 bench/serve_load.sh
set -euo pipefail
cd "$(dirname "$0")/.."
CONN=${CONN:-8}
BACKGROUND=${BACKGROUND:-0}
JOB_TRIALS=${JOB_TRIALS:-20000}
JOB_MODEL=${JOB_MODEL:-all}
DURATION=${DURATION:-20}
ENDPOINT=${ENDPOINT:-/api/forecast}
command -v wrk >/dev/null || { echo "needs wrk: apt-get install -y wrk" >&2; exit 2; }
if [ "$BACKGROUND" -gt 0 ]; then
  command -v curl >/dev/null || { echo "BACKGROUND needs curl" >&2; exit 2; }
fi
cargo build --release --locked -q -p detente-cli

work=$(mktemp -d)
server_pid=""
sampler_pid=""
cleanup() {
  [ -n "$sampler_pid" ] && kill "$sampler_pid" 2>/dev/null || true
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

./target/release/detente serve --port 0 > "$work/serve.out" 2>&1 &
server_pid=$!
for _ in $(seq 50); do
  grep -q "listening on" "$work/serve.out" 2>/dev/null && break
  sleep 0.1
done
url=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$work/serve.out" | head -1)
[ -n "$url" ] || { echo "server did not start:"; cat "$work/serve.out"; exit 1; }

cat > "$work/post.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/toml"
local f = assert(io.open(os.getenv("SCENARIO"), "r"))
wrk.body = f:read("*a")
f:close()
done = function(summary, latency, requests)
  local secs = summary.duration / 1e6
  local e = summary.errors
  io.write(string.format("requests: %d in %.1f s = %.1f req/s\n", summary.requests, secs,
    summary.requests / secs))
  io.write(string.format("latency ms: p50 %.1f  p90 %.1f  p99 %.1f  max %.1f\n",
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency.max / 1000))
  io.write(string.format("failures: non-2xx %d, connect %d, read %d, write %d, timeout %d\n",
    e.status, e.connect, e.read, e.write, e.timeout))
end
LUA

rss() { awk '/VmRSS/ {print $2}' "/proc/$server_pid/status"; }
( while kill -0 "$server_pid" 2>/dev/null; do rss >> "$work/rss"; sleep 1; done ) &
sampler_pid=$!
# Warm-up under the same load, so every worker thread and allocator arena exists and the start
# figure is the steady footprint, not the bare binary's.
SCENARIO=scenarios/istanbul-2025.toml wrk -t2 -c"$CONN" -d5s -s "$work/post.lua" "$url$ENDPOINT" > /dev/null
rss_start=$(rss)
: > "$work/rss"

jobs=()
for _ in $(seq "$BACKGROUND"); do
  id=$(curl -sf -X POST -H 'Content-Type: application/toml' --data-binary @scenarios/istanbul-2025.toml \
    "$url/api/montecarlo?trials=$JOB_TRIALS&model=$JOB_MODEL" | grep -o '"id":"[^"]*"' | cut -d'"' -f4)
  jobs+=("$id")
done
[ "$BACKGROUND" -gt 0 ] && echo "background Monte Carlo jobs started: ${jobs[*]}"
echo "detente serve at $url; $CONN connections for ${DURATION}s on $ENDPOINT ($(nproc) cores)"
SCENARIO=scenarios/istanbul-2025.toml wrk -t2 -c"$CONN" -d"${DURATION}s" --timeout 15s \
  -s "$work/post.lua" "$url$ENDPOINT" | grep -E '^(requests|latency|failures)'
rss_end=$(rss)
rss_peak=$(sort -n "$work/rss" | tail -1)
echo "server RSS KiB after warm-up: start $rss_start, peak $rss_peak, end $rss_end"
echo "RSS per second (KiB): $(tr '\n' ' ' < "$work/rss")"
for id in "${jobs[@]}"; do
  echo "job $id: $(curl -sf "$url/api/jobs/$id" | grep -o '"status":"[^"]*","done":[0-9]*,"total":[0-9]*')"
  curl -sf -X DELETE "$url/api/jobs/$id" > /dev/null || true
done
