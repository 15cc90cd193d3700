"""How fast a sweep runs on Dask: runs per second on `town` with one and two local workers,
against the same runs (simulated, sampled and written the same way) in a plain loop.

Prints one figure per line, each the median of several rounds that alternate the three ways:
  plain loop            the runs one after another in this process, no Dask
  dask 1 worker         the sweep on a local cluster of one worker process
  dask 2 workers        the same on two (goal: at least 1.8× one worker on 2 cores)
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

import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from distributed import Client, get_task_stream

from game.experiments import sampling, spec, sweep, table

ROUNDS = 3
# The runs of examples/rumor_splits.json: `town` for four days, sampled every 200 ticks.
SPEC = spec.parse({
    "name": "speed", "scenarios": ["town"], "seeds": {"from": 1, "to": 16}, "days": 4,
    "sample": {"every": 200, "what": ["metrics", "coalitions", "events"]},
}, "benchmark")


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
    with sweep.connect(workers=1) as one, sweep.connect(workers=2) as two:
        busy: dict[str, list[float]] = {"dask 1 worker": [], "dask 2 workers": []}
        ways = {"plain loop": Way(plain_loop),
                "dask 1 worker": on_cluster(one, busy["dask 1 worker"]),
                "dask 2 workers": on_cluster(two, busy["dask 2 workers"])}
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
    print(f"speedup 2 workers vs 1: {median['dask 1 worker'] / median['dask 2 workers']:.2f} x")
    overhead = median["dask 1 worker"] / median["plain loop"] - 1
    print(f"overhead dask 1 worker vs plain loop: {100 * overhead:.1f} %")
    for name, ms in per_run.items():
        print(f"cpu per run, {name}: {ms:.1f} ms")
    print(f"cpu overhead dask 1 worker vs plain loop: "
          f"{100 * (per_run['dask 1 worker'] / per_run['plain loop'] - 1):.1f} %")
    print(f"cpu overhead per run: {per_run['dask 1 worker'] - per_run['plain loop']:.1f} ms")
    for name, runs_in_flight in busy.items():
        print(f"runs in flight, {name}: {statistics.median(runs_in_flight):.2f}")
    print(f"load average (1 min) at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


if __name__ == "__main__":
    main()
