"""Regenerates reference.json: NegMAS and a brute-force enumeration, both under GENIUS semantics.

Run from anywhere with a Python that has negmas installed (a throwaway venv):

    python3 -m venv /tmp/negvenv && /tmp/negvenv/bin/pip install negmas
    /tmp/negvenv/bin/python make_reference.py DOMAINS_DIR > reference.json

DOMAINS_DIR holds the GENIUS folders (this directory does). Two independent opinions per domain:

* brute force: our own ElementTree parse of the XML, every outcome enumerated, the rational
  Pareto frontier by pairwise comparison, each solution by scanning the frontier;
* NegMAS: `Scenario.from_genius_folder` loads the domain, each issue's value table is divided by
  its maximum (GENIUS semantics; NegMAS's loader keeps raw evaluations), then
  `negmas.preferences.ops.pareto_frontier`, `nash_points`, `kalai_points` (egalitarian),
  `ks_points` (Kalai-Smorodinsky) and `max_welfare_points` (utilitarian).

The script exits non-zero if the two disagree on anything they both define.
"""

import itertools
import json
import math
import os
import sys
import xml.etree.ElementTree as ET

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

DOMAINS = ["Laptop", "ItexvsCypress", "EnglandZimbabwe", "AirportSiteSelectionA"]
TIE = 1e-12


def read_folder(folder):
    """Own parse: (issue names, value labels per issue, profiles sorted by file name)."""
    domain, profiles = None, []
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".xml"):
            continue
        root = ET.parse(os.path.join(folder, name)).getroot()
        if root.tag == "negotiation_template":
            domain = root
        elif root.tag == "utility_space":
            profiles.append((name[:-4], root))
    issues = [(i.get("name"), [it.get("value") for it in i.iter("item")]) for i in domain.iter("issue")]
    parsed = []
    for pname, root in profiles:
        res = root.find(".//reservation")
        reservation = float(res.get("value")) if res is not None else 0.0
        weights = {w.get("index"): float(w.get("value")) for w in root.iter("weight")}
        by_name = {i.get("name"): i for i in root.iter("issue")}
        ws, evs = [], []
        for iname, labels in issues:
            node = by_name[iname]
            raw = {it.get("value"): float(it.get("evaluation")) for it in node.iter("item")}
            top = max(raw.values())
            ws.append(weights[node.get("index")])
            evs.append([raw[l] / top for l in labels])
        parsed.append((pname, ws, evs, reservation))
    return issues, parsed


def utility(ws, evs, package):
    s = 0.0
    for k, v in enumerate(package):
        s += ws[k] * evs[k][v]
    return s


def pick(frontier, values):
    """Best objective, ties within TIE, lexicographically smallest package among them."""
    best = max(values)
    tied = [i for i, v in enumerate(values) if v >= best - TIE]
    i = min(tied, key=lambda j: frontier[j][0])
    return {"package": list(frontier[i][0]), "utilities": list(frontier[i][1]), "ties": len(tied)}


def brute_force(issues, parties):
    packages = list(itertools.product(*[range(len(v)) for _, v in issues]))
    utils = [tuple(utility(ws, evs, p) for _, ws, evs, _ in parties) for p in packages]
    d = []
    for _, ws, evs, r in parties:
        lo = sum(w * min(e) for w, e in zip(ws, evs))
        d.append(r if r >= lo else lo)
    rational = [i for i, u in enumerate(utils) if all(a >= b for a, b in zip(u, d))]
    strict = sum(1 for u in utils if all(a > b for a, b in zip(u, d)))
    frontier, seen = [], set()
    for i in rational:  # enumeration order is lexicographic, so the first of equals is smallest
        u = utils[i]
        if u in seen:
            continue
        dominated = any(
            all(a >= b for a, b in zip(utils[j], u)) and utils[j] != u for j in rational
        )
        if not dominated:
            seen.add(u)
            frontier.append((packages[i], u))
    frontier.sort(key=lambda f: tuple(-x for x in f[1]))
    ideal = [max([f[1][i] for f in frontier] + [d[i]]) for i in range(len(d))]
    gains = [[u - di for u, di in zip(f[1], d)] for f in frontier]
    rng = [i - di for i, di in zip(ideal, d)]
    ratios = [[g / r if r > 0 else 1.0 for g, r in zip(gs, rng)] for gs in gains]
    return {
        "outcomes": len(packages),
        "disagreement": d,
        "ideal": ideal,
        "rational_count": len(rational),
        "strict_count": strict,
        "frontier": [{"package": list(p), "utilities": list(u)} for p, u in frontier],
        "nash": pick(frontier, [math.prod(g) for g in gains]),
        "kalai_smorodinsky": pick(frontier, [min(r) for r in ratios]),
        "kalai_smorodinsky_smallest_spread": pick(frontier, [-(max(r) - min(r)) for r in ratios]),
        "egalitarian": pick(frontier, [min(g) for g in gains]),
        "utilitarian": pick(frontier, [sum(f[1]) for f in frontier]),
    }


