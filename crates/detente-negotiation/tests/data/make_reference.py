"""Independent re-implementation (stdlib only, no detente code) of GENIUS-semantics bilateral
stacked alternating offers between time-based aspiration negotiators, written from the spec in
issue 6 and used to check detente's engine.

Semantics: discrete issues, each item's evaluation divided by the issue's largest, weights as
written, reservation default 0; outcomes enumerated with itertools.product over the domain's
items (last issue varying fastest); profiles in file-name order. Round r of R has
t = (r+1)/(R+1); threshold m + (M-m)(1-t^e) capped at M, m = max(min u, reservation); accept
at or above the threshold, else propose the lowest-utility outcome at or above it (ties: first
in enumeration order). Seat 0 proposes first.

Usage: python3 make_reference.py > reference.json
"""
import itertools
import json
import os
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
DOMAINS = ["Laptop", "ItexvsCypress", "EnglandZimbabwe", "AirportSiteSelectionA"]
EXPONENTS = {"linear": 1.0, "boulware": 4.0, "conceder": 0.25}
PAIRS = [("linear", "boulware"), ("boulware", "conceder")]
ROUNDS = 100


def load(folder):
    domain, profiles = None, []
    for name in sorted(os.listdir(folder)):
        if not name.endswith(".xml"):
            continue
        root = ET.parse(os.path.join(folder, name)).getroot()
        if root.tag == "negotiation_template":
            domain = root
        elif root.tag == "utility_space":
            profiles.append(root)
    issues = [
        (i.get("name"), [it.get("value") for it in i.iter("item")])
        for i in domain.iter("issue")
    ]
    outcomes = list(itertools.product(*[range(len(v)) for _, v in issues]))
    utils, reservations = [], []
    for p in profiles:
        weights = {w.get("index"): float(w.get("value")) for w in p.iter("weight")}
        terms = []
        for name, values in issues:
            node = next(i for i in p.iter("issue") if i.get("name") == name)
            ev = {it.get("value"): float(it.get("evaluation")) for it in node.iter("item")}
            top = max(ev.values())
            terms.append((weights[node.get("index")], [ev[v] / top for v in values]))
        u = []
        for o in outcomes:
            s = 0.0
            for (w, e), v in zip(terms, o):
                s += w * e[v]
            u.append(s)
        utils.append(u)
        r = p.find(".//reservation")
        reservations.append(float(r.get("value")) if r is not None else 0.0)
    return outcomes, utils, reservations


class Aspiration:
    def __init__(self, e, u, rv):
        self.e, self.u = e, u
        self.order = sorted(range(len(u)), key=lambda o: u[o])  # stable
        self.sorted_u = [u[o] for o in self.order]
        self.M, self.m = max(u), max(min(u), rv)

    def act(self, t, standing):
        th = min(self.m + (self.M - self.m) * (1.0 - t ** self.e), self.M)
        if standing is not None and self.u[standing] >= th:
            return ("accept", None)
        for pos, x in enumerate(self.sorted_u):
            if x >= th:
                return ("offer", self.order[pos])
        return ("end", None)


def negotiate(utils, reservations, a, b):
    agents = [Aspiration(EXPONENTS[a], utils[0], reservations[0]),
              Aspiration(EXPONENTS[b], utils[1], reservations[1])]
    standing = None
    for r in range(ROUNDS):
        t = (r + 1) / (ROUNDS + 1)
        for agent in agents:
            kind, o = agent.act(t, standing)
            if kind == "accept":
                return {"agreement": standing, "round": r,
                        "utilities": [utils[0][standing], utils[1][standing]]}
            if kind == "end":
                return {"agreement": None, "round": r, "utilities": reservations}
            standing = o
    return {"agreement": None, "round": ROUNDS, "utilities": reservations}


out = {}
for d in DOMAINS:
    _, utils, rv = load(os.path.join(HERE, "..", "..", "..", "detente-models", "tests", "data", "genius", d))
    out[d] = {f"{a}-{b}": negotiate(utils, rv, a, b) for a, b in PAIRS}
print(json.dumps(out, indent=1))
