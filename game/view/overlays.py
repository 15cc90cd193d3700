"""Modal boxes and drawings over the map: the help overlay, coalition lines
and the rings that mark a card's candidate targets or a focused event's participants.

The modals are widgets (`layout`, `draw`, `handle`); the map drawings are functions over the
world's citizen layout. Never imports the timeline or the flux.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import pygame

from game.view.assets import Assets
from game.view.emblems import emblem
from game.view.hud import LINE_H, PAD, UI_SCALE, Faces, Texts, shade
from game.view.input import Intent, Toggle, key_intent
from game.view.keys import help_rows
from game.view.palette import BRIGHT, DIM, OUTLINE, TEXT, WARN, Colour, coalition_colour
from game.view.viewstate import ViewState
from game.view.world import CitizenLayout

MOUSE_HELP: tuple[tuple[str, str], ...] = (
    ("left click", "select a citizen"),
    ("double-click a citizen", "follow them (pan to stop)"),
    ("drag, right drag", "move the view"),
    ("wheel", "zoom the map"),
    ("wheel on the card", "more or less detail"),
    ("click a card", "arm it"),
    ("then click citizens", "its targets, in order"),
    ("right click", "play with the targets so far"),
    ("drag the knob", "scrub through time"),
    ("click the track", "jump to that tick"),
    ("click a flag", "jump to that card"),
    ("click a diamond", "jump to that story moment"),
    ("click an event", "jump there, light its causes"),
    ("wheel, drag the feed", "scroll back in time"),
    ("wheel on the timeline", "zoom; right drag pans"),
    ("click a scatter dot", "select that citizen, go there"),
    ("click the minimap (N)", "go there"),
    ("timeline buttons", "step, play, speed, live, branch"),
    ("right click speed", "one speed slower"),
)
GAP = 12 * UI_SCALE  # between the help's columns
KEY_GAP = 6 * UI_SCALE  # between a key and what it does


class HelpOverlay:
    """Every mouse action and key, and where the log file is. Any key or click closes it."""

    def __init__(self, assets: Assets, log_path: str) -> None:
        self.texts = Texts(assets)
        self.faces = Faces(assets)
        self.log_path = log_path
        self.rect = pygame.Rect(0, 0, 0, 0)
        self.screen = pygame.Rect(0, 0, 0, 0)
        # Per column: its title, its rows as wrapped lines of (key, what), the width of its key
        # part and its width.
        self._columns: list[tuple[str, list[list[tuple[str, str]]], int, int]] = []

    def layout(self, rect: pygame.Rect) -> None:
        self.screen = rect
        # The key column is generated from the key table as bound: one line per row, cards last.
        sections = [("mouse", MOUSE_HELP), ("keys", help_rows())]
        room = rect.w - 4 * PAD - GAP * (len(sections) - 1)
        widths = self._widths(sections, room)
        self._columns = [(title, *self._wrapped(rows, w), w)
                         for (title, rows), w in zip(sections, widths, strict=True)]
        lines = max(sum(len(row) for row in rows) for _, rows, _, _ in self._columns)
        h = min(rect.h - 2 * PAD, (lines + 5) * LINE_H + 2 * PAD)  # title, heads, two notes
        self.rect = pygame.Rect(0, 0, min(rect.w - 2 * PAD, sum(widths) + GAP * (
            len(widths) - 1) + 2 * PAD), h)
        self.rect.center = rect.center

    def _widths(self, sections: Sequence[tuple[str, Sequence[tuple[str, str]]]],
                room: int) -> list[int]:
        """Each column as wide as its text needs; when they do not all fit, each gives up room
        in proportion to its need (its lines then wrap)."""
        needs = [max(self.texts.width(key) for key, _ in rows) + KEY_GAP
                 + max(self.texts.width(what) for _, what in rows) for _, rows in sections]
        if sum(needs) <= room:
            return needs
        return [need * room // sum(needs) for need in needs]

    def _wrapped(self, rows: Sequence[tuple[str, str]], width: int
                 ) -> tuple[list[list[tuple[str, str]]], int]:
        """Each row as lines of (key, what) fitting `width`, and the key part's width (at most
        half)."""
        key_w = min(width // 2, max(self.texts.width(key) for key, _ in rows) + KEY_GAP)
        out = []
        for key, what in rows:
            keys = self.texts.wrap(key, key_w - KEY_GAP)
            whats = self.texts.wrap(what, width - key_w)
            n = max(len(keys), len(whats))
            out.append([(keys[i] if i < len(keys) else "", whats[i] if i < len(whats) else "")
                        for i in range(n)])
        return out, key_w

    def hit(self, pos: tuple[int, int]) -> bool:
        return True

    def handle(self, event: pygame.event.Event) -> Intent | None:
        if event.type == pygame.KEYDOWN and key_intent(event) == Toggle("settings"):
            return Toggle("settings")  # F10 opens the settings over the help
        if event.type in (pygame.KEYDOWN, pygame.MOUSEBUTTONDOWN):
            return Toggle("help")
        return None

    def draw(self, surface: pygame.Surface, view: ViewState) -> None:
        shade(surface, self.screen, 120)
        r = self.rect
        self.faces.panel(surface, r)
        surface.blit(self.texts.get("Agent Town — help", BRIGHT), (r.x + PAD, r.y + PAD))
        top = r.y + PAD + LINE_H + UI_SCALE * 4
        notes = 2 if view.switched_off else 1
        bottom = r.bottom - PAD - notes * LINE_H
        x = r.x + PAD
        cut = False
        for title, rows, key_w, width in self._columns:
            surface.blit(self.texts.get(title, DIM), (x, top))
            y = top + LINE_H
            for row in rows:
                if y + LINE_H * len(row) > bottom:
                    cut = True
                    break
                for key, what in row:
                    surface.blit(self.texts.get(key, BRIGHT), (x, y))
                    surface.blit(self.texts.get(what, TEXT), (x + key_w, y))
                    y += LINE_H
            x += width + GAP
        self._notes(surface, view, cut)

    def _notes(self, surface: pygame.Surface, view: ViewState, cut: bool) -> None:
        """Under the columns: what is switched off, and where the log is (or that the window is
        too small for all of the help)."""
        r = self.rect
        last = ("make the window taller to see all of the help" if cut
                else f"log file: {self.log_path}")
        surface.blit(self.texts.get(self.texts.fit(last, r.w - 2 * PAD), WARN if cut else DIM),
                     (r.x + PAD, r.bottom - PAD - LINE_H))
        if view.switched_off:
            off = self.texts.fit("switched off for this town: " + ", ".join(view.switched_off),
                                 r.w - 2 * PAD)
            surface.blit(self.texts.get(off, WARN), (r.x + PAD, r.bottom - PAD - 2 * LINE_H))


def draw_coalitions(surface: pygame.Surface, layout: CitizenLayout,
                    coalitions: Iterable[tuple[int, Sequence[int]]]) -> None:
    """Each coalition (its slot, its members) joined by the shortest tree over the members'
    screen positions, each member marked with the coalition's emblem: its colour and shape."""
    width = max(1, layout.zoom)
    for slot, members in coalitions:
        colour = coalition_colour(slot)
        mark = emblem(slot, colour, 5 * width + 5)
        half = mark.get_width() // 2
        points = [(int(layout.feet_x[i]), int(layout.feet_y[i]) - 4 * layout.zoom)
                  for i in members]
        for a, b in _spanning_tree(points):
            pygame.draw.line(surface, OUTLINE, points[a], points[b], width + 2)
            pygame.draw.line(surface, colour, points[a], points[b], width)
        surface.fblits([(mark, (x - half, y - half)) for x, y in points])


