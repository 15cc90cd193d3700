"""Routing: where one input event goes — to the topmost blocking window of the modal stack,
else to the HUD widget under the mouse (the one pressed keeps the mouse until release), else
to the map's input, whose pointer intents become what they mean for the town (which citizen
is under the mouse) — and the pointer state that needs: where the mouse is, which widget
holds it, which citizen it hovers.

It returns the intent the handler gave and acts on nothing. Never imports the timeline, the
flux or the app.
"""

from __future__ import annotations

from collections.abc import Callable

import pygame

from game.view.hud import Widget
from game.view.input import TownInput
from game.view.intents import AltTap, Choose, Confirm, Hover, Intent, Pick, Pointer, Tap, TapGround
from game.view.uistate import UiState
from game.view.widgets import Widgets

CitizenAt = Callable[[tuple[int, int]], int | None]  # the citizen drawn at a screen point
MOUSE_EVENTS = (pygame.MOUSEMOTION, pygame.MOUSEBUTTONDOWN, pygame.MOUSEBUTTONUP,
                pygame.MOUSEWHEEL)


class Router:
    def __init__(self, widgets: Widgets) -> None:
        self.widgets = widgets
        self.input = TownInput()
        self.mouse: tuple[int, int] | None = None
        self.captured: Widget | None = None  # the widget a held button was pressed on
        self.hover: int | None = None  # the citizen under the mouse on the map

    def route(self, event: pygame.event.Event, ui: UiState, citizen_at: CitizenAt
              ) -> Intent | None:
        intent = self._handler(event, ui)
        if isinstance(intent, Pick | Tap | AltTap | Hover):
            return self._locate(intent, citizen_at)
        return intent

    def _handler(self, event: pygame.event.Event, ui: UiState) -> Intent | Pointer | None:
        if (window := ui.blocking) is not None:
            return self.widgets.window(window).handle(event)
        if event.type not in MOUSE_EVENTS:
            return self.input.handle(event)
        if hasattr(event, "pos"):
            self.mouse = (int(event.pos[0]), int(event.pos[1]))
        if self.captured is not None:
            widget = self.captured
            if event.type == pygame.MOUSEBUTTONUP:
                self.captured = None
            return widget.handle(event)
        widgets = self.widgets.taking_mouse(ui)
        if event.type == pygame.MOUSEMOTION:
            for widget in widgets:
                widget.handle(event)  # hover only: nothing is captured, nothing is dragged
        pos = self.mouse
        top = next((w for w in widgets if pos is not None and w.hit(pos)), None)
        if top is None:
            return self.input.handle(event)
        self.input.mouse = None  # over the HUD: no edge panning, no hover on the map
        self.hover = None
        if event.type == pygame.MOUSEMOTION:
            return None
        if event.type == pygame.MOUSEBUTTONDOWN:
            self.captured = top
        return top.handle(event)

    def _locate(self, pointer: Pointer, citizen_at: CitizenAt) -> Intent | None:
        """A pointer on the map, as what it means for the town."""
        match pointer:
            case Pick(at=at):
                return Choose(citizen_at(at))
            case Tap(at=at):
                return TapGround() if citizen_at(at) is None else None
            case AltTap():
                return Confirm()
            case Hover(at=at):
                self.hover = citizen_at(at)
        return None
