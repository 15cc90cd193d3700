"""The stretch of time the timeline bar shows, and what it says along it: `TimeWindow` (the
ticks from `lo` over `width`, zoomed around a point that stays put, panned, kept inside the
history), `ruler` (day labels, and the clock when zoomed in far enough) and `clusters` (story
markers too close to tell apart, counted as one).
Pure: never imports pygame, the timeline or the flux.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from game import config
from game.projections.town import clock_text

ZOOM_STEP = 1.5  # one notch of the wheel shows this many times fewer (or more) ticks
MIN_WIDTH = 3 * config.TICKS_PER_SECOND  # zoomed all the way in: three seconds at 1×
MINUTES_A_DAY = 24 * 60
# Steps between clock labels, in the town's minutes; a day is labelled by its number.
CLOCK_STEPS = (1, 5, 10, 15, 30, 60, 120, 360)


@dataclass(frozen=True)
class TimeWindow:
    """Ticks `lo` to `lo + width` across a track (floats: zooming keeps a point exactly)."""

    lo: float
    width: float

    @classmethod
    def whole(cls, span: int) -> TimeWindow:
        return cls(0.0, float(max(span, 1)))

    def x(self, tick: float, px: int) -> float:
        """Where `tick` falls along a track `px` wide (outside [0, px) when out of sight)."""
        return (tick - self.lo) * px / self.width

    def tick(self, x: float, px: int) -> float:
        """The tick at `x` along a track `px` wide."""
        return self.lo + x * self.width / max(px, 1)

    def zoomed(self, steps: int, at: float, span: int) -> TimeWindow:
        """`steps` notches in (positive) or out around `at`, a fraction of the track's width:
        the tick there stays there, unless the window meets an end of the history."""
        width = self.width / ZOOM_STEP ** steps
        width = max(float(MIN_WIDTH), min(float(max(span, 1)), width))
        pivot = self.lo + at * self.width
        return TimeWindow(pivot - at * width, width).inside(span)

    def panned(self, ticks: float, span: int) -> TimeWindow:
        return TimeWindow(self.lo + ticks, self.width).inside(span)

    def inside(self, span: int) -> TimeWindow:
        """Moved (never resized, unless wider than the history) to lie within [0, span]."""
        width = min(self.width, float(max(span, 1)))
        return TimeWindow(max(0.0, min(self.lo, span - width)), width)

    def is_whole(self, span: int) -> bool:
        return self.lo <= 0 and self.width >= span


def ruler(window: TimeWindow, px: int, gap: int) -> list[tuple[int, str]]:
    """The labels along the track, at least `gap` px apart where it can: "day N" at each day's
    start (every few days when they crowd), and the clock ("14:30") at the finest whole step
    of `CLOCK_STEPS` that leaves room, once a day is wide enough. Zoomed inside one day, its
    label stands at the left end."""
    ticks_per_px = window.width / max(px, 1)
    per_day = config.DAY_TICKS / ticks_per_px  # px a day takes
    lo, hi = window.lo, window.lo + window.width
    labels: list[tuple[int, str]] = []
    every = max(1, math.ceil(gap / per_day))
    for day in range(int(lo // config.DAY_TICKS), int(hi // config.DAY_TICKS) + 1):
        tick = day * config.DAY_TICKS
        if lo <= tick <= hi and day % every == 0:
            labels.append((tick, f"day {day + 1}"))
    pinned = None  # no day starts in sight: the day's label at the left end
    if not labels:
        pinned = math.ceil(lo)
        labels.append((pinned, f"day {pinned // config.DAY_TICKS + 1}"))
    step = next((s for s in CLOCK_STEPS if per_day * s / MINUTES_A_DAY >= gap), None)
    if step is None:
        return labels
    first = math.ceil(lo * MINUTES_A_DAY / config.DAY_TICKS / step)
    last = math.floor(hi * MINUTES_A_DAY / config.DAY_TICKS / step)
    for k in range(first, last + 1):
        minute = k * step
        if minute % MINUTES_A_DAY == 0:
            continue  # the day's label says it
        # The first tick of that minute: `clock_text` reads it as the whole minute.
        tick = -(-minute * config.DAY_TICKS // MINUTES_A_DAY)
        if pinned is None or (tick - pinned) / ticks_per_px >= gap:
            labels.append((tick, clock_text(tick)))
    return sorted(labels)


def clusters(xs: npt.NDArray[np.int64], gap: int) -> list[range]:
    """Runs of `xs` (ascending) each starting within `gap` (> 0) of its run's first: one marker
    each. Each run's end is found by bisection: a city's history holds thousands of markers,
    and the track shows a few dozen runs."""
    runs: list[range] = []
    start = 0
    while start < xs.size:
        stop = int(xs.searchsorted(xs[start] + gap))
        runs.append(range(start, stop))
        start = stop
    return runs