def coalition_near(layout: CitizenLayout, coalitions: Sequence[Sequence[int]],
                   pos: tuple[int, int], reach: float) -> int | None:
    """Which of `coalitions` (members each) has a line, as `draw_coalitions` draws it, within
    `reach` pixels of `pos`: the nearest, or None."""
    best, best_d = None, reach
    px, py = pos
    for k, members in enumerate(coalitions):
        points = [(int(layout.feet_x[i]), int(layout.feet_y[i]) - 4 * layout.zoom)
                  for i in members]
        for a, b in _spanning_tree(points):
            (ax, ay), (bx, by) = points[a], points[b]
            dx, dy = bx - ax, by - ay
            along = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)
                                 if dx or dy else 0.0))
            d = float(np.hypot(ax + along * dx - px, ay + along * dy - py))
            if d <= best_d:
                best, best_d = k, d
    return best


def draw_rings(surface: pygame.Surface, layout: CitizenLayout, who: Iterable[int],
               colour: Colour) -> None:
    """An ellipse at the feet of each citizen in `who` that is on screen."""
    z = layout.zoom
    for i in who:
        if not layout.visible[i]:
            continue
        x, y = int(layout.feet_x[i]), int(layout.feet_y[i])
        ring = pygame.Rect(x - 8 * z, y - 4 * z, 16 * z, 8 * z)
        pygame.draw.ellipse(surface, OUTLINE, ring.inflate(2, 2), max(1, z) + 2)
        pygame.draw.ellipse(surface, colour, ring, max(1, z))


