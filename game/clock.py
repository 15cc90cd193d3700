"""Time of the screen: a fixed-timestep accumulator and a per-frame time budget for ticks.

`TickClock` is fed each frame's real delta and the speed; it answers how many whole ticks are due
and the interpolation fraction left over. `TickBudget` stops a burst of ticks when a frame has
spent its time, so the window stays responsive at "max" or on a slow machine. Pure: never imports
pygame or the simulation.
"""

from __future__ import annotations

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


class TickClock:
    """Accumulates real time into whole ticks at a speed multiplier (0 = pause, -1 = max)."""

    def __init__(self, ticks_per_second: int = config.TICKS_PER_SECOND) -> None:
        self.ticks_per_second = ticks_per_second
        self._owed = 0.0  # ticks accumulated but not yet run, in [0, 1) after `due`

    def due(self, dt: float, speed: int) -> int:
        """Whole ticks to run this frame for a real delta `dt` (seconds) at `speed`."""
        if speed == 0:
            return 0
        if speed == MAX_SPEED:
            self._owed = 0.0
            return MAX_BURST
        self._owed += min(max(dt, 0.0), MAX_FRAME_DT) * self.ticks_per_second * speed
        whole = int(self._owed + _EPSILON)
        self._owed = max(self._owed - whole, 0.0)
        return whole

    def fell_behind(self) -> None:
        """The frame ran fewer ticks than due: drop the backlog instead of owing it forever."""
        self._owed = 0.0

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
