"""The fixed-timestep clock: ticks due for real-time deltas and speeds, and the time budget."""

from __future__ import annotations

import gc
import time
import weakref

import pygame
import pytest

from game import config
from game.clock import (
    LOOK_EVERY_SECONDS,
    MAX_BURST,
    MAX_FRAME_DT,
    MAX_SPEED,
    QUIET_SECONDS,
    Collector,
    TickBudget,
    TickClock,
)
from game.sim import phases
from game.trace.timeline import Timeline
from game.view import pace as pace_module
from game.view.app import App
from game.view.assets import Assets
from game.view.pace import Pace
from game.view.window import run_frames
from tests.window import make_app, post


@pytest.mark.parametrize(("speed", "ticks"), [(0, 0), (1, 20), (2, 40), (4, 80), (8, 160),
                                              (16, 320)])
def test_one_second_of_frames_runs_twenty_ticks_per_speed_step(speed: int, ticks: int) -> None:
    clock = TickClock()
    assert sum(clock.due(1 / 60, speed) for _ in range(60)) == ticks


def test_uneven_frames_add_up_to_the_same_ticks() -> None:
    clock = TickClock()
    deltas = [0.010, 0.033, 0.007, 0.050, 0.016, 0.034, 0.100, 0.250, 0.500]
    # 0.5 s is clamped to MAX_FRAME_DT: a stalled frame does not owe a burst of ticks.
    real = sum(min(d, MAX_FRAME_DT) for d in deltas)
    assert sum(clock.due(d, 1) for d in deltas) == int(real * 20 + 1e-9)


def test_the_alpha_is_the_fraction_of_the_next_tick() -> None:
    clock = TickClock()
    assert clock.due(0.025, 1) == 0
    assert clock.alpha == pytest.approx(0.5)
    assert clock.due(0.025, 1) == 1
    assert clock.alpha == pytest.approx(0.0, abs=1e-9)


def test_pause_keeps_the_alpha_and_runs_nothing() -> None:
    clock = TickClock()
    clock.due(0.02, 1)
    alpha = clock.alpha
    assert clock.due(1.0, 0) == 0
    assert clock.alpha == alpha


def test_max_speed_asks_for_a_capped_burst() -> None:
    clock = TickClock()
    assert clock.due(1 / 60, MAX_SPEED) == MAX_BURST
    assert clock.due(10.0, MAX_SPEED) == MAX_BURST


def test_falling_behind_drops_the_backlog() -> None:
    clock = TickClock()
    clock.due(0.049, 1)
    clock.fell_behind()
    assert clock.alpha == 0.0


def test_ticks_a_frame_held_back_run_in_the_next_unless_time_stops_or_falls_behind() -> None:
    clock = TickClock()
    frame = 0.1  # two whole ticks a frame at 1×
    assert clock.due(frame, 1) == 2
    clock.hold(3)
    assert [clock.due(frame, 1) for _ in range(4)] == [3, 3, 3, 2]  # one more a frame
    clock.hold(3)
    assert clock.due(frame, 0) == 0 and clock.due(frame, 1) == 2  # paused: let go
    clock.hold(3)
    clock.fell_behind()
    assert clock.due(frame, 1) == 2
    clock.hold(300)  # at max speed a frame's burst is a cap, not a debt
    assert clock.due(frame, MAX_SPEED) == MAX_BURST and clock.due(frame, 1) == 2


def test_frames_end_at_the_ticks_that_make_a_phase_ends_eve_and_catch_up_after() -> None:
    start = config.PHASE_TICKS - phases.EVE_TICKS - 3  # the eve's first part is 3 ticks ahead
    timeline = Timeline("city:120", seed=2)  # a town that makes its phase end's eve
    timeline.advance(start)
    pace = Pace(reproducible=True)
    for part in range(phases.EVE_TICKS):  # five ticks due each frame: each part ends one
        pace.run(timeline, 1 / 60, 16, None)
        assert timeline.cursor == config.PHASE_TICKS - phases.EVE_TICKS + part
    # The phase end opens the next frame, and the ticks held back run one more a frame.
    frames = 4 * (phases.EVE_TICKS + 1)
    for _ in range(frames - phases.EVE_TICKS):
        pace.run(timeline, 1 / 60, 16, None)
    assert timeline.cursor == start + frames * 16 * config.TICKS_PER_SECOND // 60
    fresh = Timeline("city:120", seed=2)
    fresh.advance(timeline.cursor)
    assert fresh.flux.state_hash() == timeline.flux.state_hash()


def test_a_small_town_makes_its_phase_end_whole_and_its_frames_run_every_tick_due() -> None:
    start = config.PHASE_TICKS - 8
    timeline = Timeline("town", seed=2)
    timeline.advance(start)
    pace = Pace(reproducible=True)
    for frame in range(1, 4):  # five ticks due each frame, the phase end among them
        pace.run(timeline, 1 / 60, 16, None)
        assert timeline.cursor == start + frame * 16 * config.TICKS_PER_SECOND // 60
    assert timeline.flux.eve is None


