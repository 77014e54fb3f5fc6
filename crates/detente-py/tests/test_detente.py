"""The Python package against the `detente` CLI built in the same CI run.

Every model function is run on the same inputs as a CLI command with `--format json`, and the
result's `to_dict()` must equal the CLI's parsed JSON exactly (same keys, same floats: both are
serialised by serde_json from the same library call). The binary is `$DETENTE_BIN`, else
`target/release/detente` under the repository root (`$DETENTE_ROOT`, else three folders up).
"""

from __future__ import annotations

import _thread
import json
import os
import pathlib
import signal
import subprocess
import sys
import threading
import time
import tomllib
from collections.abc import Callable, Iterator

import pytest

import detente

ROOT = pathlib.Path(os.environ.get("DETENTE_ROOT", pathlib.Path(__file__).resolve().parents[3]))
BIN = pathlib.Path(os.environ.get("DETENTE_BIN", ROOT / "target" / "release" / "detente"))
ISTANBUL = ROOT / "scenarios" / "istanbul-2025.toml"
TWO_PARTY = ROOT / "crates" / "detente-cli" / "tests" / "data" / "two-party.toml"
DRIFT = ROOT / "crates" / "detente-cli" / "tests" / "data" / "drift.toml"
DEU = ROOT / "data" / "deu3" / "deu3.tsv"


