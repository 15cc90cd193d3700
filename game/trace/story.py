"""The story of a history: markers for the moments worth jumping to, and captions in words.

Story markers are added automatically from events: a coalition formed or dissolved, a rumor
that reached N citizens, a dispute, a festival. Captions name what just happened ("Rosa told
Quinn about Igor · a rumor spreads"). Pure: never imports pygame or the view.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from game import words
from game.sim.events import Event

RUMOR_REACH = 4  # a rumor becomes a story once this many citizens have heard it
# The kinds of story marker: these events as they are, and "rumor" for one that spread far.
MARKED_OPS = ("coalition_formed", "coalition_dissolved", "dispute", "festival")
STORY_KINDS = (*MARKED_OPS, "rumor")
STORY_OPS = frozenset({*MARKED_OPS, "gossip"})  # the ops a marker may come from


@dataclass(frozen=True)
class StoryMarker:
    tick: int
    kind: str
    text: str
    event_id: str


def _name(names: Mapping[str, str], cid: str | None) -> str:
    return names.get(cid, cid) if cid else "someone"


def caption(event: Event, names: Mapping[str, str]) -> str:
    """One line saying what happened, for presentation captions."""
    who = [_name(names, c) for c in event.participants]
    subject = _name(names, event.subject)
    if not event.success:
        message = words.shown(event.message)
        return f"{message} ({event.reason})" if event.reason else message
    match event.op:
        case "gossip" if "rumor" in event.metadata:
            return f"{who[0]} told {who[1]} about {subject} · a rumor spreads"
        case "gossip":
            return f"{who[0]} told {who[1]} about {subject}"
        case "rumor":
            return f"a rumor about {subject} starts with {who[0]}"
        case "dispute":
            return f"{who[0]} and {who[1]} quarrel"
        case "coalition_formed":
            return f"a coalition forms: {', '.join(who)}"
        case "coalition_dissolved":
            return f"a coalition falls apart: {', '.join(who)}"
        case "celebrate":
            crowd = words.counted(len(who), "citizen celebrates", "citizens celebrate")
            return f"{crowd} in the square"
        case _:
            return words.shown(event.message)


class Storyline:
    """The story markers of a growing history: feed it events in time order, batch by batch.

    It remembers which rumors already have their marker, so a rumor is marked once however the
    history is cut into batches.
    """

    def __init__(self, names: Mapping[str, str], rumor_reach: int = RUMOR_REACH) -> None:
        self.names = names
        self.rumor_reach = rumor_reach
        self._told: set[str] = set()

    def add(self, events: Iterable[Event]) -> list[StoryMarker]:
        """The markers among `events` (which follow the events added before)."""
        out: list[StoryMarker] = []
        for e in events:
            if not e.success:
                continue
            kind: str | None = None
            if e.op in MARKED_OPS:
                kind = e.op
            elif e.op == "gossip" and int(e.metadata.get("reached", 0)) >= self.rumor_reach:
                rumor = str(e.metadata["rumor"])
                if rumor not in self._told:
                    self._told.add(rumor)
                    kind = "rumor"
            if kind is None:
                continue
            text = (f"the rumor about {_name(self.names, e.subject)} reached "
                    f"{words.counted(int(e.metadata['reached']), 'citizen', 'citizens')}"
                    if kind == "rumor"
                    else caption(e, self.names))
            out.append(StoryMarker(e.tick, kind, text, e.id))
        return out


def story_markers(events: Iterable[Event], names: Mapping[str, str],
                  rumor_reach: int = RUMOR_REACH) -> list[StoryMarker]:
    """The moments of a history worth a marker on the timeline, in time order."""
    return Storyline(names, rumor_reach).add(events)
