"""Opening a saved history without freezing the window (Ctrl+O): the file is re-simulated in
slices between frames (`store.Opening`), a progress bar says how far it is, the town is shown
as soon as the saved cursor's tick is reached and checked, and the rest of the history (every
branch to its head) is checked in the background while the town plays.

Until the town is shown the window keeps the town it had; a file that cannot be read, or a
hash that differs on the way to the cursor, leaves it there and says why. A hash that differs
past the cursor is said as an error once found (the town shown stays, as the file's own
history up to its cursor checked out). Never imports the app or the widgets.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path

import pygame

from game.trace import store
from game.trace.timeline import Timeline
from game.view.assets import Assets
from game.view.effects import Say
from game.view.hud import PAD, UI_SCALE, Texts
from game.view.palette import BRIGHT, GOOD, SHADE, TEXT
from game.view.when import when

log = logging.getLogger(__name__)

Reporter = Callable[[int, int], None]  # hears (ticks done, ticks in all)

SLICE_TICKS = 25  # ticks between two looks at the clock (a city's tick costs ~1.5 ms)
FRAME_SECONDS = 0.010  # of each frame's time spent opening, the rest drawing and playing


class ProgressBar:
    """A bar with its label ("opening hour.town · 40%"), across a third of the window: in the
    middle while nothing is shown yet, low over the map once the town is (clear of the toasts
    and above the card hand)."""

    HEIGHT = 8 * UI_SCALE
    ABOVE_BOTTOM = 120 * UI_SCALE

    def __init__(self, assets: Assets) -> None:
        self.texts = Texts(assets)
        self.rect = pygame.Rect(0, 0, 0, 0)

    def layout(self, screen: pygame.Rect, centred: bool) -> None:
        w = max(screen.w // 3, 120 * UI_SCALE)
        y = screen.centery if centred else screen.bottom - self.ABOVE_BOTTOM
        self.rect = pygame.Rect(screen.centerx - w // 2, y, w, self.HEIGHT)

    def draw(self, surface: pygame.Surface, done: float, label: str) -> None:
        text = self.texts.get(label, BRIGHT)
        box = self.rect.inflate(2 * PAD, 2 * PAD + text.get_height() + PAD)
        box.top = self.rect.top - PAD - text.get_height() - PAD
        pygame.draw.rect(surface, SHADE, box)
        pygame.draw.rect(surface, TEXT, self.rect, UI_SCALE)
        filled = self.rect.inflate(-2 * UI_SCALE, -2 * UI_SCALE)
        filled.w = round(filled.w * min(max(done, 0.0), 1.0))
        pygame.draw.rect(surface, GOOD, filled)
        surface.blit(text, text.get_rect(midbottom=(self.rect.centerx, self.rect.top - PAD)))


class Loading:
    """One history being opened (`Loading.file`, `Loading.town`); `run` once a frame until it
    answers True (finished). `failed` says why, once it could not be opened or checked."""

    def __init__(self, name: str, work: Callable[[], store.Opening], assets: Assets,
                 first: bool = False) -> None:
        self.name = name
        self.first = first  # opened at the window's start: see `standing_in`
        self.bar = ProgressBar(assets)
        self.shown = False
        self.work: store.Opening | None = None
        self.failed: str | None = None
        try:
            self.work = work()
        except store.SaveError as err:
            log.warning("%s", err)
            self.failed = str(err)

    @classmethod
    def file(cls, path: str, assets: Assets, at: int | None = None, first: bool = False
             ) -> Loading:
        """A .town file, shown at its saved cursor (or at tick `at` of its current branch)."""
        return cls(Path(path).name,
                   lambda: store.Opening(store.read(path), path, step=SLICE_TICKS, at=at),
                   assets, first)

    @classmethod
    def town(cls, scenario: str, seed: int, tick: int, assets: Assets) -> Loading:
        """A town run from its start to `tick`, at the window's start (nothing to check: no
        hashes were kept)."""
        name = f"{scenario} seed {seed}"
        return cls(name, lambda: store.Opening(store.fresh(scenario, seed), name,
                                               step=SLICE_TICKS, at=tick), assets, first=True)

    def run(self, show: Callable[[Timeline, Say], object], say: Callable[[Say], object],
            seconds: float | None) -> bool:
        """Open for about `seconds` (None: counted frames, each runs to the town being shown,
        or one slice once it is); `show` hears the timeline once its cursor is checked, `say`
        any problem and the end. True once there is nothing left to do."""
        if self.work is None:
            say(Say(self.failed or f"cannot open {self.name}", error=True))
            return True
        work, until = self.work, time.perf_counter() + (seconds or 0.0)
        try:
            while True:
                finished = work.advance()
                if work.ready and not self.shown:
                    self.shown = True
                    show(work.timeline, Say(f"opened {self.name} · {work.timeline.current} "
                                            f"at {when(work.timeline.cursor)}"))
                if finished:
                    if work.total > work.cursor:  # a rest was there to check
                        say(Say(f"{self.name}: every branch checked"))
                    return True
                if (self.shown or seconds is not None) and time.perf_counter() >= until:
                    return False
        except store.SaveError as err:
            log.warning("%s", err)
            self.failed = str(err)
            say(Say(self.failed, error=True))
            return True

    def finish(self, show: Callable[[Timeline, Say], object], say: Callable[[Say], object],
               progress: Reporter | None = None) -> str | None:
        """Run to the end at once (a counted run, before its frames), telling `progress` after
        each slice; why it failed, if it did."""
        while not self.run(show, say, None):
            if progress is not None and self.work is not None:
                progress(self.work.done, self.work.total)
        return self.failed

    def draw(self, surface: pygame.Surface) -> None:
        work = self.work
        if work is None:
            return
        self.bar.layout(surface.get_rect(), centred=not self.shown)
        what = "checking the rest of" if self.shown else "opening"
        done = work.done / work.total if work.total else 1.0
        self.bar.draw(surface, done, f"{what} {self.name} · {done:.0%}")


def standing_in(loading: Loading | None) -> bool:
    """Whether the town shown only stands in for the one `loading` opens at the window's start
    (--load, --continue, --start-tick): until that one is shown, the town standing in stays
    still and is never autosaved (it is not the person's); if the opening fails, it plays."""
    return loading is not None and loading.first and not loading.shown


def first_opening(scenario: str, seed: int, start_tick: int, load: str | None,
                  assets: Assets) -> Loading | None:
    """What a window opens behind the town it shows at once (`App.loading`): the file asked
    for, at its saved cursor or at `start_tick` of its current branch (a sweep's row); else the
    town run to `start_tick`. None for a town at its start: there is nothing to wait for."""
    if load is not None:
        return Loading.file(load, assets, at=start_tick or None, first=True)
    return Loading.town(scenario, seed, start_tick, assets) if start_tick else None
