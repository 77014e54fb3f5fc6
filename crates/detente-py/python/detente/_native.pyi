"""Type stubs of ``detente._native``, the Rust module behind the package (see src/lib.rs).

Every model function returns the JSON text of the CLI's ``--format json`` document; options
given as None keep the library's defaults.
"""

from typing import Any, Callable, Dict, List, Optional, Tuple

class ScenarioError(ValueError):
    """A scenario that does not validate; ``str(e)`` is the CLI's rendering."""

    errors: List[Dict[str, Any]]
    """Each problem: ``file``, ``line`` and ``column`` (None when unknown), ``field``,
    ``message``, ``help``."""
    file: str
    total: int
    line: Optional[int]
    column: Optional[int]
    field: Optional[str]
    message: Optional[str]
    help: Optional[str]
    """The first error's line, column, field path, message and fix."""

class DetenteError(Exception):
    """A model could not run on the scenario with the options given."""

class Scenario:
    """A validated scenario with the text and name it was read from."""

    @property
    def name(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def actors(self) -> List[str]: ...
    @property
    def issues(self) -> List[str]: ...
    @property
    def levers(self) -> List[str]: ...
    @property
    def warnings(self) -> List[str]: ...
    def to_toml(self) -> str: ...

def parse(name: str, text: str) -> Scenario: ...
def max_scenario_bytes() -> int: ...
def forecast(
    scenario: Scenario,
    models_: List[str],
    issues: List[str],
    preset: Optional[str],
    rounds: Optional[int],
    headline: Optional[str],
    trials: Optional[int],
    seed: int,
    noise_: List[str],
    no_scenario_uncertainty: bool,
    threads: Optional[int],
    progress: Optional[Callable[[int], Any]],
) -> str: ...
def bargain(
    scenario: Scenario,
    step: Optional[float],
    loss: Optional[str],
    parties: List[str],
    nash: Optional[str],
) -> str: ...
def delay(
    scenario: Scenario,
    months: Optional[int],
    levers: List[str],
    first_proposer: Optional[str],
    step: Optional[float],
    loss: Optional[str],
    parties: List[str],
    nash: Optional[str],
    trials: Optional[int],
    seed: Optional[int],
    rate_noise: Optional[float],
    position_draws: Optional[int],
) -> str: ...
def levers(
    scenario: Scenario,
    months: Optional[int],
    first_proposer: Optional[str],
    step: Optional[float],
    loss: Optional[str],
    parties: List[str],
    nash: Optional[str],
    trials: Optional[int],
    seed: Optional[int],
    rate_noise: Optional[float],
    position_draws: Optional[int],
) -> str: ...
def uncertainty(
    kind: str,
    scenario: Scenario,
    models_: List[str],
    trials: Optional[int],
    seed: int,
    noise_: List[str],
    no_scenario_uncertainty: bool,
    package_step: Optional[float],
    months: Optional[int],
    levers: List[str],
    threads: Optional[int],
    progress: Optional[Callable[[int], Any]],
    shard: Optional[Tuple[int, int]] = None,
) -> str: ...
def sensitivity_runs(
    scenario: Scenario,
    models_: List[str],
    trials: Optional[int],
    noise_: List[str],
    no_scenario_uncertainty: bool,
    package_step: Optional[float],
    months: Optional[int],
    levers: List[str],
) -> int: ...
def merge_shards(parts: List[str]) -> str: ...
def backtest(
    name: str,
    text: str,
    models: List[str],
    capability: Optional[str],
    institutions: Optional[str],
    missing_reference: Optional[str],
    commission_veto: bool,
    bootstrap: Optional[int],
    seed: Optional[int],
    folds: Optional[int],
    cv_seeds: Optional[List[int]],
    limit: Optional[int],
) -> str: ...

class Domain:
    """A negotiation table: an outcome space and the parties' preferences."""

    @property
    def name(self) -> str: ...
    @property
    def parties(self) -> List[str]: ...
    @property
    def warnings(self) -> List[str]: ...

def genius_domain(
    name: str,
    origin: str,
    files: List[Tuple[str, str]],
    real_points: int = 11,
    raw_evaluations: bool = False,
) -> Domain: ...
def geniusweb_domain(name: str, origin: str, files: List[Tuple[str, str]]) -> Domain: ...
def bargain_folder(
    name: str,
    origin: str,
    xml: List[Tuple[str, str]],
    json: List[Tuple[str, str]],
    real_points: int = 11,
    nash: Optional[str] = None,
) -> str: ...
def scenario_domain(scenario: Scenario, step: float, parties: List[str]) -> Domain: ...
def negotiate(
    domain: Domain, agents: List[str], rounds: int, trace: bool, seed: int, negmas: bool = False
) -> str: ...
def tournament_domains(name: str, text: str) -> Tuple[List[str], float, int, bool]: ...
def tournament(
    name: str,
    text: str,
    domains: List[Domain],
    progress: Optional[Callable[[int, int], Any]],
    shard: Optional[Tuple[int, int]] = None,
) -> str: ...
