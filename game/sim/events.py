"""Events: what the flux records, one immutable pydantic model per thing that happened.

Pure: never imports pygame, the view or the trace.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

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
