"""What happened: the feed's rows (recent events, newest first) and the story markers (the
moments worth jumping to, `game.trace.story`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from game import config
from game.sim.events import Event
from game.trace.eventlog import Brief, Events
from game.trace.story import StoryMarker, story_markers

FEED_SIZE = 40
FEED_WINDOW = 2 * config.DAY_TICKS  # the feed looks this far back for its events


@dataclass(frozen=True)
class FeedRow:
    event_id: str
    tick: int
    op: str
    text: str
    who: tuple[str, ...]  # the participants' names
    perturbation: bool  # a card's doing
    success: bool


def feed(events: Sequence[Event], names: Mapping[str, str], size: int = FEED_SIZE
         ) -> tuple[FeedRow, ...]:
    """The last `size` of `events` (in time order), newest first; of a history's events (a
    timeline's lazy `Events`), read as briefs, none of them built."""
    last = events[-size:] if size else ()
    rows: Sequence[Event | Brief] = list(last.briefs()) if isinstance(last, Events) else last
    return tuple(feed_row(e, names) for e in reversed(rows))


def feed_row(e: Event | Brief, names: Mapping[str, str]) -> FeedRow:
    """One event as the feed shows it: its participants by name."""
    return FeedRow(e.id, e.tick, e.op, e.message or e.op,
                   tuple(names.get(c, c) for c in e.participants), e.perturbation, e.success)


def stories(events: Sequence[Event], names: Mapping[str, str]) -> tuple[StoryMarker, ...]:
    """The story markers among a history's `events` (all of them, from tick 0), in time order."""
    return tuple(story_markers(events, names))
