"""Asset generator for Agent Town: every image of the game, drawn from code.

Holds a tiny indexed-pixel canvas with a zlib PNG writer, and the drawing code for terrain
tiles, props, buildings, citizen sheets, activity glyphs, HUD pieces, card icons and the pixel
font (glyph bitmaps as data). Writes PNGs plus ``manifest.json``
(sizes, anchors, 9-slice borders, sheet layout, font metrics, palette).

Run ``python tools/make_assets.py [--out DIR]`` (default ``game/assets/``). Output is
deterministic: the same code gives the same bytes. Imports nothing from ``game`` but the palette
(``game.view.palette``, pure data): the art has no rules in it.
"""

from __future__ import annotations

import argparse
import json
import math
import struct
import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from game.view.palette import ENDESGA_32

# --------------------------------------------------------------------------------------------
# Palette: ENDESGA 32 from game.view.palette (the window draws its HUD in the same colours), in
# its published order; an index into it is a pixel's value on the canvas.
# --------------------------------------------------------------------------------------------

C: dict[str, int] = {name: i for i, (name, _) in enumerate(ENDESGA_32)}
CLEAR = 255
INK = C["ink"]

# One letter per colour for hand-drawn pixel strings; '.' and ' ' are transparent.
LEGEND: dict[str, int] = {
    "k": C["ink"], "n": C["night"], "S": C["steel"], "l": C["slate"], "g": C["grey"],
    "v": C["silver"], "w": C["white"], "r": C["red"], "R": C["wine"], "o": C["orange"],
    "y": C["yellow"], "G": C["gold"], "u": C["umber"], "b": C["brown"], "t": C["tan"],
    "s": C["sand"], "e": C["leaf"], "E": C["green"], "p": C["pine"], "i": C["moss"],
    "c": C["cyan"], "B": C["sky"], "N": C["navy"], "m": C["rose"], "M": C["plum"],
    "q": C["salmon"], "f": C["skin"], "F": C["tawny"], "x": C["rust"], "z": C["clay"],
    "d": C["soot"], "h": C["neon"],
}

Pixels = NDArray[np.uint8]
Shader = Callable[[float, float], int | None]


def _rgba_table() -> NDArray[np.uint8]:
    table = np.zeros((256, 4), np.uint8)
    for i, (_, hexcode) in enumerate(ENDESGA_32):
        table[i] = (*bytes.fromhex(hexcode), 255)
    return table


RGBA = _rgba_table()


def hash01(*values: int) -> float:
    """A stable pseudo-random number in [0, 1) from integers (no global random state)."""
    x = 0x811C9DC5
    for v in values:
        x = ((x ^ (v & 0xFFFFFFFF)) * 0x01000193) & 0xFFFFFFFF
        x ^= x >> 13
        x = (x * 0x5BD1E995) & 0xFFFFFFFF
        x ^= x >> 15
    return x / 2**32


# --------------------------------------------------------------------------------------------
# Canvas: palette indices, CLEAR for transparent.
# --------------------------------------------------------------------------------------------


class Canvas:
    """A grid of palette indices with the few drawing operations pixel art needs."""

    def __init__(self, w: int, h: int) -> None:
        self.px: Pixels = np.full((h, w), CLEAR, np.uint8)

    @property
    def w(self) -> int:
        return int(self.px.shape[1])

    @property
    def h(self) -> int:
        return int(self.px.shape[0])

    def put(self, x: int, y: int, c: int) -> None:
        if 0 <= x < self.w and 0 <= y < self.h:
            self.px[y, x] = c

    def get(self, x: int, y: int) -> int:
        if 0 <= x < self.w and 0 <= y < self.h:
            return int(self.px[y, x])
        return CLEAR

    def rect(self, x: int, y: int, w: int, h: int, c: int) -> None:
        for yy in range(y, y + h):
            for xx in range(x, x + w):
                self.put(xx, yy, c)

    def line(self, x0: int, y0: int, x1: int, y1: int, c: int) -> None:
        dx, dy = abs(x1 - x0), -abs(y1 - y0)
        sx, sy = (1 if x0 < x1 else -1), (1 if y0 < y1 else -1)
        err = dx + dy
        while True:
            self.put(x0, y0, c)
            if x0 == x1 and y0 == y1:
                return
            e2 = 2 * err
            if e2 >= dy:
                err += dy
                x0 += sx
            if e2 <= dx:
                err += dx
                y0 += sy

    def stamp(
        self, x: int, y: int, rows: Sequence[str], legend: Mapping[str, int] = LEGEND
    ) -> None:
        for dy, row in enumerate(rows):
            for dx, ch in enumerate(row):
                if ch not in ". ":
                    self.put(x + dx, y + dy, legend[ch])

    def blit(self, other: Canvas, x: int, y: int) -> None:
        for yy in range(other.h):
            for xx in range(other.w):
                c = int(other.px[yy, xx])
                if c != CLEAR:
                    self.put(x + xx, y + yy, c)

    def ellipse(self, cx: float, cy: float, rx: float, ry: float, c: int) -> None:
        for y in range(math.floor(cy - ry), math.ceil(cy + ry) + 1):
            for x in range(math.floor(cx - rx), math.ceil(cx + rx) + 1):
                if ((x + 0.5 - cx) / rx) ** 2 + ((y + 0.5 - cy) / ry) ** 2 <= 1.0:
                    self.put(x, y, c)

    def outline(self, c: int = INK, diagonal: bool = False) -> None:
        """Ring every opaque shape with a 1-px border of `c` on its transparent side."""
        solid = self.px != CLEAR
        ring = np.zeros_like(solid)
        steps = [(1, 0), (-1, 0), (0, 1), (0, -1)]
        if diagonal:
            steps += [(1, 1), (1, -1), (-1, 1), (-1, -1)]
        h, w = solid.shape
        for dx, dy in steps:
            shifted = np.zeros_like(solid)
            shifted[max(dy, 0) : h + min(dy, 0), max(dx, 0) : w + min(dx, 0)] = solid[
                max(-dy, 0) : h + min(-dy, 0), max(-dx, 0) : w + min(-dx, 0)
            ]
            ring |= shifted
        self.px[ring & ~solid] = c

    def flipped(self) -> Canvas:
        out = Canvas(self.w, self.h)
        out.px = self.px[:, ::-1].copy()
        return out

    def poly_pixels(self, pts: Sequence[tuple[float, float]]) -> list[tuple[int, int]]:
        """Pixels whose centres lie inside the polygon (half-open, so shared edges never
        double-fill: two iso faces sharing an edge partition their pixels exactly)."""
        out: list[tuple[int, int]] = []
        ys = [p[1] for p in pts]
        n = len(pts)
        for y in range(max(0, math.floor(min(ys))), min(self.h, math.ceil(max(ys)) + 1)):
            yc = y + 0.5
            xs: list[float] = []
            for i in range(n):
                (x0, y0), (x1, y1) = pts[i], pts[(i + 1) % n]
                if (y0 <= yc < y1) or (y1 <= yc < y0):
                    xs.append(x0 + (yc - y0) * (x1 - x0) / (y1 - y0))
            xs.sort()
            for a, b in zip(xs[::2], xs[1::2], strict=False):
                for x in range(max(0, math.ceil(a - 0.5)), min(self.w, math.ceil(b - 0.5))):
                    out.append((x, y))
        return out

    def poly(self, pts: Sequence[tuple[float, float]], c: int) -> None:
        for x, y in self.poly_pixels(pts):
            self.px[y, x] = c

    def crop_top(self, keep: int = 0) -> None:
        """Drop fully transparent rows at the top, but always keep the bottom `keep` rows."""
        rows = np.nonzero((self.px != CLEAR).any(axis=1))[0]
        top = min(int(rows[0]) if len(rows) else 0, self.h - keep)
        self.px = self.px[top:].copy()


def write_png(path: Path, canvas: Canvas) -> None:
    """Write RGBA 8-bit PNG with fixed zlib settings, so equal pixels give equal bytes."""
    rgba = RGBA[canvas.px]
    h, w = canvas.px.shape
    raw = b"".join(b"\x00" + rgba[y].tobytes() for y in range(h))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", w, h, 8, 6, 0, 0, 0)
    png = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )
    path.write_bytes(png)


# --------------------------------------------------------------------------------------------
# Isometric geometry. Grid (gx, gy, z) → pixel: x = ox + (gx − gy)·16, y = oy + (gx + gy)·8 − z.
# --------------------------------------------------------------------------------------------

TILE_W, TILE_H = 32, 16
Point3 = tuple[float, float, float]


@dataclass(frozen=True)
class Iso:
    """Projection for one image: (ox, oy) is the pixel of grid point (0, 0, 0)."""

    ox: float
    oy: float

    def __call__(self, gx: float, gy: float, z: float = 0.0) -> tuple[float, float]:
        return (self.ox + (gx - gy) * 16, self.oy + (gx + gy) * 8 - z)


def paint_plane(
    cv: Canvas,
    iso: Iso,
    outline: Sequence[Point3],
    origin: Point3,
    u_axis: Point3,
    v_axis: Point3,
    shader: Shader,
) -> None:
    """Fill a planar polygon; each pixel gets shader(a, b), where pixel ≈ origin + a·u + b·v.

    Axes are 3-D vectors in grid units (z in pixels), so shaders think in face coordinates
    (tiles along a wall, pixels up it) instead of screen pixels.
    """
    o = iso(*origin)
    pu, pv = iso(*(origin[i] + u_axis[i] for i in range(3))), iso(
        *(origin[i] + v_axis[i] for i in range(3))
    )
    ux, uy, vx, vy = pu[0] - o[0], pu[1] - o[1], pv[0] - o[0], pv[1] - o[1]
    det = ux * vy - uy * vx
    for x, y in cv.poly_pixels([iso(*p) for p in outline]):
        dx, dy = x + 0.5 - o[0], y + 0.5 - o[1]
        a = (dx * vy - dy * vx) / det
        b = (ux * dy - uy * dx) / det
        c = shader(a, b)
        if c is not None:
            cv.px[y, x] = c


def solid(c: int) -> Shader:
    return lambda a, b: c


# --------------------------------------------------------------------------------------------
# Terrain tiles: 32×16 diamonds. Patterns are functions of the tile's own (u, v) in [0, 1)²,
# so anything that touches an edge continues seamlessly into the neighbouring tile.
# --------------------------------------------------------------------------------------------

TileShader = Callable[[int, int, float, float], int]


