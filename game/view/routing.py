"""Routing: where one input event goes — to the topmost blocking window of the modal stack,
else to the minimap or the HUD widget under the mouse (the one pressed keeps the mouse until
release), else to the map's input, whose pointer intents become what they mean for the town
(which citizen is under the mouse; a double-click on one follows them) — and the pointer state
that needs: where the mouse is, which widget holds it, which citizen it hovers.

It returns the intent the handler gave and acts on nothing. Never imports the timeline, the
flux or the app.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

import pygame

from game.view.input import TownInput
from game.view.intents import (
    AltTap,
    Choose,
    Confirm,
    Follow,
    Hover,
    Intent,
    Pick,
    Pointer,
    Tap,
    TapGround,
)
from game.view.minimap import Minimap
from game.view.uistate import UiState
from game.view.widgets import Widgets


class Pressable(Protocol):
    """What takes the mouse over the map: the HUD's widgets and the minimap."""

    def hit(self, pos: tuple[int, int]) -> bool: ...

    def handle(self, event: pygame.event.Event) -> Intent | None: ...


CitizenAt = Callable[[tuple[int, int]], int | None]  # the citizen drawn at a screen point
MOUSE_EVENTS = (pygame.MOUSEMOTION, pygame.MOUSEBUTTONDOWN, pygame.MOUSEBUTTONUP,
                pygame.MOUSEWHEEL)
DOUBLE_CLICK_SECONDS = 0.4  # a second press on the same citizen this soon follows them
# The mouse as a widget it is not over hears it: far from every widget.
AWAY = pygame.event.Event(pygame.MOUSEMOTION, pos=(-1 << 20, -1 << 20), rel=(0, 0),
                          buttons=(0, 0, 0))


class Router:
    def __init__(self, widgets: Widgets, minimap: Minimap) -> None:
        self.widgets = widgets
        self.minimap = minimap
        self.input = TownInput()
        self.mouse: tuple[int, int] | None = None  # in the window's pixels
        self.captured: Pressable | None = None  # the widget a held button was pressed on
        self.hover: int | None = None  # the citizen under the mouse on the map
        self._picked: tuple[int, float] | None = None  # the citizen last pressed, and when

    def route(self, event: pygame.event.Event, ui: UiState, citizen_at: CitizenAt,
              now: float) -> Intent | None:
        """The intent `event` gives at app time `now` (seconds), if any."""
        intent = self._handler(event, ui)
        if isinstance(intent, Pick | Tap | AltTap | Hover):
            return self._locate(intent, citizen_at, ui, now)
        return intent

    def _handler(self, event: pygame.event.Event, ui: UiState) -> Intent | Pointer | None:
        on_hud = self.widgets.hud.on_hud(event)  # in the widgets' pixels (the UI scale's)
        if (window := ui.blocking) is not None:
            return self.widgets.window(window).handle(on_hud)
        if event.type not in MOUSE_EVENTS:
            return self.input.handle(event)
        if hasattr(event, "pos"):
            self.mouse = (int(event.pos[0]), int(event.pos[1]))
        if self.captured is not None:
            widget = self.captured
            if event.type == pygame.MOUSEBUTTONUP:
                self.captured = None
            return widget.handle(self._seen(widget, event, on_hud))
        widgets: list[Pressable] = [*self.widgets.taking_mouse(ui)]
        if ui.overlays["minimap"] and ui.hud_shown and ui.features.isometric:
            widgets.insert(0, self.minimap)
        top = next((w for w in widgets if self.mouse is not None and w.hit(self._at(w))), None)
        if event.type == pygame.MOUSEMOTION:
            # Hover only: nothing is captured, nothing is dragged. Only the topmost widget
            # under the mouse hovers; the others hear the mouse as elsewhere (a popup over
            # the cards leaves no card risen under it).
            for widget in widgets:
                widget.handle(self._seen(widget, event, on_hud) if widget is top else AWAY)
        if top is None:
            return self.input.handle(event)
        self.input.mouse = None  # over the HUD: no edge panning, no hover on the map
        self.hover = None
        if event.type == pygame.MOUSEMOTION:
            return None
        if event.type == pygame.MOUSEBUTTONDOWN:
            self.captured = top
        return top.handle(self._seen(top, event, on_hud))

    def _seen(self, widget: Pressable, event: pygame.event.Event,
              on_hud: pygame.event.Event) -> pygame.event.Event:
        """The event as `widget` takes it: the minimap is drawn in the window's pixels, the
        HUD's widgets in their own (the UI scale's)."""
        return event if widget is self.minimap else on_hud

    def _at(self, widget: Pressable) -> tuple[int, int]:
        """Where the mouse is, as `widget` sees it."""
        assert self.mouse is not None
        return self.mouse if widget is self.minimap else self.widgets.hud.to_hud(self.mouse)

    def _locate(self, pointer: Pointer, citizen_at: CitizenAt, ui: UiState, now: float
                ) -> Intent | None:
        """A pointer on the map, as what it means for the town."""
        match pointer:
            case Pick(at=at):
                return self._pick(citizen_at(at), ui, now)
            case Tap(at=at):
                return TapGround() if citizen_at(at) is None else None
            case AltTap():
                return Confirm()
            case Hover(at=at):
                self.hover = citizen_at(at)
        return None

    def _pick(self, citizen: int | None, ui: UiState, now: float) -> Intent:
        """A press on a citizen chooses them; pressed again soon, with no card armed, the
        camera follows them."""
        last, self._picked = self._picked, None if citizen is None else (citizen, now)
        if (citizen is not None and ui.armed is None and last is not None
                and last[0] == citizen and now - last[1] <= DOUBLE_CLICK_SECONDS):
            self._picked = None  # a third press starts another double-click
            return Follow(citizen)
        return Choose(citizen)
