"""Opening a history from the window (Ctrl+O) in slices between frames: a progress bar, the town
shown once the saved cursor is reached and checked, the rest checked in the background."""

from __future__ import annotations

import json
from pathlib import Path

import pygame
import pytest

from game import config
from game.trace import store
from game.trace.timeline import Timeline
from game.view import app as app_module
from game.view import effects as fx
from game.view.app import App
from game.view.assets import Assets
from game.view.palette import GOOD, TEXT
from game.view.window import _first_town


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("AGENT_TOWN_HOME", str(tmp_path))
    return tmp_path


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three days of a town with a branch, its cursor in the middle of the second day."""
    timeline = Timeline("town", 3)
    timeline.advance(2 * config.DAY_TICKS)
    timeline.seek(config.DAY_TICKS)
    timeline.play("festival")
    timeline.advance(config.DAY_TICKS)
    timeline.switch("main")
    timeline.seek(config.DAY_TICKS + 700)
    path = tmp_path_factory.mktemp("opening") / "days.town"
    store.save(timeline, path)
    return path


@pytest.fixture
def app(assets: Assets, monkeypatch: pytest.MonkeyPatch) -> App:
    pygame.event.clear()
    monkeypatch.setattr(app_module, "FRAME_SECONDS", 0.0)  # one slice a frame
    app = App(Timeline("town", 9), speed=0, assets=assets)
    app.frame(0.0)
    return app


def open_file(app: App, path: Path) -> None:
    app.perform(fx.OpenFile(str(path)))


def bar_filled(app: App) -> bool:
    loading = app.loading
    assert loading is not None
    rect = loading.bar.rect
    return bool(app.screen.get_at((rect.left + 4, rect.centery))[:3] == GOOD[:3])


def test_the_town_shows_at_its_cursor_then_the_rest_is_checked(app: App, history: Path) -> None:
    before = app.timeline
    open_file(app, history)
    progress = []
    while app.timeline is before:
        app.frame(0.0)
        assert app.loading is not None
        progress.append(app.loading.work.done if app.loading.work else -1)
    assert len(progress) > 3 and progress == sorted(progress)
    assert app.timeline.cursor == config.DAY_TICKS + 700 and app.timeline.current == "main"
    assert any("opened days.town" in t for t in app.widgets.toasts.texts_shown())
    app.frame(0.0)
    assert app.loading is not None and bar_filled(app)  # still checking: the bar stays
    frames = 0
    while app.loading is not None:
        app.frame(0.0)
        frames += 1
    assert frames > 3
    assert "days.town: every branch checked" in app.widgets.toasts.texts_shown()
    fresh, _, _ = store.load(history)
    assert app.timeline.hash_at(app.timeline.cursor) == fresh.hash_at(fresh.cursor)


def test_the_town_plays_while_the_rest_is_checked(app: App, history: Path) -> None:
    open_file(app, history)
    while app.loading is not None and not app.loading.shown:
        app.frame(0.0)
    shown = app.timeline
    shown.advance(50)
    while app.loading is not None:
        app.frame(0.0)
    assert app.timeline is shown and shown.cursor == config.DAY_TICKS + 750


def test_a_wrong_hash_past_the_cursor_is_said_once_found(app: App, history: Path) -> None:
    raw = json.loads(history.read_text())
    raw["branches"][0]["hashes"][str(2 * config.DAY_TICKS)] = "0" * 16
    wrong = history.with_name("wrong.town")
    wrong.write_text(json.dumps(raw))
    open_file(app, wrong)
    while app.loading is not None:
        app.frame(0.0)
    assert app.timeline.cursor == config.DAY_TICKS + 700
    said = " ".join(app.widgets.toasts.texts_shown())
    assert f"tick {2 * config.DAY_TICKS}" in said and "every branch checked" not in said


def test_a_wrong_hash_before_the_cursor_keeps_the_town(app: App, history: Path) -> None:
    raw = json.loads(history.read_text())
    raw["branches"][0]["hashes"][str(config.DAY_TICKS)] = "0" * 16
    wrong = history.with_name("early.town")
    wrong.write_text(json.dumps(raw))
    before = app.timeline
    open_file(app, wrong)
    while app.loading is not None:
        app.frame(0.0)
    assert app.timeline is before
    assert f"tick {config.DAY_TICKS}" in " ".join(app.widgets.toasts.texts_shown())


def test_counted_frames_show_the_town_in_the_frame_it_is_opened(assets: Assets, history: Path
                                                                 ) -> None:
    app = App(Timeline("town", 9), speed=0, reproducible=True, assets=assets)
    open_file(app, history)
    app.frame(0.0)
    assert app.timeline.cursor == config.DAY_TICKS + 700 and app.loading is not None


# --- the town a window starts on (--load, --continue, --start-tick) ------------------------

def bar_outlined(app: App) -> bool:
    """The progress bar's frame drawn in the middle of the window (nothing shown yet)."""
    loading = app.loading
    assert loading is not None
    rect = loading.bar.rect
    return (rect.top == app.screen.get_rect().centery
            and app.screen.get_at((rect.left, rect.centery))[:3] == TEXT[:3])