def cli_json(*args: object) -> dict:
    """Runs the CLI with `--format json` and returns its parsed output."""
    out = subprocess.run(
        [str(BIN), *map(str, args), "--format", "json"],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    return json.loads(out.stdout)


def cli_stderr(*args: object) -> str:
    out = subprocess.run([str(BIN), *map(str, args)], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 2, out
    return out.stderr


@pytest.fixture(scope="module")
def istanbul() -> detente.Scenario:
    return detente.load(ISTANBUL)


@pytest.fixture
def ctrl_c() -> Iterator[Callable[[float], None]]:
    """Schedules a simulated Ctrl-C some seconds ahead, with Python's own SIGINT handler in place.

    `_thread.interrupt_main` does nothing while SIGINT is ignored, as it is for a background job
    of a non-interactive shell or under `nohup`: a suite started that way ran each interrupted
    run to its end (a million trials, minutes each) and failed, although detente stops at once.
    """
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    timers: list[threading.Timer] = []

    def schedule(seconds: float) -> None:
        timer = threading.Timer(seconds, _thread.interrupt_main)
        timers.append(timer)
        timer.start()

    yield schedule
    for timer in timers:
        timer.cancel()
    signal.signal(signal.SIGINT, previous)


def test_binary_exists() -> None:
    assert BIN.exists(), f"build the CLI first: cargo build --release -p detente-cli ({BIN})"


# ---- the model functions against the CLI's JSON -------------------------------------------


def test_forecast_default_equals_cli(istanbul: detente.Scenario) -> None:
    result = detente.forecast(istanbul)
    assert isinstance(result, detente.ForecastResult)
    assert result.schema == "detente.forecast/1"
    assert result.to_dict() == cli_json("forecast", ISTANBUL)


def test_forecast_options_equal_cli(istanbul: detente.Scenario) -> None:
    result = detente.forecast(
        istanbul,
        models=["eum", "compromise"],
        issues="ceasefire",
        preset="bdm",
        rounds=5,
        headline="compromise=0.6,eum=0.4",
    )
    expected = cli_json(
        "forecast", ISTANBUL, "--model", "eum,compromise", "--issue", "ceasefire",
        "--preset", "bdm", "--rounds", "5", "--headline", "compromise=0.6,eum=0.4",
    )
    assert result.to_dict() == expected
    assert result.models == ["compromise", "eum"]


def test_bargain_equals_cli(istanbul: detente.Scenario) -> None:
    assert detente.bargain(istanbul).to_dict() == cli_json("bargain", ISTANBUL)
    result = detente.bargain(TWO_PARTY, step=10, nash="equal", loss="linear")
    assert result.to_dict() == cli_json(
        "bargain", TWO_PARTY, "--step", "10", "--nash", "equal", "--loss", "linear"
    )


def test_delay_equals_cli(istanbul: detente.Scenario) -> None:
    result = detente.delay(istanbul, months=8, trials=300, seed=5)
    assert result.to_dict() == cli_json(
        "delay", ISTANBUL, "--months", "8", "--trials", "300", "--seed", "5"
    )
    assert result.settlement is not None
    assert detente.delay(DRIFT).to_dict() == cli_json("delay", DRIFT)


def test_levers_equals_cli(istanbul: detente.Scenario) -> None:
    result = detente.levers(istanbul, months=6, trials=100, position_draws=2)
    assert result.to_dict() == cli_json(
        "levers", ISTANBUL, "--months", "6", "--trials", "100", "--position-draws", "2"
    )


def test_montecarlo_equals_cli(istanbul: detente.Scenario) -> None:
    result = detente.montecarlo(
        istanbul, models="compromise,median", trials=600, seed=7, noise=["position=5"],
        progress=False,
    )
    expected = cli_json(
        "montecarlo", ISTANBUL, "--model", "compromise,median", "--trials", "600", "--seed", "7",
        "--noise", "position=5",
    )
    assert result.to_dict() == expected
    assert result.trials == 600
    # Draws depend only on (seed, trial): one worker thread gives the same document.
    one = detente.montecarlo(
        istanbul, models="compromise,median", trials=600, seed=7, noise=["position=5"],
        threads=1, progress=False,
    )
    assert one.to_dict() == expected


def test_sensitivity_equals_cli(istanbul: detente.Scenario) -> None:
    result = detente.sensitivity(
        istanbul, models=["compromise"], trials=200, seed=3, progress=False
    )
    assert result.to_dict() == cli_json(
        "sensitivity", ISTANBUL, "--model", "compromise", "--trials", "200", "--seed", "3"
    )


def test_backtest_equals_cli() -> None:
    rel = DEU.relative_to(ROOT)
    cwd = os.getcwd()
    os.chdir(ROOT)  # the document names the file as given, as the CLI's does
    try:
        result = detente.backtest(rel, limit=60, bootstrap=40, cv_seeds=[1], folds=3)
    finally:
        os.chdir(cwd)
    assert result.to_dict() == cli_json(
        "backtest", rel, "--limit", "60", "--bootstrap", "40", "--cv-seeds", "1", "--folds", "3"
    )


# ---- tidy frames ---------------------------------------------------------------------------


def test_forecast_smp_on_an_imported_ktab_file_equals_cli(tmp_path: pathlib.Path) -> None:
    """Issue 15: a KTAB file imported as a scenario with a space; KTAB's SMP by default and
    with an issue selection (it still runs on the whole space), as the CLI gives it."""
    ktab = ROOT / "crates" / "detente-models" / "tests" / "data" / "ktab" / "SOE-Pol-Comp.csv"
    path = tmp_path / "soe.toml"
    subprocess.run([str(BIN), "import", str(ktab), "-o", str(path)], check=True, cwd=ROOT,
                   capture_output=True)
    scenario = detente.load(path)
    everything = detente.forecast(scenario)
    assert everything.models == ["compromise", "median", "nash", "eum", "smp"]
    assert everything.to_dict() == cli_json("forecast", path)
    one = detente.forecast(scenario, models=["smp"], issues="competitive")
    assert one.to_dict() == cli_json("forecast", path, "--model", "smp", "--issue", "competitive")
    assert one.to_dict()["issues"][0]["smp"] == everything.to_dict()["issues"][1]["smp"]


def test_forecast_frames(istanbul: detente.Scenario) -> None:
    result = detente.forecast(istanbul)
    doc = result.to_dict()
    df = result.to_pandas()
    # One row per issue and model, the headline included.
    assert len(df) == len(doc["issues"]) * (len(doc["models"]) + 1)
    row = df[(df.issue == "ceasefire") & (df.model == "compromise")].iloc[0]
    assert row.position == doc["issues"][0]["compromise"]["position"]
    rounds = result.eum_rounds_to_pandas()
    eum = doc["issues"][0]["eum"]
    assert len(rounds[rounds.issue == "ceasefire"]) == sum(len(r["actors"]) for r in eum["rounds"])


def test_other_frames(istanbul: detente.Scenario) -> None:
    delay = detente.delay(istanbul, months=4, trials=50)
    df = delay.to_pandas()
    assert len(df) == 5 * len(delay.parties)  # months 0..=4, one row per party
    settlement = delay.settlement_to_pandas()
    assert list(settlement.month) == [m["month"] for m in delay.settlement["by_month"]]
    # Istanbul's EU is a veto ally: the curve of the parties alone rides along, never below
    # the forecast.
    assert [v["actor"] for v in delay.settlement["vetoes"]] == ["eu"]
    assert list(settlement.parties_alone) == delay.settlement["parties_by_month"]
    assert all(settlement.parties_alone >= settlement.p)
    mc = detente.montecarlo(istanbul, models="compromise", trials=100, progress=False)
    frame = mc.to_pandas()
    assert list(frame.key) == [m["key"] for m in mc["metrics"]]
    assert list(frame["mean"]) == [m["mean"] for m in mc["metrics"]]
    bargain = detente.bargain(istanbul)
    nash = bargain.to_pandas().query("solution == 'nash'")
    assert list(nash.value) == bargain.solutions["nash"]["package"]
    assert len(bargain.utilities_to_pandas()) == 4 * len(bargain.parties)
    sens = detente.sensitivity(istanbul, models="compromise", trials=0, progress=False)
    assert len(sens.to_pandas()) == sum(len(m["tornado"]) for m in sens["metrics"])
    levers = detente.levers(istanbul, months=3, trials=20, position_draws=0)
    assert len(levers.to_pandas()) == (1 + len(levers["variants"])) * len(levers["parties"])


# ---- scenarios: load, from_dict, to_toml ---------------------------------------------------


def test_load_text_dict_and_toml_round_trip(istanbul: detente.Scenario) -> None:
    text = ISTANBUL.read_text()
    from_text = detente.load(text)
    with open(ISTANBUL, "rb") as f:
        from_dict = detente.Scenario.from_dict(tomllib.load(f))
    round_trip = detente.load(istanbul.to_toml())
    expected = detente.forecast(istanbul).to_dict()
    for s in (from_text, from_dict, round_trip):
        assert s.title == istanbul.title
        assert s.actors == istanbul.actors
        assert detente.forecast(s).to_dict() == expected
    assert "[[actors]]" in istanbul.to_toml()


def test_invalid_scenario_raises_like_the_cli(tmp_path: pathlib.Path) -> None:
    bad = tmp_path / "bad.toml"
    text = ISTANBUL.read_text().replace("capability = 100", 'capability = "lots"', 1)
    assert text != ISTANBUL.read_text()
    bad.write_text(text)
    with pytest.raises(detente.ScenarioError) as info:
        detente.load(bad)
    e = info.value
    assert e.file == str(bad)
    assert e.errors[0]["field"].startswith("actors[")
    assert e.errors[0]["line"] is not None and e.errors[0]["column"] is not None
    assert e.errors[0]["help"]
    assert (e.line, e.column, e.field, e.help) == tuple(e.errors[0][k] for k in ("line", "column", "field", "help"))
    # The message is the CLI's rendering of the same file.
    assert str(e).strip() == cli_stderr("validate", bad).strip()


def test_from_dict_wrong_types_name_the_field() -> None:
    with open(ISTANBUL, "rb") as f:
        data = tomllib.load(f)
    data["actors"][1]["capability"] = "lots"
    with pytest.raises(detente.ScenarioError) as info:
        detente.Scenario.from_dict(data)
    field = info.value.errors[0]["field"]
    assert "actors" in field and "1" in field and "capability" in field, field
    assert "<dict>.json" in str(info.value)
    # The snippet shows the offending key in the dict written as JSON.
    assert '"capability": "lots"' in str(info.value) and info.value.line is not None
    del data["actors"][1]["capability"]
    data["scenario"].pop("title")
    with pytest.raises(detente.ScenarioError, match="title"):
        detente.Scenario.from_dict(data)
    with pytest.raises(TypeError, match="needs a dict"):
        detente.Scenario.from_dict([1, 2])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="not plain JSON"):
        detente.Scenario.from_dict({"meta": {"title": object()}})


def test_missing_file_and_bad_options(istanbul: detente.Scenario) -> None:
    with pytest.raises(FileNotFoundError, match="no-such.toml"):
        detente.load("no-such.toml")
    with pytest.raises(FileNotFoundError, match="no-such.toml"):
        detente.forecast("no-such.toml")
    with pytest.raises(ValueError, match="unknown model `foo`"):
        detente.forecast(istanbul, models=["foo"])
    with pytest.raises(ValueError, match="unknown issue `nope`"):
        detente.forecast(istanbul, issues=["nope"])
    with pytest.raises(ValueError, match="unknown actor `nobody`"):
        detente.bargain(istanbul, parties=["russia", "nobody"])
    with pytest.raises(ValueError, match="trials"):
        detente.delay(istanbul, trials=0)
    with pytest.raises(ValueError, match="noise"):
        detente.montecarlo(istanbul, noise=["warp=3"], trials=10, progress=False)
    with pytest.raises(ValueError, match="threads"):
        detente.montecarlo(istanbul, trials=10, threads=0, progress=False)
    with pytest.raises(detente.DetenteError, match="declares no levers"):
        detente.levers(TWO_PARTY)
    with pytest.raises(TypeError, match="models"):
        detente.forecast(istanbul, models=[3])  # type: ignore[list-item]


# ---- long runs: progress, the GIL, Ctrl-C --------------------------------------------------


def test_progress_callback_sees_every_trial(istanbul: detente.Scenario) -> None:
    seen: list[int] = []
    detente.montecarlo(istanbul, models="compromise", trials=500, progress=seen.append)
    assert seen and seen == sorted(seen) and seen[-1] == 500


def test_sensitivity_progress_counts_the_tornado_runs_too(istanbul: detente.Scenario) -> None:
    # Issue 16: the bar sat at 0 while the tornado ran. Progress now counts model runs: two per
    # tornado input (reported while the tornado runs, before any trial), then the trials.
    seen: list[int] = []
    sens = detente.sensitivity(istanbul, models="compromise", trials=200, progress=seen.append)
    inputs = len(sens.to_dict()["inputs"])
    assert inputs > 0
    assert seen == sorted(seen)
    assert seen[-1] == 2 * inputs + 200
    assert any(0 < x <= 2 * inputs for x in seen), "no progress during the tornado"


def test_long_runs_release_the_gil(istanbul: detente.Scenario) -> None:
    done = threading.Event()
    ticks = 0

    def run() -> None:
        detente.montecarlo(istanbul, models="eum", trials=3000, progress=False)
        done.set()

    worker = threading.Thread(target=run)
    worker.start()
    start = time.monotonic()
    while not done.is_set():
        ticks += 1  # Python code keeps running while the model runs in Rust
        time.sleep(0.001)
    worker.join()
    elapsed = time.monotonic() - start
    assert elapsed > 0.05, "the run was too short to say anything"
    assert ticks > 10


@pytest.mark.parametrize("threads", [None, 2])
def test_keyboard_interrupt_stops_a_run(
    istanbul: detente.Scenario, threads: int | None, ctrl_c: Callable[[float], None]
) -> None:
    start = time.monotonic()
    ctrl_c(0.5)
    with pytest.raises(KeyboardInterrupt):
        detente.montecarlo(
            istanbul, models="eum", trials=1_000_000, threads=threads, progress=False
        )
    # A million EUM trials take many minutes; the interrupt ends the run within a block.
    assert time.monotonic() - start < 30


def test_keyboard_interrupt_stops_the_settlement_forecast(
    istanbul: detente.Scenario, ctrl_c: Callable[[float], None]
) -> None:
    # `delay` and `levers` ran without a stop: a forecast of 30,000 trials took 53 s to see
    # Ctrl-C, and the limit is a million.
    start = time.monotonic()
    ctrl_c(0.5)
    with pytest.raises(KeyboardInterrupt):
        detente.delay(istanbul, trials=1_000_000)
    assert time.monotonic() - start < 30


NESTED = """
import detente
s = detente.load({path!r})
calls = []
def nested(*args):
    calls.append(detente.montecarlo(s, models="compromise", trials=20, progress=False))
detente.montecarlo(s, models="compromise", trials=300, progress=nested)
detente.sensitivity(s, models="compromise", trials=20, progress=nested)
detente.tournament({tournament!r}, progress=nested)
print(len(calls))
"""


def test_a_progress_callback_may_run_detente() -> None:
    # A callback ran on a worker of the thread pool, holding it (and the lock that orders the
    # reports) while a nested run waited for that pool: it hung for ever, deaf to Ctrl-C. It
    # runs in a child process here so that a hang fails the test instead of the suite.
    code = NESTED.format(path=str(ISTANBUL), tournament=str(TOURNAMENT))
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=300, cwd=ROOT
    )
    assert out.returncode == 0, out.stderr
    assert int(out.stdout) > 3, out.stdout


