"""Scripted demos: a list of timed steps (cards, speed, selection, scrubbing, overlays, captions).

A script is JSON validated here; the window plays it frame by frame (a step at `at` seconds runs
at frame round(at × fps)), so the same script and seed give the same demo, frame for frame.
No pygame here.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from game import config
from game.sim.cards import CARDS
from game.sim.scenarios import scenario


class DemoError(Exception):
    """A script that cannot be played; the message names the file and the step."""


class _Step(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    at: float = Field(ge=0, description="seconds from the start of the demo")


class CardStep(_Step):
    do: Literal["card"]
    card: str
    targets: tuple[str, ...] = ()

    @field_validator("card")
    @classmethod
    def _known(cls, card: str) -> str:
        if card not in CARDS:
            raise ValueError(f"unknown card {card!r} (cards: {', '.join(CARDS)})")
        return card


class SpeedStep(_Step):
    do: Literal["speed"]
    speed: int

    @field_validator("speed")
    @classmethod
    def _known(cls, speed: int) -> int:
        if speed not in config.SPEEDS:
            raise ValueError(f"speed must be one of {', '.join(map(str, config.SPEEDS))}")
        return speed


class SelectStep(_Step):
    do: Literal["select"]
    citizen: str | None = None  # None clears the selection
    lod: int = Field(default=0, ge=0, le=5)


class ScrubStep(_Step):
    do: Literal["scrub"]
    tick: int = Field(ge=0)


class BranchStep(_Step):
    do: Literal["branch"]
    name: str


class OverlayStep(_Step):
    do: Literal["overlay"]
    name: Literal["coalitions", "hud", "presentation", "help"]
    on: bool = True


class CaptionStep(_Step):
    do: Literal["caption"]
    text: str = Field(min_length=1, max_length=200)
    seconds: float = Field(default=4.0, gt=0)


class WaitStep(_Step):
    do: Literal["wait"]


Step = Annotated[
    CardStep | SpeedStep | SelectStep | ScrubStep | BranchStep | OverlayStep | CaptionStep
    | WaitStep,
    Field(discriminator="do"),
]


class DemoScript(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str = "Agent Town"
    scenario: str = "town"
    seed: int = Field(default=7, ge=0)
    fps: int = Field(default=60, ge=1, le=120)
    steps: tuple[Step, ...]

    @property
    def frames(self) -> int:
        """The demo's length: one second after its last step."""
        last = max((s.at for s in self.steps), default=0.0)
        return round((last + 1.0) * self.fps)

    def frame_of(self, step: _Step) -> int:
        return round(step.at * self.fps)


def _check(script: DemoScript, where: str) -> DemoScript:
    """What the schema cannot see: the scenario, citizens' names, the steps' order."""
    try:
        citizens = {c.id for c in scenario(script.scenario).citizens}
    except ValueError as err:
        raise DemoError(f"{where}: {err}") from None
    previous = 0.0
    for n, step in enumerate(script.steps):
        label = f"{where}: step {n} ({step.do})"
        if step.at < previous:
            raise DemoError(f"{label}: starts at {step.at} s, before the step above it "
                            f"({previous} s)")
        previous = step.at
        names = (step.targets if isinstance(step, CardStep)
                 else (step.citizen,) if isinstance(step, SelectStep) and step.citizen
                 else ())
        for name in names:
            if name not in citizens:
                raise DemoError(f"{label}: unknown citizen {name!r}")
    return script


def parse(raw: object, where: str = "demo") -> DemoScript:
    try:
        script = DemoScript.model_validate(raw)
    except ValidationError as err:
        first = err.errors()[0]
        loc = list(first["loc"])
        msg = str(first["msg"]).removeprefix("Value error, ")
        if len(loc) >= 2 and loc[0] == "steps" and isinstance(loc[1], int):
            steps = raw.get("steps") if isinstance(raw, dict) else None
            kind = (steps[loc[1]].get("do", "?") if isinstance(steps, list)
                    and loc[1] < len(steps) and isinstance(steps[loc[1]], dict) else "?")
            field = ".".join(str(p) for p in loc[3:]) or "step"
            raise DemoError(f"{where}: step {loc[1]} ({kind}): {field}: {msg}") from None
        raise DemoError(f"{where}: {'.'.join(map(str, loc)) or 'script'}: {msg}") from None
    return _check(script, where)


def load(path: str | Path) -> DemoScript:
    where = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as err:
        raise DemoError(f"cannot read {where}: {err.strerror}") from None
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as err:
        raise DemoError(f"{where}: line {err.lineno}: {err.msg}") from None
    return parse(raw, where)


def default_script() -> DemoScript:
    """The product's story in about a minute: the town wakes; a gossip turns into a rumor and a
    coalition; we scrub back before the gossip, play a festival instead, and compare."""
    steps: list[dict[str, object]] = [
        {"at": 0.0, "do": "overlay", "name": "presentation", "on": True},
        {"at": 0.0, "do": "caption", "text": "Agent Town: 25 citizens wake up", "seconds": 4},
        {"at": 0.0, "do": "speed", "speed": 4},
        {"at": 6.0, "do": "select", "citizen": "igor", "lod": 2},
        {"at": 8.0, "do": "caption", "text": "A card: Rosa gossips about Igor", "seconds": 4},
        {"at": 8.5, "do": "card", "card": "rumor", "targets": ["igor", "rosa"]},
        {"at": 9.0, "do": "speed", "speed": 8},
        {"at": 12.0, "do": "overlay", "name": "coalitions", "on": True},
        {"at": 14.0, "do": "caption", "text": "The rumor spreads; coalitions form", "seconds": 5},
        {"at": 24.0, "do": "select", "citizen": "igor", "lod": 4},
        {"at": 27.0, "do": "caption", "text": "Rewind: back before the gossip", "seconds": 4},
        {"at": 28.0, "do": "speed", "speed": 0},
        {"at": 28.5, "do": "scrub", "tick": 300},
        {"at": 31.0, "do": "caption", "text": "Play a festival instead: a new branch",
         "seconds": 4},
        {"at": 32.0, "do": "card", "card": "festival"},
        {"at": 32.5, "do": "speed", "speed": 8},
        {"at": 44.0, "do": "caption", "text": "Compare: the rumor's town…", "seconds": 3},
        {"at": 44.0, "do": "speed", "speed": 0},
        {"at": 44.5, "do": "branch", "name": "main"},
        {"at": 49.0, "do": "caption", "text": "…and the festival's town", "seconds": 3},
        {"at": 49.5, "do": "branch", "name": "b1"},
        {"at": 54.0, "do": "speed", "speed": 4},
        {"at": 54.0, "do": "caption", "text": "Same seed, same cards, same town. Bit for bit.",
         "seconds": 5},
        {"at": 59.0, "do": "wait"},
    ]
    return parse({"title": "Agent Town in a minute", "steps": steps}, "built-in demo")
