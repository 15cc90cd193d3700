"""The coalitions: each one's id, number (its colour slot for life), members and bridges — the
members it shares with another coalition — and who bonds with whom inside one (its graph)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from game.projections.card import Card
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


@dataclass(frozen=True)
class BondEdge:
    """Two members of a coalition joined in its graph: citizen indexes, `a` < `b`."""

    a: int
    b: int
    weight: float


def bond_edges(view: CoalitionView, cards: Iterable[Card]) -> tuple[BondEdge, ...]:
    """Who bonds with whom inside a coalition: an edge for each pair of members one of whom
    holds the other among its strongest bonds (its card's ties, level of detail 3 and up), in
    order of (a, b). The weight is the bond of the pair's lower index when it holds the
    other, else the higher's. `cards` are a document's (those of non-members are passed over)."""
    members = set(view.members)
    ties = {c.index: c.ties.bonds for c in cards if c.index in members and c.ties is not None}
    edges: dict[tuple[int, int], float] = {}
    for i in view.members:
        for bond in ties.get(i, ()):
            if bond.index in members and bond.index != i:
                edges.setdefault((min(i, bond.index), max(i, bond.index)), bond.weight)
    return tuple(BondEdge(a, b, w) for (a, b), w in sorted(edges.items()))
