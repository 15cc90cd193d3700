"""The app on a headless display: picking, drawing, speeds, quitting, camera input."""

from __future__ import annotations

import gc

import numpy as np
import pygame
import pytest

from game.clock import MAX_BURST, YOUNG_OBJECTS, TickBudget
from game.sim.events import Event, Record
from game.sim.flux import TownFlux
from game.sim.townmap import REGION_INDEX
from game.trace.timeline import Timeline
from game.view import iso
from game.view.app import App
from game.view.assets import Assets
from game.view.intents import Select, SetSpeed, Toggle
from game.view.keys import PAN_KEYS
from game.view.sprites import FACINGS
from game.view.uistate import WINDOWS
from game.view.window import run_frames
from game.view.world import FEET_X, FEET_Y, POSES
from tests.helpers import freeze_everyone
from tests.window import post

ScreenArray = np.ndarray


@pytest.fixture
def app(assets: Assets) -> App:
    pygame.event.clear()
    return App(Timeline("town", 7), reproducible=True, assets=assets)



def stand_alone(app: App, region: str) -> int:
    """Freeze the town and stand one citizen on a tile of `region` with nobody near it."""
    flux = app.flux
    freeze_everyone(flux)
    s = flux.state
    i = flux.index["ada"]
    others = np.delete(s.spot, i, axis=0)
    for spot in flux.map.spots[REGION_INDEX[region]]:
        if np.abs(others - np.array(spot)).max(axis=1).min() >= 3:
            s.spot[i] = spot
            s.region[i] = REGION_INDEX[region]
            break
    else:
        raise AssertionError(f"no lonely spot in {region}")
    return i


def look_at(app: App, i: int) -> tuple[int, int]:
    """Centre the camera on citizen i, draw, and return its feet's projected screen point."""
    gx, gy = app.flux.state.spot[i] + 0.5
    app.camera.cx, app.camera.cy = iso.to_screen(gx, gy)
    app.frame(0.0)
    x, y = app.camera.to_screen(*iso.to_screen(gx, gy))
    return round(x), round(y)


def pixels(app: App) -> ScreenArray:
    return pygame.surfarray.array3d(app.screen).copy()


def sprite_shown(app: App, i: int, feet: tuple[int, int]) -> float:
    """Fraction of citizen i's current frame's opaque pixels found on screen at its feet."""
    layout = app.world.layout
    assert layout is not None
    sheet = (int(app.world.archetype[i]) * len(FACINGS) + int(layout.facing[i])) * POSES \
        + int(layout.pose[i])
    frame = app.world.bank.citizen_frames()[sheet]
    z = app.camera.zoom
    left, top = feet[0] - FEET_X * z, feet[1] - FEET_Y * z
    w, h = frame.get_size()
    opaque = pygame.surfarray.array_colorkey(frame) > 0  # frames are colour-keyed
    expected = pygame.surfarray.array3d(frame)
    shown = pixels(app)[left:left + w, top:top + h]
    same = (shown == expected).all(axis=-1) & opaque
    return float(same.sum() / opaque.sum())


def test_a_rendered_frame_has_the_citizen_at_its_projected_feet(app: App) -> None:
    i = stand_alone(app, "garden")
    feet = look_at(app, i)
    layout = app.world.layout
    assert layout is not None
    assert (int(layout.feet_x[i]), int(layout.feet_y[i])) == feet
    assert sprite_shown(app, i, feet) == 1.0
    before = pixels(app)
    app.flux.state.spot[i] = app.flux.map.spots[REGION_INDEX["market"]][0]
    app.frame(0.0)
    z = app.camera.zoom
    x0, y0 = feet[0] - FEET_X * z, feet[1] - FEET_Y * z
    patch = (slice(x0, x0 + 12 * z), slice(y0, y0 + 20 * z))
    assert (before[patch] != pixels(app)[patch]).any(axis=-1).sum() > 40 * z * z


