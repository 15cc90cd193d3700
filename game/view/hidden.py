"""Citizens behind buildings and trees: which props and buildings may cover a citizen standing
on each tile (worked out once per town, in native px), which do cover one this frame, and
the covered part of each drawn through them as a flat silhouette, so a ringed candidate or
the selected citizen is never out of sight behind a wall.

Reads the world's layout and its statics' images and places; never imports the flux, the
app or the HUD.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt
import pygame

from game.sim.townmap import SIZE
from game.view import iso
from game.view.palette import BRIGHT, OUTLINE, WHITE, Colour

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
Blit = tuple[pygame.Surface, tuple[int, int]]

# The covered part of a citizen is drawn flat in this colour and opacity (the selected one in
# the bright colour), edged in the outline colour so it reads on light walls and dark roofs.
HIDDEN: Colour = WHITE
HIDDEN_SELECTED: Colour = BRIGHT
HIDDEN_ALPHA = 150
EDGE = 1  # px of outline round a silhouette
_GROW = pygame.mask.Mask((2 * EDGE + 1, 2 * EDGE + 1), fill=True)  # a pixel's EDGE around it
# How far a citizen's sprite may stray from the middle of the tile it is on (walking between
# tiles, standing beside another on a shared one), native px each side.
STRAY_X, STRAY_Y = iso.HALF_W + 8, iso.HALF_H + 8
# Silhouettes kept for reuse, in two generations of up to this many each: the newest, and the
# one before, whose silhouettes move to the newest when asked for again. Emptied all at once, a
# city's store made every silhouette on screen again in one frame (10 ms, every second or so).
MAX_SILHOUETTES = 2048


class Frame:
    """A citizen's frame in native px: its size and where its feet are in it."""

    def __init__(self, size: tuple[int, int], feet: tuple[int, int]) -> None:
        self.w, self.h = size
        self.feet_x, self.feet_y = feet


class Occluders:
    """For each tile, the statics (props, buildings) a citizen on it may stand behind; then,
    each frame, those that do, and the silhouettes of what they hide."""

    def __init__(self, rects: Sequence[tuple[float, float, int, int]], depth: FloatArray,
                 frame: Frame) -> None:
        """`rects`: each static's image (left, top, width, height) in native px; `depth`:
        the depth it is sorted by among citizens."""
        self.frame = frame
        self.depth = depth
        gx, gy = np.divmod(np.arange(SIZE * SIZE), SIZE)
        fx, fy = iso.to_screen_arrays(gx + 0.5, gy + 0.5)
        left = (fx - frame.feet_x - STRAY_X)[:, None]
        top = (fy - frame.feet_y - STRAY_Y)[:, None]
        x, y, w, h = (np.array([r[k] for r in rects], dtype=np.float64) for k in range(4))
        near = ((left < x + w) & (x < left + frame.w + 2 * STRAY_X)
                & (top < y + h) & (y < top + frame.h + 2 * STRAY_Y)
                & (depth > (gx + gy - 1.0)[:, None]))
        tile, static = np.nonzero(near)  # by tile, then static: a compressed row per tile
        self._statics: IntArray = static.astype(np.int64)
        self._count: IntArray = np.bincount(tile, minlength=SIZE * SIZE).astype(np.int64)
        self._start: IntArray = np.cumsum(self._count) - self._count
        self._masks: dict[tuple[int, ...], pygame.mask.Mask] = {}
        self._silhouettes: dict[tuple[object, ...], pygame.Surface | None] = {}
        self._older: dict[tuple[object, ...], pygame.Surface | None] = {}  # the generation before
        # The generation before that, let go one silhouette each time one is kept (as many
        # freed as kept: freeing 2,048 surfaces at once took 4 ms of one frame).
        self._freeing: list[pygame.Surface | None] = []

    def covering(self, tiles: IntArray, who: IntArray, boxes: tuple[IntArray, IntArray, int],
                 statics: tuple[IntArray, IntArray, IntArray, IntArray], depth: FloatArray
                 ) -> tuple[IntArray, IntArray]:
        """(citizen, static) pairs where a static in front of the citizen overlaps its box
        on screen. `tiles` are the citizens' tiles (gx·SIZE + gy), `who` their indexes,
        `boxes` their boxes' left and top edges and the zoom, `statics` every static's image
        on screen (x, y, w, h), `depth` the citizens' depths."""
        count = self._count[tiles]
        total = int(count.sum())
        if not total:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
        row = np.repeat(np.arange(len(who)), count)
        offset = np.arange(total) - np.repeat(np.cumsum(count) - count, count)
        static = self._statics[np.repeat(self._start[tiles], count) + offset]
        left, top, z = boxes
        x, y, w, h = statics
        hit = ((self.depth[static] > depth[row])
               & (left[row] < x[static] + w[static]) & (x[static] < left[row] + self.frame.w * z)
               & (top[row] < y[static] + h[static]) & (y[static] < top[row] + self.frame.h * z))
        return who[row[hit]], static[hit]

    def silhouette(self, body: tuple[tuple[int, ...], pygame.Surface],
                   covers: tuple[tuple[int, int, int], ...], images: Sequence[pygame.Surface],
                   key: tuple[int, ...], selected: bool) -> pygame.Surface | None:
        """The pixels of a citizen's frame (`body`: a key naming the frame, and its image)
        that `covers` hide — each (static, dx, dy): the static's image (in `images`) placed
        relative to the frame — drawn flat; None if nothing opaque is hidden. `key` names the
        statics' images (the zoom, day or night). Kept for the next frame: a citizen standing
        still costs a look-up."""
        name = (body[0], key, selected, covers)
        if name in self._silhouettes:
            return self._silhouettes[name]
        if name in self._older:
            return self._keep(name, self._older.pop(name))
        mask = self._mask(body[0], body[1])
        hidden = pygame.mask.Mask(mask.get_size())
        for k, dx, dy in covers:
            hidden.draw(mask.overlap_mask(self._mask((-1 - k, *key), images[k]), (dx, dy)),
                        (0, 0))
        shape = _outlined(hidden, HIDDEN_SELECTED if selected else HIDDEN) if hidden.count() \
            else None
        return self._keep(name, shape)

    def _keep(self, name: tuple[object, ...], shape: pygame.Surface | None
              ) -> pygame.Surface | None:
        """Keep a silhouette in the newest generation; a full one becomes the older."""
        if len(self._silhouettes) >= MAX_SILHOUETTES:
            self._freeing.extend(self._older.values())
            self._older, self._silhouettes = self._silhouettes, {}
        if self._freeing:
            self._freeing.pop()
        self._silhouettes[name] = shape
        return shape

    def _mask(self, key: tuple[int, ...], image: pygame.Surface) -> pygame.mask.Mask:
        """The opaque pixels of an image, by a key naming what it shows at which zoom: the
        same whatever the light's tint."""
        mask = self._masks.get(key)
        if mask is None:
            mask = self._masks[key] = pygame.mask.from_surface(image)
        return mask


def _outlined(hidden: pygame.mask.Mask, colour: Colour) -> pygame.Surface:
    """A silhouette: the mask's pixels in `colour`, see-through, ringed by an opaque edge
    `EDGE` px wide; its top left corner is the mask's, moved out by `EDGE`."""
    # The mask grown by EDGE all round, drawn opaque; the mask itself then written over it.
    shape = hidden.convolve(_GROW).to_surface(setcolor=(*OUTLINE, 255), unsetcolor=(0, 0, 0, 0))
    hidden.to_surface(shape, setcolor=(*colour, HIDDEN_ALPHA), unsetcolor=None, dest=(EDGE, EDGE))
    return shape
