"""Throughput of `detente.dask.montecarlo` on a LocalCluster of 1 and of 2 worker processes.

Each cluster has one thread per worker and each task one native thread, so 2 workers use the
2 cores of the reference machine. Both clusters are started first and timed alternately (best
of `--repeats` after one warm-up run each, so process start-up and imports are not timed), and
the merged results are checked to be identical to each other and to the single-process run.

    python crates/detente-py/bench/dask_scaling.py [--trials 20000] [--shards 8] [--repeats 3]

Run it from the repository root with the wheel and dask[distributed] installed.
"""

from __future__ import annotations

import argparse
import os
import time

from dask.distributed import Client, LocalCluster

import detente
import detente.dask


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--file", default="scenarios/istanbul-2025.toml")
    p.add_argument("--trials", type=int, default=20_000)
    p.add_argument("--shards", type=int, default=8)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--models", default="compromise,median,nash,eum")
    a = p.parse_args()
    options = dict(models=a.models, trials=a.trials, seed=1)
    clusters = {
        k: LocalCluster(n_workers=k, threads_per_worker=1, processes=True, dashboard_address=None)
        for k in (1, 2)
    }
    clients = {k: Client(c) for k, c in clusters.items()}
    best = {}
    docs = {}
    try:
        for k, client in clients.items():
            docs[k] = detente.dask.montecarlo(client, a.file, shards=a.shards, **options).to_dict()
        for _ in range(a.repeats):
            for k, client in clients.items():
                t = time.perf_counter()
                detente.dask.montecarlo(client, a.file, shards=a.shards, **options)
                best[k] = min(best.get(k, float("inf")), time.perf_counter() - t)
    finally:
        for c in clients.values():
            c.close()
        for c in clusters.values():
            c.close()
    single = detente.montecarlo(detente.load(a.file), progress=False, threads=1, **options).to_dict()
    assert docs[1] == docs[2] == single, "the Dask runs differ from the single-process run"
    print(f"{a.trials} trials of {a.models} in {a.shards} shards, {os.cpu_count()} cores; best of {a.repeats}")
    for k in (1, 2):
        print(f"{k} worker(s): {best[k]:.2f} s, {a.trials / best[k]:,.0f} trials/s")
    print(f"speed-up of 2 workers over 1: {best[1] / best[2]:.2f}x (results identical to the single-process run)")


if __name__ == "__main__":
    main()
