"""Where the terminal UI reads the town. A `Source` says where the town stands (a `Moment`), how
far its branch runs, what branches there are, and projects a moment to a document; a person
moves it by seeking, switching branch and letting it play.

`HistorySource` is a timeline: a saved history (paused at first, to scrub) or a town run here
(playing from the start). `LiveSource` is a served town followed over the wire: its stream read
on a thread, its document read again when the stream says it moved, cards posted to its owner.
"""

from __future__ import annotations

from dataclasses import replace
from functools import cache
from typing import Any, Protocol

import httpx
from pydantic import TypeAdapter

from game import config, limits
from game.projections.card import MAX_LOD, Card, CardAsk, at_lod, card_at
from game.projections.document import TownDocument, document
from game.projections.history import FeedRow, feed
from game.projections.projected import Moment, standing_at
from game.sim.events import Event
from game.trace.timeline import Timeline
from game.wire.client import TownClient, endpoint

FEED_ROWS = 400  # the feed the terminal keeps to scroll and filter through
CARD_LOD = 1  # the citizens table shows archetype and mood


class Source(Protocol):
    name: str  # what the title shows
    playing: bool
    problem: str  # why it stopped playing, "" while nothing went wrong
    live: bool  # a served town: cards are played, time is not scrubbed

    def moment(self) -> Moment: ...
    def head(self) -> int: ...
    def branches(self) -> tuple[str, ...]: ...
    def project(self, moment: Moment) -> TownDocument: ...
    def project_card(self, ask: CardAsk) -> Card: ...
    def seek(self, tick: int) -> None: ...
    def switch(self, branch: str) -> None: ...
    def run_for(self, seconds: float) -> None: ...
    def play(self, card: str, targets: list[str]) -> str: ...


class HistorySource:
    """A town's timeline: scrubbed by seeking, played at `ticks_per_second`."""

    live = False

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
            self.timeline.advance_records(ticks)
        except limits.LimitError as err:  # the history is full: stop there and say why
            self.playing = False
            self.problem = str(err)

    def play(self, card: str, targets: list[str]) -> str:
        return "cards are played on a served town (agent-town tui URL) or in the window"


@cache
def _documents() -> TypeAdapter[TownDocument]:
    return TypeAdapter(TownDocument)


class LiveSource:
    """A served town at `url`, followed: its stream read on a thread (`TownClient`), its
    document (every card at the highest level of detail) read again on a refresh when the
    stream brought something, the events' rows added to the feed as they come; cards posted to
    its owner, whose answer is told in one line. Never scrubbed: the owner holds its time."""

    live = True

    def __init__(self, url: str, token: str | None = None) -> None:
        self.name = url
        self.playing = True  # following; paused, the town goes on and the terminal waits
        self.problem = ""
        self._client = TownClient(url, token).start()
        self._http = httpx.Client(timeout=10.0, headers=(
            {"Authorization": f"Bearer {token}"} if token else {}))
        self._url = url
        self._doc = self._read()
        self._feed = self._doc.feed

    @classmethod
    def open(cls, url: str, token: str | None = None) -> LiveSource:
        """Follow the town at `url`; OSError in one line when it cannot be read."""
        try:
            return cls(url, token)
        except httpx.HTTPStatusError as err:
            raise OSError(f"{url}: the town answered {err.response.status_code}") from None
        except httpx.HTTPError as err:
            raise OSError(f"{url}: no town answered ({type(err).__name__})") from None

    def _read(self) -> TownDocument:
        got = self._http.get(endpoint(self._url, "state"), params={"lod": MAX_LOD})
        got.raise_for_status()
        return _documents().validate_json(got.content)

    def moment(self) -> Moment:
        return Moment(self._doc.clock.branch, self._doc.clock.tick)

    def head(self) -> int:
        return self._doc.clock.tick

    def branches(self) -> tuple[str, ...]:
        return (self._doc.clock.branch,)

    def project(self, moment: Moment) -> TownDocument:
        """The latest document, its feed holding the rows the stream brought (a live town is
        only ever shown where it stands)."""
        return replace(self._doc, feed=self._feed, citizens=tuple(
            at_lod(c, CARD_LOD) for c in self._doc.citizens))

    def project_card(self, ask: CardAsk) -> Card:
        return at_lod(self._doc.citizens[ask.citizen], ask.lod)

    def seek(self, tick: int) -> None:
        self.problem = "a served town is followed where it stands: its owner holds its time"

    def switch(self, branch: str) -> None:
        self.seek(0)

    def run_for(self, seconds: float) -> None:
        """Take what the stream brought: the events' rows into the feed and, when anything
        came, the document read again."""
        got = self._client.take()
        if self._client.lost is not None:
            self.problem, self.playing = f"{self._client.lost}: the last state is shown", False
        self._feed = kept(rows_of(got, self._doc), self._feed)
        if got and self.playing:
            self._doc = self._read()
            self._feed = kept(self._doc.feed, self._feed)

    def play(self, card: str, targets: list[str]) -> str:
        """Post a card to the owner: its answer in one line."""
        try:
            got = self._http.post(endpoint(self._url, "perturb"),
                                  json={"card": card, "targets": targets})
            body: dict[str, Any] = got.json()
        except (httpx.HTTPError, ValueError) as err:
            return f"{card}: no answer from the town ({type(err).__name__})"
        if got.status_code == 202:
            return f"{card} played at tick {body.get('tick')} on {body.get('branch')}"
        return limits.one_line(f"{card} refused ({got.status_code}): {body.get('error', '')}")

    def close(self) -> None:
        self._client.stop()
        self._http.close()


def rows_of(messages: list[tuple[str, dict[str, Any]]], doc: TownDocument
            ) -> tuple[FeedRow, ...]:
    """The feed rows (newest first) of the events among a stream's `messages` on the branch
    `doc` stands on: the feed projection's rows, citizens named as `doc` names them."""
    names = dict(zip(doc.scatter.ids, doc.scatter.names, strict=True))
    events = [Event.model_validate(data["event"]) for _, data in messages
              if data.get("event") is not None and data.get("branch") == doc.clock.branch]
    return feed(events, names, len(events))


def kept(newest: tuple[FeedRow, ...], older: tuple[FeedRow, ...]) -> tuple[FeedRow, ...]:
    """`newest` then the `older` rows it does not hold, FEED_ROWS at most."""
    seen = {row.event_id for row in newest}
    return (newest + tuple(row for row in older if row.event_id not in seen))[:FEED_ROWS]
