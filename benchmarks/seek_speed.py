"""Seek speed: scrubbing a 10-day history, seeking anywhere in an hour of play, and
`agent-town seek` on a one-hour save.

Each case runs each tree in a process of its own (old first when `--old` names a checkout of
main, `git worktree add --detach /tmp/old-lean main`, imported through sys.path):
  days   a played 10-day `town` history (a card every third of a day): `keyframe build` (simulating
         it once), `keyframe memory`, `seek median` / `seek p95` to random ticks once built.
         Goals: p95 ≤ 16 ms, build ≤ 2 s, memory ≤ 50 MB.
  hour   `town` recorded for an hour at 16× as the window records it (1,152,000 ticks, `--minutes`
         for less), then seeks to random ticks: `hour seek median` / `hour seek p95`. Goal: p95
         ≤ 20 ms (main re-simulates from tick 0 below its newest keyframes: fewer seeks there).
  cli    a one-hour save at 8× (576,000 ticks, the longest the history limit allows; written by
         each tree's `run --out`, timed), then `agent-town seek` to the end and to the middle
         of it, CPU seconds of the whole command. Goal: ≤ 5 s each (main: 32 s and 48 s).

This checkout runs as it would for a person: compiled when `tools/compile_sim.py` has built
its current sources; `--interpreted` measures it interpreted too (`AGENT_TOWN_INTERPRETED=1`).

    python benchmarks/seek_speed.py [--case days|hour|cli ...] [--minutes 60] [--old PATH]
                                    [--interpreted]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent.parent
DAYS = 10
TICKS_PER_MINUTE = 60 * 20 * 16  # at 16×
SEEKS = {"new": 500, "interpreted": 500, "old": 10}


def env_of(label: str) -> dict[str, str]:
    """A child's environment: BLAS on one thread, and interpreted if its label says so."""
    env = {k: v for k, v in os.environ.items() if k != "AGENT_TOWN_INTERPRETED"}
    env["OPENBLAS_NUM_THREADS"] = "1"
    if label == "interpreted":
        env["AGENT_TOWN_INTERPRETED"] = "1"
    return env


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]


def days_case(label: str) -> dict[str, float]:
    from game import config
    from game.sim.cards import CARDS, Perturbation
    from game.trace.timeline import Timeline

    builds = []
    for _ in range(3):
        timeline = Timeline("town", seed=7)
        cards = sorted(CARDS)
        for k in range(30):  # a played history: a card every third of a day
            timeline.add_perturbation(Perturbation(tick=(k + 1) * 530, card=cards[k % len(cards)]))
        start = time.perf_counter()
        timeline.advance(DAYS * config.DAY_TICKS)
        builds.append(time.perf_counter() - start)
    times = seeks(timeline, DAYS * config.DAY_TICKS, 500)
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    kept = [timeline.flux.snapshot() for _ in range(timeline.keyframe_count())]
    traced = (tracemalloc.get_traced_memory()[0] - before) / 1024 / 1024
    tracemalloc.stop()
    del kept
    return {"keyframe build (s)": statistics.median(builds),
            "keyframe memory traced (MB)": traced,
            "keyframe memory (MB)": timeline.keyframe_memory() / 1024 / 1024,
            "keyframes": timeline.keyframe_count(),
            "seek median (cpu ms)": statistics.median(times), "seek p95 (cpu ms)": p95(times)}


def seeks(timeline: Any, end: int, count: int) -> list[float]:
    """Milliseconds of CPU each of `count` seeks to random ticks takes (CPU time: the machine is
    shared, and a seek is all CPU)."""
    rng = random.Random(1)
    times = []
    for _ in range(count):
        tick = rng.randrange(0, end + 1)
        start = time.process_time()
        timeline.seek(tick)
        times.append((time.process_time() - start) * 1000)
    return times


