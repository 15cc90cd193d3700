"""The town's data: archetypes, citizens' fixed identity, and the mutable `TownState`.

State is data first: numpy arrays indexed by citizen number plus small plain records, so a
snapshot is a copy and a hash is a digest of bytes. Pure: never imports pygame, view or trace.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field, fields, replace
from enum import IntEnum
from typing import Any, Final

import numpy as np
import numpy.typing as npt

from game import config
from game.sim.bonds import PairValues
from game.sim.cards import Perturbation
from game.sim.digest import Digest

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

NEVER: Final = int(np.iinfo(np.int64).max)


class Phase(IntEnum):
    """The four phases of a day, in order (config.PHASES names them for people)."""

    MORNING = 0
    AFTERNOON = 1
    EVENING = 2
    NIGHT = 3


class Dim(IntEnum):
    """The personality dimensions: columns of `TownState.personality` (config.DIMENSIONS)."""

    WARMTH = 0
    CURIOSITY = 1
    TRUST = 2
    CREATIVITY = 3
    PATIENCE = 4
    RESILIENCE = 5
    AMBITION = 6


class Activity(IntEnum):
    """What a citizen is doing; WALKING while on a path."""

    IDLE = 0
    SOCIALIZING = 1
    WORKING = 2
    REFLECTING = 3
    RESTING = 4
    WALKING = 5


@dataclass(frozen=True)
class Archetype:
    name: str
    worldview: str
    metaphor: str
    opacity: str
    biases: dict[str, float]


ARCHETYPES: Final[dict[str, Archetype]] = {
    a.name: a
    for a in (
        Archetype("Builder", "Architecture", "Life is architecture",
                  "I never say which of my walls are only there to be admired.",
                  {"creativity": 0.20, "patience": 0.20, "resilience": 0.10, "ambition": 0.15}),
        Archetype("Trader", "Negotiation", "Life is negotiation",
                  "I keep one price in my head that nobody will ever be offered.",
                  {"curiosity": 0.20, "trust": -0.10, "ambition": 0.25, "resilience": 0.10}),
        Archetype("Healer", "Mending", "Life is mending",
                  "Some wounds I tend are my own, and I will not name them.",
                  {"warmth": 0.25, "patience": 0.20, "trust": 0.15, "resilience": 0.15}),
        Archetype("Scholar", "Discovery", "Life is discovery",
                  "I have a question I am afraid to have answered.",
                  {"curiosity": 0.30, "patience": 0.20, "creativity": 0.10, "ambition": 0.10}),
        Archetype("Watcher", "Testimony", "Life is testimony",
                  "I have seen things in this town I have promised to forget.",
                  {"patience": 0.25, "trust": 0.20, "resilience": 0.20, "warmth": 0.10}),
    )
}
ARCHETYPE_ORDER: Final[tuple[str, ...]] = tuple(ARCHETYPES)


def mood(activity: int, personality: FloatArray) -> str:
    """Mood is derived, never stored (DESIGN.md §1)."""
    match Activity(activity):
        case Activity.RESTING:
            return "resting"
        case Activity.REFLECTING:
            return "contemplative"
        case Activity.WORKING:
            return "focused"
        case Activity.SOCIALIZING:
            return "warm" if personality[Dim.WARMTH] > config.WARM_MOOD else "engaged"
        case _:
            return "curious" if personality[Dim.CURIOSITY] > config.CURIOUS_MOOD else "calm"


@dataclass(frozen=True, slots=True)
class Citizen:
    """A citizen's identity: what never changes during a run."""

    id: str
    name: str
    archetype: str
    home: int
    evolving: bool

    @property
    def worldview(self) -> Archetype:
        return ARCHETYPES[self.archetype]


@dataclass
class Pending:
    """What a walking citizen does on arrival (a card aimed across regions, a festival)."""

    op: str
    partner: int = -1
    subject: int = -1
    card: str | None = None
    perturbation: bool = False


@dataclass(frozen=True)
class Coalition:
    """A group held together by strong bonds; `number` counts coalitions as they form (its id
    is "c<number>"), so a view can give it a colour for life. Never changed: a phase end makes
    new ones, so copies of a state share them."""

    number: int
    members: frozenset[int]

    @property
    def id(self) -> str:
        return f"c{self.number}"


@dataclass
class Rumor:
    """A planted negative story; `reached` grows as gossip about `subject` spreads it."""

    id: str
    subject: int
    origin: str
    reached: set[int]
    tick: int  # when it was planted; it is told eagerly for RUMOR_TICKS after that


@dataclass
class Festival:
    """A festival in progress: guests gather in the square and celebrate together at `tick`."""

    tick: int
    guests: list[int]
    event_id: str


