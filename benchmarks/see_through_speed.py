"""See-through speed: what drawing citizens behind buildings and trees as silhouettes (and the
minimap) adds to a frame, old against new in one run.

Each side runs in its own process (two versions of `game` cannot share one), alternating
old and new a few times: one app frame at 1× (input, ticks, the world, the HUD), 1280×720,
dummy driver, for `town` and `city:2500` at the default zoom (×2) and zoomed out (×1, every
citizen on screen, the most silhouettes). Prints medians over the rounds of each process's
median frame, `name: value unit`. The new side also with the minimap shown.

Usage: python benchmarks/see_through_speed.py OLD_ROOT (a worktree of the code before, e.g.
`git worktree add --detach /tmp/old main`); the new side is this checkout.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

NEW_ROOT = Path(__file__).resolve().parents[1]
ROUNDS = 3
CASES = (("town", 2), ("town", 1), ("city:2500", 2), ("city:2500", 1))

CHILD = r"""
import json, os, statistics, sys, time
os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"
os.environ["PYGAME_HIDE_SUPPORT_PROMPT"] = "1"
os.environ["OPENBLAS_NUM_THREADS"] = "1"
sys.path.insert(0, sys.argv[1])
import pygame
pygame.display.init()
pygame.display.set_mode((1280, 720))
from game.trace.timeline import Timeline
from game.view.app import App
from game.view.intents import Toggle
scenario, zoom, minimap = sys.argv[2], int(sys.argv[3]), sys.argv[4] == "1"
timeline = Timeline(scenario, seed=7)
timeline.advance(200)
app = App(timeline, speed=1, reproducible=True)
if minimap:
    app.apply(Toggle("minimap"))
w, h = app.camera.viewport
app.camera.zoom_at(zoom - app.camera.zoom, (w // 2, h // 2))
times = []
for k in range(140):
    start = time.perf_counter()
    app.frame(1 / 60)
    if k >= 20:
        times.append((time.perf_counter() - start) * 1000)
print(json.dumps(statistics.median(times)))
"""


def frame_ms(root: Path, scenario: str, zoom: int, minimap: bool) -> float:
    env = {**os.environ, "PYTHONPATH": str(root)}
    out = subprocess.run([sys.executable, "-c", CHILD, str(root), scenario, str(zoom),
                          "1" if minimap else "0"], capture_output=True, text=True, check=True,
                         env=env, cwd=root)
    value: float = json.loads(out.stdout.strip().splitlines()[-1])
    return value


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    old_root = Path(sys.argv[1]).resolve()
    sides = {"old": (old_root, False), "new": (NEW_ROOT, False), "new+minimap": (NEW_ROOT, True)}
    results: dict[tuple[str, str, int], list[float]] = {}
    for _ in range(ROUNDS):
        for scenario, zoom in CASES:
            for side, (root, minimap) in sides.items():
                results.setdefault((side, scenario, zoom), []).append(
                    frame_ms(root, scenario, zoom, minimap))
    for (side, scenario, zoom), values in results.items():
        print(f"frame_{scenario}_zoom{zoom}_{side}: {statistics.median(values):.2f} ms")


if __name__ == "__main__":
    main()
