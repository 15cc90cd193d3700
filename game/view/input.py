"""Input: raw pygame events → intents. A key table, and handlers that only *return* intents.

Intents are small frozen records the app applies in one place (camera, speed, selection, cards,
the timeline, files); a handler never touches the app, the world or the timeline. `TownInput` is
the normal mode on the map (keys, clicks, drags, wheel); each HUD widget and modal has its own
`handle`. Card hotkeys come from the card table. Never imports other view modules.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Protocol

import pygame

from game.sim.cards import CARDS

Point = tuple[int, int]


@dataclass(frozen=True)
class SetSpeed:
    index: int  # into config.SPEEDS


@dataclass(frozen=True)
class TogglePause:
    pass


@dataclass(frozen=True)
class Cancel:
    """Esc: close whatever is armed or open; with nothing open, ask to quit."""


@dataclass(frozen=True)
class Quit:
    pass


@dataclass(frozen=True)
class Dismiss:
    """Close a modal prompt without acting on it."""


@dataclass(frozen=True)
class Recentre:
    pass


@dataclass(frozen=True)
class ZoomAt:
    steps: int
    at: Point | None  # screen pixel kept still; None = the middle of the view


@dataclass(frozen=True)
class PanBy:
    dx: int
    dy: int


@dataclass(frozen=True)
class Pick:
    """Left press: select the citizen under `at`, if any."""

    at: Point


@dataclass(frozen=True)
class Tap:
    """Left click released without dragging: on bare ground it clears the selection."""

    at: Point


@dataclass(frozen=True)
class Choose:
    """A citizen named rather than clicked (a demo script): what a click on it would do — a
    target for the armed card, otherwise the selection."""

    citizen: int


@dataclass(frozen=True)
class Hover:
    at: Point


@dataclass(frozen=True)
class AltTap:
    """Right click released without dragging: plays an armed card with the targets so far."""

    at: Point


@dataclass(frozen=True)
class Resize:
    size: Point


@dataclass(frozen=True)
class CycleSpeed:
    """The speed button: the next speed up, wrapping round (pause is Space)."""


@dataclass(frozen=True)
class ArmCard:
    """Take a card in hand: it plays at once or, if it takes targets, asks for them."""

    card: str


@dataclass(frozen=True)
class Confirm:
    """Enter: play the armed card with the targets chosen so far (the flux picks the rest)."""


@dataclass(frozen=True)
class Scrub:
    """Drag the timeline knob to `tick`; `done` on release (play continues from there)."""

    tick: int
    done: bool = False


@dataclass(frozen=True)
class JumpTo:
    """Stand the town at `tick` of the current branch (a marker, a click on the track)."""

    tick: int


@dataclass(frozen=True)
class StepEvent:
    direction: int  # +1 next event, −1 previous


@dataclass(frozen=True)
class JumpLive:
    """Back to the head of the current branch."""


@dataclass(frozen=True)
class SwitchBranch:
    name: str


@dataclass(frozen=True)
class ToggleBranches:
    """Open or close the branch list."""


@dataclass(frozen=True)
class Select:
    """Select a citizen by index (the scatter), or clear the selection with None."""

    citizen: int | None


@dataclass(frozen=True)
class ChangeDetail:
    """More (+1) or less (−1) detail on the citizen card."""

    delta: int


@dataclass(frozen=True)
class AskWhy:
    """Show the why chain of the selected citizen (or close it)."""


@dataclass(frozen=True)
class JumpToEvent:
    event_id: str
    tick: int


@dataclass(frozen=True)
class ToggleCoalitions:
    pass


@dataclass(frozen=True)
class ToggleInspector:
    pass


@dataclass(frozen=True)
class ToggleHelp:
    pass


@dataclass(frozen=True)
class ToggleHud:
    pass


@dataclass(frozen=True)
class TogglePresentation:
    """P: the HUD gives way to a caption line; the camera follows the drama."""


@dataclass(frozen=True)
class Screenshot:
    """F12: save the frame as a PNG into the screenshots folder."""


@dataclass(frozen=True)
class Narrate:
    """A demo script's caption, shown for `seconds`."""

    text: str
    seconds: float


