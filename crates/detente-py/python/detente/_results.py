"""Typed result objects of the detente Python package.

Each result holds the JSON document the CLI writes with ``--format json`` for the same inputs
(``to_dict()`` returns it) and offers tidy pandas DataFrames (``to_pandas()`` and, where a
result has more than one table, named ``*_to_pandas()`` methods). No number is computed here:
the frames only reshape the document.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any, Dict, List, Optional, cast

if TYPE_CHECKING:  # pragma: no cover
    import pandas


def _pandas() -> Any:
    try:
        import pandas
    except ImportError as e:  # pragma: no cover - exercised only without pandas
        raise ImportError(
            "to_pandas() needs pandas; install it with `pip install pandas` "
            "(or `pip install detente[pandas]`)"
        ) from e
    return pandas


def _frame(*args: Any, **kwargs: Any) -> "pandas.DataFrame":
    """A DataFrame, with a clear message when pandas is missing."""
    return cast("pandas.DataFrame", _pandas().DataFrame(*args, **kwargs))


class Result:
    """A detente result: the CLI's JSON document for the same inputs, with accessors."""

    def __init__(self, document: Dict[str, Any]) -> None:
        self._doc = document

    @property
    def schema(self) -> str:
        """The document's schema, ``detente.<kind>/<version>``."""
        return str(self._doc.get("schema", ""))

    def to_dict(self) -> Dict[str, Any]:
        """The whole document, equal to the CLI's ``--format json`` output parsed as JSON."""
        return copy.deepcopy(self._doc)

    def __getitem__(self, key: str) -> Any:
        return self._doc[key]

    def __repr__(self) -> str:
        title = self._doc.get("title")
        return f"<{type(self).__name__} {self.schema}{' ' + repr(title) if title else ''}>"


class ForecastResult(Result):
    """Per-issue forecasts of the spatial models (``detente.forecast/1``)."""

    @property
    def title(self) -> str:
        """The scenario's title."""
        return str(self._doc["title"])

    @property
    def models(self) -> List[str]:
        """The models that ran, in order."""
        return list(self._doc["models"])

    @property
    def issues(self) -> List[Dict[str, Any]]:
        """One entry per issue: status quo, headline and each model's forecast."""
        return copy.deepcopy(self._doc["issues"])

    def to_pandas(self) -> "pandas.DataFrame":
        """One row per issue and model (the headline first when it ran): ``issue``, ``name``,
        ``model``, ``position``, ``anchor``, ``status_quo``."""
        rows = []
        for issue in self._doc["issues"]:
            sq = (issue.get("status_quo") or {}).get("position")
            for model in ["headline", *self._doc["models"]]:
                point = issue.get(model)
                if not isinstance(point, dict):
                    continue
                rows.append(
                    {
                        "issue": issue["issue"],
                        "name": issue["name"],
                        "model": model,
                        "position": point.get("position"),
                        "anchor": point.get("anchor"),
                        "status_quo": sq,
                    }
                )
        return _frame(
            rows, columns=["issue", "name", "model", "position", "anchor", "status_quo"]
        )

    @property
    def montecarlo(self) -> Optional["MonteCarloResult"]:
        """The Monte Carlo band (``forecast(trials=N)``), or None."""
        band = self._doc.get("montecarlo")
        return MonteCarloResult(copy.deepcopy(band)) if band is not None else None

    def eum_rounds_to_pandas(self) -> "pandas.DataFrame":
        """One row per issue, EUM round and actor: ``issue``, ``round``, ``actor``,
        ``position``, ``risk``, and the round's ``median`` and ``mean``."""
        rows = []
        for issue in self._doc["issues"]:
            eum = issue.get("eum")
            if not isinstance(eum, dict):
                continue
            for r in eum.get("rounds", []):
                for a in r.get("actors", []):
                    rows.append(
                        {
                            "issue": issue["issue"],
                            "round": r["round"],
                            "actor": a["actor"],
                            "position": a.get("position"),
                            "risk": a.get("risk"),
                            "median": r.get("median"),
                            "mean": r.get("mean"),
                        }
                    )
        return _frame(
            rows, columns=["issue", "round", "actor", "position", "risk", "median", "mean"]
        )


