"""NegMAS side of bench/negmas_supermarket.sh: times the rational Pareto frontier and the four
bargaining solutions on a GENIUS domain folder, under GENIUS semantics (each issue's value table
divided by its maximum before weighting, as detente does). Prints one JSON object.

Usage: python negmas_supermarket.py FOLDER [REPEAT]
"""

import json
import sys
import time

import negmas
from negmas.inout import Scenario
from negmas.outcomes import discretize_and_enumerate_issues
from negmas.preferences import LinearAdditiveUtilityFunction
from negmas.preferences.ops import (
    kalai_points,
    ks_points,
    max_welfare_points,
    nash_points,
    pareto_frontier,
)
from negmas.preferences.value_fun import TableFun


def main():
    folder = sys.argv[1]
    repeat = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    scenario = Scenario.from_genius_folder(folder, ignore_discount=True)
    space = scenario.outcome_space
    ufuns = []
    for u in scenario.ufuns:
        tables = [TableFun({k: v / max(f.mapping.values()) for k, v in f.mapping.items()}) for f in u.values]
        ufuns.append(
            LinearAdditiveUtilityFunction(
                values=tables, weights=u.weights, outcome_space=space, reserved_value=u.reserved_value
            )
        )
    outcomes = discretize_and_enumerate_issues(space.issues)
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        frontier, _ = pareto_frontier(ufuns, outcomes=outcomes)
        frontier = list(frontier)
        found = {
            "nash": nash_points(ufuns, frontier, outcome_space=space),
            "egalitarian": kalai_points(ufuns, frontier, outcome_space=space),
            "kalai_smorodinsky": ks_points(ufuns, frontier, outcome_space=space),
            "utilitarian": max_welfare_points(ufuns, frontier, outcome_space=space),
        }
        best = min(best, time.perf_counter() - start)
    print(
        json.dumps(
            {
                "negmas_version": negmas.__version__,
                "outcomes": len(outcomes),
                "frontier_size": len(frontier),
                "seconds": best,
                "nash": [list(map(float, u)) for u, _ in found["nash"]],
                "utilitarian": [list(map(float, u)) for u, _ in found["utilitarian"]],
            }
        )
    )


main()
