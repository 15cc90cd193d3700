"""The tile map: eight regions on one isometric grid, their buildings, roads and walking paths.

The map is the same for every seed (people learn their town); it is built once per process and
shared read-only. Walking paths between any two regions are precomputed here, so a citizen's
position is a pure function of (path, departure tick). Pure: never imports pygame or the view.
"""

from __future__ import annotations

import heapq
import itertools
from collections import deque
from dataclasses import dataclass, field
from enum import IntEnum
from functools import cache
from typing import Final

import numpy as np
import numpy.typing as npt

from game import config

Tile = tuple[int, int]


class Terrain(IntEnum):
    GRASS = 0
    ROAD = 1
    WATER = 2
    PLAZA = 3
    GARDEN = 4
    MARKET = 5
    DIRT = 6
    YARD = 7


@dataclass(frozen=True)
class RegionSpec:
    name: str
    kind: str  # "building" or "open"
    capacity: int
    cell: tuple[int, int]  # (column, row) of the map's 16×12-tile cells
    ground: Terrain
    footprint: tuple[int, int] | None  # building size in tiles (gx, gy)


REGIONS: Final[tuple[RegionSpec, ...]] = (
    RegionSpec("inn", "building", 10, (0, 2), Terrain.YARD, (4, 4)),
    RegionSpec("square", "open", 20, (1, 2), Terrain.PLAZA, None),
    RegionSpec("garden", "open", 8, (0, 1), Terrain.GRASS, None),
    RegionSpec("market", "open", 15, (2, 2), Terrain.MARKET, None),
    RegionSpec("library", "building", 6, (1, 1), Terrain.YARD, (4, 4)),
    RegionSpec("observatory", "building", 6, (0, 0), Terrain.YARD, (3, 3)),
    RegionSpec("workshop", "building", 10, (1, 3), Terrain.DIRT, (4, 4)),
    RegionSpec("archive", "building", 8, (1, 0), Terrain.YARD, (3, 3)),
)
REGION_NAMES: Final[tuple[str, ...]] = tuple(r.name for r in REGIONS)
REGION_INDEX: Final[dict[str, int]] = {name: i for i, name in enumerate(REGION_NAMES)}

ADJACENCY: Final[tuple[tuple[str, str], ...]] = (
    ("inn", "square"), ("inn", "garden"), ("square", "market"), ("square", "library"),
    ("square", "workshop"), ("garden", "library"), ("garden", "observatory"),
    ("market", "workshop"), ("library", "observatory"), ("library", "archive"),
    ("observatory", "archive"),
)

SIZE: Final = 48
CELL_W, CELL_H = 16, 12
# Region rectangle inside its cell, and where its gate (road anchor) sits, relative to the cell.
RECT_X0, RECT_Y0, RECT_W, RECT_H = 2, 2, 12, 8
GATE: Final = (8, 8)
LANE_X: Final = 12  # north–south roads run on this column of each cell, clear of the buildings
BUILDING_AT: Final = (5, 2)  # footprint origin relative to the cell


@dataclass(frozen=True)
class Prop:
    gx: int
    gy: int
    kind: str


@dataclass(frozen=True)
class TownMap:
    terrain: npt.NDArray[np.int8]  # (SIZE, SIZE) indexed [gx, gy]
    region_of: npt.NDArray[np.int8]  # (SIZE, SIZE) region index or -1
    buildings: dict[int, tuple[int, int, int, int]]  # region → (gx0, gy0, w, h)
    props: tuple[Prop, ...]
    gates: tuple[Tile, ...]  # by region
    spots: tuple[tuple[Tile, ...], ...]  # by region: where citizens may stand
    neighbours: tuple[tuple[int, ...], ...]  # by region, sorted
    roads: dict[tuple[int, int], tuple[Tile, ...]]  # (a, b) → gate-to-gate road path
    legs: tuple[dict[Tile, tuple[Tile, ...]], ...]  # by region: spot → path from spot to gate
    hops: tuple[tuple[int, ...], ...]  # region → region: fewest adjacency steps

    def walk_path(self, a: int, spot_a: Tile, b: int, spot_b: Tile) -> tuple[Tile, ...]:
        """Tiles from `spot_a` in region a to `spot_b` in region b, along the roads."""
        road = self.roads[(a, b)] if a != b else (self.gates[a],)
        return self.legs[a][spot_a] + road[1:] + tuple(reversed(self.legs[b][spot_b]))[1:]

    def walk_ticks(self, a: int, spot_a: Tile, b: int, spot_b: Tile) -> int:
        return config.TICKS_PER_ROAD_TILE * (len(self.walk_path(a, spot_a, b, spot_b)) - 1)

    def is_outdoor(self, region: int) -> bool:
        return REGIONS[region].kind == "open"


def _cell_origin(cell: tuple[int, int]) -> Tile:
    return cell[0] * CELL_W, cell[1] * CELL_H


def _gate(spec: RegionSpec) -> Tile:
    x, y = _cell_origin(spec.cell)
    return x + GATE[0], y + GATE[1]


