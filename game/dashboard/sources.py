"""Where the dashboard reads the town, always as the projections' JSON document
(`game.projections.document`, the same data `agent-town state` prints and `GET /state` returns).

`HistoryTown` is a timeline (a saved history, or a fresh run of a scenario): the document at
any tick of any branch, the exact state `agent-town seek` reaches. `LiveTown` is a served town:
its document polled from `/state`, its status from `/status`, cards posted to its owner (never
played here).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from game import config
from game.projections.card import MAX_LOD
from game.projections.document import document, to_data
from game.trace import store
from game.trace.timeline import Timeline
from game.wire.client import endpoint

ENV = "AGENT_TOWN_DASHBOARD"  # the town to show when no `--town` is passed to the notebook
TOKEN_ENV = "AGENT_TOWN_TOKEN"  # a served town's token, when it needs one
FRESH_TICKS = config.DAY_TICKS  # how far a fresh town (no file, no URL) may be scrubbed
FEED_KEPT = 400  # the feed rows the dashboard keeps to filter through


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
        self._client = httpx.Client(timeout=10.0, headers=(
            {"Authorization": f"Bearer {token}"} if token else {}))
        self._feed: list[dict[str, Any]] = []  # the rows seen so far, newest first

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
        data["feed"] = self._feed = kept(data["feed"], self._feed)
        return data

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


def open_town(source: str | None) -> HistoryTown | LiveTown:
    """The town `source` names: an http(s) URL, a .town file, or (empty) a fresh default town."""
    text = source or os.environ.get(ENV, "")
    if text.startswith(("http://", "https://")):
        return LiveTown(text, os.environ.get(TOKEN_ENV) or None)
    if text:
        return HistoryTown.load(text)
    return HistoryTown.fresh()
