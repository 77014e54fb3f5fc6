#!/usr/bin/env python3
"""Numbers from one of KTAB's committed reference logs (examples/smp/doc/20170530_ref-NAME.txt).

Usage: extract_reflog.py LOG NAME OUT.json

Keeps only the two history blocks smpc prints at the end of a run: every actor's position on
every dimension per state (as printed, "%5.1f" on 0..100) and every actor's win probability per
state (as printed, "%.4f").
"""
import json
import re
import sys

log, name, out = sys.argv[1:4]
text = open(log, encoding="utf-8", errors="replace").read()
pos_block = text.split("History of actor positions over time:")[1].split(
    "History of actors' winning probabilities:")[0]
prob_block = text.split("History of actors' winning probabilities:")[1]
positions = []  # [actor, dimension, [value per state]]
for line in pos_block.splitlines():
    m = re.match(r"\s*(\S+), (.+?):((?:\s+\d+\.\d)+)\s*$", line)
    if m:
        positions.append([m.group(1), m.group(2), m.group(3).split()])
probs = []
for line in prob_block.splitlines():
    m = re.match(r"\s*(\S+), prob :((?: \d\.\d{4})+)\s*$", line)
    if m:
        probs.append([m.group(1), m.group(2).split()])
json.dump({"dataset": name, "source": f"KTAB examples/smp/doc/20170530_ref-{name}.txt",
           "positions": positions, "win_probability": probs}, open(out, "w"))
print(name, len(positions), "position rows,", len(probs), "probability rows,",
      len(probs[0][1]), "states")
