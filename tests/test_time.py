"""Phases, rest and wake, walking arrival ticks and positions as a function of time."""

from __future__ import annotations

import itertools

import numpy as np

from game import config
from game.sim.flux import TownFlux
from game.sim.model import Activity, mood
from game.sim.townmap import REGION_INDEX, build_map


def test_phases_follow_the_clock_and_the_day_turns_at_night_to_morning() -> None:
    assert [TownFlux.phase_of(t) for t in (0, 399, 400, 800, 1200, 1599, 1600)] == \
        [0, 0, 1, 2, 3, 3, 0]
    assert TownFlux.day_of(1599) == 1 and TownFlux.day_of(1600) == 2
    flux = TownFlux("mpp", seed=1)
    flux.run(config.PHASE_TICKS * 2)
    assert flux.phase == "EVENING" and flux.day == 1


def test_end_of_evening_sends_some_to_rest_and_morning_wakes_everyone() -> None:
    flux = TownFlux("town", seed=2)
    flux.run(3 * config.PHASE_TICKS - 1)
    events = flux.tick()  # tick 1200: evening ends
    rest = [e for e in events if e.op == "rest"]
    assert rest and rest[0].metadata["why"] == "evening"
    sleepers = [flux.index[c] for c in rest[0].participants]
    assert all(flux.state.activity[i] == Activity.RESTING for i in sleepers)
    flux.run(config.PHASE_TICKS - 1)
    assert np.count_nonzero(flux.state.activity == Activity.RESTING) > len(sleepers)
    events = flux.tick()  # tick 1600: morning
    assert any(e.op == "wake" for e in events)
    assert not np.any(flux.state.activity == Activity.RESTING)


def test_a_walk_arrives_exactly_when_it_said_it_would() -> None:
    flux = TownFlux("town", seed=4)
    checked = 0
    pending: dict[str, int] = {}
    for _ in range(3000):
        for e in flux.tick():
            if e.op == "walk" and e.success:
                pending[e.participants[0]] = e.metadata["arrive"]
            elif e.op == "arrive":
                assert pending.pop(e.participants[0]) == e.tick
                checked += 1
    assert checked > 20


def test_position_is_a_function_of_path_and_departure_tick() -> None:
    flux = TownFlux("town", seed=4)
    for _ in range(500):
        events = flux.tick()
        walk = next((e for e in events if e.op == "walk" and e.success), None)
        if walk:
            break
    assert walk is not None
    i = flux.index[walk.participants[0]]
    path = flux.walk_path(i)
    start = flux.state.walk_from[i]
    assert flux.position(i, start) == path[0]
    assert flux.position(i, start + config.TICKS_PER_ROAD_TILE * 2) == path[2]
    half = flux.position(i, start + config.TICKS_PER_ROAD_TILE / 2)
    assert half == ((path[0][0] + path[1][0]) / 2, (path[0][1] + path[1][1]) / 2)
    assert flux.position(i, walk.metadata["arrive"]) == path[-1]


def test_walk_paths_follow_roads_in_unit_steps_and_avoid_buildings() -> None:
    m = build_map()
    blocked = {(bx + dx, by + dy) for bx, by, w, h in m.buildings.values()
               for dx in range(w) for dy in range(h)}
    for (a, b), road in m.roads.items():
        assert road[0] == m.gates[a] and road[-1] == m.gates[b]
        for (x0, y0), (x1, y1) in itertools.pairwise(road):
            assert abs(x1 - x0) + abs(y1 - y0) == 1
        assert not blocked & set(road)
    inn, square = REGION_INDEX["inn"], REGION_INDEX["square"]
    path = m.walk_path(inn, m.spots[inn][0], square, m.spots[square][-1])
    assert path[0] == m.spots[inn][0] and path[-1] == m.spots[square][-1]


def test_mood_is_derived_from_activity_and_personality() -> None:
    warm = np.array([0.8, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5])
    curious = np.array([0.5, 0.8, 0.5, 0.5, 0.5, 0.5, 0.5])
    assert mood(Activity.RESTING, warm) == "resting"
    assert mood(Activity.REFLECTING, warm) == "contemplative"
    assert mood(Activity.WORKING, warm) == "focused"
    assert mood(Activity.SOCIALIZING, warm) == "warm"
    assert mood(Activity.SOCIALIZING, curious) == "engaged"
    assert mood(Activity.IDLE, curious) == "curious"
    assert mood(Activity.IDLE, warm) == "calm"