# ---- automated negotiation -----------------------------------------------------------------

LAPTOP = ROOT / "crates" / "detente-models" / "tests" / "data" / "genius" / "Laptop"
TOURNAMENT = ROOT / "examples" / "tournament.toml"


def test_negotiate_genius_equals_cli() -> None:
    result = detente.negotiate(LAPTOP, agents=["micro", "random:0.3"], rounds=60, trace=True, seed=4)
    assert isinstance(result, detente.NegotiationResult)
    assert result.to_dict() == cli_json(
        "negotiate", LAPTOP, "--agents", "micro,random:0.3", "--rounds", "60", "--trace",
        "--seed", "4",
    )
    assert len(result.trace_to_pandas()) == len(result["trace"]) > 0
    assert list(result.to_pandas().agent) == ["micro", "random:0.3"]


def test_negotiate_geniusweb_equals_cli() -> None:
    party = LAPTOP.parent / "geniusweb"
    result = detente.negotiate(party, agents="boulware,conceder", rounds=80)
    assert result.to_dict() == cli_json(
        "negotiate", party, "--agents", "boulware,conceder", "--rounds", "80"
    )
    assert result["agreement"] is not None


def test_negotiate_negmas_preset_and_real_points_equal_cli() -> None:
    # Issue 15: the NegMAS preset (raw GENIUS evaluations, NegMAS's time-based negotiators) and
    # the grid of real issues, as the CLI's --preset and --real-points.
    supermarket = LAPTOP.parent / "SupermarketA"
    result = detente.negotiate(supermarket, agents="boulware,conceder", preset="negmas")
    assert result.to_dict() == cli_json(
        "negotiate", supermarket, "--agents", "boulware,conceder", "--preset", "negmas"
    )
    assert result["round"] == 39
    assert [p["agent"] for p in result["parties"]] == ["negmas-boulware", "negmas-conceder"]
    real = LAPTOP.parent / "RealIssueFuzzy"
    result = detente.negotiate(real, agents="linear,linear", real_points=7)
    assert result.to_dict() == cli_json(
        "negotiate", real, "--agents", "linear,linear", "--real-points", "7"
    )
    assert result["outcomes"] == 7
    with pytest.raises(ValueError, match="preset"):
        detente.negotiate(LAPTOP, preset="nope")
    with pytest.raises(ValueError, match="real_points"):
        detente.negotiate(real, real_points=1)