def diamond(shader: TileShader) -> Canvas:
    cv = Canvas(TILE_W, TILE_H)
    for x, y in cv.poly_pixels([(16, 0), (32, 8), (16, 16), (0, 8)]):
        xc, yc = x + 0.5 - 16, y + 0.5
        u, v = xc / 32 + yc / 16, -xc / 32 + yc / 16
        cv.px[y, x] = shader(x, y, u, v)
    return cv


def interior(u: float, v: float, margin: float = 0.12) -> bool:
    return margin < u < 1 - margin and margin < v < 1 - margin


def decorate(cv: Canvas, seed: int, density: float, marks: Sequence[Sequence[str]]) -> None:
    """Scatter small pixel marks over a tile's interior, deterministically from `seed`."""
    base = cv.px.copy()
    for y in range(TILE_H):
        for x in range(TILE_W):
            if hash01(seed, x, y) >= density:
                continue
            mark = marks[int(hash01(seed + 1, x, y) * len(marks))]
            cells = [
                (x + dx, y + dy, ch)
                for dy, row in enumerate(mark)
                for dx, ch in enumerate(row)
                if ch not in ". "
            ]
            if all(_tile_interior_pixel(base, cx, cy) for cx, cy, _ in cells):
                for cx, cy, ch in cells:
                    cv.px[cy, cx] = LEGEND[ch]


def _tile_interior_pixel(base: Pixels, x: int, y: int) -> bool:
    if not (0 <= x < TILE_W and 0 <= y < TILE_H) or base[y, x] == CLEAR:
        return False
    xc, yc = x + 0.5 - 16, y + 0.5
    return interior(xc / 32 + yc / 16, -xc / 32 + yc / 16, 0.14)


GRASS_MARKS = (("e", "E"), ("e.e", ".E."), ("p",), ("e", "p"), (".e", "ep"))
FLOWER_MARKS = (("y",), ("w",), ("e.e", ".E."), ("q",))


def tile_grass(variant: int) -> Canvas:
    cv = diamond(lambda x, y, u, v: C["green"])
    densities = (0.05, 0.08, 0.06)
    decorate(cv, 10 + variant, densities[variant], GRASS_MARKS)
    if variant == 2:
        decorate(cv, 40, 0.02, FLOWER_MARKS)
    return cv


