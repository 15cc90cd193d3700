"""The inspector column: the selected citizen's card (levels of detail 0–5 and its why chain)
and the personality scatter (PCA, coalition colours, bridges) — each drawing a projection
(`game.projections`) the `ViewState` carries, never computing its own. The event feed under
them is `game.view.feed`.

Each is a widget owning its rectangle; the app stacks them in the right-hand column. They read
the `ViewState` and return intents (select, more or less detail, why); the
card and the scatter keep their drawing (`Painted`) until what they read changes, and the
card's rows are rebuilt only when the citizen, the detail, the why chain or the width changes.
When the card leaves no room for the scatter or the feed, its last line says so.
Never imports the timeline or the flux.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
import pygame

from game import config
from game.projections.card import MAX_LOD, Card
from game.projections.scatter import Axes
from game.projections.scatter import Scatter as ScatterView
from game.view.assets import Assets
from game.view.emblems import emblem
from game.view.hud import LINE_H, PAD, UI_SCALE, Faces, Painted, Texts
from game.view.input import AskWhy, ChangeDetail, Intent, JumpToEvent, Select
from game.view.palette import (
    BRIDGE_RING,
    BRIGHT,
    DIM,
    DOT_KEY,
    GOOD,
    INK,
    SUNKEN,
    TEXT,
    Colour,
    chosen,
    coalition_colour,
)
from game.view.viewstate import ViewState

SMALL_BUTTON = 12 * UI_SCALE
VALUE_W = 22 * UI_SCALE  # a trait's value right of its bar ("0.50")
Row = tuple[str, Colour, float | None]  # text, its colour, and a bar's value for a bar row


def detail_rows(c: Card, texts: Texts, width: int) -> list[Row]:
    """The card's rows (DESIGN.md §4): each level of detail adds a section of the projection."""
    def text(line: str, colour: Colour) -> list[Row]:
        return [(row, colour, None) for row in texts.wrap(line, width)]

    rows = text(c.doing, TEXT)
    if c.temper is not None:
        rows += text(f"{c.temper.archetype} · {c.temper.mood}", TEXT)
    if c.voice is not None:
        rows += text(f"{c.voice.worldview}: {c.voice.metaphor}", BRIGHT)
        for line in c.voice.lines:
            rows += text(f'"{line}"', DIM)
    if c.ties is not None:
        rows += text("memories", BRIGHT)
        for memory, times in _runs(c.ties.memories or ("none yet",)):
            rows += text(f"· {memory}" + (f" ×{times}" if times > 1 else ""), TEXT)
        # The closest on as few lines as they fit, each whole: a card at full detail fits the
        # column of a 1280×720 window.
        closest = " · ".join(f"{bond.name} {bond.weight:+.2f}" for bond in c.ties.bonds)
        rows += [(line, TEXT, None) for line in texts.wrap_parts(f"closest: {closest}", width)]
    if c.measures is not None:
        rows += [(trait.dimension, DIM, trait.value) for trait in c.measures.personality]
        rows += text(f"surplus {c.measures.surplus:.0f} · "
                     f"reputation {c.measures.reputation:.3f}", TEXT)
    if c.opacity is not None:
        rows += text(f"keeps to itself: {c.opacity}", DIM)
    return rows


def _runs(items: Sequence[str]) -> list[tuple[str, int]]:
    """Each item with how many times it comes in a row ("Ada greeted Bruno" twice: once, ×2)."""
    out: list[tuple[str, int]] = []
    for item in items:
        if out and out[-1][0] == item:
            out[-1] = (item, out[-1][1] + 1)
        else:
            out.append((item, 1))
    return out


