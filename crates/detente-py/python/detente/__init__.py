"""detente: forecast multi-party negotiations from Python.

The package is a thin shell over the Rust library's analysis API (the same code and defaults
as the ``detente`` command): it adds no modelling of its own. Each function returns a typed
result whose ``to_dict()`` equals the CLI's ``--format json`` document for the same inputs and
whose ``to_pandas()`` gives a tidy DataFrame.

>>> import detente
>>> s = detente.load("scenarios/istanbul-2025.toml")
>>> f = detente.forecast(s)
>>> f.to_pandas().query("model == 'headline'")[["issue", "position"]]  # doctest: +SKIP
>>> detente.montecarlo(s, models=["compromise"], trials=1000).to_pandas()  # doctest: +SKIP

Long runs release the GIL; Monte Carlo and sensitivity show a progress bar (tqdm, when
installed) and stop on Ctrl-C with ``KeyboardInterrupt``.
"""

from __future__ import annotations

import json
import os
import warnings
from typing import (
    Any,
    Callable,
    Dict,
    Iterable,
    List,
    Mapping,
    Optional,
    Sequence,
    Tuple,
    Union,
)

from . import _native
from ._native import DetenteError, ScenarioError
from ._results import (
    BacktestResult,
    BargainResult,
    DelayResult,
    ForecastResult,
    LeversResult,
    MonteCarloResult,
    NegotiationResult,
    Result,
    SensitivityResult,
    TournamentResult,
)

__all__ = [
    "BacktestResult",
    "BargainResult",
    "DelayResult",
    "DetenteError",
    "ForecastResult",
    "LeversResult",
    "MonteCarloResult",
    "NegotiationResult",
    "Result",
    "Scenario",
    "ScenarioError",
    "SensitivityResult",
    "TournamentResult",
    "backtest",
    "bargain",
    "delay",
    "forecast",
    "levers",
    "load",
    "merge",
    "montecarlo",
    "montecarlo_shard",
    "negotiate",
    "sensitivity",
    "sensitivity_shard",
    "tournament",
    "tournament_shard",
]

PathLike = Union[str, "os.PathLike[str]"]
Progress = Union[bool, Callable[..., Any], None]


def _read_text(path: PathLike) -> str:
    """Reads a file the user named, with the CLI's size limit and UTF-8 check."""
    shown = os.fspath(path)
    if not os.path.exists(shown):
        raise FileNotFoundError(
            f"cannot read `{shown}`: no such file\n  help: check the path (the bundled "
            "scenario is scenarios/istanbul-2025.toml)"
        )
    if os.path.isdir(shown):
        raise IsADirectoryError(
            f"`{shown}` is a directory\n  help: name a scenario file, e.g. "
            "scenarios/istanbul-2025.toml"
        )
    limit = _native.max_scenario_bytes()
    with open(shown, "rb") as f:
        data = f.read(limit + 1)
    if len(data) > limit:
        raise ValueError(
            f"`{shown}` is more than {limit} bytes, over the limit\n  help: a scenario is a "
            "hand-written description of actors and issues; check that this is the right file"
        )
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise ValueError(
            f"`{shown}` is not UTF-8 text (invalid byte at offset {e.start})\n"
            "  help: save the file as UTF-8"
        ) from None