def test_the_budget_runs_out_after_its_seconds() -> None:
    now = [0.0]
    budget = TickBudget(0.010, now=lambda: now[0])
    budget.start()
    assert budget.left()
    now[0] = 0.0099
    assert budget.left()
    now[0] = 0.0101
    assert not budget.left()


class _Cycle:
    def __init__(self) -> None:
        self.me = self


def _garbage_cycle() -> weakref.ref[_Cycle]:
    """A reference cycle nothing else holds: only the cyclic collector frees it."""
    return weakref.ref(_Cycle())


def test_the_collector_freezes_each_turn_and_looks_through_once_paused_for_a_while() -> None:
    gc.unfreeze()
    try:
        collector = Collector(now=0.0)
        cycle = _garbage_cycle()
        collector.after_turn(paused=False, now=0.1)  # running: the cycle is frozen, kept
        gc.collect()
        assert cycle() is not None and gc.get_freeze_count() > 0
        collector.after_turn(paused=True, now=0.2)
        collector.after_turn(paused=True, now=0.2 + QUIET_SECONDS / 2)
        assert cycle() is not None
        collector.after_turn(paused=True, now=0.2 + QUIET_SECONDS)  # paused a while: freed
        assert cycle() is None
        again = _garbage_cycle()
        collector.after_turn(paused=True, now=5.0)  # once a pause
        gc.collect()
        assert again() is not None
    finally:
        gc.unfreeze()


def test_the_collector_looks_through_while_time_runs_every_so_often() -> None:
    gc.unfreeze()
    try:
        collector = Collector(now=0.0)
        cycle = _garbage_cycle()
        collector.after_turn(paused=False, now=1.0)
        collector.after_turn(paused=False, now=LOOK_EVERY_SECONDS - 1)
        gc.collect()
        assert cycle() is not None
        collector.after_turn(paused=False, now=LOOK_EVERY_SECONDS)
        assert cycle() is None
    finally:
        gc.unfreeze()


def test_the_collector_never_looks_through_while_time_runs_where_turns_make_no_cycles() -> None:
    gc.unfreeze()
    try:
        collector = Collector(now=0.0)
        cycle = _garbage_cycle()
        collector.after_turn(paused=False, now=1.0, cycles=False)
        collector.after_turn(paused=False, now=10 * LOOK_EVERY_SECONDS, cycles=False)
        gc.collect()
        assert cycle() is not None  # a window's frames: no hitch of a whole look
        collector.after_turn(paused=True, now=11 * LOOK_EVERY_SECONDS, cycles=False)
        collector.after_turn(paused=True, now=11 * LOOK_EVERY_SECONDS + QUIET_SECONDS,
                             cycles=False)
        assert cycle() is None  # paused a while: looked through all the same
    finally:
        gc.unfreeze()


def test_a_paused_window_looks_through_the_heap_only_once_left_alone_a_while(
        assets: Assets) -> None:
    app = make_app(assets, ticks=100, speed=0)
    gc.unfreeze()
    try:
        cycle = _garbage_cycle()
        moved = [0]

        def touched(app: App, shown: int) -> None:  # the mouse moves every frame
            moved[0] += 1
            post(pygame.MOUSEMOTION, pos=(300 + shown % 50, 300), rel=(1, 0), buttons=(0, 0, 0))

        frames = int(1.5 * QUIET_SECONDS * 60)  # a second and a half at 60 frames a second
        start = time.perf_counter()
        run_frames(app, frames, fixed_dt=1 / 60, pace=60, show=False, before=touched)
        assert time.perf_counter() - start >= QUIET_SECONDS and moved[0] == frames
        gc.collect()
        assert cycle() is not None  # paused but in use: no hitch while the person works
        run_frames(app, frames, fixed_dt=1 / 60, pace=60, show=False)
        assert cycle() is None  # left alone a while: looked through
    finally:
        gc.unfreeze()


def test_a_frame_ends_once_its_ticks_made_a_frames_worth_of_records_and_keeps_the_speed(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pace_module, "FRAME_RECORDS", 2)  # a town's, to stand for a city's
    timeline = Timeline("town", seed=2)
    timeline.advance(300)
    pace = Pace(reproducible=True)
    frames, cut = 240, 0
    for _ in range(frames):
        before = timeline.cursor
        records, _ = pace.run(timeline, 1 / 60, 16, None)
        last = [r for r in records if r.tick == timeline.cursor]
        assert len(records) - len(last) < 2  # only the tick that made it a frame's worth ends
        cut += len(records) >= 2 and timeline.cursor - before < 5
    assert cut > 10
    held = 300 + frames * 16 * config.TICKS_PER_SECOND // 60 - timeline.cursor
    assert 0 <= held < 12  # the ticks held back run one more a frame
    fresh = Timeline("town", seed=2)
    fresh.advance(timeline.cursor)
    assert fresh.flux.state_hash() == timeline.flux.state_hash()
    records, _ = pace.run(timeline, 1 / 60, MAX_SPEED, None)  # at max speed, a frame's burst
    assert len(records) > 2 and timeline.cursor - fresh.cursor == MAX_BURST
