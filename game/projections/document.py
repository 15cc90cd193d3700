"""The whole town at one tick of one branch as one JSON document: what `agent-town state`
prints and the HTTP `state` endpoint returns.

`document(timeline, lod)` reads the timeline where it stands (seek it first) and never moves
it. The document is a function of the town's state at that moment and the history that led
there: a history sought to (branch, tick) and a fresh run to it give the same document.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from pydantic import TypeAdapter

from game.projections.card import LINES_WINDOW, Card, cards
from game.projections.coalitions import CoalitionView, coalitions
from game.projections.history import FEED_SIZE, FEED_WINDOW, FeedRow, feed, stories
from game.projections.projected import names_of, recent
from game.projections.scatter import Scatter, scatter
from game.projections.town import Clock, Metrics, MetricSample, clock, metric_series, metrics
from game.trace.story import StoryMarker
from game.trace.timeline import Timeline

STATE_FORMAT = 1  # the document's format: a change to its fields bumps it


@dataclass(frozen=True)
class TownDocument:
    format: int
    scenario: str
    seed: int
    clock: Clock
    hash: str  # the state hash, as `agent-town seek` prints it
    metrics: Metrics
    series: tuple[MetricSample, ...]  # sampled every METRIC_SAMPLE_TICKS up to the tick
    scatter: Scatter
    coalitions: tuple[CoalitionView, ...]
    citizens: tuple[Card, ...]  # every citizen's card at the document's level of detail
    feed: tuple[FeedRow, ...]  # the latest events, newest first
    stories: tuple[StoryMarker, ...]  # every story marker up to the tick, in time order


@cache
def _adapter() -> TypeAdapter[TownDocument]:
    """Built on first use: building it costs every command's start ~10 ms otherwise."""
    return TypeAdapter(TownDocument)


def document(timeline: Timeline, lod: int = 0, feed_size: int = FEED_SIZE) -> TownDocument:
    """The town where `timeline` stands, every citizen's card at level of detail `lod`, the
    feed's latest `feed_size` rows (of the last FEED_WINDOW ticks)."""
    flux = timeline.flux
    state, citizens, names = flux.state, flux.citizens, names_of(timeline)
    return TownDocument(
        format=STATE_FORMAT, scenario=flux.scenario.name, seed=flux.seed,
        clock=clock(flux, timeline.current), hash=flux.state_hash(), metrics=metrics(flux),
        series=metric_series(timeline.metrics_series(timeline.current, timeline.cursor)),
        scatter=scatter(state, citizens), coalitions=coalitions(state, citizens),
        citizens=cards(state, citizens, lod, recent(timeline, LINES_WINDOW)),
        feed=feed(recent(timeline, FEED_WINDOW), names, feed_size),
        stories=stories(timeline.events(end=timeline.cursor), names))


def to_json(doc: TownDocument, indent: int | None = None) -> str:
    return _adapter().dump_json(doc, indent=indent).decode()


def to_data(doc: TownDocument) -> dict[str, Any]:
    """The document as plain JSON data (dicts, lists, numbers, strings), for a web response."""
    data: dict[str, Any] = _adapter().dump_python(doc, mode="json")
    return data
