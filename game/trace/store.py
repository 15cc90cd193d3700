"""Save files (`.town`): a versioned JSON record of seed + branches + perturbations + hashes.

A save holds no events and no state: loading re-simulates every branch and checks each stored
hash, so a file is tiny and either replays bit for bit or says exactly where it does not.
Writes are atomic. Never pickle. Pure: never imports pygame or the view.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)

from game import __version__, config, limits
from game.sim.cards import Perturbation
from game.trace.timeline import MAIN, Timeline
from game.userfiles.jsonfile import JsonFileError, first_problem, read_json
from game.userfiles.storage import atomic_write_text

FORMAT = "agent-town"
# 2: the town's arithmetic gives the same bits on every machine (no BLAS, no platform pow),
# reputation over the trust edges, rumors trim what their carrier heard, and the state hash
# covers the bonds that moved from their initial value. A version-1 history re-simulated
# today would be another town, so version 1 is refused in words rather than mis-verified.
VERSION = 2
OLD_VERSIONS = {1: "its towns depended on the computer's maths library, and this version's "
                   "arithmetic is the same everywhere"}


class SaveError(Exception):
    """A save file that cannot be used; the message names the file and the problem."""


class HashMismatch(SaveError):
    """Re-simulating a branch gave another state hash than the file records."""


Name = Annotated[str, AfterValidator(lambda v: limits.check_name(v, "name"))]
Label = Annotated[str, AfterValidator(lambda v: limits.check_text(v, "label"))]
# Ticks and counts are whole numbers in the file: strict, so `true` is not 1 and 1.5 no tick.
Tick = Annotated[int, Field(ge=0, strict=True), AfterValidator(limits.check_ticks)]
HASH_PATTERN = r"^[0-9a-f]{16}$"


def _at_most(most: int, what: str) -> Callable[[object], object]:
    """A before-validator refusing a list longer than `most`, before its items are read."""
    def check(value: object) -> object:
        if isinstance(value, list):
            limits.check_count(len(value), most, what)
        return value
    return check


class SavedBranch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name
    parent: Name | None = None
    fork_tick: Tick
    label: Label = ""
    head: Tick
    perturbations: Annotated[list[Perturbation], BeforeValidator(
        _at_most(limits.MAX_CARDS, "cards in a branch"))] = Field(default_factory=list)
    # tick → state hash after that tick (JSON keys are strings: the tick is read from one)
    hashes: dict[int, Annotated[str, Field(pattern=HASH_PATTERN)]] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _ticks_in_order(self) -> SavedBranch:
        if self.head < self.fork_tick:
            raise ValueError(f"head {self.head} is before the fork at tick {self.fork_tick}")
        for tick in self.hashes:
            if not (self.fork_tick < tick <= self.head or tick == self.head):
                raise ValueError(f"a hash at tick {limits.number(tick)} lies outside the "
                                 f"branch (ticks {self.fork_tick + 1} to {self.head})")
            # Only where `checkpoints` puts them: a hash per tick would be a hash of the whole
            # town per tick to check, a small file asking for unbounded work.
            if tick != self.head and tick % config.DAY_TICKS:
                raise ValueError(f"a hash at tick {tick} is neither at a day's end nor at the "
                                 f"head")
        if self.head > self.fork_tick and self.head not in self.hashes:
            raise ValueError(f"no state hash at the head (tick {self.head}): nothing to check "
                             f"the branch against")
        return self


class SaveFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    format: Literal["agent-town"]
    version: Annotated[int, Field(strict=True)]
    app_version: Annotated[str, Field(max_length=limits.MAX_NAME)]
    scenario: Annotated[str, Field(max_length=limits.MAX_NAME)]
    seed: Annotated[int, Field(ge=0, le=limits.MAX_SEED, strict=True)]
    title: Label | None = None
    notes: Annotated[str, Field(max_length=limits.MAX_NOTES)] | None = None
    current: Name = MAIN
    cursor: Tick = 0
    branches: Annotated[list[SavedBranch], BeforeValidator(
        _at_most(limits.MAX_BRANCHES, "branches"))]

    @model_validator(mode="after")
    def _history_within_the_limit(self) -> SaveFile:
        limits.check_ticks(history_ticks(self), "the history's ticks (all branches) reach")
        return self


def history_ticks(record: SaveFile) -> int:
    """The ticks re-simulating a save runs, at most: each branch's own after its fork, up to
    its head or the last fork from it, whichever is later."""
    extent = {b.name: b.head for b in record.branches}
    for b in record.branches:
        if b.parent in extent:
            extent[b.parent] = max(extent[b.parent], b.fork_tick)
    return sum(extent[b.name] - b.fork_tick for b in record.branches)


def unsimulated(b: SavedBranch) -> bool:
    """A branch recorded with its cards and nothing simulated (`cards_only`): loading
    re-simulates what branches forking from it need, and trusts it."""
    return b.head == b.fork_tick and not b.hashes


def checkpoints(head: int, fork_tick: int) -> list[int]:
    """Ticks whose hashes a save stores for a branch: each day's end after the fork, the head."""
    days = range(config.DAY_TICKS, head, config.DAY_TICKS)
    return [t for t in days if t > fork_tick] + [head]


