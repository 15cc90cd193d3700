"""The window's UI state: one frozen record of everything a person has set, opened or chosen —
speed, the stack of open windows, overlays, selection, detail, why, focus, the armed card and
its targets, cooldowns, scrubbing and a script's narration.

Only `game.view.reduce` makes a new one; the app draws from it and never changes it itself.
Pure data: never imports pygame, the timeline or the flux.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from game import config
from game import speed as speeds
from game.projections.card import MAX_LOD
from game.projections.feedfilter import EVERY_EVENT, FeedFilter
from game.switches import ALL_ON, Switches

# Windows that can open over the town, and whether one takes every key and click while it is
# on top. The branch list is a pop-up: the HUD and the map still answer while it is open.
WINDOWS: Mapping[str, bool] = MappingProxyType({
    "reopen": True, "quit": True, "picker": True, "help": True, "branches": False,
    "continue": True,
    "search": True,  # typing into the feed's search field
    "settings": True,
})
# Switches a person flips with one key (H, Tab, C, P, N), all off or on independently.
OVERLAYS: tuple[str, ...] = ("hud", "inspector", "coalitions", "presentation", "minimap")
DEFAULT_DETAIL = 2
MAX_DETAIL = MAX_LOD  # the citizen card's levels of detail
CARD_COOLDOWN = 1.5  # seconds a played card rests before it can be played again


@dataclass(frozen=True)
class Focus:
    """A clicked event: its id, its causal chain (ids and ticks) and its participants."""

    event_id: str
    ids: frozenset[str]
    ticks: frozenset[int]
    participants: tuple[int, ...]


@dataclass(frozen=True)
class UiState:
    speed_index: int  # into config.SPEEDS
    resume_index: int  # the speed Space resumes at (never pause)
    modals: tuple[str, ...] = ()  # open windows, bottom first: the last one is on top
    overlays: Mapping[str, bool] = field(default_factory=lambda: MappingProxyType(
        {"hud": True, "inspector": True, "coalitions": False, "presentation": False,
         "minimap": False}))
    selected: int | None = None
    detail: int = DEFAULT_DETAIL
    why: bool = False  # the selected citizen's why chain is open
    focus: Focus | None = None
    armed: str | None = None
    targets: tuple[int, ...] = ()  # citizens chosen for the armed card, in order
    cooldowns: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    scrubbing: bool = False
    narration: str = ""
    narration_until: float = 0.0  # app time the narration stops showing
    features: Switches = ALL_ON  # what the operator left switched on (read once at start)
    feed_filter: FeedFilter = EVERY_EVENT  # its citizen is the selected one, named when shown
    feed_back: bool = False  # the feed is scrolled back from its newest row

    @classmethod
    def start(cls, speed: int, *, hud: bool = True, features: Switches = ALL_ON
              ) -> UiState:
        """The state a window opens with: at `speed`, the HUD shown or hidden.
        Raises ValueError naming the choices for a speed that is not one."""
        index = config.SPEEDS.index(speeds.check(speed))
        resume = index if speed != 0 else config.SPEEDS.index(1)
        overlays = {"hud": hud, "inspector": True, "coalitions": False, "presentation": False,
                    "minimap": False}
        return cls(index, resume, overlays=MappingProxyType(overlays), features=features)

    @property
    def speed(self) -> int:
        return config.SPEEDS[self.speed_index]

    @property
    def top_modal(self) -> str | None:
        return self.modals[-1] if self.modals else None

    @property
    def blocking(self) -> str | None:
        """The topmost open window that takes every key and click, if any."""
        return next((m for m in reversed(self.modals) if WINDOWS[m]), None)

    def shown(self, name: str) -> bool:
        """Whether an overlay is on or a window is open (the names demo scripts use)."""
        if name in WINDOWS:
            return name in self.modals
        return self.overlays[name]

    @property
    def hud_shown(self) -> bool:
        return self.overlays["hud"] and not self.overlays["presentation"]

    @property
    def presenting(self) -> bool:
        return self.overlays["presentation"]

    def narrating(self, now: float) -> bool:
        return self.narration_until > now

    def cooling(self, now: float) -> dict[str, float]:
        """Card → fraction of its cooldown left, (0, 1], for the cards still resting."""
        return {card: (until - now) / CARD_COOLDOWN
                for card, until in self.cooldowns.items() if until > now}
