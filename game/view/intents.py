"""Intents: what a person (or a demo script) asks of the window, as small frozen records.

Keys, clicks and script steps all become these; `game.view.reduce` turns each into a new
`UiState` and the effects the app performs. `Pointer` intents still carry screen positions:
`game.view.routing` resolves them against the map (which citizen is under the mouse) before
they are reduced.
Pure data: never imports pygame, the timeline or the flux.
"""

from __future__ import annotations

from dataclasses import dataclass

from game.view.uistate import Focus

Point = tuple[int, int]


@dataclass(frozen=True)
class SetSpeed:
    index: int  # into config.SPEEDS


@dataclass(frozen=True)
class TogglePause:
    pass


@dataclass(frozen=True)
class CycleSpeed:
    """The speed button: the next speed up (`step` 1, a click; past the fastest, round to
    1×) or down (-1, a right click; no slower than 1×). Paused, it sets the speed play resumes
    at (pause is Space)."""

    step: int = 1


@dataclass(frozen=True)
class Cancel:
    """Esc: close whatever is armed or open; with nothing open, ask to quit."""


@dataclass(frozen=True)
class Quit:
    pass


@dataclass(frozen=True)
class Dismiss:
    """Close the modal window on top without acting on it."""


@dataclass(frozen=True)
class Toggle:
    """Show or hide an overlay (hud, inspector, coalitions, presentation) or open or close a
    window (help, branches): one intent for every switch a person can flip."""

    name: str


@dataclass(frozen=True)
class Open:
    """Open a modal window (the file picker, the reopen prompt) if it is not open yet."""

    name: str


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
class Resize:
    size: Point


@dataclass(frozen=True)
class Choose:
    """A citizen pressed on the map (None: bare ground) or named by a demo script: a target
    for the armed card, otherwise the selection. `refusal` is what the town's laws say
    against it as the armed card's next target (the app asks them; None: nothing)."""

    citizen: int | None
    refusal: str | None = None


@dataclass(frozen=True)
class TapGround:
    """A left click released on bare ground without dragging: it clears the selection."""


@dataclass(frozen=True)
class ArmCard:
    """Take a card in hand: it plays at once or, if it takes targets, asks for them."""

    card: str


@dataclass(frozen=True)
class Confirm:
    """Enter or a right click: play the armed card with the targets chosen so far (the flux
    picks the rest)."""


@dataclass(frozen=True)
class CardRefused:
    """The timeline refused the card just played: it does not rest."""

    card: str


@dataclass(frozen=True)
class Scrub:
    """Drag the timeline knob to `tick`; `done` on release (play continues from there)."""

    tick: int
    done: bool = False


@dataclass(frozen=True)
class JumpTo:
    """Stand the town at `tick` of the current branch (a marker, a click on the track); a
    story marker names its event, a card's flag its card: the camera goes there too."""

    tick: int
    event_id: str | None = None
    card: str | None = None


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
class TownOpened:
    """Another town (a file) is now shown: what pointed into the old one is dropped."""


@dataclass(frozen=True)
class Select:
    """Select a citizen by index (the scatter), or clear the selection with None; `centre`:
    the camera goes to them."""

    citizen: int | None
    centre: bool = False


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
class ShowFocus:
    """The causal chain the trace gave for a clicked event (None: the event is not found)."""

    focus: Focus | None


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
class OpenSave:
    path: str


@dataclass(frozen=True)
class Reopen:
    """The answer to the reopen prompt after a crash: the history where it stopped ("end") or
    at its start, paused, nothing re-simulated ("start")."""

    way: str


@dataclass(frozen=True)
class ToggleSound:
    """Ctrl+M: mute or unmute the music and the sounds."""


@dataclass(frozen=True)
class Follow:
    """The camera follows a citizen (None: the selected one) until the player pans; the key
    again stops it."""

    citizen: int | None = None


@dataclass(frozen=True)
class CentreOn:
    """Centre the view on a world point (native px): a click or drag on the minimap."""

    x: float
    y: float


@dataclass(frozen=True)
class FilterFeed:
    """Show one kind of event in the feed (`feedfilter.KINDS`); the kind shown already: all."""

    kind: str


@dataclass(frozen=True)
class SearchFeed:
    """The feed's search field holds `query`; `typing` False stops typing into it (Enter keeps
    the query, Esc clears it)."""

    query: str
    typing: bool = True


@dataclass(frozen=True)
class ScrollFeed:
    """The feed scrolled back from its newest row (`back`) or returned to it: scrolled back, it
    reads deeper into the past (the newest rows alone cost less to read every tick)."""

    back: bool


@dataclass(frozen=True)
class Adjust:
    """Move a setting of the settings screen (`game.view.preferences.OPTIONS`) `step` choices
    on, wrapping round."""

    option: str
    step: int = 1


@dataclass(frozen=True)
class Rebind:
    """Bind `action` (`game.view.keys`) to the key named `label` ("F5", "Ctrl+K")."""

    action: str
    label: str


@dataclass(frozen=True)
class ResetKeys:
    """Every key back to its default."""


@dataclass(frozen=True)
class ToggleFullscreen:
    """F11, Alt+Enter: fullscreen on or off (remembered)."""


Intent = (SetSpeed | TogglePause | CycleSpeed | Cancel | Quit | Dismiss | Toggle | Open
          | Recentre | ZoomAt | PanBy | Resize | Choose | TapGround | ArmCard | Confirm
          | CardRefused | Scrub | JumpTo | StepEvent | JumpLive | SwitchBranch | TownOpened
          | Select | ChangeDetail | AskWhy | JumpToEvent | ShowFocus | Screenshot
          | Narrate | SaveTown | OpenSave | Reopen | ToggleSound | Follow | CentreOn
          | FilterFeed | SearchFeed | ScrollFeed | Adjust | Rebind | ResetKeys
          | ToggleFullscreen)


# --- pointer intents: positions the app resolves against the map ------------------------------

@dataclass(frozen=True)
class Pick:
    """Left press: select the citizen under `at`, if any."""

    at: Point


@dataclass(frozen=True)
class Tap:
    """Left click released without dragging: on bare ground it clears the selection."""

    at: Point


@dataclass(frozen=True)
class AltTap:
    """Right click released without dragging: plays an armed card with the targets so far."""

    at: Point


@dataclass(frozen=True)
class Hover:
    at: Point


Pointer = Pick | Tap | AltTap | Hover
