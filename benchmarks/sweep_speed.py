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

The clusters start (and their workers import the game) before anything is timed: a sweep of a
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
# The runs of examples/rumor_splits.json: `town` for four days, sampled every 200 ticks.
SPEC = spec.parse({
    "name": "speed", "scenarios": ["town"], "seeds": {"from": 1, "to": 16}, "days": 4,
    "sample": {"every": 200, "what": ["metrics", "coalitions", "events"]},
}, "benchmark")


# Dask's defaults for what sweep.LOCAL_CONFIG changes: a cluster made under them is main's.
BEFORE = {key: dask.config.get(key) for key in sweep.LOCAL_CONFIG}


@contextlib.contextmanager
def cluster(workers: int, before: bool) -> Iterator[Client]:
    """sweep.connect's local cluster, or (before) the same with Dask's default settings."""
    with dask.config.set(BEFORE if before else {}), \
            mock.patch.object(sweep, "LOCAL_CONFIG", BEFORE if before else sweep.LOCAL_CONFIG), \
            sweep.connect(workers=workers) as client:
        yield client


def plain_loop(out: Path) -> None:
    """The same runs and files, one after another, without Dask."""
    sweep.prepare(out, SPEC, resume=False)
    for plan in SPEC.runs():
        table.write_run(out, SPEC, sampling.run(plan))
    table.assemble(out, SPEC)


@dataclass(frozen=True)
class Way:
    """A way to run the sweep, and the cluster it runs on (none: the plain loop)."""

    run: Callable[[Path], None]
    client: Client | None = None

    def cpu(self) -> float:
        """CPU seconds used so far by this process and the cluster's workers."""
        workers: dict[str, float] = (self.client.run(time.process_time)
                                     if self.client is not None else {})
        return time.process_time() + sum(workers.values())


def on_cluster(client: Client, busy: list[float]) -> Way:
    """The sweep on `client`'s cluster; `busy` hears, each time, the runs in flight on average
    (the workers' compute time over the wall-clock time: 2.0 keeps two workers always busy)."""
    def run(out: Path) -> None:
        start = time.perf_counter()
        with get_task_stream(client) as stream:
            sweep.run_sweep(SPEC, out, client)
        took = time.perf_counter() - start
        busy.append(sum(part["stop"] - part["start"] for task in stream.data
                        for part in task["startstops"] if part["action"] == "compute") / took)
    return Way(run, client)


def timed(way: Way) -> tuple[float, float]:
    """Wall-clock and CPU seconds of one sweep into a new folder."""
    folder = Path(tempfile.mkdtemp(prefix="sweep-speed-"))
    try:
        cpu, start = way.cpu(), time.perf_counter()
        way.run(folder / "out")
        return time.perf_counter() - start, way.cpu() - cpu
    finally:
        shutil.rmtree(folder)


def main() -> None:
    runs = len(SPEC.runs())
    names = ["dask 1 worker (before)", "dask 2 workers (before)", "dask 1 worker",
             "dask 2 workers"]
    with contextlib.ExitStack() as stack:
        clients = [stack.enter_context(cluster(workers, "before" in name))
                   for name, workers in zip(names, (1, 2, 1, 2), strict=True)]
        busy: dict[str, list[float]] = {name: [] for name in names}
        ways = {"plain loop": Way(plain_loop)}
        ways.update({name: on_cluster(client, busy[name])
                     for name, client in zip(names, clients, strict=True)})
        for way in ways.values():  # warm up: every worker has imported and run the town
            timed(way)
        wall: dict[str, list[float]] = {name: [] for name in ways}
        cpu: dict[str, list[float]] = {name: [] for name in ways}
        for _ in range(ROUNDS):
            for name, way in ways.items():
                took, used = timed(way)
                wall[name].append(took)
                cpu[name].append(used)
    median = {name: statistics.median(times) for name, times in wall.items()}
    per_run = {name: 1000 * statistics.median(times) / runs for name, times in cpu.items()}
    for name, took in median.items():
        print(f"{name}: {runs / took:.2f} runs/s")
    for tail in (" (before)", ""):
        one, two = median[f"dask 1 worker{tail}"], median[f"dask 2 workers{tail}"]
        print(f"speedup 2 workers vs 1{tail}: {one / two:.2f} x")
        print(f"overhead dask 1 worker vs plain loop{tail}: "
              f"{100 * (one / median['plain loop'] - 1):.1f} %")
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
