"""Performing operations: the laws checked, the operad's effect applied, the event emitted.

A two-citizen op (`binary`), solo work, a celebration, resting and waking, sheltering from a
storm. Whoever asks (a citizen's own decision or a card) gets the same laws and the same
effects. Pure: never imports pygame, the view or the trace.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from game import config
from game.sim import dialogue, laws
from game.sim.model import NEVER, Activity, Phase, TownState
from game.sim.ops import OPS, SOLO_KIND
from game.sim.ops import celebrate as celebrate_effect
from game.sim.townmap import REGION_NAMES

if TYPE_CHECKING:
    from game.sim.flux import TownFlux


def binary(flux: TownFlux, op: str, a: int, b: int, subject: int, t: int,
           card: str | None) -> bool:
    """Run a two-citizen op after checking the laws; a failed check is a recorded event."""
    if refusal := laws.binary(flux, a, b, t):
        return flux.fail(op, [a, b], t, refusal, card, subject)
    s = flux.state
    who = [a, b]
    r = flux.roster.region[a]
    spec = OPS[op]
    flux.busy(who, spec.activity, t + spec.duration)
    assert spec.effect is not None
    meta = spec.effect(s, a, b, subject)
    s.add_trust(a, b, spec.trust)
    s.add_trust(b, a, spec.trust)
    if op == "trade":
        flux.surplus_gained += 2 * config.TRADE_SURPLUS  # what `ops` adds to both
    drama = spec.drama
    if op == "gossip":
        if s.bond(a, subject) < 0:
            drama = config.GOSSIP_NEGATIVE_DRAMA
        _spread_rumor(s, a, b, subject, meta)
    listener, about = flux.name(b), flux.name(subject) if subject >= 0 else ""
    message = spec.words.fill((flux.name(a), listener, about))
    line = dialogue.line(flux.draws, flux.citizens[a].archetype, op, listener=listener,
                         subject=about)
    for i in who:
        flux.remember(i, t, op, message)
        _evolve(flux, i, op)
    flux.emit(op, who, t, subject=subject, region=r, message=message, line=line,
              tokens=spec.tokens, drama=drama, card=card, metadata=meta)
    return True


def solo(flux: TownFlux, i: int, t: int, card: str | None) -> None:
    """Work, reflect or create alone, as the region suggests (reflect at night)."""
    s = flux.state
    r = flux.roster.region[i]
    kind, activity = SOLO_KIND[REGION_NAMES[r]]
    if flux.phase_of(t) == Phase.NIGHT:
        activity = Activity.REFLECTING
    duration = flux.draws.integers(config.SOLO_MIN, config.SOLO_MAX + 1)
    flux.busy([i], activity, t + duration)
    spec = OPS["solo"]
    assert spec.effect is not None
    spec.effect(s, i, -1, -1)
    flux.surplus_gained += config.SOLO_SURPLUS
    citizen = flux.citizens[i]
    line = dialogue.line(flux.draws, citizen.archetype, "solo")
    message = f"{citizen.name} {kind}"
    flux.remember(i, t, "solo", message)
    _evolve(flux, i, "solo")
    flux.emit("solo", [i], t, region=r, message=message, line=line, tokens=spec.tokens,
              drama=spec.drama, card=card, metadata={"kind": kind, "until": t + duration})


def celebrate(flux: TownFlux, present: list[int], region: int, t: int, card: str | None,
              extra: dict[str, Any]) -> None:
    """Everyone present celebrates together (a festival, or an evening gathering)."""
    s = flux.state
    spec = OPS["celebrate"]
    flux.busy(present, spec.activity, t + spec.duration)
    meta: dict[str, Any] = {**celebrate_effect(s, present), **extra}
    line = dialogue.line(flux.draws, flux.citizens[present[0]].archetype, "celebrate")
    message = f"{len(present)} citizens celebrated in the {REGION_NAMES[region]}"
    for i in present:
        flux.remember(i, t, "celebrate", message)
        _evolve(flux, i, "celebrate")
    flux.emit("celebrate", present, t, region=region, message=message, line=line,
              tokens=spec.tokens * len(present), drama=spec.drama, card=card, metadata=meta)


def rest(flux: TownFlux, members: Sequence[int], t: int, why: str) -> None:
    s = flux.state
    for i in members:
        flux.free_partner(i)
        flux.roster.set_activity(i, Activity.RESTING)
        flux.roster.set_until(i, NEVER)
        s.pending.pop(i, None)
    flux.emit("rest", list(members), t, region=int(s.region[members[0]]),
              message=f"{_some(flux, members)} went to rest", metadata={"why": why})


def wake(flux: TownFlux, members: Sequence[int], t: int, card: str | None) -> None:
    # The idle pauses in one draw: numpy draws an array of these one value after another, the
    # same values as one call each (a morning wakes most of a city at once).
    pauses = flux.draws.integers_of(config.IDLE_MIN, config.IDLE_MAX + 1, len(members))
    flux.roster.idle_all(members, (pauses + t).tolist())  # each as `flux.idle_until` does
    flux.state.partner[list(members)] = -1
    flux.emit("wake", list(members), t, region=int(flux.state.region[members[0]]),
              message=f"{_some(flux, members)} woke up", card=card)


def shelter(flux: TownFlux, i: int, t: int, card: str | None) -> None:
    """Storm: walk to the nearest building region with room."""
    s = flux.state
    r = int(s.region[i])
    counts = flux.roster.counts
    options = sorted((len(flux.map.roads[(r, b)]), b) for b in flux.in_play
                     if not flux.map.is_outdoor(b) and counts[b] < flux.capacity[b])
    if options:
        flux.walk(i, options[0][1], t, card)
    else:
        flux.fail("walk", [i], t, laws.NO_SHELTER, card)
        flux.idle(i, t)


def _spread_rumor(state: TownState, speaker: int, listener: int, subject: int,
                  meta: dict[str, object]) -> None:
    for rumor in state.rumors:
        if rumor.subject == subject and speaker in rumor.reached:
            rumor.reached.add(listener)
            meta["rumor"] = rumor.id
            meta["reached"] = len(rumor.reached)


def _evolve(flux: TownFlux, i: int, op: str) -> None:
    if not flux.citizens[i].evolving:
        return
    dim, target = OPS[op].evolve
    p = flux.state.personality
    now = float(p[i, dim])
    # np.clip in plain floats: min and max keep the value on a tie, as numpy does.
    p[i, dim] = now + min(max(config.EVOLVE_DRIFT * (target - now), -config.EVOLVE_DRIFT),
                          config.EVOLVE_DRIFT)


def _some(flux: TownFlux, members: Sequence[int]) -> str:
    """'Ada, Bruno, Cleo and 4 more'."""
    names = ", ".join(flux.name(i) for i in members[:3])
    return names + (f" and {len(members) - 3} more" if len(members) > 3 else "")