def test_bargain_on_domain_folders_equals_cli(tmp_path: pathlib.Path) -> None:
    # Issue 15: bargain takes GENIUS (discrete, integer, real, non-linear) and GeniusWeb
    # folders, as the CLI.
    genius = LAPTOP.parent
    for folder, extra in [
        (LAPTOP, []),
        (genius / "IntegerDomain", []),
        (genius / "Nonlinear10issuesWithRV", []),
        (genius / "geniusweb", []),
        (genius / "RealIssueFuzzy", ["--real-points", "7"]),
    ]:
        points = int(extra[1]) if extra else 11
        result = detente.bargain(folder, real_points=points)
        assert isinstance(result, detente.BargainResult)
        assert result.to_dict() == cli_json("bargain", folder, *extra), folder
    equal = detente.bargain(LAPTOP, nash="equal")
    assert equal.to_dict() == cli_json("bargain", LAPTOP, "--nash", "equal")
    with pytest.raises(ValueError, match="nash"):
        detente.bargain(LAPTOP, nash="nope")
    (tmp_path / "notes.txt").write_text("not a domain")
    with pytest.raises(detente.DetenteError, match="help"):
        detente.bargain(tmp_path)


def test_negotiate_scenario_equals_cli(istanbul: detente.Scenario) -> None:
    result = detente.negotiate(istanbul, agents="boulware,linear", rounds=50, step=50)
    assert result.to_dict() == cli_json(
        "negotiate", ISTANBUL, "--agents", "boulware,linear", "--rounds", "50", "--step", "50"
    )


