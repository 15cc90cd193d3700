"""The window's widgets: every HUD widget and modal window of one app, where each sits, which
take the mouse (topmost first), and drawing them in order over the town from a `ViewState` and
the `UiState`.

Widgets only draw and *return* intents; this module only places and orders them. Never imports
the timeline, the flux or the app.
"""

from __future__ import annotations

import pygame

from game.userfiles.settings import Settings
from game.view import crash
from game.view.assets import Assets
from game.view.feed import EventFeed
from game.view.hand import ARMED_RISE, CardHand
from game.view.hud import LINE_H, PAD, UI_SCALE, Hint, QuitPrompt, Texts, Toasts, TopBar, Widget
from game.view.inspector import CitizenCard, Scatter
from game.view.overlays import HelpOverlay
from game.view.palette import BACKDROP, NIGHT
from game.view.picker import FilePicker
from game.view.presentation import CaptionLine, Narration
from game.view.resume import ContinuePrompt
from game.view.scale import HudLayer
from game.view.settings_screen import SettingsScreen
from game.view.timebar import BranchList, TimelineBar
from game.view.uistate import WINDOWS, UiState
from game.view.viewstate import ViewState

INSPECTOR_SHARE = 4  # the inspector column takes a quarter of the window's width…
INSPECTOR_MIN_W = 130 * 2  # …but no less than this
INSPECTOR_MAX_W = 260 * 2  # …nor more
SCATTER_H = 90 * 2  # room for the plot and its two axis labels
FEED_MIN_H = 60 * 2
HUD_HIDDEN = "the HUD is hidden: H shows it"
CORNER = 2 * UI_SCALE  # a panel's clear corner pixels, and a little more (see `town_shows`)
ROW_ALIGN = 16  # the town's clip ends on a multiple of this many pixels (see `town_shows`)


