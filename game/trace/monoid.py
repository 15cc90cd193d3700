"""The trace monoid of a run: which events commute, what caused what, and why a citizen is so.

Two events are independent (they commute) iff no citizen takes part in both (DESIGN.md §2). Over
that relation this module holds: the Foata normal form, trace equivalence of two sequences, the
causal past and future of an event, the immediate predecessors (the edges of the dependence
DAG) and the "why" chain from a citizen back to the perturbation that shaped it.

`TraceIndex` builds the per-citizen indices once so the timeline and the UI can ask many questions
of one trace; the free functions are thin wrappers that build an index for a single question.
Sequences are read in the order given: a run's own (tick, seq) order or any re-linearisation.

Pure: imports only `game.sim.events`; never pygame, never `game.view`.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain

from game.sim.events import Event


def independent(a: Event, b: Event) -> bool:
    """True iff `a` and `b` commute: no citizen takes part in both."""
    return set(a.participants).isdisjoint(b.participants)


def _canonical(event: Event) -> tuple[int, int, str]:
    return (event.tick, event.seq, event.id)


CROWD = 3  # more citizens than this in one step read as "Ada and 24 others"


def _line(event: Event, names: Mapping[str, str], first: Sequence[str] = ()) -> str:
    """A readable line: "tick 312 · gossip · Mira → Ada about Tomas (perturbation: rumor)"; a
    crowd collapses to its first citizen named in `first` (else its first) and how many more."""
    who = [names.get(c, c) for c in event.participants]
    # A binary op reads speaker → listener; a few citizens as a list; a crowd by one of them.
    if len(who) == 2:
        citizens = f"{who[0]} → {who[1]}"
    elif len(who) > CROWD:
        lead = next((c for c in first if c in event.participants), event.participants[0])
        citizens = f"{names.get(lead, lead)} and {len(who) - 1} others"
    else:
        citizens = ", ".join(who) or "no one"
    text = f"tick {event.tick} · {event.op} · {citizens}"
    if event.subject is not None:
        text += f" about {names.get(event.subject, event.subject)}"
    notes = []
    if event.perturbation:
        notes.append(f"perturbation: {event.card or event.op}")
    if not event.success:
        notes.append(f"failed: {event.reason or 'no reason given'}")
    if notes:
        text += f" ({'; '.join(notes)})"
    return text


@dataclass(frozen=True)
class WhyChain:
    """A path through the dependence DAG from a card's own event forward to where its effect
    reached a citizen (`citizen`).

    Each event is an immediate predecessor of the next. Empty when nothing explains the citizen;
    `reason` then says why in words, and otherwise summarises the chain.
    """

    events: tuple[Event, ...]
    reason: str
    citizen: str = ""

    def lines(self, names: Mapping[str, str] | None = None) -> list[str]:
        """One readable line per event (citizens by `names` where given; a crowd by the citizen
        asked about, else by the one carrying the chain on); just the reason when empty."""
        if not self.events:
            return [self.reason]
        carried = [*self.events[1:], self.events[-1]]
        return [_line(event, names or {}, (self.citizen, *after.participants))
                for event, after in zip(self.events, carried, strict=True)]


class TraceIndex:
    """One sequence of events with the per-citizen indices that every query walks.

    Built in O(n·p) for n events of at most p participants; `extend` appends a live run's new
    events without re-indexing the rest. Each citizen gets one bit and each event the mask of its
    participants, so the causal sweeps test dependence with one `&`. Ids must be unique, as they
    are within one run.
    """

    def __init__(self, events: Iterable[Event] = ()) -> None:
        self._events: list[Event] = []
        self._position: dict[str, int] = {}
        self._by_citizen: dict[str, list[int]] = {}
        self._bit: dict[str, int] = {}
        self._masks: list[int] = []
        self._predecessors: list[tuple[int, ...]] = []
        self._successors: list[list[int]] = []
        self._layer: list[int] = []
        # seen_before[k]: the citizens of events[:k]; seen_after[k]: those of events[k:]. Once a
        # sweep's active citizens cover them, everything left that has a citizen is reached.
        self._seen_before: list[int] = [0]
        self._seen_after: list[int] | None = None
        self._with_citizens: list[int] = []
        self.extend(events)

    @property
    def events(self) -> Sequence[Event]:
        """The events, in the order given."""
        return self._events

    def extend(self, events: Iterable[Event]) -> None:
        """Append events (say, a live run's latest tick) after the ones already indexed."""
        batch = list(events)
        self._refuse_repeats(batch)
        by_citizen, bit = self._by_citizen, self._bit
        layer, successors = self._layer, self._successors
        seen = self._seen_before[-1]
        for i, event in enumerate(batch, start=len(self._events)):
            mask = 0
            preds: set[int] = set()
            for citizen in dict.fromkeys(event.participants):
                mine = by_citizen.get(citizen)
                if mine is None:
                    bit[citizen] = 1 << len(bit)
                    by_citizen[citizen] = [i]
                else:
                    preds.add(mine[-1])
                    mine.append(i)
                mask |= bit[citizen]
            ordered = tuple(sorted(preds))
            # Layers rise strictly along each citizen's projection, so the immediate predecessors
            # carry the maximum over every earlier event this one depends on.
            top = -1
            for p in ordered:
                successors[p].append(i)
                top = max(top, layer[p])
            layer.append(top + 1)
            successors.append([])
            self._predecessors.append(ordered)
            self._position[event.id] = i
            self._events.append(event)
            self._masks.append(mask)
            seen |= mask
            self._seen_before.append(seen)
            if mask:
                self._with_citizens.append(i)
        self._seen_after = None

    def __len__(self) -> int:
        return len(self.events)

    def position(self, event_id: str) -> int:
        """Where the event with this id sits in the sequence."""
        try:
            return self._position[event_id]
        except KeyError:
            raise KeyError(f"no event {event_id!r} in this trace") from None

    def citizen_positions(self, citizen_id: str) -> tuple[int, ...]:
        """Positions of the events `citizen_id` takes part in: its projection, in order."""
        return tuple(self._by_citizen.get(citizen_id, ()))

    def predecessors(self, index: int) -> tuple[int, ...]:
        """For each participant of event `index`, its previous event; deduplicated, ascending.

        These are the edges of the dependence DAG. Some may be implied by others, so this is a
        superset of the Hasse diagram, but its reachability is exactly the causal order.
        """
        return self._predecessors[self._checked(index)]

    def successors(self, index: int) -> tuple[int, ...]:
        """The events that have event `index` among their predecessors, ascending."""
        return tuple(self._successors[self._checked(index)])

    def layer(self, index: int) -> int:
        """The Foata layer of event `index`: 0 if it depends on nothing before it."""
        return self._layer[self._checked(index)]

    def foata(self) -> list[list[Event]]:
        """The Foata normal form: layers of pairwise independent events.

        Inside a layer events go by (tick, seq, id), so equivalent sequences give equal forms.
        """
        layers: list[list[Event]] = [[] for _ in range(max(self._layer, default=-1) + 1)]
        for event, k in zip(self.events, self._layer, strict=True):
            layers[k].append(event)
        for layer in layers:
            layer.sort(key=_canonical)
        return layers

    def past(self, index: int) -> list[int]:
        """Positions of the causal past of event `index`, ascending, without the event itself."""
        found = list(self._sweep_back(self._checked(index)))
        found.reverse()
        return found

    def future(self, index: int) -> list[int]:
        """Positions of the causal future of event `index`, ascending, without the event itself."""
        return list(self._sweep_forward(self._checked(index)))

    def causal_past(self, event_id: str) -> list[Event]:
        """Every event the given one transitively depends on, in sequence order."""
        return [self._events[i] for i in self.past(self.position(event_id))]

    def causal_future(self, event_id: str) -> list[Event]:
        """Every event that transitively depends on the given one, in sequence order."""
        return [self._events[i] for i in self.future(self.position(event_id))]

    def why(self, citizen_id: str, tick: int, names: Mapping[str, str] | None = None
            ) -> WhyChain:
        """The chain from the card whose effect most recently shaped `citizen_id` by `tick`.

        Starts from the citizen's latest event at or before `tick`; that event counts as its own
        cause when it is a perturbation. The most recent perturbation in its causal past names
        the card; the chain starts at that card's own event (the card at the tick it was played,
        not its first effect) and is a shortest path in the dependence DAG from there, which ends
        at the first event on it the citizen takes part in: where the card reached them. Among
        shortest paths, each step forward takes the most recent event that still lies on one.
        """
        who = (names or {}).get(citizen_id, citizen_id)
        target = self._latest_event_of(citizen_id, tick)
        if target is None:
            return WhyChain((), f"{who} has no event by tick {tick}: "
                                "the state comes from the seed alone", citizen_id)
        source = next(self._perturbations_behind(target), None)
        if source is None:
            return WhyChain((), f"no perturbation shaped {who} by tick {tick}: "
                                "the state comes from the seed alone", citizen_id)
        own = self._card_played(source)
        path = self._shortest_path(own, target)
        reached = next(k for k, i in enumerate(path) if citizen_id in self._events[i].participants)
        events = tuple(self._events[i] for i in path[:reached + 1])
        cause = events[0].card or events[0].op
        how = {0: "directly", 1: "in 1 step"}.get(reached, f"in {reached} steps")
        return WhyChain(events, f"{cause} at tick {events[0].tick} reached {who} {how}",
                        citizen_id)

    def _card_played(self, index: int) -> int:
        """The event of the card itself behind perturbation `index` (the card's op, played at its
        own tick): the most recent one in its causal past, or `index` when there is none."""
        card = self._events[index].card
        if card is None or self._events[index].op == card:
            return index
        return next((i for i in self._sweep_back(index)
                     if self._events[i].perturbation and self._events[i].card == card
                     and self._events[i].op == card), index)

    def _refuse_repeats(self, batch: list[Event]) -> None:
        """Check the whole batch first, so a refused batch leaves the index as it was."""
        first_seen: dict[str, int] = {}
        for k, event in enumerate(batch, start=len(self._events)):
            first = self._position.get(event.id, first_seen.get(event.id))
            if first is not None:
                raise ValueError(
                    f"the trace holds event {event.id} twice (positions {first} and {k})"
                )
            first_seen[event.id] = k

    def _checked(self, index: int) -> int:
        if not 0 <= index < len(self.events):
            raise IndexError(f"event position {index} is outside a trace of {len(self.events)}")
        return index

    def _sweep_back(self, index: int) -> Iterator[int]:
        """The causal past of `index`, nearest first.

        An earlier event is in the past iff it shares a citizen with the event or with something
        already found, so one backward pass with a growing citizen mask finds it all.
        """
        masks, seen_before = self._masks, self._seen_before
        active = masks[index]
        j = index - 1
        while j >= 0 and active:
            if active & seen_before[j + 1] == seen_before[j + 1]:
                yield from reversed(self._with_citizens[: bisect_right(self._with_citizens, j)])
                return
            if masks[j] & active:
                active |= masks[j]
                yield j
            j -= 1

    def _sweep_forward(self, index: int) -> Iterator[int]:
        """The causal future of `index`, nearest first: the mirror of `_sweep_back`."""
        masks, seen_after = self._masks, self._citizens_after()
        active = masks[index]
        j, n = index + 1, len(masks)
        while j < n and active:
            if active & seen_after[j] == seen_after[j]:
                yield from self._with_citizens[bisect_left(self._with_citizens, j):]
                return
            if masks[j] & active:
                active |= masks[j]
                yield j
            j += 1

    def _citizens_after(self) -> list[int]:
        """seen_after, rebuilt on first use after `extend`: an append changes every entry."""
        if self._seen_after is None:
            after = [0] * (len(self._masks) + 1)
            for k in range(len(self._masks) - 1, -1, -1):
                after[k] = after[k + 1] | self._masks[k]
            self._seen_after = after
        return self._seen_after

    def _latest_event_of(self, citizen_id: str, tick: int) -> int | None:
        for i in reversed(self._by_citizen.get(citizen_id, ())):
            if self._events[i].tick <= tick:
                return i
        return None

    def _perturbations_behind(self, index: int) -> Iterator[int]:
        """Perturbations among the event and its causal past, most recent first."""
        return (i for i in chain((index,), self._sweep_back(index))
                if self._events[i].perturbation)

    def _shortest_path(self, source: int, target: int) -> list[int]:
        """Positions from `source` to `target` along predecessor edges, fewest steps.

        Breadth-first backward from the target, each level visited most recent first, so the
        first visitor to claim an event is the most recent next step on a shortest path.
        """
        toward_target: dict[int, int] = {target: target}
        level = [target]
        while source not in toward_target:
            reached: list[int] = []
            for i in level:
                for p in self._predecessors[i]:
                    # A path from the source only rises in position, so nothing older can be on it.
                    if p >= source and p not in toward_target:
                        toward_target[p] = i
                        reached.append(p)
            level = sorted(reached, reverse=True)
        path = [source]
        while path[-1] != target:
            path.append(toward_target[path[-1]])
        return path


def foata_normal_form(events: Iterable[Event]) -> list[list[Event]]:
    """Layers of pairwise independent events; see `TraceIndex.foata`."""
    return TraceIndex(events).foata()


def linearize(layers: Iterable[Iterable[Event]]) -> list[Event]:
    """One sequence from Foata layers, layer by layer: equivalent to the trace they came from."""
    return [event for layer in layers for event in layer]


def _projections(events: Sequence[Event]) -> dict[str, list[str]]:
    by_citizen: dict[str, list[str]] = {}
    for event in events:
        for citizen in dict.fromkeys(event.participants):
            by_citizen.setdefault(citizen, []).append(event.id)
    return by_citizen


def equivalent(xs: Sequence[Event], ys: Sequence[Event]) -> bool:
    """True iff `xs` and `ys` are the same trace: one reorders the other by commuting neighbours.

    Events are compared by id (within a run an id names one event and its participants). The
    definition asks for the same events and every dependent pair in the same relative order.
    Checking each citizen's projection is enough: the events of one citizen are pairwise
    dependent, so equal traces give equal projections; conversely every dependent pair shares
    some citizen and so appears, in order, in that citizen's projection. O(n·p), not O(n²).
    """
    if len(xs) != len(ys):
        return False
    if Counter(e.id for e in xs) != Counter(e.id for e in ys):
        return False
    return _projections(xs) == _projections(ys)


def causal_past(events: Sequence[Event], event_id: str) -> list[Event]:
    """Every event `event_id` transitively depends on, in sequence order, without itself."""
    return TraceIndex(events).causal_past(event_id)


def causal_future(events: Sequence[Event], event_id: str) -> list[Event]:
    """Every event that transitively depends on `event_id`, in sequence order, without itself."""
    return TraceIndex(events).causal_future(event_id)


def immediate_predecessors(events: Sequence[Event], index: int) -> list[Event]:
    """For each participant of `events[index]`, its previous event; deduplicated, in order."""
    trace = TraceIndex(events)
    return [trace.events[i] for i in trace.predecessors(index)]


def why_chain(events: Sequence[Event], citizen_id: str, tick: int) -> WhyChain:
    """Why `citizen_id` is as it is at `tick`; see `TraceIndex.why`."""
    return TraceIndex(events).why(citizen_id, tick)