def test_tournament_equals_cli() -> None:
    seen: list[tuple[int, int]] = []
    result = detente.tournament(TOURNAMENT, progress=lambda done, total: seen.append((done, total)))
    assert isinstance(result, detente.TournamentResult)
    assert result.to_dict() == cli_json("tournament", TOURNAMENT)
    records = result["records"]
    assert seen[-1] == (len(records), len(records))
    assert len(result.to_pandas()) == sum(len(r["agents"]) for r in records)
    assert len(result.ranking_to_pandas()) == len(result["ranking"])


def test_keyboard_interrupt_stops_a_tournament(
    tmp_path: pathlib.Path, ctrl_c: Callable[[float], None]
) -> None:
    # A tournament ran to its end whatever Ctrl-C said: 10,000 repetitions of the example's
    # 12 seatings on a GENIUS domain are 240,000 negotiations of up to 100,000 rounds.
    config = tmp_path / "long.toml"
    config.write_text(
        f'domains = ["{LAPTOP}"]\nagents = ["boulware", "linear", "conceder", "micro"]\n'
        "rounds = 100000\nrepetitions = 10000\nself_play = false\nseed = 1\n"
    )
    start = time.monotonic()
    ctrl_c(0.5)
    with pytest.raises(KeyboardInterrupt):
        detente.tournament(config, progress=False)
    assert time.monotonic() - start < 30


