"""The HUD's common pieces and its small widgets: text, 9-slice panels and buttons at UI_SCALE
(from the view's shared caches, `rendered`), boxes of lines and tooltips, a widget's painted
surface kept between frames (`Painted`; `Layer` for widgets drawn in window coordinates), the
top bar, the quit prompt, toasts and the first-run hint.

Every widget owns a rectangle: `layout(rect)`, `draw(surface, view)` from a `ViewState`, and
`handle(event) -> Intent | None`; `hit(pos)` says whether a mouse position belongs to it.
Drawn in the pixel language of the art: its palette's colours, 9-slice panels and the bitmap
font, scaled by a whole number. Widgets never import the timeline, the flux, the world or each
other.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

import pygame

from game import config
from game.view import rendered
from game.view.assets import Assets, Font
from game.view.input import Dismiss, Intent, Quit, key_intent
from game.view.palette import BRIGHT, DIM, DOT_KEY, GOOD, SHADE, TEXT, WARN, Colour
from game.view.viewstate import ViewState

UI_SCALE = 2
PANEL = "panel.png"
BUTTON = "button.png"
BUTTON_HOVER = "button_hover.png"
BUTTON_DOWN = "button_down.png"
LINE_H = 11 * UI_SCALE  # one line of HUD text with its leading
PAD = 6 * UI_SCALE
TIP_W = 150 * UI_SCALE  # a tooltip's text wraps at this width


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
        return _width(self.font, text) * UI_SCALE

    def fit(self, text: str, width: int) -> str:
        """The text, cut with an ellipsis if it is wider than `width` screen pixels."""
        return rendered.fitted(self.font, text, width // UI_SCALE)

    def wrap(self, text: str, width: int) -> tuple[str, ...]:
        """The text in lines no wider than `width` screen pixels."""
        return rendered.wrapped(self.font, text, width // UI_SCALE)

    def wrap_parts(self, text: str, width: int, sep: str = " · ") -> tuple[str, ...]:
        """The text in lines no wider than `width`, broken between its parts (split at `sep`)
        while each part fits a line whole ("Tab: keys · Esc: close", never "Esc:" / "close")."""
        lines: list[str] = []
        for part in text.split(sep):
            joined = f"{lines[-1]}{sep}{part}" if lines else part
            if lines and self.width(joined) <= width:
                lines[-1] = joined
            else:
                lines += self.wrap(part, width)
        return tuple(lines)


@lru_cache(maxsize=1024)
def _width(font: Font, text: str) -> int:
    """A line's width in native pixels, measured once: widgets ask every frame."""
    return font.width(text)


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


def tooltip(surface: pygame.Surface, texts: Texts, faces: Faces,
            lines: Sequence[tuple[str, Colour]], anchor: pygame.Rect) -> pygame.Rect:
    """A box of lines (wrapped at TIP_W) just below `anchor`, or above it where the window has
    no room below, kept inside the window. Returns where it was drawn."""
    labels = [texts.get(row, colour) for text, colour in lines
              for row in texts.wrap(text, TIP_W - 2 * PAD)]
    w, h = lines_size(labels)
    screen = surface.get_rect()
    top = anchor.bottom + UI_SCALE if anchor.bottom + UI_SCALE + h <= screen.bottom else (
        anchor.top - UI_SCALE - h)
    box = pygame.Rect(anchor.x, top, w, h).clamp(screen)
    draw_lines(surface, faces, box, labels)
    return box


class Painted:
    """A widget's drawing kept in a surface of its own: painted again only when what it reads
    (its key, made of the parts of the `ViewState` it draws) or its size changes, else blitted
    whole. `paint(surface, rect)` draws the widget into `rect` of `surface`."""

    def __init__(self) -> None:
        self.key: object = None
        self.surface: pygame.Surface | None = None
        self._steadiness = Steadiness()
        self.paints = 0  # how many times it was painted (tests count them)

    def draw(self, surface: pygame.Surface, rect: pygame.Rect, key: object,
             paint: Callable[[pygame.Surface, pygame.Rect], None]) -> None:
        if rect.w <= 0 or rect.h <= 0:
            return
        cache = self.surface
        if cache is None or cache.get_size() != rect.size:
            # Opaque with a colour key: a panel's cut corners stay see-through, and an opaque
            # blit costs less than an alpha one.
            cache = self.surface = pygame.Surface(rect.size)
            cache.set_colorkey(DOT_KEY)
            self.key = None
        fresh = self.key is None or self.key != key
        if fresh:
            cache.fill(DOT_KEY)
            paint(cache, cache.get_rect())
            self.key = key
            self.paints += 1
        surface.blit(self._steadiness.shown(cache, fresh), rect.topleft)


