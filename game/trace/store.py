"""Save files (`.town`): a versioned JSON record of seed + branches + perturbations + hashes.

A save holds no events and no state: loading re-simulates every branch and checks each stored
hash, so a file is tiny and either replays bit for bit or says exactly where it does not.
Writes are atomic. Never pickle. Pure: never imports pygame or the view.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
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
from game.trace.timeline import MAIN, WALK_STEP, Timeline
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


def fresh(scenario: str, seed: int) -> SaveFile:
    """The history of a town at its start: its main branch, nothing simulated, no cards (what a
    window asked to start at a tick opens, `Opening` with `at`)."""
    return SaveFile(format=FORMAT, version=VERSION, app_version=__version__, scenario=scenario,
                    seed=seed, branches=[SavedBranch(name=MAIN, fork_tick=0, head=0)])


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


def build(record: SaveFile, where: str | Path = "save", keep_events: bool = True,
          keyframe_budget_mb: float = config.KEYFRAME_BUDGET_MB) -> Timeline:
    """A timeline with the file's branches declared (nothing simulated yet); one that only
    checks hashes or stands at a tick keeps no events, one that walks a single way once needs
    no keyframes."""
    try:
        timeline = Timeline(record.scenario, record.seed, keyframe_budget_mb=keyframe_budget_mb,
                            keep_events=keep_events)
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
            _check(timeline.hash_at(tick), b, tick, where)
        timeline.walk(b.head, b.name, report)
        timeline.branches[b.name].head = b.head
        finals[b.name] = timeline.flux.state_hash()
        before += b.head - b.fork_tick
    timeline.seek(min(record.cursor, timeline.branches[record.current].head), record.current)
    return finals


def verify_to(record: SaveFile, timeline: Timeline, name: str, tick: int,
              where: str | Path = "save", progress: Callable[[int, int], None] | None = None
              ) -> None:
    """Stand at `tick` on branch `name`, checking the stored hashes on the way there and no
    others (a tick past the branch's head is simulated on from it).

    `progress(done, total)` hears the ticks walked, every few thousand.
    """
    for b in record.branches:  # the whole history is held, though only a part is walked
        timeline.hold(b.name, b.head)
    for at in _walking(timeline, name, _stops_to(record, timeline, name, tick), where):
        if progress is not None:
            progress(at, tick)


def last_check(record: SaveFile, timeline: Timeline, name: str, tick: int) -> int:
    """The last tick up to `tick` on branch `name` with a stored hash (0 if none)."""
    return max((t for t, b in _stops_to(record, timeline, name, tick) if b is not None),
               default=0)


Stop = tuple[int, SavedBranch | None]  # a tick to reach, and the saved branch whose hash it has


def _stops_to(record: SaveFile, timeline: Timeline, name: str, tick: int) -> list[Stop]:
    """The stored hashes on branch `name`'s way to `tick` (each its owner's), then the tick."""
    saved = {b.name: b for b in record.branches}
    due = sorted((t, b.name) for b in timeline.lineage(name) for t in saved[b.name].hashes
                 if t <= tick and timeline.owner_of(name, t) == b.name)
    return [*((t, saved[owner]) for t, owner in due), (tick, None)]


def _walking(timeline: Timeline, name: str, stops: list[Stop], where: str | Path,
             step: int = WALK_STEP) -> Iterator[int]:
    """Walk branch `name` through `stops`, checking the hash of each that has one; yields the
    cursor every `step` ticks and at each stop. Raises HashMismatch."""
    if name != timeline.current:
        timeline.seek(0, name)
    for tick, b in stops:
        while timeline.cursor + step < tick:
            timeline.seek(timeline.cursor + step)
            yield timeline.cursor
        timeline.seek(tick)
        if b is not None:
            _check(timeline.hash_at(tick), b, tick, where)
        yield tick


def _check(got: str, b: SavedBranch, tick: int, where: str | Path) -> None:
    if got != b.hashes[tick]:
        raise HashMismatch(f"{where}: branch {limits.shown(b.name)}: state hash at tick "
                           f"{tick} is {got}, the file says {b.hashes[tick]}")


class Opening:
    """A saved history opened in slices a window can take between two frames.

    First the way to the saved cursor, checking the hashes on it: then `ready`, and `timeline`
    stands there to be shown and played. Then every branch is checked to its head on a timeline
    of its own that keeps no events (so the shown one may move meanwhile); `finals` then holds
    the heads' hashes. `done` of `total` ticks have run so far, for a progress bar.

    `at` stands the town at that tick of the current branch instead of the saved cursor (a
    sweep's row, or `fresh` run to a tick): past the branch's head, the town runs on.
    """

    def __init__(self, record: SaveFile, where: str | Path = "save", step: int = WALK_STEP,
                 at: int | None = None) -> None:
        self.record = record
        self.where = where
        self.step = step
        self.timeline = build(record, where)
        current = record.current
        self.cursor = at if at is not None else min(
            record.cursor, next(b.head for b in record.branches if b.name == current))
        self.total = self.cursor + sum(b.head - b.fork_tick for b in record.branches)
        self.done = 0
        self.ready = False
        self.finals: dict[str, str] = {}
        for b in record.branches:
            self.timeline.hold(b.name, b.head)
        self._work = self._slices()

    def advance(self) -> bool:
        """Run one slice (about `step` ticks); True once every branch is checked. Raises
        HashMismatch naming the branch and tick that differ."""
        return next(self._work, None) is None

    def _slices(self) -> Iterator[int]:
        current = self.record.current
        stops = _stops_to(self.record, self.timeline, current, self.cursor)
        for at in _walking(self.timeline, current, stops, self.where, self.step):
            self.done = at
            self.ready = at == self.cursor  # the way there checked: the town may be shown
            yield at
        before = self.cursor
        checker = build(self.record, self.where, keep_events=False)  # built once it is needed
        for b in self.record.branches:
            stops = [*((t, b) for t in sorted(b.hashes)), (b.head, None)]
            for at in _walking(checker, b.name, stops, self.where, self.step):
                self.done = before + max(0, at - b.fork_tick)
                yield self.done
            self.finals[b.name] = checker.hash_at(b.head)
            before += b.head - b.fork_tick
        self.done = self.total


def load(path: str | Path, progress: Callable[[int, int], None] | None = None
         ) -> tuple[Timeline, SaveFile, dict[str, str]]:
    """Read, rebuild and verify a save file: (timeline at the saved cursor, record, hashes)."""
    record = read(path)
    timeline = build(record, path)
    return timeline, record, verify(record, timeline, path, progress)
