"""The timeline bar and the branch list.

The bar spans the current branch from tick 0 to its head: phase and day bands, one mark per
event coloured by its operation, perturbation flags (click to jump), the fork point, a metrics
sparkline above with the story's diamonds on it (a coalition formed or dissolved, a rumor that
spread, a dispute, a festival: hover for what happened, click to jump), and the knob at the
cursor (drag to scrub). Buttons: step back one event, play/pause, step forward, speed, jump to
the live head, and the branch switcher.

The wheel over the bar zooms time around the tick under the mouse (`game.view.timespan`), from
the whole history down to a few seconds, and a right drag pans; the track then says the day
and, zoomed in, the clock. Story diamonds too close to tell apart become one with a count
(click it to zoom in on them). While the feed is filtered, its matches are ticked over the
track.

Marks are drawn once onto a cached surface and only new ones are added as the head grows; the
cache is rebuilt when the branch's list of marks, the span (a whole number of phases) or the
size changes, and the sparkline likewise, so a frame while scrubbing blits those two surfaces
and draws the flags, diamonds and knob over them. Never imports the timeline or the flux.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import pygame

from game import config
from game.trace.story import STORY_KINDS, StoryMarker
from game.view.assets import Assets
from game.view.hud import LINE_H, PAD, UI_SCALE, Faces, Layer, Texts, glyph
from game.view.input import (
    CycleSpeed,
    Intent,
    JumpLive,
    JumpTo,
    Scrub,
    StepEvent,
    SwitchBranch,
    Toggle,
    TogglePause,
)
from game.view.palette import (
    BRIGHT,
    CHOSEN_ROW,
    DIM,
    FUTURE,
    GOOD,
    INK,
    OP_COLOURS,
    PHASE_BANDS,
    SPARK_COOPERATION,
    SPARK_DRAMA,
    SPARK_TENSION,
    SUNKEN,
    TEXT,
    WHITE,
    Colour,
)
from game.view.timespan import MIN_WIDTH, TimeWindow, clusters, ruler
from game.view.viewstate import BranchEntry, Marks, Track, ViewState
from game.view.when import on_the_clock, when

BUTTON = 16 * UI_SCALE
GLYPHS: dict[str, tuple[str, ...]] = {
    "back": ("#....#", "#...##", "#..###", "#.####", "#..###", "#...##", "#....#"),
    "play": ("#.....", "###...", "#####.", "######", "#####.", "###...", "#....."),
    "pause": ("##..##",) * 7,
    "forward": ("#....#", "##...#", "###..#", "####.#", "###..#", "##...#", "#....#"),
    "live": ("#..#..#", "##.##.#", "######.", "#######", "######.", "##.##.#", "#..#..#"),
}
# Story markers are diamonds (perturbations are flags): an ink outline around a coloured fill.
STORY_OUTLINE = ("...#...", "..###..", ".#####.", "#######", ".#####.", "..###..", "...#...")
STORY_FILL = (".......", "...#...", "..###..", ".#####.", "..###..", "...#...", ".......")


def column(tick: Any, span: int, width: int) -> Any:
    """Where a tick (or an array of them) falls along a track `width` px wide spanning `span`
    ticks: a whole UI pixel from the left, the last one for the end of the span."""
    return np.minimum(width - UI_SCALE, tick * width // max(span, 1)) // UI_SCALE * UI_SCALE


RULER_GAP = 48 * UI_SCALE  # day and clock labels keep at least this far apart
CROWD_GAP = 16 * UI_SCALE  # story diamonds nearer than this (with room for a count) are one
FOUND = WHITE  # the ticks of the feed filter's matches


SHORT_MARKS = frozenset({"walk", "arrive", "rest"})  # half height: comings and goings


class Grown:
    """Columns of an append-only sequence (a branch's story markers), read only for
    the items added since the last time: a city's run holds tens of thousands, and the bar is
    drawn every frame. Another sequence starts over."""

    def __init__(self, read: Callable[[Sequence[Any]], tuple[npt.NDArray[Any], ...]]) -> None:
        self._read = read
        self._of: object = None
        self._columns = read(())

    def of(self, items: Sequence[Any]) -> tuple[npt.NDArray[Any], ...]:
        held = self._columns[0].size
        if self._of is not items or held > len(items):
            self._columns, held = self._read(()), 0
        if held < len(items):
            more = self._read(items[held:])
            self._columns = tuple(np.concatenate(pair)
                                  for pair in zip(self._columns, more, strict=True))
        self._of = items
        return self._columns


def draw_marks(surface: pygame.Surface, marks: Marks, span: float, h: int, lo: float = 0.0,
               start: int = 0) -> None:
    """Event marks from the `start`-th on (in tick order) over `surface` spanning `span` ticks
    from tick `lo`, as if each were filled in turn, later over earlier, with at most two fills
    per column: the last tall mark of a column, then its last short mark if that came after (a
    day of a city holds tens of thousands of marks, the track a thousand pixels). Marks out of
    the span are left out."""
    width = surface.get_width()
    ticks, codes = marks.ticks[start:], marks.codes[start:]
    short = np.array([op in SHORT_MARKS for op in marks.ops], dtype=bool)[codes]
    colours = [OP_COLOURS.get(op, TEXT) for op in marks.ops]
    # `column`, for every mark at once (a float quotient floors as the integer one does).
    xs = np.floor((ticks - lo) * width / max(span, 1)).astype(np.int64)
    xs = np.minimum(width - UI_SCALE, xs) // UI_SCALE * UI_SCALE
    seen = np.flatnonzero((ticks >= lo) & (ticks <= lo + span))
    # The last mark of each column and height: in tick order, a column's marks of one height
    # are a run, whose last is where the column changes (no sort of a city's marks).
    last = np.sort(np.concatenate([_run_ends(seen[short[seen] == height], xs)
                                   for height in (False, True)]))
    drawn = list(zip(last.tolist(), xs[last].tolist(), short[last].tolist(),
                     codes[last].tolist(), strict=True))
    tall = {x: k for k, x, is_short, _ in drawn if not is_short}
    for k, x, is_short, code in drawn:
        if is_short and tall.get(x, -1) > k:
            continue  # a tall mark drawn later covers it
        height = h // 2 if is_short else h
        surface.fill(colours[code], (x, h - height, UI_SCALE, height))


def _run_ends(marks: npt.NDArray[np.int64], xs: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """Of marks in tick order, the last of each run in one column (`xs` by mark)."""
    columns = xs[marks]
    ends = np.ones(marks.size, dtype=bool)
    ends[:-1] = columns[1:] != columns[:-1]
    out: npt.NDArray[np.int64] = marks[ends]
    return out


class TimelineBar:
    """Bottom of the screen: buttons on the left, the track with its sparkline on the right."""

    HEIGHT = 38 * UI_SCALE
    SPARK_H = 9 * UI_SCALE
    MARKER_H = 5 * UI_SCALE
    MARKS_H = 12 * UI_SCALE
    BAND_H = 3 * UI_SCALE

    def __init__(self, assets: Assets) -> None:
        self.texts = Texts(assets)
        self.faces = Faces(assets)
        self.glyphs = {name: glyph(rows, TEXT) for name, rows in GLYPHS.items()}
        self.rect = pygame.Rect(0, 0, 0, self.HEIGHT)
        self.buttons: dict[str, pygame.Rect] = {}
        self.track_rect = pygame.Rect(0, 0, 0, 0)
        self.spark_rect = pygame.Rect(0, 0, 0, 0)
        self.dragging = False
        self.hover_button: str | None = None
        self.hover_x: int | None = None
        self._span = config.PHASE_TICKS
        self._head = 0
        self._markers: list[tuple[pygame.Rect, int, str]] = []  # card flags: tick, card
        self._stories: list[tuple[pygame.Rect, StoryMarker]] = []
        self.hover_story: StoryMarker | None = None
        self._diamonds = {kind: self._diamond(OP_COLOURS.get(kind, TEXT)) for kind in STORY_KINDS}
        self._marks_surface: pygame.Surface | None = None
        self._marks_key: object = None
        self._marks_drawn = 0
        self._spark: tuple[object, pygame.Surface] | None = None
        self.window: TimeWindow | None = None  # zoomed in: the ticks shown (None: all of them)
        self._pointer = 0  # the mouse's x, where the wheel zooms
        self._pan: tuple[int, TimeWindow] | None = None  # a right drag: where it began
        self._crowds: dict[StoryMarker, tuple[StoryMarker, ...]] = {}  # a diamond's count
        self._story_ticks = Grown(
            lambda stories: (np.array([m.tick for m in stories], dtype=np.int64),))
        self._found: tuple[Sequence[int], object, list[int]] = ((), None, [])  # ticked columns
        self._cursor = 0  # the cursor drawn last
        self.layer = Layer()  # the bar as last painted, but the knob
        self._labels: list[tuple[pygame.Rect, pygame.Surface]] = []  # the ruler's, as painted

    # --- layout --------------------------------------------------------------------------------

    def layout(self, rect: pygame.Rect) -> None:
        self.rect = pygame.Rect(rect.x, rect.bottom - self.HEIGHT, rect.w, self.HEIGHT)
        r = self.rect
        y = r.y + (r.h - BUTTON) // 2
        x = r.x + PAD
        self.buttons = {}
        widths = {"back": BUTTON, "play": BUTTON, "forward": BUTTON,
                  "speed": BUTTON + 12 * UI_SCALE, "live": BUTTON, "branch": 44 * UI_SCALE}
        for name, w in widths.items():
            self.buttons[name] = pygame.Rect(x, y, w, BUTTON)
            x += w + 2 * UI_SCALE
        left = x + PAD
        right = r.right - PAD - 2 * UI_SCALE
        top = r.y + 4 * UI_SCALE
        self.spark_rect = pygame.Rect(left, top, max(right - left, 1), self.SPARK_H)
        self.track_rect = pygame.Rect(left, top + self.SPARK_H + UI_SCALE, max(right - left, 1),
                                      self.MARKER_H + self.MARKS_H + self.BAND_H)

    def branch_anchor(self) -> pygame.Rect:
        """Where the branch list opens from (the app lays the list out above it)."""
        return self.buttons.get("branch", self.rect)

    def hit(self, pos: tuple[int, int]) -> bool:
        return self.rect.collidepoint(pos)

    def story_at(self, pos: tuple[int, int]) -> StoryMarker | None:
        """The story marker under the mouse (the nearest one where several overlap)."""
        hits = [(abs(rect.centerx - pos[0]), k) for k, (rect, _) in enumerate(self._stories)
                if rect.collidepoint(pos)]
        return self._stories[min(hits)[1]][1] if hits else None

    # --- input ---------------------------------------------------------------------------------

    @property
    def view(self) -> TimeWindow:
        """The ticks the track shows."""
        return self.window if self.window is not None else TimeWindow.whole(self._span)

    def tick_at(self, x: int) -> int:
        t = self.track_rect
        return max(0, min(self._head, round(self.view.tick(x - t.x, t.w))))

    def zoom(self, steps: int, x: int) -> None:
        """`steps` notches in (out, negative) around screen column `x`: its tick stays there;
        all the way out, the track follows the whole history again."""
        t = self.track_rect
        at = max(0.0, min(1.0, (x - t.x) / max(t.w, 1)))
        window = self.view.zoomed(steps, at, self._span)
        self.window = None if window.is_whole(self._span) else window

    def _panned(self, x: int) -> None:
        if self._pan is not None and self.window is not None:
            start, window = self._pan
            ticks = (start - x) * window.width / max(self.track_rect.w, 1)
            self.window = window.panned(ticks, self._span)

    def handle(self, event: pygame.event.Event) -> Intent | None:
        if event.type == pygame.MOUSEWHEEL and event.y:
            self.zoom(1 if event.y > 0 else -1, self._pointer)
            return None
        if event.type == pygame.MOUSEBUTTONDOWN and event.button == 3 and self.buttons.get(
                "speed", pygame.Rect(0, 0, 0, 0)).collidepoint(event.pos):
            return CycleSpeed(-1)  # the speed button cycles down on a right click
        if event.type == pygame.MOUSEBUTTONDOWN and event.button == 3:
            self._pan = (event.pos[0], self.view)
            return None
        if event.type == pygame.MOUSEBUTTONUP and event.button == 3:
            self._pan = None
            return None
        if event.type == pygame.MOUSEMOTION:
            x = self._pointer = event.pos[0]
            if self._pan is not None:
                self._panned(x)
            self.hover_button = next((n for n, b in self.buttons.items()
                                      if b.collidepoint(event.pos)), None)
            inside = self.track_rect.inflate(0, 4 * UI_SCALE).collidepoint(event.pos)
            self.hover_x = x if inside or self.dragging else None
            self.hover_story = None if self.dragging else self.story_at(event.pos)
            if self.dragging:
                return Scrub(self.tick_at(x))
            return None
        if event.type == pygame.MOUSEBUTTONUP and event.button == 1 and self.dragging:
            self.dragging = False
            return Scrub(self.tick_at(event.pos[0]), done=True)
        if event.type != pygame.MOUSEBUTTONDOWN or event.button != 1:
            return None
        pos = event.pos
        for rect, tick, card in self._markers:
            if rect.collidepoint(pos):
                return JumpTo(tick, card=card)
        story = self.story_at(pos)
        if story is not None:
            return self._open_story(story)
        if self.track_rect.inflate(0, 4 * UI_SCALE).collidepoint(pos):
            self.dragging = True
            return Scrub(self.tick_at(pos[0]))
        clicked = next((n for n, b in self.buttons.items() if b.collidepoint(pos)), None)
        actions: dict[str, Intent] = {
            "back": StepEvent(-1), "play": TogglePause(), "forward": StepEvent(1),
            "speed": CycleSpeed(), "live": JumpLive(), "branch": Toggle("branches"),
        }
        return actions.get(clicked) if clicked else None

    # --- drawing -------------------------------------------------------------------------------

    def draw(self, surface: pygame.Surface, view: ViewState) -> None:
        track = view.track
        self._span, self._head = track.span, track.head
        if self.window is not None:
            self.window = self._following(self.window.inside(track.span), track.cursor)
        self._cursor = track.cursor
        head = self._x(track.head) if self._seen(track.head) else track.head < self.view.lo
        # Everything but the knob and the labels over it, kept while none of what it shows
        # changes (the append-only lists by their length: the same list grows).
        key = (self.window, track.span, head, track.branch, track.marks_key, len(track.marks),
               track.stories, len(track.stories), track.perturbations, track.fork_tick,
               len(track.series), track.chain, track.found, len(track.found),
               self.hover_button, self.hover_story, view.paused, view.town.live,
               view.town.branch, view.resume)
        self.layer.draw(surface, self.rect, key, lambda cache: self._paint(cache, view))
        self._draw_knob(surface, view)

    def _paint(self, surface: pygame.Surface, view: ViewState) -> None:
        track = view.track
        self.faces.panel(surface, self.rect)
        self._draw_buttons(surface, view)
        t = self.track_rect
        surface.fill(SUNKEN, self.spark_rect)
        surface.blit(self._spark_surface(track), self.spark_rect.topleft)
        surface.blit(self._marks(track), (t.x, t.y + self.MARKER_H))
        start = max(self._x(track.head) + UI_SCALE, t.x) if self._seen(track.head) or (
            track.head < self.view.lo) else t.right
        future = pygame.Rect(start, t.y + self.MARKER_H, t.right - start,
                             self.MARKS_H + self.BAND_H)
        if future.w > 0:
            surface.fill(FUTURE, future)
        marks_top = t.y + self.MARKER_H
        for tick in track.chain:
            if self._seen(tick):
                surface.fill(BRIGHT, (self._x(tick), marks_top, UI_SCALE, self.MARKS_H))
        self._draw_found(surface, track.found)
        self._draw_ruler(surface)
        self._draw_markers(surface, track)
        self._draw_stories(surface, track)

    def _x(self, tick: float) -> int:
        """`_xs` of one tick, in plain integers (a one-tick array cost more than the rest)."""
        t = self.track_rect
        if self.window is None:
            x = min(t.w - UI_SCALE, int(tick) * t.w // max(self._span, 1))
        else:
            x = math.floor((tick - self.window.lo) * t.w / self.window.width)
        return t.x + x // UI_SCALE * UI_SCALE

    def _xs(self, ticks: npt.NDArray[Any]) -> npt.NDArray[np.int64]:
        """Where ticks fall along the track, in window pixels on the UI grid: all at once (a
        city's history holds thousands of story markers)."""
        t = self.track_rect
        if self.window is None:
            xs = column(ticks.astype(np.int64), self._span, t.w)
        else:
            xs = np.floor((ticks - self.window.lo) * t.w / self.window.width).astype(np.int64)
        out: npt.NDArray[np.int64] = t.x + xs // UI_SCALE * UI_SCALE
        return out

    def _following(self, window: TimeWindow, cursor: int) -> TimeWindow:
        """Zoomed in on a knob that time carries past the right end: the track moves on with
        it (a zoom elsewhere in the past stays put)."""
        end = window.lo + window.width
        if self._pan is None and not self.dragging and self._cursor <= end < cursor:
            return window.panned(cursor - end + window.width / 4, self._span)
        return window

    def _seen(self, tick: float) -> bool:
        """Whether `tick` is within the ticks the track shows."""
        view = self.view
        return view.lo <= tick <= view.lo + view.width

    def _open_story(self, story: StoryMarker) -> Intent | None:
        """A diamond clicked: jump to its moment; a count of them: zoom in until they part (at
        the closest zoom, jump to the first)."""
        crowd = self._crowds.get(story)
        if crowd is None or self.view.width <= MIN_WIDTH:
            return JumpTo(story.tick, event_id=story.event_id)
        lo, hi = crowd[0].tick, crowd[-1].tick
        width = max(float(MIN_WIDTH), (hi - lo) * 2.0)
        self.window = TimeWindow((lo + hi) / 2 - width / 2, width).inside(self._span)
        return None

    def _draw_buttons(self, surface: pygame.Surface, view: ViewState) -> None:
        for name, rect in self.buttons.items():
            self.faces.button(surface, rect, hover=name == self.hover_button,
                              down=name == "live" and view.town.live)
            if name == "play":
                icon = self.glyphs["play" if view.paused else "pause"]
            elif name in self.glyphs:
                icon = self.glyphs[name]
            else:
                text = view.resume if name == "speed" else f"{view.town.branch} ^"
                icon = self.texts.get(self.texts.fit(text, rect.w - 6 * UI_SCALE), INK)
            surface.blit(icon, (rect.centerx - icon.get_width() // 2,
                                rect.centery - icon.get_height() // 2 + UI_SCALE))

    def _marks(self, track: Track) -> pygame.Surface:
        """The bands and event marks, drawn incrementally onto a cached surface (drawn again
        when the span, the size or the zoom changes)."""
        t = self.track_rect
        size = (t.w, self.MARKS_H + self.BAND_H)
        key = (track.marks_key, track.span, size, self.window)
        view = self.view
        marks = track.marks
        if self._marks_surface is None or self._marks_key != key:
            self._marks_surface = pygame.Surface(size)
            self._marks_surface.fill(SUNKEN)
            self._draw_bands(self._marks_surface, view)
            draw_marks(self._marks_surface, marks, view.width, self.MARKS_H, view.lo)
            self._marks_key, self._marks_drawn = key, len(marks)
        surface = self._marks_surface
        if len(marks) > self._marks_drawn:
            draw_marks(surface, marks, view.width, self.MARKS_H, view.lo, self._marks_drawn)
            self._marks_drawn = len(marks)
        return surface

    def _draw_bands(self, surface: pygame.Surface, view: TimeWindow) -> None:
        w = surface.get_width()
        y = self.MARKS_H
        phase = config.PHASE_TICKS
        for k in range(int(view.lo // phase), math.ceil((view.lo + view.width) / phase)):
            x0 = max(0, math.floor(view.x(k * phase, w)))
            x1 = min(w, math.floor(view.x((k + 1) * phase, w)))
            surface.fill(PHASE_BANDS[k % len(PHASE_BANDS)], (x0, y, max(x1 - x0, 1), self.BAND_H))
            if k % len(config.PHASES) == 0 and k and k * phase >= view.lo:
                surface.fill(INK, (x0, 0, UI_SCALE, y + self.BAND_H))

    def _spark_surface(self, track: Track) -> pygame.Surface:
        r = self.spark_rect
        view = self.view
        key = (track.branch, len(track.series), track.span, r.size, self.window)
        if self._spark is None or self._spark[0] != key:
            surface = pygame.Surface(r.size, pygame.SRCALPHA)
            step = config.METRIC_SAMPLE_TICKS  # one sample either side of the window, to its edges
            series = [s for s in track.series
                      if view.lo - step <= s[0] <= view.lo + view.width + step]
            for index, colour in ((1, SPARK_TENSION), (2, SPARK_COOPERATION), (3, SPARK_DRAMA)):
                values = [s[index] for s in track.series]
                top = max(values, default=0.0)
                if top <= 0:
                    continue
                points = [(min(r.w - 1, math.floor(view.x(s[0], r.w))),
                           r.h - 1 - int((s[index] / top) * (r.h - UI_SCALE))) for s in series]
                if len(points) >= 2:
                    pygame.draw.lines(surface, colour, False, points, UI_SCALE)
            self._spark = (key, surface)
        return self._spark[1]

    def _draw_ruler(self, surface: pygame.Surface) -> None:
        """Day labels along the marks (and the clock's, zoomed in), each on a dark patch just
        right of a notch at its tick; a label that would run past the track is left out."""
        t = self.track_rect
        top = t.y + self.MARKER_H
        self._labels = []
        for tick, text in ruler(self.view, t.w, RULER_GAP):
            x = self._x(tick)
            label = self.texts.get(text, TEXT if text.startswith("day") else DIM)
            box = pygame.Rect(x + UI_SCALE, top, label.get_width() + 2 * UI_SCALE,
                              label.get_height() - UI_SCALE)
            if box.right > t.right:
                continue
            surface.fill(INK, (x, top, UI_SCALE, self.MARKS_H + self.BAND_H))
            _draw_label(surface, box, label)
            self._labels.append((box, label))  # drawn again over the knob standing on it

    def _draw_found(self, surface: pygame.Surface, found: Sequence[int]) -> None:
        """The feed filter's matches: a bright tick each over the track, one per column."""
        if not found:
            return
        t = self.track_rect
        key = (len(found), self.window, self._span, t.w)
        if self._found[0] is not found or self._found[1] != key:  # placed once per change
            view = self.view
            first = bisect_left(found, view.lo)
            last = bisect_right(found, view.lo + view.width)
            self._found = (found, key, sorted({self._x(tick) for tick in found[first:last]}))
        for x in self._found[2]:
            surface.fill(INK, (x - UI_SCALE, t.y, 3 * UI_SCALE, self.MARKER_H))
            surface.fill(FOUND, (x, t.y, UI_SCALE, self.MARKER_H + self.MARKS_H // 2))

    def _draw_markers(self, surface: pygame.Surface, track: Track) -> None:
        t = self.track_rect
        self._markers = []
        if track.fork_tick is not None and self._seen(track.fork_tick):
            x = self._x(track.fork_tick)
            surface.fill(TEXT, (x, t.y, UI_SCALE, t.h))
        for tick, card in track.perturbations:
            if not self._seen(tick):
                continue
            x = self._x(tick)
            colour = OP_COLOURS.get(card, BRIGHT)
            flag = pygame.Rect(x - UI_SCALE, t.y, 3 * UI_SCALE, self.MARKER_H - UI_SCALE)
            surface.fill(INK, flag.inflate(2 * UI_SCALE, 2 * UI_SCALE).clip(t.inflate(0, 4)))
            surface.fill(colour, flag)
            self._markers.append((flag.inflate(4 * UI_SCALE, 4 * UI_SCALE), tick, card))

    @staticmethod
    def _diamond(colour: Colour) -> pygame.Surface:
        surface = glyph(STORY_OUTLINE, INK)
        surface.blit(glyph(STORY_FILL, colour), (0, 0))
        return surface

    def _draw_stories(self, surface: pygame.Surface, track: Track) -> None:
        """The story's diamonds along the top of the sparkline, the hovered one on top; those
        too close to tell apart are one diamond (the first's) with their count beside it."""
        self._stories, self._crowds = [], {}
        top = self.spark_rect.y - UI_SCALE
        half = len(STORY_OUTLINE[0]) * UI_SCALE // 2
        stories = track.stories
        seen, columns = self._story_columns(stories)
        first = int(seen[0]) if seen.size else 0  # those shown, in tick order: a run
        xs = columns + UI_SCALE // 2
        hovered = None
        for run in clusters(xs, CROWD_GAP):
            marker, x = stories[first + run.start], int(xs[run.start])
            icon = self._diamonds[marker.kind]
            rect = pygame.Rect(x - half, top, icon.get_width(), icon.get_height())
            if len(run) > 1:
                self._crowds[marker] = tuple(stories[first + run.start:first + run.stop])
                badge = self.texts.get(str(len(run)), BRIGHT)
                spot = pygame.Rect(rect.right, top, badge.get_width() + UI_SCALE, rect.h)
                surface.fill(INK, spot)
                surface.blit(badge, (spot.x, spot.y - UI_SCALE))
                rect = rect.union(spot)
            if marker == self.hover_story:
                hovered = (icon, rect.topleft)
            else:
                surface.blit(icon, rect.topleft)
            self._stories.append((rect.inflate(2 * UI_SCALE, 2 * UI_SCALE), marker))
        if hovered is not None:
            surface.blit(*hovered)

    def _story_columns(self, stories: Sequence[StoryMarker]
                       ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """Which of the stories (by place) the track shows, and their columns (`_x`), for all
        at once: a city's history holds thousands."""
        (ticks,) = self._story_ticks.of(stories)
        view = self.view
        seen = np.flatnonzero((ticks >= view.lo) & (ticks <= view.lo + view.width))
        return seen, self._xs(ticks[seen])

    def _label(self, surface: pygame.Surface, text: str, x: int, colour: Colour) -> None:
        """A label in a small panel just above the bar, centred on x and kept on screen."""
        label = self.texts.get(text, colour)
        # A whole PAD inside the panel's frame on every side: the frame would cover the ends.
        box = pygame.Rect(0, self.rect.y - LINE_H - PAD, label.get_width() + 2 * PAD,
                          LINE_H + PAD)
        box.centerx = x
        box.clamp_ip(self.rect.inflate(0, 2 * box.h))
        self.faces.panel(surface, box)
        surface.blit(label, (box.x + PAD, box.y + PAD // 2 + UI_SCALE))

    def _story_label(self, story: StoryMarker) -> str:
        crowd = self._crowds.get(story)
        if crowd is None:
            return f"{story.text} · {when(story.tick)}"
        return (f"{len(crowd)} moments, {when(crowd[0].tick)} to {when(crowd[-1].tick)}: "
                "click to zoom in")

    def _draw_knob(self, surface: pygame.Surface, view: ViewState) -> None:
        t = self.track_rect
        track = view.track
        colour = GOOD if view.town.live else BRIGHT
        if self._seen(track.cursor):
            x = self._x(track.cursor)
            line = pygame.Rect(x - UI_SCALE, t.y - UI_SCALE, 3 * UI_SCALE, t.h + 2 * UI_SCALE)
            surface.fill(INK, line)
            surface.fill(colour, (x, t.y, UI_SCALE, t.h))
            for box, label in self._labels:  # a day or time the knob stands on stays readable
                if box.colliderect(line):
                    _draw_label(surface, box, label)
            handle = pygame.Rect(x - 3 * UI_SCALE, t.bottom - 2 * UI_SCALE, 7 * UI_SCALE,
                                 4 * UI_SCALE)
            pygame.draw.rect(surface, INK, handle.inflate(2 * UI_SCALE, 2 * UI_SCALE))
            pygame.draw.rect(surface, colour, handle)
        story = self.hover_story
        if story is not None and story in track.stories:
            self._label(surface, self._story_label(story), self._x(story.tick), BRIGHT)
            return
        shown = self.hover_x if self.hover_x is not None and not self.dragging else None
        tick = self.tick_at(shown) if shown is not None else track.cursor
        if shown is None and not (self.dragging or view.scrubbing):
            return
        self._label(surface, f"tick {tick} · {when(tick)}", self._x(tick), TEXT)

def _draw_label(surface: pygame.Surface, box: pygame.Rect, label: pygame.Surface) -> None:
    """A ruler label on its dark patch."""
    surface.fill(SUNKEN, box)
    surface.blit(label, (box.x + UI_SCALE, box.y))


class BranchList:
    """The branch switcher: every branch with its fork point; click one to switch to it."""

    ROW = LINE_H + 2 * UI_SCALE

    def __init__(self, assets: Assets) -> None:
        self.texts = Texts(assets)
        self.faces = Faces(assets)
        self.rect = pygame.Rect(0, 0, 0, 0)
        self.anchor = pygame.Rect(0, 0, 0, 0)
        self.rows: list[tuple[pygame.Rect, str]] = []
        self.hover: str | None = None
        self.shown: tuple[BranchEntry, ...] = ()

    def layout(self, rect: pygame.Rect) -> None:
        self.anchor = rect

    def describe(self, b: BranchEntry) -> str:
        if b.parent is None:
            return f"{b.name} · to {when(b.head)}"
        return f"{b.name} ← {b.parent} at {when(b.fork_tick)} · {on_the_clock(b.label)}"

    def place(self, branches: tuple[BranchEntry, ...], screen: pygame.Rect) -> None:
        """Lay the list out above the anchor; with more branches than fit, main and the newest."""
        fit = max(1, (self.anchor.y - screen.y - PAD) // self.ROW)
        if len(branches) > fit:
            branches = branches[:1] + branches[len(branches) - fit + 1:]
        self.shown = branches
        widths = [self.texts.width(self.describe(b)) for b in branches]
        w = min(max(widths, default=0) + 2 * PAD, screen.w - 2 * PAD)
        h = self.ROW * len(branches) + PAD
        self.rect = pygame.Rect(self.anchor.x, self.anchor.y - h - UI_SCALE, w, h)
        self.rect.clamp_ip(screen)
        self.rows = [(pygame.Rect(self.rect.x + UI_SCALE * 2, self.rect.y + PAD // 2 + k * self.ROW,
                                  self.rect.w - UI_SCALE * 4, self.ROW), b.name)
                     for k, b in enumerate(branches)]

    def hit(self, pos: tuple[int, int]) -> bool:
        return self.rect.collidepoint(pos)

    def handle(self, event: pygame.event.Event) -> Intent | None:
        if event.type == pygame.MOUSEMOTION:
            self.hover = next((n for r, n in self.rows if r.collidepoint(event.pos)), None)
        elif event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
            name = next((n for r, n in self.rows if r.collidepoint(event.pos)), None)
            return SwitchBranch(name) if name is not None else None
        return None

    def draw(self, surface: pygame.Surface, view: ViewState) -> None:
        self.place(view.branches, surface.get_rect())
        self.faces.panel(surface, self.rect)
        for (row, _), b in zip(self.rows, self.shown, strict=True):
            if b.current:  # the branch shown, as the feed marks its chosen row
                surface.fill(CHOSEN_ROW, row)
            if b.name == self.hover:
                pygame.draw.rect(surface, DIM, row, UI_SCALE)
            colour = BRIGHT if b.current else TEXT
            text = self.texts.fit(self.describe(b), row.w - PAD)
            surface.blit(self.texts.get(text, colour), (row.x + PAD // 2, row.y + UI_SCALE * 2))
