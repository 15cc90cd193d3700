"""Time of the screen: a fixed-timestep accumulator and a per-frame time budget for ticks.

`TickClock` is fed each frame's real delta and the speed; it answers how many whole ticks are due
and the interpolation fraction left over. `TickBudget` stops a burst of ticks when a frame has
spent its time, so the window stays responsive at "max" or on a slow machine. Pure: never imports
pygame or the simulation.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable

from game import config

MAX_SPEED = -1
# A frame's delta is clamped to this (a debugger pause or a dragged window must not owe minutes).
MAX_FRAME_DT = 0.25
# Ticks a frame may run at "max" speed before the time budget is consulted.
MAX_BURST = 400
# Real time a frame may spend running ticks (a 60 fps frame is 16.7 ms; drawing needs the rest).
TICK_BUDGET_SECONDS = 0.010
_EPSILON = 1e-9  # float deltas like 1/60 must still add up to whole ticks
# The cyclic garbage collector, looking at young objects every 700 allocations, found nothing
# to free in a frame loop (a frame makes no reference cycles) yet stopped a city's frames for
# 16 ms every ten frames to look through the whole heap, longer as the history grew.
YOUNG_OBJECTS = 50_000
QUIET_SECONDS = 1.0  # paused this long: what the turns froze is looked through once
LOOK_EVERY_SECONDS = 60.0  # and this often while time runs, where a server makes cycles


def for_batch() -> None:
    """The collector set for a command that runs to its end (`seek`, `verify`, `run` …): the
    young objects looked at every `YOUNG_OBJECTS` allocations (a tick leaves nothing cyclic
    behind, and a look every 700 took a tenth of a seek's time), and what stands already (the
    modules) frozen, never looked through again."""
    gc.set_threshold(YOUNG_OBJECTS, *gc.get_threshold()[1:])
    gc.freeze()


class Collector:
    """The cyclic garbage collector kept out of a loop that keeps time (the window's frames, a
    headless owner's turns): what each turn leaves behind is frozen (never looked at again
    turn after turn) and the young objects are looked at only every `YOUNG_OBJECTS`
    allocations. Everything frozen is looked through for cycles once the town has stood
    paused for `QUIET_SECONDS` (a window's, untouched as well: `App.still`), a hitch nobody
    sees (a city's is a quarter of a second), and, where the turns make cycles (the
    web stack of a served town does; a window's frames make none), at least every
    `LOOK_EVERY_SECONDS` while it runs: a look walks every object the history and the view
    keep, and stopped a `city:2500`'s window at 16× for 450 ms once a minute."""

    def __init__(self, now: float) -> None:
        gc.set_threshold(YOUNG_OBJECTS, *gc.get_threshold()[1:])
        self._looked = now  # when everything was last looked through
        self._quiet_since: float | None = None

    def after_turn(self, paused: bool, now: float, cycles: bool = True) -> None:
        """After a turn: freeze what it left, or look through everything (see the class);
        `cycles`: the turns make reference cycles, to be freed while time runs too."""
        if not paused:
            self._quiet_since = None
        elif self._quiet_since is None:
            self._quiet_since = now
        since = self._quiet_since
        quiet = since is not None and now - since >= QUIET_SECONDS and self._looked < since
        if quiet or (cycles and now - self._looked >= LOOK_EVERY_SECONDS):
            gc.unfreeze()
            gc.collect()
            self._looked = now
        gc.freeze()


class TickClock:
    """Accumulates real time into whole ticks at a speed multiplier (0 = pause, -1 = max)."""

    def __init__(self, ticks_per_second: int = config.TICKS_PER_SECOND) -> None:
        self.ticks_per_second = ticks_per_second
        self._owed = 0.0  # ticks accumulated but not yet run, in [0, 1) after `due`
        self._held = 0  # whole ticks frames left to the next ones (see `hold`)

    def due(self, dt: float, speed: int) -> int:
        """Whole ticks to run this frame for a real delta `dt` (seconds) at `speed`."""
        if speed == 0:
            self._held = 0
            return 0
        if speed == MAX_SPEED:
            self._owed, self._held = 0.0, 0
            return MAX_BURST
        self._owed += min(max(dt, 0.0), MAX_FRAME_DT) * self.ticks_per_second * speed
        whole = int(self._owed + _EPSILON)
        self._owed = max(self._owed - whole, 0.0)
        late = min(self._held, 1)
        self._held -= late
        return whole + late

    def hold(self, ticks: int) -> None:
        """The frame stopped short on purpose: its other `ticks` due run in the next frames,
        one more in each (a frame that opens with a phase end runs about its own share)."""
        self._held += ticks

    def fell_behind(self) -> None:
        """The frame ran fewer ticks than due: drop the backlog instead of owing it forever."""
        self._owed = 0.0
        self._held = 0

    @property
    def alpha(self) -> float:
        """Fraction of the next tick already elapsed, for interpolated drawing."""
        return min(self._owed, 1.0)


class TickBudget:
    """A deadline for one frame's ticks; `now` is injectable so tests need no real time."""

    def __init__(self, seconds: float = TICK_BUDGET_SECONDS,
                 now: Callable[[], float] = time.perf_counter) -> None:
        self.seconds = seconds
        self._now = now
        self._deadline = 0.0

    def start(self) -> None:
        self._deadline = self._now() + self.seconds

    def left(self) -> bool:
        return self._now() < self._deadline