class Scenario:
    """A validated scenario. Make one with :func:`load`, :meth:`from_text` or
    :meth:`from_dict`; invalid input raises :class:`ScenarioError`."""

    def __init__(self, native: "_native.Scenario") -> None:
        self._native = native

    @classmethod
    def from_text(cls, text: str, name: str = "<text>") -> "Scenario":
        """Parses scenario text (TOML, or JSON when it starts with ``{`` or ``name`` ends in
        ``.json``); ``name`` is what errors call it."""
        if not isinstance(text, str):
            raise TypeError(f"scenario text must be a str, got {type(text).__name__}")
        return cls(_native.parse(name, text))

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], name: str = "<dict>") -> "Scenario":
        """Builds a scenario from a dict of the scenario format's structure (as in the JSON
        form of docs/scenario-format.md). Wrong types or missing keys raise
        :class:`ScenarioError` naming the field; its lines and columns refer to the dict
        written as JSON with two-space indents (``json.dumps(data, indent=2)``), which the
        error's snippet shows."""
        if not isinstance(data, Mapping):
            raise TypeError(f"Scenario.from_dict needs a dict, got {type(data).__name__}")
        try:
            text = json.dumps(data, allow_nan=False, indent=2)
        except (TypeError, ValueError) as e:
            raise TypeError(f"Scenario.from_dict: the dict is not plain JSON data: {e}") from None
        return cls(_native.parse(name + ".json", text))

    @property
    def name(self) -> str:
        """The name errors use (the path, ``<text>`` or ``<dict>.json``)."""
        return self._native.name

    @property
    def title(self) -> str:
        """The scenario's title."""
        return self._native.title

    @property
    def actors(self) -> List[str]:
        """Actor ids."""
        return self._native.actors

    @property
    def issues(self) -> List[str]:
        """Issue ids."""
        return self._native.issues

    @property
    def levers(self) -> List[str]:
        """Lever ids of the ``[time]`` section."""
        return self._native.levers

    @property
    def warnings(self) -> List[str]:
        """Warnings found while validating, rendered as the CLI prints them."""
        return self._native.warnings

    def to_toml(self) -> str:
        """The scenario as TOML, in the layout of docs/scenario-format.md."""
        return self._native.to_toml()

    def __repr__(self) -> str:
        return f"<Scenario {self.title!r}: {len(self.actors)} actors, {len(self.issues)} issues>"


ScenarioLike = Union[Scenario, PathLike]


def load(path_or_text: Union[PathLike, str]) -> Scenario:
    """Loads a scenario from a path (``str`` or ``pathlib.Path``) or from scenario text.

    A ``str`` that contains a newline, or starts with ``{``, is read as text; anything else is
    a path. A missing file raises ``FileNotFoundError``; an invalid scenario
    :class:`ScenarioError` with each problem's file, line, column, field path and fix."""
    if isinstance(path_or_text, str) and (
        "\n" in path_or_text or path_or_text.lstrip().startswith("{")
    ):
        return Scenario.from_text(path_or_text)
    if not isinstance(path_or_text, (str, os.PathLike)):
        raise TypeError(
            f"detente.load needs a path or scenario text, got {type(path_or_text).__name__}"
        )
    name = os.fspath(path_or_text)
    return Scenario(_native.parse(name, _read_text(name)))


def _scenario(s: ScenarioLike) -> "_native.Scenario":
    if isinstance(s, Scenario):
        return s._native
    return load(s)._native


def _strings(what: str, values: Union[str, Iterable[str], None]) -> List[str]:
    if values is None:
        return []
    if isinstance(values, str):
        values = values.split(",")
    out = []
    for v in values:
        if not isinstance(v, str):
            raise TypeError(f"{what}: expected strings, got {type(v).__name__} {v!r}")
        if v.strip():
            out.append(v.strip())
    return out


def forecast(
    scenario: ScenarioLike,
    *,
    models: Union[str, Sequence[str]] = "all",
    issues: Union[str, Sequence[str], None] = None,
    preset: Optional[str] = None,
    rounds: Optional[int] = None,
    headline: Optional[str] = None,
    trials: Optional[int] = None,
    seed: int = 0,
    noise: Union[str, Sequence[str], None] = None,
    no_scenario_uncertainty: bool = False,
    threads: Optional[int] = None,
    progress: Progress = True,
) -> ForecastResult:
    """Forecasts every issue with the spatial models (``detente forecast``): ``models`` from
    all, compromise, median, nash, eum, smp (KTAB's Spatial Model of Politics; ``all`` includes it
    on a scenario with ``[[spaces]]``); ``preset`` the EUM preset (scholz or bdm);
    ``headline`` learnt, equal, none or weights like ``"compromise=0.6,eum=0.4"`` (left at None:
    the scenario's own ``[scenario] headline``, else learnt). Options left at None keep the library's defaults (those of the CLI). With ``trials`` a Monte Carlo
    band of every forecast is added (``forecast --trials N``; ``seed``, ``noise``,
    ``no_scenario_uncertainty``, ``threads`` and ``progress`` as in :func:`montecarlo`)."""
    s = _scenario(scenario)
    n = _sim_trials("forecast", trials)
    with _Bar(progress if n else False, n or 0, "forecast") as callback:
        doc = _native.forecast(
            s, _strings("models", models), _strings("issues", issues), preset, rounds, headline,
            n, seed, _strings("noise", noise), no_scenario_uncertainty, threads, callback,
        )
    return ForecastResult(json.loads(doc))


