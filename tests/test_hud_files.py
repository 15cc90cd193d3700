"""Files from the window: Ctrl+S saves into the saves folder, Ctrl+O opens one from a picker, a
broken file is reported and the town stays, autosave and settings persist across runs."""

from __future__ import annotations

from pathlib import Path

import pygame
import pytest

from game.trace import store
from game.trace.timeline import Timeline
from game.userfiles import paths, settings
from game.view import files
from game.view.app import App
from game.view.assets import Assets
from game.view.window import run_app
from tests.window import key


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("AGENT_TOWN_HOME", str(tmp_path))
    return tmp_path


@pytest.fixture
def app(assets: Assets) -> App:
    pygame.event.clear()
    timeline = Timeline("town", 7)
    timeline.advance(1200)
    timeline.seek(600)
    timeline.play("festival")
    timeline.advance(200)
    app = App(timeline, speed=0, reproducible=True, assets=assets)
    app.frame(0.0)
    return app



def test_ctrl_s_saves_and_ctrl_o_reopens_the_same_history(app: App) -> None:
    key(app, pygame.K_s, pygame.KMOD_LCTRL)
    (saved,) = paths.saves_dir().glob("*.town")
    assert f"saved {saved.name}" in app.widgets.toasts.texts_shown()
    cursor, branch, hash_before = app.timeline.cursor, app.timeline.current, app.view_state().hash
    key(app, pygame.K_o, pygame.KMOD_LCTRL)
    assert app.ui.top_modal == "picker" and app.widgets.picker.files == [saved]
    app.frame(0.0)
    row, path = app.widgets.picker.rows[0]
    pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=row.center, button=1))
    app.frame(0.0)
    assert "picker" not in app.ui.modals and path == saved
    assert app.timeline.cursor == cursor and app.timeline.current == branch == "b1"
    assert set(app.timeline.branches) == {"main", "b1"}
    assert app.view_state().hash == hash_before


def test_a_broken_file_says_why_and_the_town_stays(app: App) -> None:
    bad = paths.saves_dir() / "broken.town"
    bad.parent.mkdir(parents=True, exist_ok=True)
    bad.write_text('{"format": "agent-town", "version": 1, "seed": "x"', encoding="utf-8")
    before = app.timeline
    key(app, pygame.K_o, pygame.KMOD_LCTRL)
    key(app, pygame.K_RETURN)
    assert app.timeline is before
    shown = " ".join(app.widgets.toasts.texts_shown())
    assert "cannot open" in shown and "broken.town" in shown
    key(app, pygame.K_o, pygame.KMOD_LCTRL)
    key(app, pygame.K_ESCAPE)
    assert "picker" not in app.ui.modals and app.running


def test_autosave_writes_a_file_that_verifies(app: App) -> None:
    files.autosave(app.timeline)
    timeline, record, _ = store.load(paths.autosave_path())
    assert record.current == "b1" and timeline.cursor == app.timeline.cursor


def test_autosave_runs_every_few_minutes(assets: Assets) -> None:
    app = App(Timeline("town", 7), speed=1, reproducible=True, assets=assets,
              autosave_seconds=1.0)
    for _ in range(5):
        app.frame(0.25)
    assert paths.autosave_path().is_file()


def test_ctrl_o_lists_only_readable_towns_and_counts_the_rest(app: App) -> None:
    saves = paths.saves_dir()
    saves.mkdir(parents=True, exist_ok=True)
    files.save(app.timeline)
    (saved,) = saves.glob("*.town")
    (saves / "dangling.town").symlink_to(saves / "gone.town")
    (saves / "folder.town").mkdir()
    key(app, pygame.K_o, pygame.KMOD_LCTRL)
    app.frame(0.0)  # drawn with the line that says what was left out
    assert app.ui.top_modal == "picker"
    assert app.widgets.picker.files == [saved] and app.widgets.picker.unreadable == 2
    key(app, pygame.K_RETURN)
    assert "picker" not in app.ui.modals and app.running


def test_run_app_remembers_settings_and_autosaves_on_quit(assets: Assets) -> None:
    # (`assets` starts the video system, whose queue takes the QUIT posted before the window)
    settings.save(settings.Settings(window_size=(960, 600), speed_index=3, hud_visible=True,
                                    seen_hint=True))
    pygame.event.post(pygame.event.Event(pygame.QUIT))
    assert run_app("town", 7) == 0
    assert paths.autosave_path().is_file()
    kept = settings.load().settings
    assert kept.window_size == (960, 600) and kept.speed_index == 3 and kept.seen_hint


def test_run_app_opens_a_file_and_reports_a_broken_one(tmp_path: Path) -> None:
    timeline = Timeline("town", 7)
    timeline.advance(300)
    store.save(timeline, tmp_path / "ok.town")
    shot = tmp_path / "shot.png"
    assert run_app(frames=1, load=str(tmp_path / "ok.town"), screenshot=str(shot)) == 0
    (tmp_path / "bad.town").write_text("nonsense", encoding="utf-8")
    assert run_app(frames=1, load=str(tmp_path / "bad.town")) == 0