class Widgets:
    """One of each widget, laid out for one window."""

    def __init__(self, assets: Assets, log_path: str, seen_hint: bool,
                 hud_hidden: bool = False, settings: Settings | None = None) -> None:
        self.top_bar = TopBar(assets)
        self.toasts = Toasts(assets)
        if hud_hidden:  # remembered from the last session: say how to get it back, long enough
            self.toasts.say(HUD_HIDDEN, 0.0, error=True)
        self.hint = Hint(assets, seen=seen_hint)
        self.hand = CardHand(assets)
        self.timebar = TimelineBar(assets)
        self.branch_list = BranchList(assets)
        self.card = CitizenCard(assets)
        self.scatter = Scatter(assets)
        self.flat = Scatter(assets, big=True)  # the town as a scatter when the map is switched off
        self.feed = EventFeed(assets)
        self.caption_line = CaptionLine(assets)
        self.narration = Narration(assets)
        self.prompt = QuitPrompt(assets)
        self.help = HelpOverlay(assets, log_path)
        self.picker = FilePicker(assets)
        self.reopen = crash.ReopenPrompt(assets)
        self.resume = ContinuePrompt(assets)
        self.labels = Texts(assets)  # the chosen targets' roles, over their heads on the map
        self.settings_screen = SettingsScreen(assets, settings or Settings())
        self._windows: dict[str, Widget] = {
            "reopen": self.reopen, "quit": self.prompt, "picker": self.picker,
            "help": self.help, "branches": self.branch_list, "continue": self.resume,
            "search": self.feed.search, "settings": self.settings_screen}
        self.hud = HudLayer()  # the UI scale: where the widgets draw
        self.town_rect = pygame.Rect(0, 0, 0, 0)
        self.screen = pygame.Rect(0, 0, 0, 0)
        self._column_bottom = 0  # where the inspector column ends
        self._laid_out: tuple[ViewState, pygame.Rect] | None = None  # the column's, laid for

    def window(self, name: str) -> Widget:
        """The widget of an open window (a name in `UiState.modals`)."""
        return self._windows[name]

    def taking_mouse(self, ui: UiState) -> list[Widget]:
        """The HUD widgets that take the mouse, topmost first."""
        if not ui.hud_shown:
            return []
        widgets: list[Widget] = [self.branch_list] if "branches" in ui.modals else []
        widgets += [self.hand] if ui.features.perturbation else []  # no cards, no hand
        widgets += [self.timebar, self.top_bar]
        if ui.overlays["inspector"]:
            if ui.selected is not None:
                widgets.append(self.card)
            widgets += [self.scatter, self.feed]
        if not ui.features.isometric:
            widgets.append(self.flat)
        return widgets

    # --- layout --------------------------------------------------------------------------------

    def layout(self, window: pygame.Rect, inspector: bool) -> None:
        """Place every widget for `window` at the UI scale of the settings: in HUD pixels, over
        the logical window (`game.view.scale`)."""
        self.screen = screen = self.hud.layout(window, self.settings_screen.chosen.ui_scale)
        self.settings_screen.percent = self.hud.percent
        for widget in (self.top_bar, self.timebar, self.prompt, self.help, self.picker,
                       self.reopen, self.resume, self.caption_line, self.settings_screen):
            widget.layout(screen)
        self.branch_list.layout(self.timebar.branch_anchor())
        hand_h = CardHand.HEIGHT
        hand_y = self.timebar.rect.y - hand_h
        self._column_bottom = self.timebar.rect.y
        right = self._column().x if inspector else screen.right
        if inspector and self.hand.step_for(right - 2 * PAD) < self.hand.names_need:
            # Too narrow beside the inspector for the cards' names: the hand takes the whole
            # width and the inspector stands on it.
            self._column_bottom = hand_y + ARMED_RISE
            self.hand.layout(pygame.Rect(PAD, hand_y, screen.w - 2 * PAD, hand_h))
        else:
            self.hand.layout(pygame.Rect(PAD, hand_y, right - 2 * PAD, hand_h))
        self.town_rect = pygame.Rect(0, self.top_bar.rect.bottom + PAD, right, screen.h)
        self.flat.layout(pygame.Rect(PAD, self.town_rect.y, right - 2 * PAD,
                                     self.hand.rect.y - PAD - self.town_rect.y))
        self.toasts.layout(self.town_rect)
        self.hint.layout(pygame.Rect(0, 0, right, self.hand.rect.y + ARMED_RISE - PAD))

    def _column(self) -> pygame.Rect:
        """The inspector column: right of the town, from the top bar down to the timeline (or
        to the hand, when the hand needs the whole width)."""
        width = max(INSPECTOR_MIN_W, min(INSPECTOR_MAX_W, self.screen.w // INSPECTOR_SHARE))
        top = self.top_bar.rect.bottom
        return pygame.Rect(self.screen.w - width, top, width, self._column_bottom - top)

    def _layout_inspector(self, view: ViewState) -> None:
        """Stack the card (as tall as its detail needs), the scatter and the feed: once a view
        and column (`town_shows` and the HUD's drawing both ask, each frame)."""
        col = self._column()
        if self._laid_out is not None and self._laid_out[0] is view and self._laid_out[1] == col:
            return
        self._laid_out = (view, col)
        card_h = 0
        if view.citizen is not None:
            card_h = min(self.card.wanted_height(view, col.w), col.h)
            if col.h - card_h < SCATTER_H + FEED_MIN_H // 2:  # a line to say what it hides
                card_h = min(card_h + LINE_H, col.h)
        left = col.h - card_h
        scatter_h = SCATTER_H if left >= SCATTER_H else 0
        feed_h = left - scatter_h if left - scatter_h >= FEED_MIN_H // 2 else 0
        if view.citizen is not None and not feed_h:  # the card takes what the feed leaves:
            card_h = col.h - scatter_h  # no strip of the map between it and the timeline
        self.card.hides = tuple(name for name, h in (("scatter", scatter_h), ("feed", feed_h))
                                if not h)
        self.card.layout(pygame.Rect(col.x, col.y, col.w, card_h))
        self.scatter.layout(pygame.Rect(col.x, col.y + card_h, col.w, scatter_h))
        self.feed.layout(pygame.Rect(col.x, col.y + card_h + scatter_h, col.w, feed_h))

    def map_area(self, ui: UiState) -> pygame.Rect:
        """The part of the window where the map's own text (bubbles, labels) may go, in screen
        pixels: under the top bar, left of the inspector and above the cards while the HUD
        shows, else the whole window."""
        if not ui.hud_shown:
            return self.hud.window
        bottom = self.hand.rect.y + ARMED_RISE if ui.features.perturbation else (
            self.timebar.rect.y)
        town = self.town_rect
        return self.hud.to_screen(pygame.Rect(town.x, town.y, town.w, bottom - town.y))

    def town_shows(self, view: ViewState | None, ui: UiState) -> pygame.Rect:
        """The part of the window the town shows in, in screen pixels: all of it but what the
        HUD's opaque panels cover (the top bar, the timeline, and the inspector column when
        its panels fill it down to the timeline), less their clear corners (`CORNER`; those
        at the window's edge show the backdrop, `_draw_edges`). The town drawn only there
        spares it a third of its pixels. Its right edge falls on a multiple of `ROW_ALIGN`
        pixels: rows of such widths copy three times faster."""
        if view is None or not ui.hud_shown:
            return self.hud.window
        top, bottom = self.top_bar.rect.bottom - CORNER, self.timebar.rect.y + CORNER
        right = self.screen.right
        if ui.overlays["inspector"]:
            self._layout_inspector(view)
        if self._column_covers(ui):
            right = self._column().x + CORNER
        shows = self.hud.to_screen(pygame.Rect(0, top, right, bottom - top))
        shows.w = min(self.hud.window.w, -(-shows.right // ROW_ALIGN) * ROW_ALIGN) - shows.x
        return shows

    def _column_covers(self, ui: UiState) -> bool:
        """Whether the inspector column's panels, as laid out, cover it down to the timeline."""
        if not ui.overlays["inspector"] or self._column_bottom != self.timebar.rect.y:
            return False
        return self.card.rect.h + self.scatter.rect.h + self.feed.rect.h == self._column().h

    def _draw_edges(self, surface: pygame.Surface, ui: UiState) -> None:
        """The backdrop under the clear corners of the panels at the window's edge (the top
        bar's, the timeline's and the column's), where the town is not drawn."""
        screen = self.screen
        surface.fill(BACKDROP, (0, 0, screen.w, CORNER))
        surface.fill(BACKDROP, (0, screen.bottom - CORNER, screen.w, CORNER))
        if self._column_covers(ui):  # beside it, the bars' corners at the window's side
            surface.fill(BACKDROP, (screen.right - CORNER, 0, CORNER, screen.h))

    # --- drawing -------------------------------------------------------------------------------

    @staticmethod
    def need_view(ui: UiState, now: float) -> bool:
        """Whether anything drawn this frame reads a `ViewState` (it costs a little to build)."""
        return (ui.hud_shown or ui.presenting or ui.narrating(now) or ui.blocking is not None
                or not ui.features.isometric)

    def draw(self, screen: pygame.Surface, view: ViewState | None, ui: UiState,
             now: float) -> None:
        """Everything over the town: the HUD or the caption line, narration, open windows and
        the toasts, in that order, at the UI scale."""
        surface = self.hud.canvas(screen)
        self._draw(surface, view, ui, now)
        self.hud.show(screen)

    def _draw(self, surface: pygame.Surface, view: ViewState | None, ui: UiState,
              now: float) -> None:
        toasts = self.town_rect
        if view is not None and not ui.features.isometric:
            surface.fill(NIGHT)
            self.flat.draw(surface, view)
        if view is not None:
            if ui.hud_shown:
                self._draw_hud(surface, view, ui, now)
            if ui.presenting:
                self.caption_line.draw(surface, view)
            if ui.narrating(now):
                self._draw_narration(surface, view, ui)
                if self.narration.at_top:
                    toasts = toasts.move(0, self.narration.rect.bottom + PAD // 2 - toasts.y)
        # Over an open window, the toasts stand at the bottom of the screen (over its line of
        # hints, not its first rows): what a window's own keys did is told there too.
        self.toasts.layout(toasts if ui.blocking is None else self.screen.inflate(0, -PAD),
                           upward=ui.blocking is not None)
        if view is not None:
            for name in ui.modals:
                if WINDOWS[name]:
                    self.window(name).draw(surface, view)
        self.toasts.draw(surface, now)

    def _draw_hud(self, surface: pygame.Surface, view: ViewState, ui: UiState,
                  now: float) -> None:
        if ui.overlays["inspector"]:
            self._layout_inspector(view)
        self._draw_edges(surface, ui)
        self.top_bar.draw(surface, view)
        self.hint.draw(surface, now)  # under the hand's tooltips
        if ui.overlays["inspector"]:
            if view.citizen is not None and self.card.rect.h > 0:
                self.card.draw(surface, view)
            if self.scatter.rect.h > 0:
                self.scatter.draw(surface, view)
            if self.feed.rect.h > 0:
                self.feed.draw(surface, view)
        if ui.features.perturbation:  # over the inspector: a raised card and its tooltip
            self.hand.draw(surface, view)
        # After the hand and the inspector: the bar's labels (scrub tick, story) rise over them.
        self.timebar.draw(surface, view)
        if "branches" in ui.modals:
            self.branch_list.draw(surface, view)
        self.top_bar.draw_tip(surface, view)

    def _draw_narration(self, surface: pygame.Surface, view: ViewState, ui: UiState) -> None:
        """A script's caption: above the caption line when presenting; under the top bar with
        the HUD (the town's middle and the card hand stay clear), the toasts below it."""
        screen = surface.get_rect()
        if ui.hud_shown:
            self.narration.layout(self.town_rect, at_top=True)
        else:
            bottom = self.caption_line.rect.y if ui.presenting else screen.bottom
            self.narration.layout(pygame.Rect(0, 0, screen.w, bottom))
        self.narration.draw(surface, view)
