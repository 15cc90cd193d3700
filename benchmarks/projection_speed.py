"""Projection speed: what the window pays each tick it shows, old (the view computing its own
scatter, feed and card) against new (the same through `game.projections`), and what a whole
JSON document costs (`agent-town state`, the HTTP `state` endpoint, the terminal UI).

Run from the worktree; OLD=path/to/an/old/checkout adds the old side, measured in alternating
subprocesses (OPENBLAS_NUM_THREADS=1) so that both share the machine's noise. Prints medians:

    readout_town_new: 0.41 ms           # the window's per-tick content: scatter, feed, card at 4
    document_city2500: 180 ms           # the whole document, cards at level 5
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = (("town", "town"), ("city:2500", "city2500"))
ROUNDS = 5  # alternating subprocesses a side
TICKS = 40  # ticks shown a round, one readout each

# Advances a day, then per tick: a fresh tick shown (scatter, feed, the card at detail 4).
READOUT = """
import json, sys, time
from game.trace.timeline import Timeline
from game.view.viewstate import Readout
tl = Timeline(sys.argv[1], 1)
tl.advance(1600)
readout = Readout(tl)
times = []
for _ in range(int(sys.argv[2])):
    tl.advance(1)
    t0 = time.perf_counter()
    readout.at_tick()
    try:
        readout.citizen(3, 4)
    except TypeError:  # the old readout: one card with every level in it
        readout.citizen(3)
    times.append(time.perf_counter() - t0)
print(json.dumps(times))
"""

DOCUMENT = """
import json, sys, time
from game.trace.timeline import Timeline
from game.projections.document import document, to_json
tl = Timeline(sys.argv[1], 1)
tl.advance(1600)
times, size = [], 0
for _ in range(int(sys.argv[2])):
    tl.advance(1)
    t0 = time.perf_counter()
    size = len(to_json(document(tl, 5)))
    times.append(time.perf_counter() - t0)
print(json.dumps([times, size]))
"""


def measure(code: str, root: Path, *args: str) -> object:
    env = {**os.environ, "PYTHONPATH": str(root), "OPENBLAS_NUM_THREADS": "1"}
    done = subprocess.run([sys.executable, "-c", code, *args], env=env, cwd=root,
                          capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def main() -> None:
    old = os.environ.get("OLD")
    sides = {"new": ROOT, **({"old": Path(old)} if old else {})}
    for scenario, label in SCENARIOS:
        times: dict[str, list[float]] = {side: [] for side in sides}
        for _ in range(ROUNDS):
            for side, root in sides.items():
                got = measure(READOUT, root, scenario, str(TICKS))
                assert isinstance(got, list)
                times[side] += got
        for side in sides:
            print(f"readout_{label}_{side}: {statistics.median(times[side]) * 1000:.2f} ms")
        got = measure(DOCUMENT, ROOT, scenario, "5")
        assert isinstance(got, list)
        doc_times, size = got
        print(f"document_{label}: {statistics.median(doc_times) * 1000:.1f} ms")
        print(f"document_{label}_size: {size / 1024:.0f} KiB")


if __name__ == "__main__":
    main()