def with_negmas(folder, issues):
    scenario = Scenario.from_genius_folder(folder, ignore_discount=True)
    os_ = scenario.outcome_space
    ufuns = []
    for u in scenario.ufuns:
        values = []
        for vf in u.values:
            top = max(vf.mapping.values())
            values.append(TableFun({k: v / top for k, v in vf.mapping.items()}))
        ufuns.append(
            LinearAdditiveUtilityFunction(
                values=values, weights=u.weights, outcome_space=os_, reserved_value=u.reserved_value
            )
        )
    outcomes = discretize_and_enumerate_issues(os_.issues)
    label_index = [{l: j for j, l in enumerate(labels)} for _, labels in issues]
    to_package = lambda o: [label_index[k][v] for k, v in enumerate(o)]
    utils, idx = pareto_frontier(ufuns, outcomes=outcomes)
    frontier = list(utils)
    ideal = [max(f[i] for f in frontier) for i in range(len(ufuns))]
    mins = [u.minmax(os_, above_reserve=False)[0] for u in ufuns]

    def points(found):
        return {
            "utilities": [list(map(float, f)) for f, _ in found],
            "packages": [to_package(outcomes[idx[i]]) for _, i in found],
        }

    return {
        "frontier_size": len(frontier),
        "frontier_utilities": sorted([list(map(float, f)) for f in frontier], key=lambda u: [-x for x in u]),
        "nash": points(nash_points(ufuns, frontier, outcome_space=os_)),
        "egalitarian": points(kalai_points(ufuns, frontier, outcome_space=os_)),
        "utilitarian": points(max_welfare_points(ufuns, frontier, outcome_space=os_)),
        # NegMAS's own ideal is the max over all outcomes; give it the rational ideal (from its
        # own frontier) so it answers the same question as the brute force.
        "kalai_smorodinsky_smallest_spread": points(
            ks_points(ufuns, frontier, ranges=list(zip(mins, ideal)), outcome_space=os_)
        ),
        "kalai_smorodinsky_negmas_default_ranges": points(ks_points(ufuns, frontier, outcome_space=os_)),
    }


def close(a, b):
    return len(a) == len(b) and all(abs(x - y) <= 1e-9 for x, y in zip(a, b))


def main():
    base = sys.argv[1]
    out = {
        "generated_by": "tests/data/genius/make_reference.py",
        "negmas_version": negmas.__version__,
        "python": sys.version.split()[0],
        "tie_tolerance": TIE,
        "domains": {},
    }
    problems = []
    for name in DOMAINS:
        folder = os.path.join(base, name)
        issues, parties = read_folder(folder)
        bf = brute_force(issues, parties)
        ng = with_negmas(folder, issues)
        if ng["frontier_size"] != len(bf["frontier"]):
            problems.append(f"{name}: frontier size negmas {ng['frontier_size']} brute {len(bf['frontier'])}")
        for key in ["nash", "egalitarian", "utilitarian", "kalai_smorodinsky_smallest_spread"]:
            if not any(close(u, bf[key]["utilities"]) for u in ng[key]["utilities"]):
                problems.append(f"{name}: {key} brute {bf[key]['utilities']} not among negmas {ng[key]['utilities']}")
        out["domains"][name] = {"parties": [p[0] for p in parties], "brute_force": bf, "negmas": ng}
    json.dump(out, sys.stdout, indent=1)
    print()
    for p in problems:
        print("DISAGREEMENT:", p, file=sys.stderr)
    sys.exit(1 if problems else 0)


main()
