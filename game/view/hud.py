"""The HUD's common pieces and its small widgets: text, 9-slice panels and buttons at UI_SCALE
(from the view's shared caches, `rendered`), boxes of lines, the top bar, the quit prompt,
toasts and the first-run hint.

Every widget owns a rectangle: `layout(rect)`, `draw(surface, view)` from a `ViewState`, and
`handle(event) -> Intent | None`; `hit(pos)` says whether a mouse position belongs to it.
Drawn in the pixel language of the art: its palette's colours, 9-slice panels and the bitmap
font, scaled by a whole number. Widgets never import the timeline, the flux, the world or each
other.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import pygame

from game.view import rendered
from game.view.assets import Assets
from game.view.input import Dismiss, Intent, Quit, key_intent
from game.view.palette import BRIGHT, DIM, GOOD, SHADE, TEXT, WARN, Colour
from game.view.viewstate import ViewState

UI_SCALE = 2
PANEL = "panel.png"
BUTTON = "button.png"
BUTTON_HOVER = "button_hover.png"
BUTTON_DOWN = "button_down.png"
LINE_H = 11 * UI_SCALE  # one line of HUD text with its leading
PAD = 6 * UI_SCALE


class Widget(Protocol):
    rect: pygame.Rect

    def layout(self, rect: pygame.Rect) -> None: ...

    def draw(self, surface: pygame.Surface, view: ViewState) -> None: ...

    def handle(self, event: pygame.event.Event) -> Intent | None: ...

    def hit(self, pos: tuple[int, int]) -> bool: ...


class Texts:
    """HUD text at UI_SCALE, from the view's one text cache (`rendered`): every widget's `Texts`
    shares it, so a string drawn by one widget is ready for the next."""

    def __init__(self, assets: Assets) -> None:
        self.font = assets.font

    def get(self, text: str, colour: Colour) -> pygame.Surface:
        return rendered.text(self.font, text, colour, UI_SCALE)

    def width(self, text: str) -> int:
        return self.font.width(text) * UI_SCALE

    def fit(self, text: str, width: int) -> str:
        """The text, cut with an ellipsis if it is wider than `width` screen pixels."""
        return rendered.fitted(self.font, text, width // UI_SCALE)

    def wrap(self, text: str, width: int) -> tuple[str, ...]:
        """The text in lines no wider than `width` screen pixels."""
        return rendered.wrapped(self.font, text, width // UI_SCALE)


class Faces:
    """9-slice images (panels, buttons) at UI_SCALE, from the view's one panel cache."""

    def __init__(self, assets: Assets) -> None:
        self.assets = assets

    def get(self, name: str, size: tuple[int, int]) -> pygame.Surface:
        """The image stretched to cover `size` screen pixels (rounded up to whole native ones)."""
        w, h = size
        native = (max(1, -(-w // UI_SCALE)), max(1, -(-h // UI_SCALE)))
        return rendered.panel(self.assets, name, native, UI_SCALE)

    def draw(self, surface: pygame.Surface, name: str, rect: pygame.Rect) -> None:
        """The image over `rect` (the rounded-up part past its edge left out)."""
        surface.blit(self.get(name, rect.size), rect.topleft, pygame.Rect(0, 0, rect.w, rect.h))

    def panel(self, surface: pygame.Surface, rect: pygame.Rect) -> None:
        self.draw(surface, PANEL, rect)

    def button(self, surface: pygame.Surface, rect: pygame.Rect, hover: bool = False,
               down: bool = False) -> None:
        self.draw(surface, BUTTON_DOWN if down else BUTTON_HOVER if hover else BUTTON, rect)


def lines_size(labels: Sequence[pygame.Surface]) -> tuple[int, int]:
    """The size of a panel holding these lines of text (as `draw_lines` lays them out)."""
    return max(label.get_width() for label in labels) + 2 * PAD, LINE_H * len(labels) + PAD


def draw_lines(surface: pygame.Surface, faces: Faces, box: pygame.Rect,
               labels: Sequence[pygame.Surface]) -> None:
    """A panel with lines of text down it, one LINE_H apart (tooltips, prompts, toasts)."""
    faces.panel(surface, box)
    surface.fblits([(label, (box.x + PAD, box.y + PAD // 2 + UI_SCALE + k * LINE_H))
                    for k, label in enumerate(labels)])


def glyph(rows: tuple[str, ...], colour: Colour) -> pygame.Surface:
    """A tiny icon from rows of '#' and '.', scaled by UI_SCALE (play, pause, step…)."""
    surface = pygame.Surface((len(rows[0]), len(rows)), pygame.SRCALPHA)
    for y, row in enumerate(rows):
        for x, ch in enumerate(row):
            if ch == "#":
                surface.set_at((x, y), colour)
    return pygame.transform.scale_by(surface, UI_SCALE)


def shade(surface: pygame.Surface, rect: pygame.Rect, alpha: int = 160) -> None:
    """Darken a rectangle (behind modal boxes, over cooling cards)."""
    surface.blit(rendered.veil(rect.size, SHADE, alpha), rect.topleft)


class TopBar:
    """Day · phase · clock · speed, the town's metrics and events, the branch and state hash."""

    HEIGHT = 40

    def __init__(self, assets: Assets) -> None:
        self.texts = Texts(assets)
        self.faces = Faces(assets)
        self.rect = pygame.Rect(0, 0, 0, self.HEIGHT)

    def layout(self, rect: pygame.Rect) -> None:
        self.rect = pygame.Rect(rect.x, rect.y, rect.w, self.HEIGHT)

    def hit(self, pos: tuple[int, int]) -> bool:
        return self.rect.collidepoint(pos)

    def handle(self, event: pygame.event.Event) -> Intent | None:
        return None

    def draw(self, surface: pygame.Surface, view: ViewState) -> None:
        r = self.rect
        self.faces.panel(surface, r)
        t = view.town
        y = r.y + (r.h - 9 * UI_SCALE) // 2 + UI_SCALE
        right = [(t.branch, BRIGHT), (view.hash[:8] or "#…", DIM)]
        right_w = sum(self.texts.width(s) for s, _ in right) + 6 * UI_SCALE * len(right)
        when = "live" if t.live else "past"
        parts = [(f"Day {t.day}", TEXT), (t.phase.title(), BRIGHT), (t.clock, TEXT),
                 (view.speed, TEXT if view.speed != "paused" else WARN),
                 (when, GOOD if t.live else BRIGHT),
                 (f"tension {t.tension:.3f}", DIM), (f"coop {t.cooperation:.2f}", DIM),
                 (f"surplus {t.surplus:.0f}", DIM), (f"{t.events} events", DIM)]
        x = r.x + PAD
        limit = r.right - PAD - right_w
        for text, colour in parts:
            label = self.texts.get(text, colour)
            if x + label.get_width() > limit:
                break
            surface.blit(label, (x, y))
            x += label.get_width() + 6 * UI_SCALE
        x = r.right - PAD - right_w + 6 * UI_SCALE
        for text, colour in right:
            label = self.texts.get(text, colour)
            surface.blit(label, (x, y))
            x += label.get_width() + 6 * UI_SCALE


class MessageBox:
    """A modal box of centred lines in a panel, in the middle of the window."""

    def __init__(self, assets: Assets,
                 lines: tuple[tuple[str, Colour], ...] = ()) -> None:
        self.texts = Texts(assets)
        self.faces = Faces(assets)
        self.rect = pygame.Rect(0, 0, 0, 0)
        self.lines = lines

    def layout(self, rect: pygame.Rect) -> None:
        if not self.lines:
            return
        w = max(self.texts.get(t, c).get_width() for t, c in self.lines) + 24 * UI_SCALE
        h = 12 * UI_SCALE * len(self.lines) + 16 * UI_SCALE
        self.rect = pygame.Rect(0, 0, w, h)
        self.rect.center = rect.center

    def hit(self, pos: tuple[int, int]) -> bool:
        return True

    def draw(self, surface: pygame.Surface, view: ViewState) -> None:
        r = self.rect
        self.faces.panel(surface, r)
        y = r.y + 9 * UI_SCALE
        for text, colour in self.lines:
            label = self.texts.get(text, colour)
            surface.blit(label, (r.centerx - label.get_width() // 2, y))
            y += 12 * UI_SCALE


class QuitPrompt(MessageBox):
    """The modal 'quit?' box: Esc again (or Ctrl+Q) quits; any other key or click stays."""

    def __init__(self, assets: Assets) -> None:
        super().__init__(assets, (("Quit Agent Town?", BRIGHT), ("Esc again to quit", TEXT),
                                  ("any other key to stay", DIM)))

    def handle(self, event: pygame.event.Event) -> Intent | None:
        if event.type == pygame.KEYDOWN:
            if event.key == pygame.K_ESCAPE or isinstance(key_intent(event), Quit):
                return Quit()
            return Dismiss()
        if event.type == pygame.MOUSEBUTTONDOWN:
            return Dismiss()
        return None


@dataclass
class _Toast:
    text: str
    lines: tuple[str, ...]  # the text wrapped to the toasts' width
    colour: Colour
    until: float


class Toasts:
    """Short messages under the top bar ("saved …", "forked b2 at day 1 07:30", load errors)."""

    SECONDS = 3.5
    ERROR_SECONDS = 9.0
    SHOWN = 3

    def __init__(self, assets: Assets) -> None:
        self.texts = Texts(assets)
        self.faces = Faces(assets)
        self.rect = pygame.Rect(0, 0, 0, 0)
        self.shown: list[_Toast] = []

    def layout(self, rect: pygame.Rect) -> None:
        self.rect = rect

    def say(self, text: str, now: float, error: bool = False) -> None:
        width = min(self.rect.w - 8 * PAD, 900) if self.rect.w else 900
        self.shown.append(_Toast(text, self.texts.wrap(text, width), WARN if error else BRIGHT,
                                 now + (self.ERROR_SECONDS if error else self.SECONDS)))
        del self.shown[:-self.SHOWN]

    def texts_shown(self) -> list[str]:
        return [t.text for t in self.shown]

    def draw(self, surface: pygame.Surface, now: float) -> None:
        self.shown = [t for t in self.shown if t.until > now]
        y = self.rect.y
        for toast in self.shown:
            labels = [self.texts.get(line, toast.colour) for line in toast.lines]
            w, h = lines_size(labels)
            draw_lines(surface, self.faces, pygame.Rect(self.rect.centerx - w // 2, y, w, h),
                       labels)
            y += h + UI_SCALE * 2


class Hint:
    """The first-run hint line; it fades out once the person has done something."""

    TEXT = "click a card · drag the timeline · F1 for help"
    FADE_SECONDS = 1.5

    def __init__(self, assets: Assets, seen: bool) -> None:
        self.rect = pygame.Rect(0, 0, 0, 0)
        self.fading_since: float | None = None
        self.gone = seen
        label = Texts(assets).get(self.TEXT, TEXT)
        # Drawn once: fading changes the box's alpha, not its pixels.
        self.box = pygame.Surface(lines_size([label]), pygame.SRCALPHA)
        draw_lines(self.box, Faces(assets), self.box.get_rect(), [label])

    def layout(self, rect: pygame.Rect) -> None:
        self.rect = self.box.get_rect(midbottom=rect.midbottom)

    def dismiss(self, now: float) -> None:
        if self.fading_since is None and not self.gone:
            self.fading_since = now

    def draw(self, surface: pygame.Surface, now: float) -> None:
        if self.gone:
            return
        alpha = 255
        if self.fading_since is not None:
            alpha = int(255 * (1 - (now - self.fading_since) / self.FADE_SECONDS))
            if alpha <= 0:
                self.gone = True
                return
        self.box.set_alpha(alpha)
        surface.blit(self.box, self.rect.topleft)