def _polyline(points: list[Tile]) -> list[Tile]:
    tiles: list[Tile] = [points[0]]
    for (x0, y0), (x1, y1) in itertools.pairwise(points):
        x, y = x0, y0
        while (x, y) != (x1, y1):
            x += (x1 > x) - (x1 < x)
            if x == x1:
                y += (y1 > y) - (y1 < y)
            tiles.append((x, y))
    return tiles


def _road_waypoints(a: RegionSpec, b: RegionSpec) -> list[Tile]:
    """Road between adjacent regions: along their row, or down the eastern cell's lane."""
    ga, gb = _gate(a), _gate(b)
    if a.cell[1] == b.cell[1]:
        return [ga, gb]
    if a.cell[1] > b.cell[1]:  # always route from the northern region
        ga, gb = gb, ga
    lane = max(a.cell[0], b.cell[0]) * CELL_W + LANE_X
    return [ga, (lane, ga[1]), (lane, gb[1]), gb]


def _noise(x: int, y: int, salt: int) -> int:
    """A fixed hash of a tile, so the scenery never depends on the seed."""
    h = (x * 73856093) ^ (y * 19349663) ^ (salt * 83492791)
    return (h ^ (h >> 13)) & 0xFFFF


@dataclass
class _Ground:
    """The map while it is being laid out: terrain, regions, what blocks walking, props."""

    terrain: npt.NDArray[np.int8] = field(
        default_factory=lambda: np.full((SIZE, SIZE), Terrain.GRASS, dtype=np.int8))
    region_of: npt.NDArray[np.int8] = field(
        default_factory=lambda: np.full((SIZE, SIZE), -1, dtype=np.int8))
    blocked: npt.NDArray[np.bool_] = field(
        default_factory=lambda: np.zeros((SIZE, SIZE), dtype=bool))
    buildings: dict[int, tuple[int, int, int, int]] = field(default_factory=dict)
    props: list[Prop] = field(default_factory=list)

    def place(self, x: int, y: int, kind: str) -> None:
        """A prop on free ground (never on a road or in water); it blocks its tile."""
        if not self.blocked[x, y] and self.terrain[x, y] not in (Terrain.ROAD, Terrain.WATER):
            self.props.append(Prop(x, y, kind))
            self.blocked[x, y] = True


@cache
def build_map() -> TownMap:
    ground = _Ground()
    _lay_ground(ground)
    _furnish(ground)
    _plant_scenery(ground)
    return _walkways(ground)


def _lay_ground(g: _Ground) -> None:
    """A lake in the north-east, the regions with their buildings, roads between neighbours."""
    for x in range(34, 46):
        for y in range(2, 21):
            dx, dy = (x - 40) / 6.2, (y - 11) / 9.5
            if dx * dx + dy * dy <= 1.0:
                g.terrain[x, y] = Terrain.WATER
                g.blocked[x, y] = True
    for i, spec in enumerate(REGIONS):
        cx, cy = _cell_origin(spec.cell)
        x0, y0 = cx + RECT_X0, cy + RECT_Y0
        g.region_of[x0:x0 + RECT_W, y0:y0 + RECT_H] = i
        g.terrain[x0:x0 + RECT_W, y0:y0 + RECT_H] = spec.ground
        if spec.footprint is not None:
            bx, by = cx + BUILDING_AT[0], cy + BUILDING_AT[1]
            w, h = spec.footprint
            g.buildings[i] = (bx, by, w, h)
            g.blocked[bx:bx + w, by:by + h] = True
    for a_name, b_name in ADJACENCY:
        spec_a, spec_b = REGIONS[REGION_INDEX[a_name]], REGIONS[REGION_INDEX[b_name]]
        for x, y in _polyline(_road_waypoints(spec_a, spec_b)):
            if g.terrain[x, y] != Terrain.PLAZA:
                g.terrain[x, y] = Terrain.ROAD


def _furnish(g: _Ground) -> None:
    """The square's fountain and lamps, market stalls, the garden's beds, the telescope."""
    sx, sy = _cell_origin(REGIONS[REGION_INDEX["square"]].cell)
    g.place(sx + 6, sy + 5, "fountain")
    for dx, dy in ((3, 3), (10, 3), (3, 8), (10, 8)):
        g.place(sx + dx, sy + dy, "lamp")
    mx, my = _cell_origin(REGIONS[REGION_INDEX["market"]].cell)
    for k, (dx, dy) in enumerate(((4, 3), (7, 3), (10, 3), (4, 6), (10, 6))):
        g.place(mx + dx, my + dy, f"stall_{k % 2}")
    gx0, gy0 = _cell_origin(REGIONS[REGION_INDEX["garden"]].cell)
    for dx in range(3, 11):
        for dy in (3, 4):
            if g.terrain[gx0 + dx, gy0 + dy] == Terrain.GRASS:
                g.terrain[gx0 + dx, gy0 + dy] = Terrain.GARDEN
    for dx, dy in ((2, 6), (5, 7), (3, 9), (9, 2)):
        g.place(gx0 + dx, gy0 + dy, "flowers")
    g.place(gx0 + 10, gy0 + 6, "bench")
    ox, oy = _cell_origin(REGIONS[REGION_INDEX["observatory"]].cell)
    g.place(ox + 10, oy + 4, "telescope")


