"""Monte Carlo, sensitivity and tournament runs spread over a Dask cluster.

Each function cuts the run into ``shards`` parts, runs part ``i`` as one task on the
``dask.distributed`` client's workers (:func:`detente.montecarlo_shard` and friends, each with
its own ``threads``, one by default so that a worker per core does not oversubscribe), gathers
the parts and merges them (:func:`detente.merge`). The result equals the single-process run's
for the same seed byte for byte, whatever the number of shards or workers: every draw depends
only on the seed and the trial number, and a merge adds exact sums.

Dask is not a dependency of detente: install ``dask[distributed]`` to use this module. A worker
needs ``detente`` installed; a tournament's workers also need to read its config and domain
files at the same paths (a shared file system)::

    from dask.distributed import Client, LocalCluster
    import detente, detente.dask
    client = Client(LocalCluster(n_workers=2, threads_per_worker=1))
    mc = detente.dask.montecarlo(client, "scenarios/istanbul-2025.toml", trials=20_000, shards=8)
"""

from __future__ import annotations

import os
from typing import Any, Dict, List, Optional, Sequence, Union

import detente
from detente import MonteCarloResult, Scenario, SensitivityResult, TournamentResult

__all__ = ["montecarlo", "sensitivity", "tournament"]

ScenarioLike = Union[Scenario, str, "os.PathLike[str]"]


def _source(scenario: ScenarioLike) -> Dict[str, str]:
    """The scenario as text a worker can parse: a task's arguments travel by pickle, and a
    Scenario wraps a native object that does not."""
    if isinstance(scenario, Scenario):
        return {"name": "scenario.toml", "text": scenario.to_toml()}
    path = os.fspath(scenario)
    if os.path.isfile(path):
        with open(path, encoding="utf-8") as f:
            return {"name": os.path.basename(path), "text": f.read()}
    return {"name": "<text>", "text": path}


def _uncertainty_part(
    kind: str, source: Dict[str, str], index: int, count: int, options: Dict[str, Any]
) -> str:
    """One task: part ``index`` of ``count`` of a Monte Carlo or sensitivity run."""
    s = detente.Scenario.from_text(source["text"], source["name"])
    run = detente.montecarlo_shard if kind == "montecarlo" else detente.sensitivity_shard
    return run(s, index, count, **options)


def _tournament_part(config: str, index: int, count: int) -> str:
    """One task: part ``index`` of ``count`` of a tournament's negotiations."""
    return detente.tournament_shard(config, index, count)


def _check(shards: int) -> None:
    if not isinstance(shards, int) or shards < 1:
        raise ValueError(f"shards: a whole number >= 1, got {shards!r}")


def _gather(client: Any, futures: List[Any]) -> List[str]:
    parts = client.gather(futures)
    return [str(p) for p in parts]


def _uncertainty(
    kind: str, client: Any, scenario: ScenarioLike, shards: int, options: Dict[str, Any]
) -> Any:
    _check(shards)
    source = _source(scenario)
    futures = [
        client.submit(_uncertainty_part, kind, source, i, shards, options, pure=False)
        for i in range(shards)
    ]
    return detente.merge(_gather(client, futures))


def montecarlo(
    client: Any,
    scenario: ScenarioLike,
    *,
    shards: int,
    models: Union[str, Sequence[str]] = "all",
    trials: Optional[int] = None,
    seed: int = 0,
    noise: Union[str, Sequence[str], None] = None,
    no_scenario_uncertainty: bool = False,
    package_step: Optional[float] = None,
    months: Optional[int] = None,
    levers: Union[str, Sequence[str], None] = None,
    threads: Optional[int] = 1,
) -> MonteCarloResult:
    """:func:`detente.montecarlo` on ``client``'s workers in ``shards`` tasks; ``threads`` per
    task. The options are :func:`detente.montecarlo`'s, and so is the result."""
    options = dict(
        models=models, trials=trials, seed=seed, noise=noise,
        no_scenario_uncertainty=no_scenario_uncertainty, package_step=package_step,
        months=months, levers=levers, threads=threads,
    )
    result = _uncertainty("montecarlo", client, scenario, shards, options)
    assert isinstance(result, MonteCarloResult)
    return result


def sensitivity(
    client: Any,
    scenario: ScenarioLike,
    *,
    shards: int,
    models: Union[str, Sequence[str]] = "all",
    trials: Optional[int] = None,
    seed: int = 0,
    noise: Union[str, Sequence[str], None] = None,
    no_scenario_uncertainty: bool = False,
    package_step: Optional[float] = None,
    months: Optional[int] = None,
    levers: Union[str, Sequence[str], None] = None,
    threads: Optional[int] = 1,
) -> SensitivityResult:
    """:func:`detente.sensitivity` on ``client``'s workers in ``shards`` tasks."""
    options = dict(
        models=models, trials=trials, seed=seed, noise=noise,
        no_scenario_uncertainty=no_scenario_uncertainty, package_step=package_step,
        months=months, levers=levers, threads=threads,
    )
    result = _uncertainty("sensitivity", client, scenario, shards, options)
    assert isinstance(result, SensitivityResult)
    return result


def tournament(
    client: Any, config: Union[str, "os.PathLike[str]"], *, shards: int
) -> TournamentResult:
    """:func:`detente.tournament` on ``client``'s workers in ``shards`` tasks (each worker
    reads the config and its domains at the same path)."""
    _check(shards)
    path = os.path.abspath(os.fspath(config))
    futures = [
        client.submit(_tournament_part, path, i, shards, pure=False) for i in range(shards)
    ]
    result = detente.merge(_gather(client, futures))
    assert isinstance(result, TournamentResult)
    return result
