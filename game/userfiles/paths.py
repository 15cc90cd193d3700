"""Where Agent Town keeps a person's files: saves, settings, logs, screenshots.

Platform-appropriate folders (XDG on Linux, Application Support on macOS, AppData on Windows),
overridable with AGENT_TOWN_HOME (tests and portable installs put everything under one folder).
No pygame here.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import platformdirs

APP = "agent-town"


def _root(kind: str) -> Path:
    override = os.environ.get("AGENT_TOWN_HOME")
    if override:
        return Path(override) / kind
    finders: dict[str, Callable[..., Path]] = {
        "data": platformdirs.user_data_path,
        "config": platformdirs.user_config_path,
        "logs": platformdirs.user_log_path,
    }
    return Path(finders[kind](APP, appauthor=False))


def data_dir() -> Path:
    return _root("data")


def saves_dir() -> Path:
    return data_dir() / "saves"


def screenshots_dir() -> Path:
    return data_dir() / "screenshots"


def config_dir() -> Path:
    return _root("config")


def log_dir() -> Path:
    return _root("logs")


AUTOSAVES_KEPT = 5  # autosave-1.town (newest) … autosave-5.town (oldest)


def autosave_path(n: int = 1) -> Path:
    """The n-th newest autosave (1 is the newest)."""
    return saves_dir() / f"autosave-{n}.town"


def own_folders() -> list[Path]:
    """The folders only Agent Town writes in (where its stale temp files may be removed)."""
    return [config_dir(), data_dir(), saves_dir(), screenshots_dir()]