def _plant_scenery(g: _Ground) -> None:
    """Outside the regions: trees thick in the southern woods, sparse elsewhere."""
    for x in range(SIZE):
        for y in range(SIZE):
            if g.region_of[x, y] >= 0 or g.blocked[x, y] or g.terrain[x, y] != Terrain.GRASS:
                continue
            woods = y >= 36 and (x < 16 or x >= 32)
            n = _noise(x, y, 1)
            if n % (3 if woods else 17) == 0:
                g.place(x, y, "tree_1" if _noise(x, y, 2) % 3 == 0 else "tree_0")
            elif n % 41 == 1:
                g.place(x, y, "bush")
            elif n % 97 == 2:
                g.place(x, y, "rock")


def _walkways(g: _Ground) -> TownMap:
    """Where citizens may stand in each region, the paths in and out, roads between regions."""
    gates = tuple(_gate(spec) for spec in REGIONS)
    spots: list[tuple[Tile, ...]] = []
    legs: list[dict[Tile, tuple[Tile, ...]]] = []
    for i in range(len(REGIONS)):
        inside = (g.region_of == i) & ~g.blocked
        tiles = tuple(sorted((int(x), int(y)) for x, y in zip(*np.nonzero(inside), strict=True)))
        leg = _paths_to(gates[i], set(tiles))
        spots.append(tuple(t for t in tiles if t in leg and g.terrain[t] != Terrain.ROAD))
        legs.append(leg)
    walkable = ~g.blocked
    roads: dict[tuple[int, int], tuple[Tile, ...]] = {}
    for a in range(len(REGIONS)):
        parent = _road_paths(g.terrain, walkable, gates[a])
        for b in range(len(REGIONS)):
            if b != a:
                roads[(a, b)] = _path_back(parent, gates[a], gates[b])
    neighbours: list[list[int]] = [[] for _ in REGIONS]
    for a_name, b_name in ADJACENCY:
        a, b = REGION_INDEX[a_name], REGION_INDEX[b_name]
        neighbours[a].append(b)
        neighbours[b].append(a)
    hops = [[_hops(neighbours, a, b) for b in range(len(REGIONS))] for a in range(len(REGIONS))]
    return TownMap(
        terrain=g.terrain, region_of=g.region_of, buildings=g.buildings, props=tuple(g.props),
        gates=gates, spots=tuple(spots), neighbours=tuple(tuple(sorted(n)) for n in neighbours),
        roads=roads, legs=tuple(legs), hops=tuple(tuple(h) for h in hops),
    )


def _hops(neighbours: list[list[int]], a: int, b: int) -> int:
    seen = {a: 0}
    queue = deque([a])
    while queue:
        r = queue.popleft()
        for nxt in neighbours[r]:
            if nxt not in seen:
                seen[nxt] = seen[r] + 1
                queue.append(nxt)
    return seen[b]


def _steps(t: Tile) -> list[Tile]:
    x, y = t
    return [(x + 1, y), (x - 1, y), (x, y + 1), (x, y - 1)]


def _paths_to(gate: Tile, tiles: set[Tile]) -> dict[Tile, tuple[Tile, ...]]:
    """Shortest 4-connected path from every reachable tile of a region to its gate."""
    parent: dict[Tile, Tile | None] = {gate: None}
    queue = deque([gate])
    while queue:
        t = queue.popleft()
        for s in _steps(t):
            if s in tiles and s not in parent:
                parent[s] = t
                queue.append(s)
    out: dict[Tile, tuple[Tile, ...]] = {}
    for t in parent:
        path = [t]
        while (p := parent[path[-1]]) is not None:
            path.append(p)
        out[t] = tuple(path)
    return out


def _road_paths(terrain: npt.NDArray[np.int8], walkable: npt.NDArray[np.bool_],
                start: Tile) -> dict[Tile, Tile]:
    """Dijkstra from a gate: roads and plazas are cheap, crossing grass costs more.

    Returns the parent of every reached tile, so any gate's path back to `start` can be read.
    """
    cheap = {Terrain.ROAD.value, Terrain.PLAZA.value}
    cost = [[1 if int(terrain[x, y]) in cheap else 4 for y in range(SIZE)] for x in range(SIZE)]
    ok = walkable.tolist()
    dist: dict[Tile, int] = {start: 0}
    parent: dict[Tile, Tile] = {}
    heap = [(0, start)]
    while heap:
        d, t = heapq.heappop(heap)
        if d > dist[t]:
            continue
        for s in _steps(t):
            x, y = s
            if not (0 <= x < SIZE and 0 <= y < SIZE) or not ok[x][y]:
                continue
            nd = d + cost[x][y]
            if nd < dist.get(s, 1 << 30):
                dist[s] = nd
                parent[s] = t
                heapq.heappush(heap, (nd, s))
    return parent


def _path_back(parent: dict[Tile, Tile], start: Tile, goal: Tile) -> tuple[Tile, ...]:
    path = [goal]
    while path[-1] != start:
        path.append(parent[path[-1]])
    return tuple(reversed(path))