def bargain(
    scenario: ScenarioLike,
    *,
    step: Optional[float] = None,
    loss: Optional[str] = None,
    parties: Union[str, Sequence[str], None] = None,
    nash: Optional[str] = None,
    real_points: int = 11,
) -> BargainResult:
    """Package bargaining across issues (``detente bargain``): the Pareto frontier, the four
    solutions and the zone of agreement. ``step`` is the grid spacing (library default when
    None), ``nash`` the Nash weights (capability or equal). ``scenario`` may also be a GENIUS
    or GeniusWeb domain folder, as for the CLI; ``real_points`` is then the number of values of
    each GENIUS real issue (``step``, ``loss`` and ``parties`` are for scenarios)."""
    if not isinstance(scenario, Scenario) and os.path.isdir(os.fspath(scenario)):
        folder = os.fspath(scenario)
        xml, json_files = _folder_files(folder)
        name = os.path.basename(os.path.normpath(folder)) or folder
        doc = _native.bargain_folder(name, folder, xml, json_files, real_points, nash)
        return BargainResult(json.loads(doc))
    doc = _native.bargain(_scenario(scenario), step, loss, _strings("parties", parties), nash)
    return BargainResult(json.loads(doc))


def delay(
    scenario: ScenarioLike,
    *,
    months: Optional[int] = None,
    levers: Union[str, Sequence[str], None] = None,
    first_proposer: Optional[str] = None,
    step: Optional[float] = None,
    loss: Optional[str] = None,
    parties: Union[str, Sequence[str], None] = None,
    nash: Optional[str] = None,
    trials: Optional[int] = None,
    seed: Optional[int] = None,
    rate_noise: Optional[float] = None,
    position_draws: Optional[int] = None,
) -> DelayResult:
    """The cost of delay month by month (``detente delay``) and, for scenarios that fight
    while they bargain, the settlement forecast (``trials``, ``seed``, ``rate_noise``,
    ``position_draws``; library defaults when None)."""
    doc = _native.delay(
        _scenario(scenario), months, _strings("levers", levers), first_proposer, step, loss,
        _strings("parties", parties), nash, trials, seed, rate_noise, position_draws,
    )
    return DelayResult(json.loads(doc))


def levers(
    scenario: ScenarioLike,
    *,
    months: Optional[int] = None,
    first_proposer: Optional[str] = None,
    step: Optional[float] = None,
    loss: Optional[str] = None,
    parties: Union[str, Sequence[str], None] = None,
    nash: Optional[str] = None,
    trials: Optional[int] = None,
    seed: Optional[int] = None,
    rate_noise: Optional[float] = None,
    position_draws: Optional[int] = None,
) -> LeversResult:
    """Each lever and pair of levers against the baseline (``detente levers``)."""
    doc = _native.levers(
        _scenario(scenario), months, first_proposer, step, loss, _strings("parties", parties),
        nash, trials, seed, rate_noise, position_draws,
    )
    return LeversResult(json.loads(doc))


class _Bar:
    """The progress callback: tqdm when installed and asked for, a user callable, or none."""

    def __init__(self, progress: Progress, total: int, what: str) -> None:
        self.bar: Any = None
        self.callback: Optional[Callable[..., Any]] = None
        if callable(progress):
            self.callback = progress
        elif progress:
            try:
                from tqdm.auto import tqdm  # type: ignore[import-untyped,unused-ignore]
            except ImportError:
                return
            self.bar = tqdm(total=total, desc=what, unit="run" if what == "sensitivity" else "trial")
            self.done = 0

            def update(done: int, total: Optional[int] = None) -> None:
                if total is not None and self.bar.total != total:
                    self.bar.total = total
                    self.bar.refresh()
                self.bar.update(done - self.done)
                self.done = done

            self.callback = update

    def __enter__(self) -> Optional[Callable[..., Any]]:
        return self.callback

    def __exit__(self, *exc: Any) -> None:
        if self.bar is not None:
            self.bar.close()


