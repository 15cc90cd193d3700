"""What the window marks on the map under the HUD: coalition lines (the one under the mouse
named), an armed card's candidate targets (who the core's `laws.eligible` says it may be aimed
at next) and chosen ones (with their roles), and the focused event's participants.

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
from game.view.hud import PAD, UI_SCALE, Texts
from game.view.overlays import coalition_near, draw_coalitions, draw_labels, draw_rings
from game.view.palette import BRIGHT, CANDIDATE, OUTLINE, coalition_colour
from game.view.uistate import UiState
from game.view.world import World

LINE_REACH = 6 * UI_SCALE  # the mouse this close to a coalition's line names it
NAMES_SHOWN = 4


def draw_marks(surface: pygame.Surface, world: World, state: TownState, ui: UiState,
               texts: Texts, coalitions: Sequence[CoalitionView],
               mouse: tuple[int, int] | None = None, area: pygame.Rect | None = None) -> None:
    """The marks over the map, placed by the world's layout of this frame; `coalitions` is
    the coalitions' projection at the same tick, `mouse` where the mouse is over the map (None
    elsewhere), `area` the part of the window the HUD leaves to the map (tags stay inside it).
    Target tags keep off the region signs."""
    layout = world.layout
    assert layout is not None, "lay_out() before draw_marks()"
    if ui.overlays["coalitions"]:
        draw_coalitions(surface, layout, [(c.number, c.members) for c in coalitions])
        near = None if mouse is None else coalition_near(
            layout, [c.members for c in coalitions], mouse, LINE_REACH)
        if mouse is not None and near is not None:
            _name_coalition(surface, texts, coalitions[near], mouse,
                            surface.get_rect() if area is None else area)
    if ui.armed is not None and CARDS[ui.armed].max_targets:
        draw_rings(surface, layout, eligible(ui.armed, state, ui.targets), CANDIDATE)
        draw_rings(surface, layout, ui.targets, BRIGHT)
        roles = CARDS[ui.armed].target_roles
        draw_labels(surface, layout, texts, [(i, roles[k]) for k, i in enumerate(ui.targets)],
                    avoid=world.sign_rects)
    if ui.focus is not None:
        draw_rings(surface, layout, ui.focus.participants, BRIGHT)


def _name_coalition(surface: pygame.Surface, texts: Texts, c: CoalitionView,
                    mouse: tuple[int, int], area: pygame.Rect) -> None:
    """A tag beside the mouse: which coalition the line under it is, and who is in it."""
    names = ", ".join(c.names[:NAMES_SHOWN]) + (
        f" +{len(c.names) - NAMES_SHOWN}" if len(c.names) > NAMES_SHOWN else "")
    label = texts.get(f"coalition {c.number} · {len(c.members)}: {names}",
                      coalition_colour(c.number))
    box = pygame.Rect(mouse[0] + PAD, mouse[1] + PAD, label.get_width() + UI_SCALE * 4,
                      label.get_height() + UI_SCALE * 2).clamp(area)
    surface.fill(OUTLINE, box)
    surface.blit(label, (box.x + UI_SCALE * 2, box.y + UI_SCALE))
