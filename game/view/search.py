"""The feed under a filter, read from the timeline: for the current branch, the events a
`FeedFilter` matches (`game.projections.feedfilter.Found`), gathered from tick 0 once and then
only as the head grows, so a filtered frame costs a bisect. Matches of a filter no longer shown
are dropped. Reads the timeline and never moves it; never imports pygame.
"""

from __future__ import annotations

from collections.abc import Sequence

from game.projections.feedfilter import FeedFilter, Found
from game.projections.history import FEED_WINDOW, FeedRow
from game.trace.timeline import Timeline

FEED_ROWS = 200  # the rows the window's feed holds to scroll through


class FeedSearch:
    def __init__(self, timeline: Timeline, names: dict[str, str]) -> None:
        self.timeline = timeline
        self.names = names
        self._found: dict[str, Found] = {}  # per branch, for the filter shown last
        self._feed: tuple[tuple[object, ...], tuple[FeedRow, ...]] | None = None

    def found(self, wanted: FeedFilter, head: int) -> Found:
        """The matches of `wanted` on the current branch up to `head`."""
        tl = self.timeline
        found = self._found.get(tl.current)
        if found is None or found.wanted != wanted:
            found = self._found[tl.current] = Found(wanted)
        if head > found.upto:
            found.add(tl.events(tl.current, found.upto + 1, head), self.names, head)
        return found

    def feed(self, wanted: FeedFilter, head: int) -> tuple[FeedRow, ...]:
        """The filtered feed where the timeline stands, newest first."""
        tl = self.timeline
        key = (tl.current, tl.cursor, wanted, head)
        if self._feed is None or self._feed[0] != key:
            rows = self.found(wanted, head).before(tl.cursor, FEED_WINDOW, FEED_ROWS)
            self._feed = (key, rows)
        return self._feed[1]

    def ticks(self, wanted: FeedFilter, head: int) -> Sequence[int]:
        """The ticks of every match on the current branch (what the timeline marks)."""
        return self.found(wanted, head).ticks
