"""The coalitions: each one's id, number (its colour slot for life), members and bridges — the
members it shares with another coalition."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from game.sim.model import Citizen, TownState
from game.sim.social import bridges


@dataclass(frozen=True)
class CoalitionView:
    id: str
    number: int
    members: tuple[int, ...]  # citizen indexes, ascending
    names: tuple[str, ...]  # the members' names, in the same order
    bridges: tuple[int, ...]  # the members also in another coalition, ascending


def coalitions(state: TownState, citizens: Sequence[Citizen]) -> tuple[CoalitionView, ...]:
    """The town's coalitions in the order they are kept (oldest first)."""
    shared = bridges([c.members for c in state.coalitions])
    out = []
    for c in state.coalitions:
        members = tuple(sorted(c.members))
        out.append(CoalitionView(c.id, c.number, members,
                                 tuple(citizens[i].name for i in members),
                                 tuple(i for i in members if i in shared)))
    return tuple(out)


def membership(views: Sequence[CoalitionView], n: int) -> tuple[tuple[str, ...], ...]:
    """Each citizen's coalitions by id (a table's column)."""
    held: list[list[str]] = [[] for _ in range(n)]
    for view in views:
        for i in view.members:
            held[i].append(view.id)
    return tuple(tuple(ids) for ids in held)