def tile_road() -> Canvas:
    def dirt(x: int, y: int, u: float, v: float) -> int:
        n = hash01(7, x // 2, y)
        return C["brown"] if n < 0.10 else C["tan"]

    cv = diamond(dirt)
    decorate(cv, 21, 0.05, (("s", "b"), ("sb", "bu"), ("u",), ("s",)))
    return cv


def tile_water(frame: int) -> Canvas:
    cv = diamond(lambda x, y, u, v: C["sky"] if (u * 4 + v * 2) % 1.0 < 0.08 else C["navy"])
    shift = 2 * frame
    for x0, y0, w in ((8, 5, 4), (17, 8, 5), (11, 11, 3), (20, 4, 3)):
        for dx in range(w):
            cv.put(x0 + dx + shift - (frame * 4 if x0 + w + shift > 26 else 0), y0, C["cyan"])
    cv.put(13 - frame, 6 + frame, C["white"])
    cv.put(22 - frame * 2, 10, C["white"])
    return _clip_to_diamond(cv)


def _clip_to_diamond(cv: Canvas) -> Canvas:
    mask = Canvas(TILE_W, TILE_H)
    for x, y in mask.poly_pixels([(16, 0), (32, 8), (16, 16), (0, 8)]):
        mask.px[y, x] = 0
    cv.px[mask.px == CLEAR] = CLEAR
    return cv


def tile_plaza() -> Canvas:
    def slabs(x: int, y: int, u: float, v: float) -> int:
        fu, fv = (u * 2) % 1.0, (v * 2) % 1.0
        if fu < 0.07 or fv < 0.07:
            return C["grey"]
        if fu < 0.16 or fv < 0.16:
            return C["white"]
        return C["silver"]

    cv = diamond(slabs)
    decorate(cv, 31, 0.02, (("g",), ("w",)))
    return cv


def tile_garden() -> Canvas:
    def furrows(x: int, y: int, u: float, v: float) -> int:
        f = (v * 4) % 1.0
        return C["umber"] if f < 0.3 else C["brown"] if f < 0.55 else C["clay"]

    cv = diamond(furrows)
    for i in range(4):
        for j in range(3):
            u, v = 0.2 + 0.3 * j, 0.14 + 0.25 * i
            x, y = round(16 + (u - v) * 16), round((u + v) * 8) - 1
            pick = (i + j) % 3
            sprout = (("e", "E"), ("r", "E"), ("eG", "E."))[pick]
            if _tile_interior_pixel(cv.px, x, y + 1):
                cv.stamp(x, y, sprout)
    return _clip_to_diamond(cv)


def tile_market() -> Canvas:
    def boards(x: int, y: int, u: float, v: float) -> int:
        f = (u * 4) % 1.0
        seam = (v * 2 + (0.5 if int(u * 4) % 2 else 0.0)) % 1.0
        if f < 0.12 or seam < 0.05:
            return C["umber"]
        return C["tan"] if f < 0.3 else C["brown"]

    return diamond(boards)


def tile_dirt() -> Canvas:
    cv = diamond(lambda x, y, u, v: C["umber"] if hash01(5, x // 2, y) < 0.12 else C["brown"])
    decorate(cv, 51, 0.04, (("t",), ("tu",), ("u",)))
    return cv


def tile_yard() -> Canvas:
    def gravel(x: int, y: int, u: float, v: float) -> int:
        n = hash01(61, x, y)
        return C["silver"] if n < 0.12 else C["slate"] if n < 0.26 else C["grey"]

    return diamond(gravel)


# --------------------------------------------------------------------------------------------
# Props: one tile each. Drawn on a tall canvas with the tile's top vertex at (16, H − 16),
# then cropped at the top; anchor = that vertex.
# --------------------------------------------------------------------------------------------

PROP_H = 64
PROP_BASE = (16, PROP_H - 8)  # the tile centre, where props stand


def shade_ball(
    cv: Canvas, cx: float, cy: float, rx: float, ry: float, tones: Sequence[int], seed: int
) -> None:
    """A lit blob: tones[0] lightest (top-left) … tones[-1] darkest, dithered at the bands."""
    for y in range(math.floor(cy - ry), math.ceil(cy + ry) + 1):
        for x in range(math.floor(cx - rx), math.ceil(cx + rx) + 1):
            nx, ny = (x + 0.5 - cx) / rx, (y + 0.5 - cy) / ry
            d = nx * nx + ny * ny
            if d > 1.0:
                continue
            light = 0.55 - (nx * -0.55 + ny * -0.75) * 0.7 + d * 0.25
            light += (hash01(seed, x, y) - 0.5) * 0.18
            idx = min(len(tones) - 1, max(0, int(light * len(tones))))
            cv.put(x, y, tones[idx])


def prop_canvas() -> Canvas:
    return Canvas(TILE_W, PROP_H)


def prop_tree_round() -> Canvas:
    cv = prop_canvas()
    bx, by = PROP_BASE
    cv.rect(bx - 2, by - 12, 4, 13, C["umber"])
    cv.rect(bx - 2, by - 12, 1, 13, C["brown"])
    cv.put(bx - 3, by, C["umber"])
    cv.put(bx + 2, by, C["soot"])
    tones = (C["leaf"], C["green"], C["green"], C["pine"], C["moss"])
    shade_ball(cv, bx, by - 22, 11.5, 10.5, tones, 1)
    shade_ball(cv, bx - 5, by - 17, 6.5, 5.5, tones, 2)
    shade_ball(cv, bx + 5, by - 16, 6.5, 5.5, tones[1:], 3)
    shade_ball(cv, bx - 2, by - 27, 6, 5, tones, 4)
    cv.outline()
    return cv


def prop_tree_pine() -> Canvas:
    cv = prop_canvas()
    bx, by = PROP_BASE
    cv.rect(bx - 1, by - 6, 3, 7, C["umber"])
    cv.put(bx - 1, by - 6, C["brown"])
    for tier, (top, half) in enumerate(((-38, 6), (-30, 9), (-21, 11))):
        for dy in range(13 - tier):
            w = 1 + (half * (dy + 1)) // (13 - tier)
            for dx in range(-w, w + 1):
                lit = dx < -w // 3 and (dy + dx) % 3 != 0
                dark = dx > w // 2
                c = C["green"] if lit else C["moss"] if dark else C["pine"]
                cv.put(bx + dx, by + top + dy, c)
        for dx in range(-half, half + 1, 3):
            cv.put(bx + dx, by + top + 12 - tier, C["moss"])
    cv.put(bx, by - 39, C["pine"])
    cv.outline()
    return cv


def prop_bush() -> Canvas:
    cv = prop_canvas()
    bx, by = PROP_BASE
    tones = (C["leaf"], C["green"], C["pine"], C["moss"])
    shade_ball(cv, bx - 4, by - 4, 6, 5, tones, 5)
    shade_ball(cv, bx + 4, by - 3, 6, 4.5, tones[1:], 6)
    shade_ball(cv, bx, by - 7, 6, 5, tones, 7)
    for x, y in ((bx - 3, by - 9), (bx + 3, by - 5), (bx - 6, by - 4)):
        cv.put(x, y, C["red"])
    cv.outline()
    return cv


LAMP = (
    "..kkk..",
    ".kgvgk.",
    "kvyyyGk",
    "kvyGyGk",
    "kgyyyGk",
    ".kSSSk.",
    "..kSk..",
)


def prop_lamp(lit: bool) -> Canvas:
    cv = prop_canvas()
    bx, by = PROP_BASE
    cv.rect(bx - 1, by - 22, 2, 22, C["steel"])
    cv.rect(bx - 1, by - 22, 1, 22, C["slate"])
    cv.rect(bx - 2, by - 2, 4, 2, C["steel"])
    glass = {"y": C["yellow"], "G": C["gold"]} if lit else {"y": C["slate"], "G": C["steel"]}
    cv.stamp(bx - 4, by - 29, LAMP, {**LEGEND, **glass})
    if lit:
        cv.put(bx - 1, by - 26, C["white"])
    cv.outline()
    if lit:
        for y in range(by - 36, by - 17):
            for x in range(bx - 9, bx + 9):
                d = math.hypot(x + 0.5 - bx, (y + 0.5 - (by - 25)) * 1.1)
                if cv.get(x, y) == CLEAR and d < 8.5 and (x + y) % 2 == 0:
                    cv.put(x, y, C["gold"] if d < 6 else C["orange"])
    return cv


def prop_stall(awning: tuple[int, int], goods: Sequence[int]) -> Canvas:
    cv = Canvas(TILE_W, PROP_H)
    iso = Iso(16, PROP_H - 16)
    a0, a1, b0, b1 = 0.15, 0.85, 0.2, 0.8
    for gx, gy in ((a0, b1), (a1, b1), (a1, b0)):
        x, y = iso(gx, gy)
        cv.rect(round(x) - 1, round(y) - 18, 2, 18, C["umber"])
    paint_plane(cv, iso, [(a0, b0, 7), (a1, b0, 7), (a1, b1, 7), (a0, b1, 7)],
                (a0, b0, 7), (1, 0, 0), (0, 1, 0), solid(C["brown"]))
    paint_plane(cv, iso, [(a0, b1, 0), (a1, b1, 0), (a1, b1, 7), (a0, b1, 7)],
                (a0, b1, 0), (1, 0, 0), (0, 0, 1),
                lambda a, b: C["tan"] if b > 5 else C["clay"])
    paint_plane(cv, iso, [(a1, b0, 0), (a1, b1, 0), (a1, b1, 7), (a1, b0, 7)],
                (a1, b0, 0), (0, 1, 0), (0, 0, 1),
                lambda a, b: C["brown"] if b > 5 else C["umber"])
    for i, g in enumerate(goods):
        x, y = iso(a0 + 0.15 + 0.17 * i, b0 + 0.35 + 0.08 * (i % 2), 7)
        cv.rect(round(x) - 1, round(y) - 3, 3, 3, g)
        cv.put(round(x) - 1, round(y) - 3, C["white"])
    stripe_a, stripe_b = awning

    def cloth(a: float, b: float) -> int:
        return stripe_a if int(a * 6) % 2 == 0 else stripe_b

    top = [(a0 - 0.1, b0 - 0.1, 22), (a1 + 0.1, b0 - 0.1, 22),
           (a1 + 0.1, b1 + 0.15, 15), (a0 - 0.1, b1 + 0.15, 15)]
    paint_plane(cv, iso, top, (a0 - 0.1, b0, 22), (1, 0, 0), (0, 1, -7), cloth)
    paint_plane(cv, iso, [(a0 - 0.1, b1 + 0.15, 15), (a1 + 0.1, b1 + 0.15, 15),
                          (a1 + 0.1, b1 + 0.15, 12), (a0 - 0.1, b1 + 0.15, 12)],
                (a0 - 0.1, b1 + 0.15, 12), (1, 0, 0), (0, 0, 1),
                lambda a, b: cloth(a, b) if int(a * 12) % 2 == 0 or b > 1 else None)
    cv.outline()
    return cv


def prop_fountain() -> Canvas:
    cv = prop_canvas()
    bx, by = PROP_BASE
    cv.ellipse(bx, by - 2, 14, 6.5, C["grey"])
    cv.ellipse(bx, by - 4, 14, 6.5, C["silver"])
    cv.ellipse(bx, by - 4, 11.5, 4.8, C["slate"])
    cv.ellipse(bx, by - 3.5, 11, 4.3, C["sky"])
    for x in range(bx - 8, bx + 8, 3):
        cv.put(x, by - 3 + (x % 2), C["cyan"])
    cv.rect(bx - 2, by - 14, 4, 11, C["silver"])
    cv.rect(bx + 1, by - 14, 1, 11, C["grey"])
    cv.ellipse(bx, by - 14, 5, 2.2, C["grey"])
    cv.ellipse(bx, by - 15, 5, 2.2, C["silver"])
    cv.rect(bx - 1, by - 21, 2, 6, C["cyan"])
    cv.put(bx - 1, by - 21, C["white"])
    for dx, dy in ((-3, -19), (-5, -17), (3, -19), (5, -17), (-6, -15), (6, -15)):
        cv.put(bx + dx, by + dy, C["cyan"])
    cv.outline()
    return cv


def prop_bench() -> Canvas:
    cv = prop_canvas()
    iso = Iso(16, PROP_H - 16)
    for gx in (0.2, 0.8):
        x, y = iso(gx, 0.55)
        cv.rect(round(x) - 1, round(y) - 5, 2, 5, C["steel"])
    paint_plane(cv, iso, [(0.15, 0.35, 5), (0.85, 0.35, 5), (0.85, 0.6, 5), (0.15, 0.6, 5)],
                (0.15, 0.35, 5), (1, 0, 0), (0, 1, 0),
                lambda a, b: C["umber"] if (b * 16) % 4 < 1 else C["tan"])
    paint_plane(cv, iso, [(0.15, 0.35, 5), (0.85, 0.35, 5), (0.85, 0.35, 12), (0.15, 0.35, 12)],
                (0.15, 0.35, 5), (1, 0, 0), (0, 0, 1),
                lambda a, b: C["umber"] if 2.5 < b < 4 else C["brown"])
    cv.outline()
    return cv


def prop_flowers() -> Canvas:
    cv = prop_canvas()
    bx, by = PROP_BASE
    for i in range(9):
        x = bx - 8 + (i * 7) % 17
        y = by - 2 - (i * 5) % 6
        h = 3 + i % 3
        cv.rect(x, y - h, 1, h + 1, C["green"])
        bloom = (C["red"], C["yellow"], C["white"], C["salmon"], C["rose"])[i % 5]
        cv.put(x, y - h - 1, bloom)
        cv.put(x - 1, y - h, bloom)
        cv.put(x + 1, y - h, bloom)
        cv.put(x, y - h, C["gold"] if bloom != C["yellow"] else C["orange"])
        cv.put(x + 1, y - 1, C["leaf"])
    cv.outline()
    return cv


ROCK = (
    "....gvvg....",
    "..gvwvvggl..",
    ".gvvvgggglS.",
    "gvvgggglllS.",
    "gvgggglllSS.",
    ".glllllSSS..",
)


def prop_rock() -> Canvas:
    cv = prop_canvas()
    bx, by = PROP_BASE
    cv.stamp(bx - 6, by - 5, ROCK)
    cv.outline()
    return cv


TELESCOPE = (
    "......kk",
    ".....kvgk",
    "....kvgSk",
    "...kvgSk.",
    "..kGGSk..",
    ".kvgSk...",
    "kvgSk....",
    ".kSk.....",
)


def prop_telescope() -> Canvas:
    cv = prop_canvas()
    bx, by = PROP_BASE
    cv.line(bx, by - 8, bx - 4, by, C["umber"])
    cv.line(bx, by - 8, bx + 4, by, C["umber"])
    cv.line(bx, by - 8, bx + 1, by + 1, C["brown"])
    cv.stamp(bx - 4, by - 16, TELESCOPE)
    cv.outline()
    return cv


def prop_well() -> Canvas:
    cv = prop_canvas()
    bx, by = PROP_BASE
    cv.ellipse(bx, by - 4, 9, 5, C["grey"])
    cv.ellipse(bx, by - 6, 9, 4.5, C["silver"])
    cv.ellipse(bx, by - 6.5, 6.5, 3, C["night"])
    for x in range(bx - 9, bx + 9, 3):
        cv.put(x, by - 3 + abs(x - bx) // 4 - 1, C["slate"])
    cv.rect(bx - 9, by - 20, 2, 14, C["umber"])
    cv.rect(bx + 7, by - 20, 2, 14, C["umber"])
    cv.rect(bx - 9, by - 20, 1, 14, C["brown"])
    cv.poly([(bx - 12, by - 19), (bx, by - 27), (bx + 12, by - 19)], C["red"])
    cv.poly([(bx, by - 27), (bx + 12, by - 19), (bx + 6, by - 19)], C["wine"])
    cv.rect(bx, by - 13, 1, 6, C["grey"])
    cv.rect(bx - 1, by - 9, 3, 3, C["brown"])
    cv.outline()
    return cv


# --------------------------------------------------------------------------------------------
# Buildings: 3-D boxes and roofs painted plane by plane, back to front. Left (SW-facing)
# planes take the light, right (SE-facing) planes the shadow. Night only changes the glass.
# --------------------------------------------------------------------------------------------

Tones = tuple[int, int, int]  # light, mid, dark


def glass(night: bool, a: float, b: float, height: float) -> int:
    """Window pane colour at face coords; warm and bright at night (it survives the tint)."""
    if night:
        return C["yellow"] if b > height * 0.45 else C["gold"] if b > 1.5 else C["orange"]
    return C["sky"] if b > height * 0.7 and (a * 16) % 3 < 1.2 else C["navy"]


@dataclass(frozen=True)
class Window:
    """A window on a wall: span along the wall (grid) and up it (pixels)."""

    a0: float
    a1: float
    b0: float
    b1: float
    arched: bool = False

    def hit(self, a: float, b: float, pad: float = 0.0) -> bool:
        inside = self.a0 - pad / 16 <= a < self.a1 + pad / 16 and self.b0 - pad <= b < self.b1 + pad
        if inside and self.arched:
            mid, half = (self.a0 + self.a1) / 2, (self.a1 - self.a0) / 2 + pad / 16
            r = min(1.0, abs(a - mid) / half)
            return b < self.b1 + pad - half * 16 * (1 - math.sqrt(1 - r * r))
        return inside


def wall(
    base: int,
    windows: Sequence[Window],
    night: bool,
    frame: int,
    detail: Callable[[float, float], int | None] | None = None,
) -> Shader:
    """Wall shader: base tone, optional detail (beams, bricks), framed windows."""
    def shade(a: float, b: float) -> int | None:
        for w in windows:
            if w.hit(a, b):
                return glass(night, a - w.a0, b - w.b0, w.b1 - w.b0)
            if w.hit(a, b, 1.0):
                return frame
        if detail is not None:
            d = detail(a, b)
            if d is not None:
                return d
        return base

    return shade


def along(axis: str, s: float, t: float, z: float) -> Point3:
    """Grid point from (along-ridge, across-ridge, z) for a roof whose ridge runs on `axis`."""
    return (s, t, z) if axis == "x" else (t, s, z)


def box(
    cv: Canvas,
    iso: Iso,
    span: tuple[float, float, float, float],
    z: tuple[float, float],
    left: Shader,
    right: Shader,
    top: Shader | None = None,
) -> None:
    a0, a1, b0, b1 = span
    z0, z1 = z
    paint_plane(cv, iso, [(a0, b1, z0), (a1, b1, z0), (a1, b1, z1), (a0, b1, z1)],
                (a0, b1, z0), (1, 0, 0), (0, 0, 1), left)
    paint_plane(cv, iso, [(a1, b0, z0), (a1, b1, z0), (a1, b1, z1), (a1, b0, z1)],
                (a1, b0, z0), (0, 1, 0), (0, 0, 1), right)
    if top is not None:
        paint_plane(cv, iso, [(a0, b0, z1), (a1, b0, z1), (a1, b1, z1), (a0, b1, z1)],
                    (a0, b0, z1), (1, 0, 0), (0, 1, 0), top)


def shingles(tones: Tones, rows: float, seed: int) -> Callable[[float, float, float], int]:
    """Roof-tile pattern over (along, up-slope fraction, slope depth)."""
    light, mid, dark = tones

    def shade(a: float, f: float, depth: float) -> int:
        r = f * rows
        row, within = int(r), r % 1.0
        stagger = 0.5 if row % 2 else 0.0
        col = (a * 5 + stagger) % 1.0
        if within < 0.22:
            return dark
        if col < 0.09:
            return dark
        if within > 0.8 and hash01(seed, int(a * 5 + stagger), row) < 0.6:
            return light
        return mid

    return shade


def gable(
    cv: Canvas,
    iso: Iso,
    axis: str,
    span: tuple[float, float, float, float],
    z: float,
    rise: float,
    eave: float,
    front: Tones,
    back: int,
    end: Shader,
    rows: float = 6,
) -> None:
    """Gable roof, ridge along `axis`. span = (s0, s1, t0, t1) along / across the ridge."""
    s0, s1, t0, t1 = span
    mid, d = (t0 + t1) / 2, (t1 - t0) / 2 + eave
    lo, hi = s0 - eave, s1 + eave

    def p(s: float, t: float, zz: float) -> Point3:
        return along(axis, s, t, zz)

    ridge = z + rise
    paint_plane(cv, iso, [p(lo, t0 - eave, z), p(hi, t0 - eave, z), p(hi, mid, ridge),
                          p(lo, mid, ridge)], p(lo, mid, 0), p(1, 0, 0), p(0, 1, 0), solid(back))
    wall_top = z + rise * eave / d
    paint_plane(cv, iso, [p(s1, t0, z), p(s1, t1, z), p(s1, t1, wall_top), p(s1, mid, ridge),
                          p(s1, t0, wall_top)], p(s1, t0, z), p(0, 1, 0), p(0, 0, 1), end)
    paint_plane(cv, iso, [p(hi, t1 + eave, z), p(hi, mid, ridge), p(hi, mid, ridge - 3),
                          p(hi, t1 + eave, z - 3)], p(hi, mid, 0), p(0, 1, 0), p(0, 0, 1),
                solid(front[2]))
    pattern = shingles(front, rows, 3)
    paint_plane(cv, iso, [p(lo, t1 + eave, z), p(hi, t1 + eave, z), p(hi, mid, ridge),
                          p(lo, mid, ridge)], p(lo, t1 + eave, z), p(1, 0, 0),
                p(0, -d, rise), lambda a, b: pattern(a, b, d))
    paint_plane(cv, iso, [p(lo, mid, ridge - 1), p(hi, mid, ridge - 1), p(hi, mid, ridge + 1),
                          p(lo, mid, ridge + 1)], p(lo, mid, ridge), p(1, 0, 0), p(0, 0, 1),
                solid(front[2]))


def hip_roof(
    cv: Canvas,
    iso: Iso,
    span: tuple[float, float, float, float],
    z: float,
    rise: float,
    eave: float,
    tones: Tones,
) -> None:
    """Hip roof with its ridge along gx: a lit SW slope and a shaded SE hip."""
    a0, a1, b0, b1 = span[0] - eave, span[1] + eave, span[2] - eave, span[3] + eave
    mid, d = (b0 + b1) / 2, (b1 - b0) / 2
    r0, r1 = a0 + d, a1 - d
    top = z + rise
    light, mid_t, dark = tones
    paint_plane(cv, iso, [(a0, b0, z), (a1, b0, z), (r1, mid, top), (r0, mid, top)],
                (a0, b0, z), (1, 0, 0), (0, 1, 0), solid(dark))
    paint_plane(cv, iso, [(a0, b0, z), (r0, mid, top), (a0, b1, z)],
                (a0, b0, z), (1, 0, 0), (0, 1, 0), solid(dark))
    front = shingles((light, mid_t, dark), 6, 5)
    paint_plane(cv, iso, [(a0, b1, z), (a1, b1, z), (r1, mid, top), (r0, mid, top)],
                (a0, b1, z), (1, 0, 0), (0, -d, rise), lambda a, b: front(a, b, d))
    side = shingles((mid_t, dark, C["ink"]), 6, 6)
    paint_plane(cv, iso, [(a1, b0, z), (a1, b1, z), (r1, mid, top)],
                (a1, b1, z), (0, -1, 0), (-d, 0, rise), lambda a, b: side(a * 0.7, b, d))


def building_canvas(w: int, h: int, extra: int) -> tuple[Canvas, Iso]:
    base = (w + h) * 8
    cv = Canvas((w + h) * 16, base + extra)
    return cv, Iso(h * 16, cv.h - base)


def finish(cv: Canvas) -> Canvas:
    cv.outline()
    cv.crop_top()
    return cv


def timber(beam: int, bays: float, floors: Sequence[float]) -> Callable[[float, float], int | None]:
    def detail(a: float, b: float) -> int | None:
        if (a * bays) % 1.0 < 0.12 or any(f <= b < f + 2 for f in floors):
            return beam
        return None

    return detail


def bricks(mortar: int, dark: int) -> Callable[[float, float], int | None]:
    def detail(a: float, b: float) -> int | None:
        row = int(b // 3)
        if b % 3 < 1:
            return mortar
        if (a * 16 + (4 if row % 2 else 0)) % 8 < 1:
            return mortar
        return dark if hash01(9, int(a * 2 + row), row) < 0.2 else None

    return detail


def building_inn(night: bool) -> Canvas:
    cv, iso = building_canvas(4, 4, 110)
    span = (0.3, 3.7, 0.5, 3.5)
    hw = 40
    front_w = [Window(0.3 + 0.8 * i, 0.58 + 0.8 * i, 24, 34) for i in range(4)]
    front_w += [Window(0.3, 0.58, 6, 15), Window(2.5, 2.78, 6, 15)]
    side_w = [Window(0.35 + 0.85 * i, 0.63 + 0.85 * i, 24, 34) for i in range(3)]
    side_w += [Window(0.4, 0.68, 6, 15), Window(2.1, 2.38, 6, 15)]
    door = Window(1.45, 1.95, 0, 17, arched=True)

    def front(a: float, b: float) -> int | None:
        if door.hit(a, b):
            return C["umber"] if (a * 16) % 3 > 0.8 else C["soot"]
        if door.hit(a, b, 1):
            return C["brown"]
        return wall(C["sand"], front_w, night, C["brown"],
                    timber(C["brown"], 1.25, (0, 19, hw - 2)))(a, b)

    box(cv, iso, span, (0, hw), front,
        wall(C["tan"], side_w, night, C["umber"], timber(C["umber"], 1.18, (0, 19))))
    gable(cv, iso, "x", span, hw, 30, 0.25, (C["salmon"], C["red"], C["wine"]), C["wine"],
          wall(C["tan"], [Window(1.25, 1.75, 8, 17, arched=True)], night,
               C["umber"], timber(C["umber"], 1.0, ())))
    box(cv, iso, (0.8, 1.2, 1.4, 1.8), (hw + 10, hw + 40),
        solid(C["grey"]), solid(C["slate"]), solid(C["steel"]))
    box(cv, iso, (0.75, 1.25, 1.35, 1.85), (hw + 38, hw + 41),
        solid(C["silver"]), solid(C["grey"]), solid(C["ink"]))
    sx, sy = iso(2.0, 3.7, 26)
    cv.rect(round(sx) - 1, round(sy) - 1, 9, 1, C["umber"])
    cv.stamp(round(sx) + 1, round(sy), ("kkkkk", "kGGGk", "kGsGk", "kGGGk", "kkkkk"))
    return finish(cv)


def building_library(night: bool) -> Canvas:
    cv, iso = building_canvas(4, 4, 100)
    span = (0.3, 3.7, 0.6, 3.4)
    hw = 38
    tall = [Window(0.35 + 0.72 * i, 0.6 + 0.72 * i, 8, 30, arched=True) for i in range(5)]
    tall = [w for i, w in enumerate(tall) if i != 2]
    side = [Window(0.45 + 0.9 * i, 0.7 + 0.9 * i, 8, 30, arched=True) for i in range(3)]
    door = Window(1.5, 2.05, 0, 20, arched=True)

    def stone(a: float, b: float) -> int | None:
        if b < 4:
            return C["grey"] if b >= 3 else C["slate"]
        if hw - 5 <= b < hw - 3:
            return C["grey"]
        row = int(b // 6)
        if b % 6 < 1 or (a * 16 + (8 if row % 2 else 0)) % 16 < 1:
            return C["grey"]
        return None

    def front(a: float, b: float) -> int | None:
        if door.hit(a, b):
            return C["navy"] if night is False and (a * 16) % 4 < 1 else C["umber"]
        if door.hit(a, b, 1.5):
            return C["slate"]
        return wall(C["silver"], tall, night, C["slate"], stone)(a, b)

    def side_stone(a: float, b: float) -> int | None:
        s = stone(a, b)
        return C["slate"] if s == C["grey"] else s

    box(cv, iso, span, (0, hw), front,
        wall(C["grey"], side, night, C["steel"], side_stone))
    hip_roof(cv, iso, span, hw, 30, 0.2, (C["sky"], C["navy"], C["night"]))
    box(cv, iso, (1.7, 2.3, 1.7, 2.3), (hw + 22, hw + 40),
        wall(C["silver"], [Window(0.2, 0.42, 4, 12, arched=True)], night,
             C["slate"]),
        wall(C["grey"], [Window(0.2, 0.42, 4, 12, arched=True)], night,
             C["steel"]))
    paint_plane(cv, iso, [(1.6, 2.4, hw + 40), (2.4, 2.4, hw + 40), (2.0, 2.0, hw + 56)],
                (1.6, 2.4, 0), (1, 0, 0), (0, 0, 1), solid(C["sky"]))
    paint_plane(cv, iso, [(2.4, 1.6, hw + 40), (2.4, 2.4, hw + 40), (2.0, 2.0, hw + 56)],
                (2.4, 1.6, 0), (0, 1, 0), (0, 0, 1), solid(C["navy"]))
    tx, ty = iso(2.0, 2.0, hw + 56)
    cv.rect(round(tx) - 1, round(ty) - 5, 1, 5, C["gold"])
    cv.put(round(tx) - 2, round(ty) - 4, C["gold"])
    cv.put(round(tx), round(ty) - 4, C["gold"])
    bx, by = iso(2.3, 3.4, 34)
    cv.rect(round(bx), round(by), 5, 10, C["red"])
    cv.rect(round(bx) + 3, round(by), 2, 10, C["wine"])
    cv.stamp(round(bx) + 1, round(by) + 3, ("G.", "GG", "G."))
    return finish(cv)


def building_observatory(night: bool) -> Canvas:
    cv, iso = building_canvas(3, 3, 100)
    span = (0.35, 2.65, 0.35, 2.65)
    hw = 26
    wins = [Window(0.35 + 0.75 * i, 0.55 + 0.75 * i, 8, 20, arched=True) for i in range(3)]
    door = Window(0.95, 1.35, 0, 15, arched=True)

    def stars(a: float, b: float) -> int | None:
        if b < 3 or hw - 3 <= b:
            return C["gold"] if hw - 2 <= b < hw - 1 else C["soot"]
        return None

    def front(a: float, b: float) -> int | None:
        if door.hit(a, b):
            return C["night"]
        if door.hit(a, b, 1):
            return C["gold"]
        return wall(C["rose"], [wins[0], wins[2]], night, C["soot"], stars)(a, b)

    box(cv, iso, span, (0, hw), front,
        wall(C["plum"], wins, night, C["soot"], stars), solid(C["grey"]))
    cx, cy = iso(1.5, 1.5, hw)
    rx, ry = 29.0, 30.0
    base_c = Canvas(cv.w, cv.h)
    for y in range(round(cy - ry) - 1, round(cy + rx / 2) + 1):
        for x in range(round(cx - rx) - 1, round(cx + rx) + 1):
            nx = (x + 0.5 - cx) / rx
            ny = (y + 0.5 - cy) / (ry if y + 0.5 < cy else rx / 2)
            d = nx * nx + ny * ny
            if d > 1:
                continue
            if y + 0.5 >= cy:
                base_c.put(x, y, C["slate"] if ny < 0.6 else C["steel"])
                continue
            lit = -nx * 0.6 - ny * 0.7 + 0.25 * (1 - d)
            dither = (x + y) % 2 == 0
            if lit > 0.55 or (lit > 0.45 and dither):
                c = C["white"]
            elif lit > 0.05 or (lit > -0.05 and dither):
                c = C["silver"]
            elif lit > -0.45 or (lit > -0.55 and dither):
                c = C["grey"]
            else:
                c = C["slate"]
            if 4 <= x - cx < 10 and y < cy - 4:
                c = C["night"] if x - cx < 9 else C["ink"]
            if abs(ny) < 0.06 and y + 0.5 < cy:
                c = C["grey"]
            base_c.put(x, y, c)
    cv.blit(base_c, 0, 0)
    tube = ("....kk", "...kgvk", "..kgvwk", ".kSgvk.", "kSSgk..", "kSSk...", ".kk....")
    cv.stamp(round(cx) + 6, round(cy - ry) - 2, tube)
    cv.rect(round(cx) + 4, round(cy - 4), 6, 4, C["gold"] if night else C["steel"])
    cv.put(round(cx) - 1, round(cy - ry) - 1, C["gold"])
    cv.rect(round(cx) - 1, round(cy - ry) - 3, 1, 2, C["gold"])
    return finish(cv)


def building_workshop(night: bool) -> Canvas:
    cv, iso = building_canvas(4, 4, 100)
    span = (0.3, 3.7, 0.5, 3.3)
    hw = 28
    wins = [Window(0.35, 0.75, 8, 18), Window(2.75, 3.15, 8, 18)]
    side = [Window(0.5, 0.9, 8, 18), Window(1.7, 2.1, 8, 18)]
    door = Window(1.2, 2.3, 0, 22)

    def planks(a: float, b: float) -> int | None:
        if b < 4:
            return C["slate"] if b < 3 else C["grey"]
        return C["brown"] if b % 5 < 1 else None

    def front(a: float, b: float) -> int | None:
        if door.hit(a, b):
            if abs((a - door.a0) / (door.a1 - door.a0) * 22 - b) < 1.2 or (
                abs((door.a1 - a) / (door.a1 - door.a0) * 22 - b) < 1.2
            ):
                return C["brown"]
            return C["umber"] if (a * 16) % 4 < 1 else C["clay"]
        if door.hit(a, b, 1.5):
            return C["soot"]
        return wall(C["tan"], wins, night, C["umber"], planks)(a, b)

    def side_planks(a: float, b: float) -> int | None:
        s = planks(a, b)
        return C["umber"] if s == C["brown"] else s

    box(cv, iso, span, (0, hw), front,
        wall(C["clay"], side, night, C["soot"], side_planks))
    gable(cv, iso, "x", span, hw, 26, 0.25, (C["grey"], C["slate"], C["steel"]), C["steel"],
          wall(C["clay"], [], night, C["soot"], side_planks), rows=5)
    box(cv, iso, (2.7, 3.2, 1.0, 1.5), (hw + 6, hw + 46),
        wall(C["red"], [], night, C["wine"], bricks(C["wine"], C["rust"])),
        wall(C["rust"], [], night, C["wine"], bricks(C["wine"], C["wine"])),
        solid(C["ink"]))
    sx, sy = iso(2.95, 1.25, hw + 46)
    smoke = (".....vv.", "...vwwv.", "..vwvvv.", "...vv...", "..v.....", "..vv....")
    cv.stamp(round(sx) - 3, round(sy) - 9, smoke)
    gx, gy = iso(3.7, 2.3, 20)
    gear = (".G.G.", "GGGGG", ".GoG.", "GGGGG", ".G.G.")
    cv.stamp(round(gx) - 2, round(gy) - 4, gear)
    ax, ay = iso(2.9, 3.55, 0)
    cv.stamp(round(ax) - 4, round(ay) - 6, ("kkkkkkk", "kvgggSk", ".kkSSk.", "..kSk..", ".kSSSk."))
    return finish(cv)


def building_archive(night: bool) -> Canvas:
    cv, iso = building_canvas(3, 3, 90)
    box(cv, iso, (0.2, 2.8, 0.2, 2.8), (0, 4), solid(C["silver"]), solid(C["grey"]),
        solid(C["white"]))
    span = (0.35, 2.65, 0.4, 2.6)
    hw = 30
    door = Window(0.95, 1.4, 4, 20)
    side = [Window(0.5, 0.7, 12, 22), Window(1.5, 1.7, 12, 22)]

    def colonnade(a: float, b: float) -> int | None:
        if b >= hw - 4:
            return C["white"] if b >= hw - 2 else C["silver"]
        col = (a * 16 - 3) % 9
        if 1 <= col < 5:
            return C["white"] if col < 2.5 else C["silver"]
        if door.hit(a, b):
            return C["gold"] if (a * 16) % 3 < 1 else C["umber"]
        if b < 6:
            return C["silver"]
        return C["tan"] if col >= 6 else C["brown"]

    def side_wall(a: float, b: float) -> int | None:
        if b >= hw - 4:
            return C["silver"] if b >= hw - 2 else C["grey"]
        if b % 6 < 1:
            return C["brown"]
        return wall(C["tan"], side, night, C["umber"])(a, b)

    box(cv, iso, span, (4, hw), colonnade, side_wall)

    def pediment(a: float, b: float) -> int | None:
        rel = a / (span[1] - span[0])
        if b < 2 or b > 11.5 - abs(rel - 0.5) * 22:
            return C["silver"]
        return C["gold"] if abs(rel - 0.5) < 0.05 and 3 < b < 7 else C["sand"]

    gable(cv, iso, "y", (span[2], span[3], span[0], span[1]), hw, 13, 0.15,
          (C["green"], C["pine"], C["moss"]), C["moss"], pediment, rows=4)
    return finish(cv)


# --------------------------------------------------------------------------------------------
# Citizens: 12×20 frames; sheet rows SE, SW, NE, NW; columns idle0, idle1, walk0..walk3.
# Each archetype has a front (SE) and back (NE) upper body drawn as data with role letters;
# SW/NW are mirrors. Legs are shared frames; the body bobs down one pixel on some frames.
# Roles: 1-3 main cloth, 4-6 accent, h hair, s/t skin, p/P trousers, b/B boots.
# --------------------------------------------------------------------------------------------

FRAME_W, FRAME_H = 12, 20
FACINGS = ("SE", "SW", "NE", "NW")
POSES = ("idle0", "idle1", "walk0", "walk1", "walk2", "walk3")
BOB = {"idle0": 0, "idle1": 1, "walk0": 1, "walk1": 0, "walk2": 1, "walk3": 0}
LEGS: dict[str, tuple[str, str, str]] = {
    "idle0": ("...ppPP...", "...ppPP...", "...bbBB..."),
    "idle1": ("...ppPP...", "...ppPP...", "...bbBB..."),
    "walk0": ("...ppPP...", "..pp..PP..", "..bb...BB."),
    "walk1": ("...ppPP...", "...ppBB...", "...bb....."),
    "walk2": ("...ppPP...", "..pp..PP..", ".bb...BB.."),
    "walk3": ("...ppPP...", "...bbPP...", ".....BB..."),
}


@dataclass(frozen=True)
class Archetype:
    """How one archetype looks: body art for front and back, and its colours per role."""

    front: tuple[str, ...]
    back: tuple[str, ...]
    colors: Mapping[str, str]


def roles(main: Tones, accent: Tones, hair: str, pants: tuple[str, str]) -> dict[str, str]:
    names = [ENDESGA_32[i][0] for i in (*main, *accent)]
    return {
        "1": names[0], "2": names[1], "3": names[2], "4": names[3], "5": names[4],
        "6": names[5], "h": hair, "s": "skin", "t": "tawny", "p": pants[0], "P": pants[1],
        "b": "umber", "B": "soot", "k": "ink", "w": "white", "y": "yellow", "G": "gold",
        "o": "orange", "r": "red", "R": "wine",
    }


ARCHETYPES: dict[str, Archetype] = {
    "builder": Archetype(
        front=(
            "..........", "...4445...", "..444455..", "..445556..", ".45555566.",
            "..hsssst..", "..hskskt..", "..tsssst..", "...tsst...", "..1y22y3..",
            ".11y22y33.", ".11yyyy33.", ".s122223s.", "..pppPPP..", "..pppPPP..",
        ),
        back=(
            "..........", "...4445...", "..444455..", "..445556..", ".45555566.",
            "..hhhhhh..", "..hhhhhh..", "..thhhht..", "...tsst...", "..1y22y3..",
            ".11y22y33.", ".11yyyy33.", ".s122223s.", "..pppPPP..", "..pppPPP..",
        ),
        colors=roles((C["orange"], C["rust"], C["umber"]), (C["yellow"], C["gold"], C["clay"]),
                     "umber", ("navy", "night")),
    ),
    "trader": Archetype(
        front=(
            "..........", ".4445.....", "4555556...", "456rrrR...", "45rrrrrRR.",
            "45hsssst..", "45hskskt..", "56tsssst..", "56.tsst...", "56122223..",
            "56122223s.", "5612G223s.", "66122223..", "..pppPPP..", "..pppPPP..",
        ),
        back=(
            "..........", "..........", "...rrrR...", "..rrrrrR..", "..hhhhhh..",
            ".44444445.", "4555555556", ".45555556.", ".45444456.", ".45566556.",
            ".45555556.", "s45555556s", ".45555556.", "..666666..", "..pppPPP..",
        ),
        colors=roles((C["leaf"], C["green"], C["pine"]), (C["tan"], C["brown"], C["umber"]),
                     "soot", ("brown", "umber")),
    ),
    "healer": Archetype(
        front=(
            "..........", "....11....", "...1112...", "..111122..", "..1tsst2..",
            ".11sssst23", ".11skskt23", ".12tsst223", ".11211222.", ".1121r2223",
            ".112rrr223", ".s121r222s", ".RRRRRRRR.", ".11122223.", ".11122223.",
            ".12222233.", "..222333..",
        ),
        back=(
            "..........", "....11....", "...1112...", "..111122..", "..111122..",
            ".11111223.", ".11111223.", ".11211223.", ".11222223.", ".1121r223.",
            ".112rrr23.", ".s121r22s.", ".RRRRRRRR.", ".11122223.", ".11122223.",
            ".12222233.", "..222333..",
        ),
        colors=roles((C["white"], C["silver"], C["grey"]), (C["red"], C["wine"], C["soot"]),
                     "tan", ("grey", "slate")),
    ),
    "scholar": Archetype(
        front=(
            "...4445...", "...4445...", "...4445...", "...GGGo...", "..455556..",
            "..hsssst..", "..hkskkt..", "..tsssst..", "...tsst...", "..122223..",
            ".1122223r.", ".1122223rR", ".s12222srR", ".1122223..", ".12222233.",
            "..222333..",
        ),
        back=(
            "...4445...", "...4445...", "...4445...", "...GGGo...", "..455556..",
            "..hhhhhh..", "..hhhhhh..", "..thhhht..", "...tsst...", "..122223..",
            ".1122223r.", ".1122223rR", ".s122223rR", ".1122223..", ".12222233.",
            "..222333..",
        ),
        colors=roles((C["sky"], C["navy"], C["night"]), (C["navy"], C["night"], C["ink"]),
                     "brown", ("night", "ink")),
    ),
    "watcher": Archetype(
        front=(
            "..........", "..........", "...333....", "..32223...", "..2hhhh3..",
            "..hsssst..", "..hskskt..", "..tsssst..", ".213tt312.", ".1122223..",
            "11122223kk", "11122223sk", "111222kyGk", "111222kGok", "11122223k.",
            "1122222333", ".12222333.",
        ),
        back=(
            "..........", "..........", "...333....", "..32223...", "..2hhhh3..",
            "..hhhhhh..", "..hhhhhh..", "..thhhht..", ".21222312.", ".1122223..",
            "11122223..", "11122223s.", "1112222333", "1112222333", "11122223k.",
            "1122222333", ".12222333.",
        ),
        colors=roles((C["rose"], C["plum"], C["soot"]), (C["gold"], C["yellow"], C["orange"]),
                     "night", ("night", "ink")),
    ),
}


def citizen_frame(arch: Archetype, back: bool, pose: str) -> Canvas:
    legend = {k: C[v] for k, v in arch.colors.items()}
    cv = Canvas(FRAME_W, FRAME_H)
    cv.stamp(1, 16, LEGS[pose], legend)
    cv.stamp(1, 1 + BOB[pose], arch.back if back else arch.front, legend)
    cv.outline()
    return cv


def citizen_sheet(arch: Archetype) -> Canvas:
    sheet = Canvas(FRAME_W * len(POSES), FRAME_H * len(FACINGS))
    for row, facing in enumerate(FACINGS):
        for col, pose in enumerate(POSES):
            frame = citizen_frame(arch, facing.startswith("N"), pose)
            if facing.endswith("W"):
                frame = frame.flipped()
            sheet.blit(frame, col * FRAME_W, row * FRAME_H)
    return sheet


# --------------------------------------------------------------------------------------------
# Activity and rumor glyphs (9×9, drawn above a head) and HUD pieces.
# --------------------------------------------------------------------------------------------

GLYPHS: dict[str, tuple[str, ...]] = {
    "rest": ("wwww...", "..ww...", ".ww....", "wwww...", "....vvv", ".....v.", "....vvv"),
    "talk": (".wwwww.", "wwwwwww", "wkwkwkw", "wwwwwww", ".wwwww.", ".ww....", ".w....."),
    "work": (".vvvvv.", "vwgggSS", ".vvSSS.", "...b...", "...b...", "...t...", "...t..."),
    "think": (".ww.ww.", "wwwwwww", "wwwwwww", ".wwwww.", ".......", "..ww...", "w......"),
    "walk": ("....ww.", "...www.", "....ww.", "....w..", "ww.....", "www....", ".w....."),
    # A fresh rumor's marks: a rose whisper (its tail the other way from talk's) beside each
    # carrier's glyph, a rose badge with a "!" beside that of the citizen it is about.
    "rumor": (".mmmmm.", "mmmmmmm", "mwmwmwm", "mmmmmmm", ".mmmmm.", "....mm.", ".....m."),
    "rumor_subject": (".mmmmm.", "mmmwmmm", "mmmwmmm", "mmmwmmm", "mmmmmmm", "mmmwmmm",
                      ".mmmmm."),
}


def glyph(rows: Sequence[str]) -> Canvas:
    cv = Canvas(9, 9)
    cv.stamp(1, 1, rows)
    cv.outline()
    return cv


def ring() -> Canvas:
    cv = Canvas(16, 8)
    for y in range(8):
        for x in range(16):
            nx, ny = (x + 0.5 - 8) / 8, (y + 0.5 - 4) / 4
            inner = (x + 0.5 - 8) ** 2 / 5.5**2 + (y + 0.5 - 4) ** 2 / 2.2**2
            if nx * nx + ny * ny <= 1 and inner > 1:
                cv.put(x, y, C["yellow"] if y < 4 else C["gold"])
    return cv


BUBBLE = (
    "..kkkkkkkk..",
    ".kwwwwwwwwk.",
    "kwwwwwwwwwwk",
    "kwwwwwwwwwwk",
    "kwwwwwwwwwwk",
    "kwwwwwwwwwwk",
    "kwwwwwwwwwwk",
    "kwwwwwwwwwwk",
    "kwwwwwwwwwwk",
    "kvvvvvvvvvvk",
    ".kvvvvvvvvk.",
    "..kkkkkkkk..",
)
BUBBLE_TAIL = ("kvvvvk", ".kvvk.", ".kvk..", ".kk...", ".k....")


def bevel_frame(w: int, h: int, bands: Sequence[tuple[int, int, int]], fill: int) -> Canvas:
    """A rectangle of concentric bands; each band is (light, mid, dark) for the top/left edge,
    the straight middle and the bottom/right edge. The outermost corners are cut round."""
    cv = Canvas(w, h)
    for y in range(h):
        for x in range(w):
            d = min(x, y, w - 1 - x, h - 1 - y)
            if d < len(bands):
                light, mid, dark = bands[d]
                near_tl = min(x, y) == d
                near_br = min(w - 1 - x, h - 1 - y) == d
                cv.px[y, x] = light if near_tl and not near_br else dark if near_br else mid
            else:
                cv.px[y, x] = fill
    for x, y in ((0, 0), (w - 1, 0), (0, h - 1), (w - 1, h - 1)):
        cv.px[y, x] = CLEAR
    return cv


def panel() -> Canvas:
    k, wood = C["ink"], (C["tan"], C["brown"], C["umber"])
    cv = bevel_frame(24, 24, [(k, k, k), wood, (C["brown"],) * 3, wood,
                              (C["soot"], C["soot"], C["steel"])], C["night"])
    for x, y in ((2, 2), (21, 2), (2, 21), (21, 21)):
        cv.put(x, y, C["gold"])
    return cv


def button(state: str) -> Canvas:
    k = C["ink"]
    faces = {
        "up": ((C["sand"], C["tan"], C["umber"]), C["tan"]),
        "hover": ((C["white"], C["sand"], C["brown"]), C["sand"]),
        "down": ((C["umber"], C["brown"], C["brown"]), C["brown"]),
    }
    edge, fill = faces[state]
    return bevel_frame(16, 16, [(k, k, k), edge, (fill, fill, edge[2])], fill)


def card() -> Canvas:
    k = C["ink"]
    cv = bevel_frame(40, 56, [(k, k, k), (C["tan"], C["brown"], C["umber"]),
                              (C["brown"], C["brown"], C["brown"]),
                              (C["white"], C["sand"], C["tan"])], C["sand"])
    cv.rect(10, 6, 20, 20, C["umber"])
    cv.rect(11, 7, 18, 18, C["night"])
    for y in (32, 36, 40, 44):
        cv.rect(8, y, 24, 1, C["tan"])
    return cv


# --------------------------------------------------------------------------------------------
# Card icons, 16×16, drawn with the same outline and palette as the sprites.
# --------------------------------------------------------------------------------------------


def icon_greet(cv: Canvas) -> None:
    cv.rect(4, 7, 7, 6, C["skin"])
    for i, top in enumerate((3, 2, 2, 3)):
        cv.rect(4 + 2 * i, top, 1, 6, C["skin"] if i % 2 else C["tawny"])
        cv.rect(5 + 2 * i, top, 1, 6, C["skin"])
    cv.rect(10, 7, 1, 6, C["tawny"])
    cv.stamp(11, 7, ("ff", "fF", "F."))
    cv.rect(5, 13, 5, 1, C["tawny"])
    cv.stamp(12, 1, ("y.", ".y", "y.", ".."))
    cv.stamp(1, 2, (".y", "y.", ".y"))


def icon_gossip(cv: Canvas) -> None:
    cv.ellipse(6, 5.5, 5.5, 4.5, C["white"])
    cv.stamp(3, 9, ("ww", "w."))
    cv.ellipse(10.5, 9.5, 4.5, 3.5, C["salmon"])
    cv.stamp(11, 12, (".qq", "..q"))
    cv.stamp(3, 5, ("k.k.k",))
    cv.stamp(8, 9, ("w.w.w",))


def icon_trade(cv: Canvas) -> None:
    for cx, cy in ((5.5, 10.5), (10.5, 6.5)):
        cv.ellipse(cx, cy + 1, 4.5, 4, C["orange"])
        cv.ellipse(cx, cy, 4.5, 4, C["gold"])
        cv.ellipse(cx - 0.5, cy - 0.5, 2.5, 2, C["yellow"])
        cv.put(int(cx), int(cy), C["orange"])
    cv.stamp(1, 1, (".G", "GG", ".G"))
    cv.stamp(13, 12, ("G.", "GG", "G."))


def icon_solo(cv: Canvas) -> None:
    cv.ellipse(8, 4.5, 3.5, 3.5, C["skin"])
    cv.rect(5, 2, 6, 2, C["umber"])
    cv.ellipse(8, 13, 5, 5, C["sky"])
    cv.rect(3, 14, 10, 2, C["sky"])
    cv.rect(9, 10, 3, 6, C["navy"])
    cv.put(6, 5, C["ink"])
    cv.put(9, 5, C["ink"])


def icon_festival(cv: Canvas) -> None:
    cv.line(0, 3, 15, 6, C["umber"])
    for i, c in enumerate((C["red"], C["yellow"], C["sky"], C["leaf"])):
        x = 1 + 4 * i
        y = 3 + i
        cv.poly([(x, y + 1), (x + 3, y + 1), (x + 1.5, y + 6)], c)
    cv.stamp(5, 10, ("..y..", ".yGy.", "yGwGy", ".yGy.", "..y.."))
    cv.put(1, 12, C["rose"])
    cv.put(13, 11, C["cyan"])
    cv.put(12, 14, C["salmon"])


def icon_storm(cv: Canvas) -> None:
    cv.ellipse(5, 5.5, 4, 3.5, C["grey"])
    cv.ellipse(10, 4.5, 5, 4, C["silver"])
    cv.rect(2, 6, 12, 3, C["grey"])
    cv.rect(2, 8, 12, 1, C["slate"])
    cv.stamp(7, 8, ("yyy", ".yy", "yyy.", "..yy", "..y", ".y"))
    cv.stamp(2, 11, ("c..", ".c.", "...", "c.."))
    cv.stamp(12, 11, ("c.", ".c", "..", "c."))


def icon_rumor(cv: Canvas) -> None:
    cv.ellipse(8, 6.5, 7, 5.5, C["rose"])
    cv.stamp(3, 11, ("mm", "m."))
    cv.stamp(6, 3, (".www.", "w...w", "...w.", "..w..", ".....", "..w.."))


def icon_dispute(cv: Canvas) -> None:
    cv.poly([(1, 14), (9, 1), (11, 3), (3, 15)], C["silver"])
    cv.poly([(15, 14), (7, 1), (5, 3), (13, 15)], C["grey"])
    cv.rect(2, 11, 4, 2, C["umber"])
    cv.rect(10, 11, 4, 2, C["umber"])
    cv.stamp(7, 6, ("rr", "rr"))


def icon_wake(cv: Canvas) -> None:
    cv.ellipse(8, 11, 5, 5, C["gold"])
    cv.ellipse(7, 10, 3, 3, C["yellow"])
    rays = ((8, 1, 8, 3), (2, 4, 3, 5), (14, 4, 13, 5), (0, 9, 1, 9), (15, 9, 14, 9))
    for x0, y0, x1, y1 in rays:
        cv.line(x0, y0, x1, y1, C["orange"])
    cv.rect(0, 12, 16, 4, CLEAR)
    cv.rect(1, 12, 14, 1, C["green"])
    cv.rect(2, 13, 12, 1, C["pine"])


def icon_teach(cv: Canvas) -> None:
    cv.poly([(1, 4), (8, 6), (8, 15), (1, 13)], C["white"])
    cv.poly([(8, 6), (15, 4), (15, 13), (8, 15)], C["silver"])
    cv.rect(8, 6, 1, 9, C["umber"])
    for i in range(3):
        cv.line(3, 7 + 2 * i, 6, 8 + 2 * i, C["grey"])
        cv.line(10, 8 + 2 * i, 13, 7 + 2 * i, C["slate"])
    cv.line(1, 14, 8, 16, C["brown"])
    cv.line(8, 16, 15, 14, C["umber"])


ICONS: dict[str, Callable[[Canvas], None]] = {
    "greet": icon_greet, "gossip": icon_gossip, "trade": icon_trade, "solo": icon_solo,
    "festival": icon_festival, "storm": icon_storm, "rumor": icon_rumor,
    "dispute": icon_dispute, "wake": icon_wake, "teach": icon_teach,
}


def icon(draw: Callable[[Canvas], None]) -> Canvas:
    cv = Canvas(16, 16)
    inner = Canvas(14, 14)
    art = Canvas(16, 16)
    draw(art)
    inner.px = art.px[1:15, 1:15].copy()
    cv.blit(inner, 1, 1)
    cv.outline()
    return cv


def app_icon() -> Canvas:
    cv = Canvas(32, 32)
    cv.blit(tile_grass(1), 0, 16)
    iso = Iso(16, 16)
    house = (0.2, 0.8, 0.25, 0.75)
    box(cv, iso, house, (0, 9),
        wall(C["sand"], [Window(0.2, 0.4, 1, 7)], True, C["umber"]),
        wall(C["tan"], [], True, C["umber"]))
    gable(cv, iso, "x", house, 9, 9, 0.1, (C["salmon"], C["red"], C["wine"]), C["wine"],
          solid(C["tan"]), rows=3)
    cv.stamp(23, 2, (".yy", "y..", "y..", ".yy"))
    cv.outline()
    return cv


def scaled(cv: Canvas, k: int) -> Canvas:
    out = Canvas(cv.w * k, cv.h * k)
    out.px = np.repeat(np.repeat(cv.px, k, axis=0), k, axis=1)
    return out


# --------------------------------------------------------------------------------------------
# Pixel font: cap height 7, descenders 2, proportional. Each glyph is rows of '#'/'.'
# separated by spaces; rows 0–6 sit on the baseline, rows 7–8 hang below it.
# --------------------------------------------------------------------------------------------

FONT_CELL_H = 9
FONT_BASELINE = 7
FONT_LINE_HEIGHT = 10
FONT: dict[str, str] = {
    " ": "... ... ... ... ... ... ...",
    "!": "# # # # # . #",
    '"': "#.# #.# ... ... ... ... ...",
    "#": ".#.#. .#.#. ##### .#.#. ##### .#.#. .#.#.",
    "$": "..#.. .#### #.#.. .###. ..#.# ####. ..#..",
    "%": "##..# ##..# ...#. ..#.. .#... #..## #..##",
    "&": ".##.. #..#. #.#.. .#... #.#.# #..#. .##.#",
    "'": "# # . . . . .",
    "(": ".# #. #. #. #. #. .#",
    ")": "#. .# .# .# .# .# #.",
    "*": "..... #.#.# .###. ##### .###. #.#.# .....",
    "+": "..... ..#.. ..#.. ##### ..#.. ..#.. .....",
    ",": ".. .. .. .. .. .# .# #.",
    "-": ".... .... .... #### .... .... ....",
    ".": ". . . . . . #",
    "/": "....# ...#. ...#. ..#.. .#... .#... #....",
    "0": ".###. #...# #..## #.#.# ##..# #...# .###.",
    "1": ".#. ##. .#. .#. .#. .#. ###",
    "2": ".###. #...# ....# ...#. ..#.. .#... #####",
    "3": ".###. #...# ....# ..##. ....# #...# .###.",
    "4": "...#. ..##. .#.#. #..#. ##### ...#. ...#.",
    "5": "##### #.... ####. ....# ....# #...# .###.",
    "6": "..##. .#... #.... ####. #...# #...# .###.",
    "7": "##### ....# ...#. ..#.. .#... .#... .#...",
    "8": ".###. #...# #...# .###. #...# #...# .###.",
    "9": ".###. #...# #...# .#### ....# ...#. .##..",
    ":": ". . # . . # .",
    ";": ".. .. .# .. .. .# .# #.",
    "<": "...# ..#. .#.. #... .#.. ..#. ...#",
    "=": ".... .... #### .... #### .... ....",
    ">": "#... .#.. ..#. ...# ..#. .#.. #...",
    "?": ".###. #...# ....# ...#. ..#.. ..... ..#..",
    "@": ".###. #...# #.### #.#.# #.##. #.... .####",
    "A": ".###. #...# #...# ##### #...# #...# #...#",
    "B": "####. #...# #...# ####. #...# #...# ####.",
    "C": ".###. #...# #.... #.... #.... #...# .###.",
    "D": "####. #...# #...# #...# #...# #...# ####.",
    "E": "##### #.... #.... ####. #.... #.... #####",
    "F": "##### #.... #.... ####. #.... #.... #....",
    "G": ".###. #...# #.... #.### #...# #...# .####",
    "H": "#...# #...# #...# ##### #...# #...# #...#",
    "I": "### .#. .#. .#. .#. .#. ###",
    "J": "..### ...#. ...#. ...#. ...#. #..#. .##..",
    "K": "#...# #..#. #.#.. ##... #.#.. #..#. #...#",
    "L": "#.... #.... #.... #.... #.... #.... #####",
    "M": "#...# ##.## #.#.# #.#.# #...# #...# #...#",
    "N": "#...# #...# ##..# #.#.# #..## #...# #...#",
    "O": ".###. #...# #...# #...# #...# #...# .###.",
    "P": "####. #...# #...# ####. #.... #.... #....",
    "Q": ".###. #...# #...# #...# #.#.# #..#. .##.#",
    "R": "####. #...# #...# ####. #.#.. #..#. #...#",
    "S": ".#### #.... #.... .###. ....# ....# ####.",
    "T": "##### ..#.. ..#.. ..#.. ..#.. ..#.. ..#..",
    "U": "#...# #...# #...# #...# #...# #...# .###.",
    "V": "#...# #...# #...# #...# #...# .#.#. ..#..",
    "W": "#...# #...# #...# #.#.# #.#.# #.#.# .#.#.",
    "X": "#...# #...# .#.#. ..#.. .#.#. #...# #...#",
    "Y": "#...# #...# .#.#. ..#.. ..#.. ..#.. ..#..",
    "Z": "##### ....# ...#. ..#.. .#... #.... #####",
    "[": "## #. #. #. #. #. ##",
    "\\": "#.... .#... .#... ..#.. ...#. ...#. ....#",
    "]": "## .# .# .# .# .# ##",
    "^": "..#.. .#.#. #...# ..... ..... ..... .....",
    "_": "..... ..... ..... ..... ..... ..... ..... #####",
    "`": "#. .# .. .. .. .. ..",
    "a": "..... ..... .###. ....# .#### #...# .####",
    "b": "#.... #.... ####. #...# #...# #...# ####.",
    "c": ".... .... .### #... #... #... .###",
    "d": "....# ....# .#### #...# #...# #...# .####",
    "e": "..... ..... .###. #...# ##### #.... .###.",
    "f": "..## .#.. #### .#.. .#.. .#.. .#..",
    "g": ".... .... .### #..# #..# #..# .### ...# .##.",
    "h": "#... #... ###. #..# #..# #..# #..#",
    "i": "# . # # # # #",
    "j": "..# ... ..# ..# ..# ..# ..# #.# .#.",
    "k": "#... #... #..# #.#. ##.. #.#. #..#",
    "l": "#. #. #. #. #. #. .#",
    "m": "..... ..... ####. #.#.# #.#.# #.#.# #.#.#",
    "n": ".... .... ###. #..# #..# #..# #..#",
    "o": "..... ..... .###. #...# #...# #...# .###.",
    "p": ".... .... ###. #..# #..# #..# ###. #... #...",
    "q": ".... .... .### #..# #..# #..# .### ...# ...#",
    "r": ".... .... #.## ##.. #... #... #...",
    "s": ".... .... .### #... .##. ...# ###.",
    "t": ".#.. .#.. ###. .#.. .#.. .#.. ..##",
    "u": ".... .... #..# #..# #..# #..# .###",
    "v": "..... ..... #...# #...# #...# .#.#. ..#..",
    "w": "..... ..... #...# #...# #.#.# #.#.# .#.#.",
    "x": ".... .... #..# #..# .##. #..# #..#",
    "y": ".... .... #..# #..# #..# #..# .### ...# .##.",
    "z": ".... .... #### ...# .##. #... ####",
    "{": "..# .#. .#. #.. .#. .#. ..#",
    "|": "# # # # # # #",
    "}": "#.. .#. .#. ..# .#. .#. #..",
    "~": "..... ..... .#... #.#.# ...#. ..... .....",
    "·": ". . . # . . .",
    "×": "..... ..... #...# .#.#. ..#.. .#.#. #...#",
    "→": "..... ..#.. ...#. ##### ...#. ..#.. .....",
    "←": "..... ..#.. .#... ##### .#... ..#.. .....",
    "—": "...... ...... ...... ###### ...... ...... ......",
    "…": "..... ..... ..... ..... ..... ..... #.#.#",
    "°": ".#. #.# .#. ... ... ... ...",
    "±": "..#.. ..#.. ##### ..#.. ..#.. ..... #####",
}


def font_sheet() -> tuple[Canvas, dict[str, list[int]]]:
    """All glyphs in one row, white on transparent; rects are [x, y, w, h, advance]."""
    rows_of = {ch: spec.split(" ") for ch, spec in FONT.items()}
    total = sum(len(rows[0]) for rows in rows_of.values())
    cv = Canvas(total, FONT_CELL_H)
    rects: dict[str, list[int]] = {}
    x = 0
    for ch, rows in rows_of.items():
        w = len(rows[0])
        cv.stamp(x, 0, rows, {"#": C["white"]})
        rects[ch] = [x, 0, w, FONT_CELL_H, w + 1]
        x += w
    return cv, rects


# --------------------------------------------------------------------------------------------
# The catalogue: every file, how to draw it and where its anchor is; then the writer.
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Asset:
    """One image and its manifest entry (anchor plus any extra layout fields)."""

    image: Canvas
    anchor: tuple[int, int]
    extra: Mapping[str, object]


def ground_anchor(cv: Canvas, w: int = 1, h: int = 1) -> tuple[int, int]:
    """Top vertex of the origin tile for an image whose base diamond ends at the bottom row."""
    return (h * 16, cv.h - (w + h) * 8)


def tile(cv: Canvas) -> Asset:
    return Asset(cv, (16, 0), {})


def standing(cv: Canvas, w: int = 1, h: int = 1) -> Asset:
    if w == h == 1:
        cv.crop_top(keep=TILE_H)
    return Asset(cv, ground_anchor(cv, w, h), {"footprint": [w, h]})


def flat(cv: Canvas, anchor: tuple[int, int] = (0, 0), **extra: object) -> Asset:
    return Asset(cv, anchor, extra)


BUILDINGS: dict[str, tuple[Callable[[bool], Canvas], int, int]] = {
    "inn": (building_inn, 4, 4),
    "library": (building_library, 4, 4),
    "observatory": (building_observatory, 3, 3),
    "workshop": (building_workshop, 4, 4),
    "archive": (building_archive, 3, 3),
}


def catalogue() -> dict[str, Asset]:
    assets: dict[str, Asset] = {}
    for i in range(3):
        assets[f"tile_grass_{i}.png"] = tile(tile_grass(i))
    for i in range(2):
        assets[f"tile_water_{i}.png"] = tile(tile_water(i))
    flat_tiles = {
        "road": tile_road, "plaza": tile_plaza, "garden": tile_garden, "market": tile_market,
        "dirt": tile_dirt, "yard": tile_yard,
    }
    for name, make_tile in flat_tiles.items():
        assets[f"tile_{name}.png"] = tile(make_tile())
    props: dict[str, Callable[[], Canvas]] = {
        "tree_0": prop_tree_round, "tree_1": prop_tree_pine, "bush": prop_bush,
        "lamp": lambda: prop_lamp(False), "lamp_night": lambda: prop_lamp(True),
        "stall_0": lambda: prop_stall((C["red"], C["white"]), (C["red"], C["leaf"], C["gold"])),
        "stall_1": lambda: prop_stall((C["sky"], C["sand"]), (C["rose"], C["orange"], C["tan"])),
        "fountain": prop_fountain, "bench": prop_bench, "flowers": prop_flowers,
        "rock": prop_rock, "telescope": prop_telescope, "well": prop_well,
    }
    for name, make_prop in props.items():
        assets[f"prop_{name}.png"] = standing(make_prop())
    for name, (make_building, w, h) in BUILDINGS.items():
        assets[f"building_{name}.png"] = standing(make_building(False), w, h)
        assets[f"building_{name}_night.png"] = standing(make_building(True), w, h)
    for name, arch in ARCHETYPES.items():
        assets[f"citizen_{name}.png"] = flat(
            citizen_sheet(arch), (6, 19), frame=[FRAME_W, FRAME_H], rows=list(FACINGS),
            cols=list(POSES),
        )
    for name, rows in GLYPHS.items():
        assets[f"glyph_{name}.png"] = flat(glyph(rows), (4, 8))
    assets["ring.png"] = flat(ring(), (8, 4))
    bubble = Canvas(12, 12)
    bubble.stamp(0, 0, BUBBLE)
    tail = Canvas(6, 5)
    tail.stamp(0, 0, BUBBLE_TAIL)
    assets["bubble.png"] = flat(bubble, slice=[4, 4, 4, 4])
    assets["bubble_tail.png"] = flat(tail, (1, 4))
    assets["panel.png"] = flat(panel(), slice=[8, 8, 8, 8])
    for state, suffix in (("up", ""), ("hover", "_hover"), ("down", "_down")):
        assets[f"button{suffix}.png"] = flat(button(state), slice=[4, 4, 4, 4])
    assets["card.png"] = flat(card(), slice=[4, 4, 4, 4], icon_at=[12, 8])
    for name, draw in ICONS.items():
        assets[f"icon_{name}.png"] = flat(icon(draw))
    small = app_icon()
    assets["app_icon.png"] = flat(small)
    assets["app_icon_256.png"] = flat(scaled(small, 8))
    font, _ = font_sheet()
    assets["font.png"] = flat(font)
    return assets


def write_app_icons(out: Path, pngs: list[Path]) -> list[Path]:
    """Pack the app icon's PNGs into the containers packagers want: .ico (Windows), .icns (macOS).

    Both formats may hold PNG data directly, so no image library is needed.
    """
    images = [p.read_bytes() for p in pngs]
    sizes = [struct.unpack(">II", data[16:24]) for data in images]
    header = struct.pack("<HHH", 0, 1, len(images))
    offset = len(header) + 16 * len(images)
    entries = b""
    for (w, h), data in zip(sizes, images, strict=True):
        entries += struct.pack("<BBBBHHII", w % 256, h % 256, 0, 0, 1, 32, len(data), offset)
        offset += len(data)
    ico = out / "app_icon.ico"
    ico.write_bytes(header + entries + b"".join(images))
    icns_types = {32: b"icp5", 256: b"ic08"}
    body = b"".join(icns_types[w] + struct.pack(">I", len(data) + 8) + data
                    for (w, _), data in zip(sizes, images, strict=True))
    icns = out / "app_icon.icns"
    icns.write_bytes(b"icns" + struct.pack(">I", len(body) + 8) + body)
    return [ico, icns]


def manifest(assets: Mapping[str, Asset]) -> dict[str, object]:
    _, rects = font_sheet()
    images = {
        name: {"size": [a.image.w, a.image.h], "anchor": list(a.anchor), **a.extra}
        for name, a in assets.items()
    }
    return {
        "palette": [f"#{hexcode}" for _, hexcode in ENDESGA_32],
        "tile": [TILE_W, TILE_H],
        "images": images,
        "font": {
            "file": "font.png",
            "line_height": FONT_LINE_HEIGHT,
            "baseline": FONT_BASELINE,
            "glyphs": rects,
        },
    }


def generate(out: Path) -> list[Path]:
    """Draw every asset into `out`; returns the files written."""
    out.mkdir(parents=True, exist_ok=True)
    assets = catalogue()
    written: list[Path] = []
    for name, asset in assets.items():
        write_png(out / name, asset.image)
        written.append(out / name)
    written += write_app_icons(out, [out / "app_icon.png", out / "app_icon_256.png"])
    path = out / "manifest.json"
    path.write_text(json.dumps(manifest(assets), indent=1, sort_keys=True, ensure_ascii=False)
                    + "\n", encoding="utf-8")
    written.append(path)
    return written


def main(argv: Iterable[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent.parent
                        / "game" / "assets", help="output directory (default: game/assets/)")
    args = parser.parse_args(list(argv) if argv is not None else None)
    files = generate(args.out)
    print(f"make_assets: wrote {len(files)} files to {args.out}")


if __name__ == "__main__":
    main()
