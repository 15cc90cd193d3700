"""The UI scale: how many screen pixels a HUD pixel takes, and drawing the HUD at that size.

The widgets lay out and draw in HUD pixels (their own UI_SCALE, the bitmap font at 2×). At a
UI scale above 100 % they are laid out for a smaller *logical* window (the window divided by
the scale), drawn onto a see-through layer of that size, and the layer is scaled up by a
nearest-neighbour stretch over the town. Every scale offered (`settings.UI_SCALES`) makes a
HUD pixel pair a whole number of screen pixels (a font pixel is 2, 3, 4, 5 or 6 pixels wide),
so text and panels stay as crisp as the art. The town itself is drawn at the window's size.

A scale never makes the logical window smaller than `limits.MIN_WINDOW` (the size every
layout is checked at): a window too small for the scale asked gets the largest that fits.
AUTO chooses by the window: the largest scale that leaves the HUD at least `AUTO_ROOM`, so a
1280×720 window draws at 100 %, 1600×900 and 1920×1080 at 150 %, 2560×1440 at 250 %.

Never imports a widget, the app or the timeline.
"""

from __future__ import annotations

import math

import pygame

from game import limits
from game.userfiles.settings import AUTO, UI_SCALES

AUTO_ROOM = (1024, 576)  # the logical window AUTO keeps at least (a 16:9 laptop's HUD)
CLEAR = (0, 0, 0, 0)
MOUSE_MOVES = (pygame.MOUSEMOTION, pygame.MOUSEBUTTONDOWN, pygame.MOUSEBUTTONUP)


def _room(size: tuple[int, int], percent: int) -> tuple[int, int]:
    """The logical window at `percent` (rounded up: the stretched layer covers the window)."""
    return math.ceil(size[0] * 100 / percent), math.ceil(size[1] * 100 / percent)


def _holds(size: tuple[int, int], percent: int, least: tuple[int, int]) -> bool:
    room = _room(size, percent)
    return room[0] >= least[0] and room[1] >= least[1]


def ui_percent(size: tuple[int, int], chosen: int) -> int:
    """The scale drawn in a window of `size`: the one chosen (AUTO: picked by the window's
    size), brought down until the logical window is at least MIN_WINDOW; 100 at the least."""
    if chosen == AUTO:
        fitting = [p for p in UI_SCALES if _holds(size, p, AUTO_ROOM)]
    else:
        fitting = [p for p in UI_SCALES if p <= chosen and _holds(size, p, limits.MIN_WINDOW)]
    return max(fitting, default=UI_SCALES[0])


class HudLayer:
    """Where the widgets draw at a scale: the logical window, and the layer stretched over the
    town once they have drawn."""

    def __init__(self) -> None:
        self.percent = 100
        self.window = pygame.Rect(0, 0, 0, 0)  # the real window
        self.logical = pygame.Rect(0, 0, 0, 0)  # the window in HUD pixels
        self._layer: pygame.Surface | None = None
        self._stretched: pygame.Surface | None = None

    def layout(self, window: pygame.Rect, chosen: int) -> pygame.Rect:
        """Size the layer for `window` at the scale `chosen`; returns the logical window."""
        self.window = window.copy()
        self.percent = ui_percent(window.size, chosen)
        self.logical = pygame.Rect((0, 0), _room(window.size, self.percent))
        self._layer = self._stretched = None
        if self.percent != 100:
            self._layer = pygame.Surface(self.logical.size, pygame.SRCALPHA)
            w, h = self.logical.size
            stretched = (-(-w * self.percent // 100), -(-h * self.percent // 100))  # rounded up
            self._stretched = pygame.Surface(stretched, pygame.SRCALPHA)
        return self.logical

    @property
    def zoom(self) -> float:
        """Screen pixels per HUD pixel."""
        return self.percent / 100

    def canvas(self, screen: pygame.Surface) -> pygame.Surface:
        """What the widgets draw on this frame: the screen itself at 100 %, else the cleared
        layer."""
        if self._layer is None:
            return screen
        self._layer.fill(CLEAR)
        return self._layer

    def show(self, screen: pygame.Surface) -> None:
        """The drawn layer stretched over the town (nothing to do at 100 %)."""
        if self._layer is None or self._stretched is None:
            return
        pygame.transform.scale(self._layer, self._stretched.get_size(), self._stretched)
        screen.blit(self._stretched, (0, 0))

    def to_screen(self, rect: pygame.Rect) -> pygame.Rect:
        """A rectangle in HUD pixels as screen pixels."""
        z = self.zoom
        return pygame.Rect(int(rect.x * z), int(rect.y * z), int(rect.w * z), int(rect.h * z))

    def to_hud(self, pos: tuple[int, int]) -> tuple[int, int]:
        """A point of the window in HUD pixels."""
        z = self.zoom
        return int(pos[0] / z), int(pos[1] / z)

    def on_hud(self, event: pygame.event.Event) -> pygame.event.Event:
        """A mouse event as the widgets see it: its position in HUD pixels."""
        if self.percent == 100 or event.type not in MOUSE_MOVES:
            return event
        return pygame.event.Event(event.type, {**event.dict, "pos": self.to_hud(event.pos)})
