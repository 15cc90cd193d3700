"""Settings a person expects the app to remember: window size, speed, HUD visibility, the
music and sound volumes and whether sound is muted.

A window size out of bounds is brought within them (game/limits.py), the rest kept.

Stored as JSON in the user's config folder and written atomically. A settings file that cannot
be read is never a crash and never silently overwritten: it is renamed aside
(`settings.json.broken-<time>`), the defaults are used, the log has the detail and the caller
gets one line to tell the person. No pygame here.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import NamedTuple

from pydantic import BaseModel, ConfigDict, Field, field_validator

from game import config, limits
from game.userfiles import paths
from game.userfiles.storage import atomic_write_text, set_aside

log = logging.getLogger(__name__)


class Settings(BaseModel):
    model_config = ConfigDict(extra="ignore")

    window_size: tuple[int, int] = Field(default=config.WINDOW_SIZE)
    speed_index: int = Field(default=1, ge=0, lt=len(config.SPEEDS))
    hud_visible: bool = True
    seen_hint: bool = False
    music_volume: float = Field(default=0.4, ge=0.0, le=1.0)
    sound_volume: float = Field(default=0.7, ge=0.0, le=1.0)
    muted: bool = False

    @field_validator("window_size")
    @classmethod
    def _fits(cls, size: tuple[int, int]) -> tuple[int, int]:
        """A remembered size out of bounds (`[-5, -5]`, 16384 × 16384) opens the window at the
        nearest size within limits.MIN_WINDOW … MAX_WINDOW; the other settings are kept."""
        fitted = limits.fit_window(size)
        if fitted != size:
            log.warning("window size %s × %s is out of bounds: using %s × %s",
                        limits.number(size[0]), limits.number(size[1]), *fitted)
        return fitted


def settings_path() -> Path:
    return paths.config_dir() / "settings.json"


class Loaded(NamedTuple):
    settings: Settings
    problem: str | None  # what to tell the person once, when the file could not be used


def load(path: Path | None = None) -> Loaded:
    """The remembered settings, or the defaults (and why) when the file cannot be used."""
    where = path or settings_path()
    try:
        raw = where.read_bytes()
    except FileNotFoundError:
        return Loaded(Settings(), None)
    except OSError as err:
        log.warning("cannot read settings file %s: %s", where, err)
        return Loaded(Settings(), f"cannot read {where.name} ({err.strerror}): using defaults")
    try:
        return Loaded(Settings.model_validate(json.loads(raw.decode("utf-8"))), None)
    except (ValueError, RecursionError) as err:  # text, JSON, fields, a 5,000-digit number
        detail = str(err).splitlines()[0] if str(err) else type(err).__name__
        log.warning("ignoring broken settings file %s: %s", where, detail)
    return Loaded(Settings(), _kept_aside(where))


def _kept_aside(where: Path) -> str:
    try:
        aside = set_aside(where)
    except OSError as err:
        log.warning("could not rename the broken settings file %s aside: %s", where, err)
        return f"{where.name} was unreadable: using defaults"
    log.warning("kept the broken settings file as %s", aside)
    return f"{where.name} was unreadable: kept as {aside.name}, using defaults"


def save(settings: Settings, path: Path | None = None) -> None:
    where = path or settings_path()
    try:
        atomic_write_text(where, settings.model_dump_json(indent=1) + "\n")
    except OSError as err:
        log.warning("could not save settings to %s: %s", where, err)