@dataclass(frozen=True)
class SaveTown:
    pass


@dataclass(frozen=True)
class OpenPicker:
    pass


@dataclass(frozen=True)
class OpenSave:
    path: str


Intent = (SetSpeed | TogglePause | Cancel | Quit | Dismiss | Recentre | ZoomAt | PanBy | Pick
          | Choose | Tap | AltTap | Hover | Resize | CycleSpeed | ArmCard | Confirm | Scrub
          | JumpTo | StepEvent | JumpLive | SwitchBranch | ToggleBranches | Select | ChangeDetail
          | AskWhy | JumpToEvent | ToggleCoalitions | ToggleInspector | ToggleHelp | ToggleHud
          | TogglePresentation | Screenshot | Narrate | SaveTown | OpenPicker | OpenSave)

KEY_TABLE: dict[int, Intent] = {
    pygame.K_SPACE: TogglePause(),
    **{pygame.K_1 + k: SetSpeed(k) for k in range(7)},
    pygame.K_ESCAPE: Cancel(),
    pygame.K_HOME: Recentre(),
    pygame.K_EQUALS: ZoomAt(1, None),
    pygame.K_PLUS: ZoomAt(1, None),
    pygame.K_KP_PLUS: ZoomAt(1, None),
    pygame.K_MINUS: ZoomAt(-1, None),
    pygame.K_KP_MINUS: ZoomAt(-1, None),
    pygame.K_RETURN: Confirm(),
    pygame.K_KP_ENTER: Confirm(),
    pygame.K_COMMA: StepEvent(-1),
    pygame.K_PERIOD: StepEvent(1),
    pygame.K_END: JumpLive(),
    pygame.K_b: ToggleBranches(),
    pygame.K_c: ToggleCoalitions(),
    pygame.K_TAB: ToggleInspector(),
    pygame.K_y: AskWhy(),
    pygame.K_h: ToggleHud(),
    pygame.K_p: TogglePresentation(),
    pygame.K_F1: ToggleHelp(),
    pygame.K_F12: Screenshot(),
    pygame.K_LEFTBRACKET: ChangeDetail(-1),
    pygame.K_RIGHTBRACKET: ChangeDetail(1),
    # Card hotkeys come from the card table (G greet, O gossip, …); SDL letter keys are ASCII.
    **{ord(spec.hotkey.lower()): ArmCard(name) for name, spec in CARDS.items()},
}
CTRL_KEY_TABLE: dict[int, Intent] = {
    pygame.K_q: Quit(), pygame.K_s: SaveTown(), pygame.K_o: OpenPicker(),
}
SHIFT_KEY_TABLE: dict[int, Intent] = {pygame.K_SLASH: ToggleHelp()}  # "?"
# Held keys pan the view: direction the view moves, in screen axes. The card hotkeys keep clear
# of W, A, S and D for this.
PAN_KEYS: dict[int, tuple[int, int]] = {
    pygame.K_LEFT: (-1, 0), pygame.K_RIGHT: (1, 0), pygame.K_UP: (0, -1), pygame.K_DOWN: (0, 1),
    pygame.K_a: (-1, 0), pygame.K_d: (1, 0), pygame.K_w: (0, -1), pygame.K_s: (0, 1),
}
EDGE_PX = 6  # the mouse this close to a window edge pans the view
DRAG_START_PX = 4  # a left press moving further than this is a drag, not a click
WHEEL_BUTTONS = (4, 5)  # SDL also reports the wheel as these buttons; MOUSEWHEEL is used instead


class Pressed(Protocol):
    def __getitem__(self, key: int) -> bool: ...


