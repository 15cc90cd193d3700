"""Simulation speed: ticks per second of the flux, headless, and the worst single tick.

Prints `town: N ticks/s`, `city:250: N ticks/s` and `city:2500: N ticks/s` (medians over
seeds, each run in a fresh process and timed in CPU time, so that other work on a shared machine
does not count), the same rate counting only the ticks between phase ends (`… between phase
ends`: the decision path, without coalitions and reputation), then the worst single tick over
two simulated days, phase ends included (`worst tick town: X ms`, `worst tick city:2500: X ms`
— a tick that long freezes the window).

`--old DIR` measures another checkout of the game beside this one (e.g. the main branch in
`git worktree add --detach /tmp/old main`): each run alternates old and new in fresh processes
with the same seed, and every rate is printed for both with their ratio (`… speedup: X×`).

Goals: ≥ 4× the rates of the flux before its fast decision path on all three; city:2500 well
above 16× live (320 ticks/s) on a 2-core machine; a worst tick ≤ 8 ms for city:2500.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from game import config
from game.sim.flux import TownFlux

HERE = Path(__file__).resolve().parent.parent
# (scenario, ticks measured, ticks of warm-up past the first morning's start-up)
CASES = (("town", 16000, 400), ("city:250", 4000, 400), ("city:2500", 1600, 100))

# Run in a fresh interpreter with a checkout first on the path: prints the rate over all the
# measured ticks, and over those that end no phase.
_CHILD = """
import sys, time
sys.path.insert(0, sys.argv[1])
from game import config
from game.sim.flux import TownFlux
scenario, ticks, warmup, seed = sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
flux = TownFlux(scenario, seed=seed)
flux.run(warmup)
clock = time.process_time  # CPU time: other work on a shared machine does not count
total = between = 0.0
ends = 0
t, end = warmup, warmup + ticks
while t < end:  # runs of ticks that end no phase, timed whole, then the phase end alone
    step = min(end, (t // config.PHASE_TICKS + 1) * config.PHASE_TICKS) - t
    ending = (t + step) % config.PHASE_TICKS == 0
    start = clock()
    flux.run(step - 1 if ending else step)
    spent = clock() - start
    between += spent
    if ending:
        start = clock()
        flux.tick()
        spent += clock() - start
        ends += 1
    total += spent
    t += step
print(ticks / total, (ticks - ends) / between)
"""


def rates(tree: Path, scenario: str, ticks: int, warmup: int, seed: int) -> tuple[float, float]:
    """(ticks/s over every tick, ticks/s between phase ends) for one run of one checkout."""
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1"}
    out = subprocess.run([sys.executable, "-c", _CHILD, str(tree), scenario, str(ticks),
                          str(warmup), str(seed)], capture_output=True, text=True, check=True,
                         env=env).stdout.split()
    return float(out[0]), float(out[1])


def throughput(old: Path | None, runs: int) -> None:
    trees = {"new": HERE} if old is None else {"old": old, "new": HERE}
    for scenario, ticks, warmup in CASES:
        seen: dict[str, list[tuple[float, float]]] = {name: [] for name in trees}
        for seed in range(1, runs + 1):
            for name, tree in trees.items():  # alternating: the machine's load hits both
                seen[name].append(rates(tree, scenario, ticks, warmup, seed))
        medians = {name: (statistics.median(r[0] for r in got),
                          statistics.median(r[1] for r in got)) for name, got in seen.items()}
        for k, what in enumerate(("", " between phase ends")):
            for name, rate in medians.items():
                label = f" ({name})" if old is not None else ""
                print(f"{scenario}{what}{label}: {rate[k]:,.0f} ticks/s")
            if old is not None:
                print(f"{scenario}{what} speedup: "
                      f"{medians['new'][k] / medians['old'][k]:.2f} ×")


def worst_tick_ms(scenario: str, ticks: int = 2 * config.DAY_TICKS) -> float:
    flux = TownFlux(scenario, seed=1)
    worst = 0.0
    for _ in range(ticks):
        start = time.perf_counter()
        flux.tick()
        worst = max(worst, time.perf_counter() - start)
    return worst * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--old", type=Path, help="another checkout to measure beside this one")
    parser.add_argument("--runs", type=int, default=5, help="seeds per scenario (median)")
    args = parser.parse_args()
    throughput(args.old, args.runs)
    for scenario in ("town", "city:2500"):
        print(f"worst tick {scenario}: {worst_tick_ms(scenario):,.1f} ms")


if __name__ == "__main__":
    main()
