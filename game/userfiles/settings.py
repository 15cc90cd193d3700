"""Settings a person expects the app to remember: window size, speed, HUD visibility, volumes,
UI scale, fullscreen, the coalitions' palette and the keys they rebound.

A window size out of bounds is brought within them (game/limits.py), the rest kept. Any other
value that is not one of its choices (a volume of 7, a scale of 90 %) is refused on its own:
that setting takes its default, the others are kept, and the caller gets one line saying so.

Stored as JSON in the user's config folder and written atomically. A settings file that cannot
be read is never a crash and never silently overwritten: it is renamed aside
(`settings.json.broken-<time>`), the defaults are used, the log has the detail and the caller
gets one line to tell the person. No pygame here.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Literal, NamedTuple

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from game import config, limits
from game.userfiles import paths
from game.userfiles.storage import atomic_write_text, set_aside

log = logging.getLogger(__name__)

# The UI scales offered, in percent of the HUD's own size: each draws a pixel of the bitmap
# font as a whole number of screen pixels (2, 3, 4, 5, 6). AUTO picks one from the window.
UI_SCALES: tuple[int, ...] = (100, 150, 200, 250, 300)
AUTO = 0
PALETTES = ("standard", "colour-blind")  # the coalitions' colours (game.view.palette)
MAX_KEYS = 200  # rebound keys kept: more than the key table has actions


class Settings(BaseModel):
    model_config = ConfigDict(extra="ignore")

    window_size: tuple[int, int] = Field(default=config.WINDOW_SIZE)
    speed_index: int = Field(default=1, ge=0, lt=len(config.SPEEDS))
    hud_visible: bool = True
    seen_hint: bool = False
    music_volume: float = Field(default=0.4, ge=0.0, le=1.0)
    sound_volume: float = Field(default=0.7, ge=0.0, le=1.0)
    muted: bool = False
    ui_scale: int = AUTO  # percent, one of UI_SCALES, or AUTO
    fullscreen: bool = False
    palette: Literal["standard", "colour-blind"] = "standard"
    keys: dict[str, str] = Field(default_factory=dict, max_length=MAX_KEYS)  # action → key

    @field_validator("ui_scale")
    @classmethod
    def _offered(cls, scale: int) -> int:
        if scale != AUTO and scale not in UI_SCALES:
            raise ValueError(f"a UI scale is auto (0) or one of {', '.join(map(str, UI_SCALES))}")
        return scale

    @field_validator("keys")
    @classmethod
    def _short(cls, keys: dict[str, str]) -> dict[str, str]:
        if any(len(text) > limits.MAX_NAME for pair in keys.items() for text in pair):
            raise ValueError("a key binding's name is too long")
        return keys

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
        data = json.loads(raw.decode("utf-8"))
        return Loaded(Settings.model_validate(data), None)
    except ValidationError as err:
        if isinstance(data, dict) and (kept := _without_refused(data, err, where)) is not None:
            return kept
        detail = str(err).splitlines()[0]
    except (ValueError, RecursionError) as err:  # text, JSON, a 5,000-digit number
        detail = str(err).splitlines()[0] if str(err) else type(err).__name__
    log.warning("ignoring broken settings file %s: %s", where, detail)
    return Loaded(Settings(), _kept_aside(where))


def _without_refused(data: dict[str, object], err: ValidationError, where: Path
                     ) -> Loaded | None:
    """The settings with each refused value at its default and the rest kept (None when even
    that fails); the file is kept aside, as the person wrote it, and one line says which."""
    refused = sorted({str(problem["loc"][0]) for problem in err.errors() if problem["loc"]})
    try:
        settings = Settings.model_validate({k: v for k, v in data.items() if k not in refused})
    except (ValidationError, RecursionError):
        return None
    first = err.errors()[0]
    log.warning("settings file %s: refused %s (%s): using the defaults", where,
                ", ".join(refused), first["msg"])
    named = limits.one_line(", ".join(refused), limits.MAX_NAME)
    aside = _set_aside(where)
    kept = f"; the file kept as {aside}" if aside is not None else ""
    return Loaded(settings, f"{where.name}: {named} refused ({limits.one_line(first['msg'])}):"
                            f" using the default{kept}")


def _kept_aside(where: Path) -> str:
    aside = _set_aside(where)
    if aside is None:
        return f"{where.name} was unreadable: using defaults"
    return f"{where.name} was unreadable: kept as {aside}, using defaults"


def _set_aside(where: Path) -> str | None:
    """Rename the file aside (the person's words are never overwritten): its new name."""
    try:
        aside = set_aside(where)
    except OSError as err:
        log.warning("could not rename the broken settings file %s aside: %s", where, err)
        return None
    log.warning("kept the broken settings file as %s", aside)
    return aside.name


def save(settings: Settings, path: Path | None = None) -> None:
    where = path or settings_path()
    try:
        atomic_write_text(where, settings.model_dump_json(indent=1) + "\n")
    except OSError as err:
        log.warning("could not save settings to %s: %s", where, err)
