"""The personality scatter: each citizen's 7-D personality on its two main axes (PCA, from
`game.sim.social.pca_2d`), scaled into the unit square, in its coalition's colour slot, with
the bridges (citizens of two or more coalitions) named.

Columns, not a record a point: a city has thousands of points and the window builds this each
tick it shows. `point(i)` reads one citizen's row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from game.sim.model import Citizen, TownState
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


def scatter(state: TownState, citizens: Sequence[Citizen]) -> Scatter:
    xy = pca_2d(state.personality)
    lo, hi = xy.min(axis=0), xy.max(axis=0)
    size = np.where(hi - lo > 1e-9, hi - lo, 1.0)
    unit = (xy - lo) / size
    slot = [-1] * state.n
    for c in state.coalitions:
        for i in c.members:
            slot[i] = c.number
    return Scatter(tuple(c.id for c in citizens), tuple(c.name for c in citizens),
                   tuple(unit[:, 0].tolist()), tuple(unit[:, 1].tolist()), tuple(slot),
                   tuple(sorted(bridges([c.members for c in state.coalitions]))))
