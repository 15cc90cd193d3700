"""The settings screen (F10): a modal window of two pages. "general": UI scale, fullscreen, music
and sound volume, mute, the coalitions' palette (with its emblems shown); "keys": every action a
person may rebind with its key — pick one (Enter or a click), press the new key.

Up and down choose a row, left and right (or a click, a right click) move its choice, Tab
changes page, Esc closes (or stops waiting for a key). It reads the app's one `Settings` and the
key map as bound, and only *returns* intents (`Adjust`, `Rebind`, `ResetKeys`, `Dismiss`): the
app applies and saves them (`game.view.preferences`). Never imports the timeline or the app.
"""

from __future__ import annotations

import pygame

from game.userfiles.settings import AUTO, Settings
from game.view import keys
from game.view.assets import Assets
from game.view.emblems import emblem
from game.view.hud import LINE_H, PAD, UI_SCALE, Faces, Texts, shade
from game.view.input import key_intent
from game.view.intents import Adjust, Dismiss, Intent, Quit, Rebind, ResetKeys, Toggle
from game.view.palette import BRIGHT, CHOSEN_ROW, DIM, SUNKEN, TEXT, coalition_colour
from game.view.preferences import OPTIONS
from game.view.viewstate import ViewState

PAGES = ("general", "keys")
WIDTH = 300 * UI_SCALE  # at most; less in a small window
VALUE_W = 130 * UI_SCALE  # the column of choices ("< 300 % (200 % fits) >")
NOTES = {
    "general": "up, down: choose · left, right, click: change · Tab: keys · Esc: close",
    "keys": "Enter, click: rebind · Delete: every key to its default · Tab: general · Esc: close",
}
WAITING = "press the new key for {action} (Esc: keep {key})"