def start_window(assets: Assets, scenario: str, seed: int, start_tick: int,
                 load: Path | None, monkeypatch: pytest.MonkeyPatch) -> App:
    """A person's window as `run_app` starts it (1×), its first frame not yet drawn; the
    opening takes one slice a frame, so its frames count alike on a quick machine (the
    simulation compiled) and a slow one."""
    monkeypatch.setattr(app_module, "FRAME_SECONDS", 0.0)
    pygame.event.clear()
    timeline, first = _first_town(scenario, seed, start_tick,
                                  None if load is None else str(load), assets, None)
    app = App(timeline, speed=1, assets=assets)
    app.loading = first
    assert first is not None and not first.shown  # nothing simulated before the window
    return app


def frames_before_the_town(app: App) -> int:
    """Frames of 1/60 s until the town asked for is shown; on each, the bar in the middle and
    the town standing in still and not autosaved."""
    stand_in, frames = app.timeline, 0
    while app.timeline is stand_in and frames < 1000:
        app.frame(1 / 60)
        frames += 1
        assert app.timeline is not stand_in or (
            bar_outlined(app) and stand_in.cursor == 0 and not app.keeps_autosaves)
    return frames


def test_a_window_started_on_a_long_history_shows_the_bar_then_the_town(
        assets: Assets, history: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`agent-town --load days.town`: the window is there from its first frame, with the
    progress bar over the town standing in, until the saved cursor's town is reached; then
    that town, its state the history's own, plays while the rest is checked."""
    app = start_window(assets, "town", 7, 0, history, monkeypatch)
    assert (app.timeline.scenario, app.timeline.seed) == ("town", 3)  # the file's, at its start
    assert frames_before_the_town(app) > 3
    expected = Timeline("town", 3)
    expected.advance(config.DAY_TICKS + 700)  # main: the festival is on the branch
    assert app.timeline.cursor == config.DAY_TICKS + 700 and app.timeline.current == "main"
    assert app.timeline.flux.state_hash() == expected.flux.state_hash()
    assert app.keeps_autosaves
    while app.loading is not None:
        app.frame(1 / 60)
    assert "days.town: every branch checked" in app.widgets.toasts.texts_shown()
    assert app.timeline.cursor > config.DAY_TICKS + 700  # it played meanwhile


def test_a_window_started_at_a_tick_shows_the_bar_then_the_town_there(
        assets: Assets, monkeypatch: pytest.MonkeyPatch) -> None:
    """`agent-town --start-tick 3000`: the same bar while the town runs there, nothing said
    about checking (no hashes were kept to check)."""
    app = start_window(assets, "town", 7, 3000, None, monkeypatch)
    assert frames_before_the_town(app) > 3
    expected = Timeline("town", 7)
    expected.advance(3000)
    assert app.timeline.cursor == 3000
    assert app.timeline.flux.state_hash() == expected.flux.state_hash()
    for _ in range(100):
        if app.loading is None:
            break
        app.frame(1 / 60)
    assert app.loading is None
    assert not any("checked" in t for t in app.widgets.toasts.texts_shown())


def test_a_window_whose_history_fails_keeps_the_town_standing_in_and_plays_it(
        assets: Assets, history: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    raw = json.loads(history.read_text())
    raw["branches"][0]["hashes"][str(config.DAY_TICKS)] = "0" * 16
    wrong = history.with_name("early-start.town")
    wrong.write_text(json.dumps(raw))
    app = start_window(assets, "town", 7, 0, wrong, monkeypatch)
    stand_in = app.timeline
    while app.loading is not None:
        app.frame(1 / 60)
    assert app.timeline is stand_in and app.keeps_autosaves
    assert f"tick {config.DAY_TICKS}" in " ".join(app.widgets.toasts.texts_shown())
    for _ in range(10):
        app.frame(1 / 60)
    assert stand_in.cursor > 0
