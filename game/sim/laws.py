"""The laws of the town: the only place where a refusal is decided and worded.

Rest (a resting citizen accepts only wake), locality (a binary op needs both in one region and
standing), storm (outdoor ops pause) and capacity (no region overfills). Each law is a predicate
over the state, and a refusal function that words it as an event's `reason` ("law: why").
`eligible(card, state)` builds on the same predicates: the citizens a card may target next,
for the window's rings, the API and tests; `target_refusal` words why another may not be,
`aim_refusal` why a card's whole list of targets may not be (a card posted over the wire), and
`said` puts a refusal under the card's title, as a person reads it (the window's toast, the
wire's 422).
Pure: never imports pygame, the view or the trace.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Final

import numpy as np

from game.sim.cards import CARDS
from game.sim.model import Activity, TownState
from game.sim.townmap import REGION_NAMES

if TYPE_CHECKING:
    from game.sim.flux import TownFlux

# Refusals that name no citizen.
EVERYONE_RESTING: Final = "rest: everyone is resting"
NO_PARTNER: Final = "no partner: nobody else is awake"
NO_SUBJECT: Final = "gossip needs a subject other than the two talking"
NOBODY_RESTING: Final = "nobody is resting"
NO_SPEAKER: Final = "nobody is awake to start the rumor"
NO_SHELTER: Final = "capacity: no shelter has room"
FEW_GUESTS: Final = "not enough guests reached the square"
STORM: Final = "storm: outdoor ops pause"

# A plain int: a numpy integer compared with an IntEnum member takes microseconds.
_RESTING: Final = int(Activity.RESTING)


# --- predicates ----------------------------------------------------------------------------------

def resting(state: TownState, i: int) -> bool:
    return bool(state.activity[i] == _RESTING)


def on_road(state: TownState, i: int) -> bool:
    return bool(state.walk_origin[i] >= 0)


# --- refusals, worded ----------------------------------------------------------------------------

def rest(flux: TownFlux, who: Sequence[int]) -> str | None:
    """The rest law: the first resting citizen among `who` refuses. (The flux's laws read the
    roster's plain copies of the activities and regions: a numpy scalar costs microseconds.)"""
    activity = flux.roster.activity
    for i in who:
        if activity[i] == _RESTING:
            return f"rest: {flux.name(i)} is resting"
    return None


def locality(flux: TownFlux, a: int, b: int) -> str | None:
    """A binary op needs both citizens standing in one region."""
    region, road = flux.roster.region, flux.roster.walk_origin
    if region[a] == region[b] and road[a] < 0 and road[b] < 0:
        return None
    return f"locality: {flux.name(a)} and {flux.name(b)} are not in the same region"


def storm(flux: TownFlux, region: int, t: int) -> str | None:
    """While a storm lasts, nothing happens outdoors."""
    return STORM if flux.storm_active(t) and flux.map.is_outdoor(region) else None


def binary(flux: TownFlux, a: int, b: int, t: int) -> str | None:
    """Every law a two-citizen op must pass, in the order they are checked."""
    return rest(flux, (a, b)) or locality(flux, a, b) or storm(flux, flux.roster.region[a], t)


def alone(flux: TownFlux, i: int) -> str | None:
    """Solo work needs a citizen awake and off the road."""
    if refusal := rest(flux, (i,)):
        return refusal
    return f"locality: {flux.name(i)} is on the road" if on_road(flux.state, i) else None


def both_on_road(flux: TownFlux, a: int, b: int) -> str | None:
    """A card's pair can meet when one of them stands still; two walkers cannot."""
    if on_road(flux.state, a) and on_road(flux.state, b):
        return f"locality: {flux.name(a)} and {flux.name(b)} are both on the road"
    return None


def room(flux: TownFlux, dest: int) -> str | None:
    """The capacity law: a walk may not overfill its destination."""
    occupancy = flux.roster.counts[dest]
    if occupancy < flux.capacity[dest]:
        return None
    return f"capacity: the {REGION_NAMES[dest]} is full ({occupancy}/{flux.capacity[dest]})"


def awake(flux: TownFlux, i: int) -> str | None:
    """Wake needs a sleeper."""
    return None if resting(flux.state, i) else f"{flux.name(i)} is already awake"


# --- who a card may target -----------------------------------------------------------------------

def eligible(card: str, state: TownState, chosen: Sequence[int] = ()) -> list[int]:
    """The citizens that may be a card's next target, given the targets `chosen` so far.

    Empty once the card has all its targets. The flux may still refuse later (a partner who
    leaves before the other arrives, a storm): this says who the card can be aimed at now.
    """
    spec = CARDS[card]
    role = len(chosen)
    if role >= spec.max_targets:
        return []
    # The same predicates as `resting` and `on_road`, over every citizen at once: the window
    # asks this every frame while a card is armed.
    asleep = state.activity == Activity.RESTING
    road = state.walk_origin >= 0
    if spec.op == "wake":
        ok = asleep
    elif spec.op == "solo":
        ok = ~asleep & ~road
    elif (spec.op, role) in (("rumor", 0), ("gossip", 2)):
        ok = np.ones(state.n, dtype=bool)  # a subject: anyone, asleep or not
    else:
        ok = ~asleep & ~road if _walker(card, state, chosen) >= 0 else ~asleep
    ok = ok.copy()
    ok[list(chosen)] = False
    return np.flatnonzero(ok).tolist()


def target_refusal(flux: TownFlux, card: str, chosen: Sequence[int], i: int) -> str | None:
    """Why citizen i may not be the card's next target, in the laws' words; None if it may."""
    if i in eligible(card, flux.state, chosen):
        return None
    spec = CARDS[card]
    if len(chosen) >= spec.max_targets or i in chosen:
        return f"{card} has its {'target' if spec.max_targets == 1 else 'targets'} already"
    if spec.op == "wake":
        return awake(flux, i)
    if spec.op == "solo":
        return alone(flux, i)
    walker = _walker(card, flux.state, chosen)
    return rest(flux, (i,)) or (both_on_road(flux, walker, i) if walker >= 0 else None)


def aim_refusal(flux: TownFlux, card: str, targets: Sequence[int]) -> str | None:
    """Why `card` may not be aimed at `targets`, as a person reads it: the first target, in the
    order named, that `target_refusal` refuses after the ones before it (as if clicked one by
    one). None when the laws take every one, and for a card with no targets (the flux picks)."""
    for k, i in enumerate(targets):
        if (refusal := target_refusal(flux, card, targets[:k], i)) is not None:
            return said(card, refusal)
    return None


def said(card: str, refusal: str) -> str:
    """A target's refusal under the card's title: "Greet: rest: Ada is resting"."""
    return f"{CARDS[card].title}: {refusal}"


def _walker(card: str, state: TownState, chosen: Sequence[int]) -> int:
    """A walking citizen among a pair's chosen targets, or −1. Of a pair, one may be walking
    (the other goes to meet it); a rumor's speaker may walk whoever its subject is."""
    if CARDS[card].op == "rumor":
        return -1
    return next((i for i in chosen if on_road(state, i)), -1)