class SettingsScreen:
    def __init__(self, assets: Assets, settings: Settings) -> None:
        self.texts = Texts(assets)
        self.faces = Faces(assets)
        self.chosen = settings
        self.rect = pygame.Rect(0, 0, 0, 0)
        self.screen = pygame.Rect(0, 0, 0, 0)
        self.page = PAGES[0]
        self.row = 0  # the chosen row of the page
        self.top = 0  # the first key row shown (the keys page scrolls)
        self.waiting: str | None = None  # the action waiting for its new key
        self.rows: list[pygame.Rect] = []  # where each shown row was drawn
        self.percent = 100  # the UI scale drawn (what "auto" chose)
        self.tabs: list[tuple[pygame.Rect, str]] = []

    def use(self, settings: Settings) -> None:
        """Show `settings` (the app's, after it opened another)."""
        self.chosen = settings

    def layout(self, rect: pygame.Rect) -> None:
        """A box in the middle: the general page as tall as it needs (its rows, the emblems, the
        note's two lines), the keys page as tall as the window lets it be."""
        self.screen = rect
        rows = len(OPTIONS) + 1 if self.page == "general" else len(self.actions())
        needed = 3 * PAD + LINE_H * (rows + 4)
        self.rect = pygame.Rect(0, 0, min(WIDTH, rect.w - 2 * PAD), min(needed, rect.h - 2 * PAD))
        self.rect.center = rect.center

    @property
    def _body(self) -> pygame.Rect:
        """Where the rows go: under the title and tabs, above the note."""
        r = self.rect
        top = r.y + PAD + LINE_H * 2
        return pygame.Rect(r.x + PAD, top, r.w - 2 * PAD, r.bottom - 2 * PAD - LINE_H * 2 - top)

    @property
    def _shown_keys(self) -> int:
        return max(1, self._body.h // LINE_H)

    @staticmethod
    def actions() -> list[keys.Binding]:
        """The key rows: every binding a person may rebind, as bound."""
        return [b for b in keys.current() if b.action]

    def hit(self, pos: tuple[int, int]) -> bool:
        return True

    # --- input --------------------------------------------------------------------------------

    def handle(self, event: pygame.event.Event) -> Intent | None:
        if event.type == pygame.KEYDOWN:
            return self._key(event)
        if event.type == pygame.MOUSEWHEEL and self.page == "keys":
            self._move(-event.y)
        elif event.type == pygame.MOUSEBUTTONDOWN and event.button in (1, 3):
            return self._click(event.pos, 1 if event.button == 1 else -1)
        return None

    def _key(self, event: pygame.event.Event) -> Intent | None:
        if self.waiting is not None:
            return self._new_key(event)
        key = event.key
        pressed = key_intent(event)
        if isinstance(pressed, Quit):
            return pressed
        if key == pygame.K_ESCAPE or pressed == Toggle("settings"):
            return Dismiss()
        if key == pygame.K_TAB:
            self._turn(PAGES[(PAGES.index(self.page) + 1) % len(PAGES)])
        elif key in (pygame.K_UP, pygame.K_DOWN):
            self._move(1 if key == pygame.K_DOWN else -1)
        elif key in (pygame.K_LEFT, pygame.K_RIGHT) and self.page == "general":
            return Adjust(OPTIONS[self.row].name, 1 if key == pygame.K_RIGHT else -1)
        elif key in (pygame.K_RETURN, pygame.K_KP_ENTER, pygame.K_SPACE):
            return self._act(1)
        elif key == pygame.K_DELETE and self.page == "keys":
            return ResetKeys()
        return None

    def _new_key(self, event: pygame.event.Event) -> Intent | None:
        """The key pressed for the waiting action: bound if it can be (else it waits on)."""
        action, self.waiting = self.waiting, None
        if event.key == pygame.K_ESCAPE or action is None:
            return None
        mods = getattr(event, "mod", 0)
        mod = (keys.Mod.CTRL if mods & pygame.KMOD_CTRL else keys.Mod.ALT
               if mods & pygame.KMOD_ALT else keys.Mod.SHIFT if mods & pygame.KMOD_SHIFT
               else keys.Mod.NONE)
        label = keys.key_label(mod, event.key)
        if label is None:  # a modifier alone, an arrow, the keypad: wait for a key we bind
            self.waiting = action
            return None
        return Rebind(action, label)

    def _act(self, step: int) -> Intent | None:
        if self.page == "general":
            return Adjust(OPTIONS[self.row].name, step)
        self.waiting = self.actions()[self.row].action
        return None

    def _click(self, pos: tuple[int, int], step: int) -> Intent | None:
        for rect, page in self.tabs:
            if rect.collidepoint(pos):
                self._turn(page)
                return None
        for k, rect in enumerate(self.rows):
            if rect.collidepoint(pos):
                self.row = k + (self.top if self.page == "keys" else 0)
                return self._act(step)
        if not self.rect.collidepoint(pos):
            self.waiting = None  # closed: no key is waited for
            return Dismiss()
        return None

    def _turn(self, page: str) -> None:
        self.page, self.row, self.top, self.waiting = page, 0, 0, None
        self.layout(self.screen)

    def _move(self, by: int) -> None:
        count = len(OPTIONS) if self.page == "general" else len(self.actions())
        self.row = max(0, min(count - 1, self.row + by))
        shown = self._shown_keys
        self.top = max(min(self.top, self.row), self.row - shown + 1)

    # --- drawing ------------------------------------------------------------------------------

    def draw(self, surface: pygame.Surface, view: ViewState) -> None:
        shade(surface, self.screen, 120)
        r = self.rect
        self.faces.panel(surface, r)
        surface.blit(self.texts.get("Settings", BRIGHT), (r.x + PAD, r.y + PAD))
        self._draw_tabs(surface)
        self.rows = []
        if self.page == "general":
            self._draw_general(surface)
        else:
            self._draw_keys(surface)
        note = NOTES[self.page]
        if self.waiting is not None:
            bound = next(keys.label_of(b) for b in self.actions() if b.action == self.waiting)
            note = WAITING.format(action=self.waiting, key=bound)
        for k, line in enumerate(self.texts.wrap_parts(note, r.w - 2 * PAD)[:2]):
            colour = BRIGHT if self.waiting is not None else DIM
            surface.blit(self.texts.get(line, colour),
                         (r.x + PAD, r.bottom - PAD - LINE_H * (2 - k)))

    def _draw_tabs(self, surface: pygame.Surface) -> None:
        r = self.rect
        x = r.x + PAD + self.texts.width("Settings") + PAD * 2
        self.tabs = []
        for page in PAGES:
            label = self.texts.get(page, BRIGHT if page == self.page else DIM)
            tab = pygame.Rect(x - UI_SCALE * 2, r.y + PAD - UI_SCALE,
                              label.get_width() + UI_SCALE * 4, LINE_H)
            if page == self.page:
                surface.fill(CHOSEN_ROW, tab)
            surface.blit(label, (x, r.y + PAD))
            self.tabs.append((tab, page))
            x = tab.right + PAD

    def _row(self, surface: pygame.Surface, k: int, chosen: bool) -> pygame.Rect:
        body = self._body
        row = pygame.Rect(body.x, body.y + k * LINE_H, body.w, LINE_H)
        surface.fill(CHOSEN_ROW if chosen else SUNKEN, row.inflate(0, -UI_SCALE))
        self.rows.append(row)
        return row

    def _draw_general(self, surface: pygame.Surface) -> None:
        for k, option in enumerate(OPTIONS):
            if (k + 1) * LINE_H > self._body.h:
                break
            row = self._row(surface, k, k == self.row)
            value = getattr(self.chosen, option.name)
            reads = option.reads(value)
            if option.name == "ui_scale" and value == AUTO:
                reads += f" ({self.percent} %)"
            elif option.name == "ui_scale" and value != self.percent:
                reads += f" ({self.percent} % fits)"  # the window is too small for more
            shown = self.texts.fit(f"< {reads} >", VALUE_W)
            label_w = row.w - VALUE_W - UI_SCALE * 4
            y = row.y + UI_SCALE * 2
            surface.blit(self.texts.get(self.texts.fit(option.label, label_w), TEXT),
                         (row.x + UI_SCALE * 2, y))
            surface.blit(self.texts.get(shown, BRIGHT), (row.right - VALUE_W, y))
        self._draw_emblems(surface, len(OPTIONS))

    def _draw_emblems(self, surface: pygame.Surface, k: int) -> None:
        """The coalitions' colours and shapes as drawn, under the options."""
        body = self._body
        y = body.y + k * LINE_H + UI_SCALE * 3
        if y + LINE_H - UI_SCALE * 3 > body.bottom:
            return
        x = body.x + UI_SCALE * 2
        for slot in range(8):
            mark = emblem(slot, coalition_colour(slot), 4 * UI_SCALE)
            if x + mark.get_width() > body.right:
                break
            surface.blit(mark, (x, y))
            x += mark.get_width() + UI_SCALE * 3

    def _draw_keys(self, surface: pygame.Surface) -> None:
        actions = self.actions()
        shown = self._shown_keys
        self.top = max(0, min(self.top, len(actions) - shown))
        key_w = self.texts.width("Ctrl+Backspace")
        for k, binding in enumerate(actions[self.top:self.top + shown]):
            at = self.top + k
            row = self._row(surface, k, at == self.row)
            waiting = binding.action == self.waiting
            y = row.y + UI_SCALE * 2
            surface.blit(self.texts.get(self.texts.fit(binding.action, row.w - key_w), TEXT),
                         (row.x + UI_SCALE * 2, y))
            key = "?" if waiting else keys.label_of(binding)
            surface.blit(self.texts.get(key, BRIGHT), (row.right - key_w, y))
        if len(actions) > shown:  # how far down the list is
            body = self._body
            bar_h = max(UI_SCALE * 4, body.h * shown // len(actions))
            bar_y = body.y + (body.h - bar_h) * self.top // (len(actions) - shown)
            surface.fill(DIM, (body.right - UI_SCALE, bar_y, UI_SCALE, bar_h))