class CitizenCard:
    """The selected citizen: wheel or −/+ change the detail, "why?" shows the why chain."""

    def __init__(self, assets: Assets) -> None:
        self.texts = Texts(assets)
        self.faces = Faces(assets)
        self.rect = pygame.Rect(0, 0, 0, 0)
        self.buttons: dict[str, pygame.Rect] = {}
        self.hides: tuple[str, ...] = ()  # what the column left out to make room for the card
        self.painted = Painted()
        self._rows: tuple[object, list[Row]] | None = None
        self.links: dict[int, Intent] = {}  # row index → where a click on a why step goes
        self._shown = 0  # rows painted whole (a link past them is under the "+n lines" row)
        self._label_w = max(self.texts.width(d) for d in config.DIMENSIONS) + 4 * UI_SCALE

    def layout(self, rect: pygame.Rect) -> None:
        self.rect = rect
        y = rect.y + PAD // 2
        x = rect.right - PAD // 2
        self.buttons = {}
        for name, w in (("why", 26 * UI_SCALE), ("more", SMALL_BUTTON), ("less", SMALL_BUTTON)):
            x -= w
            self.buttons[name] = pygame.Rect(x, y, w, SMALL_BUTTON)
            x -= UI_SCALE

    def rows(self, view: ViewState, width: int | None = None) -> list[Row]:
        """The card's rows, wrapped to its width (or to a card `width` pixels wide)."""
        c = view.citizen
        if c is None:
            return []
        width = (self.rect.w if width is None else width) - 2 * PAD
        key = (c, view.why, width)
        if self._rows is None or self._rows[0] != key:
            rows = detail_rows(c, self.texts, width)
            self.links = {}
            if view.why is not None:
                rows.append(("why?", BRIGHT, None))
                for line in view.why:
                    wrapped = self.texts.wrap(line.text, width)
                    if line.event_id is not None:  # a step: a click goes there, as the feed's
                        step = JumpToEvent(line.event_id, line.tick)
                        self.links.update((len(rows) + i, step) for i in range(len(wrapped)))
                    rows += [(row, TEXT, None) for row in wrapped]
            self._rows = (key, rows)
        return self._rows[1]

    def wanted_height(self, view: ViewState, width: int) -> int:
        """How tall the card would be `width` pixels wide, every row shown."""
        return (len(self.rows(view, width)) + 1) * LINE_H + PAD + UI_SCALE * 2

    def hit(self, pos: tuple[int, int]) -> bool:
        return self.rect.collidepoint(pos)

    def handle(self, event: pygame.event.Event) -> Intent | None:
        if event.type == pygame.MOUSEWHEEL and event.y:
            return ChangeDetail(1 if event.y > 0 else -1)
        if event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
            actions: dict[str, Intent] = {"why": AskWhy(), "more": ChangeDetail(1),
                                          "less": ChangeDetail(-1)}
            for name, rect in self.buttons.items():
                if rect.collidepoint(event.pos):
                    return actions[name]
            row = (event.pos[1] - self._rows_top()) // LINE_H
            return self.links.get(row) if row < self._shown else None
        return None

    def _rows_top(self) -> int:
        """Where the card's first row stands, in window pixels."""
        return self.rect.y + PAD // 2 + LINE_H + UI_SCALE * 2

    def draw(self, surface: pygame.Surface, view: ViewState) -> None:
        c = view.citizen
        if c is None:
            return
        self.painted.draw(surface, self.rect, (c, view.why, self.hides, self.rect.size),
                          lambda target, r: self._paint(target, r, view))

    def _paint(self, surface: pygame.Surface, r: pygame.Rect, view: ViewState) -> None:
        c = view.citizen
        assert c is not None
        self.faces.panel(surface, r)
        dx, dy = r.x - self.rect.x, r.y - self.rect.y  # the buttons stand in window pixels
        title_w = self.buttons["less"].x - self.rect.x - PAD - UI_SCALE
        title = self.texts.fit(f"{c.name} · {c.lod}/{MAX_LOD}", title_w)
        surface.blit(self.texts.get(title, BRIGHT), (r.x + PAD, r.y + PAD // 2 + UI_SCALE * 2))
        for name, button in self.buttons.items():
            rect = button.move(dx, dy)
            self.faces.button(surface, rect, down=name == "why" and view.why is not None)
            label = self.texts.get({"why": "why?", "more": "+", "less": "-"}[name], INK)
            surface.blit(label, (rect.centerx - label.get_width() // 2, rect.y + UI_SCALE * 2))
        clip = surface.get_clip()
        surface.set_clip(r.inflate(-2 * UI_SCALE, -2 * UI_SCALE).clip(clip))
        y = self._rows_top() + r.y - self.rect.y
        rows = self.rows(view)
        room = max(0, (r.bottom - PAD // 2 - y) // LINE_H)
        tail = self._tail(len(rows), room, r.w - 2 * PAD)
        self._shown = min(len(rows), room - len(tail))
        rows = [*rows[:self._shown], *((text, DIM, None) for text in tail)]
        for text, colour, value in rows:
            self._paint_row(surface, r, y, text, colour, value)
            y += LINE_H
        surface.set_clip(clip)

    def _tail(self, total: int, room: int, width: int) -> list[str]:
        """The lines under the card's whole rows that say what is left out: the rows past
        `room` ("+3 lines"), and what the column hid for room (the scatter, the feed), on one
        line when it holds both, else on two."""
        if total <= room:  # the card whole: what the column hid, given a line
            return [self._left_out("", width)] if self.hides and total < room else []
        if room < 1:
            return []
        said = self._left_out(f"+{total - room + 1} lines", width)
        if not self.hides or "hidden" in said or room < 2:
            return [said]
        return [self._left_out(f"+{total - room + 2} lines", width, hides=False),
                self._left_out("", width)]

    def _left_out(self, lines: str, width: int, hides: bool = True) -> str:
        """One line saying what the card's `lines` ("+3 lines", or "") and the column (the
        scatter, the feed) left out for room, as fully as `width` allows."""
        both, listed = " and ".join(self.hides), ", ".join(self.hides)
        tries = ((f"{lines}, {listed} hidden: [ shows less", f"{lines}, {listed} hidden",
                  f"{lines}: [ shows less", lines) if lines and hides and self.hides
                 else (f"{lines}: [ shows less", lines) if lines
                 else (f"{both} hidden for room: [ shows less", f"{both} hidden for room",
                       f"{listed} hidden"))
        return next((t for t in tries if self.texts.width(t) <= width), tries[-1])

    def _paint_row(self, surface: pygame.Surface, r: pygame.Rect, y: int, text: str,
                   colour: Colour, value: float | None) -> None:
        """One line of the card: text, or a trait's full name, its bar and its value."""
        x = r.x + PAD
        if value is None:
            surface.blit(self.texts.get(self.texts.fit(text, r.w - 2 * PAD), colour), (x, y))
            return
        surface.blit(self.texts.get(text, colour), (x, y))
        bar = pygame.Rect(x + self._label_w, y + UI_SCALE,
                          max(UI_SCALE, r.w - 2 * PAD - self._label_w - VALUE_W), 6 * UI_SCALE)
        surface.fill(SUNKEN, bar)
        filled = int(bar.w * max(0.0, min(1.0, value))) // UI_SCALE * UI_SCALE
        surface.fill(GOOD, (bar.x, bar.y, filled, bar.h))
        surface.blit(self.texts.get(f"{value:.2f}", TEXT), (bar.right + UI_SCALE * 2, y))


class Scatter:
    """Personalities in 2-D: one square per citizen in its coalition's colour, bridges ringed;
    the axes say which dimensions they follow, the title line which colour is which coalition."""

    DOT = 3 * UI_SCALE
    TITLE = "personality · PCA"
    AXIS_W = LINE_H  # the upright y axis label's column

    NAMED_UP_TO = 60  # a big scatter names its citizens while they are this few

    def __init__(self, assets: Assets, *, big: bool = False) -> None:
        self.texts = Texts(assets)
        self.faces = Faces(assets)
        self.big = big  # the whole town's place when the map is switched off: names by the dots
        self.rect = pygame.Rect(0, 0, 0, 0)
        self.plot = pygame.Rect(0, 0, 0, 0)
        self.hover: int | None = None
        self.painted = Painted()
        # Each dot's place in window pixels, and its surface and top left corner: a city's
        # thousands, worked out as arrays and blitted in one call.
        self._xs = self._ys = self._lefts = self._tops = np.zeros(0, dtype=np.int64)
        self._dots: list[pygame.Surface] = []
        self._placed_for: ScatterView | None = None
        self._named: list[tuple[pygame.Surface, tuple[int, int]]] = []
        self._placed_in = pygame.Rect(0, 0, 0, 0)
        self._inks = chosen()  # the coalitions' palette the dots were drawn in

    def layout(self, rect: pygame.Rect) -> None:
        self.rect = rect
        top = rect.y + LINE_H + PAD // 2 + self.DOT
        left = rect.x + PAD + self.AXIS_W
        bottom = rect.bottom - PAD // 2 - LINE_H - self.DOT
        self.plot = pygame.Rect(left, top, max(rect.right - PAD - left, 1), max(bottom - top, 1))

    def hit(self, pos: tuple[int, int]) -> bool:
        return self.rect.collidepoint(pos)

    @property
    def placed(self) -> int:
        """How many dots are placed."""
        return int(self._xs.size)

    def where(self, i: int) -> tuple[int, int]:
        """Dot i's centre in window pixels."""
        return int(self._xs[i]), int(self._ys[i])

    def point_at(self, pos: tuple[int, int]) -> int | None:
        """The dot nearest `pos` within reach (of several as near, the last drawn: on top)."""
        if not self._xs.size:
            return None
        d = (self._xs - pos[0]) ** 2 + (self._ys - pos[1]) ** 2
        last = d.size - 1 - int(np.argmin(d[::-1]))
        return last if d[last] <= (6 * UI_SCALE) ** 2 else None

    def handle(self, event: pygame.event.Event) -> Intent | None:
        if event.type == pygame.MOUSEMOTION:
            self.hover = self.point_at(event.pos)
        elif event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
            i = self.point_at(event.pos)
            if i is not None:
                return Select(i, centre=True)
        return None

    def draw(self, surface: pygame.Surface, view: ViewState) -> None:
        sc = view.scatter
        if sc is not self._placed_for or self.plot != self._placed_in or self._inks != chosen():
            self._place(sc)
        self.painted.draw(surface, self.rect, (sc, view.axes, self.rect.size, self._inks),
                          lambda target, r: self._paint(target, r, view))
        r, p, d = self.rect, self.plot, self.DOT
        selected = view.citizen.index if view.citizen is not None else None
        for marked, colour in ((self.hover, TEXT), (selected, BRIGHT)):
            if marked is None or marked >= self.placed:
                continue
            x, y = self.where(marked)
            pygame.draw.rect(surface, colour, (x - d, y - d, 2 * d, 2 * d), UI_SCALE)
            label = self.texts.get(sc.names[marked], colour)
            lx = min(max(x - label.get_width() // 2, r.x + PAD), r.right - PAD - label.get_width())
            ly = y - d - LINE_H if y - d - LINE_H > p.y else y + d
            surface.blit(label, (lx, ly))

    def _place(self, sc: ScatterView) -> None:
        """Each dot's place in window pixels: once per readout (a tick), a city has thousands,
        so the places are worked out for all at once and each kind of dot is looked up once."""
        p = self.plot
        xs = p.x + (np.array(sc.x) * p.w).astype(np.int64) // UI_SCALE * UI_SCALE
        ys = p.bottom - (np.array(sc.y) * p.h).astype(np.int64) // UI_SCALE * UI_SCALE
        half = self.DOT // 2 + UI_SCALE
        self._xs, self._ys, self._lefts, self._tops = xs, ys, xs - half, ys - half
        kinds = np.array(sc.coalition, dtype=np.int64) * 2  # a dot's kind: slot · 2 + bridge
        kinds[list(sc.bridges)] += 1
        dots = {k: scatter_dot(k >> 1, bool(k & 1)) for k in np.unique(kinds).tolist()}
        self._dots = list(map(dots.__getitem__, kinds.tolist()))
        self._placed_for, self._placed_in, self._inks = sc, p.copy(), chosen()
        self._named = []

    def _paint(self, surface: pygame.Surface, r: pygame.Rect, view: ViewState) -> None:
        """The panel, title, legend, axes and dots (what changes only with the readout)."""
        self.faces.panel(surface, r)
        title = self.texts.get(self.TITLE, BRIGHT)
        surface.blit(title, (r.x + PAD, r.y + PAD // 2 + UI_SCALE))
        dx, dy = r.x - self.rect.x, r.y - self.rect.y  # the dots stand in window pixels
        self._paint_legend(surface, r, view.scatter, r.x + 2 * PAD + title.get_width())
        self._paint_axes(surface, r, view.axes)
        surface.fblits(zip(self._dots, zip((self._lefts + dx).tolist(),
                                           (self._tops + dy).tolist(), strict=True),
                           strict=True))
        if self.big and self.placed <= self.NAMED_UP_TO:
            surface.fblits([(name, (x + dx, y + dy))
                            for name, (x, y) in self._names(view.scatter.names)])

    def _paint_legend(self, surface: pygame.Surface, r: pygame.Rect, sc: ScatterView,
                      left: int) -> None:
        """Right of the title: a dot in each coalition's colour with its number, as many as
        fit, then how many more."""
        numbers = sorted({slot for slot in sc.coalition if slot >= 0})
        y = r.y + PAD // 2 + UI_SCALE
        right = r.right - PAD
        dot_w = self.DOT + 2 * UI_SCALE
        entries = [(scatter_dot(n, False), self.texts.get(str(n), TEXT)) for n in numbers]
        widths = [dot_w + UI_SCALE + label.get_width() + 3 * UI_SCALE for _, label in entries]
        upto = list(itertools.accumulate(widths, initial=0))  # a city has hundreds of entries
        shown = len(entries)
        while shown and left + upto[shown] + self._more_w(len(entries) - shown) > right:
            shown -= 1
        x = right - upto[shown] - self._more_w(len(entries) - shown)
        for (dot, label), w in zip(entries[:shown], widths, strict=False):
            surface.blit(dot, (x, y + (9 * UI_SCALE - dot_w) // 2))
            surface.blit(label, (x + dot_w + UI_SCALE, y))
            x += w
        if shown < len(entries) and x >= left:
            surface.blit(self.texts.get(f"+{len(entries) - shown}", DIM), (x, y))

    def _more_w(self, more: int) -> int:
        return self.texts.width(f"+{more}") if more else 0

    def _paint_axes(self, surface: pygame.Surface, r: pygame.Rect, axes: Axes) -> None:
        """Under the plot, "→" and the dimensions growing rightward; up its left side, the
        same turned upright for the dimensions growing upward: as many as fit whole."""
        p = self.plot.move(r.x - self.rect.x, r.y - self.rect.y)
        column = r.bottom - PAD // 2 - (r.y + LINE_H + PAD // 2)  # under the title, left of x's
        for axis, room, upright in ((axes.x, p.w, False), (axes.y, column, True)):
            words = next((w for w in (f"→ {axis.words(k)}" for k in range(3, 0, -1))
                          if self.texts.width(w) <= room), "") if axis.loadings else ""
            if not words:
                continue
            label = self.texts.get(words, DIM)
            if upright:
                turned = pygame.transform.rotate(label, 90)
                surface.blit(turned, (r.x + PAD - UI_SCALE,
                                      r.bottom - PAD // 2 - turned.get_height()))
            else:
                surface.blit(label, (p.x, p.bottom + self.DOT + UI_SCALE))

    def _names(self, names: Sequence[str]) -> list[tuple[pygame.Surface, tuple[int, int]]]:
        """Each dot's name beside it (right, left, above or below, whichever is free and inside
        the plot); a name with no free place is left to the hover label."""
        if self._named:
            return self._named
        title = self.texts.get(self.TITLE, BRIGHT)
        taken = [pygame.Rect(self.rect.x, self.rect.y, title.get_width() + 2 * PAD, LINE_H + PAD)]
        points = list(zip(self._xs.tolist(), self._ys.tolist(), strict=True))
        taken += [pygame.Rect(x - self.DOT, y - self.DOT, 2 * self.DOT, 2 * self.DOT)
                  for x, y in points]
        gap = self.DOT
        for name, (x, y) in zip(names, points, strict=True):
            label = self.texts.get(name, DIM)
            w, h = label.get_size()
            for left, top in ((x + gap, y - h // 2), (x - gap - w, y - h // 2),
                              (x - w // 2, y - gap - h), (x - w // 2, y + gap)):
                spot = pygame.Rect(left, top, w, h)
                if self.rect.contains(spot) and spot.collidelist(taken) < 0:
                    taken.append(spot)
                    self._named.append((label, spot.topleft))
                    break
        return self._named


def scatter_dot(slot: int, bridge: bool) -> pygame.Surface:
    """One citizen's dot: its coalition's emblem (shape and colour, `game.view.emblems`), or a
    DIM square for none (slot −1), in a white ring for a bridge."""
    if slot >= 0:
        return emblem(slot, coalition_colour(slot), Scatter.DOT, BRIDGE_RING if bridge else None)
    return _lone_dot(bridge)


@lru_cache(maxsize=2)
def _lone_dot(bridge: bool) -> pygame.Surface:
    colour = DIM
    d, u = Scatter.DOT, UI_SCALE
    dot = pygame.Surface((d + 2 * u, d + 2 * u))
    dot.fill(DOT_KEY)
    dot.set_colorkey(DOT_KEY)
    if bridge:
        dot.fill(BRIDGE_RING)
    dot.fill(INK, (u // 2, u // 2, d + u, d + u))
    dot.fill(colour, (u, u, d, d))
    return dot
