"""Simulation speed and memory: ticks per second of the flux, headless, the worst single tick,
and the peak memory of a big town.

Prints `town: N ticks/s`, `city:250: N ticks/s` and `city:2500: N ticks/s` (medians over seeds,
each run in a fresh process and timed in CPU time, so that other work on a shared machine does not
count, with the garbage collector set as the game's own loops and commands set it, `game.clock`,
for both checkouts), the same rate counting only the ticks between phase ends (`… between phase
ends`: the decision path, without coalitions and reputation), then, from a fresh process per
scenario, the worst single tick over two simulated days, phase ends included, by the wall clock and
in CPU time (`worst tick city:2500: X ms`, `… of CPU` — a tick that long freezes the window), the
same leaving out the time the garbage collector spent inside each tick (`… apart from the garbage
collector`: with the interpreter's default collector, the flux alone meets its first full
collection around tick 280, some 11 ms of a city:2500's, most of it spent looking through the
objects the interpreter made at start-up; the loops that keep time, the window's and a headless
owner's, freeze those and never meet it), for town, city:2500 and city:10000, and the worst tick of
a timeline recording the same two days as the window does (events kept, metrics sampled, day
hashes, keyframes, and the garbage collector kept out of the loop as the window's frames keep it,
`game.clock.Collector`: `worst recorded tick`); for city:10000 also the rate over those two days,
phase ends included, the peak RSS of that process (`resource.getrusage`) and how long the town
takes to build. Then, from ten simulated days of `city:2500`, the longest phase end (or of the
ticks before one that make what the phase end reads of the bonds, a part each:
`game.sim.phases.EVE_TICKS`) of days 2, 5 and 10 (`longest phase end city:2500 day 10: X ms of CPU
apart from the garbage collector`): it grows with the history, since every bond ever moved relaxes,
and is looked at for coalitions, at each phase end; and the worst tick of any kind of those days
(`worst tick city:2500 day 10: …`), where the store of moved bonds, which grows too, takes in the
newly moved ones.

`--only instructions` counts instead the machine instructions a tick of the same runs takes
(`valgrind --tool=callgrind`, which must be installed: a run of the warm-up and the measured
ticks less a run of the warm-up alone, seed 1), a figure the load of a shared machine does not
move, printed like the rates (`town: N instructions a tick`, `… fewer: X×` beside `--old`).

`--old DIR` measures another checkout of the game beside this one (e.g. the main branch in
`git worktree add --detach /tmp/old main`): each run alternates old and new in fresh processes
with the same seed, and every rate is printed for both with their ratio (`… speedup: X×`).
This checkout runs as it would for a person: compiled when `tools/compile_sim.py` has built
its current sources (the first line says which); `--interpreted` measures it interpreted too
(`AGENT_TOWN_INTERPRETED=1`), in turn with the others, with the ratio `…, compiled over
interpreted: X×`.

Each tick is timed as the history takes it from the flux: its records (`TownFlux.step`), which
the timeline writes into its columns, or, from a checkout older than records, its events
(`TownFlux.tick`), which the timeline of that checkout kept.

Goals: ≥ 4× the rates of the flux when the scale issue was filed (5a7fa27) on all three;
city:2500 well above 16× live (320 ticks/s) on a 2-core machine; a worst tick ≤ 8 ms for
city:2500 and ≤ 40 ms for city:10000; city:10000 at ≥ 20 ticks/s in under 400 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
# What is measured: a checkout, and the environment its child runs in (beside the machine's).
Tree = tuple[Path, dict[str, str]]
# (scenario, ticks measured, ticks of warm-up past the first morning's start-up)
CASES = (("town", 64000, 400), ("city:250", 12000, 400), ("city:2500", 1600, 100))

def checkouts(old: Path | None, interpreted: bool) -> dict[str, Tree]:
    """The checkouts measured, by label: `old` if given, this one interpreted if asked, and
    this one as it runs (compiled when its build is current, see tools/compile_sim.py)."""
    trees: dict[str, Tree] = {} if old is None else {"old": (old, {})}
    if interpreted:
        trees["interpreted"] = (HERE, {"AGENT_TOWN_INTERPRETED": "1"})
    trees["new"] = (HERE, {})
    return trees


def labelled(name: str, trees: dict[str, Tree]) -> str:
    return f" ({name})" if len(trees) > 1 else ""


def ratios(what: str, figures: dict[str, float]) -> None:
    """This checkout's figure over the old one's (`what: X ×`), and compiled over interpreted
    (`what, compiled over interpreted: X ×`)."""
    if "old" in figures:
        print(f"{what}: {figures['new'] / figures['old']:.2f} ×")
    if "interpreted" in figures:
        print(f"{what}, compiled over interpreted: "
              f"{figures['new'] / figures['interpreted']:.2f} ×")


def child_env(tree: Tree, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "AGENT_TOWN_INTERPRETED"}
    return {**env, "OPENBLAS_NUM_THREADS": "1", **tree[1], **extra}


# Run in a fresh interpreter with a checkout first on the path: prints the rate over all the
# measured ticks, and over those that end no phase.
_CHILD = """
import gc, sys, time
sys.path.insert(0, sys.argv[1])
from game import config
from game.sim.flux import TownFlux
scenario, ticks, warmup, seed = sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
flux = TownFlux(scenario, seed=seed)
tick = getattr(flux, "step", flux.tick)  # what the history takes from a tick (see the top)
for _ in range(warmup):
    tick()
