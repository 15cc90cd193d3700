"""Kill switches: features an operator may switch off for a whole run, read once at start.

`AGENT_TOWN_ISOMETRIC_ENABLED=0` (the window draws the flat personality scatter instead of the
map), `AGENT_TOWN_TRACE_REPLAY_ENABLED=0` (no scrubbing, stepping back or replay from a past
tick) and `AGENT_TOWN_PERTURBATION_ENABLED=0` (no cards: no hand in the window, 403 over HTTP).
The names of the seeds (`KGENTS_*`) are read too; ours win when both are set. Pure: no pygame.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from functools import cache

PREFIXES = ("AGENT_TOWN_", "KGENTS_")
OFF = frozenset({"0", "false", "no", "off"})


@dataclass(frozen=True)
class Switches:
    """Which switchable features are on."""

    isometric: bool = True
    trace_replay: bool = True
    perturbation: bool = True

    def as_dict(self) -> dict[str, bool]:
        return asdict(self)


def read(env: Mapping[str, str]) -> Switches:
    """The switches an environment sets: a feature is off when its variable says 0/false/no/off."""
    def on(feature: str) -> bool:
        for prefix in PREFIXES:
            value = env.get(f"{prefix}{feature.upper()}_ENABLED")
            if value is not None:
                return value.strip().lower() not in OFF
        return True

    return Switches(isometric=on("isometric"), trace_replay=on("trace_replay"),
                    perturbation=on("perturbation"))


@cache
def current() -> Switches:
    """The switches of this run: read from the environment once, the first time anyone asks."""
    return read(os.environ)


ALL_ON = Switches()  # every feature on: the default everywhere nobody switched anything off