def to_save(timeline: Timeline, title: str | None = None, notes: str | None = None) -> SaveFile:
    """Record a timeline: its branches, their perturbations and hashes at checkpoints."""
    here, current = timeline.cursor, timeline.current
    branches = []
    for b in timeline.branches.values():
        hashes = {t: timeline.hash_at(t, b.name) for t in checkpoints(b.head, b.fork_tick)}
        branches.append(SavedBranch(name=b.name, parent=b.parent, fork_tick=b.fork_tick,
                                    label=b.label, head=b.head,
                                    perturbations=list(b.perturbations), hashes=hashes))
    timeline.seek(here, current)
    return SaveFile(format=FORMAT, version=VERSION, app_version=__version__,
                    scenario=timeline.scenario, seed=timeline.seed, title=title, notes=notes,
                    current=current, cursor=here, branches=branches)


def cards_only(timeline: Timeline, title: str) -> SaveFile:
    """The branches and their cards with no hashes: for a town that cannot be re-simulated
    now (after an error); loading it re-simulates and trusts what it gets."""
    return SaveFile(format=FORMAT, version=VERSION, app_version=__version__,
                    scenario=timeline.scenario, seed=timeline.seed, title=title, current=MAIN,
                    branches=[SavedBranch(name=b.name, parent=b.parent, fork_tick=b.fork_tick,
                                          label=b.label, head=b.fork_tick,
                                          perturbations=list(b.perturbations))
                              for b in timeline.branches.values()])


def write(record: SaveFile, path: str | Path) -> None:
    """Write a save file atomically: a crash mid-write leaves the old file whole."""
    atomic_write_text(path, record.model_dump_json(indent=1) + "\n")


def save(timeline: Timeline, path: str | Path, title: str | None = None) -> SaveFile:
    record = to_save(timeline, title)
    write(record, path)
    return record


def read(path: str | Path) -> SaveFile:
    """Parse and validate a save file (no simulation yet)."""
    where = Path(path)
    try:
        raw = read_json(where)
    except JsonFileError as err:
        raise SaveError(f"cannot open {where}: {err}") from None
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        raise SaveError(f"cannot open {where}: not an Agent Town save file")
    version = raw.get("version")
    if version != VERSION:
        why = (OLD_VERSIONS.get(version)  # `true` is not version 1
               if isinstance(version, int) and not isinstance(version, bool) else None)
        raise SaveError(f"cannot open {where}: save version {limits.one_line(repr(version), 40)}"
                        f" is not read by this "
                        f"Agent Town (it reads version {VERSION}" +
                        (f"; {why})" if why else ")"))
    try:
        return SaveFile.model_validate(raw)
    except ValidationError as err:
        loc, msg = first_problem(err)
        raise SaveError(f"cannot open {where}: {'.'.join(map(str, loc)) + ': ' if loc else ''}"
                        f"{msg}") from None


