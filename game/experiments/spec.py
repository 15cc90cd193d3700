"""A sweep spec: the JSON a person writes, validated by pydantic, and the runs it asks for.

```json
{"name": "rumor-splits", "question": "How often does a rumor on day 2 split a coalition?",
 "scenarios": ["town"], "seeds": {"from": 1, "to": 40}, "days": 3,
 "variants": [{"name": "quiet"},
              {"name": "rumor", "cards": [{"card": "rumor", "tick": 2000}]},
              {"name": "storms", "cards": [{"card": "storm", "ticks": {"from": 800,
                                            "to": 4000, "every": 800}}]}],
 "sample": {"every": 400, "what": ["metrics", "coalitions", "events", "reputation"]},
 "report": {"metrics": ["coalitions", "events_coalition_dissolved"], "since": 1900}}
```

A run is (scenario, variant, seed): its history is the seed and the variant's cards, so it is
re-openable from a tiny `.town`. Problems are one line naming where (`variants.1.cards.0:
unknown card 'rumour'`). Pure: never imports pygame, the view or the command line.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)

from game import config, limits
from game.sim.cards import Perturbation, check_card
from game.sim.events import EVENT_KINDS
from game.sim.scenarios import scenario, slug
from game.userfiles.jsonfile import JsonFileError, first_problem, read_json

MAX_RUNS = 100_000  # runs in one sweep: a table of a few million rows at most
MAX_SAMPLES = 10_000  # samples in one run
Seed = Annotated[int, Field(ge=0, le=limits.MAX_SEED, strict=True)]
Tick = Annotated[int, Field(ge=1, strict=True), AfterValidator(limits.check_ticks)]
Name = Annotated[str, AfterValidator(lambda v: limits.check_name(v, "name"))]


def _known_scenario(name: str) -> str:
    scenario(name)  # a ValueError in words for an unknown one, or a city beyond the limits
    return name


ScenarioName = Annotated[str, AfterValidator(_known_scenario)]


class SpecError(Exception):
    """A spec that cannot be used: one line naming the file, where in it, and the problem."""


class Sample(StrEnum):
    """What a sweep may sample: each is a group of columns of the table."""

    METRICS = "metrics"  # tension, cooperation, surplus, drama, events today, tokens
    COALITIONS = "coalitions"  # how many, the largest, citizens in one, every size
    EVENTS = "events"  # events of each kind so far (and all of them)
    REPUTATION = "reputation"  # every citizen's reputation, in the scenario's citizen order


# The table's columns: the run and sample first, then each group a spec samples, in this order.
KEY_COLUMNS: tuple[str, ...] = ("run", "scenario", "variant", "seed", "tick", "day",
                                "state_hash")
METRIC_COLUMNS: tuple[str, ...] = ("tension", "cooperation", "surplus", "drama",
                                   "events_today", "tokens")
COALITION_COLUMNS: tuple[str, ...] = ("coalitions", "coalition_largest", "coalition_members",
                                      "coalition_sizes")
EVENT_COLUMNS: tuple[str, ...] = ("events_total", *(f"events_{k}" for k in EVENT_KINDS))
REPUTATION_COLUMNS: tuple[str, ...] = ("reputation",)
LIST_COLUMNS = frozenset({"coalition_sizes", "reputation"})  # a list a row
SAMPLED: dict[Sample, tuple[str, ...]] = {
    Sample.METRICS: METRIC_COLUMNS, Sample.COALITIONS: COALITION_COLUMNS,
    Sample.EVENTS: EVENT_COLUMNS, Sample.REPUTATION: REPUTATION_COLUMNS,
}


def columns_for(what: tuple[Sample, ...]) -> tuple[str, ...]:
    """The table's columns, in order, for what a spec samples."""
    return KEY_COLUMNS + tuple(c for s in Sample if s in what for c in SAMPLED[s])


def plottable(what: tuple[Sample, ...]) -> tuple[str, ...]:
    """The sampled columns holding one number a row (what a report can plot)."""
    return tuple(c for c in columns_for(what)[len(KEY_COLUMNS):] if c not in LIST_COLUMNS)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TickRange(_Strict):
    """Ticks `from`, `from + every`, … up to `to` (inclusive)."""

    start: Tick = Field(alias="from")
    stop: Tick = Field(alias="to")
    every: Annotated[int, Field(ge=1, strict=True)] = config.PHASE_TICKS

    @model_validator(mode="after")
    def _in_order(self) -> TickRange:
        if self.stop < self.start:
            raise ValueError(f"'to' ({self.stop}) is before 'from' ({self.start})")
        limits.check_count(len(self.ticks()), limits.MAX_CARDS, "ticks in a range")
        return self

    def ticks(self) -> range:
        return range(self.start, self.stop + 1, self.every)