def hour_case(label: str, minutes: float) -> dict[str, float]:
    from game import limits
    from game.trace.timeline import Timeline

    timeline = Timeline("town", 7)
    ticks = int(minutes * TICKS_PER_MINUTE)
    # An hour at 16× is twice the history limit (a year, an hour at 8×): lifted for this run.
    limits.MAX_TICKS = max(limits.MAX_TICKS, ticks)  # type: ignore[misc]
    start = time.process_time()
    for _ in range(ticks):
        timeline.advance(1)
    recorded = time.process_time() - start
    # main drops the oldest keyframes: its spacing is the interval, over the newest ticks only
    spacing = getattr(timeline, "keyframe_spacing", lambda: timeline.interval)()
    times = seeks(timeline, ticks, SEEKS[label])
    return {"hour record (cpu s)": recorded, "hour keyframes": timeline.keyframe_count(),
            "hour seeks": len(times), "hour keyframe spacing (ticks)": spacing,
            "hour seek median (cpu ms)": statistics.median(times),
            "hour seek p95 (cpu ms)": p95(times)}


def command(label: str, tree: str, *argv: str) -> float:
    """CPU seconds `agent-town argv` takes with the game of `tree`."""
    code = ("import sys; sys.path.insert(0, sys.argv[1]); from game.cli import main; "
            "sys.exit(main(sys.argv[2:]))")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([sys.executable, "-c", code, tree, *argv], check=True,
                   stdout=subprocess.DEVNULL, env=env_of(label))
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def cli_case(trees: list[tuple[str, str]], minutes: float) -> None:
    # The longest save the history limit allows is an hour at 8× (576,000 ticks).
    ticks = int(min(minutes * TICKS_PER_MINUTE // 2, 576_000))
    with tempfile.TemporaryDirectory() as folder:
        cards = Path(folder, "cards.json")
        names = ["festival", "rumor", "storm", "greet", "gossip", "trade", "dispute", "teach"]
        cards.write_text(json.dumps([{"tick": t, "card": names[k % len(names)]}
                                     for k, t in enumerate(range(997, ticks, ticks // 60))]))
        saves = {}
        for label, tree in trees:
            saves[label] = Path(folder, f"{label}.town")
            took = command(label, tree, "run", "--scenario", "town", "--seed", "7", "--ticks",
                           str(ticks), "--perturb", str(cards), "--out", str(saves[label]))
            print(f"run --out ({label}): {took:.1f} s")
        for where, tick in (("end", ticks), ("middle", ticks // 2)):
            for label, tree in trees:
                took = command(label, tree, "seek", str(saves["new"]), "--tick", str(tick))
                print(f"cli seek to the {where} ({label}): {took:.1f} s")


def child(tree: str, case: str, label: str, minutes: float) -> None:
    sys.path.insert(0, tree)
    result = days_case(label) if case == "days" else hour_case(label, minutes)
    print(json.dumps(result))


def in_process(tree: str, case: str, label: str, minutes: float) -> dict[str, float]:
    done = subprocess.run([sys.executable, __file__, "--child", tree, "--case", case,
                           "--label", label, "--minutes", str(minutes)],
                          check=True, capture_output=True, text=True, env=env_of(label))
    result: dict[str, float] = json.loads(done.stdout.splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--case", action="append", choices=("days", "hour", "cli"))
    parser.add_argument("--minutes", type=float, default=60.0, help="minutes at 16× (60)")
    parser.add_argument("--old", help="a checkout of main to measure side by side")
    parser.add_argument("--interpreted", action="store_true",
                        help="measure this checkout interpreted too")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--label", default="new", help=argparse.SUPPRESS)
    args = parser.parse_args()
    cases = args.case or ["days", "hour", "cli"]
    if args.child:
        child(args.child, cases[0], args.label, args.minutes)
        return
    trees = ([("old", args.old)] if args.old else []) + (
        [("interpreted", str(HERE))] if args.interpreted else []) + [("new", str(HERE))]
    for case in cases:
        if case == "cli":
            cli_case(trees, args.minutes)
            continue
        for label, tree in trees:
            for name, value in in_process(tree, case, label, args.minutes).items():
                unit = name[name.index("(") + 1:-1] if "(" in name else ""
                shown = f"{value:.2f}" if isinstance(value, float) else str(value)
                print(f"{name.split(' (')[0]} ({label}): {shown} {unit}".rstrip())


if __name__ == "__main__":
    main()
