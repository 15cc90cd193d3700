"""Card runners: what each perturbation card does inside the tick it is due.

`RUNNERS` maps every card of `cards.CARDS` to its runner; the flux looks the card up, never
branches on its name. Refusals are worded by `laws`; the ops themselves are `perform`'s, with
the same laws and effects as a citizen's own choice. Pure: never imports pygame, the view or
the trace.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from game import config
from game.sim import decide, laws, perform
from game.sim.cards import CARDS, Perturbation
from game.sim.events import Event
from game.sim.model import Activity, Festival, Pending, Rumor
from game.sim.ops import hear
from game.sim.townmap import REGION_INDEX

if TYPE_CHECKING:
    from game.sim.flux import TownFlux

SQUARE = REGION_INDEX["square"]
# Activities as plain ints: a numpy integer compared with an IntEnum member takes microseconds.
_IDLE, _SOCIALIZING = int(Activity.IDLE), int(Activity.SOCIALIZING)

Runner = Callable[["TownFlux", str, list[int], int], None]  # flux, card, targets, tick


def run_card(flux: TownFlux, p: Perturbation, t: int) -> None:
    RUNNERS[p.card](flux, p.card, [flux.index[c] for c in p.targets], t)


def card_op(flux: TownFlux, op: str, a: int, b: int, subject: int, t: int,
            card: str | None) -> None:
    """A card's op once both are in one region: the same laws and effects as any op."""
    if perform.binary(flux, op, a, b, subject, t, card):
        return
    if flux.state.activity[a] == _IDLE and flux.roster.until[a] <= t:
        flux.idle(a, t)


def _awake_pick(flux: TownFlux, exclude: int, region: int = -1) -> int:
    """A random citizen awake and standing (in `region` if given), other than `exclude`."""
    s = flux.state
    ok = (s.activity != Activity.RESTING) & (s.walk_origin < 0)
    if region >= 0:
        ok &= s.region == region
    if exclude >= 0:
        ok[exclude] = False
    cands = np.flatnonzero(ok)
    if cands.size == 0:
        return -1
    return int(cands[flux.draws.integers(0, cands.size)])


def _pair(flux: TownFlux, card: str, targets: list[int], t: int) -> None:
    """greet, gossip, trade, dispute, teach: a pair meets (one walks to the other) and acts."""
    op = CARDS[card].op
    s = flux.state
    a = targets[0] if targets else _awake_pick(flux, -1)
    if a < 0:
        flux.fail(op, [], t, laws.EVERYONE_RESTING, card)
        return
    b = targets[1] if len(targets) > 1 else _awake_pick(flux, a, int(s.region[a]))
    if b < 0:
        b = _awake_pick(flux, a)
    if b < 0 or b == a:
        flux.fail(op, [a], t, laws.NO_PARTNER, card)
        return
    subject = targets[2] if len(targets) > 2 else -1
    if op == "gossip" and subject < 0:
        subject = decide.pick_subject(flux, a, b)
    if op == "gossip" and subject in (a, b, -1):
        flux.fail(op, [a, b], t, laws.NO_SUBJECT, card)
        return
    if refusal := laws.rest(flux, (a, b)):
        flux.fail(op, [a, b], t, refusal, card, subject)
        return
    if laws.on_road(s, a) and not laws.on_road(s, b):
        a, b = b, a  # the one standing still goes to meet the walker
    if refusal := laws.both_on_road(flux, a, b):
        flux.fail(op, [a, b], t, refusal, card, subject)
        return
    if s.region[a] == s.region[b] and not laws.on_road(s, b):
        card_op(flux, op, a, b, subject, t, card)
        return
    pending = Pending(op=op, partner=b, subject=subject, card=card, perturbation=True)
    flux.walk(a, int(s.region[b]), t, card, pending)


