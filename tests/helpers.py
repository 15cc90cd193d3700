"""Test helpers: set a scene up directly in the state (tests only; the app never does this)."""

from __future__ import annotations

import json
from typing import Any

import numpy as np

from game import config
from game.sim.bonds import PairValues
from game.sim.cards import Perturbation
from game.sim.events import Event
from game.sim.flux import TownFlux
from game.sim.model import NEVER, Activity, FloatArray, TownState
from game.sim.townmap import REGION_INDEX
from game.trace import store
from game.trace.timeline import Timeline


def all_bonds(s: TownState) -> FloatArray:
    """Every bond of the town as one N × N matrix (tests of small towns only)."""
    return s.bonds.rows(0, s.n)


def pair_values(matrix: FloatArray) -> PairValues:
    """A dense matrix as `PairValues`, every pair stored (base 0)."""
    n = matrix.shape[0]
    out = PairValues(n, None)
    i, j = np.divmod(np.arange(n * n), n)
    out.scatter(i, j, matrix[i, j])
    return out


def place(flux: TownFlux, citizen: str, region: str, *, busy_for: int = 1000) -> int:
    """Stand a citizen in `region`, idle but not due to decide for `busy_for` ticks."""
    s = flux.state
    i = flux.index[citizen]
    r = REGION_INDEX[region]
    s.region[i] = r
    s.spot[i] = flux.map.spots[r][0]
    s.walk_origin[i] = -1
    s.activity[i] = Activity.IDLE
    s.partner[i] = -1
    s.busy_until[i] = s.tick + busy_for
    s.pending.pop(i, None)
    flux.restore(flux.snapshot())  # refresh the flux's cached next-due tick
    return i


def put_to_rest(flux: TownFlux, citizen: str) -> int:
    i = flux.index[citizen]
    flux.state.activity[i] = Activity.RESTING
    flux.state.busy_until[i] = NEVER
    flux.restore(flux.snapshot())
    return i


def freeze_everyone(flux: TownFlux, ticks: int = 5000) -> None:
    """Make every citizen busy so that only what a test does happens."""
    s = flux.state
    s.busy_until[:] = s.tick + ticks
    s.activity[:] = Activity.WORKING
    flux.restore(flux.snapshot())


def play(flux: TownFlux, card: str, *targets: str) -> list[Event]:
    """Deal a card for the next tick and run that tick: its events."""
    flux.inject(Perturbation(tick=flux.state.tick + 1, card=card, targets=targets))
    return flux.tick()


def village_save(festival: int, head: int, fork: int) -> dict[str, Any]:
    """A small save as JSON: village seed 3, a festival on main, and a branch forked at `fork`
    with a greet card, run 100 ticks past its fork."""
    tl = Timeline("village", 3)
    tl.add_perturbation(Perturbation(tick=festival, card="festival"))
    tl.advance(head)
    tl.seek(fork)
    tl.play("greet", ["ada", "bruno"])
    tl.advance(100)
    raw: dict[str, Any] = json.loads(store.to_save(tl).model_dump_json())
    return raw


def dense_eigentrust(counts: FloatArray) -> FloatArray:
    """EigenTrust the textbook way: a dense matrix and `@` (BLAS: a reference for tests only,
    never the state's arithmetic)."""
    n = counts.shape[0]
    local = np.maximum(counts, 0.0)
    sums = local.sum(axis=1)
    c = np.where(sums[:, None] > 0, local / np.where(sums > 0, sums, 1.0)[:, None], 1.0 / n)
    t = np.full(n, 1.0 / n)
    for _ in range(config.EIGENTRUST_MAX_ITER):
        nxt = (1 - config.EIGENTRUST_ALPHA) * (c.T @ t) + config.EIGENTRUST_ALPHA / n
        nxt /= nxt.sum()
        done = np.abs(nxt - t).max() < config.EIGENTRUST_TOL
        t = nxt
        if done:
            break
    return t