def build(record: SaveFile, where: str | Path = "save") -> Timeline:
    """A timeline with the file's branches declared (nothing simulated yet)."""
    try:
        timeline = Timeline(record.scenario, record.seed)
    except ValueError as err:
        raise SaveError(f"cannot open {where}: {err}") from None
    names = {b.name for b in record.branches}
    if MAIN not in names:
        raise SaveError(f"cannot open {where}: no branch named {MAIN!r}")
    declared: dict[str, SavedBranch] = {}
    for b in record.branches:
        try:
            _declare(timeline, b, declared)
        except ValueError as err:
            raise SaveError(f"cannot open {where}: {err}") from None
        declared[b.name] = b
    if record.current not in names:
        raise SaveError(f"cannot open {where}: current branch "
                        f"{limits.shown(record.current)} is unknown")
    return timeline


def _declare(timeline: Timeline, b: SavedBranch, declared: dict[str, SavedBranch]) -> None:
    """Declare one saved branch on the timeline after those `declared` before it. Raises
    ValueError in words."""
    parent = declared.get(b.parent) if b.parent is not None else None
    if b.name in declared:
        raise ValueError(f"branch {limits.shown(b.name)} is declared twice")
    if b.name == MAIN:
        if b.parent is not None or b.fork_tick != 0:
            raise ValueError("the main branch has no parent and starts at tick 0")
        timeline.branches[MAIN].perturbations = sorted(b.perturbations, key=lambda p: p.tick)
        timeline.branches[MAIN].label = b.label or MAIN
    else:
        if b.parent is None:
            raise ValueError(f"branch {limits.shown(b.name)} needs a parent")
        if parent is not None and b.fork_tick > parent.head and not unsimulated(parent):
            raise ValueError(f"branch {limits.shown(b.name)} forks at tick {b.fork_tick}, past "
                             f"its parent's head (tick {parent.head})")
        timeline.add_branch(b.name, b.parent, b.fork_tick,
                            sorted(b.perturbations, key=lambda p: p.tick), b.label)
    for p in b.perturbations:
        try:
            timeline.flux.check(p)
        except ValueError as err:
            raise ValueError(f"branch {limits.shown(b.name)}, tick {p.tick}: {err}") from None
        if b.parent is not None and p.tick <= b.fork_tick:
            raise ValueError(f"branch {limits.shown(b.name)}: card {p.card!r} at tick {p.tick} "
                             f"is before its fork at tick {b.fork_tick}")


def verify(record: SaveFile, timeline: Timeline, where: str | Path = "save",
           progress: Callable[[int, int], None] | None = None) -> dict[str, str]:
    """Re-simulate every branch to its head, checking each stored hash; the heads' hashes.

    `progress(done, total)` hears how many of the history's ticks have run, every few
    thousand. Builds the keyframes on the way, so seeking afterwards is fast.
    """
    finals: dict[str, str] = {}
    total, before = sum(b.head - b.fork_tick for b in record.branches), 0
    for b in record.branches:
        timeline.seek(b.fork_tick, b.name)

        def report(tick: int, start: int = before, fork: int = b.fork_tick) -> None:
            if progress is not None:
                progress(start + tick - fork, total)

        for tick in sorted(b.hashes):
            timeline.walk(tick, b.name, report)
            got = timeline.flux.state_hash()
            if got != b.hashes[tick]:
                raise HashMismatch(f"{where}: branch {limits.shown(b.name)}: state hash at tick "
                                   f"{tick} is {got}, the file says {b.hashes[tick]}")
        timeline.walk(b.head, b.name, report)
        timeline.branches[b.name].head = b.head
        finals[b.name] = timeline.flux.state_hash()
        before += b.head - b.fork_tick
    timeline.seek(min(record.cursor, timeline.branches[record.current].head), record.current)
    return finals


def load(path: str | Path, progress: Callable[[int, int], None] | None = None
         ) -> tuple[Timeline, SaveFile, dict[str, str]]:
    """Read, rebuild and verify a save file: (timeline at the saved cursor, record, hashes)."""
    record = read(path)
    timeline = build(record, path)
    return timeline, record, verify(record, timeline, path, progress)
