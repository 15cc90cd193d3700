"""UI scale cost: the HUD drawn at 1600×900, the town paused (no ticks), dummy driver, no flip.

At 100 % the widgets draw straight onto the window; above it they draw on a see-through layer
of the logical window, which is stretched over the town (`game.view.scale`). Prints the median
of a frame's drawing (world and HUD, a citizen selected, coalition lines on) at each scale the
window holds, taken in turns so the machine's load falls on each alike.

`--old PATH` adds the same frame of another checkout (e.g. `git worktree add --detach
/tmp/old-settings main`), imported in a child process, as `old_1600x900`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

SIZE = (1600, 900)
ROUNDS = 7
FRAMES = 30
START_TICK = 2600  # day 2's evening: coalitions formed, lamps lit


def frames_ms(scales: list[int | None]) -> dict[str, float]:
    """Median ms of a drawn frame for each scale (None: the checkout's own, with no setting)."""
    import pygame

    from game.trace.timeline import Timeline
    from game.userfiles.settings import Settings
    from game.view.app import App
    from game.view.intents import Select, Toggle

    pygame.display.init()
    pygame.display.set_mode(SIZE)
    timeline = Timeline("town", 7)
    timeline.advance(START_TICK)
    apps = {}
    for scale in scales:
        settings = Settings() if scale is None else Settings(ui_scale=scale)
        app = App(timeline, speed=0, reproducible=True, settings=settings)
        app.apply(Toggle("coalitions"))
        app.apply(Select(3))
        app.frame(0.0)
        apps[scale] = app
    times: dict[int | None, list[float]] = {scale: [] for scale in scales}
    for _ in range(ROUNDS):
        for scale, app in apps.items():
            taken = []
            for _ in range(FRAMES):
                start = time.perf_counter()
                app.draw()
                taken.append(time.perf_counter() - start)
            times[scale].append(statistics.median(taken))
    return {("old" if scale is None else str(scale)): statistics.median(t) * 1000
            for scale, t in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old", help="another checkout to measure beside this one")
    args = parser.parse_args()
    if args.old:
        code = ("import sys; sys.path.insert(0, sys.argv[1]); sys.path.insert(1, sys.argv[2]);"
                " from ui_scale_speed import frames_ms; print(frames_ms([None])['old'])")
        here = os.path.dirname(os.path.abspath(__file__))
        out = subprocess.run([sys.executable, "-c", code, args.old, here], check=True,
                             capture_output=True, text=True, env={**os.environ,
                                                                  "PYTHONPATH": args.old})
        print(f"old_1600x900: {float(out.stdout.strip().splitlines()[-1]):.2f} ms")
    from game.userfiles.settings import UI_SCALES
    from game.view.scale import ui_percent

    held = sorted({ui_percent(SIZE, scale) for scale in UI_SCALES})
    for name, ms in frames_ms(list(held)).items():
        print(f"frame_1600x900_ui{name}: {ms:.2f} ms")


if __name__ == "__main__":
    main()
