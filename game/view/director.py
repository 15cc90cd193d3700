"""The auto director for presentation mode: which recent event the camera should follow.

It picks the most dramatic event of the last few seconds, with hysteresis (a new event must be
clearly more dramatic, and the camera holds a subject for a while) so the view does not jitter.
Pure logic: reads events, never imports pygame, never changes the town.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable

from game.sim.events import Event


class Director:
    def __init__(self, window_ticks: int = 120, hold_ticks: int = 80,
                 switch_ratio: float = 1.5) -> None:
        self.window = window_ticks
        self.hold = hold_ticks
        self.ratio = switch_ratio
        self.focus: Event | None = None
        self._since = 0
        self._recent: deque[Event] = deque()

    def reset(self) -> None:
        """Forget everything (after a scrub or a branch switch)."""
        self.focus = None
        self._recent.clear()

    def observe(self, events: Iterable[Event]) -> None:
        for e in events:
            if e.success and e.drama > 0 and e.participants:
                self._recent.append(e)

    def update(self, tick: int) -> Event | None:
        """The event to follow at `tick` (None when nothing dramatic happened lately)."""
        if self.focus is not None and tick < self.focus.tick:
            self.reset()
        while self._recent and self._recent[0].tick < tick - self.window:
            self._recent.popleft()
        best = max(self._recent, key=lambda e: (e.drama, e.tick), default=None)
        stale = self.focus is None or tick - self.focus.tick > self.window
        if best is not None and best is not self.focus and (
                stale or (self.focus is not None and best.drama > self.focus.drama * self.ratio
                          and tick - self._since >= self.hold)):
            self.focus = best
            self._since = tick
        elif stale:
            self.focus = None
        return self.focus
