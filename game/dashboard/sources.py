"""Where the dashboard reads the town, always as the projections' JSON document
(`game.projections.document`, the same data `agent-town state` prints and `GET /state` returns).

`HistoryTown` is a timeline (a saved history, or a fresh run of a scenario): the document at
any tick of any branch, the exact state `agent-town seek` reaches. `LiveTown` is a served town
followed over its stream: each event's feed row handed on as it arrives, the document read from
`/state` when the stream says the town moved (a few times a second at most), cards posted to its
owner (never played here).
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import httpx

from game import config
from game.projections.card import MAX_LOD
from game.projections.document import document, to_data
from game.projections.history import feed
from game.sim.events import Event
from game.trace import store
from game.trace.timeline import Timeline
from game.wire.client import TownClient, endpoint

ENV = "AGENT_TOWN_DASHBOARD"  # the town to show when no `--town` is passed to the notebook
TOKEN_ENV = "AGENT_TOWN_TOKEN"  # a served town's token, when it needs one
FRESH_TICKS = config.DAY_TICKS  # how far a fresh town (no file, no URL) may be scrubbed
FEED_KEPT = 400  # the feed rows the dashboard keeps to filter through
DOC_SECONDS = 1.0  # the document (and the cells drawing it) at most this often while the town
# moves: redrawing them all costs the page more than the feed and the clock, which come at once
WAIT_SECONDS = 0.5  # how long the follower waits on the stream before asking whether to stop

Data = dict[str, Any]


class HistoryTown:
    """A timeline to scrub: `document(branch, tick)` seeks it there exactly."""

    live = False

    def __init__(self, timeline: Timeline, name: str, head: dict[str, int]) -> None:
        self.timeline = timeline
        self.name = name
        self._head = head

    @classmethod
    def load(cls, path: str) -> HistoryTown:
        timeline, record, _ = store.load(path)
        timeline.switch(record.current)
        return cls(timeline, Path(path).name, {b.name: b.head for b in record.branches})

    @classmethod
    def fresh(cls, scenario: str = config.DEFAULT_SCENARIO,
              seed: int = config.DEFAULT_SEED) -> HistoryTown:
        timeline = Timeline(scenario, seed)
        return cls(timeline, f"{scenario} · seed {seed}", {timeline.current: FRESH_TICKS})

    def branches(self) -> tuple[str, ...]:
        return tuple(self._head)

    def current(self) -> str:
        return self.timeline.current

    def head(self, branch: str) -> int:
        return self._head[branch]

    def document(self, branch: str, tick: int) -> dict[str, Any]:
        """The document at `tick` of `branch` (clamped to the branch's head), every card at the
        highest level of detail (`widgets.at_lod` cuts a card down)."""
        self.timeline.walk(max(0, min(tick, self.head(branch))), branch)
        return to_data(document(self.timeline, MAX_LOD, FEED_KEPT))


@dataclass(frozen=True)
class Played:
    """The owner's answer to a card: 202 with the tick it was played at, or a refusal."""

    status: int
    body: dict[str, Any]

    def text(self, card: str) -> str:
        if self.status == 202:
            return f"{card} played at tick {self.body.get('tick')} on {self.body.get('branch')}"
        return f"{card} refused ({self.status}): {self.body.get('error', '')}"


class LiveTown:
    """A served town at `url`: read over HTTP, changed only by its owner."""

    live = True

    def __init__(self, url: str, token: str | None = None) -> None:
        self.url = url
        self.name = url
        self._token = token
        self._client = httpx.Client(timeout=10.0, headers=(
            {"Authorization": f"Bearer {token}"} if token else {}))
        self._feed: list[dict[str, Any]] = []  # the rows seen so far, newest first
        self._lock = threading.Lock()  # the feed grows on the follower's thread too
        self._moved = threading.Event()  # the stream brought something since the last document
        self._ended = threading.Event()  # the feed's follower has stopped
        self._drawn = threading.Event()  # the page drew the last document (`drawn`)
        self._drawn.set()
        self._shown: Data = {}  # the last document read: the branch and names of the feed

    @property
    def feed(self) -> list[Data]:
        """The feed rows seen so far, newest first."""
        return self._feed

    def status(self) -> dict[str, Any]:
        got = self._client.get(endpoint(self.url, "status"))
        got.raise_for_status()
        status: dict[str, Any] = got.json()
        return status

    def can_play(self) -> bool:
        return bool(self.status()["features"].get("perturbation", True))

    def document(self) -> dict[str, Any]:
        """The town's document now, its feed holding the rows of earlier polls too (a served
        town's document holds its latest few events: a card's row would pass in a second)."""
        got = self._client.get(endpoint(self.url, "state"), params={"lod": MAX_LOD})
        got.raise_for_status()
        data: dict[str, Any] = got.json()
        with self._lock:
            data["feed"] = self._feed = kept(data["feed"], self._feed)
        self._shown = data
        return data

    def follow_feed(self, on_feed: Callable[[list[Data]], None],
                    on_tick: Callable[[Data], None], stopping: Callable[[], bool]) -> None:
        """Follow the town's stream until `stopping()` or the stream ends: the feed (newest
        first) to `on_feed` as soon as events arrive, all that came at once in one call; the
        latest heartbeat among them (its tick, branch and hash) to `on_tick`."""
        client = TownClient(self.url, self._token).start()
        try:
            while not stopping() and client.lost is None:
                try:
                    got = [client.first(WAIT_SECONDS), *client.take()]
                except OSError:  # nothing came: ask again whether to stop
                    continue
                self._moved.set()
                rows = feed_of(got, self._shown)
                if rows:
                    with self._lock:
                        self._feed = kept(rows, self._feed)
                    on_feed(self._feed)
                beats = [data for name, data in got if name == "town.tick"]
                if beats:
                    on_tick(beats[-1])
        finally:
            client.stop()
            self._ended.set()

    def follow_documents(self, on_document: Callable[[Data], None],
                         stopping: Callable[[], bool]) -> None:
        """The document to `on_document` whenever the stream said the town moved, DOC_SECONDS
        apart at the least, until `stopping()`: on a thread of its own, so that reading it never
        holds up the feed. It ends with the feed's follower. A document goes only once the
        last one was drawn (`drawn()`): the page's cells never fall behind the town."""
        while not (stopping() or self._ended.is_set()):
            if self._drawn.wait(WAIT_SECONDS) and self._moved.wait(WAIT_SECONDS):
                self._moved.clear()
                self._drawn.clear()
                try:
                    shown = self.document()
                except httpx.HTTPError:  # the town is gone: the feed's follower hears why
                    return
                on_document(shown)
                time.sleep(DOC_SECONDS)

    def drawn(self) -> None:
        """The page has drawn the last document: the next may come."""
        self._drawn.set()

    def play(self, card: str, targets: list[str]) -> Played:
        got = self._client.post(endpoint(self.url, "perturb"),
                                json={"card": card, "targets": targets})
        return Played(got.status_code, got.json())


def kept(newest: list[dict[str, Any]], older: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The feed rows `newest` (newest first) followed by the `older` rows they don't hold: the
    first FEED_KEPT of them, and the cards' rows among the rest (FEED_KEPT at most): a served
    town at 16× passes FEED_KEPT events in seconds, and a card's doing stays to be found."""
    seen = {row["event_id"] for row in newest}
    rows = newest + [row for row in older if row["event_id"] not in seen]
    cards = [row for row in rows[FEED_KEPT:] if row["perturbation"]]
    return rows[:FEED_KEPT] + cards[:FEED_KEPT]


def feed_of(messages: list[tuple[str, Data]], doc: Data) -> list[Data]:
    """The feed rows (newest first) of the events among a stream's `messages` recorded on the
    branch `doc` stands on, their citizens named as in `doc`: the feed projection's rows."""
    names = dict(zip(doc["scatter"]["ids"], doc["scatter"]["names"], strict=True))
    branch = doc["clock"]["branch"]
    events = [Event.model_validate(data["event"]) for _, data in messages
              if data.get("event") is not None and data.get("branch") == branch]
    return [dict(asdict(row), who=list(row.who)) for row in feed(events, names, len(events))]


_preloaded: dict[str, Future[HistoryTown | LiveTown]] = {}
_preloading = threading.Lock()


def preload(source: str | None) -> None:
    """Open the town `source` names ahead of a page asking for it (`open_town` hands it to the
    first page; later pages open their own)."""
    opened: Future[HistoryTown | LiveTown] = Future()
    with _preloading:
        _preloaded[source or ""] = opened
    try:
        opened.set_result(_open(source))
    except Exception as err:  # any failure to open: `open_town` tries again and tells it
        opened.set_exception(err)


def open_town(source: str | None) -> HistoryTown | LiveTown:
    """The town `source` names: an http(s) URL, a .town file, or (empty) a fresh default town;
    the one preloaded for it, if any is waiting."""
    with _preloading:
        waiting = _preloaded.pop(source or "", None)
    if waiting is not None and waiting.exception() is None:  # a failure: told by trying again
        return waiting.result()
    return _open(source)


def _open(source: str | None) -> HistoryTown | LiveTown:
    text = source or os.environ.get(ENV, "")
    if text.startswith(("http://", "https://")):
        return LiveTown(text, os.environ.get(TOKEN_ENV) or None)
    if text:
        return HistoryTown.load(text)
    return HistoryTown.fresh()
