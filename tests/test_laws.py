"""The laws (locality, rest, capacity, storm) and the perturbation law."""

from __future__ import annotations

import numpy as np
import pytest

from game.sim.cards import Perturbation
from game.sim.flux import TownFlux
from game.sim.model import Activity
from game.sim.townmap import REGION_INDEX
from tests.helpers import all_bonds, freeze_everyone, place, put_to_rest


@pytest.fixture
def flux() -> TownFlux:
    f = TownFlux("town", seed=5)
    freeze_everyone(f)
    return f


def test_a_card_aimed_at_a_resting_citizen_fails_by_the_rest_law(flux: TownFlux) -> None:
    place(flux, "ada", "inn")
    place(flux, "bruno", "inn")
    put_to_rest(flux, "bruno")
    before = all_bonds(flux.state)
    flux.inject(Perturbation(tick=1, card="greet", targets=("ada", "bruno")))
    [event] = flux.tick()
    assert not event.success and event.reason == "rest: Bruno is resting"
    assert event.perturbation and event.tokens == 0
    np.testing.assert_array_equal(all_bonds(flux.state), before)


def test_resting_citizens_accept_only_wake(flux: TownFlux) -> None:
    i = put_to_rest(flux, "mira")
    flux.inject(Perturbation(tick=1, card="solo", targets=("mira",)))
    flux.inject(Perturbation(tick=2, card="wake", targets=("mira",)))
    [refused] = flux.tick()
    assert not refused.success and refused.reason == "rest: Mira is resting"
    [woken] = flux.tick()
    assert woken.op == "wake" and woken.success
    assert flux.state.activity[i] == Activity.IDLE


def test_locality_a_binary_op_needs_one_region() -> None:
    flux = TownFlux("town", seed=5)
    freeze_everyone(flux)
    a, b = place(flux, "ada", "inn"), place(flux, "bruno", "workshop", busy_for=5000)
    # Ada walks toward Bruno; if Bruno leaves before she arrives the op fails by locality.
    flux.inject(Perturbation(tick=1, card="trade", targets=("ada", "bruno")))
    [walk] = flux.tick()
    place(flux, "bruno", "archive", busy_for=5000)
    events = flux.run(walk.metadata["arrive"] - flux.state.tick)
    trade = events[-1]
    assert trade.op == "trade" and not trade.success
    assert trade.reason is not None and trade.reason.startswith("locality:")
    assert flux.state.surplus[a] == flux.state.surplus[b] == 0


def test_capacity_a_walk_may_not_overfill_a_region(flux: TownFlux) -> None:
    library = REGION_INDEX["library"]
    for c in flux.citizens:
        place(flux, c.id, "inn", busy_for=5000)
    residents = [c.id for c in flux.citizens][:6]
    for cid in residents:
        place(flux, cid, "library", busy_for=5000)
    assert np.count_nonzero(flux.state.region == library) == 6  # capacity 6
    walker = flux.citizens[10].id
    place(flux, walker, "square")
    flux.inject(Perturbation(tick=1, card="greet", targets=(walker, residents[0])))
    [event] = flux.tick()
    assert event.op == "walk" and not event.success
    assert event.reason == "capacity: the library is full (6/6)"
    assert flux.state.region[flux.index[walker]] == REGION_INDEX["square"]


def test_a_card_changes_nothing_until_the_flux_runs_it(flux: TownFlux) -> None:
    place(flux, "ada", "inn")
    place(flux, "tomas", "inn")
    before = flux.state_hash()
    flux.inject(Perturbation(tick=3, card="greet", targets=("ada", "tomas")))
    queued = flux.state_hash()
    assert queued != before  # the queue is state: a snapshot carries it
    snapshot_rel = all_bonds(flux.state)
    assert flux.tick() == [] and flux.tick() == []
    np.testing.assert_array_equal(all_bonds(flux.state), snapshot_rel)
    [event] = flux.tick()
    assert event.tick == 3 and event.perturbation and event.card == "greet"
    assert not np.array_equal(all_bonds(flux.state), snapshot_rel)


def test_a_card_for_a_past_tick_runs_at_the_next_tick(flux: TownFlux) -> None:
    flux.run(10)
    flux.inject(Perturbation(tick=2, card="festival"))
    events = flux.tick()
    assert events[0].op == "festival" and events[0].tick == 11


def test_unknown_targets_and_cards_are_refused_with_a_clear_message(flux: TownFlux) -> None:
    with pytest.raises(ValueError, match="unknown citizen 'nobody'"):
        flux.inject(Perturbation(tick=1, card="greet", targets=("nobody",)))
    with pytest.raises(ValueError, match="unknown card 'party'"):
        Perturbation(tick=1, card="party")
    with pytest.raises(ValueError, match="solo takes one target at most"):
        Perturbation(tick=1, card="solo", targets=("ada", "bruno"))


def test_weights_stay_clamped_under_repeated_ops(flux: TownFlux) -> None:
    place(flux, "ada", "inn")
    place(flux, "tomas", "inn")
    for _ in range(60):
        for card in ("trade", "trade", "dispute"):
            flux.inject(Perturbation(tick=flux.state.tick + 1, card=card,
                                     targets=("ada", "tomas")))
        assert all(e.success for e in flux.tick())
    rel = all_bonds(flux.state)
    assert rel.max() <= 1.0 and rel.min() >= -1.0
