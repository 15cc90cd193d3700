"""HUD widgets, each owning a rectangle: the top bar (day, phase, speed, selection) and the quit
prompt. `layout(rect)`, `draw(surface, status)`, and `handle(event) -> Intent | None` for a widget
that takes input (the prompt, while it is open).

Drawn in the pixel language of the art: 9-slice panels and the bitmap font, scaled by a whole
number. Widgets read a `Status` record; they never import the flux, the world or each other.
"""

from __future__ import annotations

from dataclasses import dataclass

import pygame

from game.view.assets import Assets, Colour, nine_slice
from game.view.input import Dismiss, Intent, Quit, key_intent

UI_SCALE = 2
PANEL = "panel.png"
TEXT: Colour = (234, 212, 170)
DIM: Colour = (139, 155, 180)
BRIGHT: Colour = (254, 231, 97)


@dataclass(frozen=True)
class Status:
    """What the HUD shows this frame, prepared by the app from the flux and the view."""

    day: int
    phase: str
    speed: str
    tick: int
    selection: str


class _Texts:
    """Scaled text surfaces, cached by (text, colour): HUD strings repeat frame after frame."""

    def __init__(self, assets: Assets) -> None:
        self.font = assets.font
        self._cache: dict[tuple[str, Colour], pygame.Surface] = {}

    def get(self, text: str, colour: Colour) -> pygame.Surface:
        key = (text, colour)
        surface = self._cache.get(key)
        if surface is None:
            if len(self._cache) > 128:
                self._cache.clear()
            surface = pygame.transform.scale_by(self.font.render(text, colour), UI_SCALE)
            self._cache[key] = surface
        return surface


class _Panel:
    """A 9-slice panel scaled by UI_SCALE, rebuilt only when its size changes."""

    def __init__(self, assets: Assets) -> None:
        self.image = assets.image(PANEL)
        entry = assets.entry(PANEL)
        assert entry.slice is not None
        self.border = entry.slice
        self._surface: pygame.Surface | None = None

    def at(self, size: tuple[int, int]) -> pygame.Surface:
        w, h = size
        native = (-(-w // UI_SCALE), -(-h // UI_SCALE))
        if self._surface is None or self._surface.get_size() != (native[0] * UI_SCALE,
                                                                   native[1] * UI_SCALE):
            self._surface = pygame.transform.scale_by(
                nine_slice(self.image, self.border, native), UI_SCALE)
        return self._surface


class TopBar:
    """Day · phase · speed · tick on the left, the selected citizen on the right."""

    HEIGHT = 40

    def __init__(self, assets: Assets) -> None:
        self.texts = _Texts(assets)
        self.panel = _Panel(assets)
        self.rect = pygame.Rect(0, 0, 0, self.HEIGHT)

    def layout(self, rect: pygame.Rect) -> None:
        self.rect = pygame.Rect(rect.x, rect.y, rect.w, self.HEIGHT)

    def draw(self, surface: pygame.Surface, status: Status) -> None:
        r = self.rect
        surface.blit(self.panel.at(r.size), r.topleft, pygame.Rect(0, 0, r.w, r.h))
        pad = 8 * UI_SCALE
        y = r.y + (r.h - 9 * UI_SCALE) // 2 + UI_SCALE
        parts = [(f"Day {status.day}", TEXT), (status.phase.title(), BRIGHT),
                 (status.speed, TEXT), (f"tick {status.tick}", DIM)]
        x = r.x + pad
        for text, colour in parts:
            label = self.texts.get(text, colour)
            surface.blit(label, (x, y))
            x += label.get_width() + 6 * UI_SCALE
        if status.selection:
            label = self.texts.get(status.selection, TEXT)
            surface.blit(label, (max(x, r.right - pad - label.get_width()), y))


class QuitPrompt:
    """The modal 'quit?' box: Esc again (or Ctrl+Q) quits; any other key or click stays."""

    LINES = (("Quit Agent Town?", BRIGHT), ("Esc again to quit", TEXT),
             ("any other key to stay", DIM))

    def __init__(self, assets: Assets) -> None:
        self.texts = _Texts(assets)
        self.panel = _Panel(assets)
        self.rect = pygame.Rect(0, 0, 0, 0)

    def layout(self, rect: pygame.Rect) -> None:
        line_h = 12 * UI_SCALE
        w = max(self.texts.get(t, c).get_width() for t, c in self.LINES) + 24 * UI_SCALE
        h = line_h * len(self.LINES) + 16 * UI_SCALE
        self.rect = pygame.Rect(0, 0, w, h)
        self.rect.center = rect.center

    def draw(self, surface: pygame.Surface, status: Status) -> None:
        r = self.rect
        surface.blit(self.panel.at(r.size), r.topleft, pygame.Rect(0, 0, r.w, r.h))
        y = r.y + 9 * UI_SCALE
        for text, colour in self.LINES:
            label = self.texts.get(text, colour)
            surface.blit(label, (r.centerx - label.get_width() // 2, y))
            y += 12 * UI_SCALE

    def handle(self, event: pygame.event.Event) -> Intent | None:
        if event.type == pygame.KEYDOWN:
            if event.key == pygame.K_ESCAPE or isinstance(key_intent(event), Quit):
                return Quit()
            return Dismiss()
        if event.type == pygame.MOUSEBUTTONDOWN:
            return Dismiss()
        return None
