"""TownFlux: the one thing that changes the town. It advances in fixed ticks and returns events.

Each tick: phase ends (`phases`), cards due (`perturb`), a festival due, then every citizen whose
activity ends takes its turn (`decide`, or the op it walked to do). Every choice comes from one
seeded stream (`draws`): the same scenario, seed and cards give the same events and state hash.
A tick where nothing is due costs nothing. The flux keeps construction, the clock, emitting events
and the primitives the rest is built from (idle, busy, walk, arrive); the laws live in `laws`, the
operations in `perform`. Pure: never imports pygame, the view or the trace.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final

import numpy as np

from game import config
from game.sim import decide, laws, perform, perturb, phases, social
from game.sim.bonds import PairValues, unit_personalities
from game.sim.cards import Perturbation, check_card
from game.sim.digest import Digest
from game.sim.draws import Draws
from game.sim.events import Event, Record
from game.sim.model import Activity, Citizen, Pending, Phase, TownState, decayed, personality_for
from game.sim.roster import IDLE, SOCIALIZING, WALKING, Roster
from game.sim.scenarios import Scenario, scenario
from game.sim.townmap import REGION_NAMES, REGIONS, Tile, TownMap, build_map


@dataclass(frozen=True)
class Snapshot:
    """A complete copy of the town at a tick (RNG state included)."""

    state: TownState


class TownFlux:
    """The simulation of one town: `tick()` advances it; `inject()` queues a perturbation."""

    def __init__(self, scenario_name: str = config.DEFAULT_SCENARIO,
                 seed: int = config.DEFAULT_SEED) -> None:
        self.scenario: Scenario = scenario(scenario_name)
        self.seed = seed
        self.map: TownMap = build_map()
        self.citizens: tuple[Citizen, ...] = self.scenario.citizens
        self.index: dict[str, int] = {c.id: i for i, c in enumerate(self.citizens)}
        self.capacity = np.array([r.capacity * self.scenario.capacity_scale for r in REGIONS])
        self.in_play = frozenset(self.scenario.regions)
        self.draws = Draws(seed)
        self.state = self._initial_state()
        # Sums over the initial bonds for the metrics: at once, not in the tick first asking.
        self._initial_sums = social.BondSums.of_initial(self.state.bonds)
        self.surplus_gained = self.surplus_room = 0.0  # see `phases.accursed_share`
        self.eve: phases.Eve | None = None  # what the next phase end reads, made the ticks before
        self.eve_ticks = phases.eve_ticks(len(self.citizens))  # it (none in a small town)
        self._records: list[Record] = []
        self.telling = True  # False: a tick's records are not made (a re-run nobody reads)
        self.roster = Roster(self.state, len(REGIONS))
        self._next_due = self.roster.next_due()
        self._calm = self._calm_until()
        self.ids = tuple(c.id for c in self.citizens)  # by index: what a record's `event` reads
        self.names = tuple(c.name for c in self.citizens)  # by index, as `name` gives them

    def _initial_state(self) -> TownState:
        n = len(self.citizens)
        jitter = self.draws.uniform(-1.0, 1.0, (n, len(config.DIMENSIONS)))
        personality = np.array([personality_for(c.archetype, jitter[i])
                                for i, c in enumerate(self.citizens)]).reshape(n, -1)
        unit = unit_personalities(personality)
        region = np.array([c.home for c in self.citizens], dtype=np.int64)
        spot = np.array([self.random_spot(int(r)) for r in region], dtype=np.int64).reshape(n, 2)
        busy = self.draws.integers_of(config.IDLE_MIN, config.IDLE_MAX + 1, n).astype(np.int64)
        return TownState(
            tick=0, personality=personality, bonds=PairValues(n, unit),
            surplus=np.zeros(n), reputation=np.full(n, 1.0 / n),
            trust=PairValues(n, None), region=region, spot=spot,
            activity=np.full(n, Activity.IDLE, dtype=np.int64), busy_until=busy,
            partner=np.full(n, -1, dtype=np.int64),
            walk_origin=np.full(n, -1, dtype=np.int64), walk_from_spot=spot.copy(),
            walk_from=np.zeros(n, dtype=np.int64), last_event_tick=np.zeros(n, dtype=np.int64),
            rng_state={}, memories=[()] * n, heard=[()] * n)

    def random_spot(self, region: int) -> Tile:
        spots = self.map.spots[region]
        return spots[self.draws.integers(0, len(spots))]

    # --- clock ---------------------------------------------------------------------------------

    @staticmethod
    def phase_of(tick: int) -> Phase:
        return _PHASES[(tick // config.PHASE_TICKS) % len(_PHASES)]

    @staticmethod
    def day_of(tick: int) -> int:
        return tick // config.DAY_TICKS + 1

    @property
    def phase(self) -> str:
        return self.phase_of(self.state.tick).name

    @property
    def day(self) -> int:
        return self.day_of(self.state.tick)

    # --- public API ----------------------------------------------------------------------------

    def inject(self, perturbation: Perturbation) -> None:
        """Queue a perturbation; it runs inside the tick it names (the next one at the earliest).
        Raises ValueError naming the problem for a target that is no citizen."""
        self.check(perturbation)
        if perturbation.tick <= self.state.tick:
            perturbation = perturbation.model_copy(update={"tick": self.state.tick + 1})
        queue = self.state.queue
        at = len(queue)
        while at > 0 and queue[at - 1].tick > perturbation.tick:
            at -= 1
        queue.insert(at, perturbation)
        self._calm = self._calm_until()

    def check(self, perturbation: Perturbation) -> None:
        """Raise ValueError ("card 'greet': unknown citizen 'zed'") unless this town can run it."""
        try:
            check_card(perturbation.card, perturbation.targets, self.index)
        except ValueError as err:
            raise ValueError(f"card {perturbation.card!r}: {err}") from None

    def tick(self) -> list[Event]:
        """Advance one tick and return the events of that tick."""
        return [record.event(self.ids) for record in self.step()]

    def step(self) -> list[Record]:
        """Advance one tick and return its records (what the history keeps, no model built)."""
        s = self.state
        s.tick += 1
        t = s.tick
        if t < self._calm:
            return []  # nobody due, no phase end or its eve, no card, no festival
        self._records = []
        if t % config.PHASE_TICKS == 0:
            phases.phase_end(self, t)
        while s.queue and s.queue[0].tick <= t:
            perturb.run_card(self, s.queue.pop(0), t)
        if s.festival is not None and s.festival.tick <= t:
            perturb.celebrate_festival(self, t)
        if t >= self._next_due:
            roster = self.roster
            until, activity = roster.until, roster.activity
            for i in roster.take_due(t):
                if until[i] <= t:  # a partner taken earlier this tick is busy again
                    act = activity[i]
                    if act == IDLE:
                        decide.decide(self, i, t)
                    elif act == WALKING:
                        self._arrive(i, t)
                    else:
                        self._done(i, t)
                    if until[i] <= t:  # nothing new to do: due again next tick
                        roster.file(i, until[i])
        if self.surplus_gained > self.surplus_room:
            phases.accursed_share(self, t)
        self._next_due = self.roster.next_due()
        if phases.makes_eve(t, self.eve_ticks):
            phases.before_phase_end(self, t)
        self._calm = self._calm_until()
        return self._records

    def _calm_until(self) -> int:
        """The first tick from now at which anything is due: a citizen's turn, the ticks that
        make a phase end's eve (and so the phase end), a card, a festival; before it only the
        clock moves."""
        s, phase = self.state, config.PHASE_TICKS
        calm = min(self._next_due, (s.tick // phase + 1) * phase - self.eve_ticks)
        calm = min(calm, s.queue[0].tick) if s.queue else calm
        return calm if s.festival is None else min(calm, s.festival.tick)

    def quiet_until(self, limit: int) -> int:
        """The last tick, up to `limit`, before anything is due (see `_calm_until`)."""
        return min(limit, self._calm - 1)

    def skip_to(self, tick: int) -> None:
        """Stand at `tick`, no later than `quiet_until` allows: as ticking there, cheaper."""
        self.state.tick = tick

    def run_quietly(self, end: int) -> None:
        """Advance to tick `end` telling nobody, each tick stepped or skipped (where nothing is
        due) as `step` and `skip_to` would: a seek's way between two marks, in one call."""
        self.telling = False
        s = self.state
        while s.tick < end:
            quiet = self.quiet_until(end)
            if quiet > s.tick:
                self.skip_to(quiet)
            else:
                self.step()

    def run(self, ticks: int) -> list[Event]:
        return [event for _ in range(ticks) for event in self.tick()]

    def snapshot(self) -> Snapshot:
        self.state.rng_state = self.draws.state
        return Snapshot(self.state.copy())

    def restore(self, snap: Snapshot) -> None:
        self.state = snap.state.copy()
        self.eve = None  # what the phase end would read of another state
        self.draws.state = self.state.rng_state
        self.roster = Roster(self.state, len(REGIONS))
        self._next_due = self.roster.next_due()
        self._calm = self._calm_until()
        self.surplus_gained = self.surplus_room = 0.0  # the next gain adds it up

    def state_hash(self) -> str:
        return self.digest().hexdigest()

    def digest(self) -> Digest:
        """The state hash as the town stands now, to be taken at once or a slice at a time."""
        self.state.rng_state = self.draws.state
        return Digest(self.state)

    def metrics(self) -> dict[str, float]:
        s = self.state
        initial, now = s.bonds.levels()
        out = self._initial_sums.moved(initial, now).metrics()
        out["surplus"], out["drama"] = float(s.surplus.sum()), self.drama_at(s.tick)
        out["events_today"] = float(s.events_per_day.get(self.day_of(s.tick), 0))
        return out

    def drama_at(self, tick: int) -> float:
        return self.state.drama * decayed(max(0, tick - self.state.drama_tick))

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
        (x0, y0), (x1, y1), frac = path[k], path[min(k + 1, len(path) - 1)], step - k
        return x0 + (x1 - x0) * frac, y0 + (y1 - y0) * frac

    def walk_path(self, i: int) -> tuple[Tile, ...]:
        s = self.state
        return self.map.walk_path(int(s.walk_origin[i]), _tile(s.walk_from_spot[i]),
                                  int(s.region[i]), _tile(s.spot[i]))

    def name(self, i: int) -> str:
        return self.names[i]

    # --- events --------------------------------------------------------------------------------

    def emit(self, op: str, participants: list[int], t: int, *, subject: int = -1,
             region: int = -1, success: bool = True, reason: str | None = None,
             message: str = "", line: str | None = None, tokens: int = 0, drama: float = 0.0,
             card: str | None = None, metadata: dict[str, Any] | None = None) -> None:
        """Record an event of this tick (unless nobody is told) and account for it (drama,
        tokens, counts)."""
        s = self.state
        s.seq += 1
        if self.telling:
            self._records.append(tuple.__new__(Record, (  # (Record's own __new__ is Python)
                int(t), s.seq, op, tuple(participants), subject, region, success, reason,
                message, line, tokens if success else 0, drama if success else 0.0, card,
                metadata or {})))
        if success and drama:
            s.drama = self.drama_at(t) + drama
            s.drama_tick = t
        if success:
            s.tokens += tokens
        day = t // config.DAY_TICKS + 1
        s.events_per_day[day] = s.events_per_day.get(day, 0) + 1
        s.op_counts[op] = s.op_counts.get(op, 0) + 1
        if card is not None:
            s.perturbations += 1
        if len(participants) > 8:  # a festival, a storm, a feast: the whole town at once
            s.last_event_tick[list(participants)] = t
        else:
            last_event = self.roster.last_event
            for i in participants:
                last_event[i] = t

    def fail(self, op: str, participants: list[int], t: int, reason: str,
             card: str | None, subject: int = -1) -> bool:
        """Record a refusal (a reason from `laws`): the event carries no tokens and no drama."""
        region = int(self.state.region[participants[0]]) if participants else -1
        names = " & ".join([self.names[i] for i in participants]) or "the town"
        self.emit(op, participants, t, subject=subject, region=region, success=False,
                  reason=reason, message=f"{op} failed for {names}: {reason}", card=card)
        return False

    def remember(self, i: int, t: int, op: str, text: str) -> None:
        kept = self.state.memories[i]  # flat: tick, op and text of each memory in turn
        if len(kept) >= 3 * config.MEMORY_LIMIT:  # full: the oldest let go
            kept = kept[3:]
        self.state.memories[i] = kept + (t, op, text)  # noqa: RUF005 (a third of its time)

    # --- primitives: a citizen's turn, idle, busy, walking --------------------------------------

    def _done(self, i: int, t: int) -> None:
        """Citizen i's activity ends: at night it may go to rest, else it idles."""
        self.roster.partner[i] = -1
        if self.phase_of(t) == Phase.NIGHT and self.draws.random() < config.REST_P_NIGHT:
            perform.rest(self, [i], t, "night")
        else:
            self.idle(i, t)

    def idle(self, i: int, t: int) -> None:
        """Free from now, due to decide again after a short random pause."""
        self.idle_until(i, t + self.draws.integers(config.IDLE_MIN, config.IDLE_MAX + 1))

    def idle_until(self, i: int, tick: int) -> None:
        """Free from now, due to decide again at `tick`."""
        self.roster.set_activity(i, IDLE)
        self.roster.partner[i] = -1
        self.roster.set_until(i, tick)

    def busy(self, members: list[int], activity: int, until: int) -> None:
        """Members take up `activity` until a tick; a pair become each other's partner."""
        roster = self.roster
        for i in members:
            self.free_partner(i)
            roster.set_activity(i, activity)
            roster.set_until(i, until)
        if len(members) == 2:
            roster.partner[members[0]], roster.partner[members[1]] = members[1], members[0]

    def free_partner(self, i: int) -> None:
        """Cut an op short: the other side is free from now (a card or festival preempts)."""
        partner = self.roster.partner
        p: int = partner[i]
        if p >= 0 and partner[p] == i:
            partner[p] = -1
            self.roster.set_until(p, min(self.roster.until[p], self.state.tick))
        partner[i] = -1

    def walk(self, i: int, dest: int, t: int, card: str | None,
             pending: Pending | None = None) -> bool:
        """Set off for `dest` (the capacity law permitting); `pending` runs on arrival."""
        s = self.state
        if refusal := laws.room(self, dest):
            return self.fail("walk", [i], t, refusal, card)
        origin = self.roster.region[i]
        self.free_partner(i)
        to_spot = self.random_spot(dest)
        ticks = self.map.walk_ticks(origin, _tile(s.spot[i]), dest, to_spot)
        self.roster.walk_origin[i] = origin
        s.walk_from_spot[i] = s.spot[i]
        s.spot[i] = to_spot
        self.roster.set_activity(i, WALKING)
        self.roster.move(i, dest)
        s.walk_from[i] = t
        self.roster.set_until(i, t + max(ticks, 1))
        if pending is not None:
            s.pending[i] = pending
        else:
            s.pending.pop(i, None)
        then = f" to {pending.op}" if pending and pending.op != "festival" else ""
        self.emit("walk", [i], t, region=origin,
                  message=f"{self.name(i)} set off for the {REGION_NAMES[dest]}{then}",
                  card=card, metadata={"to": REGION_NAMES[dest], "arrive": t + max(ticks, 1)})
        return True

    def _arrive(self, i: int, t: int) -> None:
        s = self.state
        region = self.roster.region[i]
        self.roster.walk_origin[i] = -1
        self.roster.set_activity(i, IDLE)
        pending = s.pending.pop(i, None)
        self.emit("arrive", [i], t, region=region,
                  message=f"{self.name(i)} arrived at the {REGION_NAMES[region]}",
                  card=pending.card if pending and pending.perturbation else None)
        if pending is None:
            self.idle(i, t)
        elif pending.op == "festival":
            fest = s.festival
            if fest is not None and i in fest.guests:
                self.roster.set_activity(i, SOCIALIZING)
                self.roster.set_until(i, max(fest.tick, t + 1))
            else:
                self.idle(i, t)
        else:
            perturb.card_op(self, pending.op, i, pending.partner, pending.subject, t,
                            pending.card)


_PHASES: Final = tuple(Phase)  # indexing a tuple is 15× cheaper than Phase(k) on the per-tick path


def _tile(a: Any) -> Tile:
    return int(a[0]), int(a[1])
