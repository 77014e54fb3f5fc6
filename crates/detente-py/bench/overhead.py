"""The Python package's overhead against the CLI on one Monte Carlo run.

Times `detente montecarlo FILE --trials N --format json` (a new process: start-up, reading the
file, the run, writing the JSON) against `detente.montecarlo(detente.load(FILE), ...)` in this
process (reading the file, the run, the JSON document parsed into a dict), alternating the two
so that a busy machine slows both alike, and prints the median of each and the overhead.

    python crates/detente-py/bench/overhead.py [--trials 10000] [--repeats 5] [--models ...]

Run it from the repository root with the wheel installed and target/release/detente built.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import time

import detente


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--file", default="scenarios/istanbul-2025.toml")
    p.add_argument("--bin", default=os.environ.get("DETENTE_BIN", "target/release/detente"))
    p.add_argument("--trials", type=int, default=10_000)
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--models", default="compromise,median,nash,eum")
    p.add_argument("--seed", type=int, default=1)
    a = p.parse_args()
    cmd = [a.bin, "montecarlo", a.file, "--model", a.models, "--trials", str(a.trials),
           "--seed", str(a.seed), "--format", "json"]
    cli, py = [], []
    for _ in range(a.repeats):
        t = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        cli.append(time.perf_counter() - t)
        t = time.perf_counter()
        result = detente.montecarlo(detente.load(a.file), models=a.models, trials=a.trials,
                                    seed=a.seed, progress=False)
        result.to_dict()
        py.append(time.perf_counter() - t)
    c, q = statistics.median(cli), statistics.median(py)
    print(f"{a.trials} trials of {a.models} on {a.file}, {a.repeats} runs each, {os.cpu_count()} cores")
    print(f"CLI    median {c:.3f} s  (runs: {', '.join(f'{x:.3f}' for x in cli)})")
    print(f"Python median {q:.3f} s  (runs: {', '.join(f'{x:.3f}' for x in py)})")
    print(f"overhead {100 * (q - c) / c:+.1f}%")


if __name__ == "__main__":
    main()
