"""The town is alive: in three days every op occurs, citizens move, coalitions form."""

from __future__ import annotations

from collections import defaultdict

from game import config
from game.sim.cards import Perturbation
from game.sim.events import OPERATIONS
from game.sim.flux import TownFlux


def test_three_days_of_town_are_alive() -> None:
    flux = TownFlux("town", seed=7)
    start_regions = flux.state.region.copy()
    events = flux.run(3 * config.DAY_TICKS)
    ops = {e.op for e in events if e.success}
    assert set(OPERATIONS) <= ops  # celebrate too: evening gatherings, no Festival card needed
    assert (flux.state.region != start_regions).any() or any(e.op == "arrive" for e in events)
    moved = {e.participants[0] for e in events if e.op == "arrive"}
    assert len(moved) >= 15
    assert any(e.op == "coalition_formed" for e in events)
    # Nobody is stuck idle for a whole day: everyone does something every day.
    active: dict[int, set[str]] = defaultdict(set)
    for e in events:
        if e.op in OPERATIONS:
            active[TownFlux.day_of(e.tick)].update(e.participants)
    for day in (1, 2, 3):
        assert active[day] == {c.id for c in flux.citizens}, day


def test_a_festival_makes_the_town_celebrate() -> None:
    flux = TownFlux("town", seed=7)
    flux.inject(Perturbation(tick=100, card="festival"))
    events = flux.run(800)
    party = [e for e in events if e.op == "celebrate"]
    assert party and len(party[0].participants) >= 10


def test_small_and_large_scenarios_run() -> None:
    for name, n in (("mpp", 3), ("village", 7), ("city:300", 300)):
        flux = TownFlux(name, seed=1)
        assert len(flux.citizens) == n
        events = flux.run(800)
        assert events
        allowed = {int(r) for r in flux.scenario.regions}
        assert set(flux.state.region.tolist()) <= allowed
    ids = [c.id for c in TownFlux("city:2500", seed=1).citizens]
    assert len(set(ids)) == 2500
