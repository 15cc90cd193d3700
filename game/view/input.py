"""Input: raw pygame events → intents. Handlers only *return* intents; they never touch the
app, the world or the timeline.

`TownInput` is the normal mode on the map (keys from `game.view.keys`, clicks, drags, wheel);
each HUD widget and modal window has its own `handle`, and imports the intents it returns from
here (they are defined in `game.view.intents`). Never imports other view modules but those two.
"""

from __future__ import annotations

import math
from typing import Protocol

import pygame

from game.view.intents import (
    AltTap,
    ArmCard,
    AskWhy,
    Cancel,
    ChangeDetail,
    CycleSpeed,
    Dismiss,
    Hover,
    Intent,
    JumpLive,
    JumpTo,
    JumpToEvent,
    OpenSave,
    PanBy,
    Pick,
    Point,
    Pointer,
    Quit,
    Reopen,
    Resize,
    Scrub,
    Select,
    StepEvent,
    SwitchBranch,
    Tap,
    Toggle,
    TogglePause,
    ZoomAt,
)
from game.view.keys import PAN_KEYS, PRESSED, TYPED, Mod

__all__ = [  # the intents widgets return, re-exported for them
    "ArmCard", "AskWhy", "Cancel", "ChangeDetail", "CycleSpeed", "Dismiss", "Intent",
    "JumpLive", "JumpTo", "JumpToEvent", "OpenSave", "Quit", "Reopen", "Scrub", "Select",
    "StepEvent", "SwitchBranch", "Toggle", "TogglePause",
    "TownInput", "key_intent", "window_intent",
]

EDGE_PX = 6  # the mouse this close to a window edge pans the view
DRAG_START_PX = 4  # a left press moving further than this is a drag, not a click
WHEEL_BUTTONS = (4, 5)  # SDL also reports the wheel as these buttons; MOUSEWHEEL is used instead


class Pressed(Protocol):
    def __getitem__(self, key: int) -> bool: ...


def window_intent(event: pygame.event.Event) -> Intent | None:
    """Events every mode obeys: closing and resizing the window."""
    if event.type == pygame.QUIT:
        return Quit()
    if event.type == pygame.WINDOWSIZECHANGED:
        return Resize((int(event.x), int(event.y)))
    return None


def key_intent(event: pygame.event.Event) -> Intent | None:
    """A key press through the key table as bound: with Ctrl (or Alt) held only Ctrl (Alt)
    bindings answer."""
    mod = getattr(event, "mod", 0)
    if mod & pygame.KMOD_CTRL:
        return PRESSED.get((Mod.CTRL, event.key))
    if mod & pygame.KMOD_ALT:
        return PRESSED.get((Mod.ALT, event.key))
    if mod & pygame.KMOD_SHIFT and (Mod.SHIFT, event.key) in PRESSED:
        return PRESSED[(Mod.SHIFT, event.key)]
    typed = TYPED.get(getattr(event, "unicode", ""))
    return typed if typed is not None else PRESSED.get((Mod.NONE, event.key))


class TownInput:
    """The normal mode: keys from the table, left-click picks, drags and the wheel move the view.

    It remembers only the mouse (where it is, which button drags) — never the town.
    """

    def __init__(self) -> None:
        self.mouse: Point | None = None  # last known position inside the window
        self._press: Point | None = None
        self._dragging = False
        self._panning = False  # right or middle button held
        self._alt_press: Point | None = None  # a right press not yet dragged
        # Pan keys pressed with Ctrl (the S of Ctrl+S): they do not pan until pressed again,
        # even when Ctrl is let go first, as fingers and xdotool often do.
        self._shortcut_keys: set[int] = set()

    def handle(self, event: pygame.event.Event) -> Intent | Pointer | None:
        if event.type == pygame.KEYDOWN:
            if event.key in PAN_KEYS and getattr(event, "mod", 0) & pygame.KMOD_CTRL:
                self._shortcut_keys.add(event.key)
            else:
                self._shortcut_keys.discard(event.key)
            return key_intent(event)
        if event.type == pygame.KEYUP:
            self._shortcut_keys.discard(event.key)
            return None
        if event.type == pygame.MOUSEBUTTONDOWN:
            return self._down(event.button, _pos(event))
        if event.type == pygame.MOUSEBUTTONUP:
            return self._up(event.button, _pos(event))
        if event.type == pygame.MOUSEMOTION:
            return self._motion(_pos(event))
        if event.type == pygame.MOUSEWHEEL and event.y:
            at = self.mouse if self.mouse is not None else pygame.mouse.get_pos()
            return ZoomAt(1 if event.y > 0 else -1, at)
        if event.type == pygame.WINDOWLEAVE:
            self.mouse = None
        return None

    def held_pan(self, pressed: Pressed, viewport: Point, mods: int = 0) -> tuple[float, float]:
        """Direction (unit-ish, screen axes) the view should move this frame. With Ctrl held
        the pan keys are shortcuts (Ctrl+S saves), so only the window's edges pan."""
        keys = [d for key, d in PAN_KEYS.items()
                if pressed[key] and key not in self._shortcut_keys]
        if mods & pygame.KMOD_CTRL:
            keys = []
        dx = sum(d[0] for d in keys)
        dy = sum(d[1] for d in keys)
        if self.mouse is not None and not (self._press or self._panning):
            x, y = self.mouse
            w, h = viewport
            dx += (x >= w - EDGE_PX) - (x < EDGE_PX)
            dy += (y >= h - EDGE_PX) - (y < EDGE_PX)
        return float(max(-1, min(1, dx))), float(max(-1, min(1, dy)))

    def _down(self, button: int, pos: Point) -> Pointer | None:
        self.mouse = pos
        if button == 1:
            self._press, self._dragging = pos, False
            return Pick(pos)
        if button not in WHEEL_BUTTONS:
            self._panning = True
            self._alt_press = pos if button == 3 else None
        return None

    def _up(self, button: int, pos: Point) -> Pointer | None:
        self.mouse = pos
        if button == 1:
            tapped = self._press is not None and not self._dragging
            self._press, self._dragging = None, False
            return Tap(pos) if tapped else None
        if button not in WHEEL_BUTTONS:
            self._panning = False
            tapped, self._alt_press = self._alt_press is not None, None
            if tapped and button == 3:
                return AltTap(pos)
        return None

    def _motion(self, pos: Point) -> Intent | Pointer | None:
        last, self.mouse = self.mouse, pos
        if self._alt_press is not None and math.dist(pos, self._alt_press) > DRAG_START_PX:
            self._alt_press = None
        if self._press is not None and not self._dragging:
            if math.dist(pos, self._press) <= DRAG_START_PX:
                return None
            self._dragging, last = True, self._press
        if (self._dragging or self._panning) and last is not None:
            return PanBy(pos[0] - last[0], pos[1] - last[1])
        return Hover(pos)


def _pos(event: pygame.event.Event) -> Point:
    x, y = event.pos
    return int(x), int(y)
