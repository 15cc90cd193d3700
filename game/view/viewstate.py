"""What the HUD shows: frozen records read from the timeline, and `Readout`, which builds them.

Widgets draw a `ViewState` and nothing else: they never see the timeline or the flux;
`view_state` builds one from the readout and the `UiState`. The
readout caches what depends only on (branch, tick) — metrics, the state hash, the scatter, the
feed, the selected citizen's card — so a paused or scrubbed frame costs almost nothing, and keeps
each branch's event marks as an append-only list. It reads the timeline and never moves it.
Never imports pygame.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from game import config
from game.clock import MAX_SPEED
from game.sim.model import ARCHETYPES, Activity, mood
from game.sim.social import bridges, pca_2d
from game.sim.townmap import REGION_NAMES
from game.trace.story import Storyline, StoryMarker
from game.trace.timeline import Timeline
from game.view.uistate import UiState

FEED_SIZE = 40
FEED_WINDOW = 2 * config.DAY_TICKS  # the feed looks this far back for its events
LINES_WINDOW = config.PHASE_TICKS * 2  # a citizen's recent lines come from this far back
DAY_START_HOUR = 6  # tick 0 is the first morning
# Above this many citizens, exact metrics (an N×N variance) and the state hash cost too much to
# take every tick: the top bar shows the timeline's latest metric sample, the hash when paused.
CHEAP_TOWN = 400
Mark = tuple[int, str]  # (tick, op) of one event


@dataclass(frozen=True)
class TownLine:
    """The top bar: where and when the town stands, and how it is doing."""

    day: int
    phase: str
    clock: str
    tick: int
    head: int
    tension: float
    cooperation: float
    surplus: float
    events: int
    branch: str

    @property
    def live(self) -> bool:
        return self.tick >= self.head


@dataclass(frozen=True)
class Track:
    """The timeline bar's content for the current branch."""

    branch: str
    cursor: int
    head: int
    span: int  # ticks the bar spans: the head rounded up to a whole phase
    marks: Sequence[Mark]  # append-only for this branch; `marks_key` names the list
    marks_key: int
    perturbations: tuple[Mark, ...]  # (tick, card)
    stories: Sequence[StoryMarker]  # append-only for this branch, like `marks`
    fork_tick: int | None
    series: tuple[tuple[int, float, float, float], ...]  # tick, tension, cooperation, drama
    chain: frozenset[int]  # ticks of the focused event's causal chain


@dataclass(frozen=True)
class BranchEntry:
    name: str
    parent: str | None
    fork_tick: int
    head: int
    label: str
    current: bool


@dataclass(frozen=True)
class CitizenInfo:
    """Everything the citizen card can show; the level of detail picks how much."""

    index: int
    id: str
    name: str
    region: str
    doing: str
    archetype: str
    mood: str
    worldview: str
    metaphor: str
    lines: tuple[str, ...]
    memories: tuple[str, ...]
    bonds: tuple[tuple[str, float], ...]
    personality: tuple[float, ...]
    surplus: float
    reputation: float
    opacity: str


@dataclass(frozen=True)
class ScatterInfo:
    """Personalities projected to 2-D (each axis scaled into [0, 1]), coloured by coalition."""

    points: tuple[tuple[float, float], ...]
    coalition: tuple[int, ...]  # colour slot per citizen, −1 in none
    bridges: frozenset[int]
    names: tuple[str, ...]


@dataclass(frozen=True)
class FeedItem:
    event_id: str
    tick: int
    op: str
    text: str
    perturbation: bool
    success: bool


@dataclass(frozen=True)
class HandState:
    armed: str | None
    targets: tuple[str, ...]  # names of the citizens chosen so far
    cooling: dict[str, float]  # card → fraction of its cooldown left, (0, 1]


@dataclass(frozen=True)
class ViewState:
    """One frame of HUD: read-only, built by the app, drawn by the widgets."""

    town: TownLine
    hash: str  # the state hash at the cursor, "" while a big town is running
    speed: str
    resume: str  # the speed play resumes at (the speed button's label)
    paused: bool
    scrubbing: bool
    track: Track
    branches: tuple[BranchEntry, ...]
    citizen: CitizenInfo | None
    detail: int
    why: tuple[str, ...] | None
    scatter: ScatterInfo
    feed: tuple[FeedItem, ...]
    focus: frozenset[str]  # ids of the focused event and its causal chain
    hand: HandState
    caption: str = ""  # presentation mode: what just happened
    narration: str = ""  # a demo script's caption, shown while it lasts


