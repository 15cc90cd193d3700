"""Presentation mode's drawings: the slim caption line that replaces the HUD, and a demo
script's narration, large enough to read in a recorded video.

Both are widgets (`layout`, `draw` from a `ViewState`, `handle`) that take no input. What they
say is decided elsewhere: the caption is what the director last followed (`story.caption`), the
narration is a script's caption step. Never imports the timeline, the flux or other widgets.
"""

from __future__ import annotations

import pygame

from game.view import rendered
from game.view.assets import Assets
from game.view.hud import LINE_H, PAD, UI_SCALE, Faces, Texts, shade
from game.view.input import Intent
from game.view.palette import BRIGHT, DIM, OUTLINE, TEXT, Colour
from game.view.viewstate import ViewState

VEIL_ALPHA = 170
NARRATION_SCALE = 3  # a notch above the HUD's text: read at a glance in a video
NARRATION_MAX_W = 1100


class CaptionLine:
    """A strip along the bottom: when and where the town stands, and what just happened."""

    HEIGHT = LINE_H + PAD

    def __init__(self, assets: Assets) -> None:
        self.texts = Texts(assets)
        self.rect = pygame.Rect(0, 0, 0, 0)

    def layout(self, rect: pygame.Rect) -> None:
        self.rect = pygame.Rect(rect.x, rect.bottom - self.HEIGHT, rect.w, self.HEIGHT)

    def hit(self, pos: tuple[int, int]) -> bool:
        return False

    def handle(self, event: pygame.event.Event) -> Intent | None:
        return None

    def draw(self, surface: pygame.Surface, view: ViewState) -> None:
        r = self.rect
        shade(surface, r, VEIL_ALPHA)
        t = view.town
        when = f"Day {t.day} · {t.phase.title()} {t.clock} · {t.branch}"
        y = r.y + PAD // 2 + UI_SCALE
        stamp = self.texts.get(when, DIM)
        surface.blit(stamp, (r.x + PAD, y))
        if view.caption:
            left = r.x + 3 * PAD + stamp.get_width()
            text = self.texts.fit(view.caption, r.right - PAD - left)
            label = self.texts.get(text, TEXT)
            x = max(left, r.centerx - label.get_width() // 2)
            surface.blit(label, (x, y))


class Narration:
    """A script's caption in large text: a panel centred at the bottom of the free space (or at
    its top, when the bottom holds the card hand)."""

    def __init__(self, assets: Assets) -> None:
        self.font = assets.font
        self.faces = Faces(assets)
        self.rect = pygame.Rect(0, 0, 0, 0)
        self.area = pygame.Rect(0, 0, 0, 0)
        self.at_top = False

    def layout(self, rect: pygame.Rect, at_top: bool = False) -> None:
        """`rect` is the free space the narration sits in."""
        self.area = rect
        self.at_top = at_top

    def hit(self, pos: tuple[int, int]) -> bool:
        return False

    def handle(self, event: pygame.event.Event) -> Intent | None:
        return None

    def _lines(self, text: str, colour: Colour) -> list[pygame.Surface]:
        width = min(self.area.w - 4 * PAD, NARRATION_MAX_W) // NARRATION_SCALE
        return [rendered.outlined(self.font, line, colour, OUTLINE, NARRATION_SCALE)
                for line in rendered.wrapped(self.font, text, max(width, 1))]

    def draw(self, surface: pygame.Surface, view: ViewState) -> None:
        if not view.narration:
            return
        lines = self._lines(view.narration, BRIGHT)
        step = (self.font.line_height + 2) * NARRATION_SCALE
        w = max(line.get_width() for line in lines) + 4 * PAD
        h = step * len(lines) + 2 * PAD
        self.rect = pygame.Rect(0, 0, w, h)
        if self.at_top:
            self.rect.midtop = (self.area.centerx, self.area.top + PAD)
        else:
            self.rect.midbottom = (self.area.centerx, self.area.bottom - PAD)
        self.faces.panel(surface, self.rect)
        y = self.rect.y + PAD + UI_SCALE
        for line in lines:
            surface.blit(line, (self.rect.centerx - line.get_width() // 2, y))
            y += step

