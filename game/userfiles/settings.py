"""Settings a person expects the app to remember: window size, speed, HUD visibility.

Stored as JSON in the user's config folder and written atomically. A broken settings file is
ignored with a log line, never a crash. No pygame here.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from game import config
from game.userfiles import paths
from game.userfiles.storage import atomic_write_text

log = logging.getLogger(__name__)


class Settings(BaseModel):
    model_config = ConfigDict(extra="ignore")

    window_size: tuple[int, int] = Field(default=config.WINDOW_SIZE)
    speed_index: int = Field(default=1, ge=0, lt=len(config.SPEEDS))
    hud_visible: bool = True
    seen_hint: bool = False


def settings_path() -> Path:
    return paths.config_dir() / "settings.json"


def load(path: Path | None = None) -> Settings:
    where = path or settings_path()
    try:
        return Settings.model_validate(json.loads(where.read_text(encoding="utf-8")))
    except FileNotFoundError:
        return Settings()
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, ValidationError) as err:
        log.warning("ignoring broken settings file %s: %s", where, str(err).splitlines()[0])
        return Settings()


def save(settings: Settings, path: Path | None = None) -> None:
    where = path or settings_path()
    try:
        atomic_write_text(where, settings.model_dump_json(indent=1) + "\n")
    except OSError as err:
        log.warning("could not save settings to %s: %s", where, err)
