"""What a card does to the look of the map, drawn over the town (under the map's text and the
HUD): a storm's rain, falling streaks while it lasts, and a festival's bunting, strings of
pennants between the square's lamps while the guests gather. Pure drawing from screen points
and the app's clock; never imports the flux or the HUD.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import pygame

from game.view.palette import BUNTING, OUTLINE, RAIN

TILE = 96  # px: the rain pattern repeats this often
DROPS = 28  # streaks in one tile
DROP_LEN = 9
FALL_PX_PER_SECOND = 420
SLANT = 3  # px sideways for every DROP_LEN down


@lru_cache(maxsize=1)
def _tile() -> pygame.Surface:
    """One tile of streaks, placed by a fixed stride so the pattern never looks gridded."""
    tile = pygame.Surface((TILE, TILE), pygame.SRCALPHA)
    for k in range(DROPS):
        x, y = (k * 37) % TILE, (k * 61) % TILE
        pygame.draw.line(tile, (*RAIN, 150), (x, y), (x - SLANT, y + DROP_LEN), 2)
    return tile


def draw_rain(surface: pygame.Surface, now: float) -> None:
    """Rain over all of `surface`, fallen as far as app time `now` has carried it."""
    tile = _tile()
    fall = int(now * FALL_PX_PER_SECOND)
    dx, dy = -(fall * SLANT // DROP_LEN) % TILE - TILE, fall % TILE - TILE
    w, h = surface.get_size()
    surface.fblits([(tile, (x, y)) for x in range(dx, w, TILE) for y in range(dy, h, TILE)])


PENNANT_GAP = 9  # native px between pennants along a string
SAG = 0.12  # a string hangs this fraction of its length below the straight line


def draw_bunting(surface: pygame.Surface, posts: Sequence[tuple[float, float]],
                 zoom: int) -> None:
    """Strings of pennants from each post top to the next (round the loop), sagging a little,
    at `zoom` screen px per native px."""
    for k, (x0, y0) in enumerate(posts):
        x1, y1 = posts[(k + 1) % len(posts)]
        length = max(abs(x1 - x0), abs(y1 - y0))
        n = max(2, int(length / (PENNANT_GAP * zoom)))
        points = [(x0 + (x1 - x0) * t, y0 + (y1 - y0) * t + 4 * SAG * length * t * (1 - t))
                  for t in (j / n for j in range(n + 1))]
        pygame.draw.lines(surface, OUTLINE, False, points, max(1, zoom // 2))
        for j, (x, y) in enumerate(points[1:-1]):
            pygame.draw.polygon(surface, BUNTING[j % len(BUNTING)],
                                [(x - 2 * zoom, y), (x + 2 * zoom, y), (x, y + 4 * zoom)])
