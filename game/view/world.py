"""The world on screen: terrain pre-rendered per zoom, props, buildings and citizens depth-sorted
and drawn with `fblits`, citizens behind a building or a tree shown through it as silhouettes,
activity glyphs, a fresh rumor's marks, region signs, and picking a citizen under the mouse.

Reads the flux (state, map, positions) and never changes it. What the view alone remembers —
which way each citizen last faced — lives here. Never imports the app, input or HUD modules.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt
import pygame

from game import config
from game.projections.rumors import RumorView, carried_by, told_rumors
from game.sim.flux import TownFlux
from game.sim.model import ARCHETYPE_ORDER, Activity
from game.sim.townmap import REGION_NAMES, REGIONS, SIZE, Terrain
from game.view import iso, rendered
from game.view.assets import Assets
from game.view.camera import Camera
from game.view.daylight import Light
from game.view.hidden import EDGE, Frame, Occluders
from game.view.occasions import draw_bunting, draw_rain
from game.view.palette import BACKDROP, NAME, OUTLINE, SIGN, Colour
from game.view.sprites import FACINGS, SpriteBank, citizen_sheet, night_name

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
Blit = tuple[pygame.Surface, tuple[int, int]]

TERRAIN_TILES: dict[Terrain, tuple[str, ...]] = {
    Terrain.GRASS: ("tile_grass_0.png", "tile_grass_1.png", "tile_grass_2.png"),
    Terrain.ROAD: ("tile_road.png",),
    Terrain.WATER: ("tile_water_0.png",),
    Terrain.PLAZA: ("tile_plaza.png",),
    Terrain.GARDEN: ("tile_garden.png",),
    Terrain.MARKET: ("tile_market.png",),
    Terrain.DIRT: ("tile_dirt.png",),
    Terrain.YARD: ("tile_yard.png",),
}
WATER_FRAMES = ("tile_water_0.png", "tile_water_1.png")
WATER_FRAME_SECONDS = 0.7
GLYPHS: dict[int, str] = {
    Activity.RESTING: "glyph_rest.png",
    Activity.SOCIALIZING: "glyph_talk.png",
    Activity.WORKING: "glyph_work.png",
    Activity.REFLECTING: "glyph_think.png",
}
RING = "ring.png"
# A fresh rumor's marks, in the activity glyph's band over the head (under where the name and
# bubbles start): beside the glyph (its width along, so the two just touch), or in its place.
RUMOR_MARKS = ("glyph_rumor.png", "glyph_rumor_subject.png")  # a carrier's, the subject's
RUMOR_SIDE = 8  # native px
SE, SW, NE, NW = (FACINGS.index(f) for f in ("SE", "SW", "NE", "NW"))
IDLE_POSES, WALK_POSE0, WALK_POSES = 2, 2, 4
POSES = WALK_POSE0 + WALK_POSES  # columns of a citizen sheet
IDLE_FPS = 1.6  # idle breathing, in real time so a paused town still breathes
FRAME_W, FRAME_H = 12, 20
FEET_X, FEET_Y = 6, 19  # the feet anchor inside a citizen frame
HEAD_GAP = 10  # native px from the top of a citizen's frame to just above its glyph
# Citizens standing on one tile stand side by side, this far apart (in tiles, along the tile's
# horizontal axis, so their depth is unchanged): otherwise two sprites would cover each other.
SHARED_TILE_SPREAD = 0.3
MIN_TEXT_SCALE = 2  # the bitmap font below twice its size is too small to read


def text_scale(zoom: int, least: int = MIN_TEXT_SCALE) -> int:
    """World text (signs, names, bubbles): never smaller than `least` (twice the font's pixels,
    about 14 px a line, or the HUD's text at a larger UI scale), however far out the map is
    zoomed, and grows only at the closest zoom."""
    return max(least, zoom - 1)


def least_text_scale(percent: int) -> int:
    """The smallest world text at a UI scale of `percent`: as big as the HUD's (the font at
    2, 3, 4, 5 or 6 screen pixels a font pixel), so a person who made the HUD's words bigger
    reads the bubbles, names and signs as easily."""
    return max(MIN_TEXT_SCALE, MIN_TEXT_SCALE * percent // 100)


@dataclass(frozen=True)
class CitizenLayout:
    """Where each citizen is on screen this frame and which frame of its sheet it shows."""

    zoom: int
    feet_x: IntArray
    feet_y: IntArray
    depth: FloatArray  # gx + gy of the feet: larger is nearer the viewer
    facing: IntArray
    pose: IntArray
    visible: BoolArray
    text: int  # the scale of world text (bubbles, names, tags): `text_scale` of the zoom

    def head(self, i: int) -> tuple[int, int]:
        """Screen point just above citizen i's activity glyph."""
        return int(self.feet_x[i]), int(self.feet_y[i]) - (FRAME_H + HEAD_GAP) * self.zoom


