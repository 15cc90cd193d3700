"""A remembered window size out of bounds opens the window at the nearest size within the
limits (game/limits.py), keeping the other settings; a crash note or settings file nested too
deeply, or holding a 5,001-digit number, is one line naming the file."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pygame
import pytest

from game import limits
from game.userfiles import paths, settings
from game.view import crash
from game.view.window import run_app


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("AGENT_TOWN_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def remember(raw: object) -> None:
    path = settings.settings_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(raw))


@pytest.mark.parametrize(("size", "opened"), [
    ([-5, -5], limits.MIN_WINDOW),
    ([0, 0], limits.MIN_WINDOW),
    ([16384, 16384], limits.MAX_WINDOW),
    ([100, 5000], (limits.MIN_WINDOW[0], limits.MAX_WINDOW[1])),
    ([1600, 900], (1600, 900)),
])
def test_a_remembered_window_size_is_brought_within_the_limits_keeping_the_rest(
        size: list[int], opened: tuple[int, int], caplog: pytest.LogCaptureFixture) -> None:
    remember({"window_size": size, "speed_index": 3, "hud_visible": False})
    with caplog.at_level(logging.WARNING):
        loaded, problem = settings.load()
    assert loaded == settings.Settings(window_size=opened, speed_index=3, hud_visible=False)
    assert problem is None and settings.settings_path().exists()  # kept, not set aside
    assert (opened != tuple(size)) == ("out of bounds" in caplog.text)


def test_the_window_limits_hold_the_default_size() -> None:
    assert limits.fit_window(settings.Settings().window_size) == settings.Settings().window_size


def test_a_person_s_window_starts_with_a_negative_remembered_size() -> None:
    remember({"window_size": [-5, -5]})
    pygame.display.init()
    pygame.event.post(pygame.event.Event(pygame.QUIT))
    assert run_app("town", 7) == 0  # before: "Cannot set negative sized display mode"
    # The size the window had is what it remembers on quit.
    assert json.loads(settings.settings_path().read_text())["window_size"] == list(
        limits.MIN_WINDOW)


NESTED = "[" * 100_000 + "]" * 100_000
DIGITS = '{"history": "a.town", "error": ' + "1" * 5001 + "}"


@pytest.mark.parametrize("text", [NESTED, DIGITS, '{"history": "a.town", "tried": ' + NESTED
                                  + "}"], ids=["nested", "digits", "nested-inside"])
def test_a_broken_crash_note_is_one_log_line_naming_the_file(
        text: str, caplog: pytest.LogCaptureFixture) -> None:
    crash.note_path().parent.mkdir(parents=True)
    crash.note_path().write_text(text)
    with caplog.at_level(logging.WARNING):
        assert crash.pending() is None
    [record] = caplog.records
    line = record.getMessage()
    assert str(paths.data_dir() / "last-crash.json") in line and "\n" not in line
    assert len(line) < 400


@pytest.mark.parametrize("text", ['{"window_size": ' + NESTED + "}",
                                  '{"window_size": [1, ' + "1" * 5001 + "]}"],
                         ids=["nested", "digits"])
def test_a_broken_settings_file_is_one_line_naming_the_file(text: str) -> None:
    path = settings.settings_path()
    path.parent.mkdir(parents=True)
    path.write_text(text)
    loaded, problem = settings.load()
    assert loaded == settings.Settings()
    assert problem is not None and problem.startswith("settings.json was unreadable: kept as ")
    assert "\n" not in problem
