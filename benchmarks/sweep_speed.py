"""How fast a sweep runs on Dask: runs per second on `town` with one and two local workers,
against the same runs (simulated, sampled and written the same way) in a plain loop.

Prints one figure per line, each the median of several rounds that alternate the five ways:
  plain loop            the runs one after another in this process, no Dask
  dask 1 worker         the sweep on a local cluster of one worker process
  dask 2 workers        the same on two (goal: at least 1.8× one worker on 2 cores)
  … (before)            the same clusters with Dask's default settings, as `main` made them
                        (the only difference: sweep.LOCAL_CONFIG), side by side
  overhead              dask 1 worker against the plain loop, per run (goal: at most 10 %)
  cpu per run           CPU time of this process and the workers per run: the overhead as
                        work, which other programs on a shared machine do not blur
  runs in flight        the workers' compute time over the sweep's wall-clock time: how busy
                        Dask keeps them (2.0: two workers never idle), whatever cores they get

Each round starts each cluster afresh and times it alone, the others closed (an idle cluster
beside it, above all one with Dask's default profiler and monitors, takes CPU from its
workers); its workers import the game and run a sweep before it is timed: a sweep of a
thousand runs pays that once. Run with the project installed with its sweep extra:
`OPENBLAS_NUM_THREADS=1 python benchmarks/sweep_speed.py`. Never imports pygame.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

import dask
from distributed import Client, get_task_stream

from game.experiments import sampling, spec, sweep, table

ROUNDS = 5
SEEDS = 48  # runs in a timed sweep: a sweep's last run, alone on one worker, weighs little


def runs_of(seeds: int) -> spec.SweepSpec:
    """The runs of examples/rumor_splits.json (`town` for four days, sampled every 200 ticks)
    for seeds 1 to `seeds`."""
    return spec.parse({
        "name": "speed", "scenarios": ["town"], "seeds": {"from": 1, "to": seeds}, "days": 4,
        "sample": {"every": 200, "what": ["metrics", "coalitions", "events"]},
    }, "benchmark")


SPEC, WARM_UP = runs_of(SEEDS), runs_of(2)


# Dask's defaults for what sweep.LOCAL_CONFIG changes: a cluster made under them is main's.
BEFORE = {key: dask.config.get(key) for key in sweep.LOCAL_CONFIG}


@contextlib.contextmanager
def cluster(workers: int, before: bool) -> Iterator[Client]:
    """sweep.connect's local cluster, or (before) the same with Dask's default settings."""
    with dask.config.set(BEFORE if before else {}), \
            mock.patch.object(sweep, "LOCAL_CONFIG", BEFORE if before else sweep.LOCAL_CONFIG), \
            sweep.connect(workers=workers) as client:
        yield client


def plain_loop(out: Path, runs: spec.SweepSpec) -> None:
    """The same runs and files, one after another, without Dask."""
    sweep.prepare(out, runs, resume=False)
    for plan in runs.runs():
        result = sampling.run(plan)
        table.write_run(out, result, table.encode(runs, result))
    table.assemble(out, runs)


@dataclass(frozen=True)
class Way:
    """A way to run the sweep, and the cluster it runs on (none: the plain loop)."""

    run: Callable[[Path, spec.SweepSpec], None]
    client: Client | None = None

    def cpu(self) -> float:
        """CPU seconds used so far by this process and the cluster's workers."""
        workers: dict[str, float] = (self.client.run(time.process_time)
                                     if self.client is not None else {})
        return time.process_time() + sum(workers.values())


def on_cluster(client: Client, busy: list[float]) -> Way:
    """The sweep on `client`'s cluster; `busy` hears, each time, the runs in flight on average
    (the workers' compute time over the wall-clock time: 2.0 keeps two workers always busy)."""
    def run(out: Path, runs: spec.SweepSpec) -> None:
        start = time.perf_counter()
        with get_task_stream(client) as stream:
            sweep.run_sweep(runs, out, client)
        took = time.perf_counter() - start
        busy.append(sum(part["stop"] - part["start"] for task in stream.data
                        for part in task["startstops"] if part["action"] == "compute") / took)
    return Way(run, client)


def timed(way: Way, runs: spec.SweepSpec = SPEC) -> tuple[float, float]:
    """Wall-clock and CPU seconds of one sweep into a new folder."""
    folder = Path(tempfile.mkdtemp(prefix="sweep-speed-"))
    try:
        cpu, start = way.cpu(), time.perf_counter()
        way.run(folder / "out", runs)
        return time.perf_counter() - start, way.cpu() - cpu
    finally:
        shutil.rmtree(folder)


def main() -> None:
    runs = len(SPEC.runs())
    clusters = {"dask 1 worker (before)": (1, True), "dask 2 workers (before)": (2, True),
                "dask 1 worker": (1, False), "dask 2 workers": (2, False)}
    names = ["plain loop", *clusters]
    busy: dict[str, list[float]] = {name: [] for name in clusters}
    wall: dict[str, list[float]] = {name: [] for name in names}
    cpu: dict[str, list[float]] = {name: [] for name in names}
    for _ in range(ROUNDS):
        for name in names:
            with contextlib.ExitStack() as stack:
                if name in clusters:
                    client = stack.enter_context(cluster(*clusters[name]))
                    way = on_cluster(client, busy[name])
                else:
                    way = Way(plain_loop)
                timed(way, WARM_UP)  # warm up: every worker has imported and run the town
                if name in clusters:
                    busy[name].pop()
                took, used = timed(way)
            wall[name].append(took)
            cpu[name].append(used)
    median = {name: statistics.median(times) for name, times in wall.items()}
    per_run = {name: 1000 * statistics.median(times) / runs for name, times in cpu.items()}
    for name, took in median.items():
        print(f"{name}: {runs / took:.2f} runs/s")
    for tail in (" (before)", ""):  # each round's ratio (its ways ran minutes apart at most)
        one, two = wall[f"dask 1 worker{tail}"], wall[f"dask 2 workers{tail}"]
        speedups = [a / b for a, b in zip(one, two, strict=True)]
        overheads = [a / b - 1 for a, b in zip(one, wall["plain loop"], strict=True)]
        print(f"speedup 2 workers vs 1{tail}: {statistics.median(speedups):.2f} x "
              f"(rounds: {', '.join(f'{x:.2f}' for x in speedups)})")
        print(f"overhead dask 1 worker vs plain loop{tail}: "
              f"{100 * statistics.median(overheads):.1f} %")
    for name, ms in per_run.items():
        print(f"cpu per run, {name}: {ms:.1f} ms")
    for tail in (" (before)", ""):
        ms = per_run[f"dask 1 worker{tail}"]
        print(f"cpu overhead dask 1 worker vs plain loop{tail}: "
              f"{100 * (ms / per_run['plain loop'] - 1):.1f} % "
              f"({ms - per_run['plain loop']:.1f} ms a run)")
    for name, runs_in_flight in busy.items():
        print(f"runs in flight, {name}: {statistics.median(runs_in_flight):.2f}")
    print(f"load average (1 min) at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
