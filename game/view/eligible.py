"""Which citizens the window rings as candidate targets for an armed card.

This is a rule of the town kept in the view until the core offers `eligible(card, state)`;
it lives here alone so that swapping it is a change in one place. Never imports pygame.
"""

from __future__ import annotations

from game.sim.cards import CARDS
from game.sim.model import Activity, TownState


def candidates(card: str, state: TownState, chosen: tuple[int, ...]) -> list[int]:
    """Citizens not chosen yet that the card may take: resting ones for wake, else awake."""
    wake = CARDS[card].op == "wake"
    resting = state.activity == Activity.RESTING
    return [i for i in range(state.n) if bool(resting[i]) == wake and i not in chosen]
