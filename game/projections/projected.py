"""`Projected`: a widget's content as a function of a state, and `Moment`, the state a face
of a history shows: one tick of one branch (with what a projection reads of the timeline
standing there: its recent events, its citizens' names).

A `Projected` holds a state and the view its projection draws of it, computed when the state is
given. Moving to another state is `with_state(s)` (or `map(f)` for `with_state(f(state))`); the
same state keeps the view already drawn, so a paused window recomputes nothing. What is shown
is a function of the state alone: `map(id)` is the identity and `map(f).map(g)` is
`map(g ∘ f)`, which the tests check on real seeks.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from game.sim.events import Event
from game.trace.timeline import Timeline

S = TypeVar("S")
V = TypeVar("V")


@dataclass(frozen=True)
class Moment:
    """A tick of a branch: in a history, the town there is fully determined."""

    branch: str
    tick: int

    @staticmethod
    def of(timeline: Timeline) -> Moment:
        """Where the timeline stands."""
        return Moment(timeline.current, timeline.cursor)


def recent(timeline: Timeline, ticks: int) -> Sequence[Event]:
    """The events of the last `ticks` ticks up to the cursor, its own included."""
    cursor = timeline.cursor
    return timeline.events(start=max(0, cursor - ticks), end=cursor)


def names_of(timeline: Timeline) -> dict[str, str]:
    """Citizen id → name."""
    return {c.id: c.name for c in timeline.flux.citizens}


def standing_at(timeline: Timeline, moment: Moment) -> Timeline:
    """The timeline standing at `moment` (sought there if it stands elsewhere)."""
    if Moment.of(timeline) != moment:
        timeline.seek(moment.tick, moment.branch)
    return timeline


@dataclass(frozen=True)
class Projected(Generic[S, V]):
    """A state and what its projection shows of it; equal when both are."""

    state: S
    project: Callable[[S], V] = field(compare=False, repr=False)
    view: V = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "view", self.project(self.state))

    def with_state(self, state: S) -> Projected[S, V]:
        """The same projection of another state (this one when the state is the same)."""
        return self if state == self.state else Projected(state, self.project)

    def map(self, f: Callable[[S], S]) -> Projected[S, V]:
        return self.with_state(f(self.state))


def follow(cell: Projected[S, V] | None, state: S, project: Callable[[S], V]) -> Projected[S, V]:
    """`cell` moved to `state`, or a first cell there."""
    return Projected(state, project) if cell is None else cell.with_state(state)
