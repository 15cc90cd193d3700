"""A full disk, on a real small filesystem (a tmpfs mounted for each test, so as root: CI runs
as root and runs these; elsewhere they need root): nothing reports success it did not have,
no empty or partial file is left, each failure is one clear line or a notice in the window,
and logging prints no tracebacks of its own."""

from __future__ import annotations

import contextlib
import errno
import io
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pygame
import pytest

from game.cli import main
from game.trace.timeline import Timeline
from game.userfiles import paths
from game.view.app import App
from game.view.assets import Assets
from tests.window import key

ROOT = Path(__file__).resolve().parent.parent

if os.geteuid() != 0 and not os.environ.get("CI"):  # in CI (as root) these always run
    pytest.skip("mounting a small filesystem needs root", allow_module_level=True)


@contextlib.contextmanager
def small_disk(where: Path, size: str = "2m") -> Iterator[Path]:
    """A tmpfs of `size` at `where`, unmounted afterwards."""
    where.mkdir(parents=True)
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
                   check=True)
    try:
        yield where
    finally:
        subprocess.run(["umount", str(where)], check=True)


def fill(disk: Path, room: int = 0) -> None:
    """Take all the space left on `disk`, then give `room` bytes back."""
    filler = disk / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
    try:
        while True:
            os.write(fd, b"\0" * 65536)
    except OSError as err:
        assert err.errno == errno.ENOSPC
    finally:
        os.close(fd)
    os.truncate(filler, max(filler.stat().st_size - room, 0))


def files_on(disk: Path) -> list[str]:
    return sorted(str(p.relative_to(disk)) for p in disk.rglob("*")
                  if p.is_file() and p.name != "filler")


def agent_town(*argv: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "AGENT_TOWN_HOME": str(home),
           "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"}
    return subprocess.run([sys.executable, "-m", "game", *argv], capture_output=True,
                          text=True, env=env, timeout=300)


@pytest.fixture(scope="module")
def saved(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("saves") / "short.town"
    assert main(["run", "--ticks", "120", "--out", str(path)], out=io.StringIO()) == 0
    return path


def test_a_headless_screenshot_on_a_full_disk_fails_in_one_line_leaving_no_file(
        tmp_path: Path) -> None:
    with small_disk(tmp_path / "disk") as disk:
        fill(disk)
        done = agent_town("--frames", "3", "--screenshot", str(disk / "shot.png"),
                          home=tmp_path / "home")
        left = files_on(disk)
    assert done.returncode == 2  # before: status 0 and an empty shot.png
    assert done.stderr == f"agent-town: cannot write {disk / 'shot.png'}: No space left on device\n"
    assert left == []


def test_f12_on_a_full_disk_says_so_in_the_window_and_leaves_no_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, assets: Assets) -> None:
    with small_disk(tmp_path / "disk") as disk:
        monkeypatch.setenv("AGENT_TOWN_HOME", str(disk))
        paths.screenshots_dir().mkdir(parents=True)
        fill(disk)
        app = App(Timeline("town", 7), speed=1, reproducible=True, assets=assets)
        key(app, pygame.K_F12)
        key(app, pygame.K_F12)  # the frame is drawn, then saved
        shown = app.widgets.toasts.texts_shown()
        left = files_on(disk)
    assert left == []
    assert shown and shown[-1].startswith("cannot save town-seed7-")
    assert shown[-1].endswith(".png: No space left on device")
    assert not any(t.startswith("screenshot saved") for t in shown)


def test_a_failed_autosave_on_a_full_disk_is_a_notice_in_the_window(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, assets: Assets) -> None:
    with small_disk(tmp_path / "disk") as disk:
        monkeypatch.setenv("AGENT_TOWN_HOME", str(disk))
        paths.saves_dir().mkdir(parents=True)
        fill(disk)
        app = App(Timeline("town", 7), speed=1, reproducible=True, assets=assets,
                  autosave_seconds=0.05)
        for _ in range(6):
            app.frame(1 / 60)
        shown = app.widgets.toasts.texts_shown()
        left = files_on(disk)
    assert any(t.startswith("autosave failed: No space left on device") for t in shown)
    assert left == []  # no partial autosave, no temp file


@pytest.mark.slow
@pytest.mark.parametrize("room", [0, 300_000], ids=["full", "fills-mid-way"])
def test_a_gif_render_that_meets_a_full_disk_leaves_no_partial_file(
        tmp_path: Path, saved: Path, room: int) -> None:
    with small_disk(tmp_path / "disk") as disk:
        fill(disk, room)
        out = disk / "clip.gif"
        done = agent_town("render", str(saved), "--to", "120", "--speed", "4", "--out",
                          str(out), home=tmp_path / "home")
        left = files_on(disk)
    assert done.returncode == 2
    assert done.stderr == f"agent-town: cannot write {out}: No space left on device\n"
    assert left == []  # before: a 0-byte .clip.partial.gif


@pytest.mark.slow
@pytest.mark.parametrize("room", [0, 100_000], ids=["full", "fills-mid-way"])
def test_an_mp4_render_that_meets_a_full_disk_is_one_line(
        tmp_path: Path, saved: Path, room: int) -> None:
    with small_disk(tmp_path / "disk") as disk:
        fill(disk, room)
        out = disk / "clip.mp4"
        done = agent_town("render", str(saved), "--to", "120", "--speed", "4", "--out",
                          str(out), home=tmp_path / "home")
        left = files_on(disk)
    assert done.returncode == 2
    # before: a dozen lines of ffmpeg's messages, its command line and "Broken pipe"
    assert done.stderr == f"agent-town: cannot write {out}: No space left on device\n"
    assert left == []


LOGGING = """
import logging
from game.userfiles import logs
logs.setup()
for n in range(200):
    logging.getLogger("game.test").warning("record %d %s", n, "x" * 100)
print("still running")
"""


def test_a_full_log_disk_is_said_once_without_tracebacks(tmp_path: Path) -> None:
    with small_disk(tmp_path / "disk") as disk:
        paths_env = {**os.environ, "PYTHONPATH": str(ROOT), "AGENT_TOWN_HOME": str(disk)}
        (disk / "logs").mkdir()
        (disk / "logs" / "agent-town.log").write_text("earlier lines\n")
        fill(disk)
        done = subprocess.run([sys.executable, "-c", LOGGING], capture_output=True, text=True,
                              env=paths_env, timeout=60)
        kept = (disk / "logs" / "agent-town.log").read_text()
    assert done.returncode == 0 and done.stdout == "still running\n"
    # before: a "--- Logging error ---" traceback for every record
    assert done.stderr == (f"agent-town: cannot write the log {disk / 'logs' / 'agent-town.log'}"
                           ": No space left on device; logging stops\n")
    assert kept.startswith("earlier lines\n")
