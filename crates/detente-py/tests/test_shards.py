"""Issue 14: sharded runs and Dask.

A run cut into 1, 3 or 7 parts and merged must equal the single-process run exactly (the
parsed documents compare equal float for float, and the merged text is the CLI's `detente
merge` text); a Dask run on a `LocalCluster` with two worker processes must too. Bad parts
raise `DetenteError` naming the problem.
"""

from __future__ import annotations

import json
import pathlib
import subprocess

import pytest

import detente
import detente.dask

from test_detente import BIN, ISTANBUL, ROOT, cli_json

TOURNAMENT = ROOT / "examples" / "tournament.toml"
MC = dict(models="compromise,eum", trials=60, seed=9, noise="salience=0.1")


@pytest.fixture(scope="module")
def istanbul() -> detente.Scenario:
    return detente.load(ISTANBUL)


@pytest.mark.parametrize("n", [1, 3, 7])
def test_sharded_runs_merge_to_the_single_process_run(istanbul: detente.Scenario, n: int) -> None:
    whole = detente.montecarlo(istanbul, progress=False, **MC).to_dict()
    parts = [detente.montecarlo_shard(istanbul, i, n, **MC) for i in reversed(range(n))]
    merged = detente.merge(parts)
    assert isinstance(merged, detente.MonteCarloResult)
    assert merged.to_dict() == whole

    sens = dict(models="median", trials=40, seed=2)
    whole_s = detente.sensitivity(istanbul, progress=False, **sens).to_dict()
    parts = [detente.sensitivity_shard(istanbul, i, n, **sens) for i in range(n)]
    assert detente.merge(parts).to_dict() == whole_s

    whole_t = detente.tournament(TOURNAMENT, progress=False).to_dict()
    parts = [detente.tournament_shard(TOURNAMENT, i, n) for i in range(n)]
    assert detente.merge(parts).to_dict() == whole_t


def test_python_shards_merge_like_the_cli(istanbul: detente.Scenario, tmp_path: pathlib.Path) -> None:
    # Parts written by Python, merged by the CLI, equal the CLI's unsharded run.
    files = []
    for i in range(3):
        path = tmp_path / f"part-{i}.json"
        path.write_text(detente.montecarlo_shard(ISTANBUL, i, 3, **MC))
        files.append(str(path))
    merged = subprocess.run(
        [str(BIN), "merge", "--format", "json", *files], check=True, capture_output=True, text=True
    )
    assert json.loads(merged.stdout) == cli_json(
        "montecarlo", ISTANBUL, "--model", "compromise,eum", "--trials", 60, "--seed", 9,
        "--noise", "salience=0.1",
    )


def test_bad_parts_raise(istanbul: detente.Scenario) -> None:
    p0 = detente.montecarlo_shard(istanbul, 0, 2, **MC)
    p1 = detente.montecarlo_shard(istanbul, 1, 2, **MC)
    other = detente.montecarlo_shard(istanbul, 1, 2, **{**MC, "seed": 10})
    with pytest.raises(detente.DetenteError, match="seeds differ"):
        detente.merge([p0, other])
    with pytest.raises(detente.DetenteError, match="missing"):
        detente.merge([p0])
    with pytest.raises(detente.DetenteError, match="given twice"):
        detente.merge([p0, p1, p1])
    with pytest.raises(detente.DetenteError, match="not a shard document"):
        detente.merge([p0, "{"])
    with pytest.raises(detente.DetenteError, match="different kinds"):
        detente.merge([p0, detente.tournament_shard(TOURNAMENT, 1, 2)])
    with pytest.raises(ValueError, match="does not exist"):
        detente.montecarlo_shard(istanbul, 2, 2, **MC)
    with pytest.raises(TypeError):
        detente.merge(p0)  # type: ignore[arg-type]


def test_dask_local_cluster_equals_the_single_process_run(istanbul: detente.Scenario) -> None:
    # Not skipped when missing: CI installs dask[distributed], and a skip would hide a failure.
    from dask import distributed
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster, distributed.Client(cluster) as client:
        mc = detente.dask.montecarlo(client, ISTANBUL, shards=5, **MC)
        assert mc.to_dict() == detente.montecarlo(istanbul, progress=False, **MC).to_dict()
        s = detente.dask.sensitivity(client, istanbul, shards=3, models="median", trials=40)
        assert s.to_dict() == detente.sensitivity(
            istanbul, models="median", trials=40, progress=False
        ).to_dict()
        t = detente.dask.tournament(client, TOURNAMENT, shards=4)
        assert t.to_dict() == detente.tournament(TOURNAMENT, progress=False).to_dict()
