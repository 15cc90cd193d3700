"""The auto director for presentation mode: which recent event the camera should follow.

It picks the most dramatic event of the last few seconds, with hysteresis so the view does not
jitter: the camera holds a subject for a while, then moves on to a newer event at least as
dramatic (the next step of a chain of gossip, say) or, once the subject is stale, to the most
dramatic event left. Only a newer event CUT_RATIO times as dramatic, or a card just played,
cuts a hold short.

Drama is weighed for the story: what a card set going (its own events, a rumor passed on) counts
double, the town's turning points (coalitions) triple, and a crowd more than a pair. Pure logic:
reads events, never imports pygame, never changes the town.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from itertools import dropwhile
from operator import itemgetter

from game.sim.events import Event

STORY_BOOST = 2.0
TURNING_POINT_BOOST = 3.0
TURNING_POINTS = frozenset({"coalition_formed", "coalition_dissolved"})
CUT_RATIO = 2.0
MAX_CROWD = 4.0  # a crowd of eight counts four times a pair; a bigger one no more
# The director looks back this many seconds of the screen (so more ticks at higher speeds) and
# keeps a subject at least this long before a newer one, at least as dramatic, takes over.
WINDOW_SECONDS = 6.0
HOLD_SECONDS = 2.5


def weight(event: Event) -> float:
    """How much the director wants to show an event."""
    if event.op in TURNING_POINTS:
        boost = TURNING_POINT_BOOST
    elif event.card is not None or "rumor" in event.metadata:
        boost = STORY_BOOST
    else:
        boost = 1.0
    crowd = min(max(len(event.participants) / 2, 1.0), MAX_CROWD)
    return event.drama * boost * crowd


class Director:
    def __init__(self, window_ticks: int = 120, hold_ticks: int = 80) -> None:
        self.window = window_ticks
        self.hold = hold_ticks
        self.focus: Event | None = None
        self._since = 0
        # Recent dramatic events with their rank, weighed once as they come: a city at 16×
        # keeps thousands in the window, and the director looks at them every frame.
        self._recent: deque[tuple[Rank, Event]] = deque()

    def keep_pace(self, ticks_per_second: float) -> None:
        """Look back and hold in seconds of the screen at this many ticks a second."""
        self.window = round(WINDOW_SECONDS * ticks_per_second)
        self.hold = round(HOLD_SECONDS * ticks_per_second)

    def reset(self) -> None:
        """Forget everything (after a scrub or a branch switch)."""
        self.focus = None
        self._recent.clear()

    def observe(self, events: Iterable[Event]) -> None:
        for e in events:
            if e.success and e.drama > 0 and e.participants:
                self._recent.append((_rank(e), e))

    def update(self, tick: int) -> Event | None:
        """The event to follow at `tick` (None when nothing dramatic happened lately)."""
        if self.focus is not None and tick < self.focus.tick:
            self.reset()
        while self._recent and self._recent[0][1].tick < tick - self.window:
            self._recent.popleft()
        focus = self.focus
        if focus is None or tick - focus.tick > self.window:  # nothing followed, or stale
            self.focus = _best(self._recent)
            self._since = tick
            return self.focus
        newer = list(dropwhile(lambda r: r[1] is not focus, self._recent))[1:]  # after it
        card = next((e for _, e in reversed(newer) if e.perturbation), None)
        best = card or _best(newer)
        if best is not None:
            ratio = weight(best) / weight(focus)
            if best is card or ratio >= CUT_RATIO or (
                    tick - self._since >= self.hold and ratio >= 1.0):
                self.focus, self._since = best, tick
        return self.focus


Rank = tuple[float, int]


def _rank(event: Event) -> Rank:
    return weight(event), event.tick


def _best(ranked: Iterable[tuple[Rank, Event]]) -> Event | None:
    """The most dramatic event (the newest of equals; the first of equal ticks)."""
    top = max(ranked, key=itemgetter(0), default=None)
    return None if top is None else top[1]
