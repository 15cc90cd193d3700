"""Coalition emblems: each coalition slot has a shape as well as a colour, so coalitions are told
apart without telling colours apart (the scatter's dots, the members marked on the map, the
settings screen's sample).

`SHAPES` is the one table, by slot (a coalition's number modulo their count, as the colours):
outlines on a unit square, drawn filled in the slot's colour inside an ink outline. Never
imports a widget, the app or the timeline.
"""

from __future__ import annotations

from functools import lru_cache

import pygame

from game.view.palette import DOT_KEY, OUTLINE, Colour

Outline = tuple[tuple[float, float], ...]  # corners, x and y from -1 to 1


def _plus(arm: float) -> Outline:
    a = arm
    return ((-a, -1), (a, -1), (a, -a), (1, -a), (1, a), (a, a), (a, 1), (-a, 1), (-a, a),
            (-1, a), (-1, -a), (-a, -a))


SHAPES: tuple[tuple[str, Outline], ...] = (
    # A citizen in no coalition is a plain grey square on the scatter: no emblem is one.
    ("circle", ((-0.4, -1), (0.4, -1), (1, -0.4), (1, 0.4), (0.4, 1), (-0.4, 1), (-1, 0.4),
                (-1, -0.4))),
    ("diamond", ((0, -1), (1, 0), (0, 1), (-1, 0))),
    ("triangle", ((0, -1), (1, 0.8), (-1, 0.8))),
    ("plus", _plus(0.4)),
    ("down triangle", ((-1, -0.8), (1, -0.8), (0, 1))),
    ("hexagon", ((-0.5, -1), (0.5, -1), (1, 0), (0.5, 1), (-0.5, 1), (-1, 0))),
    ("bar", ((-1, -0.45), (1, -0.45), (1, 0.45), (-1, 0.45))),
    ("column", ((-0.45, -1), (0.45, -1), (0.45, 1), (-0.45, 1))),
)


def shape_name(slot: int) -> str:
    return SHAPES[slot % len(SHAPES)][0]


def emblem(slot: int, colour: Colour, size: int, ring: Colour | None = None) -> pygame.Surface:
    """The slot's shape `size` pixels across in `colour`, in an ink outline (or a `ring` round
    it, a bridge's), on a colour-keyed surface 4 pixels larger (the outline's room)."""
    return _emblem(slot % len(SHAPES), colour, size, ring)


@lru_cache(maxsize=256)
def _emblem(shape: int, colour: Colour, size: int, ring: Colour | None) -> pygame.Surface:
    """Drawn once per shape, colour, size and ring: a city's hundreds of coalitions share
    their slots' few (kept by slot, they overflowed the cache and were drawn every frame)."""
    full = size + 4
    surface = pygame.Surface((full, full))
    surface.fill(DOT_KEY)
    surface.set_colorkey(DOT_KEY)
    centre = full / 2
    corners = SHAPES[shape][1]

    def points(half: float) -> list[tuple[float, float]]:
        return [(centre + x * half, centre + y * half) for x, y in corners]

    if ring is not None:
        pygame.draw.polygon(surface, ring, points(size / 2 + 2))
    pygame.draw.polygon(surface, OUTLINE, points(size / 2 + (1 if ring is not None else 2)))
    pygame.draw.polygon(surface, colour, points(size / 2))
    return surface
