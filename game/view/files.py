"""The window's file work: saving the history (Ctrl+S, autosave), screenshots (F12), opening a
.town file (Ctrl+O, --load, the reopen prompt after a crash) and the town a window starts on.

Each answers with what to tell the person (a `Say`) rather than raising: a file that fails
leaves the current town, says why, and the traceback goes to the log. Never imports the app or
the widgets.
"""

from __future__ import annotations

import logging
import re
import time
from pathlib import Path

import pygame

from game.trace import store
from game.trace.timeline import Timeline
from game.userfiles import paths
from game.view.effects import Say

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


def screenshot(surface: pygame.Surface, timeline: Timeline) -> Say:
    """F12: the frame as a PNG in the screenshots folder, named by town and time."""
    path = free_path(paths.screenshots_dir(), f"{timeline.scenario}-seed{timeline.seed}",
                     ".png")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        pygame.image.save(surface, str(path))
    except (OSError, pygame.error) as err:
        log.exception("screenshot %s failed", path)
        return Say(f"cannot save {path.name}: {err}", error=True)
    return Say(f"screenshot saved: {path.name}")


def autosave(timeline: Timeline) -> None:
    """Write the history to the autosave file (atomically); errors go to the log."""
    try:
        store.save(timeline, paths.autosave_path(), title="autosave")
    except OSError:
        log.exception("autosave failed")


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
    return timeline, Say(f"opened {Path(path).name} · {timeline.current} at tick "
                         f"{timeline.cursor}")


def first_town(scenario: str, seed: int, start_tick: int, load: str | None
               ) -> tuple[Timeline, Say | None]:
    """The town a window opens on, and what to say if a file to load could not be used."""
    problem = None
    if load is not None:
        timeline, said = open_town(load)
        if timeline is not None:
            return timeline, None
        problem = said
    timeline = Timeline(scenario, seed)
    timeline.advance(start_tick)
    return timeline, problem