def _sim_trials(what: str, trials: Optional[int]) -> Optional[int]:
    if trials is not None and (not isinstance(trials, int) or trials < 0):
        raise ValueError(f"{what}: trials must be a whole number >= 0, got {trials!r}")
    return trials


def _uncertainty(
    kind: str,
    scenario: ScenarioLike,
    models: Union[str, Sequence[str]],
    trials: Optional[int],
    seed: int,
    noise: Union[str, Sequence[str], None],
    no_scenario_uncertainty: bool,
    package_step: Optional[float],
    months: Optional[int],
    levers: Union[str, Sequence[str], None],
    threads: Optional[int],
    progress: Progress,
    shard: Optional[Tuple[int, int]] = None,
) -> str:
    """The run shared by :func:`montecarlo` and :func:`sensitivity` and their shards: the JSON
    document's text."""
    s = _scenario(scenario)
    n = _sim_trials(kind, trials)
    if shard is not None:
        index, count = _shard(shard)
        shard = (index, count)
    total = n or 0
    if kind == "sensitivity" and shard is None:
        # A sensitivity analysis counts model runs: the tornado's two per input, then the
        # trials, so the bar moves through the tornado too.
        total = _native.sensitivity_runs(
            s, _strings("models", models), n, _strings("noise", noise), no_scenario_uncertainty,
            package_step, months, _strings("levers", levers),
        )
    with _Bar(progress, total, kind) as callback:
        return _native.uncertainty(
            kind, s, _strings("models", models), n, seed, _strings("noise", noise),
            no_scenario_uncertainty, package_step, months, _strings("levers", levers), threads,
            callback, shard,
        )


def _shard(shard: Tuple[int, int]) -> Tuple[int, int]:
    try:
        index, count = shard
    except (TypeError, ValueError):
        raise ValueError(f"shard: give (index, count), e.g. (0, 4), not {shard!r}") from None
    if not isinstance(index, int) or not isinstance(count, int) or not 0 <= index < count:
        raise ValueError(
            f"shard: part {index!r} of {count!r} does not exist; parts are counted from 0 to count - 1"
        )
    return index, count


def montecarlo(
    scenario: ScenarioLike,
    *,
    models: Union[str, Sequence[str]] = "all",
    trials: Optional[int] = None,
    seed: int = 0,
    noise: Union[str, Sequence[str], None] = None,
    no_scenario_uncertainty: bool = False,
    package_step: Optional[float] = None,
    months: Optional[int] = None,
    levers: Union[str, Sequence[str], None] = None,
    threads: Optional[int] = None,
    progress: Progress = True,
) -> MonteCarloResult:
    """Monte Carlo bands of the forecasts (``detente montecarlo``). ``models`` from all,
    compromise, median, nash, eum, package, delay; ``noise`` entries like ``"position=5"``.
    The same seed gives the same result on any number of ``threads``. ``progress``: True for a
    tqdm bar (when tqdm is installed), False for none, or a callable given the trials done."""
    doc = _uncertainty(
        "montecarlo", scenario, models, trials, seed, noise, no_scenario_uncertainty, package_step,
        months, levers, threads, progress,
    )
    return MonteCarloResult(json.loads(doc))


def montecarlo_shard(
    scenario: ScenarioLike,
    index: int,
    count: int,
    *,
    models: Union[str, Sequence[str]] = "all",
    trials: Optional[int] = None,
    seed: int = 0,
    noise: Union[str, Sequence[str], None] = None,
    no_scenario_uncertainty: bool = False,
    package_step: Optional[float] = None,
    months: Optional[int] = None,
    levers: Union[str, Sequence[str], None] = None,
    threads: Optional[int] = None,
    progress: Progress = False,
) -> str:
    """Part ``index`` of ``count`` (counted from 0) of :func:`montecarlo` with the same options,
    as the shard document's JSON text (``detente montecarlo --shard index/count``). Give every
    part's text to :func:`merge` for the unsharded result, exactly."""
    return _uncertainty(
        "montecarlo", scenario, models, trials, seed, noise, no_scenario_uncertainty, package_step,
        months, levers, threads, progress, (index, count),
    )


