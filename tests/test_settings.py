"""Settings persist in the user's config folder; a broken file is ignored, never a crash."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from game.userfiles import logs, paths, settings


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("AGENT_TOWN_HOME", str(tmp_path))
    return tmp_path


def test_settings_round_trip_in_the_config_folder(home: Path) -> None:
    chosen = settings.Settings(window_size=(1600, 900), speed_index=3, hud_visible=False)
    settings.save(chosen)
    assert settings.settings_path() == home / "config" / "settings.json"
    assert settings.load() == chosen


def test_missing_settings_give_defaults() -> None:
    assert settings.load() == settings.Settings()


@pytest.mark.parametrize("text", ["{not json", '{"speed_index": 99}', "\udcff", "[]"])
def test_a_broken_settings_file_is_ignored_with_a_log_line(
        text: str, caplog: pytest.LogCaptureFixture) -> None:
    path = settings.settings_path()
    path.parent.mkdir(parents=True)
    path.write_bytes(text.encode("utf-8", "surrogateescape"))
    with caplog.at_level(logging.WARNING):
        assert settings.load() == settings.Settings()
    assert "ignoring broken settings file" in caplog.text


def test_user_folders_follow_the_override(home: Path) -> None:
    assert paths.saves_dir() == home / "data" / "saves"
    assert paths.autosave_path().parent == paths.saves_dir()
    assert paths.log_dir() == home / "logs"


def test_logs_go_to_a_file_in_the_log_folder(home: Path) -> None:
    root = logging.getLogger()
    kept, level = list(root.handlers), root.level
    try:
        target = logs.setup()
        logging.getLogger("game.test").warning("hello from a test")
        for handler in root.handlers:
            handler.flush()
    finally:
        for handler in root.handlers:
            handler.close()
        root.handlers[:] = kept
        root.setLevel(level)
    assert target.parent == home / "logs"
    assert "hello from a test" in target.read_text()