def _solo(flux: TownFlux, card: str, targets: list[int], t: int) -> None:
    who = targets[0] if targets else _awake_pick(flux, -1)
    if who < 0:
        flux.fail("solo", [], t, laws.EVERYONE_RESTING, card)
    elif refusal := laws.alone(flux, who):
        flux.fail("solo", [who], t, refusal, card)
    else:
        perform.solo(flux, who, t, card)


def _wake(flux: TownFlux, card: str, targets: list[int], t: int) -> None:
    s = flux.state
    if targets:
        who = targets[0]
    else:
        sleepers = np.flatnonzero(s.activity == Activity.RESTING)
        who = int(sleepers[flux.draws.integers(0, sleepers.size)]) if sleepers.size else -1
    if who < 0:
        flux.fail("wake", [], t, laws.NOBODY_RESTING, card)
    elif refusal := laws.awake(flux, who):
        flux.fail("wake", [who], t, refusal, card)
    else:
        perform.wake(flux, [who], t, card)


def _festival(flux: TownFlux, card: str, targets: list[int], t: int) -> None:
    """Everyone awake and standing walks to the square; they celebrate when the last arrives."""
    s = flux.state
    guests = np.flatnonzero((s.activity != Activity.RESTING) & (s.walk_origin < 0)).tolist()
    fest_id = Event.make_id(t, s.seq + 1)
    flux.emit("festival", guests, t, region=SQUARE, card=card, drama=config.DRAMA["festival"],
              message=f"a festival! {len(guests)} citizens gather in the square")
    arrivals = [t + 1]
    gathered: list[int] = []
    for i in guests:
        if s.region[i] == SQUARE:
            flux.free_partner(i)
            flux.roster.set_activity(i, Activity.SOCIALIZING)
            gathered.append(i)
        elif flux.walk(i, SQUARE, t, card, Pending(op="festival", card=card, perturbation=True)):
            gathered.append(i)
            arrivals.append(int(s.busy_until[i]))
    at = max(arrivals)
    for i in gathered:
        if s.activity[i] == _SOCIALIZING:
            flux.roster.set_until(i, at)
    s.festival = Festival(tick=at, guests=gathered, event_id=fest_id)


def celebrate_festival(flux: TownFlux, t: int) -> None:
    """The festival's tick: the guests who made it to the square celebrate together."""
    s = flux.state
    fest = s.festival
    assert fest is not None
    s.festival = None
    present = [i for i in fest.guests if s.region[i] == SQUARE and not laws.on_road(s, i)
               and not laws.resting(s, i)]
    if len(present) < 2:
        flux.fail("celebrate", present, t, laws.FEW_GUESTS, "festival")
        return
    perform.celebrate(flux, present, SQUARE, t, "festival", {"festival": fest.event_id})


def _storm(flux: TownFlux, card: str, targets: list[int], t: int) -> None:
    s = flux.state
    s.storm_until = t + config.STORM_TICKS
    outdoor = [i for i in range(s.n)
               if flux.map.is_outdoor(int(s.region[i])) and not laws.on_road(s, i)
               and not laws.resting(s, i)]
    flux.emit("storm", outdoor, t, card=card, drama=config.DRAMA["storm"],
              message=f"a storm! {len(outdoor)} citizens run for shelter",
              metadata={"until": s.storm_until})
    for i in outdoor:
        perform.shelter(flux, i, t, card)


