"""The flux's fast decision path keeps the town it had.

- the roster (free citizens per region, region counts, the calendar of due citizens) equals
  what the state says, and a rebuild from it, after any ticks, cards and seeks;
- the plain-float effects give numpy's bits.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from game import config
from game.sim.cards import CARDS, Perturbation
from game.sim.flux import TownFlux
from game.sim.model import NEVER, Activity, Dim
from game.sim.ops import OPS, Effect, saturate
from game.sim.roster import Roster
from game.sim.scenarios import scenario
from game.sim.townmap import REGIONS

IDS = [c.id for c in scenario("town").citizens]
TICKS = 900  # crosses two phase ends and the evening's rest


@st.composite
def cards(draw: st.DrawFn) -> Perturbation:
    card = draw(st.sampled_from(sorted(CARDS)))
    n = draw(st.integers(0, CARDS[card].max_targets))
    targets = draw(st.lists(st.sampled_from(IDS), min_size=n, max_size=n, unique=True))
    return Perturbation(tick=draw(st.integers(1, TICKS)), card=card, targets=tuple(targets))


def assert_roster_matches_the_state(flux: TownFlux) -> None:
    s, roster = flux.state, flux.roster
    assert roster.state is s
    assert roster.activity == s.activity.tolist()
    assert roster.region == s.region.tolist()
    assert roster.until == s.busy_until.tolist()
    idle = s.activity == Activity.IDLE
    assert roster.free == [np.flatnonzero(idle & (s.region == r)).tolist()
                           for r in range(len(REGIONS))]
    assert roster.counts == np.bincount(s.region, minlength=len(REGIONS)).tolist()
    fresh = Roster(s, len(REGIONS))
    # A citizen whose end is past is due at the coming tick, whichever bucket holds it.
    coming = s.tick + 1
    assert {i: max(k, coming) for i, k in roster.filed().items()} == fresh.filed()
    assert set(fresh.filed()) == {i for i, u in enumerate(roster.until) if u != NEVER}
    assert max(roster.next_due(), coming) == max(fresh.next_due(), coming)


@settings(max_examples=12, deadline=None)
@given(st.integers(0, 10_000), st.lists(cards(), max_size=10),
       st.lists(st.tuples(st.integers(1, 150), st.booleans()), min_size=1, max_size=8))
def test_the_roster_equals_a_rebuild_after_any_ticks_cards_and_seeks(
        seed: int, schedule: list[Perturbation], steps: list[tuple[int, bool]]) -> None:
    flux = TownFlux("town", seed)
    for p in schedule:
        flux.inject(p)
    snaps = [flux.snapshot()]
    for ticks, seek_back in steps:
        for _ in range(ticks):
            flux.tick()
            if flux.state.tick % 37 == 0:
                assert_roster_matches_the_state(flux)
        snaps.append(flux.snapshot())
        if seek_back:
            flux.restore(snaps[len(snaps) // 2])
        assert_roster_matches_the_state(flux)


def test_a_seek_replays_the_same_events_with_a_rebuilt_roster() -> None:
    flux = TownFlux("city:120", 4)
    flux.inject(Perturbation(tick=500, card="storm"))
    flux.inject(Perturbation(tick=650, card="festival"))
    flux.run(300)
    snap = flux.snapshot()
    first = [e.model_dump_json() for e in flux.run(700)]
    end = flux.state_hash()
    flux.restore(snap)
    assert_roster_matches_the_state(flux)
    assert [e.model_dump_json() for e in flux.run(700)] == first
    assert flux.state_hash() == end
    assert_roster_matches_the_state(flux)


def effect(op: str) -> Effect:
    spec = OPS[op].effect
    assert spec is not None
    return spec


units = st.floats(0.0, 1.0, allow_nan=False)


@given(st.floats(-1.0, 1.0, allow_nan=False), units, units)
def test_greet_and_dispute_in_plain_floats_give_saturates_bits(
        w: float, mine: float, theirs: float) -> None:
    s = TownFlux("mpp", 1).state
    s.personality[0, [Dim.WARMTH, Dim.PATIENCE]] = mine
    s.personality[1, [Dim.WARMTH, Dim.PATIENCE]] = theirs
    pair = s.personality[[0, 1]]
    gain = config.GREET_GAIN * float(pair[:, Dim.WARMTH].mean())
    loss = config.DISPUTE_LOSS * (1.0 - float(pair[:, Dim.PATIENCE].mean()))
    for op, delta in (("greet", gain), ("dispute", -loss)):
        s.set_bond(0, 1, w)
        effect(op)(s, 0, 1, -1)
        assert s.bond(0, 1).hex() == float(saturate(w, delta)).hex()


@given(st.lists(units, min_size=4, max_size=4))
def test_teaching_in_plain_floats_gives_numpys_bits(values: list[float]) -> None:
    s = TownFlux("mpp", 1).state
    dims = [Dim.CURIOSITY, Dim.CREATIVITY]
    s.personality[0, dims] = values[:2]
    s.personality[1, dims] = values[2:]
    gap = s.personality[0, dims] - s.personality[1, dims]
    drift = np.clip(gap, -config.TEACH_DRIFT, config.TEACH_DRIFT)
    expected = np.clip(s.personality[1, dims] + drift, 0.0, 1.0)
    effect("teach")(s, 0, 1, -1)
    assert s.personality[1, dims].tobytes() == expected.tobytes()


@given(st.integers(0, 2**32), st.integers(1, 40))
def test_a_batch_of_idle_pauses_draws_what_one_call_each_would(seed: int, k: int) -> None:
    """A morning's wake draws everyone's pause at once: numpy draws an array of bounded
    integers one after another, so the values and the generator's state are those of k calls."""
    one_by_one, batched = (np.random.Generator(np.random.PCG64(seed)) for _ in range(2))
    one_by_one.random(), batched.random()  # start mid-stream, as a town does
    pauses = [int(one_by_one.integers(config.IDLE_MIN, config.IDLE_MAX + 1)) for _ in range(k)]
    assert batched.integers(config.IDLE_MIN, config.IDLE_MAX + 1, size=k).tolist() == pauses
    assert batched.bit_generator.state == one_by_one.bit_generator.state
    assert batched.random() == one_by_one.random()
