"""The operad: each operation's duration, cost, activity and effect on the town's arrays.

Effects are plain functions over `TownState`; `perform` checks the laws (`laws`), then calls them.
Pure: never imports pygame or the view.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np

from game import config
from game.sim.dialogue import Template
from game.sim.model import Activity, Dim, FloatArray, TownState


def saturate(w: FloatArray | float, delta: FloatArray | float) -> FloatArray:
    """Apply a change to weights so they approach ±1 without piling up, clamped to [-1, 1]."""
    w_arr = np.asarray(w, dtype=np.float64)
    d_arr = np.asarray(delta, dtype=np.float64)
    scaled = np.where(d_arr >= 0, d_arr * (1.0 - w_arr), d_arr * (1.0 + w_arr))
    out: FloatArray = np.clip(w_arr + scaled, -1.0, 1.0)
    return out


def _bump(state: TownState, i: int, j: int, delta: float) -> None:
    # `saturate` on one weight in plain floats: the same IEEE operations (a test compares
    # them), without numpy's cost on a scalar, which a decision pays twice.
    w = state.bond(i, j)
    scaled = delta * (1.0 - w) if delta >= 0 else delta * (1.0 + w)
    state.set_bond(i, j, min(max(w + scaled, -1.0), 1.0))


def _mean(state: TownState, a: int, b: int, dim: Dim) -> float:
    """The pair's mean along `dim`: the bits of numpy's mean of the two, in plain floats."""
    p = state.personality
    return (float(p[a, dim]) + float(p[b, dim])) / 2


def _greet(state: TownState, a: int, b: int, subject: int) -> dict[str, object]:
    gain = config.GREET_GAIN * _mean(state, a, b, Dim.WARMTH)
    _bump(state, a, b, gain)
    _bump(state, b, a, gain)
    return {"gain": round(gain, 4)}


def _gossip(state: TownState, a: int, b: int, subject: int) -> dict[str, object]:
    opinion = state.bond(a, subject)
    _bump(state, b, subject, config.GOSSIP_TRANSFER * opinion)
    hear(state, b, subject)
    return {"opinion": round(opinion, 4)}


def _trade(state: TownState, a: int, b: int, subject: int) -> dict[str, object]:
    gain = config.TRADE_GAIN * _mean(state, a, b, Dim.TRUST)
    _bump(state, a, b, gain)
    _bump(state, b, a, gain)
    state.surplus[a] += config.TRADE_SURPLUS
    state.surplus[b] += config.TRADE_SURPLUS
    return {"gain": round(gain, 4)}


def _solo(state: TownState, a: int, b: int, subject: int) -> dict[str, object]:
    state.surplus[a] += config.SOLO_SURPLUS
    return {}


def _dispute(state: TownState, a: int, b: int, subject: int) -> dict[str, object]:
    loss = config.DISPUTE_LOSS * (1.0 - _mean(state, a, b, Dim.PATIENCE))
    _bump(state, a, b, -loss)
    _bump(state, b, a, -loss)
    return {"loss": round(loss, 4)}


def _teach(state: TownState, a: int, b: int, subject: int) -> dict[str, object]:
    # np.clip on each value, in plain floats (min and max keep the value on a tie, as it does).
    p = state.personality
    drifts = []
    for dim in (Dim.CURIOSITY, Dim.CREATIVITY):
        mine = float(p[b, dim])
        drift = min(max(float(p[a, dim]) - mine, -config.TEACH_DRIFT), config.TEACH_DRIFT)
        p[b, dim] = min(max(mine + drift, 0.0), 1.0)
        drifts.append(round(drift, 4))
    return {"drift": drifts}


def hear(state: TownState, listener: int, subject: int) -> None:
    """The listener last heard about `subject`: it goes first in what it may repeat, and only
    the newest HEARD_LIMIT are kept (a gossip's listener and a rumor's first carrier alike)."""
    others = (h for h in state.heard[listener] if h != subject)
    state.heard[listener] = (subject, *others)[:config.HEARD_LIMIT]


def celebrate(state: TownState, members: Sequence[int]) -> dict[str, object]:
    """Everyone present grows closer; each spends part of its surplus."""
    idx = np.asarray(members, dtype=np.int64)
    i, j = np.repeat(idx, idx.size), np.tile(idx, idx.size)
    other = i != j
    i, j = i[other], j[other]
    state.bonds.scatter(i, j, saturate(state.bonds.gather(i, j), config.CELEBRATE_GAIN))
    spent = state.surplus[idx] * config.CELEBRATE_SPEND
    state.surplus[idx] -= spent
    return {"spent": round(float(spent.sum()), 2)}


Effect = Callable[[TownState, int, int, int], dict[str, object]]


@dataclass(frozen=True)
class OpSpec:
    name: str
    activity: Activity
    effect: Effect | None
    evolve: tuple[int, float]  # dimension an evolving citizen drifts along, toward this value
    trust: float  # what the interaction adds to each side's local trust of the other
    message: str  # {a} does it with {b} about {s}
    duration: int  # these three from config's tables (`_spec`), read once, not at each op
    tokens: int
    drama: float
    words: Template  # the message, read once: filled with (a, b, s)


def _spec(name: str, activity: Activity, effect: Effect | None, evolve: tuple[int, float],
          trust: float, message: str) -> OpSpec:
    return OpSpec(name, activity, effect, evolve, trust, message, config.DURATION.get(name, 0),
                  config.TOKENS[name], config.DRAMA[name], Template(message, ("a", "b", "s")))


OPS: Final[dict[str, OpSpec]] = {
    o.name: o
    for o in (
        _spec("greet", Activity.SOCIALIZING, _greet, (Dim.WARMTH, 1.0), 1.0,
              "{a} greeted {b}"),
        _spec("gossip", Activity.SOCIALIZING, _gossip, (Dim.CURIOSITY, 1.0), 0.5,
              "{a} told {b} about {s}"),
        _spec("trade", Activity.SOCIALIZING, _trade, (Dim.AMBITION, 1.0), 1.5,
              "{a} traded with {b}"),
        _spec("solo", Activity.WORKING, _solo, (Dim.CREATIVITY, 1.0), 0.0,
              "{a} {s}"),
        _spec("walk", Activity.WALKING, None, (Dim.CURIOSITY, 1.0), 0.0,
              "{a} set off for the {s}"),
        _spec("dispute", Activity.SOCIALIZING, _dispute, (Dim.PATIENCE, 0.0), -1.0,
              "{a} quarrelled with {b}"),
        _spec("celebrate", Activity.SOCIALIZING, None, (Dim.WARMTH, 1.0), 0.5,
              "{a} celebrated together"),
        _spec("teach", Activity.SOCIALIZING, _teach, (Dim.CURIOSITY, 1.0), 1.0,
              "{a} taught {b}"),
    )
}

# Solo work by region: what a citizen does alone there, and the activity it shows.
SOLO_KIND: Final[dict[str, tuple[str, Activity]]] = {
    "workshop": ("worked at the bench", Activity.WORKING),
    "market": ("minded a stall", Activity.WORKING),
    "garden": ("tended the garden", Activity.WORKING),
    "library": ("read in the library", Activity.REFLECTING),
    "archive": ("sorted old records", Activity.REFLECTING),
    "observatory": ("watched the sky", Activity.REFLECTING),
    "inn": ("sat by the fire, thinking", Activity.REFLECTING),
    "square": ("sketched the square", Activity.WORKING),
}
