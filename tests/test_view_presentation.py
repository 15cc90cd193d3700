"""Presentation mode, story markers on the timeline, and F12 screenshots."""

from __future__ import annotations

import math
from pathlib import Path

import pygame
import pytest

from game.sim.cards import Perturbation
from game.trace.story import caption
from game.trace.timeline import Timeline
from game.view.app import App
from game.view.assets import Assets
from game.view.intents import ArmCard, Choose
from game.view.viewstate import ViewState
from tests.window import make_app, post

DT = 1 / 60


@pytest.fixture
def app(assets: Assets, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> App:
    monkeypatch.setenv("AGENT_TOWN_HOME", str(tmp_path))
    return make_app(assets, ticks=560, speed=1)



def press(app: App, key: int) -> None:
    post(pygame.KEYDOWN, key=key, mod=0, unicode="")
    app.frame(DT)


def drawn_by(app: App, monkeypatch: pytest.MonkeyPatch) -> dict[str, list[ViewState]]:
    """Record which widgets draw, and what they are given."""
    calls: dict[str, list[ViewState]] = {}
    for name in ("top_bar", "hand", "timebar", "feed", "caption_line"):
        widget = getattr(app.widgets, name)

        def record(surface: pygame.Surface, view: ViewState, name: str = name) -> None:
            calls.setdefault(name, []).append(view)

        monkeypatch.setattr(widget, "draw", record)
    return calls


def test_p_trades_the_hud_for_a_caption_naming_what_just_happened(
        app: App, monkeypatch: pytest.MonkeyPatch) -> None:
    press(app, pygame.K_p)
    # H's setting is kept for when P is pressed again
    assert app.ui.presenting and app.ui.shown("hud")
    app.apply(ArmCard("rumor"))
    app.apply(Choose(app.flux.index["igor"]))
    app.apply(Choose(app.flux.index["hugo"]))
    calls = drawn_by(app, monkeypatch)
    for _ in range(30):
        app.frame(DT)
    assert set(calls) == {"caption_line"}
    focus = app.steering.director.focus
    assert focus is not None and focus.perturbation  # the card's own events come first
    assert calls["caption_line"][-1].caption == caption(focus, app.names)
    assert calls["caption_line"][-1].caption == "Hugo told Tomas about Igor · a rumor spreads"
    assert app.widgets.taking_mouse(app.ui) == []  # the mouse goes to the map
    press(app, pygame.K_p)
    calls.clear()
    app.frame(DT)
    assert {"top_bar", "hand", "timebar"} <= set(calls) and "caption_line" not in calls


def test_the_camera_glides_toward_the_drama_and_keeps_its_zoom(app: App) -> None:
    app.apply(ArmCard("rumor"))
    app.apply(Choose(app.flux.index["igor"]))
    app.apply(Choose(app.flux.index["hugo"]))
    home, zoom = (app.camera.cx, app.camera.cy), app.camera.zoom
    app.frame(DT)
    assert (app.camera.cx, app.camera.cy) == home  # not presenting: the camera stays put
    press(app, pygame.K_p)
    hugo = [app.flux.index["hugo"]]

    def distance() -> float:
        x, y = app.world.centre_of(hugo, app.at)
        return math.dist((app.camera.cx, app.camera.cy), (x, y))

    start = distance()
    steps = []
    for _ in range(60):
        before = (app.camera.cx, app.camera.cy)
        app.frame(DT)
        steps.append(math.dist(before, (app.camera.cx, app.camera.cy)))
    assert start > 100 and distance() < 0.3 * start
    assert max(steps) < 0.1 * start  # a glide, not a jump
    assert app.camera.zoom == zoom


def test_the_cursor_hides_when_the_mouse_rests_while_presenting(app: App) -> None:
    press(app, pygame.K_p)
    post(pygame.MOUSEMOTION, pos=(400, 300), rel=(1, 1), buttons=(0, 0, 0))
    app.frame(DT)
    assert pygame.mouse.get_visible()
    for _ in range(130):
        app.frame(DT)
    assert not pygame.mouse.get_visible()
    post(pygame.MOUSEMOTION, pos=(410, 300), rel=(10, 0), buttons=(0, 0, 0))
    app.frame(DT)
    assert pygame.mouse.get_visible()
    press(app, pygame.K_p)
    for _ in range(130):
        app.frame(DT)
    assert pygame.mouse.get_visible()


def test_story_markers_sit_on_the_bar_and_a_click_jumps_to_one(assets: Assets) -> None:
    pygame.event.clear()
    timeline = Timeline("town", 7)
    timeline.add_perturbation(Perturbation(tick=561, card="rumor", targets=("igor", "hugo")))
    timeline.advance(1700)
    app = App(timeline, speed=0, reproducible=True, assets=assets)
    app.frame(0.0)
    bar = app.widgets.timebar
    kinds = {marker.kind for crowd in bar._crowds.values() for marker in crowd}
    assert {"coalition_formed", "rumor", "dispute"} <= kinds | {m.kind for _, m in bar._stories}
    while all(m.kind != "rumor" for _, m in bar._stories):  # counted in a crowd: zoom in on it
        crowd = next(r for r, m in bar._stories
                     if "rumor" in {c.kind for c in bar._crowds.get(m, ())})
        post(pygame.MOUSEBUTTONDOWN, pos=crowd.center, button=1)
        post(pygame.MOUSEBUTTONUP, pos=crowd.center, button=1)
        app.frame(0.0)
    rect, marker = next((r, m) for r, m in bar._stories if m.kind == "rumor")
    assert marker.text == "the rumor about Igor reached 4 citizens"
    assert not rect.colliderect(bar.track_rect)  # above the track: flags and marks stay clear
    post(pygame.MOUSEMOTION, pos=rect.center, rel=(0, 0), buttons=(0, 0, 0))
    app.frame(0.0)
    assert bar.hover_story == marker
    post(pygame.MOUSEBUTTONDOWN, pos=rect.center, button=1)
    post(pygame.MOUSEBUTTONUP, pos=rect.center, button=1)
    app.frame(0.0)
    assert timeline.cursor == marker.tick == 836


def test_f12_saves_the_frame_as_a_png_and_says_where(app: App, tmp_path: Path) -> None:
    press(app, pygame.K_F12)
    shots = list((tmp_path / "data" / "screenshots").glob("*.png"))
    assert len(shots) == 1 and shots[0].name.startswith("town-seed7-")
    assert pygame.image.load(str(shots[0])).get_size() == (1280, 720)
    assert app.widgets.toasts.texts_shown()[-1] == f"screenshot saved: {shots[0].name}"
    press(app, pygame.K_F12)
    assert len(list((tmp_path / "data" / "screenshots").glob("*.png"))) == 2
