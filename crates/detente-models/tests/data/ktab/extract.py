#!/usr/bin/env python3
"""Turn one smpc run into the reference file the tests read.

Usage: extract.py RUN_DIR DATASET OUT.json

RUN_DIR holds what `smpc --csv DATASET.csv --logmin --connstr "Driver=QSQLITE;Database=DATASET"`
left behind: the SQLite file DATASET.db and the log smpc-*_log.txt. Positions come from the
database's VectorPosition table (full double precision, 0..100 scale); win probabilities from
the log's "History of actors' winning probabilities" block (the 4 decimals smpc prints); the
number of states from the log's "There were N states" line.
"""
import glob
import json
import re
import sqlite3
import sys

run_dir, dataset, out = sys.argv[1:4]
log = open(glob.glob(f"{run_dir}/smpc-*_log.txt")[0], encoding="utf-8", errors="replace").read()
db = sqlite3.connect(f"{run_dir}/{dataset}.db")

m = re.search(r"There were (\d+) states, with (\d+) steps", log)
n_states = int(m.group(1))
actors = [r[0] for r in db.execute("select Name from ActorDescription order by Act_i")]
dims = [r[0] for r in db.execute("select Desc from DimensionDescription order by Dim_k")]
n_act, n_dim = len(actors), len(dims)
rows = db.execute("select Turn_t, Act_i, Dim_k, Pos_Coord from VectorPosition").fetchall()
turns = 1 + max(r[0] for r in rows)
assert turns == n_states, (turns, n_states)
pos = [[[None] * n_dim for _ in range(n_act)] for _ in range(turns)]
for t, i, k, x in rows:
    pos[t][i][k] = x
assert all(x is not None for s in pos for a in s for x in a)

block = log.split("History of actors' winning probabilities:")[1]
probs = {}
for line in block.splitlines():
    m = re.match(r"\s*(\S+), prob :((?: \d\.\d{4})+)\s*$", line)
    if m:
        probs[m.group(1)] = m.group(2).split()
win = [[probs[a][t] for a in actors] for t in range(turns)]

seed, *params = db.execute(
    "select RNGSeed, VictoryProbModel, ProbCondorcetElection, StateTransition, VotingRule, "
    "BigRAdjust, BigRRange, ThirdPartyCommit, InterVecBrgn, BargnModel from ScenarioDesc"
).fetchone()
json.dump(
    {
        "dataset": dataset,
        "source": "KTAB smpc (see README.md)",
        "seed": seed,
        "parameters": dict(zip(["VictoryProbModel", "PCEModel", "StateTransitions", "VotingRule",
                                "BigRAdjust", "BigRRange", "ThirdPartyCommit", "InterVecBrgn",
                                "BargnModel"], params)),
        "actors": actors,
        "dimensions": dims,
        "states": turns,
        "positions": pos,
        "win_probability": win,
    },
    open(out, "w"),
    indent=None,
)
print(f"{dataset}: {n_act} actors, {n_dim} dims, {turns} states")