def _rumor(flux: TownFlux, card: str, targets: list[int], t: int) -> None:
    """A negative story about a subject, planted in a speaker (the one who likes it least)."""
    s = flux.state
    subject = targets[0] if targets else _awake_pick(flux, -1)
    if subject < 0:
        subject = flux.draws.integers(0, s.n)
    speaker = targets[1] if len(targets) > 1 else _least_fond(flux, subject)
    if speaker < 0 or speaker == subject:
        flux.fail("rumor", [subject], t, laws.NO_SPEAKER, card, subject)
        return
    if refusal := laws.rest(flux, (speaker,)):
        flux.fail("rumor", [speaker], t, refusal, card, subject)
        return
    s.set_bond(speaker, subject, min(s.bond(speaker, subject), config.RUMOR_OPINION))
    hear(s, speaker, subject)
    rumor_id = f"r{len(s.rumors) + 1}"
    s.rumors.append(Rumor(rumor_id, subject, Event.make_id(t, s.seq + 1), {speaker}, t))
    flux.emit("rumor", [speaker], t, subject=subject, region=int(s.region[speaker]), card=card,
              drama=config.DRAMA["rumor"], metadata={"rumor": rumor_id},
              message=f"a rumor about {flux.name(subject)} starts with {flux.name(speaker)}")
    _tell_first(flux, speaker, subject, t, card)


def _least_fond(flux: TownFlux, subject: int) -> int:
    """The awake, standing citizen who thinks least of `subject`, or −1."""
    s = flux.state
    opinion = s.bonds_to(subject)
    awake = (s.activity != Activity.RESTING) & (s.walk_origin < 0)
    opinion[~awake] = np.inf
    opinion[subject] = np.inf
    return int(np.argmin(opinion)) if np.isfinite(opinion).any() else -1


def _tell_first(flux: TownFlux, speaker: int, subject: int, t: int, card: str) -> None:
    """The new carrier tells someone free nearby, or drops what it does to go looking."""
    s = flux.state
    free = flux.roster.free_in(int(s.region[speaker]), speaker, subject)
    if laws.on_road(s, speaker):
        return  # on the road: the rumor waits for arrival
    if free:
        perform.binary(flux, "gossip", speaker, decide.pick_partner(flux, free), subject, t, card)
    else:
        flux.free_partner(speaker)
        flux.idle(speaker, t)
        flux.roster.set_until(speaker, t + 1)


@dataclass(frozen=True)
class Charge:
    """What one event of a card costs the town: tokens (each, if `per_head`) and drama."""

    op: str
    tokens: int
    drama: float
    per_head: bool = False
    note: str = ""

    def text(self) -> str:
        tokens = f"{self.tokens} × guests" if self.per_head else str(self.tokens)
        note = f" ({self.note})" if self.note else ""
        return f"{self.op}: {tokens} tokens, drama {self.drama:g}{note}"


# Cards whose op is not an operation: their runners above record the flux's own event, then
# any operations it leads to.
_FLUX_EVENT_CHARGES: dict[str, tuple[Charge, ...]] = {
    "festival": (Charge("festival", 0, config.DRAMA["festival"]),
                 Charge("celebrate", config.TOKENS["celebrate"], config.DRAMA["celebrate"],
                        per_head=True, note="when the guests arrive")),
    "storm": (Charge("storm", 0, config.DRAMA["storm"]),),
    "rumor": (Charge("rumor", 0, config.DRAMA["rumor"]),
              Charge("gossip", config.TOKENS["gossip"], config.GOSSIP_NEGATIVE_DRAMA,
                     note="if a listener is free")),
    "wake": (Charge("wake", 0, 0.0),),
}


def charges(card: str) -> tuple[Charge, ...]:
    """What playing `card` costs, event by event (a test plays every card and checks)."""
    op = CARDS[card].op
    if op in _FLUX_EVENT_CHARGES:
        return _FLUX_EVENT_CHARGES[op]
    note = f"{config.GOSSIP_NEGATIVE_DRAMA:g} if the opinion is negative" if op == "gossip" else ""
    return (Charge(op, config.TOKENS[op], config.DRAMA[op], note=note),)


# Every card's runner: the flux looks a card up here (a test checks the table covers CARDS).
RUNNERS: dict[str, Runner] = {
    "greet": _pair, "gossip": _pair, "trade": _pair, "dispute": _pair, "teach": _pair,
    "solo": _solo, "festival": _festival, "storm": _storm, "rumor": _rumor, "wake": _wake,
}