class CardEntry(_Strict):
    """A card at one tick, or the same card at every tick of a range."""

    card: str
    targets: tuple[str, ...] = ()
    tick: Tick | None = None
    ticks: TickRange | None = None

    @model_validator(mode="after")
    def _one_time(self) -> CardEntry:
        check_card(self.card, self.targets)
        if (self.tick is None) == (self.ticks is None):
            raise ValueError("give the card either a 'tick' or 'ticks' {from, to, every}")
        return self

    def perturbations(self) -> list[Perturbation]:
        ticks = self.ticks.ticks() if self.ticks is not None else [self.tick or 0]
        return [Perturbation(tick=t, card=self.card, targets=self.targets) for t in ticks]


class Variant(_Strict):
    """A card schedule: every run of the variant plays these cards (none: the town as is)."""

    name: Name
    cards: list[CardEntry] = Field(default_factory=list)

    def perturbations(self) -> list[Perturbation]:
        out = [p for entry in self.cards for p in entry.perturbations()]
        limits.check_count(len(out), limits.MAX_CARDS, f"cards in variant {self.name!r}")
        return sorted(out, key=lambda p: p.tick)  # stable: a tick's cards keep their order


class Sampling(_Strict):
    every: Annotated[int, Field(ge=1, strict=True)] = config.PHASE_TICKS
    what: tuple[Sample, ...] = (Sample.METRICS, Sample.COALITIONS, Sample.EVENTS)


class Report(_Strict):
    """What `sweep report` shows: these columns (default: coalitions, tension, drama …), their
    values at tick `until` (default: the end), and their change from just before tick `since`
    (a card's tick, say) to `until`."""

    metrics: tuple[Name, ...] = ()
    since: Annotated[int, Field(ge=0, strict=True)] = 0
    until: Tick | None = None


def _seed_list(value: object) -> object:
    """Seeds as a list, or a range {"from": a, "to": b} (both included)."""
    if isinstance(value, dict):
        if set(value) != {"from", "to"} or not all(
                isinstance(v, int) and not isinstance(v, bool) for v in value.values()):
            raise ValueError('seeds: a list of seeds, or {"from": A, "to": B} with whole numbers')
        start, stop = value["from"], value["to"]
        if not 0 <= start <= stop <= limits.MAX_SEED:
            raise ValueError(f"seeds from {limits.number(start)} to {limits.number(stop)}: "
                             f"expected 0 ≤ from ≤ to ≤ {limits.MAX_SEED}")
        limits.check_count(stop - start + 1, MAX_RUNS, "seeds")
        return list(range(start, stop + 1))
    if isinstance(value, list):
        limits.check_count(len(value), MAX_RUNS, "seeds")
    return value


