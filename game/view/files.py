"""The window's file work: saving the history (Ctrl+S, autosave), screenshots (F12 and
--screenshot, written whole or not at all), opening a .town file at once (the reopen prompt
after a crash; Ctrl+O and --load open in slices: `game.view.opening`); what a save holds at a
glance (`SaveSummary`: read from the file, nothing re-simulated) for the open dialog and the
offer to continue the last session.

Autosaves rotate (`autosave-1.town` newest … `autosave-5.town`), so no autosave ever replaces
the only copy of a history; one that cannot be read is renamed aside at start, not overwritten.

Each answers with what to tell the person (a `Say`) rather than raising: a file that fails
leaves the current town, says why, and the traceback goes to the log. Never imports the app or
the widgets.
"""

from __future__ import annotations

import io
import logging
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path

import pygame

from game import config
from game.trace import store
from game.trace.timeline import Timeline
from game.userfiles import paths
from game.userfiles.storage import atomic_write_bytes, set_aside
from game.view.effects import Say
from game.view.when import when

log = logging.getLogger(__name__)

AUTOSAVE_SECONDS = 180.0



def free_path(folder: Path, name: str, suffix: str) -> Path:
    """A new file in `folder` named by `name` and the time (never an existing one)."""
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", name)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    path = folder / f"{stem}-{stamp}{suffix}"
    n = 2
    while path.exists():
        path = folder / f"{stem}-{stamp}-{n}{suffix}"
        n += 1
    return path


def save(timeline: Timeline) -> Say:
    """Ctrl+S: the whole history into the saves folder, named by town and time."""
    path = free_path(paths.saves_dir(), f"{timeline.scenario}-seed{timeline.seed}", ".town")
    try:
        store.save(timeline, path, title=f"{timeline.scenario} seed {timeline.seed}")
    except OSError as err:
        log.exception("saving %s failed", path)
        return Say(f"cannot save {path.name}: {err.strerror}", error=True)
    return Say(f"saved {path.name}")


def write_png(surface: pygame.Surface, path: str | Path) -> None:
    """The surface as a PNG at `path`, written whole or not at all (never an empty file on a
    full disk: SDL's own writer ignores a failed write). An OSError names the file."""
    encoded = io.BytesIO()
    pygame.image.save(surface, encoded, "png")
    try:
        atomic_write_bytes(path, encoded.getvalue())
    except OSError as err:
        raise OSError(err.errno, err.strerror or str(err), str(path)) from err


def screenshot(surface: pygame.Surface, timeline: Timeline) -> Say:
    """F12: the frame as a PNG in the screenshots folder, named by town and time."""
    path = free_path(paths.screenshots_dir(), f"{timeline.scenario}-seed{timeline.seed}",
                     ".png")
    try:
        write_png(surface, path)
    except (OSError, pygame.error) as err:
        log.exception("screenshot %s failed", path)
        reason = err.strerror if isinstance(err, OSError) else str(err)
        return Say(f"cannot save {path.name}: {reason}", error=True)
    return Say(f"screenshot saved: {path.name}")


def autosave(timeline: Timeline) -> Say | None:
    """Write the history as the newest autosave, the older ones moving down the ring (unless it
    is the newest one already). None when it worked, else what to tell the person."""
    newest = paths.autosave_path(1)
    try:
        record = store.to_save(timeline, title="autosave")
        if _same_as(newest, record):
            return None
        rotate_autosaves()
        store.write(record, newest)
    except OSError as err:
        log.exception("autosave failed")
        return Say(f"autosave failed: {err.strerror or err} ({newest.parent})", error=True)
    return None


def _same_as(path: Path, record: store.SaveFile) -> bool:
    try:
        return store.read(path) == record
    except store.SaveError:
        return False


def rotate_autosaves() -> None:
    """autosave-4 becomes autosave-5 (the oldest goes), …, autosave-1 becomes autosave-2."""
    for n in range(paths.AUTOSAVES_KEPT - 1, 0, -1):
        newer = paths.autosave_path(n)
        if newer.exists() or newer.is_symlink():
            os.replace(newer, paths.autosave_path(n + 1))


