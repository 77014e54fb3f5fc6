"""Times NegMAS's SAOMechanism on bilateral negotiations between its time-based negotiators.

Usage: python negotiate_vs_negmas.py FOLDER AGENT_A AGENT_B ROUNDS COUNT
Prints one JSON line like detente's `negotiations` example. Discounting is ignored on both
sides (detente's negotiators decide on undiscounted utilities too). detente runs under its
`negmas` preset (raw GENIUS evaluations, as NegMAS keeps them, and NegMAS's time-based
negotiators), so both sides compute the same negotiation; `mean_round` is NegMAS's state.step.
"""
import json
import sys
import time

from negmas.inout import Scenario
from negmas.sao import (
    BoulwareTBNegotiator,
    ConcederTBNegotiator,
    LinearTBNegotiator,
    SAOMechanism,
)

AGENTS = {
    "boulware": BoulwareTBNegotiator,
    "conceder": ConcederTBNegotiator,
    "linear": LinearTBNegotiator,
}

folder, a, b, rounds, count = sys.argv[1:6]
rounds, count = int(rounds), int(count)
scenario = Scenario.from_genius_folder(folder, ignore_discount=True)
ufuns = scenario.ufuns
start = time.perf_counter()
agreements = 0
round_sum = 0
for _ in range(count):
    m = SAOMechanism(outcome_space=scenario.outcome_space, n_steps=rounds)
    m.add(AGENTS[a](), ufun=ufuns[0])
    m.add(AGENTS[b](), ufun=ufuns[1])
    state = m.run()
    agreements += state.agreement is not None
    round_sum += state.step
secs = time.perf_counter() - start
print(json.dumps({
    "negotiations": count,
    "seconds": secs,
    "per_second": count / secs,
    "agreements": agreements,
    "mean_round": round_sum / count,
}))
