"""Running a sweep on Dask: every run an independent `dask.distributed` task, each result kept
the moment it comes back, the table assembled in the spec's order at the end.

A local cluster on this machine's cores by default, or an existing one (`tcp://HOST:8786`)
whose workers have this Agent Town installed. A worker lost mid-sweep has its task run again
elsewhere by the scheduler (`distributed.scheduler.allowed-failures` times); a sweep stopped
part-way resumes from the runs already written, and never runs them again. The order in which
workers finish changes nothing: each run is the same bits anywhere, and the table's rows follow
the spec. Pure: never imports pygame, the view or the command line.
"""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import dask
from distributed import Client, LocalCluster, as_completed
from distributed.scheduler import KilledWorker

from game import __version__
from game.experiments import sampling, table
from game.experiments.spec import RunPlan, SweepSpec
from game.userfiles.storage import clean_stale

Progress = Callable[[int, int], None]  # (runs done, runs in all)
CONNECT_TIMEOUT = "10s"  # to reach an existing cluster's scheduler
# A local cluster runs nothing but a sweep's long, even tasks, one worker a core, so what Dask
# does beside them takes CPU time from the runs: no statistical profiler sampling each worker's
# stack every 10 ms, no work stealing (a run waits at the scheduler until a worker frees), the
# system monitor and the event loops' checks once a second or less instead of every 20-500 ms.
# On the shared 2-core machines the gain is within the noise of benchmarks/sweep_speed.py (which
# measures these clusters against Dask's defaults side by side); it costs nothing.
LOCAL_CONFIG: dict[str, object] = {
    "distributed.worker.profile.enabled": False,
    "distributed.scheduler.work-stealing": False,
    "distributed.admin.system-monitor.interval": "5s",
    "distributed.admin.system-monitor.gil.enabled": False,
    "distributed.admin.tick.interval": "1s",
}


class SweepError(Exception):
    """A sweep that cannot start or finish: one line saying why."""


@dataclass(frozen=True)
class Outcome:
    """What a sweep did: runs in all, runs found already written, runs it ran, the table."""

    runs: int
    kept: int
    ran: int
    table: Path


@contextlib.contextmanager
def connect(scheduler: str | None = None, workers: int | None = None) -> Iterator[Client]:
    """A client of the cluster at `scheduler`, or of a local cluster of `workers` processes
    (one thread each; default: one per core; quiet as LOCAL_CONFIG says) that closes with it."""
    if scheduler is not None:
        try:
            client = Client(scheduler, timeout=CONNECT_TIMEOUT)
        except OSError as err:
            raise SweepError(f"cannot reach the scheduler at {scheduler}: {err}") from None
        with client:
            yield client
        return
    count = workers or os.cpu_count() or 1
    with dask.config.set(LOCAL_CONFIG), \
            LocalCluster(n_workers=count, threads_per_worker=1, processes=True,
                         dashboard_address=":0", silence_logs=logging.ERROR) as cluster, \
            Client(cluster) as client:
        yield client


def prepare(out: Path, spec: SweepSpec, resume: bool) -> None:
    """Make `out` this spec's folder: a new one, or (resuming) the one it was started in."""
    stored = table.stored_spec(out)
    if stored is not None and not resume:
        raise SweepError(f"{out} holds a sweep already: add --resume to finish it, or choose "
                         f"another --out")
    if stored is not None and stored != spec.canonical():
        raise SweepError(f"{out} holds a sweep of another spec: --resume needs the spec it "
                         f"was started with")
    if stored is None and out.exists() and any(out.iterdir()):
        raise SweepError(f"{out} is not empty and holds no sweep: choose an empty or new "
                         f"folder")
    table.write_spec(out, spec)
    clean_stale([out / table.PARTS, out / table.RUNS, out])


def run_sweep(spec: SweepSpec, out: Path, client: Client, *, resume: bool = False,
              progress: Progress | None = None) -> Outcome:
    """Run every run of `spec` not yet written in `out` on `client`'s cluster; keep each as it
    comes back; then write the table."""
    prepare(out, spec, resume)
    plans = spec.runs()
    todo = [p for p in plans if not table.finished(out, p)]
    done = len(plans) - len(todo)
    if progress is not None:
        progress(done, len(plans))
    futures = client.map(_run, todo, spec=spec, pure=False)  # one message to the scheduler
    names = {f.key: plan.run for f, plan in zip(futures, todo, strict=True)}
    finishing = as_completed(futures)
    futures.clear()  # each result is let go once written: a big sweep never holds them all
    for future in finishing:
        table.write_run(out, *_result(future.result, names[future.key]))
        done += 1
        if progress is not None:
            progress(done, len(plans))
    return Outcome(len(plans), len(plans) - len(todo), len(todo), table.assemble(out, spec))


def _run(plan: RunPlan, spec: SweepSpec) -> tuple[sampling.RunResult, bytes]:
    """What a worker does for one run: simulate and sample it and encode its rows, so that
    the client, which shares the cores with the workers on one machine, only writes files."""
    result = sampling.run(plan)
    return result, table.encode(spec, result)


def _result(get: Callable[[], tuple[sampling.RunResult, bytes]], run: str
            ) -> tuple[sampling.RunResult, bytes]:
    """A run's result and its encoded rows, with a worker's death or another Agent Town said
    in words."""
    try:
        result, part = get()
    except KilledWorker:
        raise SweepError(f"run {run}: the workers running it died again and again; "
                         f"the runs written so far are kept (--resume)") from None
    if result.version != __version__:
        raise SweepError(f"run {run}: a worker runs Agent Town {result.version}, this is "
                         f"{__version__}: the runs would not be the same towns")
    return result, part
