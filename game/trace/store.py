"""Save files (`.town`): a versioned JSON record of seed + branches + perturbations + hashes.

A save holds no events and no state: loading re-simulates every branch and checks each stored
hash, so a file is tiny and either replays bit for bit or says exactly where it does not.
Writes are atomic. Never pickle. Pure: never imports pygame or the view.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from game import __version__, config
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


class SavedBranch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1)
    parent: str | None = None
    fork_tick: int = Field(ge=0)
    label: str = ""
    head: int = Field(ge=0)
    perturbations: list[Perturbation] = Field(default_factory=list)
    hashes: dict[int, str] = Field(default_factory=dict)  # tick → state hash after that tick


class SaveFile(BaseModel):
    model_config = ConfigDict(extra="forbid")

    format: Literal["agent-town"]
    version: int
    app_version: str
    scenario: str
    seed: int = Field(ge=0)
    title: str | None = None
    notes: str | None = None
    current: str = MAIN
    cursor: int = Field(default=0, ge=0)
    branches: list[SavedBranch]


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
        why = OLD_VERSIONS.get(version) if isinstance(version, int) else None
        raise SaveError(f"cannot open {where}: save version {version!r} is not read by this "
                        f"Agent Town (it reads version {VERSION}" +
                        (f"; {why})" if why else ")"))
    try:
        return SaveFile.model_validate(raw)
    except ValidationError as err:
        loc, msg = first_problem(err)
        raise SaveError(f"cannot open {where}: {'.'.join(map(str, loc))}: {msg}") from None


def build(record: SaveFile, where: str | Path = "save") -> Timeline:
    """A timeline with the file's branches declared (nothing simulated yet)."""
    try:
        timeline = Timeline(record.scenario, record.seed)
    except ValueError as err:
        raise SaveError(f"cannot open {where}: {err}") from None
    names = {b.name for b in record.branches}
    if MAIN not in names:
        raise SaveError(f"cannot open {where}: no branch named {MAIN!r}")
    for b in record.branches:
        try:
            if b.name == MAIN:
                if b.parent is not None:
                    raise ValueError("the main branch has no parent")
                timeline.branches[MAIN].perturbations = list(b.perturbations)
                timeline.branches[MAIN].label = b.label or MAIN
            else:
                if b.parent is None:
                    raise ValueError(f"branch {b.name!r} needs a parent")
                timeline.add_branch(b.name, b.parent, b.fork_tick, b.perturbations, b.label)
            for p in b.perturbations:
                try:
                    timeline.flux.check(p)
                except ValueError as err:
                    raise ValueError(f"branch {b.name!r}, tick {p.tick}: {err}") from None
                if b.parent is not None and p.tick <= b.fork_tick:
                    raise ValueError(f"branch {b.name!r}: card {p.card!r} at tick {p.tick} is "
                                     f"before its fork at tick {b.fork_tick}")
        except ValueError as err:
            raise SaveError(f"cannot open {where}: {err}") from None
    if record.current not in names:
        raise SaveError(f"cannot open {where}: current branch {record.current!r} is unknown")
    return timeline


def verify(record: SaveFile, timeline: Timeline, where: str | Path = "save") -> dict[str, str]:
    """Re-simulate every branch to its head, checking each stored hash; the heads' hashes.

    Builds the keyframes on the way, so seeking afterwards is fast.
    """
    finals: dict[str, str] = {}
    for b in record.branches:
        timeline.seek(b.fork_tick, b.name)
        for tick in sorted(b.hashes):
            got = timeline.hash_at(tick, b.name)
            if got != b.hashes[tick]:
                raise HashMismatch(f"{where}: branch {b.name!r}: state hash at tick {tick} is "
                                f"{got}, the file says {b.hashes[tick]}")
        timeline.seek(b.head, b.name)
        timeline.branches[b.name].head = b.head
        finals[b.name] = timeline.flux.state_hash()
    timeline.seek(min(record.cursor, timeline.branches[record.current].head), record.current)
    return finals


def load(path: str | Path) -> tuple[Timeline, SaveFile, dict[str, str]]:
    """Read, rebuild and verify a save file: (timeline at the saved cursor, record, hashes)."""
    record = read(path)
    timeline = build(record, path)
    return timeline, record, verify(record, timeline, path)