class SweepSpec(_Strict):
    name: Name
    question: Annotated[str, AfterValidator(lambda v: limits.check_text(v, "question"))] = ""
    scenarios: Annotated[list[ScenarioName], Field(min_length=1)]
    seeds: Annotated[list[Seed], BeforeValidator(_seed_list), Field(min_length=1)]
    variants: Annotated[list[Variant], Field(min_length=1)] = Field(
        default_factory=lambda: [Variant(name="as is")])
    days: Annotated[int, Field(ge=1, le=limits.MAX_DAYS, strict=True)] | None = None
    ticks: Tick | None = None
    sample: Sampling = Sampling()
    report: Report = Report()

    @model_validator(mode="after")
    def _consistent(self) -> SweepSpec:
        if (self.days is None) == (self.ticks is None):
            raise ValueError("give either 'days' or 'ticks' (how long each run is)")
        _unique([slug(s) for s in self.scenarios], self.scenarios, "scenario")
        _unique([slug(v.name) for v in self.variants], [v.name for v in self.variants],
                "variant")
        if len(set(self.seeds)) != len(self.seeds):
            raise ValueError("seeds: a seed is listed twice")
        limits.check_count(len(self.scenarios) * len(self.variants) * len(self.seeds),
                           MAX_RUNS, "runs (scenarios × variants × seeds)")
        limits.check_count(self.length // self.sample.every + 2, MAX_SAMPLES,
                           "samples in a run")
        for v in self.variants:
            _check_variant(v, self.scenarios, self.length)
        _check_report(self.report, self.sample.what, self.length)
        return self

    @property
    def length(self) -> int:
        """Ticks each run lasts."""
        return self.ticks if self.ticks is not None else (self.days or 0) * config.DAY_TICKS

    def sample_ticks(self) -> list[int]:
        """Where every run is sampled: tick 0, each interval, and the run's last tick."""
        ticks = list(range(0, self.length + 1, self.sample.every))
        return ticks if ticks[-1] == self.length else [*ticks, self.length]

    def canonical(self) -> str:
        """The spec as one canonical JSON text (for the table's metadata and `--resume`)."""
        return json.dumps(self.model_dump(mode="json", by_alias=True), sort_keys=True,
                          separators=(",", ":"))

    def runs(self) -> list[RunPlan]:
        """Every run, in the table's order: scenario, then variant, then seed, as listed."""
        return [RunPlan(run_id(sc, v.name, seed), sc, v.name, seed,
                        tuple(v.perturbations()), tuple(self.sample_ticks()),
                        tuple(self.sample.what))
                for sc in self.scenarios for v in self.variants for seed in self.seeds]


def _unique(slugs: list[str], names: list[str], what: str) -> None:
    seen: dict[str, str] = {}
    for s, name in zip(slugs, names, strict=True):
        if not s:
            raise ValueError(f"{what} {limits.shown(name)} needs a letter or a digit")
        if s in seen:
            raise ValueError(f"{what}s {limits.shown(seen[s])} and {limits.shown(name)} "
                             f"would name the same runs")
        seen[s] = name


def _check_variant(v: Variant, scenarios: list[str], length: int) -> None:
    cards = v.perturbations()
    late = next((p for p in cards if p.tick > length), None)
    if late is not None:
        raise ValueError(f"variant {limits.shown(v.name)}: card {late.card!r} at tick "
                         f"{late.tick:,} is after the run's last tick ({length:,})")
    for name in scenarios:
        ids = {c.id for c in scenario(name).citizens}
        for p in cards:
            try:
                check_card(p.card, p.targets, ids)
            except ValueError as err:
                raise ValueError(f"variant {limits.shown(v.name)} in scenario "
                                 f"{limits.shown(name)}: card {p.card!r}: {err}") from None


def _check_report(report: Report, what: tuple[Sample, ...], length: int) -> None:
    columns = plottable(what)
    unknown = [m for m in report.metrics if m not in columns]
    if unknown:
        raise ValueError(f"report.metrics: the sweep samples no column {unknown[0]!r} (it "
                         f"samples {', '.join(columns)})")
    until = length if report.until is None else report.until
    if not report.since < until <= length:
        raise ValueError(f"report: expected since < until ≤ the run's last tick ({length:,}), "
                         f"got since {report.since:,}, until {until:,}")


def run_id(scenario_name: str, variant: str, seed: int) -> str:
    """A run's name, for files and the table: `town-rumor-s7`."""
    return f"{slug(scenario_name)}-{slug(variant)}-s{seed}"


@dataclass(frozen=True)
class RunPlan:
    """One run, everything a worker needs: plain data, cheap to send."""

    run: str
    scenario: str
    variant: str
    seed: int
    cards: tuple[Perturbation, ...]
    sample_ticks: tuple[int, ...]
    what: tuple[Sample, ...]


def parse(raw: object, where: str) -> SweepSpec:
    """A spec from parsed JSON; SpecError names `where` and the first problem."""
    try:
        return SweepSpec.model_validate(raw)
    except ValidationError as err:
        loc, message = first_problem(err)
        at = ".".join(map(str, loc))
        raise SpecError(f"{where}: {at + ': ' if at else ''}{message}") from None


def load(path: str | Path) -> SweepSpec:
    """Read and validate a spec file; SpecError in one line otherwise."""
    try:
        raw: Any = read_json(path)
    except JsonFileError as err:
        raise SpecError(f"cannot read {path}: {err}") from None
    return parse(raw, str(path))
