"""Key bindings: ONE labelled table — each row a line of the help overlay, each binding a key,
its modifier, and the intent it gives (or the direction it pans while held).

The help overlay's key list, the key lookup of `game.view.input`, the held pan keys and the
fuzz test's keys are all read from `KEY_ROWS`; a test checks the README's key table against it.
Card hotkeys come from the card table.

A person may rebind every binding that has an `action` (the settings screen; saved with the
settings as action → key label). `bind` applies those choices over the table: the lookups
(`PRESSED`, `TYPED`, `PAN_KEYS`) are the one current key map, rebuilt in place, and
`help_rows` shows the keys as bound. Esc and the arrows stay fixed, so a person can always
close a window and move. Never imports other view modules but the intents.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import Enum

import pygame

from game import config
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
    ToggleFullscreen,
    TogglePause,
    ToggleSound,
    ZoomAt,
)


class Mod(Enum):
    NONE = ""
    CTRL = "Ctrl+"
    SHIFT = "Shift+"
    ALT = "Alt+"


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
    action: str = ""  # its name in the settings file when a person may rebind it

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


def _one(key: int, does: Intent, name: str, mod: Mod = Mod.NONE, action: str = ""
         ) -> tuple[Binding, ...]:
    return (Binding(key, does, name, mod, action=action),)


# Speeds as games have them: 1 is 1×, 2 is 2×, 3 is 4× …; Space pauses.
_SPEED_KEYS = tuple(
    Binding(pygame.K_1 + k - 1, SetSpeed(k), str(k),
            action="speed " + (f"{speed}x" if speed > 0 else "max"))
    for k, speed in enumerate(config.SPEEDS) if speed != 0)
_VIEW_KEYS = (
    Binding(pygame.K_LEFT, Pan(-1, 0), "←"), Binding(pygame.K_RIGHT, Pan(1, 0), "→"),
    Binding(pygame.K_UP, Pan(0, -1), "↑"), Binding(pygame.K_DOWN, Pan(0, 1), "↓"),
    # The card hotkeys keep clear of W, A, S and D for this.
    Binding(pygame.K_a, Pan(-1, 0), "A", action="pan left"),
    Binding(pygame.K_d, Pan(1, 0), "D", action="pan right"),
    Binding(pygame.K_w, Pan(0, -1), "W", action="pan up"),
    Binding(pygame.K_s, Pan(0, 1), "S", action="pan down"),
    Binding(pygame.K_EQUALS, ZoomAt(1, None), "+", action="zoom in"),
    Binding(pygame.K_PLUS, ZoomAt(1, None), "+", alias=True),
    Binding(pygame.K_KP_PLUS, ZoomAt(1, None), "+", alias=True),
    Binding(pygame.K_MINUS, ZoomAt(-1, None), "−", action="zoom out"),
    Binding(pygame.K_KP_MINUS, ZoomAt(-1, None), "−", alias=True),
    Binding(pygame.K_HOME, Recentre(), "Home", action="recentre"),
)
_SPECS = list(CARDS.values())
_HALF = (len(_SPECS) + 1) // 2
# The cards in two help lines: "G O T L F  cards: greet, gossip, …", then the rest.
_CARD_ROWS = tuple(
    KeyRow(" ".join(s.hotkey for s in part),
           ("cards: " if k == 0 else "") + ", ".join(s.name for s in part),
           # SDL letter keys are ASCII codes.
           tuple(Binding(ord(s.hotkey.lower()), ArmCard(s.name), s.hotkey, action=f"card {s.name}")
                 for s in part))
    for k, part in enumerate((_SPECS[:_HALF], _SPECS[_HALF:])))

KEY_ROWS: tuple[KeyRow, ...] = (
    KeyRow("Space", "play or pause",
           _one(pygame.K_SPACE, TogglePause(), "Space", action="pause")),
    KeyRow("1 … 6", "1×, 2×, 4×, 8×, 16×, max", _SPEED_KEYS),
    KeyRow(", and .", "previous or next event",
           (Binding(pygame.K_COMMA, StepEvent(-1), ",", action="previous event"),
            Binding(pygame.K_PERIOD, StepEvent(1), ".", action="next event"))),
    KeyRow("End", "back to the live head",
           _one(pygame.K_END, JumpLive(), "End", action="live")),
    KeyRow("B", "branches", _one(pygame.K_b, Toggle("branches"), "B", action="branches")),
    KeyRow("Enter", "play the armed card",
           (Binding(pygame.K_RETURN, Confirm(), "Enter", action="play card"),
            Binding(pygame.K_KP_ENTER, Confirm(), "Enter", alias=True))),
    KeyRow("Esc", "cancel, deselect, then quit", _one(pygame.K_ESCAPE, Cancel(), "Esc")),
    KeyRow("[ and ]", "less or more detail",
           (Binding(pygame.K_LEFTBRACKET, ChangeDetail(-1), "[", action="less detail"),
            Binding(pygame.K_RIGHTBRACKET, ChangeDetail(1), "]", action="more detail"))),
    KeyRow("Y", "why? for the selected citizen",
           _one(pygame.K_y, AskWhy(), "Y", action="why")),
    KeyRow("C", "coalition lines",
           _one(pygame.K_c, Toggle("coalitions"), "C", action="coalitions")),
    KeyRow("Tab", "inspector column",
           _one(pygame.K_TAB, Toggle("inspector"), "Tab", action="inspector")),
    KeyRow("H", "hide the HUD", _one(pygame.K_h, Toggle("hud"), "H", action="hud")),
    KeyRow("P", "presentation: captions, camera follows",
           _one(pygame.K_p, Toggle("presentation"), "P", action="presentation")),
    KeyRow("V, N", "follow the selected citizen, minimap",
           (Binding(pygame.K_v, Follow(), "V", action="follow"),
            Binding(pygame.K_n, Toggle("minimap"), "N", action="minimap"))),
    KeyRow("F12", "screenshot into the screenshots folder",
           _one(pygame.K_F12, Screenshot(), "F12", action="screenshot")),
    KeyRow("arrows or WASD, + -, Home", "move, zoom, recentre", _VIEW_KEYS),
    KeyRow("Ctrl+S, Ctrl+O", "save, open a town",
           (Binding(pygame.K_s, SaveTown(), "S", Mod.CTRL, action="save"),
            Binding(pygame.K_o, Open("picker"), "O", Mod.CTRL, action="open"))),
    KeyRow("Ctrl+Q", "quit", _one(pygame.K_q, Quit(), "Q", Mod.CTRL, action="quit")),
    KeyRow("Ctrl+M", "mute or unmute sound",
           _one(pygame.K_m, ToggleSound(), "M", Mod.CTRL, action="mute")),
    KeyRow("F1 or ?, /", "this help, search the feed",
           (Binding(pygame.K_F1, Toggle("help"), "F1", action="help"),
            Binding(pygame.K_SLASH, Toggle("help"), "?", Mod.SHIFT),
            Binding(pygame.K_SLASH, Open("search"), "/", action="search"))),
    KeyRow("F10, F11 or Alt+Enter", "settings, fullscreen",
           (Binding(pygame.K_F10, Toggle("settings"), "F10", action="settings"),
            Binding(pygame.K_F11, ToggleFullscreen(), "F11", action="fullscreen"),
            Binding(pygame.K_RETURN, ToggleFullscreen(), "Enter", Mod.ALT))),
    *_CARD_ROWS,
)

BINDINGS: tuple[Binding, ...] = tuple(b for row in KEY_ROWS for b in row.bindings)
ACTIONS: dict[str, Binding] = {b.action: b for b in BINDINGS if b.action}  # the defaults

# The keys a person may bind, by the name shown: letters, digits, F1–F15 and a few named ones
# ("+" for =, as the table names it; the table's "−" for - is read too).
KEY_NAMES: dict[int, str] = {
    **{code: chr(code).upper() for code in range(ord("a"), ord("z") + 1)},
    **{code: chr(code) for code in range(ord("0"), ord("9") + 1)},
    **{getattr(pygame, f"K_F{n}"): f"F{n}" for n in range(1, 16)},
    pygame.K_SPACE: "Space", pygame.K_RETURN: "Enter", pygame.K_TAB: "Tab",
    pygame.K_BACKSPACE: "Backspace", pygame.K_INSERT: "Insert", pygame.K_DELETE: "Delete",
    pygame.K_HOME: "Home", pygame.K_END: "End", pygame.K_PAGEUP: "PageUp",
    pygame.K_PAGEDOWN: "PageDown", pygame.K_COMMA: ",", pygame.K_PERIOD: ".",
    pygame.K_LEFTBRACKET: "[", pygame.K_RIGHTBRACKET: "]", pygame.K_SEMICOLON: ";",
    pygame.K_QUOTE: "'", pygame.K_SLASH: "/", pygame.K_BACKSLASH: "\\",
    pygame.K_BACKQUOTE: "`", pygame.K_EQUALS: "+", pygame.K_MINUS: "-",
}
_CODES = {name: code for code, name in KEY_NAMES.items()} | {"−": pygame.K_MINUS}
_MODS = (Mod.CTRL, Mod.ALT, Mod.SHIFT)

# Lookups read from the table as bound (`bind`): what a key press gives, per modifier; what a
# held key pans; and what a shifted key's character gives ("?" on any keyboard layout).
PRESSED: dict[tuple[Mod, int], Intent] = {}
TYPED: dict[str, Intent] = {
    b.name: b.does for b in BINDINGS if b.mod is Mod.SHIFT and not isinstance(b.does, Pan)}
PAN_KEYS: dict[int, tuple[int, int]] = {}
_bound: list[Binding] = list(BINDINGS)
_card_keys: dict[str, str] = {}  # card → its key as bound


def key_label(mod: Mod, key: int) -> str | None:
    """A key as the settings file and the help name it ("Ctrl+K", "F5"); None for a key a
    person may not bind (Esc, the arrows, the keypad…)."""
    name = KEY_NAMES.get(key)
    return None if name is None else mod.value + name


def label_of(binding: Binding) -> str:
    """A binding's key as the settings and the settings screen name it ("Shift+G", "-")."""
    return key_label(binding.mod, binding.key) or binding.label