@dataclass(frozen=True)
class _Statics:
    """Props and buildings at one zoom and daylight: their unshifted positions and sizes,
    which are those of any tint of one light (`key`: the zoom, and whether lamps are lit),
    and their surfaces at the bank's `version`."""

    key: tuple[int, bool]
    x: IntArray
    y: IntArray
    w: IntArray
    h: IntArray
    version: int
    surfaces: list[pygame.Surface]


@dataclass(frozen=True)
class _Standing:
    """Where the citizens stand as of one tick (`World._standing_now`): spots (spread on
    shared tiles), who walks, and each walker's start tick, path length, first tile among
    the paths' tiles laid end to end; who rests, each one's idle animation phase, and whose
    activity shows a glyph over the head."""

    key: object
    pos: FloatArray
    walking: BoolArray
    walkers: IntArray
    walk_from: FloatArray
    lengths: IntArray
    start: IntArray
    tiles: FloatArray
    resting: BoolArray
    phase: FloatArray
    glyphs: tuple[tuple[str, IntArray], ...]  # each activity glyph and who shows it


@dataclass(frozen=True)
class _Stance:
    """Everyone as placed on screen by one camera where they stand as of one tick (`World.
    _stance_now`): feet, depths and who is on screen."""

    standing: _Standing
    key: object
    feet_x: IntArray
    feet_y: IntArray
    depth: FloatArray
    visible: BoolArray


@dataclass(frozen=True)
class _Hidden:
    """The silhouettes drawn last frame (`World._silhouettes`): each citizen's box and frame
    then, and the silhouette of each one a static covered, placed; drawn again as they are
    for a citizen whose box, frame and depth stand, while `key` (the scene, the zoom and
    light, the selection) does."""

    key: object
    left: IntArray
    top: IntArray
    sheet: IntArray  # the frame each showed (`citizen_frames`), −1 off screen
    depth: FloatArray
    shapes: dict[int, Blit]


@dataclass(frozen=True)
class _Scene:
    """The statics as one camera sees them: where each is (all of them) and the blits of
    those on screen, back to front, with their depths. The statics' places and the camera
    are its `key`; the blits are of the statics' surfaces at `version`."""

    key: object
    at: tuple[IntArray, IntArray]
    shown: list[tuple[int, tuple[int, int]]]  # the statics on screen, back to front, and where
    depth: FloatArray
    version: int
    blits: list[Blit]


