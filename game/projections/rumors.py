"""The rumors being told: each fresh rumor (planted no more than `config.RUMOR_TICKS` ago, so
its carriers still itch to tell it, as the flux's `decide.rumor_held` reads it), whom it is
about and who carries it. The window marks them over heads on the map.

Pure: reads the town's state and its citizens; never pygame, the view or the command line.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from game import config
from game.sim.model import Citizen, TownState


@dataclass(frozen=True)
class RumorView:
    id: str
    subject: int  # whom it is about
    about: str  # the subject's name
    carriers: tuple[int, ...]  # who heard it and may tell it, ascending; never the subject
    until: int  # the last tick it is told eagerly


def told_rumors(state: TownState, citizens: Sequence[Citizen]) -> tuple[RumorView, ...]:
    """The rumors told eagerly at the state's tick, freshest first."""
    out = []
    for rumor in reversed(state.rumors):  # planted in order: the freshest last
        until = rumor.tick + config.RUMOR_TICKS
        if state.tick > until:
            break
        carriers = tuple(sorted(rumor.reached - {rumor.subject}))
        out.append(RumorView(rumor.id, rumor.subject, citizens[rumor.subject].name, carriers,
                             until))
    return tuple(out)


def carried_by(views: Sequence[RumorView], i: int) -> RumorView | None:
    """The freshest of `views` that citizen i carries, if any."""
    return next((v for v in views if i in v.carriers), None)
