"""Speech bubbles: the template line (a record's dialogue) over the speaker's head for a few
seconds.

Holds which citizen says what until when, and the bubble surfaces (built once per line and text
scale). Time here is the app's clock in seconds, so a run with fixed frame times replays exactly.
Reads the flux's records; never imports its internals, the app or input.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pygame

from game.sim.events import Record
from game.view.assets import Assets, nine_slice
from game.view.palette import SPEECH
from game.view.world import BoolArray, CitizenLayout

SECONDS = 3.0
MAX_SHOWN = 12  # newest first; more would bury the town in text
STACK = 3  # a bubble climbs over at most this many others before it waits its turn
WRAP_PX = 96  # native text width before a line wraps
PAD = 3
BUBBLE = "bubble.png"
TAIL = "bubble_tail.png"


@dataclass
class _Line:
    text: str
    until: float
    said: float
    surface: pygame.Surface | None = None
    scale: int = 0


def place(bubbles: Sequence[tuple[tuple[int, int], tuple[int, int]]], area: pygame.Rect,
          avoid: Sequence[pygame.Rect] = ()) -> list[pygame.Rect | None]:
    """Where each bubble goes, in priority order: (size, the head it speaks from) → a rectangle
    inside `area` covering no bubble placed before it nor anything in `avoid` (the places'
    signs), or None when there is no room. A bubble starts centred over its head and climbs
    above those in its way, at most `STACK` high."""
    placed: list[pygame.Rect] = list(avoid)
    out: list[pygame.Rect | None] = []
    for (w, h), (x, y) in bubbles:
        if not area.collidepoint(x, max(y, area.top)):  # its speaker is under the HUD
            out.append(None)
            continue
        rect = pygame.Rect(x - w // 2, y - h, w, h).clamp(area)
        for _ in range(STACK):
            hit = rect.collidelist(placed)
            if hit < 0:
                break
            rect.bottom = placed[hit].top
        if rect.collidelist(placed) >= 0 or not area.contains(rect):
            out.append(None)
            continue
        placed.append(rect)
        out.append(rect)
    return out


class Speech:
    """Lines currently spoken, by citizen index."""

    def __init__(self, assets: Assets) -> None:
        self.assets = assets
        # Oldest first (a line said again moves to the end): the lines to let go are at the
        # front, the newest at the back, and a city's thousand lines are never sorted.
        self.lines: dict[int, _Line] = {}
        self._drawn: list[int] = []  # the speakers whose bubbles the last frame drew

    def hear(self, records: Iterable[Record], now: float) -> None:
        """Start a bubble for every successful event with dialogue (its first participant)."""
        for r in records:
            if r.dialogue and r.success and r.who:
                speaker = r.who[0]
                self.lines.pop(speaker, None)
                self.lines[speaker] = _Line(r.dialogue, now + SECONDS, now)

    def draw(self, surface: pygame.Surface, layout: CitizenLayout, now: float,
             area: pygame.Rect, selected: int | None = None,
             avoid: Sequence[pygame.Rect] = ()) -> None:
        """The bubbles inside `area` (the town's part of the window), none over another nor
        over `avoid` (the places' signs): the selected citizen's first, then the newest; one
        that finds no room waits."""
        order = self.shown(now, layout.visible, selected)
        scale = layout.text
        bubbles = [(self._surface(self.lines[i], scale), layout.head(i)) for i in order]
        spots = place([(b.get_size(), head) for b, head in bubbles], area, avoid)
        self._drawn = [i for i, spot in zip(order, spots, strict=True) if spot is not None]
        surface.fblits([(bubble, spot.topleft) for (bubble, _), spot
                        in zip(bubbles, spots, strict=True) if spot is not None][::-1])

    def shown(self, now: float, visible: BoolArray, selected: int | None = None
              ) -> list[int]:
        """The speakers whose bubbles may show, first to be placed first: the selected
        citizen, then those whose bubbles the last frame drew (a bubble stays until its
        speaker is done: at 16× a city says a dozen new lines a frame, and bubbles made anew
        every frame could not be read), then the newest lines, at most `MAX_SHOWN`; lines
        past their time let go."""
        lines = self.lines
        while lines and lines[first := next(iter(lines))].until <= now:
            del lines[first]
        order = [selected] if selected in lines and visible[selected] else []
        taken = set(order)
        for group in (self._drawn, reversed(lines)):
            for i in group:
                if len(order) == MAX_SHOWN:
                    return order
                if i in lines and visible[i] and i not in taken:
                    order.append(i)
                    taken.add(i)
        return order

    def _surface(self, line: _Line, scale: int) -> pygame.Surface:
        if line.surface is None or line.scale != scale:
            line.surface, line.scale = self._render(line.text, scale), scale
        return line.surface

    def _render(self, text: str, scale: int) -> pygame.Surface:
        """Bubble at native size (9-slice body, tail under the middle), then scaled whole."""
        font = self.assets.font
        rows = font.wrap(text, WRAP_PX)
        body_w = max(font.width(r) for r in rows) + 2 * PAD + 2
        body_h = len(rows) * font.line_height + 2 * PAD - 1
        entry = self.assets.entry(BUBBLE)
        assert entry.slice is not None
        body = nine_slice(self.assets.image(BUBBLE), entry.slice, (body_w, body_h))
        tail = self.assets.image(TAIL)
        tw, th = tail.get_size()
        native = pygame.Surface((body_w, body_h + th - 1), pygame.SRCALPHA)
        native.blit(body, (0, 0))
        native.blit(tail, ((body_w - tw) // 2, body_h - 1))
        native.fblits([(font.render(row, SPEECH), (PAD + 1, PAD + k * font.line_height))
                       for k, row in enumerate(rows)])
        return pygame.transform.scale_by(native, scale)
