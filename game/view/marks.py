"""What the window marks on the map under the HUD: coalition lines, an armed card's candidate
targets (who the core's `laws.eligible` says it may be aimed at next) and chosen ones (with
their roles), and the focused event's participants.

Reads the town's state, its coalitions' projection and the `UiState`; draws through
`game.view.overlays`. Never changes either, never imports the timeline.
"""

from __future__ import annotations

from collections.abc import Sequence

import pygame

from game.projections.coalitions import CoalitionView
from game.sim.cards import CARDS
from game.sim.laws import eligible
from game.sim.model import TownState
from game.view.hud import Texts
from game.view.overlays import draw_coalitions, draw_labels, draw_rings
from game.view.palette import BRIGHT, CANDIDATE
from game.view.uistate import UiState
from game.view.world import World


def draw_marks(surface: pygame.Surface, world: World, state: TownState, ui: UiState,
               texts: Texts, coalitions: Sequence[CoalitionView]) -> None:
    """The marks over the map, placed by the world's layout of this frame; `coalitions` is
    the coalitions' projection at the same tick. Target tags keep off the region signs."""
    layout = world.layout
    assert layout is not None, "lay_out() before draw_marks()"
    if ui.overlays["coalitions"]:
        draw_coalitions(surface, layout, [(c.number, c.members) for c in coalitions])
    if ui.armed is not None and CARDS[ui.armed].max_targets:
        draw_rings(surface, layout, eligible(ui.armed, state, ui.targets), CANDIDATE)
        draw_rings(surface, layout, ui.targets, BRIGHT)
        roles = CARDS[ui.armed].target_roles
        draw_labels(surface, layout, texts, [(i, roles[k]) for k, i in enumerate(ui.targets)],
                    avoid=world.sign_rects)
    if ui.focus is not None:
        draw_rings(surface, layout, ui.focus.participants, BRIGHT)
