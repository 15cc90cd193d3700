"""Contact sheet for eyeballing the generated art: every asset on mid-grey plus a mock town
scene (terrain grid, road, buildings, props, citizens), scaled up with nearest-neighbour.

Run ``python tools/contact_sheet.py [--assets DIR] [--out FILE] [--night]``. A developer
tool only; the game never imports it.
"""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path
from typing import Any

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import pygame

GREY = (110, 110, 118)
ROAD_CELLS = {(x, 5) for x in range(14)} | {(6, y) for y in range(14)}
WATER_CELLS = {(x, y) for x in range(11, 14) for y in range(9, 14)}
PLAZA_CELLS = {(x, y) for x in range(5, 8) for y in range(4, 7)} - {(6, 5)}
YARD_CELLS = {(x, y) for x in range(8, 11) for y in range(0, 3)}
# (image, gx, gy, footprint): buildings stand on their origin tile, props on their own tile.
OBJECTS = [
    ("building_inn", 0, 0, 4), ("building_library", 0, 8, 4), ("building_observatory", 8, 0, 3),
    ("building_workshop", 7, 8, 4), ("building_archive", 11, 1, 3),
    ("prop_tree_0", 4, 1, 1), ("prop_tree_1", 4, 3, 1), ("prop_tree_0", 12, 7, 1),
    ("prop_bush", 5, 3, 1), ("prop_lamp", 4, 6, 1), ("prop_fountain", 6, 5, 1),
    ("prop_bench", 7, 4, 1), ("prop_stall_0", 3, 6, 1), ("prop_stall_1", 8, 4, 1),
    ("prop_flowers", 5, 7, 1), ("prop_rock", 10, 6, 1), ("prop_well", 4, 11, 1),
    ("prop_tree_1", 0, 13, 1), ("prop_lamp_night", 7, 6, 1), ("prop_telescope", 11, 4, 1),
    ("prop_tree_1", 13, 6, 1), ("prop_bush", 5, 12, 1),
]
# (archetype, gx, gy, sheet row, sheet column)
CITIZENS = [("builder", 2, 5, 0, 2), ("trader", 6, 2, 1, 3), ("healer", 9, 5, 2, 4),
            ("scholar", 6, 8, 3, 0), ("watcher", 5, 5, 0, 1), ("trader", 10, 5, 0, 0)]


def load(assets: Path, name: str) -> pygame.Surface:
    return pygame.image.load(str(assets / name))


def scene(assets: Path, meta: dict[str, Any], night: bool) -> pygame.Surface:
    images = meta["images"]
    surf = pygame.Surface((560, 420))
    surf.fill(GREY)
    ox, oy = 280, 90

    def at(gx: float, gy: float) -> tuple[float, float]:
        return ox + (gx - gy) * 16, oy + (gx + gy) * 8

    for gy in range(14):
        for gx in range(14):
            if (gx, gy) in ROAD_CELLS:
                name = "tile_road"
            elif (gx, gy) in WATER_CELLS:
                name = f"tile_water_{(gx + gy) % 2}"
            elif (gx, gy) in PLAZA_CELLS:
                name = "tile_plaza"
            elif (gx, gy) in YARD_CELLS:
                name = "tile_yard"
            elif gx == 10 and gy > 6:
                name = "tile_garden"
            elif gx == 3 and gy < 5:
                name = "tile_market"
            elif gy == 13:
                name = "tile_dirt"
            else:
                name = f"tile_grass_{(gx * 7 + gy * 13) % 3}"
            x, y = at(gx, gy)
            surf.blit(load(assets, name + ".png"), (x - 16, y))
    drawn: list[tuple[int, str, float, float, pygame.Rect | None]] = []
    for name, gx, gy, size in OBJECTS:
        suffix = "_night" if night and name.startswith("building") else ""
        drawn.append((gx + gy + 2 * (size - 1), name + suffix, gx, gy, None))
    for arch, gx, gy, row, col in CITIZENS:
        drawn.append((gx + gy, f"citizen_{arch}", gx, gy, pygame.Rect(col * 12, row * 20, 12, 20)))
    for _, name, fx, fy, frame in sorted(drawn, key=lambda d: (d[0], d[1])):
        ax, ay = images[name + ".png"]["anchor"]
        if frame is None:
            x, y = at(fx, fy)
            surf.blit(load(assets, name + ".png"), (x - ax, y - ay))
        else:
            x, y = at(fx + 0.5, fy + 0.5)
            surf.blit(load(assets, name + ".png"), (x - ax, y - ay), frame)
            surf.blit(load(assets, "glyph_talk.png"), (x - 4, y - 30))
    if night:
        tint = pygame.Surface(surf.get_size())
        tint.fill((120, 110, 190))
        surf.blit(tint, (0, 0), special_flags=pygame.BLEND_MULT)
    return surf


def sheet(assets: Path, meta: dict[str, Any], night: bool) -> pygame.Surface:
    names = sorted(meta["images"])
    out = pygame.Surface((1100, 820))
    out.fill(GREY)
    x, y, row_h = 4, 4, 0
    for name in names:
        if name in ("app_icon_256.png", "font.png"):
            continue
        img = load(assets, name)
        if x + img.get_width() > 520:
            x, y, row_h = 4, y + row_h + 4, 0
        out.blit(img, (x, y))
        x += img.get_width() + 4
        row_h = max(row_h, img.get_height())
    font = load(assets, "font.png")
    glyphs = meta["font"]["glyphs"]
    tx, ty = 4, y + row_h + 8
    for line in ("The quick brown fox jumps over 13 lazy dogs.", "AGENT TOWN · day 3 → dusk ±1…"):
        cx = tx
        for ch in line:
            gx, gy, gw, gh, adv = glyphs[ch]
            out.blit(font, (cx, ty), pygame.Rect(gx, gy, gw, gh))
            cx += adv
        ty += meta["font"]["line_height"]
    out.blit(scene(assets, meta, night), (530, 4))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description="compose a contact sheet of the assets")
    parser.add_argument("--assets", type=Path, default=Path("game/assets"))
    parser.add_argument("--out", type=Path, default=Path("/tmp/contact.png"))
    parser.add_argument("--scale", type=int, default=2)
    parser.add_argument("--night", action="store_true")
    args = parser.parse_args()
    pygame.init()
    meta = json.loads((args.assets / "manifest.json").read_text(encoding="utf-8"))
    out = sheet(args.assets, meta, args.night)
    out = pygame.transform.scale_by(out, args.scale)
    pygame.image.save(out, str(args.out))


if __name__ == "__main__":
    main()