def sensitivity(
    scenario: ScenarioLike,
    *,
    models: Union[str, Sequence[str]] = "all",
    trials: Optional[int] = None,
    seed: int = 0,
    noise: Union[str, Sequence[str], None] = None,
    no_scenario_uncertainty: bool = False,
    package_step: Optional[float] = None,
    months: Optional[int] = None,
    levers: Union[str, Sequence[str], None] = None,
    threads: Optional[int] = None,
    progress: Progress = True,
) -> SensitivityResult:
    """Tornados and standardised regression coefficients (``detente sensitivity``);
    ``trials`` is the regression's sample (0 skips it). Options as :func:`montecarlo`, except
    that ``progress`` counts model runs: the tornado's two per input, then the trials."""
    doc = _uncertainty(
        "sensitivity", scenario, models, trials, seed, noise, no_scenario_uncertainty, package_step,
        months, levers, threads, progress,
    )
    return SensitivityResult(json.loads(doc))


def sensitivity_shard(
    scenario: ScenarioLike,
    index: int,
    count: int,
    *,
    models: Union[str, Sequence[str]] = "all",
    trials: Optional[int] = None,
    seed: int = 0,
    noise: Union[str, Sequence[str], None] = None,
    no_scenario_uncertainty: bool = False,
    package_step: Optional[float] = None,
    months: Optional[int] = None,
    levers: Union[str, Sequence[str], None] = None,
    threads: Optional[int] = None,
    progress: Progress = False,
) -> str:
    """Part ``index`` of ``count`` of :func:`sensitivity` (its slice of the tornado's inputs and
    of the regression's trials), as the shard document's JSON text; see :func:`merge`."""
    return _uncertainty(
        "sensitivity", scenario, models, trials, seed, noise, no_scenario_uncertainty,
        package_step, months, levers, threads, progress, (index, count),
    )


def merge(parts: Sequence[str]) -> Union[MonteCarloResult, SensitivityResult, TournamentResult]:
    """Merges every part of one sharded run (the texts :func:`montecarlo_shard`,
    :func:`sensitivity_shard` or :func:`tournament_shard` returned, or the files ``--shard``
    wrote, in any order) into the unsharded run's result, byte for byte (``detente merge``).
    Parts of different runs, a missing part or a part given twice raise :class:`DetenteError`."""
    if isinstance(parts, str):
        raise TypeError("merge: give a list of shard texts, not one string")
    doc = json.loads(_native.merge_shards(list(parts)))
    schema = doc.get("schema")
    if schema == "detente.montecarlo/1":
        return MonteCarloResult(doc)
    if schema == "detente.sensitivity/1":
        return SensitivityResult(doc)
    return TournamentResult(doc)


def backtest(
    path: PathLike,
    *,
    models: Union[str, Sequence[str], None] = None,
    capability: Optional[str] = None,
    institutions: Optional[str] = None,
    missing_reference: Optional[str] = None,
    commission_veto: bool = False,
    bootstrap: Optional[int] = None,
    seed: Optional[int] = None,
    folds: Optional[int] = None,
    cv_seeds: Optional[Sequence[int]] = None,
    limit: Optional[int] = None,
) -> BacktestResult:
    """Scores every model on the DEU data's known outcomes (``detente backtest``); ``path``
    is the DEU table, e.g. ``data/deu3/deu3.tsv``. Options left at None keep the library's
    defaults (those of the CLI: GDP capability, 2,000 bootstrap replicates, 10 folds, ...)."""
    name = os.fspath(path)
    doc = _native.backtest(
        name, _read_text(name), _strings("models", models), capability, institutions,
        missing_reference, commission_veto, bootstrap, seed, folds,
        None if cv_seeds is None else list(cv_seeds), limit,
    )
    return BacktestResult(json.loads(doc))


def _folder_files(folder: str) -> Tuple[List[Tuple[str, str]], List[Tuple[str, str]]]:
    """A domain folder's XML and JSON files as (name, text) pairs, in name order."""
    xml = []
    json_files = []
    for entry in sorted(os.listdir(folder)):
        path = os.path.join(folder, entry)
        if not os.path.isfile(path):
            continue
        if entry.lower().endswith(".xml"):
            xml.append((entry, _read_text(path)))
        elif entry.lower().endswith(".json"):
            json_files.append((entry, _read_text(path)))
    return xml, json_files