def keep_broken_autosaves() -> list[Say]:
    """At start: an autosave that cannot be read is renamed aside (`.broken-<time>`) rather
    than rotated away; what to tell the person about each."""
    said = []
    for n in range(1, paths.AUTOSAVES_KEPT + 1):
        path = paths.autosave_path(n)
        if not path.exists():
            continue
        try:
            store.read(path)
        except store.SaveError as err:
            log.warning("%s", err)
            said.append(_aside(path))
    return said


def _aside(path: Path) -> Say:
    try:
        aside = set_aside(path)
    except OSError as err:
        log.warning("could not rename %s aside: %s", path, err)
        return Say(f"{path.name} is unreadable", error=True)
    log.warning("kept the unreadable %s as %s", path, aside)
    return Say(f"{path.name} was unreadable: kept as {aside.name}", error=True)


class AutosaveClock:
    """When the next autosave is due, in app time (never, for counted runs)."""

    def __init__(self, seconds: float | None, now: float = 0.0) -> None:
        self.seconds = seconds
        self._due = now + seconds if seconds else None

    def due(self, now: float) -> bool:
        """True once per period: the caller saves, the next one is a period away."""
        if self._due is None or now < self._due or not self.seconds:
            return False
        self._due = now + self.seconds
        return True


def open_town(path: str) -> tuple[Timeline | None, Say]:
    """Open a .town file: its timeline and what to say, or None and why it failed."""
    try:
        timeline, _, _ = store.load(path)
    except store.SaveError as err:
        log.warning("%s", err)
        return None, Say(str(err), error=True)
    return timeline, Say(f"opened {Path(path).name} · {timeline.current} at "
                         f"{when(timeline.cursor)}")


def open_at_start(path: str) -> tuple[Timeline | None, Say]:
    """Open a .town file at its start without re-simulating anything: main branch, tick 0; its
    cards play again as the town runs. The safe way into a history that stopped on an error."""
    try:
        timeline = store.build(store.read(path), path)
    except store.SaveError as err:
        log.warning("%s", err)
        return None, Say(str(err), error=True)
    return timeline, Say(f"opened {Path(path).name} at its start, paused")


@dataclass(frozen=True)
class SaveSummary:
    """A .town file at a glance: when it was written, its town, how far its history reaches
    (the last day any branch reaches), its branches and its cards."""

    path: Path
    modified: float  # seconds since the epoch
    scenario: str
    seed: int
    day: int
    branches: int
    cards: int

    @property
    def date(self) -> str:
        return local_date(self.modified)

    @property
    def contents(self) -> str:
        """"2 branches · 4 cards"."""
        return (f"{_count(self.branches, 'branch', 'branches')} · "
                f"{_count(self.cards, 'card', 'cards')}")

    @property
    def told(self) -> str:
        """"town seed 7 · day 3 · 2 branches · 4 cards"."""
        return f"{self.scenario} seed {self.seed} · day {self.day} · {self.contents}"


def local_date(seconds: float) -> str:
    """A file's time as a person reads it: "2026-11-30 16:24", local time."""
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(seconds))


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def summarize(path: Path) -> SaveSummary:
    """What the save at `path` holds, from the file alone (parsed and checked, nothing
    simulated). Raises store.SaveError (naming the file) when it cannot be read."""
    try:
        modified = path.stat().st_mtime
    except OSError as err:
        raise store.SaveError(f"cannot open {path}: {err.strerror or err}") from None
    record = store.read(path)
    reached = max(b.head for b in record.branches) if record.branches else 0
    return SaveSummary(path, modified, record.scenario, record.seed,
                       reached // config.DAY_TICKS + 1, len(record.branches),
                       sum(len(b.perturbations) for b in record.branches))


def last_session() -> SaveSummary | None:
    """The autosave the last session left, if there is one to continue."""
    path = paths.autosave_path(1)
    if not path.is_file():
        return None
    try:
        return summarize(path)
    except store.SaveError as err:
        log.warning("%s", err)
        return None

