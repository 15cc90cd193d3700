"""The timeline: branches of perturbations, keyframes, and exact seeking over a town's history.

A branch is (parent, fork tick, its own perturbations). The state at (branch, tick) is fully
determined by the seed and the perturbations that branch sees: its parent's up to the fork tick,
then its own. The log is the truth; keyframes (snapshots every K ticks) are a bounded cache that
may be dropped and rebuilt: past the memory budget they are thinned evenly over the whole
history (every other one goes, the spacing doubles), so no stretch of it is far from one.
Perturbations enter the flux just before the tick they name, so the state at a tick never
depends on what is scheduled after it. Events are kept in columns (`eventlog`), or not at all
by a timeline that only checks or seeks; the state hash at each day's end is kept as it passes.

Pure: never imports pygame or the view.
"""

from __future__ import annotations

import math
from bisect import bisect_right, insort
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from game import config, limits
from game.sim.cards import Perturbation
from game.sim.digest import Digest
from game.sim.events import Event, Record
from game.sim.flux import Snapshot, TownFlux
from game.sim.model import TownState
from game.trace.eventlog import EventLog, Events, MetricLog

MAIN = "main"
# Told of every newly recorded tick: (the branch holding it, tick, its events), with the flux
# standing just after that tick. Seeking, scrubbing and re-simulating recorded ticks tell nothing.
Recorder = Callable[[str, int, list[Event]], None]
WALK_STEP = 1000  # ticks between two reports of a long walk (progress on a terminal)


@dataclass
class Branch:
    name: str
    parent: str | None
    fork_tick: int
    perturbations: list[Perturbation] = field(default_factory=list)
    head: int = 0  # furthest tick simulated on this branch
    label: str = ""


def snapshot_bytes(s: TownState) -> int:
    """An estimate of a keyframe's memory: its arrays, the bonds and trust that moved (the
    initial bonds are computed, not stored), and its small records."""
    arrays = sum(a.nbytes for a in (s.personality, s.surplus, s.reputation, s.region, s.spot,
                                    s.activity, s.busy_until, s.partner, s.walk_origin,
                                    s.walk_from_spot, s.walk_from, s.last_event_tick))
    records = 40 * sum(map(len, s.memories)) + 40 * sum(map(len, s.heard))  # 120 a memory
    return arrays + s.bonds.nbytes + s.trust.nbytes + records + 2048


