"""Phase ends and the town's slow rhythms: relaxation of bonds, rest and wake, coalitions,
reputation, and the accursed share (a surplus spent in a feast).

Run by the flux at every phase boundary (`phase_end`) and after a tick that changed surplus
(`accursed_share`). Pure: never imports pygame, the view or the trace.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

import numpy as np

from game import config
from game.sim import perform, social
from game.sim.bonds import IntArray, PairValues
from game.sim.model import Activity, Coalition, Phase

if TYPE_CHECKING:
    from game.sim.flux import TownFlux


EVE_TICKS: Final = 5  # the ticks before a phase end that make what it reads, a part each
# A town of fewer citizens makes what its phase end reads at the phase end, whole: it costs
# a millisecond, and its bonds are read as a whole matrix (`social.dense_affinity_edges`).
EVE_FROM: Final = 100
SHARE_MARGIN = 1e-9  # of the share's threshold, kept from the room a gain may fill unseen


@dataclass
class Eve:
    """What a phase end reads of the bonds, made a part a tick over the `EVE_TICKS` ticks before
    it. Five ticks before: the pairs set for the first time merged into the bonds' and the
    trust's arrays (this makes nothing; the parts after merge only what their ticks set). Four
    before: the affinity edges among the bonds as they stand then (relaxed). Three before: the
    communities among those edges, and the pairs merged again. Two before, a draft: the bonds
    relaxed, the edges of the pairs set since the edges were last found looked at again
    (`social.mend_edges`; the bonds note them, `PairValues.watch`), and the communities of three
    before matched with the coalitions. On the eve, the tick before, when the bonds stand as the
    phase end finds them (nothing moves them in between, and only a phase end changes the
    coalitions): the bonds relaxed and the edges mended again, the communities of three before
    grown by the triangles of the edges added since (`social.grown_communities`; found afresh
    if an edge went), and matched again if they changed. What it makes is what the whole of it
    made at once gives, bit for bit (a test compares them). A city's phase end was its longest
    tick by far; this shares it with the five before it (and the window draws the six in
    different frames). A flux restored between them lets its eve go, and makes it afresh:
    whole at the phase end (`whole`), or from the part the tick it stands at makes. A small
    town makes it whole at every phase end (`EVE_FROM`)."""

    tick: int  # the phase end it serves
    edges: IntArray  # the affinity edges found then, as codes a·n + b (a < b), ascending
    found: list[frozenset[int]] | None = None  # the communities among `found_among`
    bonds: PairValues | None = None  # the relaxed bonds, from the eve on
    matched: list[tuple[str | None, frozenset[int]]] | None = None  # each community, the
    dissolved: list[str] | None = None  # coalition it continues; the coalitions none continues
    found_among: IntArray | None = None  # the edges three before; from the eve on, `edges`
    labels: IntArray | None = None  # and each one's community (`social.labelled_communities`)


def eve_ticks(citizens: int) -> int:
    """How many ticks before a phase end make its `Eve` in a town of so many citizens."""
    return EVE_TICKS if citizens >= EVE_FROM else 0


def makes_eve(tick: int, ticks: int) -> bool:
    """Whether `tick` is one of the `ticks` before a phase end whose ends make its `Eve`."""
    return config.PHASE_TICKS - tick % config.PHASE_TICKS <= ticks


def before_phase_end(flux: TownFlux, t: int) -> None:
    """At the end of one of the ticks before a phase end: its part of what the phase end reads
    (the parts before it made now too when the flux was restored since)."""
    end = (t // config.PHASE_TICKS + 1) * config.PHASE_TICKS
    if end - t == EVE_TICKS:
        flux.state.bonds.merge()
        flux.state.trust.merge()
        return
    eve = flux.eve
    if eve is None or eve.tick != end:
        eve = flux.eve = _edges(flux, end)
    if end - t <= 3 and eve.found is None:
        eve.found, eve.labels = social.labelled_communities(*np.divmod(eve.edges, flux.state.n))
        eve.found_among = eve.edges
        flux.state.bonds.merge()  # what waits, into the arrays: the parts after merge
        flux.state.trust.merge()  # (relax, read) only what their ticks set
    if end - t <= 2:
        _finish(flux, eve, end - t == 2)


def _edges(flux: TownFlux, end: int) -> Eve:
    s = flux.state
    s.bonds.watch()
    a, b = social.affinity_edges(s.bonds.relaxed(config.RELAX_TOWARD_INITIAL),
                                 keep=[c.members for c in s.coalitions])
    return Eve(end, a * s.n + b)


def _finish(flux: TownFlux, eve: Eve, draft: bool) -> None:
    """The bonds relaxed and the edges mended; then a `draft` (the tick before the eve: the
    pairs set since are watched) matches the communities found three before with the
    coalitions, and the eve grows those communities by the edges added since and matches them
    again if they changed. (Finding again the communities near every changed edge, in the
    draft and on the eve, cost more than finding them all afresh: in a city, what lies near a
    tick's changed edges is half the graph. Its bonds only grow these few ticks, and the
    triangles the new edges make are few.)"""
    s = flux.state
    s.trust.merge()  # the trust's sorted store, read whole by the phase end: merged now too
    touched, s.bonds.touched = s.bonds.touched, None
    assert touched is not None, "watched since the eve's edges were found"
    assert eve.found is not None and eve.found_among is not None, "three before: communities"
    if draft:
        s.bonds.watch()
    eve.bonds = s.bonds.relaxed(config.RELAX_TOWARD_INITIAL)
    eve.edges = social.mend_edges(eve.edges, eve.bonds, np.array(touched, dtype=np.int64),
                                  keep=[c.members for c in s.coalitions])
    found = eve.found
    if not draft:
        found = social.grown_communities(eve.found_among, found, eve.labels, eve.edges, s.n)
        eve.found_among, eve.labels = eve.edges, None
    if eve.matched is None or found != eve.found:
        eve.found = found
        eve.matched, eve.dissolved = social.match_coalitions(
            [(c.id, c.members) for c in s.coalitions], found)


def whole(flux: TownFlux, end: int) -> Eve:
    """What the phase end at `end` reads of the bonds, made at once as the town stands (on
    the tick before it, as its parts would make it)."""
    s = flux.state
    s.bonds.touched = None  # nothing looks at the pairs set since
    bonds = s.bonds.relaxed(config.RELAX_TOWARD_INITIAL)
    keep = [c.members for c in s.coalitions]
    find = social.dense_affinity_edges if s.n < EVE_FROM else social.affinity_edges
    a, b = find(bonds, keep=keep)
    found = social.communities(a, b)
    matched, dissolved = social.match_coalitions([(c.id, c.members) for c in s.coalitions],
                                                 found)
    return Eve(end, a * s.n + b, found, bonds, matched, dissolved, a * s.n + b)


def phase_end(flux: TownFlux, t: int) -> None:
    """Bonds relax toward where they began; morning wakes everyone, the evening's end sends
    some to rest; coalitions and reputation are recomputed."""
    s = flux.state
    eve = flux.eve
    if eve is None or eve.tick != t or eve.bonds is None:  # a small town's, or restored
        eve = whole(flux, t)  # to the tick before: made now
    flux.eve = None
    assert eve.bonds is not None and eve.matched is not None and eve.dissolved is not None
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
    _update_coalitions(flux, t, eve.matched, eve.dissolved)
    src, dst, _, counts = s.trust.stored()
    s.reputation = social.eigentrust(s.n, src, dst, counts)


def _update_coalitions(flux: TownFlux, t: int, matched: list[tuple[str | None, frozenset[int]]],
                       dissolved: list[str]) -> None:
    s = flux.state
    by_id = {c.id: c for c in s.coalitions}
    for cid in dissolved:
        flux.emit("coalition_dissolved", sorted(by_id[cid].members), t,
                  message=f"coalition {cid} dissolved",
                  drama=config.DRAMA["coalition_dissolved"], metadata={"coalition": cid})
    kept: list[Coalition] = []
    for known, members in matched:
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
    """Past a threshold of surplus per citizen, the town spends part of it in a feast.

    Run when the surplus gained since it last added the surplus up may have taken the sum past
    the threshold (`flux.surplus_room`, less a margin far wider than the rounding of adding
    the same values in another order): a gain within the room leaves the sum under it, and
    adding it up again would find just that."""
    s = flux.state
    flux.surplus_gained = 0.0
    total = float(s.surplus.sum())
    threshold = config.SHARE_THRESHOLD_PER_CITIZEN * s.n
    if total <= threshold:
        flux.surplus_room = threshold - total - SHARE_MARGIN * threshold
        return
    flux.surplus_room = 0.0
    spent = s.surplus * config.SHARE_FRACTION
    s.surplus -= spent
    flux.emit("share", list(range(s.n)), t, drama=config.DRAMA["share"],
              message=f"the town spent its surplus: {float(spent.sum()):.0f} in a feast",
              metadata={"spent": round(float(spent.sum()), 2)})
