"""Input: raw pygame events → intents. A key table, and handlers that only *return* intents.

Intents are small frozen records the app applies to the camera, the speed or the selection; a
handler never touches the app, the world or the flux. `TownInput` is the normal mode (keys,
clicks, drags, wheel); modal widgets (the quit prompt) have their own `handle`. Never imports
the simulation or other view modules.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Protocol

import pygame

Point = tuple[int, int]


@dataclass(frozen=True)
class SetSpeed:
    index: int  # into config.SPEEDS


@dataclass(frozen=True)
class TogglePause:
    pass


@dataclass(frozen=True)
class Cancel:
    """Esc: close whatever is armed or open; with nothing open, ask to quit."""


@dataclass(frozen=True)
class Quit:
    pass


@dataclass(frozen=True)
class Dismiss:
    """Close a modal prompt without acting on it."""


@dataclass(frozen=True)
class Recentre:
    pass


@dataclass(frozen=True)
class ZoomAt:
    steps: int
    at: Point | None  # screen pixel kept still; None = the middle of the view


@dataclass(frozen=True)
class PanBy:
    dx: int
    dy: int


@dataclass(frozen=True)
class Pick:
    """Left press: select the citizen under `at`, if any."""

    at: Point


@dataclass(frozen=True)
class Tap:
    """Left click released without dragging: on bare ground it clears the selection."""

    at: Point


@dataclass(frozen=True)
class Hover:
    at: Point


@dataclass(frozen=True)
class Resize:
    size: Point


Intent = (SetSpeed | TogglePause | Cancel | Quit | Dismiss | Recentre | ZoomAt | PanBy | Pick
          | Tap | Hover | Resize)

KEY_TABLE: dict[int, Intent] = {
    pygame.K_SPACE: TogglePause(),
    **{pygame.K_1 + k: SetSpeed(k) for k in range(7)},
    pygame.K_ESCAPE: Cancel(),
    pygame.K_HOME: Recentre(),
    pygame.K_EQUALS: ZoomAt(1, None),
    pygame.K_PLUS: ZoomAt(1, None),
    pygame.K_KP_PLUS: ZoomAt(1, None),
    pygame.K_MINUS: ZoomAt(-1, None),
    pygame.K_KP_MINUS: ZoomAt(-1, None),
}
CTRL_KEY_TABLE: dict[int, Intent] = {pygame.K_q: Quit()}
# Held keys pan the view: direction the view moves, in screen axes.
PAN_KEYS: dict[int, tuple[int, int]] = {
    pygame.K_LEFT: (-1, 0), pygame.K_a: (-1, 0),
    pygame.K_RIGHT: (1, 0), pygame.K_d: (1, 0),
    pygame.K_UP: (0, -1), pygame.K_w: (0, -1),
    pygame.K_DOWN: (0, 1), pygame.K_s: (0, 1),
}
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
    if event.mod & pygame.KMOD_CTRL:
        return CTRL_KEY_TABLE.get(event.key)
    return KEY_TABLE.get(event.key)


class TownInput:
    """The normal mode: keys from the table, left-click picks, drags and the wheel move the view.

    It remembers only the mouse (where it is, which button drags) — never the town.
    """

    def __init__(self) -> None:
        self.mouse: Point | None = None  # last known position inside the window
        self._press: Point | None = None
        self._dragging = False
        self._panning = False  # right or middle button held

    def handle(self, event: pygame.event.Event) -> Intent | None:
        if event.type == pygame.KEYDOWN:
            return key_intent(event)
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

    def held_pan(self, pressed: Pressed, viewport: Point) -> tuple[float, float]:
        """Direction (unit-ish, screen axes) the view should move this frame."""
        dx = sum(d[0] for key, d in PAN_KEYS.items() if pressed[key])
        dy = sum(d[1] for key, d in PAN_KEYS.items() if pressed[key])
        if self.mouse is not None and not (self._press or self._panning):
            x, y = self.mouse
            w, h = viewport
            dx += (x >= w - EDGE_PX) - (x < EDGE_PX)
            dy += (y >= h - EDGE_PX) - (y < EDGE_PX)
        return float(max(-1, min(1, dx))), float(max(-1, min(1, dy)))

    def _down(self, button: int, pos: Point) -> Intent | None:
        self.mouse = pos
        if button == 1:
            self._press, self._dragging = pos, False
            return Pick(pos)
        if button not in WHEEL_BUTTONS:
            self._panning = True
        return None

    def _up(self, button: int, pos: Point) -> Intent | None:
        self.mouse = pos
        if button == 1:
            tapped = self._press is not None and not self._dragging
            self._press, self._dragging = None, False
            return Tap(pos) if tapped else None
        if button not in WHEEL_BUTTONS:
            self._panning = False
        return None

    def _motion(self, pos: Point) -> Intent | None:
        last, self.mouse = self.mouse, pos
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