class Layer:
    """`Painted` for a widget that draws in window coordinates: its drawing kept in a surface
    as big as the window up to the widget's far corner, where `paint(surface)` draws it as on
    the window; painted again only when its key or its rect changes, else the rect blitted."""

    def __init__(self) -> None:
        self.key: object = None
        self.surface: pygame.Surface | None = None
        self._steadiness = Steadiness()
        self.paints = 0

    def draw(self, surface: pygame.Surface, rect: pygame.Rect, key: object,
             paint: Callable[[pygame.Surface], None]) -> None:
        if rect.w <= 0 or rect.h <= 0:
            return
        cache = self.surface
        key = (key, tuple(rect))
        if cache is None or cache.get_width() < rect.right or cache.get_height() < rect.bottom:
            cache = self.surface = pygame.Surface((rect.right, rect.bottom))
            cache.set_colorkey(DOT_KEY)
            self.key = None
        fresh = self.key is None or self.key != key
        if fresh:
            cache.fill(DOT_KEY, rect)
            cache.set_clip(rect)
            paint(cache)
            cache.set_clip(None)
            self.key = key
            self.paints += 1
        surface.blit(self._steadiness.shown(cache.subsurface(rect), fresh), rect.topleft)


class Steadiness:
    """Whether a painting is blitted from a run-length encoded copy: its blit copies runs
    instead of testing every pixel for the key (a quarter of the time), but encoding costs
    about a plain blit. A painting is encoded once it is shown a second frame, or at once when
    the one before it was (a town at 1× repaints the clock every third frame; at 16× every
    frame, and those stay plain). Only the copy is encoded: pygame's drawing on an encoded
    surface can crash."""

    def __init__(self) -> None:
        self._frames = 0  # frames the current painting was shown
        self._steady: pygame.Surface | None = None  # its encoded copy, once made

    def shown(self, painting: pygame.Surface, fresh: bool) -> pygame.Surface:
        """What to blit of `painting` this frame (`fresh`: painted anew this frame)."""
        if fresh:
            stayed, self._frames = self._frames >= 2, 1
            self._steady = _encoded(painting) if stayed else None
        elif self._steady is None:  # shown a second frame
            self._frames += 1
            self._steady = _encoded(painting)
        return self._steady or painting


def _encoded(cache: pygame.Surface) -> pygame.Surface:
    copy = cache.copy()
    copy.set_colorkey(DOT_KEY, pygame.RLEACCEL)
    return copy


def glyph(rows: tuple[str, ...], colour: Colour) -> pygame.Surface:
    """A tiny icon from rows of '#' and '.', scaled by UI_SCALE (play, pause, step…)."""
    surface = pygame.Surface((len(rows[0]), len(rows)), pygame.SRCALPHA)
    for y, row in enumerate(rows):
        for x, ch in enumerate(row):
            if ch == "#":
                surface.set_at((x, y), colour)
    return pygame.transform.scale_by(surface, UI_SCALE)


def shade(surface: pygame.Surface, rect: pygame.Rect, alpha: int = 160) -> None:
    """Darken a rectangle (behind modal boxes)."""
    surface.blit(rendered.veil(rect.size, SHADE, alpha), rect.topleft)