def test_clicking_a_citizen_selects_it_and_clicking_ground_clears(app: App) -> None:
    i = stand_alone(app, "garden")
    x, y = look_at(app, i)
    z = app.camera.zoom
    post(pygame.MOUSEBUTTONDOWN, pos=(x, y - 8 * z), button=1)
    post(pygame.MOUSEBUTTONUP, pos=(x, y - 8 * z), button=1)
    app.frame(0.0)
    assert app.ui.selected == i
    citizen = app.view_state().citizen
    assert citizen is not None and citizen.temper is not None
    assert (citizen.name, citizen.temper.archetype) == ("Ada", "Healer")
    post(pygame.MOUSEBUTTONDOWN, pos=(x + 40 * z, y), button=1)
    post(pygame.MOUSEBUTTONUP, pos=(x + 40 * z, y), button=1)
    app.frame(0.0)
    assert app.ui.selected is None


def test_a_citizen_in_front_of_a_building_covers_it_and_one_behind_is_hidden(app: App) -> None:
    i = stand_alone(app, "garden")
    bx, by, w, h = app.flux.map.buildings[REGION_INDEX["library"]]
    s = app.flux.state
    s.spot[i] = (bx + w, by)  # beside the right-hand wall: in front of it
    assert sprite_shown(app, i, look_at(app, i)) == 1.0
    s.spot[i] = (bx + 1, by - 1)  # beyond the back edge: behind the roof
    assert sprite_shown(app, i, look_at(app, i)) < 0.5
    s.spot[i] = (bx + 1, by + h)  # before the left-hand wall
    assert sprite_shown(app, i, look_at(app, i)) == 1.0


def run_with_app(assets: Assets, speed: int, ticks: int) -> tuple[list[Event], int]:
    app = App(Timeline("town", 7), speed=speed, reproducible=True, assets=assets)
    events: list[Event] = []
    while app.timeline.cursor < ticks:
        events += [r.event(app.flux.ids) for r in app.advance(1 / 60)]
    return events, app.timeline.cursor


def test_speed_never_changes_the_events(assets: Assets) -> None:
    slow, slow_end = run_with_app(assets, 1, 800)
    fast, fast_end = run_with_app(assets, 16, 800)
    for events, end in ((slow, slow_end), (fast, fast_end)):
        headless = TownFlux("town", 7).run(end)
        assert [e.model_dump() for e in events] == [e.model_dump() for e in headless]
    assert len(slow) > 50


def test_max_speed_stops_ticking_when_the_frame_budget_is_spent(app: App) -> None:
    clock = [0.0]

    def now() -> float:
        clock[0] += 0.001
        return clock[0]

    app.pace.budget = TickBudget(0.010, now=now)
    post(pygame.KEYDOWN, key=pygame.K_6, mod=0)
    app.frame(1 / 60)
    assert app.ui.speed == -1
    assert 5 <= app.flux.state.tick <= 12 < MAX_BURST


def test_speed_keys_and_space_pause_and_resume(app: App) -> None:
    post(pygame.KEYDOWN, key=pygame.K_5, mod=0)
    app.frame(0.0)
    assert app.ui.speed == 16
    post(pygame.KEYDOWN, key=pygame.K_SPACE, mod=0)
    app.frame(0.0)
    assert app.ui.speed == 0
    tick = app.flux.state.tick
    app.frame(0.5)
    assert app.flux.state.tick == tick
    post(pygame.KEYDOWN, key=pygame.K_SPACE, mod=0)
    app.frame(0.0)
    assert app.ui.speed == 16


def test_escape_asks_first_and_a_second_escape_quits(app: App) -> None:
    post(pygame.KEYDOWN, key=pygame.K_ESCAPE, mod=0)
    app.frame(0.0)
    assert app.running and app.ui.top_modal == "quit"
    post(pygame.KEYDOWN, key=pygame.K_ESCAPE, mod=0)
    app.frame(0.0)
    assert not app.running


def test_escape_clears_the_selection_before_asking_and_another_key_stays(app: App) -> None:
    app.apply(Select(3))
    post(pygame.KEYDOWN, key=pygame.K_ESCAPE, mod=0)
    app.frame(0.0)
    assert app.ui.selected is None and "quit" not in app.ui.modals
    post(pygame.KEYDOWN, key=pygame.K_ESCAPE, mod=0)
    post(pygame.KEYDOWN, key=pygame.K_a, mod=0)
    app.frame(0.0)
    assert app.running and "quit" not in app.ui.modals