class BargainResult(Result):
    """Package bargaining across issues (``detente.bargain/2``)."""

    @property
    def parties(self) -> List[str]:
        """The bargaining parties' ids."""
        return [p["id"] for p in self._doc["parties"]]

    @property
    def solutions(self) -> Dict[str, Any]:
        """The Nash, Kalai-Smorodinsky, egalitarian and utilitarian packages (None when the
        zone of agreement is empty)."""
        return copy.deepcopy(self._doc["solutions"])

    def to_pandas(self) -> "pandas.DataFrame":
        """One row per solution and issue: ``solution``, ``issue``, ``value``, ``label``."""
        issues = [i if isinstance(i, str) else i.get("id", i.get("name")) for i in self._doc["issues"]]
        rows = []
        for name, sol in self._doc["solutions"].items():
            if not isinstance(sol, dict):
                continue
            labels = sol.get("labels") or [None] * len(sol["package"])
            for issue, value, label in zip(issues, sol["package"], labels):
                rows.append({"solution": name, "issue": issue, "value": value, "label": label})
        return _frame(rows, columns=["solution", "issue", "value", "label"])

    def utilities_to_pandas(self) -> "pandas.DataFrame":
        """One row per solution and party: ``solution``, ``party``, ``utility``, ``gain``."""
        rows = []
        for name, sol in self._doc["solutions"].items():
            if not isinstance(sol, dict):
                continue
            for party, u, g in zip(self.parties, sol.get("utilities", []), sol.get("gains", [])):
                rows.append({"solution": name, "party": party, "utility": u, "gain": g})
        return _frame(rows, columns=["solution", "party", "utility", "gain"])


class DelayResult(Result):
    """The cost of delay month by month (``detente.delay/1``), with the settlement forecast
    for scenarios that fight while they bargain."""

    @property
    def parties(self) -> List[str]:
        """The bargaining parties' ids."""
        return list(self._doc["parties"])

    @property
    def ripeness(self) -> Optional[int]:
        """The first month with a zone of agreement that waiting does not improve, if any."""
        return self._doc.get("ripeness")

    @property
    def settlement(self) -> Optional[Dict[str, Any]]:
        """The settlement forecast (``detente.settlement/1``), or None."""
        s = self._doc.get("settlement")
        return copy.deepcopy(s) if s is not None else None

    def to_pandas(self) -> "pandas.DataFrame":
        """One row per month and party: ``month``, ``party``, ``status_quo_utility``,
        ``cost``, ``disagreement``, ``nash_utility``, ``cost_of_delay``, ``zone``, ``ripe``."""
        rows = []
        for m in self._doc["months"]:
            nash = m.get("nash") or {}
            for i, party in enumerate(self._doc["parties"]):
                def at(values: Optional[List[Any]]) -> Any:
                    return values[i] if values is not None and i < len(values) else None

                rows.append(
                    {
                        "month": m["month"],
                        "party": party,
                        "status_quo_utility": at(m.get("status_quo_utility")),
                        "cost": at(m.get("cost")),
                        "disagreement": at(m.get("disagreement")),
                        "nash_utility": at(nash.get("utilities")),
                        "cost_of_delay": at(m.get("cost_of_delay")),
                        "zone": m.get("zone"),
                        "ripe": m.get("ripe"),
                    }
                )
        return _frame(rows)

    def settlement_to_pandas(self) -> "pandas.DataFrame":
        """One row per month of the settlement forecast (its ``by_month`` table); empty
        without one. With veto allies (``[[time.vetoes]]``) a ``parties_alone`` column gives
        P(the parties alone had a zone by the month): the curve without the vetoes."""
        s = self._doc.get("settlement")
        if not s:
            return _frame([])
        alone = s.get("parties_by_month") or []
        rows = [dict(b) for b in s["by_month"]]
        if alone:
            for row, p in zip(rows, alone):
                row["parties_alone"] = p
        return _frame(rows)


class LeversResult(Result):
    """Each lever and pair of levers against the baseline (``detente.levers/1``)."""

    @property
    def lever_names(self) -> List[Any]:
        """The scenario's levers."""
        return copy.deepcopy(self._doc["lever_names"])

    def to_pandas(self) -> "pandas.DataFrame":
        """One row per variant (the baseline first) and party: ``levers`` (joined with
        ``+``), ``party``, ``ripeness``, ``deal_month``, ``deal_utility``, ``utility_shift``,
        ``spe_shift``."""
        rows = []
        for v in [self._doc["baseline"], *self._doc["variants"]]:
            deal = v.get("deal") or {}
            for i, party in enumerate(self._doc["parties"]):
                def at(values: Optional[List[Any]]) -> Any:
                    return values[i] if values and i < len(values) else None

                rows.append(
                    {
                        "levers": "+".join(v["levers"]),
                        "party": party,
                        "ripeness": v.get("ripeness"),
                        "deal_month": v.get("deal_month"),
                        "deal_utility": at(deal.get("utilities")),
                        "utility_shift": at(v.get("utility_shift")),
                        "spe_shift": at(v.get("spe_shift")),
                    }
                )
        return _frame(rows)