# What the top bar's numbers mean, shown while the mouse rests on one.
TOP_TIPS: dict[str, tuple[str, ...]] = {
    "day": ("day: the town's calendar, from day 1.", f"A day is {config.DAY_TICKS:,} ticks: "
            f"{config.DAY_TICKS // config.TICKS_PER_SECOND} s at 1×."),
    "phase": ("phase: morning, afternoon, evening or night, six hours each.", "Citizens work "
              "and trade by day, gather in the evening and rest at night; each phase's end "
              "settles coalitions and reputations."),
    "clock": ("clock: the time of day in the town; a day runs from 06:00 to 06:00.",
              f"A tick is {24 * 3600 // config.DAY_TICKS} s of town time."),
    "speed": (f"speed: how fast town time runs; 1× is {config.TICKS_PER_SECOND} ticks a "
              "second, max as fast as this computer goes.", "Space pauses; 1–6 choose a "
              "speed; click the speed button for faster, right-click for slower."),
    "when": ("live: the newest tick, where history is made. past: history shown exactly as it "
             "was.", "A card played in the past forks a new branch; End goes back to live."),
    "events": ("events: everything that has happened in the town up to this tick.",
               "The feed lists them; the timeline marks them."),
    "branch": ("branch: the history you are looking at; main is the first.", "A card played "
               "in the past forks a new one; B lists them."),
    "tension": ("tension: how much the citizens' bonds disagree (the variance of every bond, "
                "one citizen to another).", "It rises with disputes and rumours, falls as "
                "friendships settle."),
    "coop": ("cooperation: how warm the warm bonds are (the mean of every positive bond, "
             "0 to 1).", "Greetings, trades and festivals raise it."),
    "surplus": ("surplus: what the town has made and not yet spent (trade and solo work add, "
                "festivals spend).", "Past 20 a citizen, everyone spends half of theirs: "
                "the accursed share."),
    "drama": ("drama: how stirring the last events were (each event adds its drama; the sum "
              "halves every 10 s of town time).", "The camera's director follows it."),
    "hash": ("state hash: a fingerprint of the whole town at this tick.", "The same seed and "
             "cards give the same hash on any machine, live or replayed; shown at 1× or "
             "paused (a big town's, paused)."),
}


