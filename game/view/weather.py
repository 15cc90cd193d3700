"""Weather over the map: a storm's rain, falling streaks drawn over the town (under the map's
text and the HUD) while the storm lasts. Pure drawing from the app's clock; never imports the
flux or the HUD.
"""

from __future__ import annotations

from functools import lru_cache

import pygame

from game.view.palette import RAIN

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
