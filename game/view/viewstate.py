"""What the HUD shows: frozen records read from the timeline, and `Readout`, which builds them.

Widgets draw a `ViewState` and nothing else: they never see the timeline or the flux;
`view_state` builds one from the readout and the `UiState`. The
readout caches what depends only on (branch, tick) — metrics, the state hash, and the
projections (`game.projections`) of the scatter, the feed, the coalitions and the selected
citizen's card — so a paused or scrubbed frame costs almost nothing, and keeps
each branch's event marks in columns that only grow. It reads the timeline and never moves it.
Never imports pygame.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from game import config
from game.clock import MAX_BURST, MAX_SPEED
from game.projections.card import Card, CardAsk, card_at
from game.projections.coalitions import CoalitionView, coalitions
from game.projections.feedfilter import EVERY_EVENT, FeedFilter
from game.projections.history import FEED_WINDOW, FeedRow, feed
from game.projections.projected import Moment, Projected, follow, names_of, recent, standing_at
from game.projections.scatter import NO_AXES, Axes, Scatter, scatter_and_axes
from game.projections.town import clock
from game.sim.model import Coalition
from game.switches import Switches
from game.trace.story import STORY_OPS, Storyline, StoryMarker
from game.trace.timeline import Timeline
from game.view import explain
from game.view.search import FeedSearch
from game.view.uistate import UiState

# Above this many citizens, exact metrics (an N×N variance) and the state hash cost too much to
# take every tick: the top bar shows the timeline's latest metric sample, the hash when paused.
CHEAP_TOWN = 400
WHY_RUNNING_TICKS = config.TICKS_PER_SECOND  # a running why chain is asked again this often
# A big town's scatter is made again this many times a second while time runs: its PCA, its
# thousands of dots placed and painted take a city 10–14 ms, and its dots barely move in a
# fifth of a second (20 times a second cost a city's frames 3 ms on average at 16×). A small
# town's, SMALL_SCATTERS times (at most once a tick): every frame at 16× cost it a millisecond.
BIG_SCATTERS = 5
SMALL_SCATTERS = 20
Mark = tuple[int, str]  # (tick, card) of a card played


class Marks:
    """A branch's event marks, oldest first, in columns that only grow: each event's tick and
    a code of its op (`ops` names the codes). A city records tens of thousands of events a
    day: a (tick, op) tuple apiece held 80 bytes an event, and gave the garbage collector as
    many more objects to walk."""

    def __init__(self) -> None:
        self.ops: list[str] = []
        self._code: dict[str, int] = {}
        self._ticks = np.zeros(0, dtype=np.int64)
        self._ops = np.zeros(0, dtype=np.int16)
        self._n = 0

    def __len__(self) -> int:
        return self._n

    @property
    def ticks(self) -> npt.NDArray[np.int64]:
        return self._ticks[:self._n]

    @property
    def codes(self) -> npt.NDArray[np.int16]:
        return self._ops[:self._n]

    def extend(self, ticks: npt.NDArray[np.int64], codes: npt.NDArray[np.int64],
               ops: list[str]) -> None:
        """Add events: their ticks, and a code each into `ops` (`Events.op_columns`)."""
        table = np.array([self._code.setdefault(op, len(self._code)) for op in ops],
                         dtype=np.int16)
        if len(self._code) > len(self.ops):
            self.ops = list(self._code)
        n = self._n + ticks.size
        if n > self._ticks.size:  # the columns written so far stay as they are: views of
            room = max(n, 2 * self._ticks.size, 1024)  # them handed out read the same
            self._ticks = np.concatenate([self.ticks, np.zeros(room - self._n, np.int64)])
            self._ops = np.concatenate([self.codes, np.zeros(room - self._n, np.int16)])
        self._ticks[self._n:n] = ticks
        self._ops[self._n:n] = table[codes]
        self._n = n


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
    drama: float = 0.0  # the decaying sum of the events' drama

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
    marks: Marks  # this branch's, they only grow; `marks_key` names them
    marks_key: int
    perturbations: tuple[Mark, ...]  # (tick, card)
    stories: Sequence[StoryMarker]  # append-only for this branch, like `marks`
    fork_tick: int | None
    series: tuple[tuple[int, float, float, float], ...]  # tick, tension, cooperation, drama
    chain: frozenset[int]  # ticks of the focused event's causal chain
    found: Sequence[int] = ()  # ticks of the events the feed's filter matches, while filtered


@dataclass(frozen=True)
class BranchEntry:
    name: str
    parent: str | None
    fork_tick: int
    head: int
    label: str
    current: bool


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
    citizen: Card | None  # at the level of detail chosen
    detail: int
    why: tuple[explain.WhyLine, ...] | None
    scatter: Scatter
    feed: tuple[FeedRow, ...]
    focus: frozenset[str]  # ids of the focused event and its causal chain
    hand: HandState
    caption: str = ""  # presentation mode: what just happened
    narration: str = ""  # a demo script's caption, shown while it lasts
    switched_off: tuple[str, ...] = ()  # features the operator switched off, in words
    feed_filter: FeedFilter = EVERY_EVENT  # what the feed shows (`feed` is filtered already)
    searching: bool = False  # typing into the feed's search field
    axes: Axes = NO_AXES  # what the scatter's two axes mean


@dataclass(frozen=True)
class _AtTick:
    town: TownLine
    feed: tuple[FeedRow, ...]


def span_of(head: int) -> int:
    """The bar's extent: half a phase past the head, rounded up to a whole phase, so it
    rescales (every mark drawn again) once a phase, halfway through it: not in the frame that
    already pays for a phase end (a city's coalitions and reputation)."""
    phase = config.PHASE_TICKS
    return max(phase, -(-(head + 1 + phase // 2) // phase) * phase)


class Readout:
    """Builds view records from one timeline: the per-tick ones are projections of the moment
    where it stands (`Projected` cells, recomputed only when it moves)."""

    def __init__(self, timeline: Timeline) -> None:
        self.timeline = timeline
        self._names = names_of(timeline)
        self.search = FeedSearch(timeline, self._names)  # the feed under a filter
        self._at: Projected[Moment, _AtTick] | None = None
        self._hash: Projected[Moment, str] | None = None
        self._scatter: Projected[Moment, tuple[Scatter, Axes]] | None = None
        self._card: Projected[CardAsk, Card] | None = None
        self._why: Projected[tuple[Moment, int, int], tuple[explain.WhyLine, ...]] | None = None
        # The coalitions projected and the state's list they were projected from: a list a
        # phase end replaces and nothing changes in place (a seek copies it).
        self._coalitions: tuple[list[Coalition], tuple[CoalitionView, ...]] | None = None
        self._marks: dict[str, Marks] = {}
        self._stories: dict[str, tuple[Storyline, list[StoryMarker]]] = {}
        self._marks_upto: dict[str, int] = {}
        self._marks_keys: dict[str, int] = {}
        self._series: dict[str, tuple[int, tuple[tuple[int, float, float, float], ...]]] = {}
        self._next_key = 0

    def at_tick(self) -> _AtTick:
        self._at = follow(self._at, Moment.of(self.timeline), self._at_tick)
        return self._at.view

    def scatter(self, every: int = 1) -> tuple[Scatter, Axes]:
        """The scatter and what its axes mean at the cursor. While time runs (`every` > 1),
        it is made again once the cursor has moved `every` ticks along its branch (a PCA and
        the dots placed cost a millisecond a frame, a city's ten); at once when it stops."""
        tl = self.timeline
        here = Moment.of(tl)
        old = self._scatter
        if (every > 1 and old is not None
                and old.state.branch == here.branch and 0 <= here.tick - old.state.tick < every):
            return old.view
        self._scatter = follow(old, here, lambda m: scatter_and_axes(
            standing_at(tl, m).flux.state, tl.flux.citizens))
        return self._scatter.view

    def state_hash(self, running: bool, fast: bool) -> str:
        """The hash at the cursor, once a tick; "" while time runs in a big town, or faster
        than 1× in any (a new hash every frame, too quick to read, cost a millisecond)."""
        tl = self.timeline
        here = Moment.of(tl)
        if (self._hash is None or self._hash.state != here) and running and (
                fast or tl.flux.state.n > CHEAP_TOWN):
            return ""
        self._hash = follow(self._hash, here, lambda m: standing_at(tl, m).flux.state_hash())
        return self._hash.view

    def coalitions(self) -> tuple[CoalitionView, ...]:
        """The coalitions at the cursor (the map's coalition lines), made again only when the
        town's are: a phase end makes new ones, and a city's, thousands of them, took 2 ms to
        project every frame while time ran."""
        s = self.timeline.flux.state
        if self._coalitions is None or self._coalitions[0] is not s.coalitions:
            self._coalitions = (s.coalitions, coalitions(s, self.timeline.flux.citizens))
        return self._coalitions[1]

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

    def citizen(self, i: int | None, lod: int) -> Card | None:
        """Citizen `i`'s card at level of detail `lod` (None for no citizen)."""
        if i is None:
            return None
        self._card = follow(self._card, CardAsk(Moment.of(self.timeline), i, lod),
                            lambda ask: card_at(self.timeline, ask))
        return self._card.view

    def why(self, i: int, running: bool = False) -> tuple[explain.WhyLine, ...]:
        """Why citizen `i` is as it is where the timeline stands: asked again whenever the
        cursor, the branch or the branch's history (a card played there) moves — while time
        runs, at most once every WHY_RUNNING_TICKS (the trace's answer costs tens of ms)."""
        tl = self.timeline
        ask = (Moment.of(tl), len(tl.perturbations()), i)
        old = self._why
        if (running and old is not None and old.state[1:] == ask[1:]
                and old.state[0].branch == ask[0].branch
                and 0 <= ask[0].tick - old.state[0].tick < WHY_RUNNING_TICKS):
            return old.view
        self._why = follow(self._why, ask,
                           lambda a: explain.why(standing_at(tl, a[0]), a[2]))
        return self._why.view

    # --- builders ------------------------------------------------------------------------------

    def _at_tick(self, moment: Moment) -> _AtTick:
        tl = standing_at(self.timeline, moment)
        return _AtTick(self._town(), feed(recent(tl, FEED_WINDOW), self._names))

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
        now = clock(flux, tl.current)
        return TownLine(day=now.day, phase=now.phase, clock=now.time,
                        tick=now.tick, head=max(tl.branch.head, tl.cursor),
                        tension=tension, cooperation=cooperation,
                        surplus=float(flux.state.surplus.sum()),
                        events=sum(flux.state.events_per_day.values()), branch=tl.current,
                        drama=flux.drama_at(flux.state.tick))

    def _branch_marks(self, head: int) -> Marks:
        tl = self.timeline
        name = tl.current
        marks = self._marks.get(name)
        if marks is None:
            marks = self._marks[name] = Marks()
            self._marks_upto[name] = 0
            self._marks_keys[name] = self._next_key
            self._next_key += 1
            names = {c.id: c.name for c in tl.flux.citizens}
            self._stories[name] = (Storyline(names), [])
        upto = self._marks_upto[name]
        if head > upto:
            events = tl.events(name, upto + 1, head)
            ticks, codes, ops = events.op_columns()
            marks.extend(ticks, codes, ops)
            storyline, stories = self._stories[name]  # built: only events a story may mark
            told = np.flatnonzero(np.isin(codes, [k for k, op in enumerate(ops)
                                                  if op in STORY_OPS]))
            stories.extend(storyline.add(events[k] for k in told.tolist()))
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


SWITCHED_OFF_WORDS = {"isometric": "the map (a scatter instead)",
                      "trace_replay": "going back in time", "perturbation": "cards"}


@lru_cache(maxsize=8)
def switched_off(features: Switches) -> tuple[str, ...]:
    """The features switched off, as the help names them (asked every frame: kept)."""
    return tuple(SWITCHED_OFF_WORDS[name] for name, on in features.as_dict().items() if not on)


def view_state(readout: Readout, ui: UiState, caption: str, now: float) -> ViewState:
    """One frame of HUD: the timeline at its cursor, seen through the UI state at app time
    `now`; `caption` is presentation mode's line."""
    at = readout.at_tick()
    running = ui.speed != 0 and not ui.scrubbing
    # While time runs, the scatter BIG_SCATTERS (or SMALL_SCATTERS) times a second of the
    # window's time.
    often = BIG_SCATTERS if readout.timeline.flux.state.n > CHEAP_TOWN else SMALL_SCATTERS
    placed, axes = readout.scatter(
        every=(MAX_BURST if ui.speed == MAX_SPEED
               else ui.speed * config.TICKS_PER_SECOND // often) if running else 1)
    focus = ui.focus
    flux = readout.timeline.flux
    track = readout.track(focus.ticks if focus else frozenset())
    wanted = replace(ui.feed_filter, citizen=None if ui.selected is None
                     else flux.name(ui.selected))
    if wanted.active:
        track = replace(track, found=readout.search.ticks(wanted, track.head))
    return ViewState(
        town=at.town, hash=readout.state_hash(running=running, fast=ui.speed not in (0, 1)),
        speed=speed_label(ui.speed),
        resume=speed_label(config.SPEEDS[ui.resume_index if ui.speed == 0
                                         else ui.speed_index]),
        paused=ui.speed == 0, scrubbing=ui.scrubbing,
        track=track,
        branches=readout.branches(), citizen=readout.citizen(ui.selected, ui.detail),
        detail=ui.detail,
        why=readout.why(ui.selected, running=running)
        if ui.why and ui.selected is not None else None,
        scatter=placed,
        feed=readout.search.feed(wanted, track.head) if wanted.active
        else readout.search.deep() if ui.feed_back else at.feed,
        focus=focus.ids if focus else frozenset(),
        hand=HandState(ui.armed, tuple(flux.name(i) for i in ui.targets), ui.cooling(now)),
        switched_off=switched_off(ui.features),
        caption=caption, narration=ui.narration if ui.narrating(now) else "",
        feed_filter=wanted, searching="search" in ui.modals, axes=axes)