@dataclass(frozen=True)
class _AtTick:
    town: TownLine
    scatter: ScatterInfo
    feed: tuple[FeedItem, ...]


def clock_text(tick: int) -> str:
    """Town time of day: a day of DAY_TICKS runs from 06:00 to 06:00."""
    minutes = (tick % config.DAY_TICKS) * 24 * 60 // config.DAY_TICKS + DAY_START_HOUR * 60
    return f"{minutes // 60 % 24:02d}:{minutes % 60:02d}"


def span_of(head: int) -> int:
    """The bar's extent: the head rounded up to a whole phase, so it rescales only per phase."""
    phase = config.PHASE_TICKS
    return max(phase, -(-(head + 1) // phase) * phase)


class Readout:
    """Builds view records from one timeline, caching by (branch, tick)."""

    def __init__(self, timeline: Timeline) -> None:
        self.timeline = timeline
        self._at: tuple[tuple[str, int], _AtTick] | None = None
        self._hash: tuple[tuple[str, int], str] | None = None
        self._citizen: tuple[tuple[str, int, int], CitizenInfo] | None = None
        self._marks: dict[str, list[Mark]] = {}
        self._stories: dict[str, tuple[Storyline, list[StoryMarker]]] = {}
        self._marks_upto: dict[str, int] = {}
        self._marks_keys: dict[str, int] = {}
        self._series: dict[str, tuple[int, tuple[tuple[int, float, float, float], ...]]] = {}
        self._next_key = 0

    def at_tick(self) -> _AtTick:
        tl = self.timeline
        key = (tl.current, tl.cursor)
        if self._at is None or self._at[0] != key:
            self._at = (key, _AtTick(self._town(), self._scatter(), self._feed()))
        return self._at[1]

    def state_hash(self, running: bool) -> str:
        """The hash at the cursor, cached per tick; "" for a big town while it runs."""
        tl = self.timeline
        key = (tl.current, tl.cursor)
        if self._hash is None or self._hash[0] != key:
            if running and tl.flux.state.n > CHEAP_TOWN:
                return ""
            self._hash = (key, tl.flux.state_hash())
        return self._hash[1]

    def track(self, chain: frozenset[int]) -> Track:
        tl = self.timeline
        branch = tl.branch
        head = max(branch.head, tl.cursor)
        marks = self._branch_marks(head)
        return Track(branch.name, tl.cursor, head, span_of(head), marks,
                     self._marks_keys[branch.name],
                     tuple((p.tick, p.card) for p in tl.perturbations()),
                     self._stories[branch.name][1],
                     branch.fork_tick if branch.parent is not None else None,
                     self._metric_series(head), chain)

    def branches(self) -> tuple[BranchEntry, ...]:
        tl = self.timeline
        return tuple(BranchEntry(b.name, b.parent, b.fork_tick, b.head, b.label or b.name,
                                 b.name == tl.current) for b in tl.branches.values())

    def citizen(self, i: int | None) -> CitizenInfo | None:
        if i is None:
            return None
        tl = self.timeline
        key = (tl.current, tl.cursor, i)
        if self._citizen is None or self._citizen[0] != key:
            self._citizen = (key, self._citizen_info(i))
        return self._citizen[1]

    def forget(self) -> None:
        """Drop the per-tick caches (the timeline's history changed under the same tick)."""
        self._at = None
        self._hash = None
        self._citizen = None

    # --- builders ------------------------------------------------------------------------------

    def _town(self) -> TownLine:
        tl = self.timeline
        flux = tl.flux
        if flux.state.n <= CHEAP_TOWN:
            m = flux.metrics()
            tension, cooperation = m["tension"], m["cooperation"]
        else:
            sample = self._metric_series(max(tl.branch.head, tl.cursor))
            past = [s for s in sample if s[0] <= tl.cursor]
            tension, cooperation = (past[-1][1], past[-1][2]) if past else (0.0, 0.0)
        return TownLine(day=flux.day, phase=flux.phase, clock=clock_text(tl.cursor),
                        tick=tl.cursor, head=max(tl.branch.head, tl.cursor),
                        tension=tension, cooperation=cooperation,
                        surplus=float(flux.state.surplus.sum()),
                        events=sum(flux.state.events_per_day.values()), branch=tl.current)

    def _scatter(self) -> ScatterInfo:
        flux = self.timeline.flux
        s = flux.state
        xy = pca_2d(s.personality)
        lo, hi = xy.min(axis=0), xy.max(axis=0)
        size = np.where(hi - lo > 1e-9, hi - lo, 1.0)
        unit = (xy - lo) / size
        slot = [-1] * s.n
        for c in s.coalitions:
            for i in c.members:
                slot[i] = c.number
        return ScatterInfo(tuple((float(x), float(y)) for x, y in unit.tolist()), tuple(slot),
                           frozenset(bridges([c.members for c in s.coalitions])),
                           tuple(c.name for c in flux.citizens))

    def _feed(self) -> tuple[FeedItem, ...]:
        tl = self.timeline
        events = tl.events(start=max(0, tl.cursor - FEED_WINDOW), end=tl.cursor)[-FEED_SIZE:]
        return tuple(FeedItem(e.id, e.tick, e.op, e.message or e.op, e.perturbation, e.success)
                     for e in reversed(events))

    def _citizen_info(self, i: int) -> CitizenInfo:
        tl = self.timeline
        flux = tl.flux
        s = flux.state
        c = flux.citizens[i]
        region = REGION_NAMES[int(s.region[i])]
        activity = Activity(int(s.activity[i]))
        doing = (f"walking to the {region}" if s.walk_origin[i] >= 0
                 else f"{activity.name.lower()} in the {region}")
        spoken = [e.dialogue for e in tl.events(start=max(0, tl.cursor - LINES_WINDOW),
                                                end=tl.cursor)
                  if e.dialogue and e.success and e.participants[:1] == (c.id,)]
        row = s.rel[i].copy()
        row[i] = -np.inf
        strongest = np.argsort(-row, kind="stable")[:3].tolist()
        archetype = ARCHETYPES[c.archetype]
        return CitizenInfo(
            index=i, id=c.id, name=c.name, region=region, doing=doing, archetype=c.archetype,
            mood=mood(int(s.activity[i]), s.personality[i]), worldview=archetype.worldview,
            metaphor=archetype.metaphor, lines=tuple(spoken[-2:][::-1]),
            memories=tuple(text for _, _, text in s.memories[i][-3:][::-1]),
            bonds=tuple((flux.name(j), float(s.rel[i, j])) for j in strongest),
            personality=tuple(float(v) for v in s.personality[i]),
            surplus=float(s.surplus[i]), reputation=float(s.reputation[i]),
            opacity=archetype.opacity)

    def _branch_marks(self, head: int) -> list[Mark]:
        tl = self.timeline
        name = tl.current
        marks = self._marks.get(name)
        if marks is None:
            marks = self._marks[name] = []
            self._marks_upto[name] = 0
            self._marks_keys[name] = self._next_key
            self._next_key += 1
            names = {c.id: c.name for c in tl.flux.citizens}
            self._stories[name] = (Storyline(names), [])
        upto = self._marks_upto[name]
        if head > upto:
            events = tl.events(name, upto + 1, head)
            marks.extend((e.tick, e.op) for e in events)
            storyline, stories = self._stories[name]
            stories.extend(storyline.add(events))
            self._marks_upto[name] = head
        return marks

    def _metric_series(self, head: int) -> tuple[tuple[int, float, float, float], ...]:
        tl = self.timeline
        bucket = head // config.METRIC_SAMPLE_TICKS
        cached = self._series.get(tl.current)
        if cached is None or cached[0] != bucket:
            cached = (bucket, tuple((t, m["tension"], m["cooperation"], m["drama"])
                                    for t, m in tl.metrics_series(tl.current, head)))
            self._series[tl.current] = cached
        return cached[1]


def speed_label(speed: int) -> str:
    if speed == 0:
        return "paused"
    return "max" if speed == MAX_SPEED else f"{speed}×"


def view_state(readout: Readout, ui: UiState, caption: str, now: float) -> ViewState:
    """One frame of HUD: the timeline at its cursor, seen through the UI state at app time
    `now`; `caption` is presentation mode's line."""
    at = readout.at_tick()
    focus = ui.focus
    flux = readout.timeline.flux
    return ViewState(
        town=at.town, hash=readout.state_hash(running=ui.speed != 0 and not ui.scrubbing),
        speed=speed_label(ui.speed),
        resume=speed_label(config.SPEEDS[ui.resume_index if ui.speed == 0
                                         else ui.speed_index]),
        paused=ui.speed == 0, scrubbing=ui.scrubbing,
        track=readout.track(focus.ticks if focus else frozenset()),
        branches=readout.branches(), citizen=readout.citizen(ui.selected),
        detail=ui.detail, why=ui.why, scatter=at.scatter, feed=at.feed,
        focus=focus.ids if focus else frozenset(),
        hand=HandState(ui.armed, tuple(flux.name(i) for i in ui.targets), ui.cooling(now)),
        caption=caption, narration=ui.narration if ui.narrating(now) else "")
