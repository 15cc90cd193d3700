"""The event feed: recent events, newest first, with op icons; click one to jump to it and
its causes. It draws the feed rows the `ViewState` carries (`game.projections.history`) in the
window's words (`game.view.feedwords`), never computing its own.
Never imports the timeline or the flux.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

import pygame

from game.projections.history import FeedRow
from game.view.assets import Assets
from game.view.feedwords import told
from game.view.hud import LINE_H, PAD, UI_SCALE, Faces, Texts
from game.view.input import Intent, JumpToEvent
from game.view.palette import BRIGHT, CHOSEN_ROW, DIM, OP_COLOURS, SUNKEN, TEXT, WARN
from game.view.viewstate import ViewState


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
        self.rows: list[tuple[pygame.Rect, FeedRow]] = []
        self.hover: str | None = None
        self._told: tuple[Sequence[FeedRow], tuple[FeedRow, ...]] = ((), ())

    def layout(self, rect: pygame.Rect) -> None:
        self.rect = rect

    def hit(self, pos: tuple[int, int]) -> bool:
        return self.rect.collidepoint(pos)

    def handle(self, event: pygame.event.Event) -> Intent | None:
        if event.type == pygame.MOUSEMOTION:
            self.hover = next((item.event_id for row, item in self.rows
                               if row.collidepoint(event.pos)), None)
        elif event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
            for row, item in self.rows:
                if row.collidepoint(event.pos):
                    return JumpToEvent(item.event_id, item.tick)
        return None

    @property
    def _text_x(self) -> int:
        """Where a row's text starts: right of its colour strip and icon."""
        return self.rect.x + PAD + 18 * UI_SCALE // 2 + 3 * UI_SCALE

    def draw(self, surface: pygame.Surface, view: ViewState) -> None:
        r = self.rect
        self.faces.panel(surface, r)
        surface.blit(self.texts.get(self.TITLE, BRIGHT), (r.x + PAD, r.y + PAD // 2 + UI_SCALE))
        y = r.y + PAD // 2 + LINE_H
        self.rows = []
        width = r.right - PAD - self._text_x
        bottom = r.bottom - PAD // 2
        if self._told[0] is not view.feed:  # the projection's rows in the window's words
            self._told = (view.feed, told(view.feed))
        for item in self._told[1]:
            # Whole messages, wrapped: a failure's reason is at the end of its text.
            lines = self.texts.wrap(item.text, width)
            room = (bottom - y) // LINE_H
            if room < 1:
                break
            if len(lines) > room:  # the last row the column holds: as much as fits
                lines = (*lines[:room - 1], self.texts.fit(" ".join(lines[room - 1:]), width))
            h = LINE_H * len(lines)
            self._draw_row(surface, pygame.Rect(r.x + UI_SCALE * 3, y, r.w - UI_SCALE * 6, h),
                           item, lines, view.focus)
            y += h
        if not view.feed:
            surface.blit(self.texts.get("nothing yet", DIM), (r.x + PAD, y))

    def _draw_row(self, surface: pygame.Surface, row: pygame.Rect, item: FeedRow,
                  lines: Sequence[str], focus: frozenset[str]) -> None:
        """One event: its op's colour strip and icon, then its message in `lines`."""
        self.rows.append((row, item))
        if item.event_id in focus:
            surface.fill(CHOSEN_ROW, row)
        elif item.event_id == self.hover:
            surface.fill(SUNKEN, row)
        surface.fill(OP_COLOURS.get(item.op, TEXT), (row.x, row.y + UI_SCALE * 2, UI_SCALE,
                                                     row.h - UI_SCALE * 4))
        icon = self.icons.get(item.op)
        if icon is not None:
            surface.blit(icon, (self.rect.x + PAD, row.y + (LINE_H - icon.get_height()) // 2))
        colour = (BRIGHT if item.perturbation else WARN if not item.success else TEXT)
        top = row.y + UI_SCALE * 2
        surface.fblits([(self.texts.get(line, colour), (self._text_x, top + k * LINE_H))
                        for k, line in enumerate(lines)])
