"""TownFlux: the one thing that changes the town. It advances in fixed ticks and returns events.

Each tick: phase ends (relaxation, rest and wake, coalitions, reputation), queued perturbations
due at the tick, then every citizen whose activity ends decides what to do next. Every choice
comes from one seeded generator, so the same scenario + seed + perturbations give the same events
and state hash. Ticks where nothing is due cost almost nothing: the flux knows the next tick at
which any citizen's activity ends. Pure: never imports pygame, the view or the trace.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from game import config
from game.sim import dialogue, social
from game.sim.cards import CARDS, Perturbation
from game.sim.events import Event
from game.sim.model import (
    NEVER,
    Activity,
    Citizen,
    Coalition,
    Festival,
    IntArray,
    Pending,
    Rumor,
    TownState,
    initial_relationships,
    personality_for,
)
from game.sim.ops import OPS, PATIENCE, SOLO_KIND, celebrate
from game.sim.scenarios import Scenario, scenario
from game.sim.townmap import REGION_INDEX, REGION_NAMES, REGIONS, Tile, TownMap, build_map

BINARY_CHOICES = ("greet", "gossip", "trade", "dispute", "teach")
SQUARE = REGION_INDEX["square"]


@dataclass(frozen=True)
class Snapshot:
    """A complete copy of the town at a tick (RNG state included)."""

    state: TownState

    @property
    def tick(self) -> int:
        return self.state.tick


class TownFlux:
    """The simulation of one town: `tick()` advances it; `inject()` queues a perturbation."""

    def __init__(self, scenario_name: str = "town", seed: int = 7) -> None:
        self.scenario: Scenario = scenario(scenario_name)
        self.seed = seed
        self.map: TownMap = build_map()
        self.citizens: tuple[Citizen, ...] = self.scenario.citizens
        self.index: dict[str, int] = {c.id: i for i, c in enumerate(self.citizens)}
        self.capacity = np.array([r.capacity * self.scenario.capacity_scale for r in REGIONS])
        self.in_play = frozenset(self.scenario.regions)
        self.rng = np.random.Generator(np.random.PCG64(seed))
        self.state = self._initial_state()
        self._events: list[Event] = []
        self._surplus_changed = False
        self._next_due = int(self.state.busy_until.min())

    # --- construction --------------------------------------------------------------------------

    def _initial_state(self) -> TownState:
        n = len(self.citizens)
        jitter = self.rng.uniform(-1.0, 1.0, size=(n, len(config.DIMENSIONS)))
        personality = np.array([personality_for(c.archetype, jitter[i])
                                for i, c in enumerate(self.citizens)]).reshape(n, -1)
        rel = initial_relationships(personality)
        region = np.array([c.home for c in self.citizens], dtype=np.int64)
        spot = np.array([self._random_spot(int(r)) for r in region], dtype=np.int64).reshape(n, 2)
        busy = self.rng.integers(config.IDLE_MIN, config.IDLE_MAX + 1, size=n).astype(np.int64)
        return TownState(
            tick=0, personality=personality, rel=rel, rel0=rel.copy(),
            surplus=np.zeros(n), reputation=np.full(n, 1.0 / n),
            trust_counts=np.zeros((n, n)), region=region, spot=spot,
            activity=np.full(n, Activity.IDLE, dtype=np.int64), busy_until=busy,
            partner=np.full(n, -1, dtype=np.int64),
            walk_origin=np.full(n, -1, dtype=np.int64), walk_from_spot=spot.copy(),
            walk_from=np.zeros(n, dtype=np.int64), last_event_tick=np.zeros(n, dtype=np.int64),
            rng_state={}, memories=[[] for _ in range(n)], heard=[[] for _ in range(n)],
        )

    def _random_spot(self, region: int) -> Tile:
        spots = self.map.spots[region]
        return spots[int(self.rng.integers(len(spots)))]

    # --- clock ---------------------------------------------------------------------------------

    @property
    def tick_count(self) -> int:
        return self.state.tick

    @staticmethod
    def phase_of(tick: int) -> int:
        return (tick // config.PHASE_TICKS) % len(config.PHASES)

    @staticmethod
    def day_of(tick: int) -> int:
        return tick // config.DAY_TICKS + 1

    @property
    def phase(self) -> str:
        return config.PHASES[self.phase_of(self.state.tick)]

    @property
    def day(self) -> int:
        return self.day_of(self.state.tick)

    # --- public API ----------------------------------------------------------------------------

    def inject(self, perturbation: Perturbation) -> None:
        """Queue a perturbation; it runs inside the tick it names (the next one at the earliest).

        Raises ValueError naming the problem for a target that is no citizen.
        """
        for target in perturbation.targets:
            if target not in self.index:
                raise ValueError(f"card {perturbation.card!r}: unknown citizen {target!r}")
        if perturbation.tick <= self.state.tick:
            perturbation = perturbation.model_copy(update={"tick": self.state.tick + 1})
        queue = self.state.queue
        at = len(queue)
        while at > 0 and queue[at - 1].tick > perturbation.tick:
            at -= 1
        queue.insert(at, perturbation)

    def tick(self) -> list[Event]:
        """Advance one tick and return the events of that tick."""
        s = self.state
        s.tick += 1
        t = s.tick
        queue_due = bool(s.queue) and s.queue[0].tick <= t
        festival_due = s.festival is not None and s.festival.tick <= t
        if (t < self._next_due and t % config.PHASE_TICKS and not queue_due
                and not festival_due):
            return []
        self._events = []
        if t % config.PHASE_TICKS == 0:
            self._phase_end(t)
        while s.queue and s.queue[0].tick <= t:
            self._run_card(s.queue.pop(0), t)
        if s.festival is not None and s.festival.tick <= t:
            self._celebrate_festival(t)
        if t >= self._next_due:
            for i in np.flatnonzero(s.busy_until <= t).tolist():
                if s.busy_until[i] <= t:  # a partner taken earlier this tick is busy again
                    self._advance(i, t)
        if self._surplus_changed:
            self._accursed_share(t)
        self._next_due = int(s.busy_until.min())
        return self._events

    def run(self, ticks: int) -> list[Event]:
        events: list[Event] = []
        for _ in range(ticks):
            events.extend(self.tick())
        return events

    def snapshot(self) -> Snapshot:
        self.state.rng_state = dict(self.rng.bit_generator.state)
        return Snapshot(self.state.copy())

    def restore(self, snap: Snapshot) -> None:
        self.state = snap.state.copy()
        self.rng.bit_generator.state = self.state.rng_state
        self._next_due = int(self.state.busy_until.min())

    def state_hash(self) -> str:
        self.state.rng_state = dict(self.rng.bit_generator.state)
        return self.state.digest()

    def metrics(self) -> dict[str, float]:
        s = self.state
        out = social.metrics(s.rel, s.surplus)
        out["drama"] = self.drama_at(s.tick)
        out["events_today"] = float(s.events_per_day.get(self.day_of(s.tick), 0))
        return out

    def drama_at(self, tick: int) -> float:
        s = self.state
        return float(s.drama * config.DRAMA_DECAY ** max(0, tick - s.drama_tick))

    def storm_active(self, tick: int | None = None) -> bool:
        return (self.state.tick if tick is None else tick) < self.state.storm_until

    def position(self, i: int, at: float) -> tuple[float, float]:
        """Grid position of citizen i at a (fractional) tick: walking is a function of time."""
        s = self.state
        if s.walk_origin[i] < 0:
            return float(s.spot[i, 0]), float(s.spot[i, 1])
        path = self.walk_path(i)
        step = (at - float(s.walk_from[i])) / config.TICKS_PER_ROAD_TILE
        step = min(max(step, 0.0), len(path) - 1.0)
        k = int(step)
        frac = step - k
        (x0, y0) = path[k]
        (x1, y1) = path[min(k + 1, len(path) - 1)]
        return x0 + (x1 - x0) * frac, y0 + (y1 - y0) * frac

    def walk_path(self, i: int) -> tuple[Tile, ...]:
        s = self.state
        return self.map.walk_path(int(s.walk_origin[i]), _tile(s.walk_from_spot[i]),
                                  int(s.region[i]), _tile(s.spot[i]))

    def name(self, i: int) -> str:
        return self.citizens[i].name

    # --- events --------------------------------------------------------------------------------

    def _emit(self, op: str, participants: Sequence[int], t: int, *, subject: int = -1,
              region: int = -1, success: bool = True, reason: str | None = None,
              message: str = "", line: str | None = None, tokens: int = 0, drama: float = 0.0,
              card: str | None = None, metadata: dict[str, Any] | None = None) -> Event:
        s = self.state
        s.seq += 1
        event = Event(
            id=Event.make_id(t, s.seq), tick=t, seq=s.seq, op=op,
            participants=tuple(self.citizens[i].id for i in participants),
            subject=self.citizens[subject].id if subject >= 0 else None,
            region=REGION_NAMES[region] if region >= 0 else None,
            success=success, reason=reason, message=message, dialogue=line,
            tokens=tokens if success else 0, drama=drama if success else 0.0,
            perturbation=card is not None, card=card, metadata=metadata or {},
        )
        if success and drama:
            s.drama = self.drama_at(t) + drama
            s.drama_tick = t
        if success:
            s.tokens += tokens
        day = self.day_of(t)
        s.events_per_day[day] = s.events_per_day.get(day, 0) + 1
        s.op_counts[op] = s.op_counts.get(op, 0) + 1
        if card is not None:
            s.perturbations += 1
        for i in participants:
            s.last_event_tick[i] = t
        self._events.append(event)
        return event

    def _remember(self, i: int, t: int, op: str, text: str) -> None:
        mem = self.state.memories[i]
        mem.append((t, op, text))
        if len(mem) > config.MEMORY_LIMIT:
            del mem[0]

    def _fail(self, op: str, participants: Sequence[int], t: int, reason: str,
              card: str | None, subject: int = -1) -> bool:
        region = int(self.state.region[participants[0]]) if participants else -1
        names = " & ".join(self.name(i) for i in participants) or "the town"
        self._emit(op, participants, t, subject=subject, region=region, success=False,
                   reason=reason, message=f"{op} failed for {names}: {reason}", card=card)
        return False

    # --- citizens' turns -----------------------------------------------------------------------

    def _advance(self, i: int, t: int) -> None:
        s = self.state
        act = int(s.activity[i])
        if act == Activity.WALKING:
            self._arrive(i, t)
        elif act == Activity.IDLE:
            self._decide(i, t)
        else:
            s.partner[i] = -1
            if self.phase_of(t) == 3 and self.rng.random() < config.REST_P_NIGHT:
                self._rest([i], t, "night")
            else:
                self._idle(i, t)

    def _idle(self, i: int, t: int) -> None:
        s = self.state
        s.activity[i] = Activity.IDLE
        s.partner[i] = -1
        s.busy_until[i] = t + int(self.rng.integers(config.IDLE_MIN, config.IDLE_MAX + 1))

    def _busy(self, members: Sequence[int], activity: int, until: int, partner: int = -1) -> None:
        s = self.state
        for i in members:
            self._free_partner(i)
            s.activity[i] = activity
            s.busy_until[i] = until
        if len(members) == 2:
            s.partner[members[0]], s.partner[members[1]] = members[1], members[0]

    def _free_partner(self, i: int) -> None:
        """Cut an op short: the other side is free from now (a card or festival preempts)."""
        s = self.state
        p = int(s.partner[i])
        if p >= 0 and s.partner[p] == i:
            s.partner[p] = -1
            s.busy_until[p] = min(int(s.busy_until[p]), s.tick)
        s.partner[i] = -1

    def _arrive(self, i: int, t: int) -> None:
        s = self.state
        region = int(s.region[i])
        s.walk_origin[i] = -1
        s.activity[i] = Activity.IDLE
        pending = s.pending.pop(i, None)
        self._emit("arrive", [i], t, region=region,
                   message=f"{self.name(i)} arrived at the {REGION_NAMES[region]}",
                   card=pending.card if pending and pending.perturbation else None)
        if pending is None:
            self._idle(i, t)
        elif pending.op == "festival":
            fest = s.festival
            if fest is not None and i in fest.guests:
                s.activity[i] = Activity.SOCIALIZING
                s.busy_until[i] = max(fest.tick, t + 1)
            else:
                self._idle(i, t)
        else:
            self._card_op(pending.op, i, pending.partner, pending.subject, t, pending.card)

    def _decide(self, i: int, t: int) -> None:
        s = self.state
        r = int(s.region[i])
        if self.storm_active(t) and self.map.is_outdoor(r):
            self._shelter(i, t, None)
            return
        partners = self._free_in(i, r)
        p = s.personality[i].tolist()
        phase = self.phase_of(t)
        pw = config.PHASE_WEIGHTS[phase]
        where = REGION_NAMES[r]
        bonus = config.LOCATION_BONUS
        wander = config.WALK_WEIGHT * (p[1] + p[6]) * self._homesick(i, phase)
        weights: tuple[tuple[str, float], ...]
        # A fresh rumor itches: its carrier gossips more, and goes looking for listeners.
        itch = config.RUMOR_GOSSIP_BOOST if self._rumor_held(i, t) >= 0 else 1.0
        if partners.size:
            weights = (
                ("greet", pw[0] * (0.5 + p[0]) * bonus.get((where, "greet"), 1.0)),
                ("gossip", pw[1] * (0.5 + p[1]) * bonus.get((where, "gossip"), 1.0) * itch),
                ("trade", pw[2] * (0.5 + p[6]) * bonus.get((where, "trade"), 1.0)),
                ("dispute", config.DISPUTE_WEIGHT * 2.0 * (1.0 - p[PATIENCE])),
                ("teach", config.TEACH_WEIGHT * 2.0 * p[1] * bonus.get((where, "teach"), 1.0)),
            )
            if partners.size >= 2 and phase == 2 and where in config.GATHERING_PLACES:
                weights += (("celebrate", config.GATHERING_WEIGHT * (0.5 + p[0])),)
        else:  # nobody free here: walk to an adjacent region, or wait a little for someone
            weights = (("linger", config.LINGER_WEIGHT * (0.5 + p[PATIENCE])),
                       ("walk", config.LONELY_WALK_WEIGHT * itch))
        weights += (("solo", pw[3] * (0.5 + p[PATIENCE]) * bonus.get((where, "solo"), 1.0)),
                    ("walk", wander))
        x = self.rng.random() * sum(w for _, w in weights)
        choice = weights[-1][0]
        for op, w in weights:
            if x < w:
                choice = op
                break
            x -= w
        if choice == "solo":
            self._solo(i, t, None)
        elif choice == "linger":
            self._idle(i, t)
        elif choice == "walk":
            if not self._wander(i, t):
                self._solo(i, t, None)
        elif choice == "celebrate":
            if partners.size >= config.GATHERING_MAX:  # a gathering, not the whole city
                partners = np.sort(self.rng.permutation(partners)[:config.GATHERING_MAX - 1])
            self._celebrate([i, *partners.tolist()], r, t, None, {"gathering": True})
        else:
            partner = self._pick_partner(partners)
            subject = self._pick_subject(i, partner) if choice == "gossip" else -1
            if choice == "gossip" and subject < 0:
                choice = "greet"
            self._binary(choice, i, partner, subject, t, None)

    def _homesick(self, i: int, phase: int) -> float:
        """In the evening and at night a citizen far from home is drawn to walk back."""
        far = int(self.state.region[i]) != self.citizens[i].home
        return 3.0 if far and phase >= 2 else 1.0

    def _free_in(self, i: int, region: int) -> IntArray:
        """Citizens other than i who are free (idle, not walking) in `region`."""
        s = self.state
        free = np.flatnonzero((s.region == region) & (s.activity == Activity.IDLE))
        others: IntArray = free[free != i]
        return others

    def _pick_partner(self, free: IntArray) -> int:
        return int(free[int(self.rng.integers(free.size))])

    def _rumor_held(self, i: int, t: int) -> int:
        """The subject of a fresh rumor citizen i carries (it itches to tell it), or −1."""
        for rumor in reversed(self.state.rumors):
            if t - rumor.tick <= config.RUMOR_TICKS and i in rumor.reached:
                return rumor.subject
        return -1

    def _pick_subject(self, speaker: int, listener: int) -> int:
        s = self.state
        rumor = self._rumor_held(speaker, s.tick)
        if rumor >= 0 and rumor != listener and self.rng.random() < config.RUMOR_TELL_P:
            return rumor
        heard = [h for h in s.heard[speaker] if h not in (speaker, listener)]
        if heard and self.rng.random() < config.GOSSIP_REPEAT_P:
            return heard[0]
        strength = np.abs(s.rel[speaker]) ** 2
        strength[[speaker, listener]] = 0.0
        total = float(strength.sum())
        if total <= 0.0:
            return -1
        x = self.rng.random() * total
        k = int(np.searchsorted(np.cumsum(strength), x, side="right"))
        return min(k, s.n - 1)

    def _wander(self, i: int, t: int) -> bool:
        """Walk to an adjacent region with room, if any (homeward in the evening)."""
        s = self.state
        r = int(s.region[i])
        storm = self.storm_active(t)
        counts = np.bincount(s.region, minlength=len(REGIONS))
        options = [b for b in self.map.neighbours[r]
                   if b in self.in_play and counts[b] < self.capacity[b]
                   and not (storm and self.map.is_outdoor(b))]
        if not options:
            return False
        home = self.citizens[i].home
        homeward = self.phase_of(t) >= 2 and r != home
        weights = [3.0 if homeward and self.map.hops[b][home] < self.map.hops[r][home] else 1.0
                   for b in options]
        x = self.rng.random() * sum(weights)
        dest = options[-1]
        for b, w in zip(options, weights, strict=True):
            if x < w:
                dest = b
                break
            x -= w
        self._walk(i, dest, t, None)
        return True

    # --- operations ----------------------------------------------------------------------------

    def _walk(self, i: int, dest: int, t: int, card: str | None,
              pending: Pending | None = None) -> bool:
        s = self.state
        origin = int(s.region[i])
        occupancy = int(np.count_nonzero(s.region == dest))
        if occupancy >= self.capacity[dest]:
            return self._fail("walk", [i], t, f"capacity: the {REGION_NAMES[dest]} is full "
                              f"({occupancy}/{self.capacity[dest]})", card)
        self._free_partner(i)
        to_spot = self._random_spot(dest)
        ticks = self.map.walk_ticks(origin, _tile(s.spot[i]), dest, to_spot)
        s.walk_origin[i] = origin
        s.walk_from_spot[i] = s.spot[i]
        s.spot[i] = to_spot
        s.region[i] = dest
        s.walk_from[i] = t
        s.activity[i] = Activity.WALKING
        s.busy_until[i] = t + max(ticks, 1)
        if pending is not None:
            s.pending[i] = pending
        else:
            s.pending.pop(i, None)
        then = f" to {pending.op}" if pending and pending.op != "festival" else ""
        self._emit("walk", [i], t, region=origin,
                   message=f"{self.name(i)} set off for the {REGION_NAMES[dest]}{then}",
                   card=card, metadata={"to": REGION_NAMES[dest], "arrive": t + max(ticks, 1)})
        return True

    def _solo(self, i: int, t: int, card: str | None) -> None:
        s = self.state
        r = int(s.region[i])
        kind, activity = SOLO_KIND[REGION_NAMES[r]]
        if self.phase_of(t) == 3:
            activity = Activity.REFLECTING
        duration = int(self.rng.integers(config.SOLO_MIN, config.SOLO_MAX + 1))
        self._busy([i], activity, t + duration)
        spec = OPS["solo"]
        assert spec.effect is not None
        spec.effect(s, i, -1, -1)
        self._surplus_changed = True
        citizen = self.citizens[i]
        line = dialogue.line(self.rng, citizen.archetype, "solo")
        message = f"{citizen.name} {kind}"
        self._remember(i, t, "solo", message)
        self._evolve(i, "solo")
        self._emit("solo", [i], t, region=r, message=message, line=line, tokens=spec.tokens,
                   drama=spec.drama, card=card, metadata={"kind": kind, "until": t + duration})

    def _binary(self, op: str, a: int, b: int, subject: int, t: int, card: str | None) -> bool:
        """Run a two-citizen op after checking the laws; a failed check is a recorded event."""
        s = self.state
        who = [a, b]
        for i in who:
            if s.activity[i] == Activity.RESTING:
                return self._fail(op, who, t, f"rest: {self.name(i)} is resting", card, subject)
        if s.region[a] != s.region[b] or s.walk_origin[a] >= 0 or s.walk_origin[b] >= 0:
            return self._fail(op, who, t, f"locality: {self.name(a)} and {self.name(b)} are "
                              "not in the same region", card, subject)
        r = int(s.region[a])
        if self.storm_active(t) and self.map.is_outdoor(r):
            return self._fail(op, who, t, "storm: outdoor ops pause", card, subject)
        spec = OPS[op]
        self._busy(who, spec.activity, t + spec.duration)
        assert spec.effect is not None
        meta = spec.effect(s, a, b, subject)
        s.trust_counts[a, b] += spec.trust
        s.trust_counts[b, a] += spec.trust
        if op == "trade":
            self._surplus_changed = True
        drama = spec.drama
        if op == "gossip":
            if s.rel[a, subject] < 0:
                drama = config.GOSSIP_NEGATIVE_DRAMA
            self._spread_rumor(a, b, subject, meta)
        names = {"a": self.name(a), "b": self.name(b),
                 "s": self.name(subject) if subject >= 0 else ""}
        message = spec.message.format(**names)
        line = dialogue.line(self.rng, self.citizens[a].archetype, op,
                             listener=names["b"], subject=names["s"])
        for i in who:
            self._remember(i, t, op, message)
            self._evolve(i, op)
        self._emit(op, who, t, subject=subject, region=r, message=message, line=line,
                   tokens=spec.tokens, drama=drama, card=card, metadata=meta)
        return True

    def _spread_rumor(self, speaker: int, listener: int, subject: int,
                      meta: dict[str, object]) -> None:
        for rumor in self.state.rumors:
            if rumor.subject == subject and speaker in rumor.reached:
                rumor.reached.add(listener)
                meta["rumor"] = rumor.id
                meta["reached"] = len(rumor.reached)

    def _evolve(self, i: int, op: str) -> None:
        if not self.citizens[i].evolving:
            return
        dim, target = OPS[op].evolve
        p = self.state.personality
        p[i, dim] += float(np.clip(config.EVOLVE_DRIFT * (target - p[i, dim]),
                                   -config.EVOLVE_DRIFT, config.EVOLVE_DRIFT))

    def _rest(self, members: Sequence[int], t: int, why: str) -> None:
        s = self.state
        for i in members:
            self._free_partner(i)
            s.activity[i] = Activity.RESTING
            s.busy_until[i] = NEVER
            s.pending.pop(i, None)
        names = ", ".join(self.name(i) for i in members[:3])
        more = f" and {len(members) - 3} more" if len(members) > 3 else ""
        self._emit("rest", list(members), t, region=int(s.region[members[0]]),
                   message=f"{names}{more} went to rest", metadata={"why": why})

    def _wake(self, members: Sequence[int], t: int, card: str | None) -> None:
        for i in members:
            self._idle(i, t)
        names = ", ".join(self.name(i) for i in members[:3])
        more = f" and {len(members) - 3} more" if len(members) > 3 else ""
        self._emit("wake", list(members), t, region=int(self.state.region[members[0]]),
                   message=f"{names}{more} woke up", card=card)

    def _shelter(self, i: int, t: int, card: str | None) -> None:
        """Storm: walk to the nearest building region with room."""
        r = int(self.state.region[i])
        counts = np.bincount(self.state.region, minlength=len(REGIONS))
        options = sorted((len(self.map.roads[(r, b)]), b) for b in self.in_play
                         if not self.map.is_outdoor(b) and counts[b] < self.capacity[b])
        if options:
            self._walk(i, options[0][1], t, card)
        else:
            self._fail("walk", [i], t, "capacity: no shelter has room", card)
            self._idle(i, t)

    # --- phases --------------------------------------------------------------------------------

    def _phase_end(self, t: int) -> None:
        s = self.state
        new_phase = self.phase_of(t)
        s.rel += config.RELAX_TOWARD_INITIAL * (s.rel0 - s.rel)
        if new_phase == 0:
            sleepers = np.flatnonzero(s.activity == Activity.RESTING).tolist()
            if sleepers:
                self._wake(sleepers, t, None)
        elif new_phase == 3:
            available = np.flatnonzero((s.activity != Activity.WALKING)
                                       & (s.activity != Activity.RESTING)
                                       & (s.activity != Activity.SOCIALIZING))
            draws = self.rng.random(available.size)
            tired = available[draws < config.REST_P_EVENING_END].tolist()
            if tired:
                self._rest(tired, t, "evening")
        self._update_coalitions(t)
        s.reputation = social.eigentrust(s.trust_counts)

    def _update_coalitions(self, t: int) -> None:
        s = self.state
        graph = social.affinity_graph(s.rel, keep=[c.members for c in s.coalitions])
        found = social.clique_percolation(graph)
        old = [(c.id, c.members) for c in s.coalitions]
        matched, dissolved = social.match_coalitions(old, found)
        by_id = {c.id: c for c in s.coalitions}
        for cid in dissolved:
            self._emit("coalition_dissolved", sorted(by_id[cid].members), t,
                       message=f"coalition {cid} dissolved",
                       drama=config.DRAMA["coalition_dissolved"], metadata={"coalition": cid})
        kept: list[Coalition] = []
        for known, members in matched:
            if known is None:
                s.coalition_counter += 1
                cid = f"c{s.coalition_counter}"
                names = ", ".join(self.name(i) for i in sorted(members))
                self._emit("coalition_formed", sorted(members), t,
                           drama=config.DRAMA["coalition_formed"],
                           message=f"coalition {cid} formed: {names}",
                           metadata={"coalition": cid, "size": len(members)})
            else:
                cid = known
            kept.append(Coalition(cid, members))
        s.coalitions = kept

    def _accursed_share(self, t: int) -> None:
        s = self.state
        self._surplus_changed = False
        total = float(s.surplus.sum())
        if total <= config.SHARE_THRESHOLD_PER_CITIZEN * s.n:
            return
        spent = s.surplus * config.SHARE_FRACTION
        s.surplus -= spent
        self._emit("share", list(range(s.n)), t, drama=config.DRAMA["share"],
                   message=f"the town spent its surplus: {float(spent.sum()):.0f} in a feast",
                   metadata={"spent": round(float(spent.sum()), 2)})

    # --- cards ---------------------------------------------------------------------------------

    def _run_card(self, p: Perturbation, t: int) -> None:
        targets = [self.index[c] for c in p.targets]
        spec = CARDS[p.card]
        if spec.op == "festival":
            self._festival(t)
        elif spec.op == "storm":
            self._storm(t)
        elif spec.op == "rumor":
            self._rumor(targets, t)
        elif spec.op == "wake":
            self._wake_card(targets, t)
        elif spec.op == "solo":
            who = targets[0] if targets else self._pick_awake(-1)
            if who < 0:
                self._fail("solo", [], t, "rest: everyone is resting", p.card)
            elif self.state.activity[who] == Activity.RESTING:
                self._fail("solo", [who], t, f"rest: {self.name(who)} is resting", p.card)
            elif self.state.walk_origin[who] >= 0:
                self._fail("solo", [who], t, f"locality: {self.name(who)} is on the road",
                           p.card)
            else:
                self._solo(who, t, p.card)
        else:
            self._binary_card(spec.op, targets, t, p.card)

    def _pick_awake(self, exclude: int, region: int = -1) -> int:
        s = self.state
        ok = (s.activity != Activity.RESTING) & (s.walk_origin < 0)
        if region >= 0:
            ok &= s.region == region
        if exclude >= 0:
            ok[exclude] = False
        cands = np.flatnonzero(ok)
        if cands.size == 0:
            return -1
        return int(cands[int(self.rng.integers(cands.size))])

    def _binary_card(self, op: str, targets: list[int], t: int, card: str) -> None:
        s = self.state
        a = targets[0] if targets else self._pick_awake(-1)
        if a < 0:
            self._fail(op, [], t, "rest: everyone is resting", card)
            return
        b = targets[1] if len(targets) > 1 else self._pick_awake(a, int(s.region[a]))
        if b < 0:
            b = self._pick_awake(a)
        if b < 0 or b == a:
            self._fail(op, [a], t, "no partner: nobody else is awake", card)
            return
        subject = targets[2] if len(targets) > 2 else -1
        if op == "gossip" and subject < 0:
            subject = self._pick_subject(a, b)
        if op == "gossip" and subject in (a, b, -1):
            self._fail(op, [a, b], t, "gossip needs a subject other than the two talking", card)
            return
        for i in (a, b):
            if s.activity[i] == Activity.RESTING:
                self._fail(op, [a, b], t, f"rest: {self.name(i)} is resting", card, subject)
                return
        if s.walk_origin[a] >= 0 and s.walk_origin[b] < 0:
            a, b = b, a  # the one standing still goes to meet the walker
        if s.walk_origin[a] >= 0:
            self._fail(op, [a, b], t, f"locality: {self.name(a)} and {self.name(b)} are "
                       "both on the road", card, subject)
            return
        if s.region[a] == s.region[b] and s.walk_origin[b] < 0:
            self._card_op(op, a, b, subject, t, card)
            return
        pending = Pending(op=op, partner=b, subject=subject, card=card, perturbation=True)
        self._walk(a, int(s.region[b]), t, card, pending)

    def _card_op(self, op: str, a: int, b: int, subject: int, t: int, card: str | None) -> None:
        """A card's op once both are in one region: the same laws and effects as any op."""
        if self._binary(op, a, b, subject, t, card):
            return
        if self.state.activity[a] == Activity.IDLE and self.state.busy_until[a] <= t:
            self._idle(a, t)

    def _wake_card(self, targets: list[int], t: int) -> None:
        s = self.state
        if targets:
            who = targets[0]
        else:
            sleepers = np.flatnonzero(s.activity == Activity.RESTING)
            who = int(sleepers[int(self.rng.integers(sleepers.size))]) if sleepers.size else -1
        if who < 0:
            self._fail("wake", [], t, "nobody is resting", "wake")
        elif s.activity[who] != Activity.RESTING:
            self._fail("wake", [who], t, f"{self.name(who)} is already awake", "wake")
        else:
            self._wake([who], t, "wake")

    def _festival(self, t: int) -> None:
        s = self.state
        guests = np.flatnonzero((s.activity != Activity.RESTING)
                                & (s.walk_origin < 0)).tolist()
        fest_id = Event.make_id(t, s.seq + 1)
        self._emit("festival", guests, t, region=SQUARE, card="festival",
                   drama=config.DRAMA["festival"],
                   message=f"a festival! {len(guests)} citizens gather in the square")
        arrivals = [t + 1]
        gathered: list[int] = []
        for i in guests:
            if s.region[i] == SQUARE:
                self._free_partner(i)
                s.activity[i] = Activity.SOCIALIZING
                gathered.append(i)
            elif self._walk(i, SQUARE, t, "festival", Pending(op="festival", card="festival",
                                                               perturbation=True)):
                gathered.append(i)
                arrivals.append(int(s.busy_until[i]))
        at = max(arrivals)
        for i in gathered:
            if s.activity[i] == Activity.SOCIALIZING:
                s.busy_until[i] = at
        s.festival = Festival(tick=at, guests=gathered, event_id=fest_id)

    def _celebrate_festival(self, t: int) -> None:
        s = self.state
        fest = s.festival
        assert fest is not None
        s.festival = None
        present = [i for i in fest.guests if s.region[i] == SQUARE and s.walk_origin[i] < 0
                   and s.activity[i] != Activity.RESTING]
        if len(present) < 2:
            self._fail("celebrate", present, t, "not enough guests reached the square",
                       "festival")
            return
        self._celebrate(present, SQUARE, t, "festival", {"festival": fest.event_id})

    def _celebrate(self, present: Sequence[int], region: int, t: int, card: str | None,
                   extra: dict[str, Any]) -> None:
        """Everyone present celebrates together (a festival, or an evening gathering)."""
        s = self.state
        spec = OPS["celebrate"]
        self._busy(present, spec.activity, t + spec.duration)
        meta: dict[str, Any] = {**celebrate(s, present), **extra}
        line = dialogue.line(self.rng, self.citizens[present[0]].archetype, "celebrate")
        message = f"{len(present)} citizens celebrated in the {REGION_NAMES[region]}"
        for i in present:
            self._remember(i, t, "celebrate", message)
            self._evolve(i, "celebrate")
        self._emit("celebrate", list(present), t, region=region, message=message, line=line,
                   tokens=spec.tokens * len(present), drama=spec.drama, card=card,
                   metadata=meta)

    def _storm(self, t: int) -> None:
        s = self.state
        s.storm_until = t + config.STORM_TICKS
        outdoor = [i for i in range(s.n)
                   if self.map.is_outdoor(int(s.region[i])) and s.walk_origin[i] < 0
                   and s.activity[i] != Activity.RESTING]
        self._emit("storm", outdoor, t, card="storm", drama=config.DRAMA["storm"],
                   message=f"a storm! {len(outdoor)} citizens run for shelter",
                   metadata={"until": s.storm_until})
        for i in outdoor:
            self._shelter(i, t, "storm")

    def _rumor(self, targets: list[int], t: int) -> None:
        s = self.state
        subject = targets[0] if targets else self._pick_awake(-1)
        if subject < 0:
            subject = int(self.rng.integers(s.n))
        speaker = targets[1] if len(targets) > 1 else -1
        if speaker < 0:
            opinion = s.rel[:, subject].copy()
            awake = (s.activity != Activity.RESTING) & (s.walk_origin < 0)
            opinion[~awake] = np.inf
            opinion[subject] = np.inf
            speaker = int(np.argmin(opinion)) if np.isfinite(opinion).any() else -1
        if speaker < 0 or speaker == subject:
            self._fail("rumor", [subject], t, "nobody is awake to start the rumor", "rumor",
                       subject)
            return
        if s.activity[speaker] == Activity.RESTING:
            self._fail("rumor", [speaker], t, f"rest: {self.name(speaker)} is resting",
                       "rumor", subject)
            return
        s.rel[speaker, subject] = min(float(s.rel[speaker, subject]), config.RUMOR_OPINION)
        heard = s.heard[speaker]
        if subject in heard:
            heard.remove(subject)
        heard.insert(0, subject)
        rumor_id = f"r{len(s.rumors) + 1}"
        s.rumors.append(Rumor(rumor_id, subject, Event.make_id(t, s.seq + 1), {speaker}, t))
        self._emit("rumor", [speaker], t, subject=subject, region=int(s.region[speaker]),
                   card="rumor", drama=config.DRAMA["rumor"],
                   message=f"a rumor about {self.name(subject)} starts with {self.name(speaker)}",
                   metadata={"rumor": rumor_id})
        free = self._free_in(speaker, int(s.region[speaker]))
        free = free[free != subject]
        if s.walk_origin[speaker] >= 0:
            return  # on the road: the rumor waits for arrival
        if free.size:
            self._binary("gossip", speaker, self._pick_partner(free), subject, t, "rumor")
        else:  # nobody to tell here: the speaker drops what it does and goes looking
            self._free_partner(speaker)
            self._idle(speaker, t)
            s.busy_until[speaker] = t + 1


def _tile(a: Any) -> Tile:
    return int(a[0]), int(a[1])