class World:
    """Draws the town of one flux; `layout` then `draw` once per frame."""

    def __init__(self, flux: TownFlux, assets: Assets, bank: SpriteBank) -> None:
        self.flux = flux
        self.assets = assets
        self.bank = bank
        assert all(len(assets.entry(citizen_sheet(a)).cols or ()) == POSES
                   for a in ARCHETYPE_ORDER), "a citizen sheet's columns are its POSES"
        n = len(flux.citizens)
        self.archetype = np.array([ARCHETYPE_ORDER.index(c.archetype) for c in flux.citizens],
                                  dtype=np.int64)
        self.facing = np.zeros(n, dtype=np.int64)
        self.layout: CitizenLayout | None = None
        self._last_pos: FloatArray | None = None
        self._paths: dict[tuple[int, ...], FloatArray] = {}  # a walk's key → its path's tiles
        self._standing: _Standing | None = None
        self._stance: _Stance | None = None
        self._hidden: _Hidden | None = None  # the silhouettes drawn last frame
        self._terrain_native = self._render_terrain()
        self._terrain: tuple[int, pygame.Surface] | None = None
        self._water = [iso.to_screen(gx, gy) for gx, gy in
                       zip(*np.nonzero(flux.map.terrain == Terrain.WATER), strict=True)]
        self._ripples: tuple[object, list[Blit]] = (None, [])  # the water's frame as placed
        self._static_names, self._static_points, depth = self._static_items()
        self._static_depth = np.array(depth, dtype=np.float64)
        self._statics: _Statics | None = None
        self._placed: _Scene | None = None
        self._occluders = Occluders(self._static_rects(), self._static_depth,
                                    Frame((FRAME_W, FRAME_H), (FEET_X, FEET_Y)))
        self._signs = self._sign_points()
        self.sign_rects: list[pygame.Rect] = []  # where the region signs were last drawn
        self._placed_signs: tuple[object, list[Blit]] = (None, [])
        self.least_text = MIN_TEXT_SCALE  # world text no smaller (`least_text_scale`)
        self._lamp_tops = self._square_lamps()

    # --- construction --------------------------------------------------------------------------

    def _render_terrain(self) -> pygame.Surface:
        """Every ground tile at native size, once; zoom levels are scaled copies of it."""
        x0, y0, x1, y1 = iso.map_bounds(SIZE)
        surface = pygame.Surface((x1 - x0, y1 - y0), pygame.SRCALPHA)
        terrain = self.flux.map.terrain
        blits: list[Blit] = []
        for gx in range(SIZE):
            for gy in range(SIZE):
                names = TERRAIN_TILES[Terrain(int(terrain[gx, gy]))]
                name = names[_scenery_hash(gx, gy) % len(names)]
                x, y = iso.to_screen(gx, gy)
                ax, ay = self.assets.entry(name).anchor
                blits.append((self.assets.image(name), (int(x) - ax - x0, int(y) - ay - y0)))
        surface.fblits(blits)
        return surface.convert_alpha() if pygame.display.get_surface() else surface

    def _static_items(self) -> tuple[list[tuple[str, str]], list[tuple[float, float]],
                                     list[float]]:
        """(day, night) image names, ground points and depths of every prop and building."""
        names: list[tuple[str, str]] = []
        points: list[tuple[float, float]] = []
        depth: list[float] = []
        images = self.assets.images

        def day_and_night(name: str) -> tuple[str, str]:
            return name, night_name(name) if night_name(name) in images else name

        for prop in self.flux.map.props:
            names.append(day_and_night(f"prop_{prop.kind}.png"))
            points.append(iso.to_screen(prop.gx, prop.gy))
            depth.append(prop.gx + prop.gy + 1.0)
        for region, (bx, by, w, h) in self.flux.map.buildings.items():
            names.append(day_and_night(f"building_{REGION_NAMES[region]}.png"))
            points.append(iso.to_screen(bx, by))
            # The footprint's centre, not its front tile: for a square footprint this orders it
            # right against a citizen on any of its four sides (a front-tile depth would draw the
            # building over citizens standing beside its right and left walls).
            depth.append(bx + by + (w + h) / 2)
        return names, points, depth

    def _static_rects(self) -> list[tuple[float, float, int, int]]:
        """Each prop's and building's day image: left, top, width, height in native px."""
        rects = []
        for (day, _), (px, py) in zip(self._static_names, self._static_points, strict=True):
            ax, ay = self.assets.entry(day).anchor
            w, h = self.assets.image(day).get_size()
            rects.append((px - ax, py - ay, w, h))
        return rects

    def _sign_points(self) -> list[tuple[str, float, float]]:
        """Region names and the native point their sign's bottom centre sits at."""
        signs: list[tuple[str, float, float]] = []
        region_of = self.flux.map.region_of
        for r, spec in enumerate(REGIONS):
            building = self.flux.map.buildings.get(r)
            if building is not None:
                bx, by, w, h = building
                x, _ = iso.to_screen(bx + w / 2, by + h / 2)
                _, top = iso.to_screen(bx, by)
                top -= self.assets.entry(f"building_{spec.name}.png").anchor[1]
                signs.append((spec.name.title(), x, top - 2))
            else:
                gxs, gys = np.nonzero(region_of == r)
                x, y = iso.to_screen(float(gxs.mean()) + 0.5, float(gys.min()) + 1.0)
                signs.append((spec.name.title(), x, y))
        return signs

    def _square_lamps(self) -> list[tuple[float, float]]:
        """The native points at the tops of the square's lamps, round the square in order."""
        square = REGION_NAMES.index("square")
        top = self.assets.entry("prop_lamp.png").anchor[1] - 2
        lamps = [(p.gx, p.gy) for p in self.flux.map.props
                 if p.kind == "lamp" and self.flux.map.region_of[p.gx, p.gy] == square]
        if not lamps:
            return []
        cx = sum(g for g, _ in lamps) / len(lamps)
        cy = sum(g for _, g in lamps) / len(lamps)
        lamps.sort(key=lambda p: math.atan2(p[1] - cy, p[0] - cx))
        return [(x, y - top) for x, y in (iso.to_screen(gx + 0.5, gy + 0.5) for gx, gy in lamps)]

    @property
    def terrain_native(self) -> pygame.Surface:
        """Every ground tile at native size (the minimap shrinks it)."""
        return self._terrain_native

    # --- per frame -----------------------------------------------------------------------------

    def lay_out(self, at: float, now: float, camera: Camera) -> CitizenLayout:
        """Place every citizen for fractional tick `at` (positions interpolated between ticks):
        those standing where the tick left them as placed for this camera, the walkers anew."""
        s = self.flux.state
        standing = self._standing_now()
        z = camera.zoom
        ox, oy = camera.origin
        stance = self._stance_now(standing, camera)
        feet_x, feet_y, depth = stance.feet_x, stance.feet_y, stance.depth
        pos = standing.pos
        walkers = standing.walkers
        if walkers.size:
            pos = pos.copy()
            pos[walkers] = self._walking(standing, at)
            gx, gy = pos[walkers, 0] + 0.5, pos[walkers, 1] + 0.5
            x, y = iso.to_screen_arrays(gx, gy)
            feet_x, feet_y, depth = feet_x.copy(), feet_y.copy(), depth.copy()
            feet_x[walkers] = np.rint(x * z).astype(np.int64) + ox
            feet_y[walkers] = np.rint(y * z).astype(np.int64) + oy
            depth[walkers] = gx + gy
        self._turn(pos, standing)
        walk_pose = WALK_POSE0 + ((at - s.walk_from) * WALK_POSES
                                  / config.TICKS_PER_ROAD_TILE).astype(np.int64) % WALK_POSES
        phase = standing.phase + now * IDLE_FPS
        idle_pose = phase.astype(np.int64) % IDLE_POSES
        pose = np.where(standing.walking, walk_pose, np.where(standing.resting, 0, idle_pose))
        visible = stance.visible
        if walkers.size:
            visible = visible.copy()
            visible[walkers] = self._on_screen(feet_x[walkers], feet_y[walkers], camera)
        self.layout = CitizenLayout(z, feet_x, feet_y, depth, self.facing.copy(), pose,
                                    visible, text_scale(z, self.least_text))
        return self.layout

    def _stance_now(self, standing: _Standing, camera: Camera) -> _Stance:
        """Everyone placed on screen where they stand (the walkers' places are made each
        frame), again only when a tick or the camera moves them."""
        key = (camera.zoom, camera.origin, camera.viewport)
        kept = self._stance
        if kept is not None and kept.standing is standing and kept.key == key:
            return kept
        z = camera.zoom
        ox, oy = camera.origin
        gx, gy = standing.pos[:, 0] + 0.5, standing.pos[:, 1] + 0.5
        x, y = iso.to_screen_arrays(gx, gy)
        feet_x = np.rint(x * z).astype(np.int64) + ox
        feet_y = np.rint(y * z).astype(np.int64) + oy
        depth = gx + gy
        visible = self._on_screen(feet_x, feet_y, camera)
        self._stance = _Stance(standing, key, feet_x, feet_y, depth, visible)
        return self._stance

    def _stance_of(self, layout: CitizenLayout) -> _Stance:
        """The stance `lay_out` made `layout` from (what the frame's drawing reads of it)."""
        assert self._stance is not None and layout is self.layout, "lay_out() before draw()"
        return self._stance

    @staticmethod
    def _on_screen(feet_x: IntArray, feet_y: IntArray, camera: Camera) -> BoolArray:
        w, h = camera.viewport
        margin = (FRAME_H + HEAD_GAP) * camera.zoom
        on: BoolArray = ((feet_x > -margin) & (feet_x < w + margin)
                         & (feet_y > -margin) & (feet_y < h + margin))
        return on

    def _standing_now(self) -> _Standing:
        """What the town's state says of where everyone stands, worked out again only when a
        tick changed it (most frames fall between ticks): the standing spots spread over
        shared tiles, the walkers' paths, and the pairs facing each other."""
        s = self.flux.state
        key = (s.spot.tobytes(), s.walk_origin.tobytes(), s.walk_from.tobytes(),
               s.walk_from_spot.tobytes(), s.region.tobytes(), s.partner.tobytes(),
               s.activity.tobytes())
        if self._standing is not None and self._standing.key == key:
            return self._standing
        walking = s.walk_origin >= 0
        shift = _side_by_side(s.spot, walking) * SHARED_TILE_SPREAD
        pos = s.spot.astype(np.float64)
        pos[:, 0] += shift
        pos[:, 1] -= shift
        walkers = np.flatnonzero(walking)
        walks = np.column_stack((walkers, s.walk_from[walkers], s.walk_origin[walkers],
                                 s.walk_from_spot[walkers], s.region[walkers], s.spot[walkers]))
        known, self._paths = self._paths, {}
        paths = []
        for walk in map(tuple, walks.tolist()):
            path = known.get(walk)
            if path is None:
                path = np.array(self.flux.walk_path(walk[0]), dtype=np.float64)
            paths.append(self._paths.setdefault(walk, path))
        lengths = np.array([len(p) for p in paths], dtype=np.int64)
        tiles = np.concatenate(paths) if paths else np.zeros((0, 2))
        paired = ~walking & (s.partner >= 0)
        toward = (s.spot[s.partner[paired]] - s.spot[paired]).astype(np.float64)
        apart = np.abs(toward).sum(axis=1) > 0
        facing = np.flatnonzero(paired)[apart]
        self.facing[facing] = _facing(toward[apart])
        self._standing = _Standing(
            key, pos, walking, walkers, s.walk_from[walkers].astype(np.float64), lengths,
            np.cumsum(lengths) - lengths, tiles, s.activity == Activity.RESTING,
            np.arange(len(pos), dtype=np.float64) * 0.37,
            tuple((name, marked) for value, name in GLYPHS.items()
                  if (marked := np.flatnonzero(s.activity == value)).size))
        return self._standing

    @staticmethod
    def _walking(standing: _Standing, at: float) -> FloatArray:
        """Where the walkers stand at fractional tick `at`: `TownFlux.position` for all at
        once, the same arithmetic (a city has hundreds on the road, each a few microseconds of
        Python a frame)."""
        lengths = standing.lengths
        step = (at - standing.walk_from) / config.TICKS_PER_ROAD_TILE
        step = np.minimum(np.maximum(step, 0.0), lengths - 1.0)
        k = step.astype(np.int64)
        frac = (step - k)[:, None]
        start, tiles = standing.start, standing.tiles
        here, ahead = tiles[start + k], tiles[start + np.minimum(k + 1, lengths - 1)]
        out: FloatArray = here + (ahead - here) * frac
        return out

    def centre_of(self, citizens: Sequence[int], at: float) -> tuple[float, float]:
        """The world point (native px) midway between citizens' feet at fractional tick `at`."""
        points = [iso.to_screen(gx + 0.5, gy + 0.5)
                  for gx, gy in (self.flux.position(i, at) for i in citizens)]
        return (sum(x for x, _ in points) / len(points), sum(y for _, y in points) / len(points))

    def _turn(self, pos: FloatArray, standing: _Standing) -> None:
        """Face the way a walker moves (a citizen talking or trading faces its partner: see
        `_standing_now`)."""
        if self._last_pos is not None:
            delta = pos - self._last_pos
            moving = standing.walking & (np.abs(delta).sum(axis=1) > 1e-9)
            self.facing[moving] = _facing(delta[moving])
        self._last_pos = pos

    def draw(self, surface: pygame.Surface, camera: Camera, light: Light, now: float,
             selected: int | None, hover: int | None, top: int = 0,
             shows: pygame.Rect | None = None) -> None:
        """The town under the HUD; text the HUD would cut (under its top bar, above `top`)
        moves down to show whole. A storm darkens the light and rains while it lasts.

        Drawn only in `shows` when given: where the HUD's opaque panels leave the town to be
        seen (`Widgets.town_shows`)."""
        surface.set_clip(shows)
        self._draw_town(surface, camera, light, now, selected, hover, top)
        surface.set_clip(None)

    def _draw_town(self, surface: pygame.Surface, camera: Camera, light: Light, now: float,
                   selected: int | None, hover: int | None, top: int) -> None:
        stormy = self.flux.storm_active()
        if stormy:
            light = light.stormy()
        self.bank.configure(camera.zoom, light)
        layout = self.layout
        assert layout is not None, "lay_out() before draw()"
        self._draw_ground(surface, camera, now)
        if not light.plain:
            surface.fill(light.tint, special_flags=pygame.BLEND_RGB_MULT)
        self._draw_sprites(surface, camera, layout, selected)
        if self.flux.state.festival is not None:  # the square dressed while guests gather
            draw_bunting(surface, [camera.to_screen(x, y) for x, y in self._lamp_tops],
                         camera.zoom)
        if stormy:
            draw_rain(surface, now)
        self._draw_glyphs(surface, layout)
        rumors = told_rumors(self.flux.state, self.flux.citizens)
        self._draw_rumors(surface, layout, rumors)
        self._draw_signs(surface, camera, top)
        for i in dict.fromkeys((selected, hover)):
            if i is not None and layout.visible[i]:
                self._draw_name(surface, layout, i, top, rumors)

    def _draw_ground(self, surface: pygame.Surface, camera: Camera, now: float) -> None:
        """The backdrop and the terrain over it (the backdrop only where the terrain's box
        leaves the window uncovered: a window-sized fill and blending the terrain's corners
        over it cost as much as the rest of the town's sprites)."""
        z = camera.zoom
        if self._terrain is None or self._terrain[0] != z:
            self._terrain = (z, _opaque(pygame.transform.scale_by(self._terrain_native, z)))
        x0, y0, _, _ = iso.map_bounds(SIZE)
        ox, oy = camera.origin
        ground = self._terrain[1].get_rect(topleft=(x0 * z + ox, y0 * z + oy))
        if not ground.contains(surface.get_rect()):
            surface.fill(BACKDROP)
        surface.blit(self._terrain[1], ground)
        frame = int(now / WATER_FRAME_SECONDS) % len(WATER_FRAMES)
        if frame:
            water = self.bank.scaled(WATER_FRAMES[frame])
            key = (water, self.bank.anchor(WATER_FRAMES[frame]), camera.origin,
                   surface.get_size())
            if self._ripples[0] != key:  # placed again only when the camera moves
                (ax, ay), w, h = key[1], *surface.get_size()
                tw, th = water.get_size()
                spots = [(int(x * z) - ax + ox, int(y * z) - ay + oy) for x, y in self._water]
                self._ripples = (key, [(water, p) for p in spots
                                       if -tw < p[0] < w and -th < p[1] < h])
            surface.fblits(self._ripples[1])

    def _statics_now(self) -> _Statics:
        """The statics at the bank's zoom and daylight; placed again only when the zoom
        changes or lamps light (a new tint at 16× comes every third frame)."""
        kept = self._statics
        if kept is not None and kept.version == self.bank.version:
            return kept
        z, lit = self.bank.zoom, self.bank.light.lit
        names = [night if lit else day for day, night in self._static_names]
        surfaces = [self.bank.tinted(name) for name in names]
        if kept is not None and kept.key == (z, lit):
            self._statics = replace(kept, version=self.bank.version, surfaces=surfaces)
            return self._statics
        anchors = [self.bank.anchor(name) for name in names]
        xs = [int(px * z) - ax for (px, _), (ax, _) in zip(self._static_points, anchors,
                                                          strict=True)]
        ys = [int(py * z) - ay for (_, py), (_, ay) in zip(self._static_points, anchors,
                                                          strict=True)]
        self._statics = _Statics(
            (z, lit), np.array(xs, dtype=np.int64), np.array(ys, dtype=np.int64),
            np.array([s.get_width() for s in surfaces], dtype=np.int64),
            np.array([s.get_height() for s in surfaces], dtype=np.int64),
            self.bank.version, surfaces)
        return self._statics

    def _scene(self, camera: Camera) -> _Scene:
        """The props and buildings on screen, back to front, placed again only when the camera
        moves or the zoom or lamps move them, and given the surfaces of a new tint."""
        statics = self._statics_now()
        key = (statics.key, camera.origin, camera.viewport)
        placed = self._placed
        if placed is None or placed.key != key:
            ox, oy = camera.origin
            w, h = camera.viewport
            sx, sy = statics.x + ox, statics.y + oy
            order = np.flatnonzero((sx < w) & (sx + statics.w > 0) & (sy < h)
                                   & (sy + statics.h > 0))
            order = order[np.argsort(self._static_depth[order], kind="stable")]
            shown = list(zip(order.tolist(), zip(sx[order].tolist(), sy[order].tolist(),
                                                 strict=True), strict=True))
            placed = _Scene(key, (sx, sy), shown, self._static_depth[order], -1, [])
        if placed.version != statics.version:
            surfaces = statics.surfaces
            placed = replace(placed, version=statics.version,
                             blits=[(surfaces[k], at) for k, at in placed.shown])
        self._placed = placed
        return placed

    def _draw_sprites(self, surface: pygame.Surface, camera: Camera, layout: CitizenLayout,
                      selected: int | None) -> None:
        """Props, buildings and citizens back to front in one `fblits` (the statics come
        placed and sorted: a stable sort keeps their order, and puts the citizens after
        those no deeper than them)."""
        scene = self._scene(camera)
        who = np.flatnonzero(layout.visible)
        z = layout.zoom
        left, top = layout.feet_x - FEET_X * z, layout.feet_y - FEET_Y * z
        # Each one's frame in `citizen_frames`.
        sheet = (self.archetype * len(FACINGS) + layout.facing) * POSES + layout.pose
        sprites = _blits(list(map(self.bank.citizen_frames().__getitem__,
                                  sheet.take(who).tolist())), left.take(who), top.take(who))
        depth = np.concatenate((scene.depth, layout.depth[who]))
        if selected is not None and layout.visible[selected]:
            rx, ry = self.bank.anchor(RING)  # under the citizen, over the ground
            sprites.append((self.bank.scaled(RING), (int(layout.feet_x[selected]) - rx,
                                                     int(layout.feet_y[selected]) - ry)))
            depth = np.append(depth, layout.depth[selected] - 1e-3)
        blits = scene.blits + sprites
        surface.fblits([blits[k] for k in np.argsort(depth, kind="stable").tolist()])
        surface.fblits(self._silhouettes(camera, scene, layout,
                                         (left, top, np.where(layout.visible, sheet, -1)),
                                         selected))

    def _silhouettes(self, camera: Camera, scene: _Scene, layout: CitizenLayout,
                     boxes: tuple[IntArray, IntArray, IntArray], selected: int | None
                     ) -> list[Blit]:
        """The part of each citizen on screen that a prop or building in front hides, as a
        flat silhouette to draw over it; `boxes`: everyone's box's left and top edges and
        frame (−1 off screen). Found again only for those whose box, frame or depth changed
        since the last frame (at 16× a few hundred of a city's two thousand on screen) while
        the scene, the zoom and light and the selection stand; drawn in citizen order."""
        left, top, sheet = boxes
        key = (scene.key, layout.zoom, self.bank.light.lit, selected)
        last = self._hidden
        if last is None or last.key != key:
            moved = np.flatnonzero(sheet >= 0)
            shapes: dict[int, Blit] = {}
        else:
            moved = np.flatnonzero((sheet != last.sheet) | (left != last.left)
                                   | (top != last.top) | (layout.depth != last.depth))
            shapes = last.shapes
            for i in moved.tolist():
                shapes.pop(i, None)
        who = moved.take(np.flatnonzero(sheet.take(moved) >= 0))
        citizens, covering = self._covering(who, camera, scene,
                                            (layout.feet_x, layout.feet_y, layout.depth))
        shapes.update(self._silhouettes_of(citizens, covering, (*boxes, layout.zoom),
                                           scene.at, selected))
        self._hidden = _Hidden(key, left, top, sheet, layout.depth, shapes)
        return [shapes[i] for i in sorted(shapes)]

    def _covering(self, who: IntArray, camera: Camera, scene: _Scene,
                  feet: tuple[IntArray, IntArray, FloatArray]) -> tuple[IntArray, IntArray]:
        """(citizen, static) pairs, by citizen, where a static in front of one of `who` (in
        ascending order) hides part of it; `feet` are everyone's feet and depths."""
        feet_x, feet_y, depth = feet
        z = camera.zoom
        ox, oy = camera.origin
        wx = (feet_x[who] - ox) / z
        wy = (feet_y[who] - oy) / z
        gx, gy = wx / iso.TILE_W + wy / iso.TILE_H, wy / iso.TILE_H - wx / iso.TILE_W
        tiles = (np.clip(np.floor(gx), 0, SIZE - 1) * SIZE
                 + np.clip(np.floor(gy), 0, SIZE - 1)).astype(np.int64)
        statics = self._statics_now()
        return self._occluders.covering(
            tiles, who, (feet_x[who] - FEET_X * z, feet_y[who] - FEET_Y * z, z),
            (*scene.at, statics.w, statics.h), depth[who])

    def _silhouettes_of(self, citizens: IntArray, covering: IntArray,
                        boxes: tuple[IntArray, IntArray, IntArray, int],
                        at: tuple[IntArray, IntArray], selected: int | None
                        ) -> dict[int, Blit]:
        """The silhouettes of citizens covered by statics, placed, by citizen, from their
        (citizen, static) pairs grouped by citizen; `boxes` are every citizen's box's left and
        top, its frame and the zoom, `at` every static's place on screen."""
        left, top, sheet, z = boxes
        frames, images = self.bank.citizen_frames(), self._statics_now().surfaces
        key = (z, int(self.bank.light.lit))
        who = citizens.tolist()
        xs, ys = left[citizens].tolist(), top[citizens].tolist()
        dxs = (at[0][covering] - left[citizens]).tolist()
        dys = (at[1][covering] - top[citizens]).tolist()
        statics = covering.tolist()
        shapes: dict[int, Blit] = {}
        covers: list[tuple[int, int, int]] = []
        for j, k in enumerate(sheet[citizens].tolist()):
            covers.append((statics[j], dxs[j], dys[j]))
            i = who[j]
            if j + 1 < len(who) and who[j + 1] == i:
                continue  # more statics cover this citizen
            shape = self._occluders.silhouette(((k, z), frames[k]), tuple(covers), images, key,
                                               i == selected)
            covers = []
            if shape is not None:
                shapes[i] = (shape, (xs[j] - EDGE, ys[j] - EDGE))
        return shapes

    def _draw_glyphs(self, surface: pygame.Surface, layout: CitizenLayout) -> None:
        visible = layout.visible
        blits: list[Blit] = []
        for name, marked in self._stance_of(layout).standing.glyphs:
            who = marked[visible[marked]]
            ax, ay = self.bank.anchor(name)
            top = (FRAME_H + 1) * layout.zoom
            blits += _blits(itertools.repeat(self.bank.scaled(name), who.size),
                            layout.feet_x[who] - ax, layout.feet_y[who] - (top + ay))
        surface.fblits(blits)

    def _draw_rumors(self, surface: pygame.Surface, layout: CitizenLayout,
                     rumors: Sequence[RumorView]) -> None:
        """While `rumors` are told eagerly: a whisper over each carrier and a "!" over each
        subject (drawn last: being talked about outweighs telling), beside the activity glyph
        of one who shows one, in its place over one who does not (a walker)."""
        if not rumors:
            return
        carriers = np.fromiter(itertools.chain.from_iterable(r.carriers for r in rumors),
                               dtype=np.int64)
        subjects = np.array([r.subject for r in rumors], dtype=np.int64)
        blits: list[Blit] = []
        for name, marked in zip(RUMOR_MARKS, (carriers, subjects), strict=True):
            who = np.unique(marked)
            who = who[layout.visible[who]]
            ax, ay = self.bank.anchor(name)
            side = np.where(np.isin(self.flux.state.activity[who], list(GLYPHS)),
                            RUMOR_SIDE * layout.zoom, 0)
            top = (FRAME_H + 1) * layout.zoom + ay
            blits += _blits(itertools.repeat(self.bank.scaled(name), who.size),
                            layout.feet_x[who] + side - ax, layout.feet_y[who] - top)
        surface.fblits(blits)

    def _draw_signs(self, surface: pygame.Surface, camera: Camera, top: int) -> None:
        scale = text_scale(camera.zoom, self.least_text)
        key = (camera.origin, camera.zoom, scale, top)
        if self._placed_signs[0] != key:  # placed again only when the camera moves
            blits: list[Blit] = []
            for text, x, y in self._signs:
                label = self._label(text, SIGN, scale)
                sx, sy = camera.to_screen(x, y)
                blits.append((label, (round(sx) - label.get_width() // 2,
                                      _below(round(sy) - label.get_height(), label, top))))
            self._placed_signs = (key, blits)
            self.sign_rects = [label.get_rect(topleft=at) for label, at in blits]
        surface.fblits(self._placed_signs[1])

    def _draw_name(self, surface: pygame.Surface, layout: CitizenLayout, i: int,
                   top: int, rumors: Sequence[RumorView] = ()) -> None:
        label = self._label(self._named(i, rumors), NAME, layout.text)
        x, y = layout.head(i)
        # Kept inside the window's sides: a rumor's note makes a name long enough to be cut.
        left = min(max(x - label.get_width() // 2, 0), surface.get_width() - label.get_width())
        surface.blit(label, (left, _below(y - label.get_height(), label, top)))

    def _named(self, i: int, rumors: Sequence[RumorView]) -> str:
        """Citizen i's name, and what its rumor mark means while one shows."""
        name = self.flux.name(i)
        if any(r.subject == i for r in rumors):
            return f"{name} · a rumor is told about them"
        carried = carried_by(rumors, i)
        return name if carried is None else f"{name} · spreads a rumor about {carried.about}"

    def _label(self, text: str, colour: Colour, scale: int) -> pygame.Surface:
        return rendered.outlined(self.assets.font, text, colour, OUTLINE, scale)

    # --- picking -------------------------------------------------------------------------------

    def citizen_at(self, pos: tuple[int, int]) -> int | None:
        """The frontmost citizen whose sprite covers screen pixel `pos`, if any."""
        layout = self.layout
        if layout is None:
            return None
        z = layout.zoom
        x, y = pos
        left = layout.feet_x - FEET_X * z
        top = layout.feet_y - FEET_Y * z
        hit = (layout.visible & (left <= x) & (x < left + FRAME_W * z)
               & (top <= y) & (y < top + FRAME_H * z))
        idx = np.flatnonzero(hit)
        if not idx.size:
            return None
        return int(idx[np.argmax(layout.depth[idx])])


def _blits(surfaces: Iterable[pygame.Surface], x: IntArray, y: IntArray) -> list[Blit]:
    """Each surface placed at its (x, y), for `fblits`: zipped in C (a city puts some two
    thousand sprites on screen, and a comprehension building their pairs costs more)."""
    return list(zip(surfaces, zip(x.tolist(), y.tolist(), strict=True), strict=True))


def _below(y: int, label: pygame.Surface, top: int) -> int:
    """A label's top edge moved down to `top` if the line there would cut it (one wholly above
    stays where it is: what it names is out of sight too)."""
    return top if y < top < y + label.get_height() else y


def _facing(delta: FloatArray) -> IntArray:
    """Sheet row for a grid direction: +gx is SE on screen, +gy SW, −gx NW, −gy NE."""
    dx, dy = delta[:, 0], delta[:, 1]
    return np.where(np.abs(dx) >= np.abs(dy), np.where(dx > 0, SE, NW),
                    np.where(dy > 0, SW, NE)).astype(np.int64)


def _side_by_side(spot: IntArray, walking: BoolArray) -> FloatArray:
    """For citizens standing on a shared tile: −(m−1)/2 … (m−1)/2 across the m of them; else 0."""
    n = len(spot)
    keys = spot[:, 0] * SIZE + spot[:, 1]
    keys = np.where(walking, -1 - np.arange(n), keys)  # a walker shares with nobody
    order = np.argsort(keys, kind="stable")
    ordered = keys[order]
    starts = np.ones(n, dtype=bool)
    np.not_equal(ordered[1:], ordered[:-1], out=starts[1:])
    heads = np.flatnonzero(starts)  # where each tile's citizens begin, in tile order
    group = np.cumsum(starts) - 1
    sizes = np.diff(heads, append=n)
    spread = np.empty(n, dtype=np.float64)
    spread[order] = np.arange(n) - heads[group] - (sizes[group] - 1) / 2
    return spread


def _scenery_hash(gx: int, gy: int) -> int:
    """A fixed per-tile number, so grass variants never depend on the seed."""
    h = (gx * 92821) ^ (gy * 68917) ^ 0x5BD1
    return (h ^ (h >> 7)) & 0xFFFF


def _opaque(terrain: pygame.Surface) -> pygame.Surface:
    """The terrain laid on the backdrop once, without an alpha channel: copied, not blended,
    onto the window each frame."""
    out = pygame.Surface(terrain.get_size())
    out.fill(BACKDROP)
    out.blit(terrain, (0, 0))
    return out.convert() if pygame.display.get_surface() else out
