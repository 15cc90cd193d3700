"""The feed read from the timeline when it is more than its newest rows: scrolled back, the
unfiltered feed FEED_ROWS deep; under a filter, for the current branch, the events a
`FeedFilter` matches (`game.projections.feedfilter.Found`), gathered from tick 0 once and then
only as the head grows, so a filtered frame costs a bisect.

Reading a whole history again costs tens of microseconds an event (each is built), so the
matches of the last few filters are kept, and a filter that narrows a kept one (the next letter
typed, a kind chosen while searching) is read from its matches instead. Reads the timeline and
never moves it; never imports pygame.
"""

from __future__ import annotations

from collections.abc import Sequence

from game.projections.feedfilter import FeedFilter, Found
from game.projections.history import FEED_WINDOW, FeedRow, feed
from game.projections.projected import recent
from game.trace.timeline import Timeline

FEED_ROWS = 200  # the rows the window's feed holds to scroll through
KEPT = 8  # the filters whose matches are kept, per branch (Backspace finds the last ones)


class FeedSearch:
    def __init__(self, timeline: Timeline, names: dict[str, str]) -> None:
        self.timeline = timeline
        self.names = names
        self._found: dict[str, dict[FeedFilter, Found]] = {}  # per branch, newest last
        self._feed: tuple[tuple[object, ...], tuple[FeedRow, ...]] | None = None

    def found(self, wanted: FeedFilter, head: int) -> Found:
        """The matches of `wanted` on the current branch up to `head`."""
        kept = self._found.setdefault(self.timeline.current, {})
        found = kept.pop(wanted, None)
        if found is None:
            wider = next((f for f in reversed(kept.values()) if wanted.narrows(f.wanted)), None)
            found = wider.narrowed(wanted) if wider is not None else Found(wanted)
        kept[wanted] = found
        if len(kept) > KEPT:
            del kept[next(iter(kept))]
        tl = self.timeline
        if head > found.upto:
            found.add(tl.events(tl.current, found.upto + 1, head).briefs(), self.names, head)
        return found

    def feed(self, wanted: FeedFilter, head: int) -> tuple[FeedRow, ...]:
        """The filtered feed where the timeline stands, newest first: the latest FEED_ROWS
        matches of the whole branch up to the cursor (a match is worth reaching back for)."""
        tl = self.timeline
        key = (tl.current, tl.cursor, wanted, head)
        if self._feed is None or self._feed[0] != key:
            rows = self.found(wanted, head).before(tl.cursor, tl.cursor + 1, FEED_ROWS)
            self._feed = (key, rows)
        return self._feed[1]

    def deep(self) -> tuple[FeedRow, ...]:
        """The unfiltered feed where the timeline stands, FEED_ROWS deep, newest first (read
        while the feed is scrolled back)."""
        tl = self.timeline
        key = (tl.current, tl.cursor, None, None)
        if self._feed is None or self._feed[0] != key:
            self._feed = (key, feed(recent(tl, FEED_WINDOW), self.names, FEED_ROWS))
        return self._feed[1]

    def ticks(self, wanted: FeedFilter, head: int) -> Sequence[int]:
        """The ticks of every match on the current branch (what the timeline marks)."""
        return self.found(wanted, head).ticks