class TopBar:
    """Day · phase · clock · speed, the town's metrics and events, the branch and state hash;
    hovering any of them says what it means."""

    HEIGHT = 40
    GAP = 6 * UI_SCALE

    def __init__(self, assets: Assets) -> None:
        self.texts = Texts(assets)
        self.faces = Faces(assets)
        self.rect = pygame.Rect(0, 0, 0, self.HEIGHT)
        self.painted = Painted()
        self.spans: list[tuple[int, int, str]] = []  # (left, right, tip) from the bar's left
        self.hover: str | None = None
        self.unshown: tuple[str, ...] = ()  # the parts a narrow bar leaves out, behind "…"

    def layout(self, rect: pygame.Rect) -> None:
        self.rect = pygame.Rect(rect.x, rect.y, rect.w, self.HEIGHT)

    def hit(self, pos: tuple[int, int]) -> bool:
        return self.rect.collidepoint(pos)

    def handle(self, event: pygame.event.Event) -> Intent | None:
        if event.type == pygame.MOUSEMOTION:
            x = event.pos[0] - self.rect.x
            inside = self.rect.collidepoint(event.pos)
            self.hover = next((tip for left, right, tip in self.spans
                               if inside and left <= x < right), None)
        return None

    def draw(self, surface: pygame.Surface, view: ViewState) -> None:
        self.painted.draw(surface, self.rect, (view.town, view.hash, view.speed),
                          lambda target, r: self._paint(target, r, view))

    def draw_tip(self, surface: pygame.Surface, view: ViewState) -> None:
        """The hovered number's meaning, under the bar (drawn over the rest of the HUD)."""
        span = next((s for s in self.spans if s[2] == self.hover), None)
        if span is None:
            return
        first, *more = (TOP_TIPS[span[2]] if span[2] != "more" else
                        ("more than the bar has room for:", " · ".join(self.unshown)))
        if span[2] == "hash" and view.hash:
            first = f"{first} Now {view.hash}."
        anchor = pygame.Rect(self.rect.x + span[0], self.rect.y, span[1] - span[0],
                             self.rect.h)
        tooltip(surface, self.texts, self.faces,
                [(first, BRIGHT), *((line, TEXT) for line in more)], anchor)

    def _paint(self, surface: pygame.Surface, r: pygame.Rect, view: ViewState) -> None:
        self.faces.panel(surface, r)
        t = view.town
        y = r.y + (r.h - 9 * UI_SCALE) // 2 + UI_SCALE
        right = [(t.branch, BRIGHT, "branch"), (view.hash[:8] or "#…", DIM, "hash")]
        right_w = sum(self.texts.width(s) for s, _, _ in right) + self.GAP * len(right)
        when = "live" if t.live else "past"
        parts = [(f"Day {t.day}", TEXT, "day"), (t.phase.title(), BRIGHT, "phase"),
                 (t.clock, TEXT, "clock"),
                 (view.speed, TEXT if view.speed != "paused" else WARN, "speed"),
                 (when, GOOD if t.live else BRIGHT, "when"),
                 (f"tension {t.tension:.3f}", DIM, "tension"),
                 (f"coop {t.cooperation:.2f}", DIM, "coop"),
                 (f"surplus {t.surplus:.0f}", DIM, "surplus"),
                 (f"drama {t.drama:.1f}", DIM, "drama"), (f"{t.events} events", DIM, "events")]
        spans: list[tuple[int, int, str]] = []
        x = r.x + PAD
        limit = r.right - PAD - right_w
        more = self.texts.get("…", DIM)
        self.unshown = ()
        for k, (text, colour, tip) in enumerate(parts):
            label = self.texts.get(text, colour)
            last = k == len(parts) - 1
            if x + label.get_width() + (0 if last else self.GAP + more.get_width()) > limit:
                # No room for the rest: "…" says so, and hovering it tells them.
                self.unshown = tuple(t for t, _, _ in parts[k:])
                surface.blit(more, (x, y))
                spans.append((x - r.x, x - r.x + more.get_width(), "more"))
                break
            surface.blit(label, (x, y))
            spans.append((x - r.x, x - r.x + label.get_width(), tip))
            x += label.get_width() + self.GAP
        x = r.right - PAD - right_w + self.GAP
        for text, colour, tip in right:
            label = self.texts.get(text, colour)
            surface.blit(label, (x, y))
            spans.append((x - r.x, x - r.x + label.get_width(), tip))
            x += label.get_width() + self.GAP
        self.spans = [span for span in spans if span[2]]


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
        self.upward = False
        self.shown: list[_Toast] = []

    def layout(self, rect: pygame.Rect, upward: bool = False) -> None:
        """Stacked down from the top of `rect`, or (`upward`) up from its bottom."""
        self.rect = rect
        self.upward = upward

    def say(self, text: str, now: float, error: bool = False) -> None:
        width = min(self.rect.w - 8 * PAD, 900) if self.rect.w else 900
        self.shown.append(_Toast(text, self.texts.wrap(text, width), WARN if error else BRIGHT,
                                 now + (self.ERROR_SECONDS if error else self.SECONDS)))
        del self.shown[:-self.SHOWN]

    def texts_shown(self) -> list[str]:
        return [t.text for t in self.shown]

    def draw(self, surface: pygame.Surface, now: float) -> None:
        self.shown = [t for t in self.shown if t.until > now]
        shown = [[self.texts.get(line, toast.colour) for line in toast.lines]
                 for toast in self.shown]
        sizes = [lines_size(labels) for labels in shown]
        y = self.rect.y
        if self.upward:
            y = self.rect.bottom - sum(h + UI_SCALE * 2 for _, h in sizes)
        for labels, (w, h) in zip(shown, sizes, strict=True):
            draw_lines(surface, self.faces, pygame.Rect(self.rect.centerx - w // 2, y, w, h),
                       labels)
            y += h + UI_SCALE * 2


class Hint:
    """The first-run hint line; it fades out once the person has done something."""

    TEXT = "click a card · drag the timeline · F1 for help"
    FADE_SECONDS = 1.5

    def __init__(self, assets: Assets, seen: bool) -> None:
        self.texts = Texts(assets)
        self.faces = Faces(assets)
        self.rect = pygame.Rect(0, 0, 0, 0)
        self.fading_since: float | None = None
        self.gone = seen
        self.box = self._boxed(None)

    def _boxed(self, width: int | None) -> pygame.Surface:
        """The hint in its box, on one line or wrapped to `width` (drawn once a layout:
        fading changes the box's alpha, not its pixels)."""
        rows = (self.TEXT,) if width is None else self.texts.wrap_parts(self.TEXT, width)
        labels = [self.texts.get(row, TEXT) for row in rows]
        box = pygame.Surface(lines_size(labels), pygame.SRCALPHA)
        draw_lines(box, self.faces, box.get_rect(), labels)
        return box

    def layout(self, rect: pygame.Rect) -> None:
        whole = self.texts.width(self.TEXT) + 4 * PAD
        self.box = self._boxed(None if whole <= rect.w else rect.w - 4 * PAD)
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