class Timeline:
    """A town's history on every branch, with a cursor where the live flux stands."""

    def __init__(self, scenario: str = config.DEFAULT_SCENARIO, seed: int = config.DEFAULT_SEED,
                 keyframe_interval: int = config.KEYFRAME_INTERVAL,
                 keyframe_budget_mb: float = config.KEYFRAME_BUDGET_MB,
                 keep_events: bool = True) -> None:
        self.scenario = scenario
        self.seed = seed
        self.interval = keyframe_interval
        self.budget = int(keyframe_budget_mb * 1024 * 1024)
        # False for a timeline that only checks hashes or stands at a tick: no events, no
        # metrics are kept (`events` refuses), the recorders are still told.
        self.keep_events = keep_events
        self.flux = TownFlux(scenario, seed)
        self.branches: dict[str, Branch] = {MAIN: Branch(MAIN, None, 0, label="main")}
        self.current = MAIN
        self._origin = self.flux.snapshot()
        self._keyframes: dict[tuple[str, int], Snapshot] = {}
        self._keyframe_sizes: dict[tuple[str, int], int] = {}  # each one's `snapshot_bytes`
        self._keyframe_bytes = 0
        # Arrays keyframes share (the stored pairs' codes and base values, replaced only when
        # pairs are added): id → how many keyframes hold it, so it is counted once.
        self._holders: dict[int, int] = {}
        self._stride = keyframe_interval  # keyframes lie on this grid (and at forks)
        self._dropped: list[Snapshot] = []  # thinned out, let go of a step at a time
        # (owner, day's end) → state hash, or its digest while a slice at a time is taken
        self._hashes: dict[tuple[str, int], str | Digest] = {}
        self._digesting: list[tuple[str, int]] = []  # the keys of those digests, oldest first
        self._logs: dict[str, EventLog] = {MAIN: EventLog(self.flux.citizens)}
        self._known: dict[str, int] = {MAIN: 0}  # how far each branch's own events are recorded
        self._metrics: dict[str, MetricLog] = {MAIN: MetricLog()}
        # Each branch's cards by tick, and those ticks in order.
        self._schedules: dict[str, tuple[dict[int, list[Perturbation]], list[int]]] = {}
        self._mark: tuple[str, int, int] | None = None  # (branch, from tick, its next mark)
        self._held = 0  # ticks the history holds: each branch's, after its fork
        # Ticks where a branch forks, by the branch owning that tick: passing one keeps a
        # keyframe there, so a chain of forks replays once, not once per fork from far back.
        self._fork_points: dict[str, set[int]] = {}
        self.recorders: list[Recorder] = []

    # --- reading -------------------------------------------------------------------------------

    @property
    def cursor(self) -> int:
        return self.flux.state.tick

    @property
    def branch(self) -> Branch:
        return self.branches[self.current]

    def lineage(self, name: str) -> list[Branch]:
        """The branch and its ancestors, nearest first."""
        out = [self.branches[name]]
        while out[-1].parent is not None:
            out.append(self.branches[out[-1].parent])
        return out

    def owner_of(self, name: str, tick: int) -> str:
        """The branch in `name`'s lineage whose own history holds `tick`."""
        b = self.branches[name]
        while b.parent is not None and tick <= b.fork_tick:
            b = self.branches[b.parent]
        return b.name

    def perturbations(self, name: str | None = None) -> list[Perturbation]:
        """Every perturbation a branch sees, in tick order (inherited ones first at a tie)."""
        chain = self.lineage(name or self.current)
        seen: list[Perturbation] = []
        limit = None
        for b in chain:
            own = [p for p in b.perturbations if limit is None or p.tick <= limit]
            seen = own + seen
            limit = b.fork_tick if limit is None else min(limit, b.fork_tick)
        return sorted(seen, key=lambda p: p.tick)

    def events(self, name: str | None = None, start: int = 0, end: int | None = None
               ) -> Events:
        """Events of a branch with start ≤ tick ≤ end, simulating what is not known yet; each
        is built when read."""
        if not self.keep_events:
            raise RuntimeError("this timeline keeps no events")
        name = name or self.current
        stop = self.branches[name].head if end is None else end
        self._ensure_events(name, stop)
        parts = []
        for b, upto in self._segments(name, stop):
            log = self._logs[b]
            parts.append((log, *log.span(start, upto)))
        return Events(parts)

    def event_bytes(self) -> int:
        """The memory the kept events take, over every branch."""
        return sum(log.nbytes() for log in self._logs.values())

    def metrics_series(self, name: str | None = None, end: int | None = None
                       ) -> list[tuple[int, dict[str, float]]]:
        """Town metrics sampled every METRIC_SAMPLE_TICKS along a branch (for sparklines)."""
        if not self.keep_events:
            raise RuntimeError("this timeline keeps no metrics")
        name = name or self.current
        stop = self.branches[name].head if end is None else end
        self._ensure_events(name, stop)
        out: list[tuple[int, dict[str, float]]] = []
        start = 0
        for owner, upto in self._segments(name, stop):
            out.extend(self._metrics[owner].between(start, upto))
            start = upto
        return out

    def cards_at(self, name: str, tick: int) -> list[Perturbation]:
        """The cards branch `name` runs at `tick`, in the order they run."""
        return list(self._schedule(name).get(tick, ()))

    def ticks_held(self) -> int:
        """Ticks the history holds over all its branches (limits.MAX_TICKS at most)."""
        return self._held

    def keyframe_memory(self) -> int:
        return self._keyframe_bytes

    def keyframe_count(self) -> int:
        return len(self._keyframes)

    def keyframe_spacing(self) -> int:
        """Ticks between two keyframes on the grid: the interval, doubled at each thinning."""
        return self._stride

    # --- moving --------------------------------------------------------------------------------

    def advance(self, ticks: int = 1) -> list[Event]:
        """Play forward from the cursor on the current branch (re-simulated, same events)."""
        return [r.event(self.flux.ids) for r in self.advance_records(ticks)]

    def advance_records(self, ticks: int = 1) -> list[Record]:
        """`advance`, returning the ticks' records: the window hears a city's hundred events
        a frame, and building their models took milliseconds."""
        out: list[Record] = []
        end = self.cursor + ticks
        while self.cursor < end:
            self._leap(end)
            if self.cursor < end:
                out.extend(self._step())
        return out

    def seek(self, tick: int, branch: str | None = None) -> None:
        """Stand the flux at `tick` on `branch` (default: the current one), exactly."""
        if tick < 0:
            raise ValueError(f"cannot seek to a negative tick ({tick})")
        if branch is not None and branch != self.current:
            if branch not in self.branches:
                raise KeyError(f"no branch named {branch!r}")
            # The flux stands on the new branch's history too while both branches share it
            # (a fork's first ticks): keep it rather than re-simulate from a keyframe.
            shared = self.cursor <= self.shared_until(self.current, branch)
            self.current = branch
            if not shared:
                self.flux.restore(self._nearest_keyframe(tick)[1])
        at, snap = self._nearest_keyframe(tick)
        if tick < self.cursor or at > self.cursor:
            self.flux.restore(snap)
        while self.cursor < tick:
            self._leap(tick, told=False)
            if self.cursor < tick:
                self._step(told=False)

    def shared_until(self, a: str, b: str) -> int | float:
        """The last tick at which branches `a` and `b` have the same history (inf if a is b)."""
        def up(name: str) -> dict[str, int | float]:
            """Each ancestor of `name` (itself first), and the last tick shared with it."""
            out: dict[str, int | float] = {}
            limit: int | float = math.inf
            for br in self.lineage(name):
                out[br.name] = limit
                limit = min(limit, br.fork_tick)
            return out

        from_a, from_b = up(a), up(b)
        common = next(name for name in from_a if name in from_b)  # the nearest shared ancestor
        return min(from_a[common], from_b[common])

    def walk(self, tick: int, branch: str | None = None,
             report: Callable[[int], None] | None = None, step: int = WALK_STEP) -> None:
        """Seek like `seek`, telling `report` the cursor every `step` ticks on a long way (it
        still jumps over the keyframes it has)."""
        if branch is not None and branch != self.current:
            self.seek(0, branch)
        elif tick < self.cursor:
            self.seek(tick)
        while report is not None and self.cursor + step < tick:
            self.seek(self.cursor + step)
            report(self.cursor)
        self.seek(tick)
        if report is not None:
            report(self.cursor)

    def switch(self, name: str) -> None:
        """Show another branch at the same cursor tick."""
        self.seek(self.cursor, name)

    def step_event(self, direction: int) -> int:
        """Move the cursor to the next (+1) or previous (−1) tick with an event; returns it."""
        if direction > 0:
            head = max(self.branch.head, self.cursor)
            upcoming = self.events(start=self.cursor + 1, end=head)
            target = upcoming.tick_at(0) if upcoming else head
        else:
            past = self.events(start=0, end=self.cursor - 1)
            target = past.tick_at(-1) if past else 0
        self.seek(target)
        return target

    def play(self, perturbation: Perturbation | str, targets: Sequence[str] = ()) -> str:
        """Play a card at the cursor: it runs in the next tick. Returns the branch it lands on.

        At the head of the branch it joins the branch; in the past it forks a new branch at the
        cursor, and the old future stays selectable.
        """
        card = perturbation.card if isinstance(perturbation, Perturbation) else perturbation
        if isinstance(perturbation, Perturbation):
            targets = perturbation.targets
        p = Perturbation(tick=self.cursor + 1, card=card, targets=tuple(targets))
        if self.cursor < self.branch.head:
            self.flux.check(p)
            self.current = self._fork(self.cursor, f"{card} at tick {p.tick}")
        self.add_perturbation(p)
        return self.current

    def add_perturbation(self, p: Perturbation) -> None:
        """Schedule a perturbation on the current branch at its own tick (not in the past)."""
        self._check_new(p)
        limits.check_count(len(self.branch.perturbations) + 1, limits.MAX_CARDS,
                           f"cards on branch {self.current}")
        # After every card of its tick: cards of one tick run in the order they were played.
        insort(self.branch.perturbations, p, key=lambda q: q.tick)
        self._plans_changed()

    def extend(self, name: str, p: Perturbation) -> None:
        """Append a card to branch `name` past its head (a lockstep viewer hearing the owner's
        input log), wherever the cursor stands."""
        branch = self.branches[name]
        if p.tick <= branch.head:
            raise ValueError(f"card {p.card!r} at tick {p.tick}: {name} has run that tick")
        self.flux.check(p)
        insort(branch.perturbations, p, key=lambda q: q.tick)
        self._plans_changed()

    def add_perturbations(self, ps: Sequence[Perturbation]) -> None:
        """Schedule many perturbations at once (a card file), in linear time: each is checked,
        then the branch's cards are sorted once (stably: a tick's cards keep their order)."""
        limits.check_count(len(self.branch.perturbations) + len(ps), limits.MAX_CARDS,
                           f"cards on branch {self.current}")
        for p in ps:
            self._check_new(p)
        self.branch.perturbations.extend(ps)
        self.branch.perturbations.sort(key=lambda q: q.tick)
        self._plans_changed()

    def _check_new(self, p: Perturbation) -> None:
        if p.tick <= self.cursor:
            raise ValueError(f"card {p.card!r} at tick {p.tick}: that tick has already run")
        self.flux.check(p)

    def add_branch(self, name: str, parent: str, fork_tick: int,
                   perturbations: Sequence[Perturbation], label: str = "") -> Branch:
        """Declare a branch (used when loading a save file)."""
        if name in self.branches:
            raise ValueError(f"branch {name!r} is declared twice")
        limits.check_count(len(self.branches) + 1, limits.MAX_BRANCHES, "branches")
        if parent not in self.branches:
            raise ValueError(f"branch {name!r}: its parent {parent!r} is not declared before it")
        branch = Branch(name, parent, fork_tick, list(perturbations), fork_tick, label)
        self.branches[name] = branch
        self._logs[name] = EventLog(self.flux.citizens)
        self._known[name] = fork_tick
        self._metrics[name] = MetricLog()
        self._plans_changed()
        self._fork_points.setdefault(self.owner_of(parent, fork_tick), set()).add(fork_tick)
        return branch

    def hold(self, name: str, head: int) -> None:
        """The history holds branch `name` up to `head` (a saved branch, simulated when asked
        for): its ticks count toward the limit from now on."""
        branch = self.branches[name]
        if head > branch.head:
            limits.check_ticks(self._held + head - branch.head, "the history's ticks reach")
            self._held += head - branch.head
            branch.head = head

    def hash_at(self, tick: int, branch: str | None = None) -> str:
        """The state hash at `tick` on `branch`: kept at each day's end once passed, otherwise
        the flux stands there to take it."""
        key = (self.owner_of(branch or self.current, tick), tick)
        kept = self._hashes.get(key)
        if isinstance(kept, Digest):
            kept = self._hashes[key] = kept.hexdigest()
            self._digesting.remove(key)
        if kept is not None:
            return kept
        self.seek(tick, branch)
        return self.flux.state_hash()

    # --- internals -----------------------------------------------------------------------------

    def _fork(self, tick: int, label: str) -> str:
        n = len(self.branches)
        while f"b{n}" in self.branches:
            n += 1
        self.add_branch(f"b{n}", self.current, tick, [], label)
        return f"b{n}"

    def _step(self, told: bool = True) -> list[Record]:
        """Run the next tick; its records are made only if the caller (`told`), the log (the
        tick is new to it) or a recorder reads them, and events built only for the recorders
        (the log keeps the records in columns)."""
        t = self.cursor + 1
        branch = self.branch
        if t > branch.head:
            if self._held >= limits.MAX_TICKS:
                raise limits.LimitError(
                    f"the history holds {limits.MAX_TICKS:,} ticks (a simulated year), its "
                    f"limit: save it, or fork from an earlier tick")
            self._held += t - branch.head
        for p in self._schedule(self.current).get(t, ()):
            self.flux.inject(p)
        own = self.owner_of(self.current, t)
        fresh = t > self._known[own]
        self.flux.telling = told or bool(self.recorders) or (fresh and self.keep_events)
        records = self.flux.step()
        branch.head = max(branch.head, t)
        if fresh:
            self._known[own] = t
            if self.keep_events:
                self._logs[own].append(records)
                if t % config.METRIC_SAMPLE_TICKS == 0:
                    self._metrics[own].append(t, self.flux.metrics())
            if self.recorders:
                events = [r.event(self.flux.ids) for r in records]
                for record in self.recorders:
                    record(own, t, events)
        if t % config.DAY_TICKS == 0 and (own, t) not in self._hashes:
            self._hashes[(own, t)] = self.flux.digest()
            self._digesting.append((own, t))
        if self._digesting:
            self._digest_slice()
        if t % self._stride == 0 or t in self._fork_points.get(own, ()):
            self._store_keyframe(own, t)
        elif self._dropped:
            self._dropped.pop()  # one a step: freeing a city's keyframes took milliseconds
        return records if told else []

    def _digest_slice(self) -> None:
        """A slice of the oldest day's-end hash still being taken: a step pays a slice of a
        city's hash, not the whole (a `city:2500`'s stalled its day's end tick by 33 ms)."""
        key = self._digesting[0]
        digest = self._hashes[key]
        assert isinstance(digest, Digest)
        if digest.step():
            self._hashes[key] = digest.hexdigest()
            self._digesting.pop(0)

    def _leap(self, limit: int, told: bool = True) -> None:
        """Move the cursor toward `limit` over the ticks no step must run (no card, day's end,
        keyframe, fork or metric sample, nobody recording every tick): where nothing happens
        at all, exactly what stepping through them does without the steps; on a way nobody is
        told of (not `told`, and no record the log still lacks), stepping the flux on its own."""
        t, branch = self.cursor, self.branch
        if self.recorders:
            return
        end = min(limit, self._next_mark(t) - 1)
        own = self.owner_of(self.current, end)  # the same for every tick leapt: forks are marks
        grow = end - branch.head
        if end <= t + 1 or (grow > 0 and self._held + grow > limits.MAX_TICKS):
            return
        if not told and not self._digesting and (end <= self._known[own]
                                                  or not self.keep_events):
            self.flux.run_quietly(end)
        else:
            end = self.flux.quiet_until(end)
            if end <= t + 1:
                return
            grow = end - branch.head
            self.flux.skip_to(end)
        if grow > 0:
            self._held += grow
            branch.head = end
        self._known[own] = max(self._known[own], end)

    def _next_mark(self, t: int) -> int:
        """The first tick after `t` that a step must run: a card's, a day's end (its hash), a
        keyframe's, a metric sample's, a fork's or the tick after one (another branch's own).
        Kept until passed, or until cards or branches change (a sparser keyframe grid only
        makes it stop a leap early)."""
        known = self._mark
        if known is not None and known[0] == self.current and known[1] <= t < known[2]:
            return known[2]
        mark = self._first_mark(t)
        self._mark = (self.current, t, mark)
        return mark

    def _first_mark(self, t: int) -> int:
        cards = self._plan(self.current)[1]
        k = bisect_right(cards, t)
        marks = [(t // grid + 1) * grid for grid in (config.DAY_TICKS, self._stride)]
        if self.keep_events:
            marks.append((t // config.METRIC_SAMPLE_TICKS + 1) * config.METRIC_SAMPLE_TICKS)
        if k < len(cards):
            marks.append(cards[k])
        forks = [b.fork_tick for b in self.branches.values() if b.parent is not None]
        forks += [tick for points in self._fork_points.values() for tick in points]
        marks += [f + d for f in forks for d in (0, 1) if f + d > t]
        return min(marks)

    def _plans_changed(self) -> None:
        """Cards or branches changed: the schedules and the next mark are found afresh."""
        self._schedules.clear()
        self._mark = None

    def _schedule(self, name: str) -> dict[int, list[Perturbation]]:
        return self._plan(name)[0]

    def _plan(self, name: str) -> tuple[dict[int, list[Perturbation]], list[int]]:
        """A branch's cards by tick, and those ticks in order."""
        cached = self._schedules.get(name)
        if cached is None:
            by_tick: dict[int, list[Perturbation]] = {}
            for p in self.perturbations(name):
                by_tick.setdefault(p.tick, []).append(p)
            cached = self._schedules[name] = (by_tick, sorted(by_tick))
        return cached

    def _segments(self, name: str, end: int) -> list[tuple[str, int]]:
        """(owner branch, last tick) pieces of a branch's history up to `end`, oldest first."""
        pieces: list[tuple[str, int]] = []
        upto = end
        for b in self.lineage(name):
            pieces.append((b.name, upto))
            if b.parent is None:
                break
            upto = min(upto, b.fork_tick)
        return list(reversed(pieces))

    def _ensure_events(self, name: str, end: int) -> None:
        for owner, upto in self._segments(name, end):
            if self._known[owner] < upto:
                here, branch = self.cursor, self.current
                self.seek(self._known[owner], owner)
                self.seek(upto)
                self.seek(here, branch)

    def _store_keyframe(self, owner: str, tick: int) -> None:
        if self.budget <= 0 or (owner, tick) in self._keyframes:
            return
        size = snapshot_bytes(self.flux.state)
        if size > self.budget:
            return  # a town too big for the budget: copying it would only be thrown away
        self._keyframes[(owner, tick)] = snap = self.flux.snapshot()
        self._keyframe_sizes[(owner, tick)] = size
        self._keyframe_bytes += self._held_bytes(snap.state, size, +1)
        while self._keyframe_bytes > self.budget:
            self._thin()

    def _thin(self) -> None:
        """Over the budget: double the grid's spacing and drop the keyframes off it, so those
        left stay evenly spread over the history. Keyframes at forks go last, oldest first."""
        forks = self._fork_points
        on_grid = [key for key in self._keyframes if key[1] not in forks.get(key[0], ())]
        if on_grid:
            self._stride *= 2
            dropped = [key for key in on_grid if key[1] % self._stride]
        else:
            dropped = [min(self._keyframes, key=lambda key: key[1])]
        for key in dropped:
            snap = self._keyframes.pop(key)
            self._keyframe_bytes -= self._held_bytes(snap.state, self._keyframe_sizes.pop(key), -1)
            self._dropped.append(snap)

    def _held_bytes(self, s: TownState, size: int, sign: int) -> int:
        """The bytes a keyframe of `size` bytes adds (`sign` +1) or frees (−1): its own, and
        each array it shares with other keyframes when it is the first to hold it or the last
        to let it go."""
        for a in (*s.bonds.shared(), *s.trust.shared()):
            before = self._holders.get(id(a), 0)
            after = before + sign
            if after:
                self._holders[id(a)] = after
            else:
                del self._holders[id(a)]
            if before and after:  # held by another keyframe too: counted there
                size -= a.nbytes
        return size

    def _nearest_keyframe(self, tick: int) -> tuple[int, Snapshot]:
        """The latest snapshot at or before `tick` that lies on the current branch's history:
        on the keyframe grid, or where a branch forks."""
        best_tick, best = 0, self._origin
        if not self._keyframes:  # none kept (a command's one walk): no grid to look down
            return best_tick, best
        limit = tick
        for b in self.lineage(self.current):
            start = 0 if b.parent is None else b.fork_tick + 1
            found = [f for f in self._fork_points.get(b.name, ())
                     if max(start, best_tick + 1) <= f <= limit and (b.name, f) in self._keyframes]
            k = (limit // self._stride) * self._stride
            while k >= start and k > best_tick:
                if (b.name, k) in self._keyframes:
                    found.append(k)
                    break
                k -= self._stride
            if found:
                best_tick = max(found)
                best = self._keyframes[(b.name, best_tick)]
            limit = min(limit, b.fork_tick)
        return best_tick, best
