"""The auto director for presentation mode: which recent event the camera should follow.

It picks the most dramatic event of the last few seconds, with hysteresis so the view does not
jitter: the camera holds a subject for a while, then moves on to a newer event at least as
dramatic (the next step of a chain of gossip, say) or, once the subject is stale, to the most
dramatic event left. Only a newer event CUT_RATIO times as dramatic, or a card just played,
cuts a hold short.

Drama is weighed for the story: what a card set going (its own events, a rumor passed on) counts
double, the town's turning points (coalitions) triple, and a crowd more than a pair. Pure logic:
reads the flux's records (the event it follows built from its record once, when it follows it:
a city at 16× hears a hundred a frame), never imports pygame, never changes the town.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Sequence

from game.sim.events import Event, Record

STORY_BOOST = 2.0
TURNING_POINT_BOOST = 3.0
TURNING_POINTS = frozenset({"coalition_formed", "coalition_dissolved"})
CUT_RATIO = 2.0
MAX_CROWD = 4.0  # a crowd of eight counts four times a pair; a bigger one no more
# The director looks back this many seconds of the screen (so more ticks at higher speeds) and
# keeps a subject at least this long before a newer one, at least as dramatic, takes over.
WINDOW_SECONDS = 6.0
HOLD_SECONDS = 2.5


def weight(record: Record) -> float:
    """How much the director wants to show an event."""
    if record.op in TURNING_POINTS:
        boost = TURNING_POINT_BOOST
    elif record.card is not None or "rumor" in record.metadata:
        boost = STORY_BOOST
    else:
        boost = 1.0
    crowd = min(max(len(record.who) / 2, 1.0), MAX_CROWD)
    return record.drama * boost * crowd


class Director:
    def __init__(self, window_ticks: int = 120, hold_ticks: int = 80) -> None:
        self.window = window_ticks
        self.hold = hold_ticks
        self.focus: Event | None = None
        self._focused: Record | None = None  # the focus's record
        self._ids: Sequence[str] = ()  # the town's citizens' ids, by index
        self._since = 0
        # Of the dramatic events in the window, weighed once as they come, only those no later
        # one outranks: the best after any point is the first of them past it. A city at 16×
        # sees thousands in the window; holding them all cost the window long garbage
        # collections. Each with its place in the order the events came.
        self._leaders: deque[tuple[Rank, int, Record]] = deque()
        self._cards: deque[tuple[int, Record]] = deque()  # the window's cards' events
        self._count = 0  # events observed
        self._at = -1  # the focus's place

    def keep_pace(self, ticks_per_second: float) -> None:
        """Look back and hold in seconds of the screen at this many ticks a second."""
        self.window = round(WINDOW_SECONDS * ticks_per_second)
        self.hold = round(HOLD_SECONDS * ticks_per_second)

    def reset(self) -> None:
        """Forget everything (after a scrub or a branch switch)."""
        self.focus = self._focused = None
        self._leaders.clear()
        self._cards.clear()

    def observe(self, records: Iterable[Record], ids: Sequence[str]) -> None:
        """Weigh the records of the ticks just run; `ids` name the citizens by index."""
        self._ids = ids
        leaders = self._leaders
        for r in records:
            if r.success and r.drama > 0 and r.who:
                rank = _rank(r)
                while leaders and leaders[-1][0] < rank:  # outranked by a later one: never best
                    leaders.pop()
                leaders.append((rank, self._count, r))
                if r.card is not None:
                    self._cards.append((self._count, r))
                self._count += 1

    def update(self, tick: int) -> Event | None:
        """The event to follow at `tick` (None when nothing dramatic happened lately)."""
        if self.focus is not None and tick < self.focus.tick:
            self.reset()
        for kept in (self._leaders, self._cards):
            while kept and kept[0][-1].tick < tick - self.window:
                kept.popleft()
        focus = self._focused
        if focus is None or tick - focus.tick > self.window:  # nothing followed, or stale
            self._follow(self._best_after(-1), tick)
            return self.focus
        card = next(((at, e) for at, e in reversed(self._cards) if at > self._at), None)
        best = card or self._best_after(self._at)
        if best is not None:
            ratio = weight(best[1]) / weight(focus)
            if best is card or ratio >= CUT_RATIO or (
                    tick - self._since >= self.hold and ratio >= 1.0):
                self._follow(best, tick)
        return self.focus

    def _best_after(self, at: int) -> tuple[int, Record] | None:
        """The most dramatic event that came after place `at` (the newest of equal weight; the
        first of equal ticks), with its place."""
        return next(((k, e) for _, k, e in self._leaders if k > at), None)

    def _follow(self, chosen: tuple[int, Record] | None, tick: int) -> None:
        record = None if chosen is None else chosen[1]
        if record is not self._focused:
            self._focused = record
            self.focus = None if record is None else record.event(self._ids)
        self._at = -1 if chosen is None else chosen[0]
        self._since = tick


Rank = tuple[float, int]


def _rank(record: Record) -> Rank:
    return weight(record), record.tick
