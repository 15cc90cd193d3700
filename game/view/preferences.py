"""The person's settings in the running window: the options of the settings screen as ONE table
(each option's choices and how it reads), a step through one, and what a change does to the
window — the UI scale, fullscreen, the coalitions' palette, the key map.

The app keeps one `Settings`; `change` and `rebind` move it and apply the result, and the
settings are saved (atomically, `game.userfiles.settings`) as soon as they change, unless the
window is a counted run, which never writes a person's files. Never imports a widget or the
timeline.
"""

from __future__ import annotations

import logging
import warnings
from collections.abc import Callable
from dataclasses import dataclass

import pygame

from game import limits
from game.userfiles import settings as user_settings
from game.userfiles.settings import AUTO, PALETTES, UI_SCALES, Settings
from game.view import effects as fx
from game.view import keys, palette

log = logging.getLogger(__name__)

Choice = int | float | bool | str


def _percent(value: Choice) -> str:
    return f"{round(float(value) * 100)} %"


@dataclass(frozen=True)
class Option:
    name: str  # the `Settings` field
    label: str  # as the settings screen names it
    choices: tuple[Choice, ...]
    reads: Callable[[Choice], str]  # a choice as the screen shows it


VOLUMES: tuple[Choice, ...] = tuple(k / 10 for k in range(11))
OPTIONS: tuple[Option, ...] = (
    Option("ui_scale", "UI scale", (AUTO, *UI_SCALES),
           lambda v: "auto" if v == AUTO else f"{v} %"),
    Option("fullscreen", "fullscreen", (False, True), lambda v: "on" if v else "off"),
    Option("music_volume", "music volume", VOLUMES, _percent),
    Option("sound_volume", "sound volume", VOLUMES, _percent),
    Option("muted", "sound", (False, True), lambda v: "muted" if v else "on"),
    Option("palette", "coalition colours", PALETTES, str),
)
BY_NAME = {option.name: option for option in OPTIONS}


def stepped(option: Option, value: Choice, step: int) -> Choice:
    """The choice `step` places on from `value` (the nearest choice, for a volume set by hand),
    wrapping round."""
    if value in option.choices:
        at = option.choices.index(value)
    else:
        at = min(range(len(option.choices)),
                 key=lambda k: abs(float(option.choices[k]) - float(value)))
    return option.choices[(at + step) % len(option.choices)]


class Preferences:
    """The window's settings: changed by the settings screen and its keys, applied at once."""

    def __init__(self, settings: Settings, keep: bool) -> None:
        self.settings = settings
        self.keep = keep  # save them as they change (a person's window, not a counted run)

    def start(self) -> list[str]:
        """Apply the remembered settings (palette, keys; the scale is the widgets'); what
        could not be applied, one line each."""
        palette.use(self.settings.palette)
        problems = keys.bind(self.settings.keys)
        self.settings.keys = keys.chosen()  # what was refused is at its default
        return problems

    def apply(self, effect: fx.ChangeSetting | fx.BindKey) -> str | None:
        """Carry out a change the reducer asked for; why it could not be, if it could not."""
        if isinstance(effect, fx.BindKey):
            return self.rebind(effect.action, effect.label)
        return self.change(effect.option, effect.step)

    def remember(self, effect: fx.RememberSpeed | fx.RememberHud) -> None:
        """Keep the speed or the HUD's state for the next start (saved on quit)."""
        if isinstance(effect, fx.RememberSpeed):
            self.settings.speed_index = effect.index
        else:
            self.settings.hud_visible = effect.shown

    def change(self, name: str, step: int) -> str | None:
        """Move one option `step` choices on and apply it; what went wrong, if anything."""
        option = BY_NAME.get(name)
        if option is None:
            return f"no setting {name!r}"
        value = stepped(option, getattr(self.settings, name), step)
        setattr(self.settings, name, value)
        problem = None
        if name == "fullscreen":
            problem = set_fullscreen(bool(value))
            if problem is not None:
                self.settings.fullscreen = False
        elif name == "palette":
            palette.use(str(value))
        self.save()
        return problem

    def rebind(self, action: str, label: str | None) -> str | None:
        """Bind `action` to `label` (None: every key back to its default); why not, if not."""
        if label is None:
            chosen: dict[str, str] | str = {}
        else:
            chosen = keys.rebound(self.settings.keys, action, label)
        if isinstance(chosen, str):
            return chosen
        keys.bind(chosen)
        self.settings.keys = keys.chosen()
        self.save()
        return None

    def resized(self, size: tuple[int, int]) -> None:
        """The window's size, remembered unless it is the fullscreen one (within the sizes a
        window may have: with no window manager to hold it, a window can be made smaller)."""
        if not self.settings.fullscreen:
            self.settings.window_size = limits.fit_window(size)

    def save(self) -> None:
        if self.keep:
            user_settings.save(self.settings)


def set_fullscreen(on: bool) -> str | None:
    """The window fullscreen (at the desktop's size) or windowed again; the window answers with
    a resize. Returns why not, when the display cannot."""
    try:
        with warnings.catch_warnings():  # pygame-ce 2.5 marks Window as experimental
            warnings.simplefilter("ignore")
            window = pygame.Window.from_display_module()
            if on:
                window.set_fullscreen(desktop=True)
            else:
                window.set_windowed()
    except pygame.error as err:
        log.warning("could not switch fullscreen %s: %s", "on" if on else "off", err)
        return f"fullscreen is not available here ({err})"
    return None
