"""Where the terminal UI reads the town. A `Source` says where the town stands (a `Moment`), how
far its branch runs, what branches there are, and projects a moment to a document; a person
moves it by seeking, switching branch and letting it play.

`HistorySource` is a timeline: a saved history (paused at first, to scrub) or a town run here
(playing from the start). A served town followed over the wire will be another `Source`.
"""

from __future__ import annotations

from typing import Protocol

from game import config, limits
from game.projections.card import Card, CardAsk, card_at
from game.projections.document import TownDocument, document
from game.projections.projected import Moment, standing_at
from game.trace.timeline import Timeline

FEED_ROWS = 400  # the feed the terminal keeps to scroll and filter through
CARD_LOD = 1  # the citizens table shows archetype and mood


class Source(Protocol):
    name: str  # what the title shows
    playing: bool
    problem: str  # why it stopped playing, "" while nothing went wrong

    def moment(self) -> Moment: ...
    def head(self) -> int: ...
    def branches(self) -> tuple[str, ...]: ...
    def project(self, moment: Moment) -> TownDocument: ...
    def project_card(self, ask: CardAsk) -> Card: ...
    def seek(self, tick: int) -> None: ...
    def switch(self, branch: str) -> None: ...
    def run_for(self, seconds: float) -> None: ...


class HistorySource:
    """A town's timeline: scrubbed by seeking, played at `ticks_per_second`."""

    def __init__(self, timeline: Timeline, name: str, playing: bool = False,
                 ticks_per_second: float = config.TICKS_PER_SECOND) -> None:
        self.timeline = timeline
        self.name = name
        self.playing = playing
        self.problem = ""
        self.rate = ticks_per_second
        self._owed = 0.0

    def moment(self) -> Moment:
        return Moment.of(self.timeline)

    def head(self) -> int:
        return max(self.timeline.branch.head, self.timeline.cursor)

    def branches(self) -> tuple[str, ...]:
        return tuple(self.timeline.branches)

    def project(self, moment: Moment) -> TownDocument:
        return document(standing_at(self.timeline, moment), CARD_LOD, FEED_ROWS)

    def project_card(self, ask: CardAsk) -> Card:
        return card_at(self.timeline, ask)

    def seek(self, tick: int) -> None:
        """Stand at `tick` (0 at the least, the branch's head at the most)."""
        self.timeline.seek(max(0, min(tick, self.head())))
        self._owed = 0.0

    def switch(self, branch: str) -> None:
        self.timeline.switch(branch)

    def run_for(self, seconds: float) -> None:
        """Let `seconds` pass: a playing town runs the ticks they hold."""
        if not self.playing:
            return
        self._owed += seconds * self.rate
        ticks = int(self._owed)
        self._owed -= ticks
        try:
            self.timeline.advance(ticks)
        except limits.LimitError as err:  # the history is full: stop there and say why
            self.playing = False
            self.problem = str(err)