def parse_label(label: str) -> tuple[Mod, int] | None:
    """The modifier and key a label names, or None when it names none we bind."""
    mod = next((m for m in _MODS if label.startswith(m.value) and len(label) > len(m.value)),
               Mod.NONE)
    code = _CODES.get(label[len(mod.value):])
    return None if code is None else (mod, code)


def current() -> tuple[Binding, ...]:
    """Every binding as the person has bound them."""
    return tuple(_bound)


def _slot(binding: Binding) -> tuple[Mod, int]:
    """Where a binding sits on the keyboard: a held pan key takes its key with no modifier."""
    return (Mod.NONE if isinstance(binding.does, Pan) else binding.mod, binding.key)


def _moved(default: Binding, label: str) -> Binding | str:
    """The binding moved to `label`, or why it cannot go there."""
    parsed = parse_label(label)
    if parsed is None:
        return f"{label!r} is not a key that can be bound"
    mod, key = parsed
    if isinstance(default.does, Pan) and mod is not Mod.NONE:
        return f"{default.action} is held: it takes a key without Ctrl, Alt or Shift"
    return replace(default, key=key, mod=mod, name=KEY_NAMES[key])


def bind(chosen: Mapping[str, str]) -> list[str]:
    """Make the person's keys (action → key label) the current key map over the defaults.
    Refused, one line each, with the default kept: an unknown action, a key we do not bind,
    a modifier on a held key, and a key two actions want (the default's owner keeps it)."""
    problems: list[str] = []
    moved: dict[str, Binding] = {}
    for action, label in chosen.items():
        default = ACTIONS.get(action)
        binding = _moved(default, label) if default is not None else f"no action {action!r}"
        if isinstance(binding, str):
            problems.append(f"keys: {binding}: kept the default")
        else:
            moved[action] = binding
    while clash := _clash([moved.get(b.action, b) for b in BINDINGS]):
        problems.append(f"keys: {label_of(clash)} is taken: {clash.action} keeps "
                        f"{label_of(ACTIONS[clash.action])}")
        del moved[clash.action]
    _bound[:] = [moved.get(b.action, b) for b in BINDINGS]
    PRESSED.clear()
    PRESSED.update({_slot(b): b.does for b in _bound if not isinstance(b.does, Pan)})
    PAN_KEYS.clear()
    PAN_KEYS.update({b.key: (b.does.dx, b.does.dy) for b in _bound if isinstance(b.does, Pan)})
    _card_keys.clear()  # the hand reads them every frame
    _card_keys.update({b.does.card: label_of(b) for b in _bound if isinstance(b.does, ArmCard)})
    return problems