def window_intent(event: pygame.event.Event) -> Intent | None:
    """Events every mode obeys: closing and resizing the window."""
    if event.type == pygame.QUIT:
        return Quit()
    if event.type == pygame.WINDOWSIZECHANGED:
        return Resize((int(event.x), int(event.y)))
    return None


def key_intent(event: pygame.event.Event) -> Intent | None:
    mod = getattr(event, "mod", 0)
    if mod & pygame.KMOD_CTRL:
        return CTRL_KEY_TABLE.get(event.key)
    if mod & pygame.KMOD_SHIFT and event.key in SHIFT_KEY_TABLE:
        return SHIFT_KEY_TABLE[event.key]
    if getattr(event, "unicode", "") == "?":
        return ToggleHelp()
    return KEY_TABLE.get(event.key)


class TownInput:
    """The normal mode: keys from the table, left-click picks, drags and the wheel move the view.

    It remembers only the mouse (where it is, which button drags) — never the town.
    """

    def __init__(self) -> None:
        self.mouse: Point | None = None  # last known position inside the window
        self._press: Point | None = None
        self._dragging = False
        self._panning = False  # right or middle button held
        self._alt_press: Point | None = None  # a right press not yet dragged

    def handle(self, event: pygame.event.Event) -> Intent | None:
        if event.type == pygame.KEYDOWN:
            return key_intent(event)
        if event.type == pygame.MOUSEBUTTONDOWN:
            return self._down(event.button, _pos(event))
        if event.type == pygame.MOUSEBUTTONUP:
            return self._up(event.button, _pos(event))
        if event.type == pygame.MOUSEMOTION:
            return self._motion(_pos(event))
        if event.type == pygame.MOUSEWHEEL and event.y:
            at = self.mouse if self.mouse is not None else pygame.mouse.get_pos()
            return ZoomAt(1 if event.y > 0 else -1, at)
        if event.type == pygame.WINDOWLEAVE:
            self.mouse = None
        return None

    def held_pan(self, pressed: Pressed, viewport: Point) -> tuple[float, float]:
        """Direction (unit-ish, screen axes) the view should move this frame."""
        dx = sum(d[0] for key, d in PAN_KEYS.items() if pressed[key])
        dy = sum(d[1] for key, d in PAN_KEYS.items() if pressed[key])
        if self.mouse is not None and not (self._press or self._panning):
            x, y = self.mouse
            w, h = viewport
            dx += (x >= w - EDGE_PX) - (x < EDGE_PX)
            dy += (y >= h - EDGE_PX) - (y < EDGE_PX)
        return float(max(-1, min(1, dx))), float(max(-1, min(1, dy)))

    def _down(self, button: int, pos: Point) -> Intent | None:
        self.mouse = pos
        if button == 1:
            self._press, self._dragging = pos, False
            return Pick(pos)
        if button not in WHEEL_BUTTONS:
            self._panning = True
            self._alt_press = pos if button == 3 else None
        return None

    def _up(self, button: int, pos: Point) -> Intent | None:
        self.mouse = pos
        if button == 1:
            tapped = self._press is not None and not self._dragging
            self._press, self._dragging = None, False
            return Tap(pos) if tapped else None
        if button not in WHEEL_BUTTONS:
            self._panning = False
            tapped, self._alt_press = self._alt_press is not None, None
            if tapped and button == 3:
                return AltTap(pos)
        return None

    def _motion(self, pos: Point) -> Intent | None:
        last, self.mouse = self.mouse, pos
        if self._alt_press is not None and math.dist(pos, self._alt_press) > DRAG_START_PX:
            self._alt_press = None
        if self._press is not None and not self._dragging:
            if math.dist(pos, self._press) <= DRAG_START_PX:
                return None
            self._dragging, last = True, self._press
        if (self._dragging or self._panning) and last is not None:
            return PanBy(pos[0] - last[0], pos[1] - last[1])
        return Hover(pos)


def _pos(event: pygame.event.Event) -> Point:
    x, y = event.pos
    return int(x), int(y)
