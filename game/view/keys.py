"""Key bindings: ONE labelled table — each row a line of the help overlay, each binding a key,
its modifier, and the intent it gives (or the direction it pans while held).

The help overlay's key list, the key lookup of `game.view.input`, the held pan keys and the
fuzz test's keys are all read from `KEY_ROWS`; a test checks the README's key table against it.
Card hotkeys come from the card table. Never imports other view modules but the intents.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

import pygame

from game.sim.cards import CARDS
from game.view.intents import (
    ArmCard,
    AskWhy,
    Cancel,
    ChangeDetail,
    Confirm,
    Follow,
    Intent,
    JumpLive,
    Open,
    Quit,
    Recentre,
    SaveTown,
    Screenshot,
    SetSpeed,
    StepEvent,
    Toggle,
    TogglePause,
    ToggleSound,
    ZoomAt,
)


class Mod(Enum):
    NONE = ""
    CTRL = "Ctrl+"
    SHIFT = "Shift+"


@dataclass(frozen=True)
class Pan:
    """Held, the key moves the view this way (screen axes) every frame."""

    dx: int
    dy: int


@dataclass(frozen=True)
class Binding:
    key: int  # a pygame key code
    does: Intent | Pan
    name: str  # the key as a person reads it ("G", "Enter", "?")
    mod: Mod = Mod.NONE
    alias: bool = False  # a second key for the same thing (the keypad's): not documented

    @property
    def label(self) -> str:
        """How the README names the key: "Ctrl+S"; a shifted key is named by what it types."""
        return self.name if self.mod is Mod.SHIFT else self.mod.value + self.name


@dataclass(frozen=True)
class KeyRow:
    """One line of the help overlay: its keys as shown, what they do, and the bindings."""

    keys: str
    does: str
    bindings: tuple[Binding, ...]


def _one(key: int, does: Intent, name: str, mod: Mod = Mod.NONE) -> tuple[Binding, ...]:
    return (Binding(key, does, name, mod),)


_SPEED_KEYS = tuple(Binding(pygame.K_1 + k, SetSpeed(k), str(k + 1)) for k in range(7))
_VIEW_KEYS = (
    Binding(pygame.K_LEFT, Pan(-1, 0), "←"), Binding(pygame.K_RIGHT, Pan(1, 0), "→"),
    Binding(pygame.K_UP, Pan(0, -1), "↑"), Binding(pygame.K_DOWN, Pan(0, 1), "↓"),
    # The card hotkeys keep clear of W, A, S and D for this.
    Binding(pygame.K_a, Pan(-1, 0), "A"), Binding(pygame.K_d, Pan(1, 0), "D"),
    Binding(pygame.K_w, Pan(0, -1), "W"), Binding(pygame.K_s, Pan(0, 1), "S"),
    Binding(pygame.K_EQUALS, ZoomAt(1, None), "+"),
    Binding(pygame.K_PLUS, ZoomAt(1, None), "+", alias=True),
    Binding(pygame.K_KP_PLUS, ZoomAt(1, None), "+", alias=True),
    Binding(pygame.K_MINUS, ZoomAt(-1, None), "−"),
    Binding(pygame.K_KP_MINUS, ZoomAt(-1, None), "−", alias=True),
    Binding(pygame.K_HOME, Recentre(), "Home"),
)
_SPECS = list(CARDS.values())
_HALF = (len(_SPECS) + 1) // 2
# The cards in two help lines: "G O T L F  cards: greet, gossip, …", then the rest.
_CARD_ROWS = tuple(
    KeyRow(" ".join(s.hotkey for s in part),
           ("cards: " if k == 0 else "") + ", ".join(s.name for s in part),
           # SDL letter keys are ASCII codes.
           tuple(Binding(ord(s.hotkey.lower()), ArmCard(s.name), s.hotkey) for s in part))
    for k, part in enumerate((_SPECS[:_HALF], _SPECS[_HALF:])))

KEY_ROWS: tuple[KeyRow, ...] = (
    KeyRow("Space", "play or pause", _one(pygame.K_SPACE, TogglePause(), "Space")),
    KeyRow("1 … 7", "pause, 1×, 2×, 4×, 8×, 16×, max", _SPEED_KEYS),
    KeyRow(", and .", "previous or next event",
           (Binding(pygame.K_COMMA, StepEvent(-1), ","),
            Binding(pygame.K_PERIOD, StepEvent(1), "."))),
    KeyRow("End", "back to the live head", _one(pygame.K_END, JumpLive(), "End")),
    KeyRow("B", "branches", _one(pygame.K_b, Toggle("branches"), "B")),
    KeyRow("Enter", "play the armed card",
           (Binding(pygame.K_RETURN, Confirm(), "Enter"),
            Binding(pygame.K_KP_ENTER, Confirm(), "Enter", alias=True))),
    KeyRow("Esc", "cancel, deselect, then quit", _one(pygame.K_ESCAPE, Cancel(), "Esc")),
    KeyRow("[ and ]", "less or more detail",
           (Binding(pygame.K_LEFTBRACKET, ChangeDetail(-1), "["),
            Binding(pygame.K_RIGHTBRACKET, ChangeDetail(1), "]"))),
    KeyRow("Y", "why? for the selected citizen", _one(pygame.K_y, AskWhy(), "Y")),
    KeyRow("C", "coalition lines", _one(pygame.K_c, Toggle("coalitions"), "C")),
    KeyRow("Tab", "inspector column", _one(pygame.K_TAB, Toggle("inspector"), "Tab")),
    KeyRow("H", "hide the HUD", _one(pygame.K_h, Toggle("hud"), "H")),
    KeyRow("P", "presentation: captions, camera follows",
           _one(pygame.K_p, Toggle("presentation"), "P")),
    KeyRow("V", "follow the selected citizen (pan to stop)", _one(pygame.K_v, Follow(), "V")),
    KeyRow("N", "minimap: click or drag on it to go there",
           _one(pygame.K_n, Toggle("minimap"), "N")),
    KeyRow("F12", "screenshot into the screenshots folder",
           _one(pygame.K_F12, Screenshot(), "F12")),
    KeyRow("arrows or WASD, + -, Home", "move, zoom, recentre", _VIEW_KEYS),
    KeyRow("Ctrl+S, Ctrl+O", "save, open a town",
           (Binding(pygame.K_s, SaveTown(), "S", Mod.CTRL),
            Binding(pygame.K_o, Open("picker"), "O", Mod.CTRL))),
    KeyRow("Ctrl+Q", "quit", _one(pygame.K_q, Quit(), "Q", Mod.CTRL)),
    KeyRow("Ctrl+M", "mute or unmute sound", _one(pygame.K_m, ToggleSound(), "M", Mod.CTRL)),
    KeyRow("F1 or ?, /", "this help, search the feed",
           (Binding(pygame.K_F1, Toggle("help"), "F1"),
            Binding(pygame.K_SLASH, Toggle("help"), "?", Mod.SHIFT),
            Binding(pygame.K_SLASH, Open("search"), "/"))),
    *_CARD_ROWS,
)

BINDINGS: tuple[Binding, ...] = tuple(b for row in KEY_ROWS for b in row.bindings)
# Lookups read from the table: what a key press gives, per modifier; what a held key pans.
PRESSED: dict[tuple[Mod, int], Intent] = {
    (b.mod, b.key): b.does for b in BINDINGS if not isinstance(b.does, Pan)}
# A shifted key also answers to the character it types ("?" on any keyboard layout).
TYPED: dict[str, Intent] = {
    b.name: b.does for b in BINDINGS if b.mod is Mod.SHIFT and not isinstance(b.does, Pan)}
PAN_KEYS: dict[int, tuple[int, int]] = {
    b.key: (b.does.dx, b.does.dy) for b in BINDINGS if isinstance(b.does, Pan)}