def _domain(
    domain: Union[Scenario, PathLike],
    step: float,
    parties: List[str],
    real_points: int = 11,
    raw_evaluations: bool = False,
) -> "_native.Domain":
    """A negotiation table: a GENIUS domain folder (its XML files; real issues on
    ``real_points`` values, evaluations as written when ``raw_evaluations``), a GeniusWeb one
    (its JSON files, when it has no XML), a scenario file or a Scenario (its package space on a
    grid every ``step`` scale points)."""
    if not isinstance(domain, Scenario) and os.path.isdir(os.fspath(domain)):
        folder = os.fspath(domain)
        xml, json_files = _folder_files(folder)
        name = os.path.basename(os.path.normpath(folder)) or folder
        if not xml and json_files:
            table = _native.geniusweb_domain(name, folder, json_files)
        else:
            table = _native.genius_domain(name, folder, xml, real_points, raw_evaluations)
    else:
        table = _native.scenario_domain(_scenario(domain), step, parties)
    for w in table.warnings:
        warnings.warn(w, stacklevel=3)
    return table


def negotiate(
    domain: Union[Scenario, PathLike],
    *,
    agents: Union[str, Sequence[str]] = ("boulware", "conceder"),
    rounds: int = 100,
    trace: bool = False,
    seed: int = 0,
    step: float = 25.0,
    parties: Union[str, Sequence[str], None] = None,
    real_points: int = 11,
    preset: str = "genius",
) -> NegotiationResult:
    """One automated negotiation (``detente negotiate``) on a GENIUS or GeniusWeb domain
    folder or a scenario: ``agents`` one per party (boulware, linear, conceder, hardheaded, aspiration:E,
    naive-tft, nice-tft, micro, random, random:P, negmas-boulware, negmas-linear,
    negmas-conceder, negmas:E), a deadline of ``rounds`` rounds. ``real_points``: values per
    GENIUS real issue. ``preset``: "genius" (the default semantics) or "negmas" (NegMAS 0.16's
    time-based negotiators on raw GENIUS evaluations, as ``--preset negmas``). The defaults are
    the CLI's."""
    if preset not in ("genius", "negmas"):
        raise ValueError(f"preset: {preset!r} is not one of 'genius', 'negmas'")
    negmas = preset == "negmas"
    table = _domain(domain, step, _strings("parties", parties), real_points, negmas)
    doc = _native.negotiate(table, _strings("agents", agents), rounds, trace, seed, negmas)
    return NegotiationResult(json.loads(doc))


def _tournament(config: PathLike, progress: Progress, shard: Optional[Tuple[int, int]]) -> str:
    name = os.fspath(config)
    text = _read_text(name)
    domains, step, real_points, raw_evaluations = _native.tournament_domains(name, text)
    base = os.path.dirname(name) or "."
    tables = [_domain(os.path.join(base, d), step, [], real_points, raw_evaluations) for d in domains]
    with _Bar(progress, 0, "tournament") as callback:
        return _native.tournament(name, text, tables, callback, shard)


def tournament_shard(config: PathLike, index: int, count: int, *, progress: Progress = False) -> str:
    """Part ``index`` of ``count`` (counted from 0) of a tournament's negotiations, as the shard
    document's JSON text (``detente tournament --shard index/count``); see :func:`merge`."""
    return _tournament(config, progress, _shard((index, count)))


def tournament(config: PathLike, *, progress: Progress = True) -> TournamentResult:
    """A negotiation tournament described by a TOML config (``detente tournament``):
    ``domains`` (folders or scenario files, relative to the config), ``agents`` and optionally
    ``rounds``, ``repetitions``, ``self_play``, ``seed``, ``step``, ``real_points`` and
    ``preset`` (``"genius"`` or ``"negmas"``, as :func:`negotiate`). The run releases the GIL;
    the library has no stop hook between negotiations, so Ctrl-C takes effect when it ends.
    ``progress``: True for a tqdm bar, False for none, or a callable given (done, total)."""
    return TournamentResult(json.loads(_tournament(config, progress, None)))
