"""The personality scatter: each citizen's 7-D personality on its two main axes (PCA, from
`game.sim.social.pca_2d`), scaled into the unit square, in its coalition's colour slot, with
the bridges (citizens of two or more coalitions) named.

Columns, not a record a point: a city has thousands of points and the window builds this each
tick it shows. `point(i)` reads one citizen's row.

`axes` says what the two axes mean: each personality dimension's correlation with each axis,
the strongest first (the window labels its scatter with them).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from game import config
from game.sim.model import Citizen, FloatArray, TownState
from game.sim.social import bridges, pca_2d


@dataclass(frozen=True)
class ScatterPoint:
    index: int
    id: str
    name: str
    x: float
    y: float
    coalition: int  # the coalition's number (its colour slot), −1 in none
    bridge: bool


@dataclass(frozen=True)
class Scatter:
    """One column per field, a row per citizen; x and y in [0, 1], y up."""

    ids: tuple[str, ...]
    names: tuple[str, ...]
    x: tuple[float, ...]
    y: tuple[float, ...]
    coalition: tuple[int, ...]  # the number of the (last formed) coalition holding the citizen
    bridges: tuple[int, ...]  # indexes of the citizens in two or more coalitions, ascending

    def point(self, i: int) -> ScatterPoint:
        return ScatterPoint(i, self.ids[i], self.names[i], self.x[i], self.y[i],
                            self.coalition[i], i in self.bridges)


@dataclass(frozen=True)
class Loading:
    dimension: str
    weight: float  # the dimension's correlation with the axis, in [−1, 1]


@dataclass(frozen=True)
class Axis:
    """What one axis of the scatter means: the dimensions that move along it, strongest first
    (a positive weight grows toward the axis's positive end: right, or up)."""

    loadings: tuple[Loading, ...]

    def words(self, shown: int) -> str:
        """The `shown` strongest dimensions, signed: "+curiosity -trust"."""
        return " ".join(f"{'+' if k.weight >= 0 else '-'}{k.dimension}"
                        for k in self.loadings[:shown])


@dataclass(frozen=True)
class Axes:
    x: Axis
    y: Axis


NO_AXES = Axes(Axis(()), Axis(()))
LOADING_FLOOR = 0.05  # a dimension correlated less than this with an axis says nothing of it


def axes(personality: FloatArray, xy: FloatArray) -> Axes:
    """Each dimension's correlation with each of the two projected axes, the strongest first;
    dimensions that do not vary, or barely load, are left out."""
    centred = personality - personality.mean(axis=0)
    spread = np.sqrt((centred * centred).sum(axis=0))
    found: list[Axis] = []
    for a in range(2):
        along = xy[:, a] - xy[:, a].mean()
        norm = float(np.sqrt((along * along).sum()))
        weights = [float((centred[:, k] * along).sum()) / (float(spread[k]) * norm)
                   if spread[k] > 1e-12 and norm > 1e-12 else 0.0
                   for k in range(centred.shape[1])]
        order = sorted(range(len(weights)), key=lambda k: (-abs(weights[k]), k))
        found.append(Axis(tuple(Loading(config.DIMENSIONS[k], weights[k]) for k in order
                                if abs(weights[k]) >= LOADING_FLOOR)))
    return Axes(found[0], found[1])


def scatter(state: TownState, citizens: Sequence[Citizen]) -> Scatter:
    return scatter_and_axes(state, citizens)[0]


def scatter_and_axes(state: TownState, citizens: Sequence[Citizen]) -> tuple[Scatter, Axes]:
    """The scatter and what its axes mean, from one PCA."""
    xy = pca_2d(state.personality)
    lo, hi = xy.min(axis=0), xy.max(axis=0)
    size = np.where(hi - lo > 1e-9, hi - lo, 1.0)
    unit = (xy - lo) / size
    slot = [-1] * state.n
    for c in state.coalitions:
        for i in c.members:
            slot[i] = c.number
    ids, names = _ids_and_names(citizens)
    placed = Scatter(ids, names, tuple(unit[:, 0].tolist()), tuple(unit[:, 1].tolist()),
                     tuple(slot),
                     tuple(sorted(bridges([c.members for c in state.coalitions]))))
    return placed, axes(state.personality, xy)


# The last town's citizens and their ids and names: the same for a town's life, and made
# again with every scatter they took a city a millisecond each time.
_NAMED: list[tuple[Sequence[Citizen], tuple[str, ...], tuple[str, ...]]] = []


def _ids_and_names(citizens: Sequence[Citizen]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    for seen, ids, names in _NAMED:
        if seen is citizens:
            return ids, names
    ids, names = tuple(c.id for c in citizens), tuple(c.name for c in citizens)
    _NAMED[:] = [(citizens, ids, names)]
    return ids, names