# The collector as the game's loops and commands set it (game.clock), the same for an older
# checkout: young objects looked at every 50,000 allocations, what stands before frozen.
gc.set_threshold(50_000, *gc.get_threshold()[1:])
gc.freeze()
clock = time.process_time  # CPU time: other work on a shared machine does not count
total = between = 0.0
ends = 0
t, end = warmup, warmup + ticks
while t < end:  # runs of ticks that end no phase, timed whole, then the phase end alone
    step = min(end, (t // config.PHASE_TICKS + 1) * config.PHASE_TICKS) - t
    ending = (t + step) % config.PHASE_TICKS == 0
    start = clock()
    for _ in range(step - 1 if ending else step):
        tick()
    spent = clock() - start
    between += spent
    if ending:
        start = clock()
        tick()
        spent += clock() - start
        ends += 1
    total += spent
    t += step
print(ticks / total, (ticks - ends) / between)
"""


def rates(tree: Tree, scenario: str, ticks: int, warmup: int, seed: int) -> tuple[float, float]:
    """(ticks/s over every tick, ticks/s between phase ends) for one run of one checkout."""
    out = subprocess.run([sys.executable, "-c", _CHILD, str(tree[0]), scenario, str(ticks),
                          str(warmup), str(seed)], capture_output=True, text=True, check=True,
                         env=child_env(tree)).stdout.split()
    return float(out[0]), float(out[1])


# The flux of a checkout built and ticked a number of times, for valgrind to count.
_COUNT = """
import sys
sys.path.insert(0, sys.argv[1])
from game.sim.flux import TownFlux
flux = TownFlux(sys.argv[2], seed=1)
tick = getattr(flux, "step", flux.tick)
for _ in range(int(sys.argv[3])):
    tick()
"""


def instructions(tree: Tree, scenario: str, ticks: int, warmup: int) -> float:
    """Instructions a tick of one checkout: a run of `warmup + ticks` ticks less one of
    `warmup`, each counted by callgrind (the same start-up in both: one hash seed)."""
    env = child_env(tree, PYTHONHASHSEED="0")
    counts = []
    for n in (warmup, warmup + ticks):
        done = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
                               sys.executable, "-c", _COUNT, str(tree[0]), scenario, str(n)],
                              capture_output=True, text=True, check=True, env=env)
        found = re.search(r"Collected : (\d+)", done.stderr)
        assert found is not None, done.stderr[-500:]
        counts.append(int(found.group(1)))
    return (counts[1] - counts[0]) / ticks


def counted(trees: dict[str, Tree]) -> None:
    for scenario, ticks, warmup in CASES:
        got = {name: instructions(tree, scenario, ticks, warmup) for name, tree in trees.items()}
        for name, count in got.items():
            print(f"{scenario}{labelled(name, trees)}: {count:,.0f} instructions a tick",
                  flush=True)
        ratios(f"{scenario} instructions fewer", {k: 1 / v for k, v in got.items()})


def throughput(trees: dict[str, Tree], runs: int) -> None:
    for scenario, ticks, warmup in CASES:
        seen: dict[str, list[tuple[float, float]]] = {name: [] for name in trees}
        for seed in range(1, runs + 1):
            for name, tree in trees.items():  # alternating: the machine's load hits both
                seen[name].append(rates(tree, scenario, ticks, warmup, seed))
        medians = {name: (statistics.median(r[0] for r in got),
                          statistics.median(r[1] for r in got)) for name, got in seen.items()}
        for k, what in enumerate(("", " between phase ends")):
            for name, rate in medians.items():
                print(f"{scenario}{what}{labelled(name, trees)}: {rate[k]:,.0f} ticks/s")
            ratios(f"{scenario}{what} speedup",
                   {name: rate[k] for name, rate in medians.items()})


# A child's watch on the garbage collector: `collecting[1]` is the time (by the child's `clock`)
# collections took since the child last set it to 0.
_WATCH = """
collecting = [0.0, 0.0]  # when the running collection began, the time collecting since reset
def watch(phase, info):
    if phase == "start":
        collecting[0] = clock()
    else:
        collecting[1] += clock() - collecting[0]
gc.callbacks.append(watch)
"""

# Two simulated days of one town in a fresh interpreter: the worst tick by the wall clock and
# in CPU time, the rate over the days, the build time and the process's peak RSS, as JSON.
_DAYS = """
import gc, json, resource, sys, time
sys.path.insert(0, sys.argv[1])
from game import config
from game.sim.flux import TownFlux
began = time.perf_counter()
flux = TownFlux(sys.argv[2], seed=1)
tick = getattr(flux, "step", flux.tick)
ticks = 2 * config.DAY_TICKS
clock = time.perf_counter
""" + _WATCH + """worst = worst_cpu = apart = 0.0
start, cpu = time.perf_counter(), time.process_time()
for _ in range(ticks):
    collecting[1] = 0.0
    at, at_cpu = time.perf_counter(), time.process_time()
    tick()
    spent = time.perf_counter() - at
    worst, apart = max(worst, spent), max(apart, spent - collecting[1])
    worst_cpu = max(worst_cpu, time.process_time() - at_cpu)
gc.callbacks.remove(watch)
figures = {"worst": worst * 1000, "worst of CPU": worst_cpu * 1000, "apart": apart * 1000,
           "rate": ticks / (time.perf_counter() - start),
           "rate of CPU": ticks / (time.process_time() - cpu), "build": start - began,
           "rss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}
del flux
from game.trace.timeline import Timeline
timeline = Timeline(sys.argv[2], seed=1)  # as the window records: events, metrics, hashes
recorded = 0.0
advance = getattr(timeline, "advance_records", timeline.advance)  # what the window hears
import gc  # the window's policy (game.clock.Collector), the same for an older checkout:
gc.set_threshold(50_000, *gc.get_threshold()[1:])  # young objects looked at seldom,
for _ in range(ticks):
    at = time.perf_counter()
    advance(1)
    recorded = max(recorded, time.perf_counter() - at)
    gc.freeze()  # and what each turn leaves behind never looked through again
print(json.dumps({**figures, "recorded": recorded * 1000}))
"""
DAYS = ("town", "city:2500", "city:10000")
BIG = "city:10000"


def two_days(tree: Tree, scenario: str) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-c", _DAYS, str(tree[0]), scenario],
                         capture_output=True, text=True, check=True, env=child_env(tree)).stdout
    result: dict[str, float] = json.loads(out)
    return result


# Ten simulated days of a city in a fresh interpreter: each day's longest phase end or tick of
# those before one that make what it reads (a part each), and its longest tick of any kind, as
# JSON.
_LONG = """
import gc, json, sys, time
sys.path.insert(0, sys.argv[1])
from game import config
from game.sim.flux import TownFlux
flux = TownFlux(sys.argv[2], seed=1)
tick = getattr(flux, "step", flux.tick)
clock = time.process_time
try:  # the ticks before a phase end that make what it reads
    from game.sim.phases import EVE_TICKS as eve
except ImportError:  # a checkout older than them: the phase end whole, in its own tick
    eve = 0
""" + _WATCH + """longest, worst = {}, {}
for t in range(1, int(sys.argv[3]) * config.DAY_TICKS + 1):
    collecting[1] = 0.0
    at = time.process_time()
    tick()
    spent = (time.process_time() - at - collecting[1]) * 1000
    day = (t - 1) // config.DAY_TICKS + 1
    worst[day] = max(worst.get(day, 0.0), spent)
    if (t + eve) % config.PHASE_TICKS <= eve:  # a phase end, or a tick making its eve
        day = (t - (t % config.PHASE_TICKS == 0)) // config.DAY_TICKS + 1  # the phase end's
        longest[day] = max(longest.get(day, 0.0), spent)
print(json.dumps({"phase end": longest, "any": worst}))
"""
LONG = ("city:2500", 10, (2, 5, 10))  # the city, the days simulated, the days shown


def long_history(trees: dict[str, Tree]) -> None:
    """A city's phase end as its history grows: every bond ever moved relaxes at each one; and
    its worst tick of any kind (the store of moved bonds grows too)."""
    scenario, days, shown = LONG
    got = {name: json.loads(subprocess.run(
        [sys.executable, "-c", _LONG, str(tree[0]), scenario, str(days)], capture_output=True,
        text=True, check=True, env=child_env(tree)).stdout) for name, tree in trees.items()}
    for day in shown:
        for what, words in (("phase end", "longest phase end"), ("any", "worst tick")):
            for name, figures in got.items():
                print(f"{words} {scenario} day {day}{labelled(name, trees)}: "
                      f"{figures[what][str(day)]:,.1f} ms of CPU apart from the garbage "
                      "collector", flush=True)


def worst_ticks(trees: dict[str, Tree]) -> None:
    for scenario in DAYS:
        got = {name: two_days(tree, scenario) for name, tree in trees.items()}
        shown = [("worst tick", "worst", "ms", 1), ("worst tick of CPU", "worst of CPU", "ms", 1),
                 ("worst tick apart from the garbage collector", "apart", "ms", 1),
                 ("worst recorded tick", "recorded", "ms", 1)]
        if scenario == BIG:
            shown += [("two days", "rate", "ticks/s", 1),
                      ("two days of CPU", "rate of CPU", "ticks/s", 1),
                      ("peak RSS", "rss", "MB", 0), ("build", "build", "s", 2)]
        for what, key, unit, digits in shown:
            for name, figures in got.items():
                print(f"{what} {scenario}{labelled(name, trees)}: {figures[key]:,.{digits}f} "
                      f"{unit}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--old", type=Path, help="another checkout to measure beside this one")
    parser.add_argument("--runs", type=int, default=5, help="seeds per scenario (median)")
    parser.add_argument("--interpreted", action="store_true",
                        help="measure this checkout interpreted too, beside it as it runs")
    parser.add_argument("--only", choices=("rates", "days", "instructions"),
                        help="one part of the figures (instructions: counted, not timed)")
    args = parser.parse_args()
    trees = checkouts(args.old, args.interpreted)
    how = subprocess.run([sys.executable, "-m", "game", "--version"], cwd=HERE, check=True,
                         capture_output=True, text=True, env=child_env(trees["new"])).stdout
    print(f"this checkout: {how.strip()}", flush=True)
    if args.only == "instructions":
        counted(trees)
        return
    if args.only != "days":
        throughput(trees, args.runs)
    if args.only != "rates":
        worst_ticks(trees)
        long_history(trees)


if __name__ == "__main__":
    main()
