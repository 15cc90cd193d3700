"""Phase ends and the town's slow rhythms: relaxation of bonds, rest and wake, coalitions,
reputation, and the accursed share (a surplus spent in a feast).

Run by the flux at every phase boundary (`phase_end`) and after a tick that changed surplus
(`accursed_share`). Pure: never imports pygame, the view or the trace.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from game import config
from game.sim import perform, social
from game.sim.bonds import PairValues
from game.sim.model import Activity, Coalition, Phase

if TYPE_CHECKING:
    from game.sim.flux import TownFlux


@dataclass(frozen=True)
class Eve:
    """What a phase end reads of the bonds, made at the end of the tick before it, when they
    already stand as the phase end finds them (nothing moves them in between, and only a
    phase end changes the coalitions): the bonds relaxed, and the communities found among
    them matched with the coalitions. A city's phase end was its longest tick by far; this
    shares it with the tick before (and the window draws the two in different frames). A
    flux restored to the tick before has none (restoring lets it go) and makes it at the
    phase end."""

    tick: int  # the phase end it serves
    bonds: PairValues
    matched: list[tuple[str | None, frozenset[int]]]  # each community, the coalition it continues
    dissolved: list[str]  # the coalitions none continues


def is_eve(tick: int) -> bool:
    """Whether `tick` is the one before a phase end (whose end makes the phase end's `Eve`)."""
    return (tick + 1) % config.PHASE_TICKS == 0


def before_phase_end(flux: TownFlux) -> None:
    """At the end of the tick before a phase end: what the phase end reads is made now."""
    flux.eve = _eve(flux, flux.state.tick + 1)


def _eve(flux: TownFlux, t: int) -> Eve:
    s = flux.state
    s.trust.merge()  # the trust's sorted store, read whole by the phase end: merged now too
    bonds = s.bonds.relaxed(config.RELAX_TOWARD_INITIAL)
    edges = social.affinity_edges(bonds, keep=[c.members for c in s.coalitions])
    matched, dissolved = social.match_coalitions([(c.id, c.members) for c in s.coalitions],
                                                 social.communities(*edges))
    return Eve(t, bonds, matched, dissolved)


def phase_end(flux: TownFlux, t: int) -> None:
    """Bonds relax toward where they began; morning wakes everyone, the evening's end sends
    some to rest; coalitions and reputation are recomputed."""
    s = flux.state
    eve = flux.eve
    if eve is None or eve.tick != t:  # restored to the tick before
        eve = _eve(flux, t)
    flux.eve = None
    # The bonds relaxed (only moved ones move: an untouched one is its initial value, and
    # x + 0.16 (x − x) = x).
    s.bonds = eve.bonds
    new_phase = flux.phase_of(t)
    if new_phase == Phase.MORNING:
        sleepers = np.flatnonzero(s.activity == Activity.RESTING).tolist()
        if sleepers:
            perform.wake(flux, sleepers, t, None)
    elif new_phase == Phase.NIGHT:
        available = np.flatnonzero((s.activity != Activity.WALKING)
                                   & (s.activity != Activity.RESTING)
                                   & (s.activity != Activity.SOCIALIZING))
        draws = flux.draws.randoms(available.size)
        tired = available[draws < config.REST_P_EVENING_END].tolist()
        if tired:
            perform.rest(flux, tired, t, "evening")
    _update_coalitions(flux, t, eve)
    src, dst, _, counts = s.trust.stored()
    s.reputation = social.eigentrust(s.n, src, dst, counts)


def _update_coalitions(flux: TownFlux, t: int, eve: Eve) -> None:
    s = flux.state
    by_id = {c.id: c for c in s.coalitions}
    for cid in eve.dissolved:
        flux.emit("coalition_dissolved", sorted(by_id[cid].members), t,
                  message=f"coalition {cid} dissolved",
                  drama=config.DRAMA["coalition_dissolved"], metadata={"coalition": cid})
    kept: list[Coalition] = []
    for known, members in eve.matched:
        if known is None:
            s.coalition_counter += 1
            fresh = Coalition(s.coalition_counter, members)
            ordered = sorted(members)
            names = ", ".join([flux.names[i] for i in ordered])
            flux.emit("coalition_formed", ordered, t, drama=config.DRAMA["coalition_formed"],
                      message=f"coalition {fresh.id} formed: {names}",
                      metadata={"coalition": fresh.id, "size": len(members)})
            kept.append(fresh)
        else:
            kept.append(Coalition(by_id[known].number, members))
    s.coalitions = kept


def accursed_share(flux: TownFlux, t: int) -> None:
    """Past a threshold of surplus per citizen, the town spends part of it in a feast."""
    s = flux.state
    flux.surplus_changed = False
    total = float(s.surplus.sum())
    if total <= config.SHARE_THRESHOLD_PER_CITIZEN * s.n:
        return
    spent = s.surplus * config.SHARE_FRACTION
    s.surplus -= spent
    flux.emit("share", list(range(s.n)), t, drama=config.DRAMA["share"],
              message=f"the town spent its surplus: {float(spent.sum()):.0f} in a feast",
              metadata={"spent": round(float(spent.sum()), 2)})