@dataclass
class TownState:
    """Everything that changes while the town runs. Index i is citizen i of `citizens`."""

    tick: int
    personality: FloatArray  # (N, 7)
    # Directed bonds in [-1, 1], each its initial value until an interaction moves it; phase
    # ends relax moved ones toward their initial value. Only the moved pairs are stored.
    bonds: PairValues
    surplus: FloatArray  # (N,)
    reputation: FloatArray  # (N,)
    trust: PairValues  # interaction outcomes for EigenTrust, 0 until counted
    region: IntArray  # (N,) region index; while walking, the destination
    spot: IntArray  # (N, 2) tile where a citizen stands in its region
    activity: IntArray  # (N,) Activity
    busy_until: IntArray  # (N,) tick at which the current activity ends
    partner: IntArray  # (N,) partner of a binary op, -1 if none
    walk_origin: IntArray  # (N,) region a walk left from, -1 if not walking
    walk_from_spot: IntArray  # (N, 2) tile a walk left from
    walk_from: IntArray  # (N,) departure tick of the current walk
    last_event_tick: IntArray  # (N,)
    rng_state: dict[str, Any]
    seq: int = 0
    drama: float = 0.0
    drama_tick: int = 0
    storm_until: int = -1
    tokens: int = 0
    # A citizen's memories and whom it heard about: tuples replaced, never changed in place,
    # so a keyframe copies the outer lists only (a city:10000's copy took 32 ms). A citizen's
    # memories are one flat tuple, tick, op and text of each in turn, oldest first (`memory`
    # reads them): a tuple a memory gave the garbage collector 150,000 more objects to walk
    # in a city's window.
    memories: list[tuple[int | str, ...]] = field(default_factory=list)
    heard: list[tuple[int, ...]] = field(default_factory=list)
    pending: dict[int, Pending] = field(default_factory=dict)
    coalitions: list[Coalition] = field(default_factory=list)
    coalition_counter: int = 0
    rumors: list[Rumor] = field(default_factory=list)
    festival: Festival | None = None
    queue: list[Perturbation] = field(default_factory=list)
    events_per_day: dict[int, int] = field(default_factory=dict)
    op_counts: dict[str, int] = field(default_factory=dict)
    perturbations: int = 0

    @property
    def n(self) -> int:
        return int(self.personality.shape[0])

    def copy(self) -> TownState:
        """A complete, independent copy: arrays, containers and mutable records copied; what
        never changes in place (memory tuples, frozensets, frozen cards) shared. A keyframe is
        one of these: a deep copy visited every memory tuple of every citizen."""
        copied: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, np.ndarray):
                value = value.copy()
            elif f.name in _SHALLOW_COPIES:
                value = _SHALLOW_COPIES[f.name](value)
            elif not isinstance(value, int | float | str | type(None)):
                value = copy.deepcopy(value)
            copied[f.name] = value
        return TownState(**copied)

    def memory(self, i: int) -> list[tuple[int, str, str]]:
        """Citizen i's memories, oldest first: (tick, op, text) each."""
        flat = self.memories[i]
        return [(int(flat[k]), str(flat[k + 1]), str(flat[k + 2])) for k in range(0, len(flat), 3)]

    def bond(self, i: int, j: int) -> float:
        """Citizen i's bond to j."""
        return self.bonds.get(i, j)

    def set_bond(self, i: int, j: int, value: float) -> None:
        self.bonds.set(i, j, value)

    def bonds_of(self, i: int) -> FloatArray:
        """Citizen i's bonds to everyone (a fresh array; i's own is 0 unless set)."""
        row: FloatArray = self.bonds.rows(i, i + 1)[0]
        return row

    def bonds_to(self, j: int) -> FloatArray:
        """Everyone's bond to citizen j (a fresh array)."""
        column: FloatArray = self.bonds.rows(j, j + 1, transposed=True)[0]
        return column

    def add_trust(self, i: int, j: int, amount: float) -> None:
        """An interaction's outcome adds to i's local trust of j."""
        self.trust.add(i, j, amount)

    def digest(self) -> str:
        """Short blake2b of the canonical state, RNG included (`game.sim.digest`)."""
        return Digest(self).hexdigest()


# How TownState.copy copies a field whose contents are shared or copied one level down.
_SHALLOW_COPIES: dict[str, Callable[[Any], Any]] = {
    "memories": list,
    "heard": list,
    "pending": lambda p: {k: replace(v) for k, v in p.items()},
    "coalitions": list,
    "rumors": lambda rs: [replace(r, reached=set(r.reached)) for r in rs],
    "festival": lambda f: None if f is None else replace(f, guests=list(f.guests)),
    "queue": list,
    "events_per_day": dict,
    "op_counts": dict,
}


def personality_for(archetype: str, jitter: FloatArray) -> FloatArray:
    """0.5 + the archetype's biases + a jitter of at most ±PERSONALITY_JITTER, in [0, 1]."""
    base = np.full(len(config.DIMENSIONS), config.PERSONALITY_BASE)
    for dim, bias in ARCHETYPES[archetype].biases.items():
        base[config.DIMENSIONS.index(dim)] += bias
    return np.clip(base + jitter * config.PERSONALITY_JITTER, 0.0, 1.0)


def decay(ticks: int) -> float:
    """DRAMA_DECAY ** ticks by squaring and multiplying: IEEE products in a fixed order, the
    same bits on every machine (Python's ** goes through the platform's pow)."""
    out, base = 1.0, config.DRAMA_DECAY
    while ticks:
        if ticks & 1:
            out *= base
        base *= base
        ticks >>= 1
    return out


# Drama is mostly read a few ticks after it moved.
_DECAYS: Final = tuple(decay(k) for k in range(256))


def decayed(ticks: int) -> float:
    """What is left of drama `ticks` after it moved (a table for the usual few ticks)."""
    return _DECAYS[ticks] if ticks < len(_DECAYS) else decay(ticks)
