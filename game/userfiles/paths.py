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


def autosave_path() -> Path:
    return saves_dir() / "autosave.town"