class MonteCarloResult(Result):
    """Monte Carlo bands of the forecasts (``detente.montecarlo/1``)."""

    @property
    def trials(self) -> int:
        """Trials run."""
        return int(self._doc["trials"])

    @property
    def seed(self) -> int:
        """Master seed."""
        return int(self._doc["seed"])

    def to_pandas(self) -> "pandas.DataFrame":
        """One row per forecast metric, the summary over trials: ``key``, ``issue``,
        ``model``, ``kind``, ``baseline``, ``count``, ``missing``, ``mean``, ``min``, ``p05``,
        ``p25``, ``median``, ``p75``, ``p95``, ``max``."""
        cols = ["key", "issue", "model", "kind", "baseline", "count", "missing", "mean",
                "min", "p05", "p25", "median", "p75", "p95", "max"]
        return _frame([{c: m.get(c) for c in cols} for m in self._doc["metrics"]],
                            columns=cols)


class SensitivityResult(Result):
    """Tornados and standardised regression coefficients (``detente.sensitivity/1``)."""

    def to_pandas(self) -> "pandas.DataFrame":
        """One row per metric and input (the tornado): ``metric``, ``input``, ``at_low``,
        ``at_high``, ``swing``, and the input's ``src`` where the regression gave one."""
        rows = []
        for m in self._doc["metrics"]:
            src = {s["input"]: s["src"] for s in m.get("src", [])}
            for bar in m.get("tornado", []):
                rows.append(
                    {
                        "metric": m["metric"],
                        "input": bar["input"],
                        "at_low": bar.get("at_low"),
                        "at_high": bar.get("at_high"),
                        "swing": bar.get("swing"),
                        "src": src.get(bar["input"]),
                    }
                )
        return _frame(rows, columns=["metric", "input", "at_low", "at_high", "swing", "src"])


class BacktestResult(Result):
    """Every model scored on the DEU data's known outcomes (``detente.backtest/…``)."""

    def to_pandas(self) -> "pandas.DataFrame":
        """One row per model: the scalar fields of each entry of the document's ``models``
        list."""
        rows = []
        for m in self._doc.get("models", []):
            rows.append({k: v for k, v in m.items() if not isinstance(v, (dict, list))})
        return _frame(rows)


class NegotiationResult(Result):
    """One automated negotiation (``detente.negotiation/1``)."""

    @property
    def agreement(self) -> Optional[List[str]]:
        """The agreed outcome's value labels, or None."""
        a = self._doc.get("agreement")
        return list(a) if a is not None else None

    def to_pandas(self) -> "pandas.DataFrame":
        """One row per seat: ``name``, ``agent``, ``utility``, ``discounted``,
        ``reservation``."""
        return _frame(self._doc["parties"],
                            columns=["name", "agent", "utility", "discounted", "reservation"])

    def trace_to_pandas(self) -> "pandas.DataFrame":
        """One row per action of the trace (``trace=True``): ``round``, ``time``,
        ``negotiator``, ``action``, ``offer`` and the parties' ``utilities``."""
        return _frame(self._doc["trace"],
                            columns=["round", "time", "negotiator", "action", "offer", "utilities"])


class TournamentResult(Result):
    """A negotiation tournament (``detente.tournament/1``)."""

    def to_pandas(self) -> "pandas.DataFrame":
        """One row per negotiation and seat, as the CLI's CSV: ``job``, ``domain``,
        ``rotation``, ``repetition``, ``seat``, ``agent``, ``profile``, ``agreement``,
        ``round``, ``utility``, ``advantage``, ``welfare``, ``pareto_distance``,
        ``nash_distance``."""
        rows = []
        for r in self._doc["records"]:
            for s, agent in enumerate(r["agents"]):
                rows.append({
                    "job": r["job"], "domain": r["domain"], "rotation": r["rotation"],
                    "repetition": r["repetition"], "seat": s, "agent": agent,
                    "profile": r["profiles"][s], "agreement": r.get("agreement"),
                    "round": r["round"], "utility": r["utilities"][s],
                    "advantage": r["advantages"][s], "welfare": r["welfare"],
                    "pareto_distance": r["pareto_distance"],
                    "nash_distance": r.get("nash_distance"),
                })
        return _frame(rows)

    def ranking_to_pandas(self) -> "pandas.DataFrame":
        """One row per negotiator of the ranking, best first."""
        return _frame(self._doc["ranking"])