def _clash(bindings: list[Binding]) -> Binding | None:
    """A moved binding that sits where another binding does (the later one, or the one that
    moved when the other is at its default), if any."""
    seen: dict[tuple[Mod, int], Binding] = {}
    for binding in bindings:
        other = seen.setdefault(_slot(binding), binding)
        if other is not binding:
            return other if binding is ACTIONS.get(binding.action, binding) else binding
    return None


def rebound(chosen: Mapping[str, str], action: str, label: str) -> dict[str, str] | str:
    """The person's keys with `action` on `label`; the action that had that key takes the
    old one (a swap). Or why not: a key that is not bindable, or fixed (Esc, "?")."""
    old = next(b for b in _bound if b.action == action)
    moved = _moved(old, label)
    if isinstance(moved, str):
        return moved
    keys = {**chosen, action: label}
    for other in _bound:
        if other.action == action or _slot(other) != _slot(moved):
            continue
        if not other.action:
            return f"{label} stays as it is"
        swapped = _moved(other, label_of(old))
        if isinstance(swapped, str):
            return swapped
        keys[other.action] = old.label
    return {a: k for a, k in keys.items() if ACTIONS[a].label != k}


def card_key(card: str) -> str:
    """The key a card is played with, as the person has bound it ("G")."""
    return _card_keys[card]


def chosen() -> dict[str, str]:
    """The key map as the settings keep it: each action moved from its default, and its key."""
    return {b.action: label_of(b) for b, default in zip(_bound, BINDINGS, strict=True)
            if b is not default}


def help_rows() -> tuple[tuple[str, str], ...]:
    """The help's key lines: each row's keys as written, or as bound once a person moved one."""
    rows = []
    at = 0
    for row in KEY_ROWS:
        now = _bound[at:at + len(row.bindings)]  # the bound table keeps the table's order
        at += len(row.bindings)
        keys = row.keys if tuple(now) == row.bindings else " ".join(
            label_of(b) for b in now if not b.alias)
        rows.append((keys, row.does))
    return tuple(rows)


bind({})
