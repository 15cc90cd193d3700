"""The town is drawn only where the HUD lets it show: in every layout the window is the same,
pixel for pixel, as when it is drawn everywhere (the HUD's opaque panels cover the rest)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pygame
import pytest

from game.trace.timeline import Timeline
from game.userfiles.settings import Settings
from game.view.app import App
from game.view.assets import Assets
from game.view.daylight import Light, light_at
from game.view.intents import ChangeDetail, Select, Toggle
from game.view.sprites import SpriteBank
from game.view.widgets import Widgets
from game.view.world import World
from tests.window import make_app

MAGENTA = (255, 0, 255)  # what no frame draws: a pixel left unpainted shows as this


def town(assets: Assets, size: tuple[int, int], scale: int = 100, ticks: int = 2000) -> App:
    pygame.display.set_mode(size)
    timeline = Timeline("town", 7)
    timeline.advance(ticks)
    return make_app(assets, timeline, Settings(ui_scale=scale))


def drawn(app: App) -> np.ndarray:
    app.screen.fill(MAGENTA)
    app.draw()
    return pygame.surfarray.array3d(app.screen)


def selected_in_full(app: App) -> None:
    app.apply(Select(app.flux.index["ada"]))
    app.apply(ChangeDetail(5))  # the card as tall as it goes: the column's other panels give way


LAYOUTS: dict[str, tuple[tuple[int, int], int, int, Callable[[App], None] | None]] = {
    "default": ((1280, 720), 100, 2000, None),
    "night": ((1280, 720), 100, 1300, None),
    "a citizen in full": ((1280, 720), 100, 2000, selected_in_full),
    "a citizen at a small window": ((800, 600), 100, 2000, selected_in_full),
    "no inspector": ((1280, 720), 100, 2000, lambda app: app.apply(Toggle("inspector"))),
    "help open": ((1280, 720), 100, 2000, lambda app: app.apply(Toggle("help"))),
    "no HUD": ((1280, 720), 100, 2000, lambda app: app.apply(Toggle("hud"))),
    "the hand under the column": ((640, 400), 100, 2000, None),
    "at 150 %": ((1600, 900), 150, 2000, selected_in_full),
}


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_the_town_drawn_where_it_shows_is_the_window_drawn_everywhere(
        assets: Assets, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, layout: str) -> None:
    monkeypatch.setenv("AGENT_TOWN_HOME", str(tmp_path))
    size, scale, ticks, act = LAYOUTS[layout]
    app = town(assets, size, scale, ticks)
    if act is not None:
        act(app)
    app.frame(0.0)
    shown = drawn(app)
    window = app.screen.get_rect()
    town_shows = app.widgets.town_shows(app.view_state(), app.ui)
    if layout in ("default", "night", "a citizen in full"):
        assert town_shows.w < window.w and town_shows.h < window.h  # the HUD's left out
    monkeypatch.setattr(Widgets, "town_shows", lambda self, view, ui: None)
    everywhere = drawn(app)
    assert not (everywhere == MAGENTA).all(axis=2).any()
    assert (shown == everywhere).all()



def test_a_new_tint_keeps_where_the_statics_stand_and_draws_as_a_fresh_world(
        assets: Assets, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Dusk at 16× brings a new tint every third frame: the props and buildings keep their
    places, sort and who they hide, and only their surfaces change; the town drawn is the town
    a world made afresh at that light draws."""
    monkeypatch.setenv("AGENT_TOWN_HOME", str(tmp_path))
    app = town(assets, (1280, 720), ticks=1000)
    world = app.world
    scene = world._scene(app.camera)
    light = light_at(app.at)
    r, g, b = light.tint
    tinted = Light((max(0, r - 9), max(0, g - 9), max(0, b - 9)), light.lit)
    world.bank.configure(app.camera.zoom, tinted)
    again = world._scene(app.camera)
    assert again.shown is scene.shown and again.blits is not scene.blits
    assert [s for s, _ in again.blits] != [s for s, _ in scene.blits]
    layout = world.lay_out(app.at, app.now, app.camera)
    app.screen.fill(MAGENTA)
    world.draw(app.screen, app.camera, tinted, app.now, None, None)
    kept = pygame.surfarray.array3d(app.screen)
    fresh = World(app.flux, app.assets, SpriteBank(app.assets))
    fresh.lay_out(app.at, app.now, app.camera)
    app.screen.fill(MAGENTA)
    fresh.draw(app.screen, app.camera, tinted, app.now, None, None)
    assert layout is not None and (pygame.surfarray.array3d(app.screen) == kept).all()
