"""Scripted demos: a list of timed steps (cards, speed, selection, scrubbing, overlays, captions).

A script is JSON validated here; the window plays it frame by frame (a step at `at` seconds runs
at frame round(at × fps)), so the same script and seed give the same demo, frame for frame.
No pygame here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator

from game import config, limits
from game.sim.cards import CARDS, check_card
from game.sim.scenarios import scenario
from game.speed import check as check_speed
from game.userfiles.jsonfile import JsonFileError, first_problem, read_json


class DemoError(Exception):
    """A script that cannot be played; the message names the file and the step."""


# Times are finite seconds within the hour a demo may last (1e308 × fps is no frame number).
def _within_an_hour(seconds: float) -> float:
    if seconds > limits.MAX_SECONDS_SHOWN:
        raise ValueError(f"{seconds:g} s is past the limit of {limits.MAX_SECONDS_SHOWN:,} s "
                         f"(a demo lasts an hour at most)")
    return seconds


Seconds = Annotated[float, Field(ge=0, allow_inf_nan=False), AfterValidator(_within_an_hour)]
# Whole numbers a person writes are strict: `true` is not 1 and 2.0 is no speed.
Whole = Annotated[int, Field(strict=True)]
Name = Annotated[str, AfterValidator(lambda v: limits.check_name(v, "name"))]


class _Step(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    at: Seconds = Field(description="seconds from the start of the demo")


class CardStep(_Step):
    do: Literal["card"]
    card: str
    targets: tuple[Name, ...] = ()

    @field_validator("card")
    @classmethod
    def _known(cls, card: str) -> str:
        if card not in CARDS:
            raise ValueError(f"unknown card {card!r} (cards: {', '.join(CARDS)})")
        return card


class SpeedStep(_Step):
    do: Literal["speed"]
    speed: Whole

    @field_validator("speed")
    @classmethod
    def _known(cls, speed: int) -> int:
        return check_speed(speed)


class SelectStep(_Step):
    do: Literal["select"]
    citizen: Name | None = None  # None clears the selection
    lod: Whole | None = Field(default=None, ge=0, le=5)  # None keeps the level of detail


class ScrubStep(_Step):
    do: Literal["scrub"]
    tick: Annotated[int, Field(ge=0, strict=True), AfterValidator(limits.check_ticks)]


class BranchStep(_Step):
    do: Literal["branch"]
    name: Name


class OverlayStep(_Step):
    do: Literal["overlay"]
    name: Literal["coalitions", "hud", "presentation", "help", "branches"]
    on: bool = Field(default=True, strict=True)


class ViewStep(_Step):
    """Back to the home view at a zoom level (1 shows the whole town, 4 is closest)."""

    do: Literal["view"]
    zoom: Whole = Field(default=2, ge=1, le=4)  # the camera's zoom levels


class CaptionStep(_Step):
    do: Literal["caption"]
    text: Annotated[str, Field(min_length=1),
                    AfterValidator(lambda v: limits.check_text(v, "text"))]
    seconds: Seconds = Field(default=4.0, gt=0)


class WaitStep(_Step):
    do: Literal["wait"]


Step = Annotated[
    CardStep | SpeedStep | SelectStep | ScrubStep | BranchStep | OverlayStep | ViewStep
    | CaptionStep | WaitStep,
    Field(discriminator="do"),
]


class DemoScript(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    title: Annotated[str, AfterValidator(lambda v: limits.check_text(v, "title"))] = "Agent Town"
    scenario: Annotated[str, Field(max_length=limits.MAX_NAME)] = config.DEFAULT_SCENARIO
    seed: Whole = Field(default=config.DEFAULT_SEED, ge=0, le=limits.MAX_SEED)
    fps: Whole = Field(default=config.FRAME_RATE, ge=1, le=120)
    steps: tuple[Step, ...] = Field(max_length=limits.MAX_DEMO_STEPS)

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
        try:
            if isinstance(step, CardStep):
                check_card(step.card, step.targets, citizens)
            elif isinstance(step, SelectStep) and step.citizen and step.citizen not in citizens:
                raise ValueError(f"unknown citizen {step.citizen!r}")
        except ValueError as err:
            raise DemoError(f"{label}: {err}") from None
    return script


def parse(raw: object, where: str = "demo") -> DemoScript:
    try:
        script = DemoScript.model_validate(raw)
    except ValidationError as err:
        loc, msg = first_problem(err)
        if len(loc) >= 2 and loc[0] == "steps" and isinstance(loc[1], int):
            steps = raw.get("steps") if isinstance(raw, dict) else None
            kind = (steps[loc[1]].get("do", "?") if isinstance(steps, list)
                    and loc[1] < len(steps) and isinstance(steps[loc[1]], dict) else "?")
            field = ".".join(str(p) for p in loc[3:]) or "step"
            raise DemoError(f"{where}: step {loc[1]} ({limits.one_line(str(kind), 40)}): "
                            f"{field}: {msg}") from None
        raise DemoError(f"{where}: {'.'.join(map(str, loc)) or 'script'}: {msg}") from None
    return _check(script, where)


def load(path: str | Path) -> DemoScript:
    try:
        raw = read_json(path)
    except JsonFileError as err:
        raise DemoError(f"cannot read {path}: {err}") from None
    return parse(raw, str(path))


def default_script() -> DemoScript:
    """The product's story in about a minute, tuned for the town of seed 7.

    The town wakes (4×). A Rumor card: Hugo starts a story about Igor at tick 561; it reaches
    Tomas at once and Elsa at tick 771, and at the phase end (tick 800) the three tellers form a
    coalition (2×, coalition lines on). The HUD comes back, the knob is dragged back to tick 480,
    before the rumor, and a Festival is played there instead: branch b1 (4×, back to
    presentation). Everyone free walks to the square, 16 celebrate at tick 969, and at nightfall
    (tick 1200) nine of them, Igor among them, form one coalition. Then the whole town, main and
    b1 at the same tick, with the full HUD and the coalition lines.
    """
    steps: list[dict[str, object]] = [
        {"at": 0.0, "do": "overlay", "name": "presentation", "on": True},
        {"at": 0.0, "do": "speed", "speed": 4},
        {"at": 0.0, "do": "caption", "text": "Agent Town: 25 citizens, one seeded town",
         "seconds": 4.5},
        {"at": 5.0, "do": "caption", "text": "A Rumor card: Hugo starts a story about Igor",
         "seconds": 4.5},
        {"at": 7.0, "do": "card", "card": "rumor", "targets": ["igor", "hugo"]},
        {"at": 7.0, "do": "speed", "speed": 2},
        {"at": 9.0, "do": "overlay", "name": "coalitions", "on": True},
        {"at": 10.0, "do": "caption", "text": "It spreads: Tomas hears it, then Elsa",
         "seconds": 3.5},
        {"at": 13.5, "do": "caption", "text": "The three tellers form a coalition",
         "seconds": 3.5},
        {"at": 17.0, "do": "overlay", "name": "presentation", "on": False},
        {"at": 17.0, "do": "speed", "speed": 0},
        {"at": 17.0, "do": "caption", "text": "Every tick is kept: rewind to before the rumor",
         "seconds": 3.0},
        {"at": 18.0, "do": "scrub", "tick": 480},
        {"at": 20.5, "do": "caption", "text": "Play a Festival there instead: a new branch",
         "seconds": 3.5},
        {"at": 21.5, "do": "card", "card": "festival"},
        {"at": 24.0, "do": "overlay", "name": "presentation", "on": True},
        {"at": 24.0, "do": "speed", "speed": 4},
        {"at": 24.0, "do": "caption", "text": "Everyone free walks to the square",
         "seconds": 4.0},
        {"at": 30.0, "do": "caption", "text": "They celebrate together", "seconds": 3.0},
        {"at": 33.0, "do": "caption", "text": "At nightfall nine form one coalition, Igor too",
         "seconds": 3.0},
        {"at": 36.0, "do": "overlay", "name": "presentation", "on": False},
        {"at": 36.0, "do": "speed", "speed": 0},
        {"at": 36.0, "do": "view", "zoom": 1},
        {"at": 36.0, "do": "select", "citizen": "igor", "lod": 3},
        {"at": 36.5, "do": "caption", "text": "Compare the two branches at the same tick",
         "seconds": 3.0},
        {"at": 37.0, "do": "overlay", "name": "branches", "on": True},
        {"at": 39.5, "do": "branch", "name": "main"},
        {"at": 39.5, "do": "caption", "text": "main: the rumor's tellers keep to themselves",
         "seconds": 5.0},
        {"at": 45.0, "do": "branch", "name": "b1"},
        {"at": 45.0, "do": "caption", "text": "b1: one coalition of nine, Igor among them",
         "seconds": 5.0},
        {"at": 50.5, "do": "select", "citizen": None},
        {"at": 50.5, "do": "view", "zoom": 2},
        {"at": 50.5, "do": "overlay", "name": "presentation", "on": True},
        {"at": 50.5, "do": "speed", "speed": 2},
        {"at": 51.0, "do": "caption", "text": "Same seed, same cards: the same town, bit for bit",
         "seconds": 7.5},
        {"at": 59.0, "do": "wait"},
    ]
    return parse({"title": "Agent Town in a minute", "steps": steps}, "built-in demo")
