"""A model of NegMAS 0.16's time-based negotiators (BoulwareTBNegotiator, LinearTBNegotiator,
ConcederTBNegotiator) in SAOMechanism, written from reading NegMAS's behaviour, to pin down the
semantics a detente `negmas` preset must follow (issue 15). Compares the model with NegMAS itself.

Usage: python negmas_tb_model.py DOMAINS_DIR [ROUNDS] > negmas-reference.json
(needs negmas 0.16 and numpy; prints each case to stderr as it goes)

The model, per negotiator with utility u (NegMAS reads GENIUS discrete evaluations raw, not
divided by each issue's maximum; the reservation value is used on that raw scale; discounting
ignored):
  lo_u = max(min u over outcomes, reservation), hi_u = max u
  at relative time t = (step + 1) / (rounds + 1), aspiration a = 1 - t^e (e = 4, 1, 0.25)
  threshold = clamp(lo_u + (hi_u - lo_u) a - 1e-4, lo_u, hi_u)
  accept the standing offer iff u(offer) >= threshold
  propose: the rational outcomes (u >= reservation) sorted by u; i = first index with
  u >= threshold; among outcomes with u in [threshold - 1e-6, hi_u + 2e-6] the one nearest the
  threshold (first in sorted order), used if strictly nearer than outcome i; fall back to the
  best outcome when the nearest is further than 2e-6 and not i.
Ties: the sorted order among outcomes of equal utility is numpy's argsort default (an unstable
sort whose tie order depends on the CPU's SIMD support and numpy's version); `stable` mode
breaks ties by enumeration order instead, which a portable implementation can reproduce.
"""
import json, sys, os
import numpy as np
from negmas.inout import Scenario
from negmas.sao import BoulwareTBNegotiator, ConcederTBNegotiator, LinearTBNegotiator, SAOMechanism

E = {"boulware": 4.0, "linear": 1.0, "conceder": 0.25}
NEGMAS = {"boulware": BoulwareTBNegotiator, "conceder": ConcederTBNegotiator, "linear": LinearTBNegotiator}


def model(sc, names, rounds, stable):
    outs = list(sc.outcome_space.enumerate_or_sample())
    agents = []
    for name, uf in zip(names, sc.ufuns):
        us = np.array([float(uf(o)) for o in outs])
        r = uf.reserved_value
        r = float("-inf") if r is None else float(r)
        rational = np.nonzero(us >= r)[0]
        ur = us[rational]
        idx = np.argsort(ur, kind="stable") if stable else np.argsort(ur)
        agents.append(dict(e=E[name], us=us, lo=max(us.min(), r), hi=us.max(),
                           order=rational[idx], su=ur[idx]))
    standing, who = None, None
    for step in range(rounds):
        t = (step + 1) / (rounds + 1)
        for k, ag in enumerate(agents):
            th = ag["lo"] + (ag["hi"] - ag["lo"]) * (1 - t ** ag["e"]) - 1e-4
            th = max(ag["lo"], min(ag["hi"], th))
            if standing is not None and who != k and ag["us"][standing] >= th:
                return step, [float(a["us"][standing]) for a in agents]
            su = ag["su"]
            i = min(int(np.searchsorted(su, th, side="left")), len(su) - 1)
            cand = np.where((su >= th - 1e-6) & (su <= ag["hi"] + 2e-6), np.abs(su - th), np.inf)
            j = int(np.argmin(cand))
            best = j if cand[j] < abs(su[i] - th) else i
            if abs(su[best] - th) > 2e-6 and best != i:
                standing = int(np.argmax(ag["us"]))
            else:
                standing = int(ag["order"][best])
            who = k
    return None, None


def negmas_run(sc, names, rounds):
    m = SAOMechanism(outcome_space=sc.outcome_space, n_steps=rounds)
    m.add(NEGMAS[names[0]](), ufun=sc.ufuns[0])
    m.add(NEGMAS[names[1]](), ufun=sc.ufuns[1])
    st = m.run()
    if st.agreement is None:
        return None, None
    return st.step - 1, [float(u(st.agreement)) for u in sc.ufuns]


root = sys.argv[1]
rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 100
rows = []
for domain in ["Laptop", "ItexvsCypress", "EnglandZimbabwe", "AirportSiteSelectionA", "SupermarketA"]:
    sc = Scenario.from_genius_folder(os.path.join(root, domain), ignore_discount=True)
    for pair in [("boulware", "conceder"), ("boulware", "boulware"), ("linear", "conceder"),
                 ("conceder", "conceder"), ("linear", "linear")]:
        n = negmas_run(sc, pair, rounds)
        a = model(sc, pair, rounds, stable=False)
        b = model(sc, pair, rounds, stable=True)
        same = lambda x: x[0] == n[0] and (x[1] is None or np.allclose(x[1], n[1]))
        rows.append(dict(domain=domain, agents=list(pair), negmas_round=n[0],
                         negmas_utilities=n[1], model_round=a[0], model_utilities=a[1],
                         model_matches_negmas=bool(same(a)),
                         stable_round=b[0], stable_utilities=b[1],
                         stable_matches_negmas=bool(same(b))))
        print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
import negmas, platform
print(json.dumps({
    "generated_by": "bench/negmas_tb_model.py",
    "negmas_version": negmas.__version__,
    "numpy_version": np.__version__,
    "python": platform.python_version(),
    "rounds": rounds,
    "note": "negmas_*: NegMAS itself on the machine that generated the file (numpy's argsort tie order; an x86-64 CPU with AVX-512). model_*: this script's model with numpy's tie order. stable_*: the model with ties in enumeration order, which detente's negmas preset follows. Rounds count from 0 (NegMAS's state.step minus 1).",
    "cases": rows,
}, indent=1))
