"""The minimap: the whole town small in a corner of the map — its ground and buildings, every
citizen a dot in their coalition's colour, the camera's view outlined — and a click or drag on
it that puts the view there.

A widget like the HUD's (`hit`, `handle` returning an intent), but drawn over the map from the
world and the camera rather than from a `ViewState`: it is placed each frame in the corner of
the map's area it is given. Never imports the timeline or the app, never changes the town.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pygame

from game.projections.coalitions import CoalitionView
from game.sim.townmap import SIZE
from game.view import iso
from game.view.camera import Camera
from game.view.hud import PAD, UI_SCALE
from game.view.input import Intent
from game.view.intents import CentreOn
from game.view.palette import BACKDROP, BROWN, OUTLINE, SAND, WHITE, Colour, coalition_colour
from game.view.world import World

FloatArray = npt.NDArray[np.float64]

WIDTH = 128 * UI_SCALE  # at most: a third of the map's area in a narrow window
DOT = 2 * UI_SCALE  # a citizen's dot, px square, inside an outline 1 px wide
UNALLIED = SAND  # a citizen in no coalition
VIEW = WHITE  # the outline of what the camera shows
ROOF = BROWN  # a building's footprint


class Minimap:
    """The town in small over the map's top right corner; `draw` places it each frame."""

    def __init__(self) -> None:
        self.rect = pygame.Rect(0, 0, 0, 0)
        self.bounds = iso.map_bounds(SIZE)
        self.dragging = False
        self._ground: tuple[World, int, pygame.Surface] | None = None
        self._dots: dict[Colour, pygame.Surface] = {}

    # --- placing and reading it ----------------------------------------------------------------

    def place(self, area: pygame.Rect) -> None:
        """In the top right corner of the map's `area`, as wide as it may be there."""
        x0, y0, x1, y1 = self.bounds
        w = min(WIDTH, area.w // 3)
        h = round(w * (y1 - y0) / (x1 - x0))
        self.rect = pygame.Rect(area.right - PAD - w, area.top + PAD, w, h)

    @property
    def scale(self) -> float:
        """Minimap px per native world px."""
        x0, _, x1, _ = self.bounds
        return self.rect.w / (x1 - x0)

    def to_world(self, pos: tuple[int, int]) -> tuple[float, float]:
        """The world point (native px) under a minimap pixel."""
        x0, y0, _, _ = self.bounds
        return (x0 + (pos[0] - self.rect.x) / self.scale,
                y0 + (pos[1] - self.rect.y) / self.scale)

    def to_map(self, wx: float, wy: float) -> tuple[float, float]:
        """The minimap pixel of a world point."""
        x0, y0, _, _ = self.bounds
        return self.rect.x + (wx - x0) * self.scale, self.rect.y + (wy - y0) * self.scale

    # --- input ---------------------------------------------------------------------------------

    def hit(self, pos: tuple[int, int]) -> bool:
        return self.rect.collidepoint(pos)

    def handle(self, event: pygame.event.Event) -> Intent | None:
        """A left press or drag on the minimap centres the view on the point under it."""
        if event.type == pygame.MOUSEBUTTONDOWN and event.button == 1:
            self.dragging = True
        elif event.type == pygame.MOUSEBUTTONUP and event.button == 1:
            self.dragging = False
            return None
        elif event.type != pygame.MOUSEMOTION or not self.dragging:
            return None
        x = min(max(int(event.pos[0]), self.rect.left), self.rect.right - 1)
        y = min(max(int(event.pos[1]), self.rect.top), self.rect.bottom - 1)
        return CentreOn(*self.to_world((x, y)))

    # --- drawing -------------------------------------------------------------------------------

    def draw(self, surface: pygame.Surface, area: pygame.Rect, camera: Camera, world: World,
             coalitions: Sequence[CoalitionView]) -> None:
        """The ground, the citizens as dots in their coalition's colour (`coalitions` is the
        projection at the tick shown), and the camera's view outlined."""
        self.place(area)
        r = self.rect
        surface.fill(OUTLINE, r.inflate(2 * UI_SCALE, 2 * UI_SCALE))
        surface.fill(BACKDROP, r)
        surface.blit(self._ground_for(world), r)
        self._draw_citizens(surface, camera, world, coalitions)
        vx, vy, vw, vh = camera.view_rect()
        left, top = self.to_map(vx, vy)
        right, bottom = self.to_map(vx + vw, vy + vh)
        view = pygame.Rect(round(left), round(top), round(right - left), round(bottom - top))
        # The part of the view over the map, all four sides drawn: a camera looking past the
        # map's edge would otherwise lose that side of its outline.
        view = view.clip(r)
        if view.w > 2 * UI_SCALE and view.h > 2 * UI_SCALE:
            clip = surface.get_clip()
            surface.set_clip(r.inflate(2 * UI_SCALE, 2 * UI_SCALE))
            pygame.draw.rect(surface, OUTLINE, view.inflate(2, 2), UI_SCALE + 2)
            pygame.draw.rect(surface, VIEW, view, UI_SCALE)
            surface.set_clip(clip)

    def _ground_for(self, world: World) -> pygame.Surface:
        """The world's ground shrunk to the minimap, its buildings' footprints on it (made
        once per world and width)."""
        if self._ground is not None and self._ground[0] is world and \
                self._ground[1] == self.rect.w:
            return self._ground[2]
        ground = pygame.transform.smoothscale(world.terrain_native, self.rect.size)
        x0, y0, _, _ = self.bounds
        s = self.scale
        for bx, by, w, h in world.flux.map.buildings.values():
            corners = [iso.to_screen(gx, gy) for gx, gy in
                       ((bx, by), (bx + w, by), (bx + w, by + h), (bx, by + h))]
            pygame.draw.polygon(ground, ROOF, [((x - x0) * s, (y - y0) * s) for x, y in corners])
        self._ground = (world, self.rect.w, ground)
        return ground

    def _draw_citizens(self, surface: pygame.Surface, camera: Camera, world: World,
                       coalitions: Sequence[CoalitionView]) -> None:
        layout = world.layout
        if layout is None:
            return
        ox, oy = camera.origin
        z = layout.zoom
        mx, my = self.to_map_arrays((layout.feet_x - ox) / z, (layout.feet_y - oy) / z)
        slot = np.full(len(mx), -1, dtype=np.int64)
        for c in coalitions:
            slot[list(c.members)] = c.number
        xs = (np.rint(mx).astype(np.int64) - DOT // 2 - 1).tolist()
        ys = (np.rint(my).astype(np.int64) - DOT // 2 - 1).tolist()
        colours = [UNALLIED if k < 0 else coalition_colour(k) for k in slot.tolist()]
        surface.fblits([(self._dot(c), (x, y)) for c, x, y in zip(colours, xs, ys, strict=True)])

    def to_map_arrays(self, wx: FloatArray, wy: FloatArray) -> tuple[FloatArray, FloatArray]:
        """`to_map` for arrays of world points."""
        x0, y0, _, _ = self.bounds
        return self.rect.x + (wx - x0) * self.scale, self.rect.y + (wy - y0) * self.scale

    def _dot(self, colour: Colour) -> pygame.Surface:
        dot = self._dots.get(colour)
        if dot is None:
            dot = self._dots[colour] = pygame.Surface((DOT + 2, DOT + 2))
            dot.fill(OUTLINE)
            dot.fill(colour, (1, 1, DOT, DOT))
        return dot
