"""The event feed: recent events, newest first, with op icons; click one to jump to it and
its causes. It draws the feed rows the `ViewState` carries (`game.projections.history`, already
filtered by `game.projections.feedfilter`) in the window's words (`game.view.feedwords`).

Above the rows: a chip per kind of event to show (all, cards, failures, coalitions, the
selected citizen's) and a search field for names (click it or press "/" to type; while typing,
`SearchField` is the window on top and takes every key). The wheel or a drag scrolls back; the
rows then stay put as new events arrive, until "newest" brings the feed back to live.
Never imports the timeline or the flux.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from typing import ClassVar

import pygame

from game.projections.feedfilter import KINDS
from game.projections.history import FeedRow
from game.view.assets import Assets
from game.view.feedwords import told
from game.view.hud import LINE_H, PAD, UI_SCALE, Faces, Painted, Texts, tooltip
from game.view.input import Intent, JumpToEvent
from game.view.intents import FilterFeed, Open, ScrollFeed, SearchFeed
from game.view.palette import BRIGHT, CHOSEN_ROW, DIM, INK, OP_COLOURS, SUNKEN, TEXT, WARN
from game.view.viewstate import ViewState

CHIPS = {"all": "all", "cards": "cards", "failures": "failures", "coalitions": "coalitions",
         "citizen": "selected"}  # each kind's chip, in `KINDS` order
WHEEL_ROWS = 2  # rows one notch of the wheel scrolls
DRAG_START = 4 * UI_SCALE  # a press moving further than this scrolls instead of clicking
QUERY_MAX = 24  # characters the search field takes
NEWEST = "^ newest"  # the feed runs newest first: back to live is up


class EventFeed:
    """Recent events, newest first, with op icons; click one to jump to it and its causes."""

    TITLE = "events"
    ICONS: ClassVar[dict[str, str]] = {
        "greet": "icon_greet.png", "gossip": "icon_gossip.png", "trade": "icon_trade.png",
        "solo": "icon_solo.png", "dispute": "icon_dispute.png", "teach": "icon_teach.png",
        "celebrate": "icon_festival.png", "festival": "icon_festival.png",
        "storm": "icon_storm.png", "rumor": "icon_rumor.png", "wake": "icon_wake.png",
        "share": "icon_trade.png", "walk": "glyph_walk.png", "arrive": "glyph_walk.png",
        "rest": "glyph_rest.png", "coalition_formed": "glyph_talk.png",
        "coalition_dissolved": "glyph_talk.png",
    }

    def __init__(self, assets: Assets) -> None:
        self.texts = Texts(assets)
        self.faces = Faces(assets)
        self.icons = {op: assets.image(name) for op, name in self.ICONS.items()}
        self.rect = pygame.Rect(0, 0, 0, 0)
        self.field = pygame.Rect(0, 0, 0, 0)  # the search field
        self.chips: dict[str, pygame.Rect] = {}
        self.list_rect = pygame.Rect(0, 0, 0, 0)  # where the rows go
        self.newest = pygame.Rect(0, 0, 0, 0)  # "newest": shown while scrolled back
        self.rows: list[tuple[pygame.Rect, FeedRow]] = []
        self.cut: FeedRow | None = None  # a row taller than the whole column, shown in part
        self.hover: str | None = None
        self.query = ""  # the search field's text, as last drawn (and as typed since)
        self.top = 0  # the row at the top of the list: 0 is live (the newest)
        self.anchor: str | None = None  # scrolled back: the event the top row stays on
        self._press: tuple[int, int] | None = None  # a left press in the list: (y, top then)
        self._dragged = False
        self._told: tuple[Sequence[FeedRow], tuple[FeedRow, ...]] = ((), ())
        self._index: dict[str, int] = {}  # event id → its row in `_told`
        self._shown_for: object = None  # the filter the scroll belongs to
        self.search = SearchField(self)  # the window on top while typing into the field
        self.painted = Painted()  # the panel as last painted: blitted whole while nothing moved

    def layout(self, rect: pygame.Rect) -> None:
        if rect == self.rect:
            return
        self.rect = rect
        top = rect.y + PAD // 2
        left = rect.x + PAD + self.texts.width(self.TITLE) + PAD
        self.field = self.search.rect = pygame.Rect(left, top, max(rect.right - PAD - left, 0),
                                                    LINE_H)
        x, y = rect.x + PAD, top + LINE_H + UI_SCALE
        self.chips = {}
        for kind in KINDS:
            w = self.texts.width(CHIPS[kind]) + 6 * UI_SCALE
            if x + w > rect.right - PAD:
                x, y = rect.x + PAD, y + LINE_H + UI_SCALE
            self.chips[kind] = pygame.Rect(x, y, w, LINE_H)
            x += w + 2 * UI_SCALE
        self.list_rect = pygame.Rect(rect.x, y + LINE_H + UI_SCALE, rect.w,
                                     max(rect.bottom - PAD // 2 - y - LINE_H - UI_SCALE, 0))
        self.newest = pygame.Rect(rect.x + PAD, self.list_rect.y, rect.w - 2 * PAD, LINE_H)

    def hit(self, pos: tuple[int, int]) -> bool:
        return self.rect.collidepoint(pos)

    # --- input ---------------------------------------------------------------------------------

    def handle(self, event: pygame.event.Event) -> Intent | None:
        if event.type == pygame.MOUSEWHEEL and event.y:
            return self.scroll(-int(event.y) * WHEEL_ROWS)
        if event.type == pygame.MOUSEMOTION:
            return self._motion(event.pos)
        if event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
            return self._down(event.pos)
        if event.type == pygame.MOUSEBUTTONUP and event.button == 1 and self._press:
            self._press = None
            if not self._dragged:
                return next((JumpToEvent(item.event_id, item.tick) for row, item in self.rows
                             if row.collidepoint(event.pos)), None)
        return None

    def scroll(self, rows: int) -> Intent | None:
        """Move `rows` back in time (negative: toward the newest); back at the top is live."""
        return self._scroll_to(self.top + rows)

    def _scroll_to(self, top: int) -> Intent | None:
        """Put row `top` at the top; leaving the newest row, or coming back to it, says so."""
        shown = self._told[1]
        was_back = self.top > 0
        self.top = max(0, min(top, len(shown) - 1))
        self.anchor = shown[self.top].event_id if self.top > 0 else None
        return ScrollFeed(self.top > 0) if (self.top > 0) != was_back else None

    def _motion(self, pos: tuple[int, int]) -> Intent | None:
        if self._press is not None:
            y, top = self._press
            if abs(pos[1] - y) > DRAG_START:
                self._dragged = True
            # The rows follow the mouse: dragging up shows older ones.
            return self._scroll_to(top + int((y - pos[1]) / LINE_H)) if self._dragged else None
        self.hover = next((item.event_id for row, item in self.rows
                           if row.collidepoint(pos)), None)
        return None

    def _down(self, pos: tuple[int, int]) -> Intent | None:
        if self.field.collidepoint(pos):
            return Open("search")
        kind = next((k for k, chip in self.chips.items() if chip.collidepoint(pos)), None)
        if kind is not None:
            return FilterFeed(kind)
        if self.top and self.newest.collidepoint(pos):
            return self._scroll_to(0)
        if self.list_rect.collidepoint(pos):
            self._press, self._dragged = (pos[1], self.top), False
        return None

    # --- drawing -------------------------------------------------------------------------------

    @property
    def _text_x(self) -> int:
        """Where a row's text starts: right of its colour strip and icon."""
        return self.rect.x + PAD + 18 * UI_SCALE // 2 + 3 * UI_SCALE

    def draw(self, surface: pygame.Surface, view: ViewState) -> None:
        """The panel, painted again only when what it shows changed (rows, filter, search,
        scroll, hover or focus): most frames no event arrives."""
        self._follow(view)
        found = view.track.found
        key = (view.feed, view.feed_filter, view.searching, len(found),
               bisect_right(found, view.track.cursor), view.focus, self.hover, self.top,
               self.rect)
        self.painted.draw(surface, self.rect, key, lambda cache, local: self._paint_in(
            cache, local, view))
        cut = self.cut
        if cut is not None and cut.event_id == self.hover:  # the whole of it, on hover
            row = next(row for row, item in self.rows if item is cut)
            tooltip(surface, self.texts, self.faces, [(cut.text, TEXT)], row)

    def _paint_in(self, cache: pygame.Surface, local: pygame.Rect, view: ViewState) -> None:
        """Paint into the cache, laid out at its origin; the rows' rectangles, which the mouse
        is tested against, are then put back where the panel is on the window."""
        where = self.rect
        self.layout(local)
        try:
            self._paint(cache, view)
        finally:
            self.layout(where)
        shift = (where.x - local.x, where.y - local.y)
        self.rows = [(row.move(shift), item) for row, item in self.rows]

    def _paint(self, surface: pygame.Surface, view: ViewState) -> None:
        r = self.rect
        self.faces.panel(surface, r)
        surface.blit(self.texts.get(self.TITLE, BRIGHT), (r.x + PAD, r.y + PAD // 2 + UI_SCALE))
        self._draw_filter(surface, view)
        self.rows, self.cut = [], None
        y = self.list_rect.y + (LINE_H + UI_SCALE if self.top else 0)  # under "newest"
        width = r.right - PAD - self._text_x
        bottom = self.list_rect.bottom
        for item in self._told[1][self.top:]:
            # Whole messages, wrapped: a failure's reason is at the end of its text.
            lines = self.texts.wrap(item.text, width)
            room = (bottom - y) // LINE_H
            if room < 1:
                break
            if len(lines) > room:
                if self.rows:  # a row the column cannot hold whole waits for a scroll
                    break
                # A row taller than the whole column (a tiny window): as much as fits, and
                # the whole of it on hover.
                lines = (*lines[:room - 1], self.texts.fit(" ".join(lines[room - 1:]), width))
                self.cut = item
            h = LINE_H * len(lines)
            self._draw_row(surface, pygame.Rect(r.x + UI_SCALE * 3, y, r.w - UI_SCALE * 6, h),
                           item, lines, view.focus)
            y += h
        if not view.feed:
            surface.blit(self.texts.get(self._nothing(view), DIM), (r.x + PAD, y))
        if self.top:
            self.faces.button(surface, self.newest)
            label = self.texts.get(f"{NEWEST} · {self.top} newer", INK)
            surface.blit(label, (self.newest.centerx - label.get_width() // 2,
                                 self.newest.y + UI_SCALE * 2))

    def _follow(self, view: ViewState) -> None:
        """The rows in the window's words; scrolled back, the top row stays on its event as
        newer ones arrive (a new filter starts at the newest)."""
        if self._told[0] is not view.feed:
            shown = told(view.feed)
            self._told = (view.feed, shown)
            self._index = {item.event_id: k for k, item in enumerate(shown)}
        if self._shown_for != view.feed_filter:
            self._shown_for, self.top, self.anchor = view.feed_filter, 0, None
        elif self.anchor is not None:
            self._scroll_to(self._index.get(self.anchor, self.top))

    @staticmethod
    def _nothing(view: ViewState) -> str:
        wanted = view.feed_filter
        if wanted.kind == "citizen" and wanted.citizen is None:
            return "select a citizen to see theirs"
        if wanted.active:
            return "none before this moment" if view.track.found else "no events match"
        return "nothing yet"

    def _draw_filter(self, surface: pygame.Surface, view: ViewState) -> None:
        """The search field and the kind chips, the chosen one pressed."""
        wanted = view.feed_filter
        self.query = wanted.query
        field = self.field
        surface.fill(SUNKEN, field)
        if view.searching:
            pygame.draw.rect(surface, BRIGHT, field, UI_SCALE)
        text, colour = ((wanted.query + "_", BRIGHT) if view.searching
                        else (wanted.query, TEXT) if wanted.query
                        else ("", TEXT) if wanted.active else ("/ search names", DIM))
        if wanted.active:  # a search, a chip or both: how many match, so far and in all
            found = view.track.found
            now = bisect_right(found, view.track.cursor)
            count = f"{len(found)} found" if now == len(found) else \
                f"{now} so far, {len(found)} in all"
            text = f"{text} · {count}" if text else count
        label = self.texts.fit(text, field.w - 4 * UI_SCALE)
        surface.blit(self.texts.get(label, colour), (field.x + 2 * UI_SCALE,
                                                     field.y + UI_SCALE * 2))
        for kind, chip in self.chips.items():
            chosen = kind == wanted.kind
            self.faces.button(surface, chip, down=chosen)
            surface.blit(self.texts.get(CHIPS[kind], BRIGHT if chosen else INK),
                         (chip.x + 3 * UI_SCALE, chip.y + UI_SCALE * 2))

    def _draw_row(self, surface: pygame.Surface, row: pygame.Rect, item: FeedRow,
                  lines: Sequence[str], focus: frozenset[str]) -> None:
        """One event: its op's colour strip and icon, then its message in `lines`."""
        self.rows.append((row, item))
        if item.event_id in focus:
            surface.fill(CHOSEN_ROW, row)
        if item.event_id == self.hover:  # framed: a sunken fill hardly showed on the panel
            pygame.draw.rect(surface, DIM, row, UI_SCALE)
        surface.fill(OP_COLOURS.get(item.op, TEXT), (row.x, row.y + UI_SCALE * 2, UI_SCALE,
                                                     row.h - UI_SCALE * 4))
        icon = self.icons.get(item.op)
        if icon is not None:
            surface.blit(icon, (self.rect.x + PAD, row.y + (LINE_H - icon.get_height()) // 2))
        colour = (BRIGHT if item.perturbation else WARN if not item.success else TEXT)
        top = row.y + UI_SCALE * 2
        surface.fblits([(self.texts.get(line, colour), (self._text_x, top + k * LINE_H))
                        for k, line in enumerate(lines)])


class SearchField:
    """Typing into the feed's search field: the window on top while it lasts, so every key is
    a character of the query (Backspace takes one back, Enter keeps the query, Esc clears it);
    the mouse still works the feed, and a click elsewhere stops typing. The feed draws it."""

    def __init__(self, feed: EventFeed) -> None:
        self.feed = feed
        self.rect = feed.field

    def layout(self, rect: pygame.Rect) -> None:
        """The feed lays the field out."""

    def hit(self, pos: tuple[int, int]) -> bool:
        return self.feed.hit(pos)

    def draw(self, surface: pygame.Surface, view: ViewState) -> None:
        """The feed draws the field, with its caret while typing."""

    def handle(self, event: pygame.event.Event) -> Intent | None:
        if event.type == pygame.KEYDOWN:
            return self._typed(event.key, getattr(event, "unicode", ""))
        if event.type == pygame.MOUSEBUTTONDOWN and not self.feed.hit(event.pos):
            return SearchFeed(self.feed.query, typing=False)
        if event.type in (pygame.MOUSEBUTTONDOWN, pygame.MOUSEBUTTONUP, pygame.MOUSEMOTION,
                          pygame.MOUSEWHEEL):
            return self.feed.handle(event)
        return None

    def _typed(self, key: int, typed: str) -> Intent | None:
        query = self.feed.query
        if key == pygame.K_ESCAPE:
            query, typing = "", False
        elif key in (pygame.K_RETURN, pygame.K_KP_ENTER):
            typing = False
        elif key == pygame.K_BACKSPACE:
            query, typing = query[:-1], True
        elif len(typed) == 1 and typed.isprintable() and len(query) < QUERY_MAX:
            query, typing = query + typed, True
        else:
            return None
        self.feed.query = query  # the next key, in the same frame, adds to this one
        return SearchFeed(query, typing)
