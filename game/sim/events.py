"""Events: what the flux records. The flux makes a `Record` per thing that happened (a tuple:
its citizens by index, its region by number); the history keeps records in columns, the window
hears them as they come (speech, sound, the director), and an `Event`, the immutable pydantic
model every reader outside sees (files, HTTP, JSON lines, the feed), is built from one only
when someone reads it.

Pure: never imports pygame, the view or the trace.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

from pydantic import BaseModel, ConfigDict, Field

from game.sim.townmap import REGION_NAMES

# Every kind of event the flux emits. Operations first (DESIGN.md's operad), then the flux's own.
OPERATIONS: tuple[str, ...] = (
    "greet", "gossip", "trade", "solo", "walk", "dispute", "celebrate", "teach",
)
FLUX_EVENTS: tuple[str, ...] = (
    "arrive", "rest", "wake", "share", "storm", "festival", "rumor",
    "coalition_formed", "coalition_dissolved",
)
EVENT_KINDS: tuple[str, ...] = OPERATIONS + FLUX_EVENTS


class Event(BaseModel):
    """One thing that happened in the town at (tick, seq)."""

    model_config = ConfigDict(frozen=True)

    id: str
    tick: int
    seq: int
    op: str
    participants: tuple[str, ...]
    subject: str | None = None
    region: str | None = None
    success: bool = True
    reason: str | None = None
    message: str = ""
    dialogue: str | None = None
    tokens: int = 0
    drama: float = 0.0
    perturbation: bool = False
    card: str | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)

    @staticmethod
    def make_id(tick: int, seq: int) -> str:
        """Deterministic id: the event's place in time."""
        return f"e{tick}.{seq}"


class Record(NamedTuple):
    """One thing that happened, as the flux makes it: a few microseconds, not a validated
    model. `subject` and `region` are −1 when there is none."""

    tick: int
    seq: int
    op: str
    who: tuple[int, ...]
    subject: int
    region: int
    success: bool
    reason: str | None
    message: str
    dialogue: str | None
    tokens: int
    drama: float
    card: str | None
    metadata: dict[str, Any]

    def event(self, ids: Sequence[str]) -> Event:
        """The `Event` a reader sees, `ids` naming the town's citizens by index."""
        return Event(
            id=Event.make_id(self.tick, self.seq), tick=self.tick, seq=self.seq, op=self.op,
            participants=tuple([ids[i] for i in self.who]),
            subject=ids[self.subject] if self.subject >= 0 else None,
            region=REGION_NAMES[self.region] if self.region >= 0 else None,
            success=self.success, reason=self.reason, message=self.message,
            dialogue=self.dialogue, tokens=self.tokens, drama=self.drama,
            perturbation=self.card is not None, card=self.card, metadata=self.metadata)
