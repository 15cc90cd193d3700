"""Perturbation cards: the table of cards and the `Perturbation` record the flux runs.

A card never touches state: a click (or a line of a perturbation file) becomes a `Perturbation`,
the flux queues it and runs it inside the tick it names. Pure: never imports pygame or the view.
"""

from __future__ import annotations

from collections.abc import Container, Sequence
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from game import limits


@dataclass(frozen=True)
class CardSpec:
    name: str
    title: str
    op: str  # the operation (or flux event) the card runs
    max_targets: int
    target_roles: tuple[str, ...]  # what each clicked citizen is, in order
    hotkey: str
    blurb: str


CARDS: dict[str, CardSpec] = {
    c.name: c
    for c in (
        CardSpec("greet", "Greet", "greet", 2, ("first", "second"), "G",
                 "Two citizens greet: warmth grows both ways."),
        CardSpec("gossip", "Gossip", "gossip", 3, ("speaker", "listener", "subject"), "O",
                 "A speaker tells a listener what it thinks of someone."),
        CardSpec("trade", "Trade", "trade", 2, ("first", "second"), "T",
                 "A trade: trust grows, both gain surplus."),
        CardSpec("solo", "Solo", "solo", 1, ("citizen",), "L",
                 "A citizen works, reflects or creates alone."),
        CardSpec("festival", "Festival", "festival", 0, (), "F",
                 "Everyone free walks to the square and celebrates together."),
        CardSpec("storm", "Storm", "storm", 0, (), "M",
                 "Outdoor citizens shelter indoors; outdoor life pauses for a phase."),
        CardSpec("rumor", "Rumor", "rumor", 2, ("subject", "speaker"), "R",
                 "A negative story about someone starts to spread."),
        CardSpec("dispute", "Dispute", "dispute", 2, ("first", "second"), "X",
                 "Two citizens quarrel: relations sour, less so for the patient."),
        CardSpec("teach", "Teach", "teach", 2, ("teacher", "learner"), "E",
                 "A teacher passes on curiosity and creativity."),
        CardSpec("wake", "Wake", "wake", 1, ("sleeper",), "K",
                 "Wake a resting citizen (the only thing a sleeper accepts)."),
    )
}


def check_card(card: str, targets: Sequence[str], citizens: Container[str] | None = None) -> None:
    """The one check of a card and its targets, for every way a card arrives (a click, a file,
    a save, a demo script, the command line). Raises ValueError in words; `citizens` (ids), when
    given, must hold every target."""
    spec = CARDS.get(card)
    if spec is None:
        raise ValueError(f"unknown card {limits.shown(card)} (cards: {', '.join(CARDS)})")
    if len(targets) > spec.max_targets:
        most = spec.max_targets
        takes = ("no targets" if not most else "one target at most" if most == 1
                 else f"at most {most} targets")
        roles = f" ({', '.join(spec.target_roles)})" if most else ""
        raise ValueError(f"{card} takes {takes}{roles}, got {len(targets)}")
    if citizens is None:
        return
    for target in targets:
        if target not in citizens:
            raise ValueError(f"unknown citizen {limits.shown(target)}")


class Perturbation(BaseModel):
    """A card played at a tick, with optional targets (citizen ids)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    tick: int = Field(ge=1, strict=True)  # strict: `true` is no tick
    card: str
    targets: tuple[str, ...] = ()

    @field_validator("tick")
    @classmethod
    def _within_the_limit(cls, tick: int) -> int:
        return limits.check_ticks(tick)

    @field_validator("card")
    @classmethod
    def _known_card(cls, card: str) -> str:
        check_card(card, ())
        return card

    @model_validator(mode="after")
    def _not_too_many_targets(self) -> Perturbation:
        check_card(self.card, self.targets)
        return self