def test_ctrl_q_quits(app: App) -> None:
    post(pygame.KEYDOWN, key=pygame.K_q, mod=pygame.KMOD_LCTRL)
    app.frame(0.0)
    assert not app.running


def test_closing_the_window_quits(app: App) -> None:
    post(pygame.QUIT)
    app.frame(0.0)
    assert not app.running


def test_the_wheel_zooms_around_the_cursor_and_home_recentres(app: App) -> None:
    at = (1000, 150)
    before = app.camera.to_world(*at)
    post(pygame.MOUSEMOTION, pos=at, rel=(0, 0), buttons=(0, 0, 0))
    post(pygame.MOUSEWHEEL, x=0, y=1, flipped=False)
    app.frame(0.0)
    assert app.camera.zoom == 3
    after = app.camera.to_world(*at)
    assert abs(after[0] - before[0]) <= 1 and abs(after[1] - before[1]) <= 1
    post(pygame.KEYDOWN, key=pygame.K_HOME, mod=0)
    app.frame(0.0)
    assert (app.camera.cx, app.camera.cy) == app.camera.home


def test_dragging_moves_the_view_with_the_mouse(app: App) -> None:
    start = app.camera.origin
    post(pygame.MOUSEBUTTONDOWN, pos=(600, 400), button=3)
    post(pygame.MOUSEMOTION, pos=(650, 380), rel=(50, -20), buttons=(0, 0, 1))
    post(pygame.MOUSEBUTTONUP, pos=(650, 380), button=3)
    post(pygame.MOUSEBUTTONDOWN, pos=(300, 300), button=1)
    post(pygame.MOUSEMOTION, pos=(330, 300), rel=(30, 0), buttons=(1, 0, 0))
    post(pygame.MOUSEBUTTONUP, pos=(330, 300), button=1)
    app.frame(0.0)
    assert app.camera.origin == (start[0] + 80, start[1] - 20)


def test_a_speech_bubble_appears_for_a_line_and_fades_after_three_seconds(app: App) -> None:
    records: list[Record] = []
    while not any(r.dialogue for r in records):
        records += app.advance(1 / 60)
    speaker = next(r for r in records if r.dialogue).who[0]
    assert speaker in app.speech.lines
    app.apply(SetSpeed(0))
    app.frame(1.0)
    assert speaker in app.speech.lines
    app.frame(2.5)
    assert speaker not in app.speech.lines


class Held:
    """What pygame.key.get_pressed() gives, for a chosen set of keys."""

    def __init__(self, *keys: int) -> None:
        self.keys = set(keys)

    def __getitem__(self, key: int) -> bool:
        return key in self.keys


def test_wasd_pans_like_the_arrows(app: App) -> None:
    assert PAN_KEYS[pygame.K_w] == PAN_KEYS[pygame.K_UP]
    assert PAN_KEYS[pygame.K_a] == PAN_KEYS[pygame.K_LEFT]
    assert PAN_KEYS[pygame.K_s] == PAN_KEYS[pygame.K_DOWN]
    assert PAN_KEYS[pygame.K_d] == PAN_KEYS[pygame.K_RIGHT]
    assert app.router.input.held_pan(Held(pygame.K_d), app.camera.viewport) == (1, 0)


def test_every_window_of_the_modal_stack_has_a_widget_and_takes_input_on_top(app: App) -> None:
    for name in WINDOWS:
        app.widgets.window(name)  # a name the stack can hold that no widget answers raises
    app.apply(Toggle("branches"))
    app.apply(Toggle("help"))
    post(pygame.KEYDOWN, key=pygame.K_ESCAPE, mod=0)  # help takes it: Esc only closes help
    app.frame(0.0)
    assert app.ui.modals == ("branches",) and app.running



def test_the_frame_loop_freezes_what_each_frame_leaves_and_collects_it_when_paused(
        app: App) -> None:
    gc.unfreeze()
    app.apply(SetSpeed(1))
    assert run_frames(app, 3, fixed_dt=1 / 60, pace=None, show=False) == 3
    assert gc.get_threshold()[0] == YOUNG_OBJECTS and gc.get_freeze_count() > 0
    gc.unfreeze()
