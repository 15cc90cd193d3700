"""The open dialog (Ctrl+O): the saved towns, newest first, each with its date, scenario, seed,
the day its history reaches and its branches — read from the files, nothing re-simulated — and
a path field to open a .town file from anywhere (type or paste a path, Enter opens it).

A widget (`layout`, `draw`, `handle`) that only returns intents; `list_saves` reads the
folder. Never imports the timeline or the flux.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

import pygame

from game.trace import store
from game.view.assets import Assets
from game.view.files import SaveSummary, local_date, summarize
from game.view.hud import LINE_H, PAD, UI_SCALE, Faces, Texts, shade
from game.view.input import Dismiss, Intent, OpenSave
from game.view.palette import BRIGHT, CHOSEN_ROW, DIM, SUNKEN, TEXT, WARN
from game.view.viewstate import ViewState

log = logging.getLogger(__name__)

ROW_H = 2 * LINE_H  # a save: its name, then what it holds
FIELD_PROMPT = "path: "
MAX_PATH = 4096  # characters the path field takes


@dataclass(frozen=True)
class Listed:
    """A file of the list: what the save holds, or why it cannot be opened (opening it says
    so again, in full)."""

    path: Path
    modified: float
    save: SaveSummary | None
    problem: str = ""

    @property
    def date(self) -> str:
        return local_date(self.modified)

    @property
    def told(self) -> str:
        return self.save.told if self.save is not None else self.problem


def list_saves(folder: Path) -> tuple[list[Listed], int]:
    """The `*.town` files in `folder`, newest first (ties by name), each with what it holds,
    and how many other `*.town` entries cannot be read at all (dangling links, folders)."""
    try:
        entries = list(folder.glob("*.town")) if folder.is_dir() else []
    except OSError as err:
        log.warning("cannot list %s: %s", folder, err)
        return [], 0
    found = [listed for path in entries if (listed := _listed(path)) is not None]
    found.sort(key=lambda f: (-f.modified, f.path.name))
    return found, len(entries) - len(found)


def _listed(path: Path) -> Listed | None:
    try:
        modified = path.stat().st_mtime  # follows links: a dangling one fails here
        if not path.is_file() or not os.access(path, os.R_OK):
            raise PermissionError("not a readable file")
    except OSError as err:
        log.warning("not listing %s: %s", path, err)
        return None
    try:
        return Listed(path, modified, summarize(path))
    except store.SaveError as err:
        return Listed(path, modified, None, "cannot read: " + str(err).split(": ", 1)[-1])


def pasted() -> str:
    """The clipboard's text, or "" when there is none (or no clipboard, as under SDL's dummy
    video driver)."""
    try:
        return pygame.scrap.get_text()
    except pygame.error:
        return ""


class FilePicker:
    """Ctrl+O: the saved towns, newest first. Click one (or ↑ ↓ Enter) to open it; type or paste
    (Ctrl+V) a path and Enter opens that file instead; Esc closes."""

    TITLE = "open a town"

    def __init__(self, assets: Assets) -> None:
        self.texts = Texts(assets)
        self.faces = Faces(assets)
        self.rect = pygame.Rect(0, 0, 0, 0)
        self.screen = pygame.Rect(0, 0, 0, 0)
        self.folder = ""
        self.saves: list[Listed] = []
        self.unreadable = 0  # *.town entries that are no readable file (a dangling link, say)
        self.rows: list[tuple[pygame.Rect, Path]] = []
        self.chosen = 0
        self.typed = ""  # the path field

    @property
    def files(self) -> list[Path]:
        return [s.path for s in self.saves]

    def open(self, folder: Path) -> None:
        self.folder = str(folder)
        self.saves, self.unreadable = list_saves(folder)
        self.chosen = 0
        self.typed = ""

    def layout(self, rect: pygame.Rect) -> None:
        self.screen = rect
        w = min(rect.w - 2 * PAD, 320 * UI_SCALE)
        h = min(rect.h - 2 * PAD, max(len(self.saves), 1) * ROW_H + 5 * LINE_H + 3 * PAD)
        self.rect = pygame.Rect(0, 0, w, h)
        self.rect.center = rect.center

    def hit(self, pos: tuple[int, int]) -> bool:
        return True

    def handle(self, event: pygame.event.Event) -> Intent | None:
        if event.type == pygame.TEXTINPUT:
            self.typed = (self.typed + event.text)[:MAX_PATH]
            return None
        if event.type == pygame.KEYDOWN:
            return self._key(event)
        if event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
            for row, path in self.rows:
                if row.collidepoint(event.pos):
                    return OpenSave(str(path))
            return None if self.rect.collidepoint(event.pos) else Dismiss()
        if event.type == pygame.MOUSEMOTION:
            for k, (row, _) in enumerate(self.rows):
                if row.collidepoint(event.pos):
                    self.chosen = k
        return None

    def _key(self, event: pygame.event.Event) -> Intent | None:
        if event.key in (pygame.K_RETURN, pygame.K_KP_ENTER):
            if self.typed.strip():
                return OpenSave(os.path.expanduser(self.typed.strip()))
            return OpenSave(str(self.saves[self.chosen].path)) if self.saves else None
        if event.key == pygame.K_ESCAPE:
            return Dismiss()
        if event.key == pygame.K_BACKSPACE:
            self.typed = self.typed[:-1]
        elif event.key == pygame.K_v and event.mod & pygame.KMOD_CTRL:
            self.typed = (self.typed + pasted().replace("\n", "").strip())[:MAX_PATH]
        elif event.key in (pygame.K_DOWN, pygame.K_UP) and self.saves:
            step = 1 if event.key == pygame.K_DOWN else -1
            self.chosen = (self.chosen + step) % len(self.saves)
        return None

    def draw(self, surface: pygame.Surface, view: ViewState) -> None:
        self.layout(self.screen)
        shade(surface, self.screen, 120)
        r = self.rect
        self.faces.panel(surface, r)
        surface.blit(self.texts.get(self.TITLE, BRIGHT), (r.x + PAD, r.y + PAD))
        folder = self.texts.fit(self.folder, r.w - 2 * PAD)
        surface.blit(self.texts.get(folder, DIM), (r.x + PAD, r.y + PAD + LINE_H))
        self._draw_rows(surface, r.y + PAD + 2 * LINE_H + UI_SCALE * 2)
        self._draw_field(surface)
        hint = "click or Enter opens · type or paste a path · Esc closes"
        if self.unreadable:
            hint += f" · {self.unreadable} unreadable not listed"
        hint = self.texts.fit(hint, r.w - 2 * PAD)
        surface.blit(self.texts.get(hint, DIM), (r.x + PAD, r.bottom - PAD - LINE_H))

    def _draw_rows(self, surface: pygame.Surface, y: int) -> None:
        r = self.rect
        self.rows = []
        if not self.saves:
            surface.blit(self.texts.get("no saved towns yet (Ctrl+S saves)", TEXT),
                         (r.x + PAD, y))
        for k, save in enumerate(self.saves):
            if y + ROW_H > r.bottom - PAD - 3 * LINE_H:
                break
            row = pygame.Rect(r.x + UI_SCALE * 3, y, r.w - UI_SCALE * 6, ROW_H)
            self.rows.append((row, save.path))
            if k == self.chosen:
                surface.fill(CHOSEN_ROW, row)
            name = self.texts.fit(f"{save.path.name}  {save.date}", r.w - 2 * PAD)
            surface.blit(self.texts.get(name, TEXT), (r.x + PAD, y + UI_SCALE * 2))
            told = self.texts.fit(save.told, r.w - 2 * PAD)
            surface.blit(self.texts.get(told, DIM if save.save else WARN),
                         (r.x + PAD, y + LINE_H + UI_SCALE))
            y += ROW_H

    def _draw_field(self, surface: pygame.Surface) -> None:
        """The path field, above the hint: what was typed, its end if it is long, a caret."""
        r = self.rect
        box = pygame.Rect(r.x + PAD, r.bottom - PAD - 2 * LINE_H - UI_SCALE * 2,
                          r.w - 2 * PAD, LINE_H)
        surface.fill(SUNKEN, box)
        room = box.w - self.texts.width(FIELD_PROMPT) - 2 * UI_SCALE * 2
        shown = self.typed
        while shown and self.texts.width(shown + "_") > room:
            shown = shown[1:]  # the end of a long path: where the file's name is
        surface.blit(self.texts.get(FIELD_PROMPT, DIM), (box.x + UI_SCALE * 2,
                                                         box.y + UI_SCALE * 2))
        surface.blit(self.texts.get(shown + "_", BRIGHT if self.typed else DIM),
                     (box.x + UI_SCALE * 2 + self.texts.width(FIELD_PROMPT),
                      box.y + UI_SCALE * 2))
