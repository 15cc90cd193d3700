"""The citizen card at a level of detail (DESIGN.md §4), each level adding a section:
0 name, region, activity · 1 archetype, mood · 2 worldview, recent lines · 3 memories, strongest
bonds · 4 personality, surplus, reputation · 5 the opacity statement. A section beyond the
card's level is None."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Final

import numpy as np

from game import config
from game.projections.projected import Moment, recent, standing_at
from game.sim.events import Event
from game.sim.model import ARCHETYPES, Activity, Citizen, TownState, mood
from game.sim.townmap import REGION_NAMES
from game.trace.timeline import Timeline

MAX_LOD = 5
LINES_WINDOW = config.PHASE_TICKS * 2  # a citizen's recent lines come from this far back
LINES_SHOWN = 2
MEMORIES_SHOWN = 3
BONDS_SHOWN = 3


@dataclass(frozen=True)
class Temper:
    archetype: str
    mood: str


@dataclass(frozen=True)
class Voice:
    worldview: str
    metaphor: str
    lines: tuple[str, ...]  # what the citizen said lately, newest first


@dataclass(frozen=True)
class Bond:
    index: int
    name: str
    weight: float


@dataclass(frozen=True)
class Ties:
    memories: tuple[str, ...]  # newest first
    bonds: tuple[Bond, ...]  # the strongest first


@dataclass(frozen=True)
class Trait:
    dimension: str
    value: float


@dataclass(frozen=True)
class Measures:
    personality: tuple[Trait, ...]  # in config.DIMENSIONS order
    surplus: float
    reputation: float


@dataclass(frozen=True)
class Card:
    lod: int
    index: int
    id: str
    name: str
    region: str
    activity: str
    doing: str  # "walking to the market", "working in the library"
    temper: Temper | None = None
    voice: Voice | None = None
    ties: Ties | None = None
    measures: Measures | None = None
    opacity: str | None = None  # what the citizen keeps to itself


@dataclass(frozen=True)
class CardAsk:
    """A card widget's state: a citizen's card at a level of detail, at a moment."""

    moment: Moment
    citizen: int
    lod: int


def card_at(timeline: Timeline, ask: CardAsk) -> Card:
    """The card `ask` names, from the timeline (sought to its moment if it stands elsewhere)."""
    here = standing_at(timeline, ask.moment)
    return card(here.flux.state, here.flux.citizens, ask.citizen, ask.lod,
                recent(here, LINES_WINDOW))


# What each level of detail adds to a card: level k shows the parts up to the k-th.
LOD_PARTS: Final = ("temper", "voice", "ties", "measures", "opacity")


def hidden_at(lod: int) -> tuple[str, ...]:
    """The parts of a card its level of detail `lod` leaves out."""
    return LOD_PARTS[lod:]


def at_lod(card: Card, lod: int) -> Card:
    """A card of a higher level of detail cut down to `lod`: the card projection at `lod`."""
    left_out: dict[str, Any] = dict.fromkeys(hidden_at(lod))
    return replace(card, lod=lod, **left_out)


def check_lod(lod: int) -> int:
    if not 0 <= lod <= MAX_LOD:
        raise ValueError(f"a level of detail is 0 to {MAX_LOD}, got {lod}")
    return lod


def spoken(recent: Sequence[Event], only: str | None = None) -> dict[str, list[str]]:
    """Each citizen's lines among `recent` events (the ones it spoke first), oldest first; only
    citizen `only`'s when given (a city's window holds thousands of events)."""
    out: dict[str, list[str]] = {}
    for e in recent:
        if e.dialogue and e.success and e.participants and (
                only is None or e.participants[0] == only):
            out.setdefault(e.participants[0], []).append(e.dialogue)
    return out


def card(state: TownState, citizens: Sequence[Citizen], i: int, lod: int,
         recent: Sequence[Event]) -> Card:
    """Citizen `i`'s card; `recent` are the events of the last LINES_WINDOW ticks."""
    return _card(state, citizens, i, check_lod(lod), spoken(recent, citizens[i].id))


def cards(state: TownState, citizens: Sequence[Citizen], lod: int,
          recent: Sequence[Event]) -> tuple[Card, ...]:
    """Every citizen's card, in citizen order."""
    lines = spoken(recent)
    return tuple(_card(state, citizens, i, check_lod(lod), lines) for i in range(state.n))


def _card(state: TownState, citizens: Sequence[Citizen], i: int, lod: int,
          lines: Mapping[str, list[str]]) -> Card:
    c = citizens[i]
    s = state
    region = REGION_NAMES[int(s.region[i])]
    activity = Activity(int(s.activity[i])).name.lower()
    doing = (f"walking to the {region}" if s.walk_origin[i] >= 0
             else f"{activity} at the {region}")  # spots lie round a building, outdoors
    archetype = ARCHETYPES[c.archetype]
    shown = LOD_PARTS[:lod]
    return Card(
        lod, i, c.id, c.name, region, activity, doing,
        temper=Temper(c.archetype, mood(int(s.activity[i]), s.personality[i]))
        if "temper" in shown else None,
        voice=Voice(archetype.worldview, archetype.metaphor,
                    tuple(lines.get(c.id, [])[-LINES_SHOWN:][::-1])) if "voice" in shown
        else None,
        ties=_ties(s, citizens, i) if "ties" in shown else None,
        measures=Measures(tuple(Trait(d, v) for d, v in zip(
            config.DIMENSIONS, s.personality[i].tolist(), strict=True)), float(s.surplus[i]),
            float(s.reputation[i])) if "measures" in shown else None,
        opacity=archetype.opacity if "opacity" in shown else None)


def _ties(s: TownState, citizens: Sequence[Citizen], i: int) -> Ties:
    return Ties(tuple(text for _, _, text in s.memory(i)[-MEMORIES_SHOWN:][::-1]),
                tuple(Bond(j, citizens[j].name, s.bond(i, j)) for j in _strongest(s, i)))


def _strongest(s: TownState, i: int) -> list[int]:
    """The BONDS_SHOWN citizens `i` bonds with most, strongest first, ties by index: a stable
    sort of the bonds at or above the k-th strongest (not of a city's whole row)."""
    row = s.bonds_of(i)
    row[i] = -np.inf
    k = min(BONDS_SHOWN, row.size)
    kth = np.partition(row, row.size - k)[row.size - k]
    candidates = np.flatnonzero(row >= kth)
    order = np.argsort(-row[candidates], kind="stable")[:k]
    strongest: list[int] = candidates[order].tolist()
    return strongest