def test_tournament_preset_and_real_points_equal_cli(tmp_path: pathlib.Path) -> None:
    # The config's `preset` sets every negotiator and how GENIUS folders are read, in Python as
    # in the CLI: SupermarketA's Boulware vs Conceder agrees in NegMAS's round 39.
    folder = LAPTOP.parent / "SupermarketA"
    config = tmp_path / "negmas.toml"
    config.write_text(
        f"domains = [{json.dumps(str(folder))}]\nagents = [\"boulware\", \"conceder\"]\n"
        "preset = \"negmas\"\nreal_points = 21\n"
    )
    result = detente.tournament(config, progress=False)
    assert result.to_dict() == cli_json("tournament", config)
    # The first rotation seats Boulware on the first profile, as `negotiate` does.
    first = next(r for r in result["records"] if r["agents"] == ["negmas-boulware", "negmas-conceder"])
    assert first["round"] == 39
    bad = tmp_path / "bad.toml"
    bad.write_text(config.read_text().replace("real_points = 21", "real_points = 1"))
    with pytest.raises(ValueError, match="real_points"):
        detente.tournament(bad, progress=False)


def test_negotiate_bad_input() -> None:
    with pytest.raises(ValueError, match="unknown negotiator `sly`"):
        detente.negotiate(LAPTOP, agents=["sly", "micro"])
    with pytest.raises(ValueError, match="3 negotiators given for 2 parties"):
        detente.negotiate(LAPTOP, agents=["micro", "micro", "micro"])
    with pytest.raises(FileNotFoundError, match="nowhere.toml"):
        detente.tournament("nowhere.toml")


def test_tqdm_bar_when_installed(istanbul: detente.Scenario, capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("tqdm")
    detente.montecarlo(istanbul, models="compromise", trials=300)
    err = capsys.readouterr().err
    assert "montecarlo" in err and "300/300" in err


def test_forecast_band_equals_cli(istanbul: detente.Scenario) -> None:
    result = detente.forecast(
        istanbul, models="compromise,nash", trials=300, seed=2, noise="position=4", progress=False
    )
    assert result.to_dict() == cli_json(
        "forecast", ISTANBUL, "--model", "compromise,nash", "--trials", "300", "--seed", "2",
        "--noise", "position=4",
    )
    band = result.montecarlo
    assert band is not None and band.trials == 300
    assert len(band.to_pandas()) == 2 * len(istanbul.issues)
    with pytest.raises(ValueError, match="need trials"):
        detente.forecast(istanbul, noise="position=4")
