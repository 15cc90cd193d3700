"""Sweeps on real `dask.distributed` clusters: two local workers, one, a worker killed mid-sweep,
an interrupted sweep resumed, and a scheduler and workers started as separate processes on
127.0.0.1. Every way gives the same table, byte for byte."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from distributed import Client

from game.cli import main
from game.experiments import spec, sweep, table
from game.trace.timeline import Timeline
from game.view.assets import Assets
from game.view.opening import first_opening

pytestmark = pytest.mark.slow

SPEC: dict[str, Any] = {
    "name": "dask", "question": "Does a festival on day 1 bind the village?",
    "scenarios": ["village"], "seeds": {"from": 1, "to": 6}, "ticks": 2000,
    "variants": [{"name": "quiet"},
                 {"name": "festival", "cards": [{"card": "festival", "tick": 500}]}],
    "sample": {"every": 250, "what": ["metrics", "coalitions", "events", "reputation"]},
    "report": {"metrics": ["coalitions", "events_festival", "cooperation"], "since": 400},
}
PARSED = spec.parse(SPEC, "test")
DASK = Path(sys.executable).parent / "dask"


@pytest.fixture(scope="module")
def two_workers() -> Iterator[Client]:
    with sweep.connect(workers=2) as client:
        yield client


@pytest.fixture(scope="module")
def reference(two_workers: Client, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The sweep run once on two local workers: every other way must give its bytes."""
    out = tmp_path_factory.mktemp("reference") / "sweep"
    done = sweep.run_sweep(PARSED, out, two_workers)
    assert (done.runs, done.kept, done.ran) == (12, 0, 12)
    return out


def stamps(out: Path) -> dict[str, tuple[int, int]]:
    """Each written file's inode and modification time: a file written again changes both."""
    return {str(p.relative_to(out)): (p.stat().st_ino, p.stat().st_mtime_ns)
            for p in sorted([*(out / table.PARTS).iterdir(), *(out / table.RUNS).iterdir()])}


def test_two_workers_write_a_row_per_run_and_sample_and_a_town_per_run(reference: Path) -> None:
    rows, stored = table.read(reference)
    assert stored == PARSED and rows.num_rows == 12 * 9
    assert sorted(p.name for p in (reference / table.RUNS).iterdir()) == sorted(
        f"{r.run}.town" for r in PARSED.runs())
    assert not list(reference.rglob("*.tmp"))


def test_one_worker_gives_the_same_table_bit_for_bit(reference: Path, tmp_path: Path) -> None:
    with sweep.connect(workers=1) as client:
        assert len(client.scheduler_info()["workers"]) == 1
        sweep.run_sweep(PARSED, tmp_path / "one", client)
    assert (tmp_path / "one" / table.TABLE).read_bytes() == \
        (reference / table.TABLE).read_bytes()
    for town in (reference / table.RUNS).iterdir():
        assert (tmp_path / "one" / table.RUNS / town.name).read_bytes() == town.read_bytes()


def test_a_worker_killed_mid_sweep_has_its_runs_done_again(
        two_workers: Client, reference: Path, tmp_path: Path) -> None:
    pids: dict[str, int] = two_workers.run(os.getpid)
    killed: dict[str, tuple[str, ...]] = {}

    def kill_once(done: int, total: int) -> None:
        if done == 1 and not killed:  # both workers hold runs now: kill one that does
            victim, running = next((w, keys) for w, keys in two_workers.processing().items()
                                   if keys)
            os.kill(pids[victim], signal.SIGKILL)
            killed[victim] = tuple(map(str, running))

    done = sweep.run_sweep(PARSED, tmp_path / "killed", two_workers, progress=kill_once)
    [(victim, lost)] = killed.items()
    assert lost and done.ran == 12  # the runs the dead worker held were run again
    assert victim not in two_workers.scheduler_info()["workers"]
    assert (tmp_path / "killed" / table.TABLE).read_bytes() == \
        (reference / table.TABLE).read_bytes()
    two_workers.wait_for_workers(2, timeout=30)  # the nanny starts a new one for the others


def test_an_interrupted_sweep_resumes_without_redoing_or_losing_a_run(
        two_workers: Client, reference: Path, tmp_path: Path) -> None:
    out = tmp_path / "stopped"

    def interrupt(done: int, total: int) -> None:
        if done == 3:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        sweep.run_sweep(PARSED, out, two_workers, progress=interrupt)
    assert not (out / table.TABLE).exists()
    before = stamps(out)
    assert len(before) == 2 * 3  # three runs: a part and a .town each

    with pytest.raises(sweep.SweepError, match="add --resume to finish it"):
        sweep.run_sweep(PARSED, out, two_workers)
    other = spec.parse({**SPEC, "ticks": 1000}, "other")
    with pytest.raises(sweep.SweepError, match="holds a sweep of another spec"):
        sweep.run_sweep(other, out, two_workers, resume=True)

    half = next(r.run for r in PARSED.runs() if table.finished(out, r))
    (out / table.RUNS / f"{half}.town").unlink()  # a run half kept is done again
    done = sweep.run_sweep(PARSED, out, two_workers, resume=True)
    assert (done.kept, done.ran) == (2, 10)
    after = stamps(out)
    kept = {k: v for k, v in before.items() if half not in k}
    assert {k: after[k] for k in kept} == kept
    assert (out / table.TABLE).read_bytes() == (reference / table.TABLE).read_bytes()


