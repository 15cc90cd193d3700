"""Sprites at the current zoom and daylight: integer-scaled copies of the art, tinted once per
daylight step and cached, so a frame only blits ready surfaces.

Night images (`*_night.png`) keep their lit pixels (windows, lamp flames) out of the tint: a lit
window stays warm under a blue-violet night. Holds surfaces only; never imports the simulation's
state or the app.
"""

from __future__ import annotations

import numpy as np
import pygame

from game.sim.model import ARCHETYPE_ORDER
from game.view.assets import Assets
from game.view.daylight import Light
from game.view.palette import WHITE

NIGHT_SUFFIX = "_night.png"
# A pixel of a night image counts as a light if it differs from the day image and is this bright.
LIGHT_LUMINANCE = 0.45
FACINGS = ("SE", "SW", "NE", "NW")  # rows of a citizen sheet, in manifest order
# Citizen frames are blitted colour-keyed, which SDL run-length encodes: a city's two thousand
# on screen in a third of the time per-pixel alpha takes, the very same pixels (their art is
# all opaque or all clear, and no opaque pixel of a tinted sheet is the key: `keyable`).
FRAME_KEY = (255, 0, 255)


def citizen_sheet(archetype: str) -> str:
    return f"citizen_{archetype.lower()}.png"


def night_name(name: str) -> str:
    return name.removesuffix(".png") + NIGHT_SUFFIX


class SpriteBank:
    """Scaled (per zoom) and tinted (per zoom and daylight) surfaces, rebuilt lazily on change."""

    def __init__(self, assets: Assets) -> None:
        self.assets = assets
        self.zoom = 0
        self.light = Light(WHITE, False)
        self.version = 0  # bumped whenever cached surfaces are dropped
        self._lights = {name: _light_pixels(assets, name) for name in assets.images
                        if name.endswith(NIGHT_SUFFIX)}
        self._scaled: dict[str, pygame.Surface] = {}
        self._tinted: dict[str, pygame.Surface] = {}
        self._frames: list[pygame.Surface] | None = None

    def configure(self, zoom: int, light: Light) -> None:
        """Switch zoom and daylight; drops the caches that no longer match."""
        if zoom != self.zoom:
            self._scaled.clear()
        if zoom != self.zoom or light != self.light:
            self._tinted.clear()
            self._frames = None
            self.zoom, self.light = zoom, light
            self.version += 1

    def scaled(self, name: str) -> pygame.Surface:
        """The image at the current zoom, untinted (HUD-like overlays: glyphs, the ring)."""
        surface = self._scaled.get(name)
        if surface is None:
            surface = pygame.transform.scale_by(self.assets.image(name), self.zoom)
            self._scaled[name] = surface
        return surface

    def tinted(self, name: str) -> pygame.Surface:
        """The image at the current zoom under the current daylight."""
        surface = self._tinted.get(name)
        if surface is None:
            surface = self.scaled(name)
            if not self.light.plain:
                surface = surface.copy()
                surface.fill(self.light.tint, special_flags=pygame.BLEND_RGB_MULT)
                lights = self._lights.get(name)
                if lights is not None:
                    surface.blit(pygame.transform.scale_by(lights, self.zoom), (0, 0))
            self._tinted[name] = surface
        return surface

    def anchor(self, name: str) -> tuple[int, int]:
        """The image's anchor at the current zoom."""
        ax, ay = self.assets.entry(name).anchor
        return ax * self.zoom, ay * self.zoom

    def citizen_frames(self) -> list[pygame.Surface]:
        """Every citizen frame, tinted, in one list: archetype a's (ARCHETYPE_ORDER) frame at
        facing f (a sheet's row, manifest order) and pose p (its column) at (a·rows + f)·cols
        + p."""
        if self._frames is None:
            self._frames = []
            for archetype in ARCHETYPE_ORDER:
                name = citizen_sheet(archetype)
                entry = self.assets.entry(name)
                assert entry.frame is not None and entry.rows and entry.cols
                sheet = self.tinted(name)
                fw, fh = entry.frame[0] * self.zoom, entry.frame[1] * self.zoom
                frames = [sheet.subsurface((c * fw, r * fh, fw, fh))
                          for r in range(len(entry.rows)) for c in range(len(entry.cols))]
                self._frames += [_keyed(f) for f in frames] if keyable(sheet) else frames
        return self._frames


def keyable(image: pygame.Surface) -> bool:
    """Whether an image drawn colour-keyed by `FRAME_KEY` shows the pixels its alpha does:
    each pixel opaque or clear, and none opaque of the key's colour."""
    opaque = pygame.mask.from_surface(image, 254)
    key = pygame.mask.from_threshold(image, (*FRAME_KEY, 255), (1, 1, 1, 255))
    return (opaque.count() == pygame.mask.from_surface(image, 0).count()
            and not opaque.overlap_area(key, (0, 0)))


def _keyed(frame: pygame.Surface) -> pygame.Surface:
    """A frame of all-or-nothing alpha as a run-length encoded colour-keyed surface."""
    surface = pygame.Surface(frame.get_size())
    surface.fill(FRAME_KEY)
    surface.blit(frame, (0, 0))
    surface.set_colorkey(FRAME_KEY, pygame.RLEACCEL)
    return surface


def _light_pixels(assets: Assets, name: str) -> pygame.Surface:
    """The night image with everything but its lights made transparent."""
    night = assets.image(name)
    day_name = name.removesuffix(NIGHT_SUFFIX) + ".png"
    day = assets.image(day_name)
    nx, ny = assets.entry(name).anchor
    dx, dy = assets.entry(day_name).anchor
    lights = night.copy()
    rgb = pygame.surfarray.array3d(lights).astype(np.float64)
    alpha = pygame.surfarray.pixels_alpha(lights)
    same = np.zeros(alpha.shape, dtype=bool)
    day_rgb = pygame.surfarray.array3d(day)
    day_alpha = pygame.surfarray.array_alpha(day)
    ox, oy = nx - dx, ny - dy  # where the day image's (0, 0) falls in the night image
    w, h = day_rgb.shape[:2]
    x0, y0 = max(ox, 0), max(oy, 0)
    x1, y1 = min(ox + w, alpha.shape[0]), min(oy + h, alpha.shape[1])
    night_part = pygame.surfarray.array3d(night)[x0:x1, y0:y1]
    day_part = day_rgb[x0 - ox:x1 - ox, y0 - oy:y1 - oy]
    same[x0:x1, y0:y1] = ((night_part == day_part).all(axis=-1)
                          & (day_alpha[x0 - ox:x1 - ox, y0 - oy:y1 - oy] > 0))
    luminance = (rgb @ np.array([0.2126, 0.7152, 0.0722])) / 255.0
    alpha[same | (luminance < LIGHT_LUMINANCE)] = 0
    del alpha
    return lights