def draw_labels(surface: pygame.Surface, layout: CitizenLayout, texts: Texts,
                labels: Iterable[tuple[int, str]], colour: Colour = BRIGHT,
                avoid: Sequence[pygame.Rect] = ()) -> list[pygame.Rect]:
    """A tag over a citizen's head (a chosen target's role), above where its name label goes,
    so the two never cover each other; a tag that would cover a place's sign (`avoid`) or
    another tag stands beside the head instead, or else climbs above it, a line down to the
    head saying whose it is. Returns the tags' boxes."""
    name_h = (texts.font.line_height + 2) * layout.text  # an outlined name label
    taken = list(avoid)
    placed: list[pygame.Rect] = []
    for i, text in labels:
        if not layout.visible[i]:
            continue
        label = texts.get(text, colour)
        head_x, head_y = layout.head(i)
        x = head_x - label.get_width() // 2
        y = head_y - name_h - UI_SCALE * 2 - label.get_height()
        above = pygame.Rect(x - UI_SCALE * 2, y - UI_SCALE, label.get_width() + UI_SCALE * 4,
                            label.get_height() + UI_SCALE * 2)
        gap = 4 * UI_SCALE
        beside = (above.move(head_x + gap - above.x, head_y - above.bottom),  # right, left
                  above.move(head_x - gap - above.right, head_y - above.bottom))
        box = next((b for b in (above, *beside) if b.collidelist(taken) < 0), above.copy())
        while (k := box.collidelist(taken)) >= 0:
            box.bottom = taken[k].top - UI_SCALE
        if box.bottom < above.bottom:  # climbed: a line down to whose tag it is
            pygame.draw.line(surface, colour, (box.centerx, box.bottom), (head_x, head_y),
                             UI_SCALE)
        taken.append(box)
        placed.append(box)
        surface.fill(OUTLINE, box)
        surface.blit(label, (box.x + UI_SCALE * 2, box.y + UI_SCALE * 2))
    return placed


def _spanning_tree(points: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """Prim's minimum spanning tree over screen points: (a, b) index pairs."""
    n = len(points)
    if n < 2:
        return []
    xy = np.array(points, dtype=np.float64)
    dist = np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1))
    inside = np.zeros(n, dtype=bool)
    inside[0] = True
    best = dist[0].copy()
    parent = np.zeros(n, dtype=np.int64)
    edges: list[tuple[int, int]] = []
    for _ in range(n - 1):
        candidates = np.where(inside, np.inf, best)
        j = int(np.argmin(candidates))
        edges.append((int(parent[j]), j))
        inside[j] = True
        closer = dist[j] < best
        best = np.where(closer, dist[j], best)
        parent = np.where(closer, j, parent)
    return edges
