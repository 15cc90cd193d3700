"""The offer to continue the last session: at start, when the last session left an autosave,
a box showing its day, branches and cards, with two buttons — Continue (Enter, C) opens it,
New town (N, Esc) keeps the fresh town and leaves the file where it is (Ctrl+O lists it).

A widget that only returns intents. Never imports the timeline or the flux.
"""

from __future__ import annotations

import pygame

from game.view.assets import Assets
from game.view.files import SaveSummary
from game.view.hud import LINE_H, PAD, UI_SCALE, MessageBox, shade
from game.view.input import Dismiss, Intent, OpenSave, Quit, key_intent
from game.view.palette import BRIGHT, DIM, INK, TEXT
from game.view.viewstate import ViewState

BUTTON_W = 90 * UI_SCALE
BUTTON_H = LINE_H + 4 * UI_SCALE
CHOICES = ("Continue", "New town")


class ContinuePrompt(MessageBox):
    """Continue the last session's autosave (Enter, C, the Continue button) or start a new town
    (N, Esc, the New town button). Other keys and clicks leave the question open; Ctrl+Q
    quits."""

    def __init__(self, assets: Assets) -> None:
        super().__init__(assets)
        self.save: SaveSummary | None = None
        self.buttons: list[pygame.Rect] = []
        self.hover: int | None = None

    def offer(self, save: SaveSummary) -> None:
        self.save = save
        self.lines = (("Continue where you left off?", BRIGHT),
                      (f"{save.scenario} seed {save.seed} · day {save.day}", TEXT),
                      (save.contents, TEXT),
                      (f"autosaved {save.date}", DIM))

    def layout(self, rect: pygame.Rect) -> None:
        super().layout(rect)
        if not self.lines:
            return
        self.rect.w = max(self.rect.w, 2 * BUTTON_W + 3 * PAD)
        self.rect.h += BUTTON_H + PAD
        self.rect.center = rect.center
        y = self.rect.bottom - PAD - BUTTON_H
        self.buttons = [pygame.Rect(self.rect.centerx - PAD // 2 - BUTTON_W, y, BUTTON_W,
                                    BUTTON_H),
                        pygame.Rect(self.rect.centerx + PAD // 2, y, BUTTON_W, BUTTON_H)]

    def draw(self, surface: pygame.Surface, view: ViewState) -> None:
        shade(surface, surface.get_rect(), 120)  # the fresh town waits behind the question
        super().draw(surface, view)
        for k, (button, label) in enumerate(zip(self.buttons, CHOICES, strict=True)):
            self.faces.button(surface, button, hover=k == self.hover)
            text = self.texts.get(label, INK)
            surface.blit(text, text.get_rect(center=(button.centerx,
                                                      button.centery + UI_SCALE)))

    def handle(self, event: pygame.event.Event) -> Intent | None:
        if self.save is None:
            return Dismiss()
        if event.type == pygame.KEYDOWN:
            if isinstance(key_intent(event), Quit):
                return Quit()
            if event.key in (pygame.K_RETURN, pygame.K_KP_ENTER, pygame.K_c):
                return OpenSave(str(self.save.path))
            return Dismiss() if event.key in (pygame.K_n, pygame.K_ESCAPE) else None
        if event.type == pygame.MOUSEMOTION:
            self.hover = self._button_at(event.pos)
        if event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
            match self._button_at(event.pos):
                case 0:
                    return OpenSave(str(self.save.path))
                case 1:
                    return Dismiss()
        return None

    def _button_at(self, pos: tuple[int, int]) -> int | None:
        return next((k for k, b in enumerate(self.buttons) if b.collidepoint(pos)), None)