def test_a_row_opens_as_its_runs_town_at_its_tick(reference: Path, assets: Assets) -> None:
    rows, _ = table.read(reference)
    k = 40
    run, tick, state_hash = (rows.column(c)[k].as_py() for c in ("run", "tick", "state_hash"))
    opening = first_opening("town", 0, tick, str(reference / table.RUNS / f"{run}.town"),
                            assets)  # what `agent-town --load RUN.town --start-tick T` opens
    assert opening is not None
    shown: list[Timeline] = []
    problem = opening.finish(lambda timeline, _: shown.append(timeline), lambda _: None)
    [timeline] = shown
    assert problem is None and timeline.cursor == tick
    assert timeline.flux.state_hash() == state_hash


def test_the_window_opens_a_run_headless(reference: Path, tmp_path: Path) -> None:
    town = reference / table.RUNS / f"{PARSED.runs()[7].run}.town"
    env = {**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy",
           "AGENT_TOWN_HOME": str(tmp_path)}
    done = subprocess.run([sys.executable, "-m", "game", "--load", str(town), "--start-tick",
                           "1000", "--frames", "3"], env=env, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr


def test_the_report_draws_a_plot_per_metric_and_a_page(reference: Path) -> None:
    out = io.StringIO()
    assert main(["sweep", "report", str(reference)], out=out) == 0
    page = reference / "report" / "index.html"
    assert f"report: {page} (3 plots)" in out.getvalue()
    text = page.read_text()
    assert "Does a festival on day 1 bind the village?" in text
    assert "change from tick 400 [95 % CI]" in text and "runs where it rose" in text
    for metric in SPEC["report"]["metrics"]:
        png = reference / "report" / f"{metric}.png"
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and f'src="{metric}.png"' in text


def _start(argv: list[str], log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(argv, stdout=log.open("wb"), stderr=subprocess.STDOUT,
                            start_new_session=True)


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def test_a_scheduler_and_workers_in_their_own_processes_give_the_same_table(
        reference: Path, tmp_path: Path) -> None:
    address_file = tmp_path / "scheduler.json"
    scheduler = _start([str(DASK), "scheduler", "--host", "127.0.0.1", "--port", "0",
                        "--no-dashboard", "--scheduler-file", str(address_file)],
                       tmp_path / "scheduler.log")
    workers = None
    try:
        deadline = time.monotonic() + 30
        while not address_file.exists() and time.monotonic() < deadline:
            time.sleep(0.1)
        address = json.loads(address_file.read_text())["address"]
        assert address.startswith("tcp://127.0.0.1:")
        workers = _start([str(DASK), "worker", address, "--nworkers", "2", "--nthreads", "1",
                          "--host", "127.0.0.1", "--no-dashboard", "--death-timeout", "30"],
                         tmp_path / "workers.log")
        with Client(address, timeout="30s") as client:
            client.wait_for_workers(2, timeout=30)
        path = tmp_path / "spec.json"
        path.write_text(json.dumps(SPEC))
        done = subprocess.run([sys.executable, "-m", "game", "sweep", str(path), "--out",
                               str(tmp_path / "remote"), "--scheduler", address],
                              capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        assert "12 runs (0 already written, 12 run now)" in done.stdout
    finally:
        for process in (workers, scheduler):
            if process is not None:
                _stop(process)
    assert (tmp_path / "remote" / table.TABLE).read_bytes() == \
        (reference / table.TABLE).read_bytes()


def test_an_unreachable_scheduler_is_one_line(
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
        tmp_path: Path) -> None:
    monkeypatch.setattr(sweep, "CONNECT_TIMEOUT", "1s")
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(SPEC))
    code = main(["sweep", str(path), "--out", str(tmp_path / "o"), "--scheduler",
                 "tcp://127.0.0.1:9"], out=io.StringIO())
    lines = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(lines) == 1
    assert "cannot reach the scheduler at tcp://127.0.0.1:9" in lines[0]


def test_a_sweep_on_a_terminal_shows_its_progress(reference: Path, tmp_path: Path) -> None:
    """On a terminal (a real pseudo-terminal as stderr) the sweep draws a bar that ends at
    100 %, and wipes it before its summary."""
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(SPEC))
    leader, follower = os.openpty()
    sweeping = subprocess.Popen([sys.executable, "-m", "game", "sweep", str(path), "--out",
                                 str(tmp_path / "o"), "--workers", "1"],
                                stdout=subprocess.PIPE, stderr=follower)
    os.close(follower)
    shown = b""
    try:
        while True:  # what the terminal was shown, until the sweep lets go of it
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the other end closed
                break
            if not chunk:
                break
            shown += chunk
        out, _ = sweeping.communicate(timeout=120)
    finally:
        os.close(leader)
        if sweeping.poll() is None:
            sweeping.kill()
    assert sweeping.returncode == 0
    assert b"12 runs (0 already written, 12 run now)" in out
    bars = [part for part in shown.split(b"\r") if part.startswith(b"[")]
    assert bars and bars[-1].endswith(b"100%"), shown[-300:]
