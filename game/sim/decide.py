"""A free citizen's decision: what to do next, drawn from weights set by the phase of the day,
its personality, where it stands, and a rumor it itches to tell.

The weights are one table (`WITH_PARTNERS`, `ALONE`, `ALWAYS`): each row names a choice, its
base weight (a column of `config.PHASE_WEIGHTS`, or a constant), how personality leans on it,
and whether the region's location bonus and a rumor's itch apply. Pure: never imports pygame,
the view or the trace.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

import numpy as np

from game import config
from game.sim import perform, social
from game.sim.model import Dim, Phase
from game.sim.townmap import REGION_NAMES

if TYPE_CHECKING:
    from game.sim.flux import TownFlux

Lean = Callable[[list[float]], float]  # personality (as floats) → a factor of the weight


# A lean reads the personality list at an int: indexed by an IntEnum member, a list asks it
# for its index each time.
def _half_plus(dim: Dim) -> Lean:
    k = int(dim)
    return lambda p: 0.5 + p[k]


def _twice(dim: Dim) -> Lean:
    k = int(dim)
    return lambda p: 2.0 * p[k]


def _twice_lacking(dim: Dim) -> Lean:
    k = int(dim)
    return lambda p: 2.0 * (1.0 - p[k])


def _steady(p: list[float]) -> float:
    return 1.0


@dataclass(frozen=True)
class Choice:
    op: str  # greet, gossip, …, or linger (another idle pause) and walk (wander)
    base: int | float  # an int is a column of config.PHASE_WEIGHTS; a float a constant weight
    lean: Lean
    bonus: bool = False  # the region's LOCATION_BONUS for this op applies
    itch: bool = False  # a fresh rumor makes it RUMOR_GOSSIP_BOOST times likelier

    def factors(self, phase: Phase, where: str) -> Factors:
        """What the weight is made of in one phase and place: its base weight, the lean, the
        location bonus (1.0 where none applies) and whether a rumor itches it."""
        base = config.PHASE_WEIGHTS[phase][self.base] if isinstance(self.base, int) \
            else self.base
        bonus = config.LOCATION_BONUS.get((where, self.op), 1.0) if self.bonus else 1.0
        return base, self.lean, bonus, self.itch


# A choice's weight in one phase and place, ready to use: (base, lean, bonus, itched).
Factors = tuple[float, Lean, float, bool]


_CURIOSITY: Final = int(Dim.CURIOSITY)
_AMBITION: Final = int(Dim.AMBITION)

# With someone free in the region.
WITH_PARTNERS: Final[tuple[Choice, ...]] = (
    Choice("greet", 0, _half_plus(Dim.WARMTH), bonus=True),
    Choice("gossip", 1, _half_plus(Dim.CURIOSITY), bonus=True, itch=True),
    Choice("trade", 2, _half_plus(Dim.AMBITION), bonus=True),
    Choice("dispute", config.DISPUTE_WEIGHT, _twice_lacking(Dim.PATIENCE)),
    Choice("teach", config.TEACH_WEIGHT, _twice(Dim.CURIOSITY), bonus=True),
)
# Two or more free in an evening gathering place: everyone free there may celebrate.
GATHERING: Final = Choice("celebrate", config.GATHERING_WEIGHT, _half_plus(Dim.WARMTH))
# Nobody free here: wait a little for someone, or go elsewhere.
ALONE: Final[tuple[Choice, ...]] = (
    Choice("linger", config.LINGER_WEIGHT, _half_plus(Dim.PATIENCE)),
    Choice("walk", config.LONELY_WALK_WEIGHT, _steady, itch=True),
)
# Always possible (wandering is weighted further by homesickness, see `_wander_weight`).
SOLO: Final = Choice("solo", 3, _half_plus(Dim.PATIENCE), bonus=True)


def decide(flux: TownFlux, i: int, t: int) -> None:
    """Citizen i is free at tick t: draw what it does next, and do it."""
    s = flux.state
    r = flux.roster.region[i]
    if t < s.storm_until and flux.map.is_outdoor(r):
        perform.shelter(flux, i, t, None)
        return
    partners = flux.roster.free_in(r, i)
    p = s.personality[i].tolist()
    phase = flux.phase_of(t)
    ops, rows = _rows(phase, r, len(partners))
    # base × lean × bonus (× itch): a factor that does not apply is 1.0, and × 1.0 is exact,
    # so these are the bits of applying only the factors that do.
    weights = [base * lean(p) * bonus for base, lean, bonus, _ in rows]
    # A fresh rumor itches: its carrier gossips more, and goes looking for listeners.
    if s.rumors and rumor_held(flux, i, t) >= 0:
        weights = [w * config.RUMOR_GOSSIP_BOOST if itched else w
                   for w, (_, _, _, itched) in zip(weights, rows, strict=True)]
    weights.append(_wander_weight(flux, i, p, phase))
    _do(flux, ops[_drawn(flux, weights)], i, partners, t)


def _rows(phase: Phase, region: int, partners: int) -> tuple[tuple[str, ...], tuple[Factors, ...]]:
    """The choices before a citizen in `region` with `partners` free there: their ops (the
    last one wandering) and factors, one table a phase, place and company, made once."""
    key = (int(phase) * len(REGION_NAMES) + region) * 3 + min(partners, 2)
    rows = _ROWS.get(key)
    if rows is None:
        where = REGION_NAMES[region]
        choices = WITH_PARTNERS if partners else ALONE
        if partners >= 2 and phase == Phase.EVENING and where in config.GATHERING_PLACES:
            choices += (GATHERING,)
        choices += (SOLO,)
        rows = _ROWS[key] = ((*(c.op for c in choices), "walk"),
                             tuple(c.factors(phase, where) for c in choices))
    return rows


_ROWS: Final[dict[int, tuple[tuple[str, ...], tuple[Factors, ...]]]] = {}


def total(weights: list[float]) -> float:
    """The weights added one by one, in order: `sum` of floats gives other bits from Python
    3.12 on (it compensates), and a draw must land alike under every Python."""
    out = 0.0
    for w in weights:
        out += w
    return out


def _drawn(flux: TownFlux, weights: list[float]) -> int:
    """The index a draw lands on, each weight's chance its share of the total (the last one if
    rounding carries the draw past them all)."""
    x = flux.draws.random() * total(weights)
    for k in range(len(weights)):  # (zip with strict= is no compiled loop: a call a decision)
        w = weights[k]
        if x < w:
            return k
        x -= w
    return len(weights) - 1


def _do(flux: TownFlux, choice: str, i: int, partners: list[int], t: int) -> None:
    if choice == "solo":
        perform.solo(flux, i, t, None)
    elif choice == "linger":
        flux.idle(i, t)
    elif choice == "walk":
        if not _wander(flux, i, t):
            perform.solo(flux, i, t, None)
    elif choice == "celebrate":
        if len(partners) >= config.GATHERING_MAX:  # a gathering, not the whole city
            shuffled = flux.draws.permutation(np.array(partners, dtype=np.int64))
            partners = np.sort(shuffled[:config.GATHERING_MAX - 1]).tolist()
        perform.celebrate(flux, [i, *partners], int(flux.state.region[i]), t, None,
                          {"gathering": True})
    else:
        partner = pick_partner(flux, partners)
        subject = pick_subject(flux, i, partner) if choice == "gossip" else -1
        if choice == "gossip" and subject < 0:
            choice = "greet"
        perform.binary(flux, choice, i, partner, subject, t, None)


def _wander_weight(flux: TownFlux, i: int, p: list[float], phase: Phase) -> float:
    """Curious and ambitious citizens wander; in the evening and at night, homesick ones more."""
    far = flux.roster.region[i] != flux.citizens[i].home
    homesick = config.HOMESICK_PULL if far and phase >= Phase.EVENING else 1.0
    return config.WALK_WEIGHT * (p[_CURIOSITY] + p[_AMBITION]) * homesick


def pick_partner(flux: TownFlux, free: list[int]) -> int:
    """One of `free` (in ascending order), drawn uniformly."""
    return free[flux.draws.integers(0, len(free))]


def rumor_held(flux: TownFlux, i: int, t: int) -> int:
    """The subject of a fresh rumor citizen i carries (it itches to tell it), or −1."""
    for rumor in reversed(flux.state.rumors):  # planted in order: the freshest first
        if t - rumor.tick > config.RUMOR_TICKS:
            break
        if i in rumor.reached:
            return rumor.subject
    return -1


def pick_subject(flux: TownFlux, speaker: int, listener: int) -> int:
    """Whom a speaker talks about: a fresh rumor, what it last heard, or someone it feels for."""
    s = flux.state
    rumor = rumor_held(flux, speaker, s.tick)
    if rumor >= 0 and rumor != listener and flux.draws.random() < config.RUMOR_TELL_P:
        return rumor
    heard = [h for h in s.heard[speaker] if h not in (speaker, listener)]
    if heard and flux.draws.random() < config.GOSSIP_REPEAT_P:
        return heard[0]
    # A draw over everyone by bond strength: O(N), and its bits are those of numpy's pairwise
    # sum (the total) and sequential running sum (where the draw lands) over the whole row.
    if s.n < social.FEW_CITIZENS:
        return _subject_of_few(flux, speaker, listener)
    row = s.bonds_of(speaker)
    strength = row * row
    strength[speaker] = 0.0
    strength[listener] = 0.0
    # (np.add's reduce and accumulate are what `sum` and `cumsum` call, without their
    # Python wrappers.)
    total = float(np.add.reduce(strength))
    if total <= 0.0:
        return -1
    x = flux.draws.random() * total
    k = int(np.add.accumulate(strength, out=strength).searchsorted(x, side="right"))
    return min(k, s.n - 1)


def _subject_of_few(flux: TownFlux, speaker: int, listener: int) -> int:
    """`pick_subject`'s draw by bond strength in a small town, in plain floats: the bits of the
    arrays' pairwise sum and running sum, without six numpy calls on a few values."""
    s = flux.state
    strength = [b * b for b in s.bonds.row(speaker)]
    strength[speaker] = 0.0
    strength[listener] = 0.0
    total = social.pairwise_sum(strength)
    if total <= 0.0:
        return -1
    x = flux.draws.random() * total
    running = 0.0
    for k in range(s.n):
        running += strength[k]
        if running > x:  # where `searchsorted(x, side="right")` lands
            return k
    return s.n - 1


def _wander(flux: TownFlux, i: int, t: int) -> bool:
    """Walk to an adjacent region with room, if any (homeward in the evening)."""
    r = flux.roster.region[i]
    storm = flux.storm_active(t)
    counts = flux.roster.counts
    options = [b for b in flux.map.neighbours[r]
               if b in flux.in_play and counts[b] < flux.capacity[b]
               and not (storm and flux.map.is_outdoor(b))]
    if not options:
        return False
    home = flux.citizens[i].home
    homeward = flux.phase_of(t) >= Phase.EVENING and r != home
    weights = [config.HOMEWARD_PREFERENCE
               if homeward and flux.map.hops[b][home] < flux.map.hops[r][home] else 1.0
               for b in options]
    flux.walk(i, options[_drawn(flux, weights)], t, None)
    return True
