"""Effects: what the reducer asks the app to do outside the UI state — on the timeline, the
camera, files, the person's settings, the toasts — as small frozen records.

`game.view.reduce` returns them; `App.perform` carries them out, and a few answer with an
intent (a why chain, a card the timeline refused). Pure data: never imports pygame, the
timeline or the flux.
"""

from __future__ import annotations

from dataclasses import dataclass

Point = tuple[int, int]


@dataclass(frozen=True)
class PlayCard:
    """Play `card` on `targets` (citizen indexes) at the next tick; `step` runs that tick now
    (the town is paused, and the card's event should show at once)."""

    card: str
    targets: tuple[int, ...]
    step: bool


@dataclass(frozen=True)
class Seek:
    """Stand the town at `tick` (clamped to the branch). `coalesce`: a drag — only the last
    seek of a frame is made, however fast the knob moves."""

    tick: int
    coalesce: bool = False


@dataclass(frozen=True)
class SeekLive:
    """Back to the head of the current branch."""


@dataclass(frozen=True)
class StepEvent:
    direction: int  # +1 next event, −1 previous


@dataclass(frozen=True)
class SwitchBranch:
    name: str


@dataclass(frozen=True)
class SaveTown:
    pass


@dataclass(frozen=True)
class OpenFile:
    path: str


@dataclass(frozen=True)
class ListSaves:
    """Fill the file picker with the saved towns."""


@dataclass(frozen=True)
class ForgetCrash:
    """The person declined the reopen prompt: the crash note is done with (the file stays)."""


@dataclass(frozen=True)
class ReopenCrash:
    """Reopen the history a crash left, "end" (where it stopped) or "start" (tick 0, paused)."""

    way: str


@dataclass(frozen=True)
class Screenshot:
    """Save the frame once it is drawn (the picture, not the frame before)."""


@dataclass(frozen=True)
class CameraMove:
    """Recentre, then zoom by `zoom` steps around `at` (None: the middle), then pan."""

    recentre: bool = False
    zoom: int = 0
    at: Point | None = None
    dx: int = 0
    dy: int = 0


@dataclass(frozen=True)
class Quit:
    pass


@dataclass(frozen=True)
class Say:
    """A toast under the top bar."""

    text: str
    error: bool = False


@dataclass(frozen=True)
class TraceFocus:
    """Ask the trace for a clicked event's causes and consequences; answered with `ShowFocus`."""

    event_id: str
    tick: int


@dataclass(frozen=True)
class Relayout:
    """Lay the widgets out again (the inspector column came or went, or the window resized)."""

    resized: bool = False


@dataclass(frozen=True)
class ReleaseMouse:
    """The HUD came or went under a held button: no widget keeps the mouse."""


@dataclass(frozen=True)
class RememberSpeed:
    index: int


@dataclass(frozen=True)
class RememberHud:
    shown: bool


@dataclass(frozen=True)
class ToggleSound:
    """Mute or unmute the window's sound (and remember it)."""


@dataclass(frozen=True)
class Follow:
    """Keep the camera on a citizen until the player pans; `toggle` (the key): stop if the
    camera already follows them."""

    citizen: int
    toggle: bool = False


@dataclass(frozen=True)
class LookAtCitizen:
    """Glide the camera to a citizen (chosen outside the map: the scatter)."""

    citizen: int


@dataclass(frozen=True)
class LookAtEvent:
    """Glide the camera to where an event happened, once the town stands at its `tick`: the
    event `event_id`, or the first one card `card` made there (a flag on the timeline)."""

    tick: int
    event_id: str | None = None
    card: str | None = None


@dataclass(frozen=True)
class CentreOn:
    """Put the camera's centre on a world point (native px) at once: the minimap."""

    point: tuple[float, float]


@dataclass(frozen=True)
class ChangeSetting:
    """Move the person's setting `option` `step` choices on, apply it to the window and
    remember it (`game.view.preferences`)."""

    option: str
    step: int


@dataclass(frozen=True)
class BindKey:
    """Bind `action` to the key named `label`; None: every key back to its default."""

    action: str
    label: str | None


Effect = (PlayCard | Seek | SeekLive | StepEvent | SwitchBranch | SaveTown | OpenFile
          | ReopenCrash | ListSaves | ForgetCrash | Screenshot | CameraMove | Quit | Say
          | TraceFocus | Relayout | ReleaseMouse | RememberSpeed | RememberHud | ToggleSound
          | Follow | LookAtCitizen | LookAtEvent | CentreOn | ChangeSetting | BindKey)
