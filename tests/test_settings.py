"""Settings persist in the user's config folder; a broken file is never a crash and never
overwritten: it is renamed aside, the defaults are used, and the caller gets one line to say."""

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
    assert settings.load() == (chosen, None)


def test_missing_settings_give_defaults() -> None:
    assert settings.load() == (settings.Settings(), None)


BROKEN = ["{not json", "\udcff", "[]", "[" * 100_000 + "]" * 100_000,
          '{"speed_index": ' + "1" * 5001 + "}"]


@pytest.mark.parametrize("text", BROKEN, ids=["json", "bytes", "list", "deep", "digits"])
def test_a_broken_settings_file_is_kept_aside_and_defaults_are_used(
        text: str, caplog: pytest.LogCaptureFixture) -> None:
    path = settings.settings_path()
    path.parent.mkdir(parents=True)
    broken = text.encode("utf-8", "surrogateescape")
    path.write_bytes(broken)
    with caplog.at_level(logging.WARNING):
        loaded, problem = settings.load()
    assert loaded == settings.Settings()
    assert "ignoring broken settings file" in caplog.text
    [aside] = path.parent.glob("settings.json.broken-*")
    assert aside.read_bytes() == broken and not path.exists()
    assert problem == f"settings.json was unreadable: kept as {aside.name}, using defaults"
    # Saving afterwards writes a new file and leaves the broken one be; the next load is quiet.
    settings.save(loaded)
    assert settings.load() == (loaded, None) and aside.read_bytes() == broken


def test_two_broken_settings_files_in_a_row_are_both_kept() -> None:
    path = settings.settings_path()
    path.parent.mkdir(parents=True)
    for text in ("{one", "{two"):
        path.write_text(text)
        assert settings.load().problem is not None
    assert sorted(p.read_text() for p in path.parent.glob("settings.json.broken-*")) == [
        "{one", "{two"]


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
